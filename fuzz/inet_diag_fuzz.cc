// Netlink sock_diag dump replies: what the kernel sends back for
// SOCK_DIAG_BY_FAMILY. Seeds are real dumps (src/inventory/captured_sockets_test_data.h).
#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "inventory/netlink_source.h"

namespace {

void check(std::span<const uint8_t> bytes, portlens::Protocol protocol) {
  std::vector<portlens::SocketRecord> records;
  bool done = false;
  int kernel_errno = 0;
  (void)portlens::parse_inet_diag_messages(bytes, protocol, &records, &done, &kernel_errno);
  // Each record needs its own header and inet_diag_msg: more records than
  // that would mean a byte was read twice.
  if (records.size() > bytes.size() / (sizeof(nlmsghdr) + sizeof(inet_diag_msg))) __builtin_trap();
  for (const portlens::SocketRecord& record : records) {
    if (record.protocol != protocol) __builtin_trap();
    auto state = static_cast<unsigned>(record.state);
    if (state < 1 || state > 12) __builtin_trap();
    if (record.family == portlens::AddressFamily::ipv4) {
      for (size_t i = 4; i < 16; ++i) {
        if (record.local.address[i] != 0 || record.remote.address[i] != 0) __builtin_trap();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  check(bytes, portlens::Protocol::tcp);
  check(bytes, portlens::Protocol::udp);
  return 0;
}
