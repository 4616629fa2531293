// kbgen: the build-time generator. It reads the knowledge base (data/), the
// IANA registry copy and the Chinese message catalog, validates them, and
// writes C++ tables that are compiled into portlens, so nothing is parsed at
// start-up and nothing is read from disk at run time.
//
//   kbgen OUT_DIR SOURCES_TOML IANA_SERVICES PO_FILE TOP_PORTS_TOML PORTS_TOML...
//
// Any error stops the build with "file:line:col: what is wrong".

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "i18n/po_file.h"
#include "knowledge/entry_store.h"
#include "knowledge/services_file.h"
#include "util/toml.h"

namespace portlens {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "kbgen: cannot read {}\n", path);
    std::exit(1);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

[[noreturn]] void fail(const Error& error) {
  std::string message = error.msgid;
  for (const std::string& arg : error.args) {
    size_t at = message.find("{}");
    if (at != std::string::npos) message.replace(at, 2, arg);
  }
  fmt::print(stderr, "kbgen: {}\n", message);
  std::exit(1);
}

std::string quoted(std::string_view text);

/// A std::string_view of arbitrary bytes as C++ source: octal escapes for
/// control bytes (three digits, so a following digit is never swallowed),
/// UTF-8 kept as is, and the length written out: without it the compiler
/// constant-evaluates strlen for each of the ~20,000 literals, which made the
/// IANA table take 86 s to compile instead of 5.
std::string literal(std::string_view text) {
  return fmt::format("std::string_view{{{}, {}}}", quoted(text), text.size());
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\{:03o}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string localized(const LocalizedText& text) {
  return fmt::format("{{{}, {}}}", literal(text.en), literal(text.zh));
}

std::string string_array(std::string_view name, std::span<const std::string_view> items) {
  std::string out = fmt::format("const std::string_view {}[] = {{", name);
  for (std::string_view item : items) out += literal(item) + ", ";
  return out + "};\n";
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    fmt::print(stderr, "kbgen: cannot write {}\n", path);
    std::exit(1);
  }
}

/// One port of data/top-ports.toml and where the file wrote it.
struct RankedPort {
  uint16_t port;
  std::string where;  ///< "FILE:LINE:COLUMN"
};

/// Reads the hand-ranked head of the --top-ports order: one key, `tcp`, an
/// array of distinct integers 1-65535.
std::vector<RankedPort> read_top_ports(const std::string& path) {
  auto table = parse_toml(read_file(path), path);
  if (!table) fail(table.error());
  for (auto&& [key, value] : *table) {
    if (key.str() != "tcp") {
      fail(make_error("{}: unknown key '{}' (expected tcp)", toml_where(path, value.source()),
                      unshield(key.str())));
    }
  }
  const toml::array* list = table->get_as<toml::array>("tcp");
  if (list == nullptr || list->empty()) fail(make_error("{}: needs a non-empty array 'tcp'", path));
  std::vector<RankedPort> ranked;
  std::map<int64_t, std::string> seen;
  for (const toml::node& node : *list) {
    std::string where = toml_where(path, node.source());
    const toml::value<int64_t>* number = node.as_integer();
    if (number == nullptr) fail(make_error("{}: a port must be an integer", where));
    int64_t port = number->get();
    if (port < 1 || port > 65535) fail(make_error("{}: port {} is not in 1-65535", where, port));
    if (auto [it, fresh] = seen.emplace(port, where); !fresh) {
      fail(make_error("{}: port {} is already ranked at {}", where, port, it->second));
    }
    ranked.push_back({static_cast<uint16_t>(port), std::move(where)});
  }
  return ranked;
}

/// A ranked port nothing names is most likely a typo: every one must have a
/// curated TCP entry or an IANA TCP name.
void check_top_ports_named(const std::vector<RankedPort>& ranked,
                           const std::vector<const PortEntry*>& entries,
                           const std::vector<ServiceName>& iana) {
  std::vector<bool> named(65536, false);
  for (const PortEntry* entry : entries) {
    if (!contains(entry->protocols, Protocol::tcp)) continue;
    for (uint32_t port = entry->ports.first; port <= entry->ports.last; ++port) named[port] = true;
  }
  for (const ServiceName& service : iana) {
    if (!contains(service.protocols, Protocol::tcp)) continue;
    for (uint32_t port = service.port; port <= service.last_port; ++port) named[port] = true;
  }
  for (const RankedPort& ranked_port : ranked) {
    if (!named[ranked_port.port]) {
      fail(make_error("{}: port {} has neither a curated TCP entry nor an IANA TCP name",
                      ranked_port.where, ranked_port.port));
    }
  }
}

std::string top_ports_source(const std::vector<RankedPort>& ranked) {
  std::string out = "const uint16_t kTopTcpHead[] = {";
  for (size_t i = 0; i < ranked.size(); ++i) {
    out += fmt::format("{}{},", i % 16 == 0 ? "\n    " : " ", ranked[i].port);
  }
  return out + "\n};\n";
}

std::string curated_source(const std::vector<const PortEntry*>& entries,
                           const std::vector<SourceRef>& sources,
                           const std::vector<RankedPort>& top_ports) {
  std::string out =
      "// Generated by tools/kbgen from data/. Do not edit.\n"
      "#include \"knowledge/embedded.h\"\n\nnamespace portlens {\nnamespace {\n\n";
  std::string table = "const PortEntry kEntries[] = {\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const PortEntry& entry = *entries[i];
    auto span_name = [&](std::string_view kind, size_t count) {
      return count == 0 ? std::string("{}") : fmt::format("k{}{}", kind, i);
    };
    if (!entry.tags.empty()) out += string_array(span_name("Tags", 1), entry.tags);
    if (!entry.source_ids.empty()) out += string_array(span_name("Sources", 1), entry.source_ids);
    if (!entry.malware.empty()) {
      std::string names = fmt::format("const MalwareName kMalware{}[] = {{\n", i);
      for (size_t m = 0; m < entry.malware.size(); ++m) {
        const MalwareName& malware = entry.malware[m];
        std::string aka = "{}";
        if (!malware.aka.empty()) {
          aka = fmt::format("kAka{}_{}", i, m);
          out += string_array(aka, malware.aka);
        }
        names += fmt::format("    {{{}, {}}},\n", literal(malware.name), aka);
      }
      out += names + "};\n";
    }
    table += fmt::format(
        "    {{{{{}, {}}}, {}, {}, Risk::{}, true, {}, {}, {}, {}, {}, {}, {}}},\n",
        entry.ports.first, entry.ports.last, entry.protocols, literal(entry.service),
        risk_name(entry.risk), localized(entry.title), localized(entry.description),
        localized(entry.advice), localized(entry.seed_note), span_name("Tags", entry.tags.size()),
        span_name("Malware", entry.malware.size()), span_name("Sources", entry.source_ids.size()));
  }
  out += "\n" + table + "};\n\n" + top_ports_source(top_ports) + "\nconst SourceRef kSources[] = {\n";
  for (const SourceRef& source : sources) {
    out += fmt::format("    {{{}, {}, {}}},\n", literal(source.id), literal(source.title),
                       literal(source.url));
  }
  out +=
      "};\n\n}  // namespace\n\n"
      "std::span<const PortEntry> curated_entries() { return kEntries; }\n"
      "std::span<const SourceRef> curated_sources() { return kSources; }\n"
      "std::span<const uint16_t> top_tcp_head() { return kTopTcpHead; }\n\n"
      "}  // namespace portlens\n";
  return out;
}

std::string iana_source(std::vector<ServiceName> blocks) {
  // Blocks ("x11 6000-6063") become one row per port, so lookups stay a
  // binary search on the port.
  std::vector<ServiceName> services;
  for (ServiceName& block : blocks) {
    for (uint32_t port = block.port; port <= block.last_port; ++port) {
      services.push_back(block);
      services.back().port = static_cast<uint16_t>(port);
    }
  }
  std::sort(services.begin(), services.end(), [](const ServiceName& a, const ServiceName& b) {
    return std::tie(a.port, a.name) < std::tie(b.port, b.name);
  });
  std::string out =
      "// Generated by tools/kbgen from the IANA registry copy. Do not edit.\n"
      "#include \"knowledge/embedded.h\"\n\nnamespace portlens {\nnamespace {\n\n"
      "const IanaService kServices[] = {\n";
  for (const ServiceName& service : services) {
    out += fmt::format("    {{{}, {}, {}, {}}},\n", service.port, service.protocols,
                       literal(service.name), literal(service.comment));
  }
  out +=
      "};\n\n}  // namespace\n\n"
      "std::span<const IanaService> iana_services() { return kServices; }\n\n"
      "}  // namespace portlens\n";
  return out;
}

std::string catalog_source(std::vector<PoMessage> messages) {
  std::sort(messages.begin(), messages.end(),
            [](const PoMessage& a, const PoMessage& b) { return a.msgid < b.msgid; });
  std::string out =
      "// Generated by tools/kbgen from po/zh_CN.po. Do not edit.\n"
      "#include \"i18n/catalog.h\"\n\nnamespace portlens {\nnamespace {\n\n"
      "const CatalogEntry kCatalog[] = {\n";
  size_t count = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    const PoMessage& message = messages[i];
    if (message.fuzzy || message.msgstr.empty()) continue;  // untranslated: English shows
    if (i > 0 && messages[i - 1].msgid == message.msgid) {
      fmt::print(stderr, "kbgen: po: duplicate msgid {}\n", literal(message.msgid));
      std::exit(1);
    }
    out += fmt::format("    {{{}, {}}},\n", literal(message.msgid), literal(message.msgstr));
    ++count;
  }
  if (count == 0) out += "    {\"\", \"\"},\n";
  out +=
      "};\n\n}  // namespace\n\n"
      "std::span<const CatalogEntry> chinese_catalog() { return kCatalog; }\n\n"
      "}  // namespace portlens\n";
  return out;
}

std::vector<SourceRef> check_sources(const std::vector<std::unique_ptr<EntryStore>>& stores,
                                     const std::vector<const PortEntry*>& entries) {
  std::vector<SourceRef> sources;
  std::set<std::string_view> ids;
  for (const auto& store : stores) {
    for (const SourceRef& source : store->sources) {
      if (!ids.insert(source.id).second) {
        fail(make_error("source id '{}' is defined twice", source.id));
      }
      sources.push_back(source);
    }
  }
  for (const PortEntry* entry : entries) {
    for (std::string_view id : entry->source_ids) {
      if (!ids.contains(id)) {
        fail(make_error("entry for port {} cites unknown source '{}'", entry->ports.first, id));
      }
    }
  }
  return sources;
}

int run(int argc, char** argv) {
  if (argc < 7) {
    fmt::print(stderr,
               "usage: kbgen OUT_DIR SOURCES_TOML IANA_SERVICES PO_FILE TOP_PORTS_TOML PORTS_TOML...\n");
    return 2;
  }
  std::string out_dir = argv[1];
  std::vector<std::unique_ptr<EntryStore>> stores;
  for (int i = 2; i < argc; ++i) {
    if (i >= 3 && i <= 5) continue;  // not entry files
    auto store = load_entries(read_file(argv[i]), argv[i], LoadMode::curated);
    if (!store) fail(store.error());
    stores.push_back(std::move(*store));
  }
  std::vector<const PortEntry*> entries;
  for (const auto& store : stores) {
    for (const PortEntry& entry : store->entries) entries.push_back(&entry);
  }
  if (auto overlap = find_overlap(entries)) {
    fail(make_error("two entries cover port {} (services '{}' and '{}')",
                    overlap->second->ports.first, overlap->first->service,
                    overlap->second->service));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const PortEntry* a, const PortEntry* b) {
    return a->ports.first < b->ports.first;
  });
  std::vector<SourceRef> sources = check_sources(stores, entries);

  auto iana = parse_services_file_strict(read_file(argv[3]), argv[3]);
  if (!iana) fail(iana.error());
  auto messages = parse_po(read_file(argv[4]), argv[4]);
  if (!messages) fail(messages.error());
  std::vector<RankedPort> top_ports = read_top_ports(argv[5]);
  check_top_ports_named(top_ports, entries, iana->services);

  write_file(out_dir + "/curated_table.cc", curated_source(entries, sources, top_ports));
  write_file(out_dir + "/iana_table.cc", iana_source(std::move(iana->services)));
  write_file(out_dir + "/catalog_table.cc", catalog_source(std::move(*messages)));
  return 0;
}

}  // namespace
}  // namespace portlens

int main(int argc, char** argv) { return portlens::run(argc, argv); }
