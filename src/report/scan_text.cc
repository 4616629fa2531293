// Text, JSON and NDJSON renderings of a scan. See scan_text.h.

#include "report/scan_text.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "i18n/catalog.h"
#include "report/json_text.h"
#include "report/sanitize.h"
#include "report/table.h"
#include "util/text.h"

namespace portlens {

namespace {

std::string_view state_label(PortState state, Language language) {
  switch (state) {
    case PortState::open: return translate(N_("open"), language);
    case PortState::closed: return translate(N_("closed"), language);
    case PortState::filtered: break;
  }
  return translate(N_("filtered"), language);
}

/// "db1.example.net (10.0.0.2)" or "10.0.0.2"; names were typed by the user
/// but may come from a file: sanitised like everything else.
std::string host_label(const HostReport& host) {
  std::string address = address_text(host.address);
  if (host.name.empty()) return address;
  return fmt::format("{} ({})", terminal_safe(host.name), address);
}

std::string iso_time(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

/// What a service said, as one terminal-safe line: the banner's first line.
std::string banner_line(const ServiceIdentity& identity) {
  std::string_view banner = identity.banner;
  size_t end = banner.find_first_of("\r\n");
  if (end != std::string_view::npos) banner = banner.substr(0, end);
  return terminal_safe(banner);
}

std::string version_text(const ServiceIdentity& identity) {
  std::string text = identity.product;
  for (const std::string* part : {&identity.version, &identity.extra_info}) {
    if (part->empty()) continue;
    if (!text.empty()) text += ' ';
    text += *part;
  }
  if (identity.tls) text += text.empty() ? "TLS" : " (TLS)";
  return terminal_safe(text);
}

/// "65510 closed (conn-refused), 12 filtered (no-response 10, admin-prohibited 2)"
std::string not_shown_text(const HostReport& host, const std::array<bool, kPortStateCount>& listed, Language language) {
  std::string text;
  for (size_t state = 0; state < kPortStateCount; ++state) {
    if (listed[state]) continue;
    uint32_t total = host.count(static_cast<PortState>(state));
    if (total == 0) continue;
    std::string reasons;
    for (size_t reason = 0; reason < kProbeReasonCount; ++reason) {
      uint32_t n = host.counts[state][reason];
      if (n == 0) continue;
      if (!reasons.empty()) reasons += ", ";
      reasons += reason_name(static_cast<ProbeReason>(reason));
      if (n != total) reasons += fmt::format(" {}", n);
    }
    if (!text.empty()) text += ", ";
    text += translate_format(language, N_("{} {} ({})"), total, state_label(static_cast<PortState>(state), language),
                reasons);
  }
  return text;
}

class TextWriter : public ScanWriter {
 public:
  TextWriter(OutputSink& sink, const ScanTextOptions& options) : sink_(sink), options_(options) {}

  void begin(const ScanInfo& info) override { info_ = info; }

  void host(const HostReport& host) override {
    Language language = options_.language;
    if (!host.up) {
      ++down_;
      if (info_.host_count <= kAllHostsShown) {
        sink_.write(translate_format(language, N_("{}: down (nothing answered on the ping ports)\n"), host_label(host)));
      }
      return;
    }
    if (host.ports.empty() && info_.host_count > kAllHostsShown) {
      ++hidden_;
      return;
    }
    std::string out = options_.style.bold(translate_format(language, N_("scan report for {}"), host_label(host)));
    out += '\n';
    if (host.ports.empty()) {
      out += translate_format(language, N_("no port in the listed states ({} ports scanned)"), total_ports(host));
      out += '\n';
    } else {
      out += table(host);
    }
    std::string rest = not_shown_text(host, info_.listed, language);
    if (!rest.empty()) out += translate_format(language, N_("not shown: {}"), rest) + '\n';
    out += '\n';
    sink_.write(out);
  }

  void end(const ScanTotals& totals) override {
    Language language = options_.language;
    std::string out;
    if (hidden_ > 0) out += translate_format(language, N_("{} hosts with no port in the listed states are not shown\n"), hidden_);
    if (down_ > 0 && info_.host_count > kAllHostsShown) {
      out += translate_format(language, N_("{} hosts did not answer the ping and were skipped\n"), down_);
    }
    out += translate_format(language, N_("hosts: {} ({} up), ports per host: {}, time: {} s; open: {}, closed: {}, filtered: {}\n"),
               info_.host_count, totals.hosts_up, info_.port_count, fmt::format("{:.2f}", totals.elapsed.count() / 1000.0),
               totals.ports[0], totals.ports[1], totals.ports[2]);
    sink_.write(out);
  }

 private:
  static uint64_t total_ports(const HostReport& host) {
    uint64_t total = 0;
    for (size_t state = 0; state < kPortStateCount; ++state) total += host.count(static_cast<PortState>(state));
    return total;
  }

  std::string table(const HostReport& host) const {
    Language language = options_.language;
    std::vector<std::string> headers{std::string(translate(N_("PORT"), language)),
                                     std::string(translate(N_("STATE"), language)),
                                     std::string(translate(N_("REASON"), language)),
                                     std::string(translate(N_("SERVICE"), language)),
                                     std::string(translate(N_("RISK"), language))};
    if (info_.banners) {
      headers.emplace_back(translate(N_("VERSION"), language));
      headers.emplace_back(translate(N_("BANNER"), language));
    }
    TextTable table(std::move(headers));
    for (const PortVerdict& verdict : host.ports) {
      std::vector<std::string> row{fmt::format("{}/tcp", verdict.port),
                                   std::string(state_label(verdict.state, language)),
                                   std::string(reason_name(verdict.reason))};
      std::string service(verdict.service);
      if (verdict.identity && !verdict.identity->service.empty()) service = terminal_safe(verdict.identity->service);
      row.push_back(service.empty() ? "-" : service);
      row.push_back(verdict.has_risk ? options_.style.risk(verdict.risk, risk_label(verdict.risk, language)) : "-");
      if (info_.banners) {
        row.push_back(verdict.identity ? version_text(*verdict.identity) : "");
        row.push_back(verdict.identity ? banner_line(*verdict.identity) : "");
      }
      table.add_row(std::move(row));
    }
    return table.render(options_.width);
  }

  OutputSink& sink_;
  ScanTextOptions options_;
  ScanInfo info_;
  uint64_t hidden_ = 0, down_ = 0;
};

// --- JSON -----------------------------------------------------------------

void append_port_fields(std::string& out, const PortVerdict& verdict) {
  out += fmt::format(R"("port":{},"proto":"tcp","state":"{}","reason":"{}","attempts":{},"rtt_us":{},"service":)",
                     verdict.port, state_name(verdict.state), reason_name(verdict.reason), verdict.attempts,
                     verdict.rtt.count());
  if (verdict.service.empty()) {
    out += "null";
  } else {
    append_json_string(out, verdict.service);
  }
  out += R"(,"risk":)";
  out += verdict.has_risk ? fmt::format("\"{}\"", risk_name(verdict.risk)) : "null";
  if (!verdict.identity) return;
  const ServiceIdentity& identity = *verdict.identity;
  out += R"(,"banner":)";
  append_json_string(out, identity.banner);
  if (!is_valid_utf8(identity.banner)) {
    // append_json_string replaces invalid bytes; the hex copy keeps them exact.
    out += R"(,"banner_hex":")";
    for (unsigned char byte : identity.banner) out += fmt::format("{:02x}", byte);
    out += '"';
  }
  out += R"(,"identity":{"service":)";
  append_json_string(out, identity.service);
  out += R"(,"product":)";
  append_json_string(out, identity.product);
  out += R"(,"version":)";
  append_json_string(out, identity.version);
  out += R"(,"extra":)";
  append_json_string(out, identity.extra_info);
  out += fmt::format(R"(,"tls":{}}})", identity.tls);
}

void append_host_fields(std::string& out, const HostReport& host) {
  out += R"("addr":")" + address_text(host.address) + R"(","family":")" + std::string(family_name(host.address.family)) + '"';
  if (!host.name.empty()) {
    out += R"(,"name":)";
    append_json_string(out, host.name);
  }
  out += fmt::format(R"(,"up":{},"up_reason":"{}")", host.up, host.up_reason);
  out += R"(,"counts":{)";
  for (size_t state = 0; state < kPortStateCount; ++state) {
    out += fmt::format(R"({}"{}":{{)", state == 0 ? "" : ",", state_name(static_cast<PortState>(state)));
    bool first = true;
    for (size_t reason = 0; reason < kProbeReasonCount; ++reason) {
      uint32_t n = host.counts[state][reason];
      if (n == 0) continue;
      out += fmt::format(R"({}"{}":{})", first ? "" : ",", reason_name(static_cast<ProbeReason>(reason)), n);
      first = false;
    }
    out += '}';
  }
  out += '}';
}

std::string stats_fields(const ScanInfo& info, const ScanTotals& totals) {
  std::string out = fmt::format(
      R"("hosts":{},"hosts_up":{},"hosts_down":{},"ports_per_host":{},"open":{},"closed":{},"filtered":{},)"
      R"("probes":{},"connects":{},"retries":{},"resource_backoffs":{},"elapsed_ms":{},"start":"{}","end":"{}")",
      info.host_count, totals.hosts_up, totals.hosts_down, info.port_count, totals.ports[0], totals.ports[1],
      totals.ports[2], totals.engine.probes, totals.engine.connects, totals.engine.retries,
      totals.engine.resource_backoffs, totals.elapsed.count(), iso_time(info.start), iso_time(totals.end));
  return out;
}

class JsonWriter : public ScanWriter {
 public:
  explicit JsonWriter(OutputSink& sink) : writer_(sink) {}
  void begin(const ScanInfo& info) override {
    info_ = info;
    writer_.buffer() += R"({"hosts":[)";
  }
  void host(const HostReport& host) override {
    std::string& out = writer_.buffer();
    out += first_ ? "\n{" : ",\n{";
    first_ = false;
    append_host_fields(out, host);
    out += R"(,"ports":[)";
    for (size_t i = 0; i < host.ports.size(); ++i) {
      out += i == 0 ? "{" : ",{";
      append_port_fields(out, host.ports[i]);
      out += '}';
    }
    out += "]}";
    writer_.maybe_flush();
  }
  void end(const ScanTotals& totals) override {
    writer_.buffer() += "\n],\"stats\":{" + stats_fields(info_, totals) + "}}\n";
    writer_.flush();
  }

 private:
  ChunkWriter writer_;
  ScanInfo info_;
  bool first_ = true;
};

class NdjsonWriter : public ScanWriter {
 public:
  explicit NdjsonWriter(OutputSink& sink) : sink_(sink) {}
  void begin(const ScanInfo& info) override { info_ = info; }
  void host(const HostReport& host) override {
    std::string out = R"({"type":"host",)";
    append_host_fields(out, host);
    out += "}\n";
    sink_.write(out);
  }
  void end(const ScanTotals& totals) override { sink_.write(R"({"type":"stats",)" + stats_fields(info_, totals) + "}\n"); }

 private:
  OutputSink& sink_;
  ScanInfo info_;
};

}  // namespace

std::unique_ptr<ScanWriter> make_scan_text_writer(OutputSink& sink, const ScanTextOptions& options) {
  return std::make_unique<TextWriter>(sink, options);
}

std::string format_port_found(const HostReport& host, const PortVerdict& verdict, const ScanTextOptions& options) {
  std::string service(verdict.service);
  if (verdict.identity && !verdict.identity->service.empty()) service = terminal_safe(verdict.identity->service);
  std::string line = translate_format(options.language, N_("found: {} {}/tcp {}"), host_label(host), verdict.port,
                         state_label(verdict.state, options.language));
  if (!service.empty()) line += "  " + service;
  if (verdict.has_risk) line += "  " + options.style.risk(verdict.risk, risk_label(verdict.risk, options.language));
  if (verdict.identity && !verdict.identity->banner.empty()) line += "  " + banner_line(*verdict.identity);
  return line + '\n';
}

std::unique_ptr<ScanWriter> make_scan_json_writer(OutputSink& sink) { return std::make_unique<JsonWriter>(sink); }

std::unique_ptr<ScanWriter> make_scan_ndjson_writer(OutputSink& sink) { return std::make_unique<NdjsonWriter>(sink); }

std::string ndjson_port_line(const HostReport& host, const PortVerdict& verdict) {
  std::string out = R"({"type":"port","addr":")" + address_text(host.address) + '"';
  if (!host.name.empty()) {
    out += R"(,"name":)";
    append_json_string(out, host.name);
  }
  out += ',';
  append_port_fields(out, verdict);
  out += "}\n";
  return out;
}

}  // namespace portlens
