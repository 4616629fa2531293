#pragma once
// Service identification for `portlens scan --banners` / -sV, as pure logic:
// what to send to a port, and what the bytes a server sent back mean. No I/O
// here (banner_grab does the talking), so every rule is unit-tested and fuzzed
// on bytes alone.
//
// Both halves are small tables in service_rules.cc: a port table saying which
// protocol a port usually speaks (and so which probe it gets), and a rule table
// saying which reply shape means which service, with a product table naming
// the software from markers in the reply ("vsFTPd 3.0.5", "ESMTP Postfix").

#include <cstdint>
#include <string_view>

#include "scan/scan_report.h"  // ServiceIdentity

namespace portlens {

/// One thing to send to a port.
struct ServiceProbe {
  std::string_view payload;       ///< The bytes to send; empty = send nothing.
  bool tls = false;               ///< payload is tls_client_hello(): its reply is identified with tls = true.
  bool without_greeting = false;  ///< Send right after connecting: the port's usual protocol never speaks first.
  bool operator==(const ServiceProbe&) const = default;
};

/// What to send first to `port`, on the connection that waited for a greeting
/// (or at once, when `without_greeting`):
///   - Redis ports (6379, 6380, 26379): "PING\r\nINFO server\r\n" — PING is
///     answered even when INFO needs a password; INFO gives the version.
///   - memcached (11211): "version\r\n".
///   - implicit-TLS ports (443, 993, 995, 465, 636, 990, 4443, 8443, ...): a TLS ClientHello.
///   - HTTP ports (80, 8000, 8080, ...) and every other port: "HEAD / HTTP/1.0\r\n\r\n".
///   - JetDirect printer ports 9100-9107: nothing, because a printer prints
///     whatever arrives (nmap excludes them from version probes too).
ServiceProbe probe_for_port(uint16_t port);

/// What to try on a fresh connection when probe_for_port(port) got no reply
/// at all: a ClientHello after a plaintext probe (a TLS server drops plain
/// text silently), "HEAD / HTTP/1.0" after a ClientHello; nothing for ports
/// probe_for_port leaves alone.
ServiceProbe fallback_probe(uint16_t port);

/// A TLS 1.3/1.2 ClientHello (no SNI) that common servers answer with a
/// ServerHello; a server that dislikes it still answers with a TLS alert,
/// which is enough to know it speaks TLS.
std::string_view tls_client_hello();

/// Maps the bytes a server sent (its greeting, or its reply to our probe) to
/// service, product and version. `tls` says the reply answers our ClientHello.
/// Pure and total: any bytes, any port; never throws.
///
///   - banner: `reply` exactly (the caller caps what it reads), except that an
///     HTTP reply is cut after the blank line ending its headers.
///   - product, version, extra_info: printable ASCII only and short (at most
///     64, 64 and 128 bytes), whatever the server sent; a field ends where a
///     control byte, non-ASCII byte or (for product/version) space begins.
///   - TLS: a reply that is a TLS handshake or alert record sets tls = true;
///     service is "https" on 443-like ports, the TLS name of the protocol on
///     the implicit-TLS mail/directory ports ("imaps", "pop3s", "smtps",
///     "ldaps", "ftps", "ircs"), else "ssl" (we cannot look inside without
///     finishing the handshake). extra_info names the version the ServerHello
///     chose ("TLSv1.3") or the alert ("alert handshake_failure").
///     Without `tls`, only a complete ServerHello or alert record counts, so a
///     binary greeting that happens to begin with 0x16 0x03 is not taken for TLS.
///   - Unrecognised bytes: service, product, version, extra_info empty.
ServiceIdentity identify_service(std::string_view reply, uint16_t port, bool tls);

}  // namespace portlens
