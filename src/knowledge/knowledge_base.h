#pragma once
// The knowledge base a command asks: the curated table and the IANA registry
// compiled into the binary, merged at run time with the system services file,
// a user-named nmap-services file and the user's own entries. Every fact in
// an answer says where it came from.
//
// Lookups scan the tables on demand instead of building indexes at start-up:
// a few thousand comparisons cost microseconds, an index would cost more than
// the whole `info 22` answer.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/embedded.h"
#include "knowledge/entry_store.h"
#include "knowledge/port_entry.h"
#include "knowledge/services_file.h"

namespace portlens {

/// Files merged at run time; the command line layer reads them.
struct ExtraKnowledge {
  std::vector<ServiceName> system_services;  ///< /etc/services
  std::vector<ServiceName> nmap_services;    ///< only from a path the user names
  std::unique_ptr<EntryStore> user_entries;  ///< ~/.config/portlens/ports.toml
};

enum class PortClass { well_known, registered, dynamic };
PortClass port_class(uint16_t port);
std::string_view port_class_name(PortClass port_class);

struct NameFact {
  uint16_t port = 0;  ///< First port of the name's block (for answers covering a range).
  std::string_view name;
  ProtocolSet protocols = 0;
  std::string_view description;  ///< IANA's or the file's comment; may be empty.
  Origin origin = Origin::iana;
};

struct PortAnswer {
  PortRange ports;                  ///< The port asked about, or an entry's whole block.
  ProtocolSet protocols = 0;        ///< Protocols this answer speaks for.
  bool has_entry = false;           ///< A curated or user entry covers the ports.
  PortEntry entry;                  ///< Curated entry with the user's fields laid over it.
  struct Origins {
    Origin service = Origin::curated, risk = Origin::curated, title = Origin::curated,
           description = Origin::curated, advice = Origin::curated, malware = Origin::curated,
           tags = Origin::curated;
  } origins;
  std::vector<NameFact> names;  ///< Every name known for the port(s), by origin.
};

class KnowledgeBase {
 public:
  explicit KnowledgeBase(ExtraKnowledge extra = {});

  /// Everything known about one port; `protocols` 0 means any protocol.
  PortAnswer describe(uint16_t port, ProtocolSet protocols) const;

  /// Answers for a port range. With `known_only`, ports with neither an entry
  /// nor a name are left out (for "info 1-1024").
  std::vector<PortAnswer> describe_range(PortRange ports, ProtocolSet protocols,
                                         bool known_only) const;

  /// Ports whose service name or alias is `name` (case-insensitive), from any origin.
  std::vector<PortAnswer> find_service(std::string_view name) const;

  /// Entries naming malware that matches `name` forgivingly (case, spaces and
  /// punctuation ignored). Exact matches first, then names whose first words
  /// are `name` ("netbus" finds "NetBus Pro").
  /// `exact_count`, when given, receives how many leading answers are exact.
  std::vector<PortAnswer> find_malware(std::string_view name, size_t* exact_count = nullptr) const;

  /// What a word names: ports whose service is `name` and ports of malware
  /// called exactly that, by port; then partial malware matches, by port.
  /// "netbus" is a service name (12346) and a malware name (12345, 12346,
  /// 20034, partial): all are answered.
  std::vector<PortAnswer> find_name(std::string_view name) const;

  /// Full-text search over both languages: every word must occur somewhere in
  /// an entry (or an IANA description); best matches first.
  std::vector<PortAnswer> search(std::string_view words) const;

  /// Entries at or above `minimum_risk` and/or carrying `tag`, by port.
  std::vector<PortAnswer> list(std::optional<Risk> minimum_risk,
                               std::optional<std::string_view> tag) const;

  /// The service name and risk `ls` shows beside a socket, in O(1) after the
  /// first call builds a per-(port, protocol) index (about 1 MiB). Not
  /// thread-safe. The entry's fields win, then IANA's name, then the system
  /// file's, then a named nmap-services file's; `risk` only from an entry.
  struct QuickNote {
    std::string_view service;
    bool has_risk = false;
    Risk risk = Risk::info;
  };
  QuickNote quick_note(uint16_t port, Protocol protocol) const;

  /// The curated source with this id, or nullptr (user files cite no sources).
  const SourceRef* source(std::string_view id) const;

  size_t curated_count() const;
  size_t user_count() const;

 private:
  /// Curated and user entries, merged: one answer per entry block, without
  /// names (callers add them to the answers they keep).
  std::vector<PortAnswer> all_entries() const;
  void add_names(PortAnswer& answer) const;
  PortAnswer answer_for_entry(const PortEntry* curated, const PortEntry* user) const;

  void build_quick_index() const;

  ExtraKnowledge extra_;
  /// quick_note's index: per port*3+protocol, the entry (curated or user) and
  /// the first name; 0 means none, else 1 + position in entries_/names_.
  mutable std::vector<uint16_t> quick_entry_, quick_name_;
  mutable std::vector<PortAnswer> quick_entries_;
  mutable std::vector<std::string_view> quick_names_;
};

}  // namespace portlens
