#include "report/scan_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <utility>
#include <vector>

#include "report/sanitize.h"

namespace portlens {

namespace {

// nmap's times are Unix seconds; a time before 1970 can only be an unset one.
uint64_t epoch_seconds(std::chrono::system_clock::time_point time) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
  return static_cast<uint64_t>(std::max<int64_t>(0, seconds));
}

// XML 1.0 forbids C0 controls other than tab and line breaks even as character
// references, and U+FFFE/U+FFFF outright. terminal_safe() has already made
// every control visible and the text valid UTF-8; what is left is the two
// noncharacters (EF BF BE/BF) and the five markup characters.
void append_escaped(std::string& out, std::string_view raw) {
  std::string safe = terminal_safe(raw);
  std::string_view text = safe;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&apos;";
        continue;
      default:
        break;
    }
    if (c == '\xEF' && text.substr(i, 2) == "\xEF\xBF" && i + 2 < text.size() &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out += text[i + 2] == '\xBE' ? "\\ufffe" : "\\uffff";
      i += 2;
      continue;
    }
    out.push_back(c);
  }
}

void attribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  append_escaped(out, value);
  out += '"';
}

void attribute(std::string& out, std::string_view name, uint64_t value) {
  fmt::format_to(std::back_inserter(out), " {}=\"{}\"", name, value);
}

// A comment may not contain "--"; nmap writes the second dash of each pair as
// a character reference, which readers show as is. Escaping runs first so the
// reference's own '&' is not escaped again.
std::string comment_text(std::string_view raw) {
  std::string text;
  append_escaped(text, raw);
  std::string out;
  for (char c : text) {
    if (c == '-' && !out.empty() && out.back() == '-') {
      out += "&#45;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string services_text(const std::vector<PortRange>& ranges) {
  std::string out;
  for (const PortRange& range : ranges) {
    if (!out.empty()) out += ',';
    if (range.first == range.last) {
      fmt::format_to(std::back_inserter(out), "{}", range.first);
    } else {
      fmt::format_to(std::back_inserter(out), "{}-{}", range.first, range.last);
    }
  }
  return out;
}

// nmap lists extraports by descending count, and so the reasons inside them.
template <size_t N>
std::vector<size_t> by_descending_count(const std::array<uint64_t, N>& counts) {
  std::vector<size_t> order;
  for (size_t i = 0; i < N; ++i) {
    if (counts[i] > 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
  return order;
}

class XmlWriter final : public ScanWriter {
 public:
  explicit XmlWriter(OutputSink& sink) : sink_(sink) {}
  void begin(const ScanInfo& info) override;
  void host(const HostReport& host) override;
  void end(const ScanTotals& totals) override;

 private:
  void host_status(const HostReport& host);
  void extra_ports(const HostReport& host);
  void port(const PortVerdict& port);
  void service(const PortVerdict& port);
  // One sink write per call: a host is on disk as soon as it is known, so an
  // interrupted scan leaves every finished host readable.
  void emit() {
    sink_.write(out_);
    out_.clear();
  }

  OutputSink& sink_;
  std::string out_;
  std::array<bool, kPortStateCount> listed_{true, false, false};
};

void XmlWriter::begin(const ScanInfo& info) {
  listed_ = info.listed;
  std::string start = nmap_time_text(info.start);
  out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n";
  out_ += fmt::format("<!-- portlens {} scan initiated {} as: {} -->\n", comment_text(info.version), start,
                      comment_text(info.command_line));
  out_ += "<nmaprun scanner=\"nmap\"";
  attribute(out_, "args", info.command_line);
  attribute(out_, "start", epoch_seconds(info.start));
  attribute(out_, "startstr", start);
  attribute(out_, "version", info.version);
  out_ += " xmloutputversion=\"1.05\">\n<scaninfo type=\"connect\" protocol=\"tcp\"";
  attribute(out_, "numservices", info.port_count);
  attribute(out_, "services", services_text(info.ports));
  out_ += "/>\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n";
  emit();
}

void XmlWriter::host(const HostReport& host) {
  host_status(host);
  if (host.up) {
    out_ += "<ports>";
    extra_ports(host);
    for (const PortVerdict& verdict : host.ports) port(verdict);
    out_ += "</ports>\n";
  }
  out_ += "</host>\n";
  emit();
}

void XmlWriter::host_status(const HostReport& host) {
  out_ += "<host";
  attribute(out_, "starttime", epoch_seconds(host.start));
  attribute(out_, "endtime", epoch_seconds(host.end));
  out_ += "><status";
  attribute(out_, "state", host.up ? "up" : "down");
  std::string_view reason = host.up_reason;
  if (reason.empty()) reason = host.up ? "user-set" : "no-response";
  attribute(out_, "reason", reason);
  out_ += " reason_ttl=\"0\"/>\n<address";
  attribute(out_, "addr", address_text(host.address));
  attribute(out_, "addrtype", host.address.family == AddressFamily::ipv6 ? "ipv6" : "ipv4");
  out_ += "/>\n<hostnames>\n";
  // type="user": the name was typed as a target, as nmap marks such names
  // (PTR names come from reverse DNS, which portlens does not do).
  if (!host.name.empty()) {
    out_ += "<hostname";
    attribute(out_, "name", host.name);
    out_ += " type=\"user\"/>\n";
  }
  out_ += "</hostnames>\n";
}

void XmlWriter::extra_ports(const HostReport& host) {
  std::array<uint64_t, kPortStateCount> state_counts{};
  for (size_t state = 0; state < kPortStateCount; ++state) {
    if (!listed_[state]) state_counts[state] = host.count(static_cast<PortState>(state));
  }
  for (size_t state : by_descending_count(state_counts)) {
    out_ += "<extraports";
    attribute(out_, "state", state_name(static_cast<PortState>(state)));
    attribute(out_, "count", state_counts[state]);
    out_ += ">\n";
    std::array<uint64_t, kProbeReasonCount> reason_counts{};
    std::copy(host.counts[state].begin(), host.counts[state].end(), reason_counts.begin());
    for (size_t reason : by_descending_count(reason_counts)) {
      out_ += "<extrareasons";
      attribute(out_, "reason", reason_name(static_cast<ProbeReason>(reason)));
      attribute(out_, "count", reason_counts[reason]);
      out_ += " proto=\"tcp\"/>\n";
    }
    out_ += "</extraports>\n";
  }
}

void XmlWriter::port(const PortVerdict& verdict) {
  out_ += "<port protocol=\"tcp\"";
  attribute(out_, "portid", verdict.port);
  out_ += "><state";
  attribute(out_, "state", state_name(verdict.state));
  attribute(out_, "reason", reason_name(verdict.reason));
  out_ += " reason_ttl=\"0\"/>";
  service(verdict);
  // Where nmap's banner script puts what a service sent first; escaped so
  // that it stays one line and the bytes can be read back (see banner_text).
  if (verdict.identity && !verdict.identity->banner.empty()) {
    out_ += "<script id=\"banner\"";
    attribute(out_, "output", banner_text(verdict.identity->banner));
    out_ += "/>";
  }
  out_ += "</port>\n";
}

void XmlWriter::service(const PortVerdict& verdict) {
  NmapService found = nmap_service(verdict);
  if (found.name.empty()) return;
  out_ += "<service";
  attribute(out_, "name", found.name);
  if (!found.product.empty()) attribute(out_, "product", found.product);
  if (!found.version.empty()) attribute(out_, "version", found.version);
  if (!found.extra_info.empty()) attribute(out_, "extrainfo", found.extra_info);
  if (found.tls) out_ += " tunnel=\"ssl\"";
  out_ += found.probed ? " method=\"probed\" conf=\"10\"/>" : " method=\"table\" conf=\"3\"/>";
}

void XmlWriter::end(const ScanTotals& totals) {
  uint64_t total = totals.hosts_up + totals.hosts_down;
  std::string end = nmap_time_text(totals.end);
  std::string elapsed = fmt::format("{:.2f}", static_cast<double>(totals.elapsed.count()) / 1000.0);
  std::string summary =
      fmt::format("portlens done at {}; {} IP address{} ({} host{} up) scanned in {} seconds", end, total,
                  total == 1 ? "" : "es", totals.hosts_up, totals.hosts_up == 1 ? "" : "s", elapsed);
  out_ += "<runstats><finished";
  attribute(out_, "time", epoch_seconds(totals.end));
  attribute(out_, "timestr", end);
  attribute(out_, "summary", summary);
  attribute(out_, "elapsed", elapsed);
  out_ += " exit=\"success\"/><hosts";
  attribute(out_, "up", totals.hosts_up);
  attribute(out_, "down", totals.hosts_down);
  attribute(out_, "total", total);
  out_ += "/>\n</runstats>\n</nmaprun>\n";
  emit();
}

}  // namespace

std::unique_ptr<ScanWriter> make_xml_writer(OutputSink& sink) { return std::make_unique<XmlWriter>(sink); }

std::string nmap_time_text(std::chrono::system_clock::time_point time) {
  // Fixed English names: strftime's %a/%b follow LC_TIME, and nmap's output
  // (and the tools that parse it) are English whatever the user's language.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return "?";
  return fmt::format("{} {} {:2} {:02}:{:02}:{:02} {}", kDays[local.tm_wday % 7], kMonths[local.tm_mon % 12],
                     local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec, local.tm_year + 1900);
}

NmapService nmap_service(const PortVerdict& port) {
  NmapService found;
  if (port.identity && !port.identity->service.empty()) {
    const ServiceIdentity& identity = *port.identity;
    found.name = identity.service;
    found.product = identity.product;
    found.version = identity.version;
    found.extra_info = identity.extra_info;
    found.tls = identity.tls;
    found.probed = true;
  } else if (port.identity && port.identity->tls) {
    // A TLS handshake is proof of "ssl", nmap's name for an SSL/TLS service
    // whose inner protocol it could not tell.
    found.name = "ssl";
    found.probed = true;
  } else {
    found.name = port.service;
  }
  return found;
}

std::string banner_text(std::string_view banner) {
  std::string doubled;
  doubled.reserve(banner.size());
  for (char c : banner) {
    if (c == '\\') doubled.push_back('\\');
    doubled.push_back(c);
  }
  return terminal_safe(doubled);
}

}  // namespace portlens
