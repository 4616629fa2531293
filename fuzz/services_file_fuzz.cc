// services(5), the IANA copy and nmap-services: files we did not write.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "knowledge/services_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = portlens::parse_services_file(text);
  for (const auto& service : file.services) {
    if (service.name.empty() || service.protocols == 0 || service.last_port < service.port) __builtin_trap();
  }
  (void)portlens::parse_services_file_strict(text, "fuzz");
  return 0;
}
