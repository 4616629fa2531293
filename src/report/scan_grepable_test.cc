#include "report/scan_grepable.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "report/scan_writer_test_support.h"
#include "util/text.h"

namespace portlens {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// Dates are local time, as nmap writes them; pin the zone for the expected
// text and put it back afterwards.
class ScanGrepable : public test::PinnedUtcTest {};

const system_clock::time_point kStart = test::kScanStart;

ScanInfo sample_info() {
  ScanInfo info;
  info.command_line = "portlens scan -p 1-1000 -oG out.gnmap 10.0.0.0/30";
  info.start = kStart;
  info.ports = {{1, 1000}};
  info.port_count = 1000;
  info.version = "0.9.0";
  return info;
}

PortVerdict port(uint16_t number, PortState state, ProbeReason reason, std::string_view service) {
  return test::make_port(number, state, reason, service);
}

using test::set_count;

HostReport named_host() {
  HostReport host;
  host.address.bytes = {10, 0, 0, 2};
  host.name = "db1.example.net";
  host.ports = {port(22, PortState::open, ProbeReason::syn_ack, "ssh"),
                port(80, PortState::open, ProbeReason::syn_ack, "http")};
  host.ports[0].identity =
      ServiceIdentity{"SSH-2.0-OpenSSH_9.2p1\r\n", "ssh", "OpenSSH", "9.2p1", "protocol 2.0", false};
  set_count(host, PortState::open, ProbeReason::syn_ack, 2);
  set_count(host, PortState::closed, ProbeReason::conn_refused, 990);
  set_count(host, PortState::filtered, ProbeReason::no_response, 6);
  set_count(host, PortState::filtered, ProbeReason::admin_prohibited, 2);
  return host;
}

std::string write_one(const ScanInfo& info, const HostReport& host) {
  StringSink sink;
  auto writer = make_grepable_writer(sink);
  writer->begin(info);
  size_t header = sink.text().size();
  writer->host(host);
  return sink.text().substr(header);
}

TEST_F(ScanGrepable, Header) {
  StringSink sink;
  make_grepable_writer(sink)->begin(sample_info());
  EXPECT_EQ(sink.text(),
            "# portlens 0.9.0 scan initiated Sun Nov 29 20:21:36 2026 as: portlens scan -p 1-1000 -oG out.gnmap "
            "10.0.0.0/30\n");
}

TEST_F(ScanGrepable, HeaderCommandLineStaysOneLine) {
  ScanInfo info = sample_info();
  info.command_line = "portlens scan evil\n\x1b[2Jname";
  StringSink sink;
  make_grepable_writer(sink)->begin(info);
  EXPECT_TRUE(sink.text().ends_with("as: portlens scan evil\\x0a\\x1b[2Jname\n")) << sink.text();
}

TEST_F(ScanGrepable, NamedHostWithVersionsAndIgnoredStates) {
  EXPECT_EQ(write_one(sample_info(), named_host()),
            "Host: 10.0.0.2 (db1.example.net)\tStatus: Up\n"
            "Host: 10.0.0.2 (db1.example.net)\tPorts: 22/open/tcp//ssh//OpenSSH 9.2p1 (protocol 2.0)/, "
            "80/open/tcp//http///\tIgnored State: closed (990)\tIgnored State: filtered (8)\n");
}

TEST_F(ScanGrepable, Ipv6HostWithoutNameOrListedPorts) {
  HostReport host;
  host.address.family = AddressFamily::ipv6;
  host.address.bytes = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
  set_count(host, PortState::closed, ProbeReason::conn_refused, 1000);
  // nmap keeps the empty Ports field.
  EXPECT_EQ(write_one(sample_info(), host),
            "Host: fd00::1 ()\tStatus: Up\n"
            "Host: fd00::1 ()\tPorts: \tIgnored State: closed (1000)\n");
}

TEST_F(ScanGrepable, DownHostIsOneLine) {
  HostReport host;
  host.address.bytes = {10, 0, 0, 3};
  host.up = false;
  EXPECT_EQ(write_one(sample_info(), host), "Host: 10.0.0.3 ()\tStatus: Down\n");
}

TEST_F(ScanGrepable, ListedStatesAreNotIgnored) {
  ScanInfo info = sample_info();
  info.listed = {true, true, true};
  HostReport host = named_host();
  host.ports = {port(22, PortState::open, ProbeReason::syn_ack, "ssh"),
                port(23, PortState::closed, ProbeReason::conn_refused, ""),
                port(25, PortState::filtered, ProbeReason::host_unreach, "smtp")};
  EXPECT_EQ(write_one(info, host),
            "Host: 10.0.0.2 (db1.example.net)\tStatus: Up\n"
            "Host: 10.0.0.2 (db1.example.net)\tPorts: 22/open/tcp//ssh///, 23/closed/tcp/////, "
            "25/filtered/tcp//smtp///\n");
}

TEST_F(ScanGrepable, TlsServiceIsSslPipe) {
  HostReport host = named_host();
  host.ports[1].identity = ServiceIdentity{"", "http", "nginx", "", "", true};
  std::string text = write_one(sample_info(), host);
  EXPECT_NE(text.find(", 80/open/tcp//ssl|http//nginx/\t"), std::string::npos) << text;
  host.ports[1].identity = ServiceIdentity{"\x16\x03", "", "", "", "", true};
  text = write_one(sample_info(), host);
  EXPECT_NE(text.find(", 80/open/tcp//ssl///\t"), std::string::npos) << text;
}

TEST_F(ScanGrepable, HostileFieldsCannotSplitTheLine) {
  HostReport host = named_host();
  host.ports.resize(1);
  host.ports[0].identity = ServiceIdentity{
      "banner", "ss/h,x", "Open/SSH, evil\tfield\nHost: 6.6.6.6\x1b[2J", std::string("9.2\0p1\xff", 7), "a/b", false};
  std::string text = write_one(sample_info(), host);
  EXPECT_EQ(text,
            "Host: 10.0.0.2 (db1.example.net)\tStatus: Up\n"
            "Host: 10.0.0.2 (db1.example.net)\tPorts: 22/open/tcp//ss|h;x//Open|SSH; evil\\x09field\\x0aHost: "
            "6.6.6.6\\x1b[2J 9.2\\x00p1\\xff (a|b)/\tIgnored State: closed (990)\tIgnored State: filtered (8)\n");
  EXPECT_TRUE(is_valid_utf8(text));
}

TEST_F(ScanGrepable, GrepableFieldReplacesSeparators) {
  EXPECT_EQ(grepable_field("a/b,c\td\x7f\xc2\x9b"), "a|b;c\\x09d\\x7f\\u009b");
  EXPECT_EQ(grepable_field("中文"), "中文");
}

TEST_F(ScanGrepable, TrailerCountsHostsLikeNmap) {
  StringSink sink;
  auto writer = make_grepable_writer(sink);
  writer->begin(sample_info());
  size_t before = sink.text().size();
  ScanTotals totals;
  totals.end = kStart + seconds(4);
  totals.elapsed = std::chrono::milliseconds(4021);
  totals.hosts_up = 3;
  totals.hosts_down = 1;
  writer->end(totals);
  EXPECT_EQ(sink.text().substr(before),
            "# portlens done at Sun Nov 29 20:21:40 2026 -- 4 IP addresses (3 hosts up) scanned in 4.02 seconds\n");

  StringSink one;
  auto single = make_grepable_writer(one);
  single->begin(sample_info());
  totals.hosts_up = 1;
  totals.hosts_down = 0;
  single->end(totals);
  EXPECT_TRUE(one.text().ends_with("-- 1 IP address (1 host up) scanned in 4.02 seconds\n")) << one.text();
}

TEST_F(ScanGrepable, EachHostReachesTheSinkAtOnce) {
  StringSink sink;
  auto writer = make_grepable_writer(sink);
  writer->begin(sample_info());
  writer->host(named_host());
  EXPECT_TRUE(sink.text().ends_with("Ignored State: filtered (8)\n")) << sink.text();
}

}  // namespace
}  // namespace portlens
