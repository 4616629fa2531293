// The -oX writer against nmap's own tools. Each test writes hand-made scans
// to files, then asks xmllint whether nmap.dtd accepts them and ndiff what
// changed between two of them. No network: the scans are built in memory.
//
// xmllint and ndiff come from scripts/install-deps; a missing tool is a
// failure, not a skip, so CI cannot pass without having checked anything.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/scan_grepable.h"
#include "report/scan_writer_test_support.h"
#include "report/scan_xml.h"
#include "util/subprocess.h"

namespace portlens {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::chrono::milliseconds kToolTimeout{60000};

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/portlens-scan-output-XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made != nullptr) path_ = made;
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

class FileSink : public OutputSink {
 public:
  explicit FileSink(const std::string& path) : out_(path, std::ios::binary) {}
  void write(std::string_view text) override { out_.write(text.data(), static_cast<std::streamsize>(text.size())); }

 private:
  std::ofstream out_;
};

// --- hand-made scans -------------------------------------------------------

// 2026-11-29 20:21:36 UTC.
const system_clock::time_point kStart = test::kScanStart;

Address ipv4(uint8_t last) {
  Address address;
  address.bytes[0] = 10;
  address.bytes[3] = last;
  return address;
}

Address ipv6(uint8_t last) {
  Address address;
  address.family = AddressFamily::ipv6;
  address.bytes = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
  return address;
}

PortVerdict port(uint16_t number, PortState state, ProbeReason reason, std::string_view service) {
  return test::make_port(number, state, reason, service);
}

PortVerdict open_port(uint16_t number, std::string_view service) {
  return port(number, PortState::open, ProbeReason::syn_ack, service);
}

/// An up host with `ports` open among 101 scanned, the rest closed.
HostReport up_host(Address address, std::string name, std::vector<PortVerdict> ports, system_clock::time_point at) {
  HostReport host;
  host.address = address;
  host.name = std::move(name);
  host.up_reason = "syn-ack";
  host.start = at;
  host.end = at + seconds(2);
  host.counts[size_t(PortState::open)][size_t(ProbeReason::syn_ack)] = static_cast<uint32_t>(ports.size());
  host.counts[size_t(PortState::closed)][size_t(ProbeReason::conn_refused)] = 101 - static_cast<uint32_t>(ports.size());
  host.ports = std::move(ports);
  return host;
}

HostReport down_host(Address address, system_clock::time_point at) {
  HostReport host;
  host.address = address;
  host.up = false;
  host.up_reason = "no-response";
  host.start = host.end = at;
  return host;
}

struct Scan {
  ScanInfo info;
  std::vector<HostReport> hosts;
};

Scan base_scan(system_clock::time_point start) {
  Scan scan;
  scan.info.command_line = "portlens scan --ping -p 1-100,443 --banners 10.0.0.1 10.0.0.9 10.0.0.3 fd00::2";
  scan.info.start = start;
  scan.info.ports = {{1, 100}, {443, 443}};
  scan.info.port_count = 101;
  scan.info.host_count = 4;
  scan.info.banners = true;
  scan.info.version = "0.9.0";
  return scan;
}

PortVerdict ssh_port() {
  PortVerdict ssh = open_port(22, "ssh");
  ssh.identity =
      ServiceIdentity{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "ssh", "OpenSSH", "9.2p1", "protocol 2.0", false};
  return ssh;
}

/// Before: alpha has 22 and 443 open; fd00::2 has 80; 10.0.0.9 is down.
Scan scan_before() {
  Scan scan = base_scan(kStart);
  scan.hosts.push_back(up_host(ipv4(1), "alpha.example.net", {ssh_port(), open_port(443, "https")}, kStart));
  scan.hosts.push_back(down_host(ipv4(9), kStart));
  scan.hosts.push_back(up_host(ipv6(2), "", {open_port(80, "http")}, kStart));
  return scan;
}

/// After: on alpha 80 opened and 443 closed; 10.0.0.3 is new with 25 open.
Scan scan_after() {
  system_clock::time_point later = kStart + hours(1);
  Scan scan = base_scan(later);
  scan.hosts.push_back(up_host(ipv4(1), "alpha.example.net", {ssh_port(), open_port(80, "http")}, later));
  scan.hosts.push_back(down_host(ipv4(9), later));
  scan.hosts.push_back(up_host(ipv4(3), "", {open_port(25, "smtp")}, later));
  scan.hosts.push_back(up_host(ipv6(2), "", {open_port(80, "http")}, later));
  return scan;
}

/// Every state listed, filtered ports for several reasons, a hostile banner
/// and product, a TLS service: the parts of the format the diff scans skip.
Scan scan_hostile() {
  Scan scan = base_scan(kStart);
  scan.info.listed = {true, true, true};
  std::vector<PortVerdict> ports = {
      open_port(22, "ssh"),
      port(23, PortState::closed, ProbeReason::conn_refused, "telnet"),
      port(24, PortState::filtered, ProbeReason::admin_prohibited, ""),
      port(25, PortState::filtered, ProbeReason::no_response, "smtp"),
      port(26, PortState::filtered, ProbeReason::host_unreach, ""),
      open_port(443, "https"),
  };
  ports[0].identity = ServiceIdentity{std::string("SSH-2.0-\x1b[31mEvil\x1b]0;t\x07") + '\0' +
                                          "\xff\xc3(\xc2\x9b]]><x a=\"1\" b='2'>&amp;/a,b\tc\\x1b\xef\xbf\xbf\r\n",
                                      "ssh",
                                      "Open\x1b[0mSSH\x01",
                                      "9.2\xfe",
                                      "\"]]>&<",
                                      false};
  ports[5].identity = ServiceIdentity{"", "http", "nginx", "1.24.0", "Ubuntu", true};
  HostReport host = up_host(ipv4(1), "evil\x1b[2J\"&<name>", std::move(ports), kStart);
  host.counts = {};
  host.counts[size_t(PortState::open)][size_t(ProbeReason::syn_ack)] = 2;
  host.counts[size_t(PortState::closed)][size_t(ProbeReason::conn_refused)] = 1;
  host.counts[size_t(PortState::filtered)][size_t(ProbeReason::admin_prohibited)] = 1;
  host.counts[size_t(PortState::filtered)][size_t(ProbeReason::no_response)] = 1;
  host.counts[size_t(PortState::filtered)][size_t(ProbeReason::host_unreach)] = 1;
  scan.hosts.push_back(std::move(host));
  scan.hosts.push_back(up_host(ipv6(2), "", {}, kStart));
  return scan;
}

ScanTotals totals_of(const Scan& scan) {
  ScanTotals totals;
  totals.end = scan.info.start + seconds(5);
  totals.elapsed = std::chrono::milliseconds(5120);
  for (const HostReport& host : scan.hosts) (host.up ? totals.hosts_up : totals.hosts_down)++;
  return totals;
}

void write_scan(const Scan& scan, std::unique_ptr<ScanWriter> writer) {
  writer->begin(scan.info);
  for (const HostReport& host : scan.hosts) writer->host(host);
  writer->end(totals_of(scan));
}

std::string write_xml(const Scan& scan, const std::string& path) {
  FileSink sink(path);
  write_scan(scan, make_xml_writer(sink));
  return path;
}

// --- the tools -------------------------------------------------------------

std::string tool(const char* name) {
  std::string path = find_system_program(name);
  EXPECT_FALSE(path.empty()) << name << " is missing: run scripts/install-deps";
  return path;
}

/// Runs a command line through sh with stderr folded into stdout, so a
/// failure message shows what the tool said.
ProgramOutput run_shell(const std::string& command) {
  Result<ProgramOutput> result = run_program({"/bin/sh", "-c", command + " 2>&1"}, kToolTimeout);
  EXPECT_TRUE(result.ok()) << command;
  return result.ok() ? result.value() : ProgramOutput{"", -1};
}

/// xmllint's verdict on `path` against nmap.dtd; empty when valid.
std::string dtd_errors(const std::string& path) {
  std::string xmllint = tool("xmllint");
  if (xmllint.empty()) return "xmllint is missing";
  EXPECT_TRUE(std::filesystem::exists(PORTLENS_NMAP_DTD)) << PORTLENS_NMAP_DTD;
  ProgramOutput out = run_shell(xmllint + " --noout --dtdvalid " PORTLENS_NMAP_DTD " " + path);
  if (out.exit_status == 0 && out.out.empty()) return "";
  return "exit " + std::to_string(out.exit_status) + ": " + out.out;
}

/// ndiff's output and exit status. TZ=UTC: ndiff prints the scans' start in
/// local time.
ProgramOutput ndiff(const std::string& options, const std::string& a, const std::string& b) {
  std::string program = tool("ndiff");
  if (program.empty()) return {"", -1};
  Result<ProgramOutput> result = run_program({"/usr/bin/env", "TZ=UTC", program, options, a, b}, kToolTimeout);
  EXPECT_TRUE(result.ok());
  return result.ok() ? result.value() : ProgramOutput{"", -1};
}

/// xmllint --xpath's answer for an expression over `path`, e.g. "2" for a count.
std::string xpath(const std::string& path, const std::string& expression) {
  std::string xmllint = tool("xmllint");
  if (xmllint.empty()) return "xmllint is missing";
  Result<ProgramOutput> result = run_program({xmllint, "--xpath", expression, path}, kToolTimeout);
  EXPECT_TRUE(result.ok());
  if (!result.ok()) return "";
  std::string answer = result.value().out;
  if (answer.ends_with('\n')) answer.pop_back();  // xmllint ends every answer with one
  return answer;
}

// --- validation ------------------------------------------------------------

TEST(ScanOutputXml, DiffScansValidateAgainstNmapDtd) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dtd_errors(write_xml(scan_before(), dir.file("before.xml"))), "");
  EXPECT_EQ(dtd_errors(write_xml(scan_after(), dir.file("after.xml"))), "");
}

TEST(ScanOutputXml, HostileBannersAndEveryStateValidate) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dtd_errors(write_xml(scan_hostile(), dir.file("hostile.xml"))), "");
}

TEST(ScanOutputXml, EmptyScanValidates) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Scan scan = base_scan(kStart);
  EXPECT_EQ(dtd_errors(write_xml(scan, dir.file("empty.xml"))), "");
}

TEST(ScanOutputXml, ValidatorRejectsBrokenDocuments) {
  // The check above is only worth something if xmllint does fail: a document
  // cut before </nmaprun> and one with a raw ESC byte must both be refused.
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = write_xml(scan_before(), dir.file("cut.xml"));
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text.substr(0, text.find("<runstats>"));
  EXPECT_NE(dtd_errors(path), "");
  std::string escaped = text;
  escaped.replace(escaped.find("OpenSSH_9.2p1"), 1, "\x1b");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << escaped;
  EXPECT_NE(dtd_errors(path), "");
}

TEST(ScanOutputXml, XmlReadersSeeTheBannerScript) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = write_xml(scan_hostile(), dir.file("hostile.xml"));
  EXPECT_EQ(xpath(path, "string(//port[@portid='22']/script[@id='banner']/@output)"),
            "SSH-2.0-\\x1b[31mEvil\\x1b]0;t\\x07\\x00\\xff\\xc3(\\u009b]]><x a=\"1\" b='2'>&amp;/a,b\\x09c\\\\x1b"
            "\\uffff\\x0d\\x0a");
  EXPECT_EQ(xpath(path, "string(//port[@portid='22']/service/@extrainfo)"), "\"]]>&<");
  EXPECT_EQ(xpath(path, "string(//hostname/@name)"), "evil\\x1b[2J\"&<name>");
  EXPECT_EQ(xpath(path, "string(//port[@portid='443']/service/@tunnel)"), "ssl");
}

// --- ndiff -----------------------------------------------------------------

TEST(ScanOutputNdiff, SameScanIsNoDifference) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string a = write_xml(scan_before(), dir.file("a.xml"));
  std::string b = write_xml(scan_before(), dir.file("b.xml"));
  ProgramOutput out = ndiff("--text", a, b);
  EXPECT_EQ(out.exit_status, 0) << out.out;
  EXPECT_EQ(out.out, "");
}

TEST(ScanOutputNdiff, TextNamesExactlyTheChanges) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string a = write_xml(scan_before(), dir.file("before.xml"));
  std::string b = write_xml(scan_after(), dir.file("after.xml"));
  ProgramOutput out = ndiff("--text", a, b);
  EXPECT_EQ(out.exit_status, 1) << out.out;
  const std::string args = " as: portlens scan --ping -p 1-100,443 --banners 10.0.0.1 10.0.0.9 10.0.0.3 fd00::2\n";
  EXPECT_EQ(out.out, "-Nmap 0.9.0 scan initiated Sun Nov 29 20:21:36 2026" + args +
                         "+Nmap 0.9.0 scan initiated Sun Nov 29 21:21:36 2026" + args +
                         "\n"
                         " alpha.example.net (10.0.0.1):\n"
                         " PORT    STATE SERVICE VERSION\n"
                         "+80/tcp  open  http\n"
                         // 443 closed: hidden among the closed ports, so no longer open.
                         "-443/tcp open  https\n"
                         "\n"
                         "+10.0.0.3:\n"
                         "+Host is up.\n"
                         "+Not shown: 100 closed ports\n"
                         "+PORT   STATE SERVICE VERSION\n"
                         "+25/tcp open  smtp\n");
}

TEST(ScanOutputNdiff, XmlNamesExactlyTheChanges) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string a = write_xml(scan_before(), dir.file("before.xml"));
  std::string b = write_xml(scan_after(), dir.file("after.xml"));
  ProgramOutput out = ndiff("--xml", a, b);
  EXPECT_EQ(out.exit_status, 1) << out.out;
  std::string diff = dir.file("diff.xml");
  std::ofstream(diff, std::ios::binary) << out.out;
  EXPECT_EQ(xpath(diff, "count(//hostdiff)"), "2");
  // alpha: 80 appeared open, 443 went from open to closed; nothing else.
  EXPECT_EQ(xpath(diff, "count(//hostdiff[host/address/@addr='10.0.0.1']//portdiff)"), "2");
  EXPECT_EQ(xpath(diff, "string(//portdiff[b/port/@portid='80']/b/port/state/@state)"), "open");
  // A port missing from one side is an empty <port>: no state.
  EXPECT_EQ(xpath(diff, "count(//portdiff[b/port/@portid='80']/a/port/state)"), "0");
  EXPECT_EQ(xpath(diff, "string(//portdiff[a/port/@portid='443']/a/port/state/@state)"), "open");
  EXPECT_EQ(xpath(diff, "count(//portdiff[a/port/@portid='443']/b/port/state)"), "0");
  EXPECT_EQ(xpath(diff, "string(//hostdiff[host/address/@addr='10.0.0.1']//extraports/@count)"), "99");
  // 10.0.0.3 is only in the second scan.
  EXPECT_EQ(xpath(diff, "count(//hostdiff/b/host[address/@addr='10.0.0.3'])"), "1");
  EXPECT_EQ(xpath(diff, "count(//hostdiff/a/host[address/@addr='10.0.0.3'])"), "0");
}

TEST(ScanOutputNdiff, NewVersionShowsInVersionAndBannerScript) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Scan upgraded = scan_before();
  ServiceIdentity& ssh = *upgraded.hosts[0].ports[0].identity;
  ssh.version = "9.6p1";
  ssh.banner = "SSH-2.0-OpenSSH_9.6p1\r\n";
  std::string a = write_xml(scan_before(), dir.file("a.xml"));
  std::string b = write_xml(upgraded, dir.file("b.xml"));
  ProgramOutput out = ndiff("--text", a, b);
  EXPECT_EQ(out.exit_status, 1) << out.out;
  EXPECT_EQ(out.out,
            "\n"
            " alpha.example.net (10.0.0.1):\n"
            " PORT   STATE SERVICE VERSION\n"
            "-22/tcp open  ssh     OpenSSH 9.2p1 (protocol 2.0)\n"
            "+22/tcp open  ssh     OpenSSH 9.6p1 (protocol 2.0)\n"
            "-|_ banner: SSH-2.0-OpenSSH_9.2p1 Debian-2\\x0d\\x0a\n"
            "+|_ banner: SSH-2.0-OpenSSH_9.6p1\\x0d\\x0a\n");
}

// --- grepable, read the way people read it --------------------------------

TEST(ScanOutputGrepable, EveryLineSplitsIntoItsFields) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("hostile.gnmap");
  {
    FileSink sink(path);
    write_scan(scan_hostile(), make_grepable_writer(sink));
  }
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u);  // header, two lines for each of two hosts, trailer
  EXPECT_TRUE(lines[0].starts_with("# portlens 0.9.0 scan initiated "));
  EXPECT_TRUE(lines[5].starts_with("# portlens done at "));
  std::string ports = lines[2].substr(lines[2].find("\tPorts: ") + 8);
  EXPECT_EQ(ports.find('\t'), std::string::npos) << ports;
  // Six ports, each with exactly eight '/'-separated parts.
  std::vector<std::string> entries;
  for (size_t start = 0; start <= ports.size();) {
    size_t comma = ports.find(", ", start);
    entries.push_back(ports.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  ASSERT_EQ(entries.size(), 6u) << ports;
  for (const std::string& entry : entries) {
    EXPECT_EQ(std::count(entry.begin(), entry.end(), '/'), 7) << entry;
    EXPECT_EQ(entry.find(','), std::string::npos) << entry;
    for (char c : entry) {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20) << entry;
    }
  }
  EXPECT_EQ(entries[5], "443/open/tcp//ssl|http//nginx 1.24.0 (Ubuntu)/");
}

}  // namespace
}  // namespace portlens
