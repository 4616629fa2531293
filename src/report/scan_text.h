#pragma once
// `portlens scan` for people and for programs: the per-host text tables and
// summary, the JSON document and the NDJSON stream (schemas in docs/json.md).
// The nmap formats (-oX, -oG) are in scan_xml.h and scan_grepable.h.

#include <memory>
#include <string>

#include "i18n/language.h"
#include "report/sink.h"
#include "report/style.h"
#include "scan/scan_report.h"

namespace portlens {

struct ScanTextOptions {
  Language language = Language::en;
  Style style{false};
  int width = 80;
};

/// Per-host tables as hosts finish, then the summary. With more than
/// kAllHostsShown targets, hosts with nothing to list are counted, not shown.
std::unique_ptr<ScanWriter> make_scan_text_writer(OutputSink& sink, const ScanTextOptions& options);
inline constexpr uint64_t kAllHostsShown = 16;

/// The line printed as soon as a port is found:
/// "found: db1 (10.0.0.2) 22/tcp open  ssh  medium  SSH-2.0-OpenSSH_9.2p1".
std::string format_port_found(const HostReport& host, const PortVerdict& verdict, const ScanTextOptions& options);

/// {"hosts": [...], "stats": {...}}, written host by host.
std::unique_ptr<ScanWriter> make_scan_json_writer(OutputSink& sink);

/// One line per event: {"type":"port",...} as ports are found (the caller
/// passes them to ndjson_port_line), {"type":"host",...} when a host is done
/// and {"type":"stats",...} at the end.
std::unique_ptr<ScanWriter> make_scan_ndjson_writer(OutputSink& sink);
std::string ndjson_port_line(const HostReport& host, const PortVerdict& verdict);

}  // namespace portlens
