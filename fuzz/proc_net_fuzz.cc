// The text of /proc/net/{tcp,tcp6,udp,udp6}, the fallback socket source. Seeds
// are real tables (src/inventory/captured_sockets_test_data.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/proc_net_source.h"

namespace {

void check(std::string_view text, portlens::Protocol protocol, portlens::AddressFamily family) {
  auto records = portlens::parse_proc_net(text, protocol, family);
  if (!records) {
    if (records.error().args.size() < 2) __builtin_trap();  // errors name the file and line
    return;
  }
  for (const portlens::SocketRecord& record : *records) {
    if (record.protocol != protocol || record.family != family) __builtin_trap();
    auto state = static_cast<unsigned>(record.state);
    if (state < 1 || state > 12) __builtin_trap();
    if (family == portlens::AddressFamily::ipv4) {
      for (size_t i = 4; i < 16; ++i) {
        if (record.local.address[i] != 0 || record.remote.address[i] != 0) __builtin_trap();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto protocol : {portlens::Protocol::tcp, portlens::Protocol::udp}) {
    check(text, protocol, portlens::AddressFamily::ipv4);
    check(text, protocol, portlens::AddressFamily::ipv6);
  }
  return 0;
}
