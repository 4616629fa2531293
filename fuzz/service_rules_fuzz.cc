// Bytes a server sends for --banners/-sV: greetings, probe replies, TLS
// records, MySQL packets, hostile junk. Input: two bytes of port, one flag
// byte (bit 0: the reply answers our ClientHello), then the reply.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/service_rules.h"

namespace {

bool printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  auto port = static_cast<uint16_t>((data[0] << 8) | data[1]);
  bool tls = (data[2] & 1) != 0;
  std::string_view reply(reinterpret_cast<const char*>(data + 3), size - 3);
  portlens::ServiceIdentity identity = portlens::identify_service(reply, port, tls);
  // The contract: the banner is the reply (or, for HTTP, its head), and the
  // fields are short printable ASCII whatever arrived.
  if (!reply.starts_with(identity.banner)) __builtin_trap();
  if (identity.service != "http" && identity.banner.size() != reply.size()) __builtin_trap();
  if (identity.product.size() > 64 || identity.version.size() > 64 || identity.extra_info.size() > 128) {
    __builtin_trap();
  }
  if (!printable_ascii(identity.product) || !printable_ascii(identity.version) ||
      !printable_ascii(identity.extra_info) || !printable_ascii(identity.service)) {
    __builtin_trap();
  }
  if (identity.tls && identity.service.empty()) __builtin_trap();
  (void)portlens::probe_for_port(port);
  (void)portlens::fallback_probe(port);
  return 0;
}
