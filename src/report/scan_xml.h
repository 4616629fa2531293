#pragma once
// nmap's XML output (-oX) for `portlens scan`, in the shape of nmap 7.x's
// xmloutputversion 1.05, so that nmap's own tools (ndiff, the XSL stylesheet)
// and the many programs that parse nmap XML read it unchanged.
//
// The writer streams: begin() writes the prologue and <scaninfo>, host()
// writes one complete <host> element to the sink at once, end() writes
// <runstats> and closes the document. Nothing about earlier hosts is kept.
//
// One host, open ports listed, closed ones counted:
//
//   <host starttime="1795983696" endtime="1795983699"><status state="up" reason="user-set" reason_ttl="0"/>
//   <address addr="10.0.0.2" addrtype="ipv4"/>
//   <hostnames>
//   <hostname name="db1.example.net" type="user"/>
//   </hostnames>
//   <ports><extraports state="closed" count="998">
//   <extrareasons reason="conn-refused" count="998" proto="tcp"/>
//   </extraports>
//   <port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh"
//     product="OpenSSH" version="9.2p1" method="probed" conf="10"/><script id="banner"
//     output="SSH-2.0-OpenSSH_9.2p1\x0d\x0a"/></port>
//   </ports>
//   </host>
//
// Two choices differ from what one might expect:
//  - scanner="nmap": nmap.dtd declares the attribute as the enumeration
//    (nmap), so any other value fails DTD validation. ndiff accepts either.
//    The comment before <nmaprun> and the args attribute name portlens, and
//    version is portlens's version.
//  - Banners go into <script id="banner" output="..."/>, where nmap's banner
//    script puts them: the DTD allows it, ndiff reports it as script output.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "report/sink.h"
#include "scan/scan_report.h"

namespace portlens {

/// The -oX writer. Every text that came from outside (banners, product names,
/// host names, the command line) is made valid XML 1.0 first: control bytes
/// and invalid UTF-8 become visible escapes such as `\x1b`, then & < > " '
/// become entities.
std::unique_ptr<ScanWriter> make_xml_writer(OutputSink& sink);

// --- shared with the grepable writer --------------------------------------

/// A time as nmap prints it, in local time and always in English:
/// "Sun Nov 29 20:21:36 2026" (ctime's layout, day padded with a space).
std::string nmap_time_text(std::chrono::system_clock::time_point time);

/// How nmap would name the service on a port.
struct NmapService {
  std::string_view name;  ///< Empty: no service to report (no <service> element).
  std::string_view product, version, extra_info;
  bool tls = false;     ///< tunnel="ssl" / "ssl|" in grepable output.
  bool probed = false;  ///< From the reply (method="probed" conf="10"), else from the port table.
};

/// The identified service when there is one, "ssl" for a TLS port whose
/// inner service matched no rule, else the knowledge base's name.
NmapService nmap_service(const PortVerdict& port);

/// Banner bytes as one printable line that maps back to the bytes: a
/// backslash doubled, control bytes, DEL and invalid UTF-8 as `\xHH`, C1
/// controls and bidirectional overrides as `\uHHHH`, the rest as is.
std::string banner_text(std::string_view banner);

}  // namespace portlens
