#pragma once
// One knowledge-base entry: what a port (or block of ports) is, how risky it is
// when exposed, which malware is known to use it, and where those facts come
// from. The same view type serves the table compiled into the binary (pointing
// at string literals) and entries loaded from a user's file (pointing into an
// EntryStore that owns the text).

#include <cstdint>
#include <span>
#include <string_view>

#include "i18n/language.h"
#include "knowledge/risk.h"
#include "net/port_spec.h"
#include "net/protocol.h"

namespace portlens {

struct MalwareName {
  std::string_view name;
  std::span<const std::string_view> aka;  ///< Other spellings, e.g. "Sub7", "冰河".
};

struct SourceRef {
  std::string_view id;
  std::string_view title;
  std::string_view url;  ///< May be empty.
};

/// Where a fact came from, shown beside it in `info`.
enum class Origin : uint8_t { curated, iana, system_file, nmap_file, user_file };

std::string_view origin_name(Origin origin);

struct PortEntry {
  PortRange ports;
  ProtocolSet protocols = 0;
  std::string_view service;
  Risk risk = Risk::info;
  bool has_risk = true;  ///< False for user entries that do not set a risk.
  LocalizedText title;
  LocalizedText description;
  LocalizedText advice;
  LocalizedText seed_note;  ///< Where the classic table said otherwise; may be empty.
  std::span<const std::string_view> tags;
  std::span<const MalwareName> malware;
  std::span<const std::string_view> source_ids;
};

}  // namespace portlens
