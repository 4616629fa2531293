// The allow file and the baseline of `portlens audit` (TOML the user writes
// or an earlier run saved). Seeds: fuzz/corpus/audit_files_fuzz.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/policy_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto allowances = portlens::parse_allow_file(text, "allow.toml")) {
    for (const portlens::Allowance& allow : *allowances) {
      if (!allow.id && !allow.port && !allow.process) __builtin_trap();
      if (allow.reason.empty() || allow.line == 0) __builtin_trap();
    }
  } else if (allowances.error().args.empty()) {
    __builtin_trap();  // every error names the file and place
  }
  if (auto items = portlens::parse_baseline(text, "baseline.toml")) {
    // What we write we must read back as the same items.
    std::string saved = portlens::write_baseline(*items, {2026, 11, 29});
    auto again = portlens::parse_baseline(saved, "again.toml");
    if (!again || *again != *items) __builtin_trap();
  } else if (items.error().args.empty()) {
    __builtin_trap();
  }
  return 0;
}
