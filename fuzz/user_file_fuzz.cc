// The user's ports.toml (and, in curated mode, the data/ files' loader).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "knowledge/entry_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto mode : {portlens::LoadMode::user, portlens::LoadMode::curated}) {
    auto store = portlens::load_entries(text, "fuzz.toml", mode);
    if (!store) continue;
    for (const portlens::PortEntry& entry : (*store)->entries) {
      if (entry.ports.first > entry.ports.last || entry.protocols == 0) __builtin_trap();
    }
  }
  return 0;
}
