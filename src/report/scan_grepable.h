#pragma once
// nmap's grepable output (-oG) for `portlens scan`: one line per host and
// fact, fields separated by tabs, ports separated by ", ", the parts of a
// port by '/'. Meant for grep, awk and cut, so no field may contain those
// separators (\t below is a tab):
//
//   # portlens 0.9.0 scan initiated Sun Nov 29 20:21:36 2026 as: portlens scan ...
//   Host: 10.0.0.2 (db1)\tStatus: Up
//   Host: 10.0.0.2 (db1)\tPorts: 22/open/tcp//ssh//OpenSSH 9.2p1 (protocol 2.0)/, 80/open/tcp//http///\t...
//     ...Ignored State: closed (998)
//   # portlens done at Sun Nov 29 20:21:40 2026 -- 1 IP address (1 host up) scanned in 4.02 seconds
//
// A port is PORT/STATE/tcp/OWNER/SERVICE/RPC/VERSION/ with OWNER and RPC
// always empty. The writer streams: each host's lines reach the sink at once.

#include <memory>
#include <string>
#include <string_view>

#include "report/sink.h"
#include "scan/scan_report.h"

namespace portlens {

/// The -oG writer. Unlike nmap, which writes "Ignored State" only when
/// exactly one state is hidden, every hidden state with ports gets its own
/// "Ignored State: STATE (N)" field, the largest first.
std::unique_ptr<ScanWriter> make_grepable_writer(OutputSink& sink);

/// Text from outside made safe for one grepable field: control bytes and
/// invalid UTF-8 as visible `\xHH` escapes, then '/' as '|' (what nmap does
/// for service and version) and ',' as ';' (which nmap leaves, breaking the
/// port list).
std::string grepable_field(std::string_view text);

}  // namespace portlens
