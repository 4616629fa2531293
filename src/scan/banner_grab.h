#pragma once
// Banner grabbing for `portlens scan --banners` / -sV: talk to open TCP ports
// just enough to learn what answers there, many at once under one epoll.
// What the bytes mean is service_rules' job; this file only moves them.

#include <chrono>
#include <cstddef>
#include <span>
#include <vector>

#include "scan/connect_engine.h"  // ConnectProbe
#include "scan/scan_report.h"     // ServiceIdentity

namespace portlens {

struct BannerOptions {
  std::chrono::milliseconds connect_timeout{3000};  ///< For each connect(), the first and a fallback one.
  /// How long a port may stay silent before we speak (SSH, FTP, SMTP, POP3,
  /// IMAP and MySQL greet at once; a slow SMTP greeting is the long tail).
  std::chrono::milliseconds greeting_wait{2000};
  std::chrono::milliseconds reply_wait{3000};  ///< For the first byte of a reply to our probe.
  /// Once bytes flow, a pause this long ends the reply (an SSH server sends
  /// one line and then waits for ours). Never longer than reply_wait in total.
  std::chrono::milliseconds quiet_gap{250};
  size_t max_bytes = 1024;  ///< Per target; reading stops here. 0 counts as 1.
  int parallelism = 64;     ///< Targets in flight at once (each holds one socket); below 1 counts as 1.
};

/// For each target (an open TCP port): connect, read what the server says
/// first; if it stays silent for greeting_wait, send probe_for_port(port)
/// (at once, for ports whose protocol never greets) and read the reply; if
/// that gets no reply at all, try fallback_probe(port) on a fresh connection
/// (a TLS ClientHello after plain text, HTTP after a ClientHello). The bytes
/// go through identify_service().
///
/// result[i] belongs to targets[i]. Never throws, never blocks longer than
/// the waits above allow (at most two connections per target, each wait
/// bounded); a target that cannot be connected, closes at once or says
/// nothing gets an identity with empty banner and service. Every socket is
/// closed with SO_LINGER 0 (a reset): a scan leaves no TIME_WAIT behind.
/// Runs out of descriptors gracefully: targets wait for a free slot.
std::vector<ServiceIdentity> grab_banners(std::span<const ConnectProbe> targets, const BannerOptions& options);

}  // namespace portlens
