// Port specifications typed by users: "21", "137-139/udp", "21,22,80-90".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/port_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = portlens::parse_port_list(text);
  if (list) {
    for (const portlens::PortQuery& query : *list) {
      if (query.range.first > query.range.last) __builtin_trap();  // the parser promised order
    }
  }
  (void)portlens::looks_like_port_spec(text);
  return 0;
}
