#include "audit/audit.h"

#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <set>

#include "util/text.h"

namespace portlens {

namespace {

using firewall::Exposure;

constexpr std::string_view kDeletedSuffix = " (deleted)";

bool has_tag(const PortAnswer& answer, std::string_view tag) {
  return std::find(answer.entry.tags.begin(), answer.entry.tags.end(), tag) != answer.entry.tags.end();
}

bool has_any_tag(const PortAnswer& answer, std::initializer_list<std::string_view> tags) {
  return std::any_of(tags.begin(), tags.end(), [&](std::string_view tag) { return has_tag(answer, tag); });
}

/// Tags of services people run on purpose today: a port carrying one of them
/// is that service first and a trojan port second.
constexpr std::string_view kActiveServiceTags[] = {
    "web", "mail", "name-service", "file-transfer", "file-sharing", "database", "cache", "message-broker",
    "container", "orchestration", "directory", "printing", "time", "routing", "voip", "vpn", "media",
    "monitoring", "dev", "proxy", "auth", "industrial", "iot", "backup", "discovery", "rpc"};

/// A port that is known mainly for malware: it has malware names and either
/// the legacy tag or no tag of a service in use today.
bool trojan_port(const PortAnswer& answer) {
  if (!answer.has_entry || answer.entry.malware.empty()) return false;
  return has_tag(answer, "legacy") ||
         std::none_of(std::begin(kActiveServiceTags), std::end(kActiveServiceTags),
                       [&](std::string_view tag) { return has_tag(answer, tag); });
}

std::string malware_names(const PortAnswer& answer) {
  std::vector<std::string_view> names;
  for (const MalwareName& malware : answer.entry.malware) {
    if (names.size() == 3) break;
    names.push_back(malware.name);
  }
  std::string text = fmt::format("{}", fmt::join(names, ", "));
  if (answer.entry.malware.size() > names.size()) text += ", …";
  return text;
}

std::string_view protocol_text(const SocketRecord& socket) { return socket.protocol == Protocol::udp ? "udp" : "tcp"; }

std::string owner_text(const AuditListener& listener) {
  if (listener.processes.empty()) return "?";
  const ProcessInfo& process = listener.processes.front();
  return fmt::format("{} (pid {})", process.name, process.pid);
}

Risk lower(Risk risk) { return risk == Risk::info ? Risk::info : static_cast<Risk>(static_cast<int>(risk) - 1); }

bool reachable(Exposure exposure) { return exposure == Exposure::exposed; }

std::string_view strip_deleted(std::string_view path) {
  if (path.ends_with(kDeletedSuffix)) path.remove_suffix(kDeletedSuffix.size());
  return path;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_interpreter(std::string_view exe_name) {
  for (std::string_view prefix : {"python", "perl", "ruby", "node", "nodejs", "java", "bash", "sh", "dash", "zsh",
                                  "php", "lua", "tclsh", "wish", "busybox", "dotnet", "mono", "erl", "beam"}) {
    if (exe_name.starts_with(prefix)) return true;
  }
  return false;
}

/// comm is at most 15 bytes: a name matches when it is a prefix-cut of `name`.
bool comm_matches(std::string_view comm, std::string_view name) {
  if (comm.empty() || name.empty()) return false;
  if (name.substr(0, 15) == comm.substr(0, 15)) return true;
  return name.starts_with(comm);
}

/// True when a file named `comm` in a system directory, or beside the
/// executable, is (a link to) the executable itself: redis-server is a link
/// to redis-check-rdb on Debian.
bool comm_links_to(std::string_view comm, std::string_view executable) {
  std::string directory(executable.substr(0, executable.rfind('/') + 1));
  for (std::string_view dir : {std::string_view(directory), std::string_view("/usr/sbin/"),
                               std::string_view("/usr/bin/"), std::string_view("/sbin/"), std::string_view("/bin/")}) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + std::string(comm);
    char resolved[PATH_MAX];
    if (realpath(candidate.c_str(), resolved) != nullptr && executable == resolved) return true;
  }
  return false;
}

struct Judge {
  const std::vector<AuditListener>& listeners;
  const KnowledgeBase& base;
  std::vector<Finding> findings;

  void add(std::string_view id, Risk severity, int listener, int process, Error title, Error explanation,
           Error advice) {
    findings.push_back({id, severity, listener, process, std::move(title), std::move(explanation), std::move(advice)});
  }

  void service_findings(int index) {
    const AuditListener& listener = listeners[static_cast<size_t>(index)];
    const SocketRecord& socket = listener.socket;
    Exposure exposure = listener.verdict.exposure;
    PortAnswer answer = base.describe(socket.local.port, bit(socket.protocol));
    std::string service = listener.service.empty() ? std::string("?") : listener.service;
    auto port = socket.local.port;
    auto proto = protocol_text(socket);
    int process = listener.processes.empty() ? -1 : 0;

    bool cleartext_login = answer.has_entry && has_tag(answer, "cleartext") &&
                           has_any_tag(answer, {"remote-admin", "remote-desktop", "file-transfer"});
    bool data_service = answer.has_entry && has_any_tag(answer, {"database", "cache", "message-broker", "container",
                                                                  "orchestration"});
    bool file_sharing = answer.has_entry && has_any_tag(answer, {"file-sharing", "rpc"});
    if (data_service) {
      add("PL-EXPOSED-DATABASE", severity_for(Risk::high, exposure), index, process,
          make_error(N_("{} (database, cache, broker or admin API) on port {}/{}"), service, port, proto),
          make_error(N_("Services of this kind often run without authentication or with default credentials; "
                        "reachable ones are found by scanners within hours and robbed, ransomed or used to mine "
                        "coins.")),
          make_error(N_("Bind it to 127.0.0.1 or a private address, require authentication, and let only the hosts "
                        "that need it reach port {} in the firewall."),
                     port));
    } else if (cleartext_login) {
      add("PL-CLEARTEXT-LOGIN", severity_for(Risk::high, exposure), index, process,
          make_error(N_("cleartext login or file transfer ({}) on port {}/{}"), service, port, proto),
          make_error(N_("{} sends passwords and data unencrypted: anyone on the path can read them, and "
                        "password-guessing bots look for it."),
                     service),
          make_error(N_("Replace it with an encrypted alternative (SSH, SFTP, VNC over SSH or TLS) or stop it; if it "
                        "must stay, let only trusted sources reach port {} in the firewall."),
                     port));
    } else if (file_sharing) {
      add("PL-FILE-SHARING", severity_for(Risk::high, exposure), index, process,
          make_error(N_("{} (Windows or legacy file sharing, RPC) on port {}/{}"), service, port, proto),
          make_error(N_("File-sharing and RPC services have a long record of wormable flaws (EternalBlue and "
                        "WannaCry over SMB) and tell strangers about the host and its users.")),
          make_error(N_("Never expose them beyond the local network: block port {} at the firewall, and turn the "
                        "service off where it is not needed."),
                     port));
    } else if (trojan_port(answer)) {
      Risk severity = exposure == Exposure::exposed                                         ? Risk::critical
                      : exposure == Exposure::restricted || exposure == Exposure::unknown ? Risk::high
                                                                                           : Risk::medium;
      add("PL-MALWARE-PORT", severity, index, process,
          make_error(N_("port {}/{} is known as a trojan or backdoor port ({})"), port, proto, malware_names(answer)),
          make_error(N_("Malware such as {} has been known to listen on this port. A port number is a hint, not "
                        "proof: the socket belongs to {}; check that it is a program you installed and expect."),
                     malware_names(answer), owner_text(listener)),
          make_error(N_("Identify the program (portlens ls --port {} --exe --cmdline); if you do not recognise it, "
                        "take the host off the network and examine it; if it is legitimate, record it with --allow."),
                     port));
    } else if (answer.has_entry && answer.entry.has_risk && answer.entry.risk >= Risk::high) {
      add("PL-RISKY-SERVICE", severity_for(answer.entry.risk, exposure), index, process,
          make_error(N_("{} on port {}/{} is risky to expose"), service, port, proto),
          make_error(N_("The knowledge base rates this service {} risk when untrusted networks can reach it; "
                        "portlens info {} says why."),
                     risk_name(answer.entry.risk), port),
          make_error(N_("Let only the hosts that need it reach port {}, or stop the service if nobody uses it; "
                        "portlens info {} has advice for this service."),
                     port, port));
    } else if (!answer.has_entry && reachable(exposure) && !ephemeral_udp(socket)) {
      add("PL-UNKNOWN-SERVICE", Risk::info, index, process,
          make_error(N_("port {}/{} is reachable and portlens does not know its service"), port, proto),
          make_error(N_("Nothing in the knowledge base describes this port; the socket belongs to {}."),
                     owner_text(listener)),
          make_error(N_("Check that this program should accept connections from the network; describe port {} in "
                        "your own ports.toml so later audits name it."),
                     port));
    }
  }

  /// A client's UDP socket on an ephemeral port (a resolver, an NTP client)
  /// is bound but serves nobody: not worth an "unknown service" line.
  static bool ephemeral_udp(const SocketRecord& socket) {
    return socket.protocol == Protocol::udp && socket.local.port >= 32768;
  }

  void process_findings(int index) {
    const AuditListener& listener = listeners[static_cast<size_t>(index)];
    auto port = listener.socket.local.port;
    auto proto = protocol_text(listener.socket);
    for (size_t p = 0; p < listener.processes.size(); ++p) {
      const ProcessInfo& process = listener.processes[p];
      int process_index = static_cast<int>(p);
      if (executable_deleted(process)) {
        add("PL-DELETED-EXECUTABLE", Risk::high, index, process_index,
            make_error(N_("{} (pid {}) listens on port {}/{} but its executable was deleted"), process.name,
                       process.pid, port, proto),
            make_error(N_("A running program whose file is gone was either upgraded without a restart or started "
                          "from a file that was then removed to hide it, a common trick of malware.")),
            make_error(N_("Look at the process (ls -l /proc/{}/exe, its command line and its parent); restart it "
                          "if it was an upgrade, investigate it otherwise."),
                       process.pid));
      }
      if (executable_in_writable_place(process)) {
        add("PL-WRITABLE-EXECUTABLE", Risk::high, index, process_index,
            make_error(N_("{} (pid {}) listens on port {}/{} and runs from a world-writable place ({})"),
                       process.name, process.pid, port, proto, strip_deleted(process.executable)),
            make_error(N_("Programs are not installed in /tmp, /var/tmp, /dev/shm or other directories everyone "
                          "can write to; malware dropped by an exploit usually runs from there.")),
            make_error(N_("Find out who started it and how (its command line, parent and user); stop it and "
                          "examine the host if nobody expected it.")));
      }
      if (name_mismatch(process)) {
        add("PL-NAME-MISMATCH", Risk::high, index, process_index,
            make_error(N_("process name {} does not match its executable {} (pid {}, port {}/{})"), process.name,
                       strip_deleted(process.executable), process.pid, port, proto),
            make_error(N_("A process can rename itself to look like a harmless program; a name that matches "
                          "neither its executable nor the script it runs deserves a look.")),
            make_error(N_("Compare /proc/{}/exe, its command line and the package it comes from; if the name was "
                          "faked, treat the host as compromised."),
                       process.pid));
      }
    }
  }
};

}  // namespace

firewall::Verdict judge_exposure(const SocketRecord& socket, const firewall::Ruleset& ruleset, bool ruleset_complete) {
  firewall::Verdict verdict;
  if (is_loopback(socket.family, socket.local.address)) {
    verdict.exposure = Exposure::local_only;
    return verdict;
  }
  if (!ruleset_complete) {
    verdict.exposure = Exposure::unknown;
    return verdict;
  }
  firewall::Probe probe;
  probe.family = socket.family == AddressFamily::ipv4 ? firewall::IpFamily::ipv4 : firewall::IpFamily::ipv6;
  probe.protocol = socket.protocol == Protocol::udp ? 17 : 6;
  probe.port = socket.local.port;
  if (!is_wildcard(socket.family, socket.local.address)) probe.address = socket.local.address;
  // Bound to ::ffff:a.b.c.d: only IPv4 packets reach it, through the IPv4 rules.
  if (probe.address && is_v4_mapped(socket.family, *probe.address)) {
    std::array<uint8_t, 16> v4{};
    std::copy(probe.address->begin() + 12, probe.address->end(), v4.begin());
    probe.family = firewall::IpFamily::ipv4;
    probe.address = v4;
    return firewall::evaluate(ruleset, probe);
  }
  // An IPv6 socket bound to :: without IPV6_V6ONLY also takes IPv4
  // connections, which pass the IPv4 rules: the wider exposure counts.
  firewall::Verdict verdict6 = firewall::evaluate(ruleset, probe);
  if (socket.family == AddressFamily::ipv6 && !probe.address && !socket.v6_only) {
    firewall::Probe probe4 = probe;
    probe4.family = firewall::IpFamily::ipv4;
    firewall::Verdict verdict4 = firewall::evaluate(ruleset, probe4);
    auto rank = [](Exposure e) {
      switch (e) {
        case Exposure::exposed: return 4;
        case Exposure::unknown: return 3;
        case Exposure::restricted: return 2;
        case Exposure::blocked: return 1;
        case Exposure::local_only: return 0;
      }
      return 0;
    };
    if (rank(verdict4.exposure) > rank(verdict6.exposure)) return verdict4;
  }
  return verdict6;
}

Risk severity_for(Risk base, Exposure exposure) {
  switch (exposure) {
    case Exposure::exposed: return base;
    case Exposure::restricted:
    case Exposure::unknown: return std::max(lower(base), std::min(base, Risk::low));
    case Exposure::blocked: return std::min(base, Risk::low);
    case Exposure::local_only: return Risk::info;
  }
  return base;
}

bool executable_deleted(const ProcessInfo& process) { return process.executable.ends_with(kDeletedSuffix); }

bool executable_in_writable_place(const ProcessInfo& process) {
  std::string_view path = strip_deleted(process.executable);
  if (path.empty()) return false;
  for (std::string_view place : {"/tmp/", "/var/tmp/", "/dev/shm/"}) {
    if (path.starts_with(place)) return true;
  }
  std::string directory(path.substr(0, path.rfind('/') + 1));
  struct stat info{};
  if (directory.empty() || stat(directory.c_str(), &info) != 0) return false;
  return (info.st_mode & S_IWOTH) != 0;
}

bool name_mismatch(const ProcessInfo& process) {
  std::string_view executable = strip_deleted(process.executable);
  if (executable.empty() || process.name.empty()) return false;  // not readable: no opinion
  std::string_view exe_name = base_name(executable);
  if (comm_matches(process.name, exe_name)) return false;
  // An interpreter's process is named after the script it runs. argv[0]
  // itself proves nothing (a process sets it as freely as its name); a
  // program started through a link (redis-server → redis-check-rdb) is
  // recognised by the link.
  if (is_interpreter(exe_name)) {
    auto words = split_whitespace(process.command_line);
    for (size_t i = 1; i < words.size(); ++i) {
      if (comm_matches(process.name, base_name(words[i]))) return false;
    }
  }
  return !comm_links_to(process.name, executable);
}

std::vector<Finding> judge(const std::vector<AuditListener>& listeners, const FirewallFacts& firewall,
                           const KnowledgeBase& base) {
  Judge judge{listeners, base, {}};
  // Sockets beyond loopback that IPv4 and IPv6 packets can reach (an IPv6
  // wildcard socket without IPV6_V6ONLY counts for both).
  size_t reachable_by[2] = {0, 0};
  for (size_t i = 0; i < listeners.size(); ++i) {
    const SocketRecord& socket = listeners[i].socket;
    if (!is_loopback(socket.family, socket.local.address)) {
      bool v6 = socket.family == AddressFamily::ipv6 && !is_v4_mapped(socket.family, socket.local.address);
      ++reachable_by[v6];
      if (v6 && is_wildcard(socket.family, socket.local.address) && !socket.v6_only) ++reachable_by[0];
    }
    judge.service_findings(static_cast<int>(i));
    judge.process_findings(static_cast<int>(i));
  }
  if (firewall.readable) {
    bool open4 = !firewall.filters_ipv4 && reachable_by[0] > 0;
    bool open6 = !firewall.filters_ipv6 && reachable_by[1] > 0;
    if (open4 || open6) {
      std::string_view families = open4 && open6 ? "IPv4 and IPv6" : open4 ? "IPv4" : "IPv6";
      size_t count = std::max(open4 ? reachable_by[0] : 0, open6 ? reachable_by[1] : 0);
      judge.add("PL-NO-FIREWALL", Risk::medium, -1, -1,
                make_error(N_("no firewall filters incoming {} traffic"), families),
                make_error(N_("No nftables or iptables rule filters the input path, so every socket bound beyond "
                              "loopback ({} here) can be reached from any network this host is on."),
                           count),
                make_error(N_("Turn on a firewall with a default-drop input policy (nftables, ufw or firewalld) "
                              "and open only the ports that must be reachable.")));
    }
  }
  std::stable_sort(judge.findings.begin(), judge.findings.end(), [&](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    auto port = [&](const Finding& f) {
      return f.listener < 0 ? -1 : int{listeners[static_cast<size_t>(f.listener)].socket.local.port};
    };
    return port(a) < port(b);
  });
  return std::move(judge.findings);
}

}  // namespace portlens
