#pragma once
// Loads knowledge-base entries from TOML text (data/ports/*.toml at build time,
// the user's ports.toml at run time) into an EntryStore that owns their text.
// The format is documented in data/README.md.

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/port_entry.h"
#include "util/error.h"

namespace portlens {

/// Owns the text behind PortEntry views. Never copied or moved once filled
/// (views point into it), so it lives behind a unique_ptr.
class EntryStore {
 public:
  EntryStore() = default;
  EntryStore(const EntryStore&) = delete;
  EntryStore& operator=(const EntryStore&) = delete;

  std::vector<PortEntry> entries;
  std::vector<uint32_t> entry_lines;  ///< Line in the file where each entry starts.
  std::vector<SourceRef> sources;

  std::string_view keep(std::string text);
  std::span<const std::string_view> keep(std::vector<std::string_view> list);
  std::span<const MalwareName> keep(std::vector<MalwareName> list);

 private:
  std::deque<std::string> strings_;
  std::deque<std::vector<std::string_view>> lists_;
  std::deque<std::vector<MalwareName>> malware_lists_;
};

enum class LoadMode {
  curated,  ///< Every field required, in both languages; for data/.
  user,     ///< Only the port is required; for a user's own overrides.
};

/// Parses and validates one file. Errors name the file, line and column.
Result<std::unique_ptr<EntryStore>> load_entries(std::string_view toml_text,
                                                 std::string_view file_name, LoadMode mode);

/// First pair of entries that cover the same (port, protocol), if any;
/// `entries` need not be sorted. O(n log n).
std::optional<std::pair<const PortEntry*, const PortEntry*>> find_overlap(
    std::vector<const PortEntry*> entries);

}  // namespace portlens
