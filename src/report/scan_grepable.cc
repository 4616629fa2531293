#include "report/scan_grepable.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>

#include "report/sanitize.h"
#include "report/scan_xml.h"  // nmap_time_text, nmap_service

namespace portlens {

namespace {

// nmap's "full version string": product, version, "(extra info)", each only
// when known.
std::string version_text(const NmapService& service) {
  std::string out(service.product);
  auto add = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  add(service.version);
  if (!service.extra_info.empty()) add(fmt::format("({})", service.extra_info));
  return out;
}

class GrepableWriter final : public ScanWriter {
 public:
  explicit GrepableWriter(OutputSink& sink) : sink_(sink) {}
  void begin(const ScanInfo& info) override;
  void host(const HostReport& host) override;
  void end(const ScanTotals& totals) override;

 private:
  void port(const PortVerdict& verdict);
  void ignored_states(const HostReport& host);
  // One sink write per call, so every finished host is in the file even when
  // the scan is interrupted.
  void emit() {
    sink_.write(out_);
    out_.clear();
  }

  OutputSink& sink_;
  std::string out_;
  std::array<bool, kPortStateCount> listed_{true, false, false};
};

void GrepableWriter::begin(const ScanInfo& info) {
  listed_ = info.listed;
  out_ += fmt::format("# portlens {} scan initiated {} as: {}\n", terminal_safe(info.version),
                      nmap_time_text(info.start), terminal_safe(info.command_line));
  emit();
}

void GrepableWriter::host(const HostReport& host) {
  std::string prefix = fmt::format("Host: {} ({})", address_text(host.address), grepable_field(host.name));
  out_ += prefix;
  out_ += host.up ? "\tStatus: Up\n" : "\tStatus: Down\n";
  if (host.up) {
    // nmap writes the Ports field even when no port is listed.
    out_ += prefix;
    out_ += "\tPorts: ";
    for (size_t i = 0; i < host.ports.size(); ++i) {
      if (i > 0) out_ += ", ";
      port(host.ports[i]);
    }
    ignored_states(host);
    out_ += '\n';
  }
  emit();
}

void GrepableWriter::port(const PortVerdict& verdict) {
  NmapService service = nmap_service(verdict);
  // nmap's "ssl/http", with the slash turned into the field-safe '|'.
  std::string name = service.tls ? fmt::format("ssl|{}", grepable_field(service.name)) : grepable_field(service.name);
  fmt::format_to(std::back_inserter(out_), "{}/{}/tcp//{}//{}/", verdict.port, state_name(verdict.state), name,
                 grepable_field(version_text(service)));
}

void GrepableWriter::ignored_states(const HostReport& host) {
  std::array<uint32_t, kPortStateCount> counts{};
  std::array<size_t, kPortStateCount> order{};
  for (size_t state = 0; state < kPortStateCount; ++state) {
    order[state] = state;
    if (!listed_[state]) counts[state] = host.count(static_cast<PortState>(state));
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
  for (size_t state : order) {
    if (counts[state] == 0) continue;
    fmt::format_to(std::back_inserter(out_), "\tIgnored State: {} ({})", state_name(static_cast<PortState>(state)),
                   counts[state]);
  }
}

void GrepableWriter::end(const ScanTotals& totals) {
  uint64_t total = totals.hosts_up + totals.hosts_down;
  out_ += fmt::format("# portlens done at {} -- {} IP address{} ({} host{} up) scanned in {:.2f} seconds\n",
                      nmap_time_text(totals.end), total, total == 1 ? "" : "es", totals.hosts_up,
                      totals.hosts_up == 1 ? "" : "s", static_cast<double>(totals.elapsed.count()) / 1000.0);
  emit();
}

}  // namespace

std::unique_ptr<ScanWriter> make_grepable_writer(OutputSink& sink) { return std::make_unique<GrepableWriter>(sink); }

std::string grepable_field(std::string_view text) {
  std::string out = terminal_safe(text);
  std::replace(out.begin(), out.end(), '/', '|');
  std::replace(out.begin(), out.end(), ',', ';');
  return out;
}

}  // namespace portlens
