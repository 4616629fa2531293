// make_sockets: fills the current network namespace with a known load for
// the `ls` benchmark — LISTENERS TCP listeners, PAIRS established loopback
// connections (two sockets each), UDP bound sockets — spread over PROCS
// processes. Prints "ready" when everything is open, then waits (at most
// --seconds) and exits; its children exit with it. Sockets are bound to
// loopback, or with --wildcard to 0.0.0.0 (for the audit benchmark, inside
// a namespace of its own); connections go to loopback either way.
//
//   make_sockets --listeners 20000 --pairs 10000 --udp 1000 --procs 200 [--seconds 600] [--wildcard 1]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int must(int value, const char* what) {
  if (value < 0) {
    std::perror(what);
    std::exit(1);
  }
  return value;
}

bool g_wildcard = false;

int bound_socket(int type, uint16_t port) {
  int fd = must(socket(AF_INET, type, 0), "socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(g_wildcard ? INADDR_ANY : INADDR_LOOPBACK);
  must(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), "bind");
  return fd;
}

/// One worker's share: listeners on ports [first, first+listeners), pairs
/// connected to its own first listener, UDP sockets on their own ports.
void open_share(uint16_t first_port, int listeners, int pairs, uint16_t udp_first, int udp) {
  int first_listener = -1;
  for (int i = 0; i < listeners; ++i) {
    int fd = bound_socket(SOCK_STREAM, static_cast<uint16_t>(first_port + i));
    must(listen(fd, 4096), "listen");
    if (i == 0) first_listener = fd;
  }
  for (int i = 0; i < pairs && first_listener >= 0; ++i) {
    int client = must(socket(AF_INET, SOCK_STREAM, 0), "socket");
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(first_port);
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    must(connect(client, reinterpret_cast<sockaddr*>(&target), sizeof target), "connect");
    must(accept(first_listener, nullptr, nullptr), "accept");
  }
  for (int i = 0; i < udp; ++i) bound_socket(SOCK_DGRAM, static_cast<uint16_t>(udp_first + i));
}

}  // namespace

int main(int argc, char** argv) {
  int listeners = 20000, pairs = 10000, udp = 1000, procs = 200, seconds = 600;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--listeners") listeners = value;
    else if (flag == "--pairs") pairs = value;
    else if (flag == "--udp") udp = value;
    else if (flag == "--procs") procs = value;
    else if (flag == "--seconds") seconds = value;
    else if (flag == "--wildcard") g_wildcard = value != 0;
  }
  rlimit limit{65536, 65536};
  setrlimit(RLIMIT_NOFILE, &limit);
  int ready[2];
  must(pipe(ready), "pipe");
  std::vector<pid_t> children;
  for (int p = 0; p < procs; ++p) {
    int share_listeners = listeners / procs + (p < listeners % procs);
    int share_pairs = pairs / procs + (p < pairs % procs);
    int share_udp = udp / procs + (p < udp % procs);
    uint16_t first_port = static_cast<uint16_t>(10000 + p * (listeners / procs + 1));
    uint16_t udp_first = static_cast<uint16_t>(40000 + p * (udp / procs + 1));
    pid_t child = must(fork(), "fork");
    if (child == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the parent
      close(ready[0]);
      open_share(first_port, share_listeners, share_pairs, udp_first, share_udp);
      char byte = 1;
      must(static_cast<int>(write(ready[1], &byte, 1)), "write");
      alarm(static_cast<unsigned>(seconds));
      pause();
      _exit(0);
    }
    children.push_back(child);
  }
  close(ready[1]);
  for (int p = 0; p < procs; ++p) {
    char byte;
    if (read(ready[0], &byte, 1) != 1) {
      std::fprintf(stderr, "make_sockets: a worker failed\n");
      for (pid_t child : children) kill(child, SIGKILL);
      return 1;
    }
  }
  std::printf("ready\n");
  std::fflush(stdout);
  alarm(static_cast<unsigned>(seconds));
  pause();
  return 0;
}
