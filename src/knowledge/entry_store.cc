#include "knowledge/entry_store.h"

#include <algorithm>
#include <array>

#include "knowledge/tags.h"
#include "util/text.h"
#include "util/toml.h"

namespace portlens {

std::string_view EntryStore::keep(std::string text) {
  return strings_.emplace_back(std::move(text));
}

std::span<const std::string_view> EntryStore::keep(std::vector<std::string_view> list) {
  return lists_.emplace_back(std::move(list));
}

std::span<const MalwareName> EntryStore::keep(std::vector<MalwareName> list) {
  return malware_lists_.emplace_back(std::move(list));
}

namespace {


/// Reads one [[entry]] or [[source]] table; every error carries file:line:col.
class TableReader {
 public:
  TableReader(EntryStore& store, std::string_view file, const toml::table& table, LoadMode mode)
      : store_(store), file_(file), table_(table), mode_(mode) {}

  Error error_at(const toml::node& node, const char* msgid, std::string_view detail = {}) const {
    const auto& where = node.source().begin;
    return make_error(msgid, fmt::format("{}:{}:{}", file_, where.line, where.column), detail);
  }

  Status reject_unknown_keys(std::span<const std::string_view> allowed) const {
    for (auto&& [key, value] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        return error_at(value, N_("{}: unknown key '{}'"), unshield(key.str()));
      }
    }
    return Ok{};
  }

  /// A string field; nullopt-equivalent empty view when absent and optional.
  Result<std::string_view> text(const toml::node& node, std::string_view name) {
    const auto* value = node.as_string();
    if (value == nullptr) return error_at(node, N_("{}: '{}' must be a string"), name);
    std::string raw = unshield(value->get());
    for (char c : raw) {
      auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\n') || byte == 0x7F) {
        return error_at(node, N_("{}: '{}' contains a control character"), name);
      }
    }
    return store_.keep(std::move(raw));
  }

  Result<std::string_view> optional_text(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) return error_at(table_, N_("{}: '{}' is missing"), key);
      return std::string_view{};
    }
    return text(*node, key);
  }

  Result<LocalizedText> localized(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) return error_at(table_, N_("{}: '{}' is missing"), key);
      return LocalizedText{};
    }
    const toml::table* both = node->as_table();
    if (both == nullptr) return error_at(*node, N_("{}: '{}' must be a table with en and zh"), key);
    LocalizedText out;
    for (auto&& [language, value] : *both) {
      auto piece = text(value, key);
      if (!piece) return piece.error();
      if (language.str() == "en") {
        out.en = *piece;
      } else if (language.str() == "zh") {
        out.zh = *piece;
      } else {
        return error_at(value, N_("{}: unknown language '{}' (expected en or zh)"),
                        unshield(language.str()));
      }
    }
    bool complete = !trim(out.en).empty() && !trim(out.zh).empty();
    if (required && !complete) return error_at(*node, N_("{}: '{}' needs both en and zh"), key);
    return out;
  }

  Result<std::vector<std::string_view>> string_list(std::string_view key) {
    std::vector<std::string_view> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) return error_at(*node, N_("{}: '{}' must be a list"), key);
    for (const toml::node& item : *array) {
      auto piece = text(item, key);
      if (!piece) return piece.error();
      out.push_back(*piece);
    }
    return out;
  }

  Status read_ports(PortEntry& entry) {
    const toml::node* port = table_.get("port");
    const toml::node* range = table_.get("range");
    if ((port == nullptr) == (range == nullptr)) {
      return error_at(table_, N_("{}: give exactly one of 'port' and 'range'"));
    }
    if (port != nullptr) {
      auto number = port_number(*port);
      if (!number) return number.error();
      entry.ports = {*number, *number};
      return Ok{};
    }
    const toml::array* pair = range->as_array();
    if (pair == nullptr || pair->size() != 2) {
      return error_at(*range, N_("{}: 'range' must be [first, last]"));
    }
    auto first = port_number(*pair->get(0));
    if (!first) return first.error();
    auto last = port_number(*pair->get(1));
    if (!last) return last.error();
    if (*last < *first) return error_at(*range, N_("{}: 'range' ends before it starts"));
    entry.ports = {*first, *last};
    return Ok{};
  }

  Result<uint16_t> port_number(const toml::node& node) {
    std::optional<int64_t> value = node.value_exact<int64_t>();
    if (!value || *value < 0 || *value > 65535) {
      return error_at(node, N_("{}: a port must be a whole number from 0 to 65535"));
    }
    return static_cast<uint16_t>(*value);
  }

  Status read_protocols(PortEntry& entry) {
    auto names = string_list("proto");
    if (!names) return names.error();
    if (names->empty()) {
      if (mode_ == LoadMode::curated) return error_at(table_, N_("{}: '{}' is missing"), "proto");
      entry.protocols = bit(Protocol::tcp) | bit(Protocol::udp);
      return Ok{};
    }
    for (std::string_view name : *names) {
      auto protocol = parse_protocol(name);
      if (!protocol) return error_at(*table_.get("proto"), N_("{}: unknown protocol '{}'"), name);
      if (contains(entry.protocols, *protocol)) {
        return error_at(*table_.get("proto"), N_("{}: protocol '{}' is listed twice"), name);
      }
      entry.protocols |= bit(*protocol);
    }
    return Ok{};
  }

  Status read_risk_and_tags(PortEntry& entry) {
    const toml::node* risk = table_.get("risk");
    if (risk == nullptr) {
      if (mode_ == LoadMode::curated) return error_at(table_, N_("{}: '{}' is missing"), "risk");
      entry.has_risk = false;
    } else {
      auto name = text(*risk, "risk");
      if (!name) return name.error();
      auto level = parse_risk(*name);
      if (!level) {
        return error_at(*risk, N_("{}: unknown risk '{}' (info, low, medium, high, critical)"), *name);
      }
      entry.risk = *level;
    }
    auto tags = string_list("tags");
    if (!tags) return tags.error();
    for (std::string_view tag : *tags) {
      if (find_tag(tag) == nullptr) return error_at(*table_.get("tags"), N_("{}: unknown tag '{}'"), tag);
    }
    entry.tags = store_.keep(std::move(*tags));
    return Ok{};
  }

  Status read_malware(PortEntry& entry) {
    std::vector<MalwareName> names;
    const toml::node* node = table_.get("malware");
    if (node != nullptr) {
      const toml::array* array = node->as_array();
      if (array == nullptr) return error_at(*node, N_("{}: '{}' must be a list"), "malware");
      for (const toml::node& item : *array) {
        auto name = malware_name(item);
        if (!name) return name.error();
        names.push_back(*name);
      }
    }
    entry.malware = store_.keep(std::move(names));
    return Ok{};
  }

  Result<MalwareName> malware_name(const toml::node& item) {
    if (item.is_string()) {
      auto name = text(item, "malware");
      if (!name) return name.error();
      return MalwareName{*name, {}};
    }
    const toml::table* table = item.as_table();
    if (table == nullptr) return error_at(item, N_("{}: a malware item is a name or {{ name, aka }}"));
    TableReader inner(store_, file_, *table, mode_);
    static constexpr std::array<std::string_view, 2> kKeys = {"name", "aka"};
    if (auto status = inner.reject_unknown_keys(kKeys); !status) return status.error();
    auto name = inner.optional_text("name", true);
    if (!name) return name.error();
    if (trim(*name).empty()) return error_at(item, N_("{}: '{}' must not be empty"), "name");
    auto aka = inner.string_list("aka");
    if (!aka) return aka.error();
    return MalwareName{*name, store_.keep(std::move(*aka))};
  }

  Status read_entry() {
    static constexpr std::array<std::string_view, 12> kKeys = {
        "port", "range", "proto", "service", "risk", "tags", "title",
        "description", "advice", "malware", "seed_note", "sources"};
    if (auto status = reject_unknown_keys(kKeys); !status) return status;
    bool curated = mode_ == LoadMode::curated;
    PortEntry entry;
    if (auto status = read_ports(entry); !status) return status;
    if (auto status = read_protocols(entry); !status) return status;
    auto service = optional_text("service", curated);
    if (!service) return service.error();
    entry.service = *service;
    if (auto status = read_risk_and_tags(entry); !status) return status;
    for (auto [key, field] : {std::pair{"title", &entry.title}, {"description", &entry.description},
                              {"advice", &entry.advice}}) {
      auto value = localized(key, curated);
      if (!value) return value.error();
      *field = *value;
    }
    auto seed_note = localized("seed_note", false);
    if (!seed_note) return seed_note.error();
    if (!seed_note->empty() && (trim(seed_note->en).empty() || trim(seed_note->zh).empty())) {
      return error_at(*table_.get("seed_note"), N_("{}: '{}' needs both en and zh"), "seed_note");
    }
    entry.seed_note = *seed_note;
    if (auto status = read_malware(entry); !status) return status;
    auto sources = string_list("sources");
    if (!sources) return sources.error();
    if (curated && sources->empty()) return error_at(table_, N_("{}: '{}' is missing"), "sources");
    entry.source_ids = store_.keep(std::move(*sources));
    store_.entries.push_back(entry);
    store_.entry_lines.push_back(table_.source().begin.line);
    return Ok{};
  }

  Status read_source() {
    static constexpr std::array<std::string_view, 3> kKeys = {"id", "title", "url"};
    if (auto status = reject_unknown_keys(kKeys); !status) return status;
    auto id = optional_text("id", true);
    if (!id) return id.error();
    auto title = optional_text("title", true);
    if (!title) return title.error();
    auto url = optional_text("url", false);
    if (!url) return url.error();
    store_.sources.push_back({*id, *title, *url});
    return Ok{};
  }

 private:
  EntryStore& store_;
  std::string_view file_;
  const toml::table& table_;
  LoadMode mode_;
};

Status read_tables(EntryStore& store, std::string_view file, const toml::table& root,
                   LoadMode mode) {
  for (auto&& [key, value] : root) {
    const toml::array* array = value.as_array();
    bool is_entry = key.str() == "entry";
    if ((!is_entry && key.str() != "source") || array == nullptr) {
      const auto& where = value.source().begin;
      return make_error(N_("{}: unknown top-level key '{}' (expected [[entry]] or [[source]])"),
                        fmt::format("{}:{}:{}", file, where.line, where.column), unshield(key.str()));
    }
    for (const toml::node& item : *array) {
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        const auto& where = item.source().begin;
        return make_error(N_("{}: '{}' must hold tables"),
                          fmt::format("{}:{}:{}", file, where.line, where.column), key.str());
      }
      TableReader reader(store, file, *table, mode);
      Status status = is_entry ? reader.read_entry() : reader.read_source();
      if (!status) return status;
    }
  }
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<EntryStore>> load_entries(std::string_view toml_text,
                                                 std::string_view file_name, LoadMode mode) {
  auto store = std::make_unique<EntryStore>();
  auto parsed = parse_toml(toml_text, file_name);
  if (!parsed) return parsed.error();
  toml::table root = std::move(*parsed);
  if (Status status = read_tables(*store, file_name, root, mode); !status) return status.error();
  std::vector<const PortEntry*> pointers;
  for (const PortEntry& entry : store->entries) pointers.push_back(&entry);
  if (auto overlap = find_overlap(pointers)) {
    size_t second = static_cast<size_t>(overlap->second - store->entries.data());
    size_t first = static_cast<size_t>(overlap->first - store->entries.data());
    return make_error(N_("{}: entries at lines {} and {} cover the same port and protocol"),
                      file_name, store->entry_lines[first], store->entry_lines[second]);
  }
  return store;
}

std::optional<std::pair<const PortEntry*, const PortEntry*>> find_overlap(
    std::vector<const PortEntry*> entries) {
  std::sort(entries.begin(), entries.end(), [](const PortEntry* a, const PortEntry* b) {
    return a->ports.first < b->ports.first;
  });
  // For each protocol, the earlier entry reaching furthest: any overlap with
  // the current entry on that protocol implies an overlap with this one.
  std::array<const PortEntry*, 3> furthest{};
  for (const PortEntry* entry : entries) {
    for (size_t i = 0; i < furthest.size(); ++i) {
      if (!contains(entry->protocols, kProtocols[i])) continue;
      const PortEntry*& previous = furthest[i];
      if (previous != nullptr && previous->ports.last >= entry->ports.first) {
        return std::pair{previous, entry};
      }
      if (previous == nullptr || entry->ports.last > previous->ports.last) previous = entry;
    }
  }
  return std::nullopt;
}

}  // namespace portlens
