// bare_dump: the floor for `ls --no-process` — one SOCK_DIAG_BY_FAMILY dump
// per (protocol, family), every reply read and counted, nothing parsed or
// printed. PEERS-MEASURED.md's "bare netlink sock_diag dump (C)" row.

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

int main() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return 1;
  std::vector<char> buffer(64 * 1024);
  long records = 0;
  unsigned sequence = 0;
  for (int protocol : {IPPROTO_TCP, IPPROTO_UDP}) {
    for (int family : {AF_INET, AF_INET6}) {
      struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
      } message{};
      message.header.nlmsg_len = sizeof message;
      message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
      message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      message.header.nlmsg_seq = ++sequence;
      message.request.sdiag_family = static_cast<__u8>(family);
      message.request.sdiag_protocol = static_cast<__u8>(protocol);
      message.request.idiag_states = 0xFFF;
      if (send(fd, &message, sizeof message, 0) < 0) return 1;
      for (bool done = false; !done;) {
        ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) return 1;
        auto* header = reinterpret_cast<nlmsghdr*>(buffer.data());
        for (int left = static_cast<int>(got); NLMSG_OK(header, left); header = NLMSG_NEXT(header, left)) {
          if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) {
            done = true;
            break;
          }
          ++records;
        }
      }
    }
  }
  std::printf("%ld\n", records);
  close(fd);
  return 0;
}
