#pragma once
// Parser for services(5)-style files: /etc/services, the IANA registry copy
// that Wireshark ships (several protocols per line: "discard 9/tcp/udp/sctp"),
// and nmap's nmap-services (a frequency column instead of aliases).
//
//   name  port[-last]/proto[/proto…]  [aliases… | frequency]  [# comment]
//
// Lines that do not fit are reported, with their line number, not guessed at.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol.h"
#include "util/error.h"

namespace portlens {

struct ServiceName {
  std::string name;
  uint16_t port = 0;
  uint16_t last_port = 0;  ///< Equal to port except for blocks like "x11 6000-6063/tcp".
  ProtocolSet protocols = 0;
  std::vector<std::string> aliases;
  std::string comment;  ///< Text after '#', trimmed; IANA's description in its copy.
};

struct ServicesFile {
  std::vector<ServiceName> services;
  /// Lines skipped as malformed: "line N: reason" in English, for -v output.
  std::vector<std::string> skipped;
};

/// Parses the whole text. Malformed lines are skipped and listed, so one bad
/// line in /etc/services never hides the rest; protocols other than tcp, udp
/// and sctp (ddp, dccp) are ignored silently.
ServicesFile parse_services_file(std::string_view text);

/// Same, but the first malformed line is an error naming file and line; for
/// files whose format must be exact (the build's IANA copy).
Result<ServicesFile> parse_services_file_strict(std::string_view text, std::string_view file_name);

}  // namespace portlens
