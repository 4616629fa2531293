#include "report/scan_xml.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "report/scan_writer_test_support.h"
#include "util/text.h"

namespace portlens {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// Dates are local time, as nmap writes them; pin the zone so the expected
// text is the same on every machine, and put it back afterwards.
class ScanXml : public test::PinnedUtcTest {};

const system_clock::time_point kStart = test::kScanStart;

ScanInfo sample_info() {
  ScanInfo info;
  info.command_line = "portlens scan --states open -p 1-100,443 -oX \"a&b\".xml 10.0.0.0/30";
  info.start = kStart;
  info.ports = {{1, 100}, {443, 443}};
  info.port_count = 101;
  info.host_count = 4;
  info.version = "0.9.0";
  return info;
}

Address ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  Address address;
  address.bytes[0] = a;
  address.bytes[1] = b;
  address.bytes[2] = c;
  address.bytes[3] = d;
  return address;
}

PortVerdict open_port(uint16_t number, std::string_view service) {
  return test::make_port(number, PortState::open, ProbeReason::syn_ack, service);
}

using test::set_count;

// db1 (10.0.0.2): 22 and 443 open, 90 closed, 9 filtered for four reasons.
HostReport named_host() {
  HostReport host;
  host.address = ipv4(10, 0, 0, 2);
  host.name = "db1.example.net";
  host.up_reason = "user-set";
  host.start = kStart;
  host.end = kStart + seconds(3);
  host.ports = {open_port(22, "ssh"), open_port(443, "https")};
  set_count(host, PortState::open, ProbeReason::syn_ack, 2);
  set_count(host, PortState::closed, ProbeReason::conn_refused, 90);
  set_count(host, PortState::filtered, ProbeReason::no_response, 5);
  set_count(host, PortState::filtered, ProbeReason::admin_prohibited, 2);
  set_count(host, PortState::filtered, ProbeReason::host_unreach, 1);
  set_count(host, PortState::filtered, ProbeReason::time_exceeded, 1);
  return host;
}

std::string write_one(const ScanInfo& info, const HostReport& host) {
  StringSink sink;
  auto writer = make_xml_writer(sink);
  writer->begin(info);
  size_t header = sink.text().size();
  writer->host(host);
  return sink.text().substr(header);
}

// The hostile bytes a banner may hold: ESC sequences, NUL, invalid UTF-8, a
// C1 CSI, CDATA's end marker, quotes, markup, separators, a backslash that
// looks like an escape, a noncharacter, and line breaks.
const std::string kHostileBanner = std::string("SSH-2.0-\x1b[31mEvil\x1b]0;title\x07") + '\0' +
                                   "x\xff\xc3(\xc2\x9b]]><a href=\"x\" b='y'>&amp;/a,b\tc\\x1b\xef\xbf\xbf\r\n";

TEST_F(ScanXml, HeaderNamesPortlensAndValidatesAsNmap) {
  StringSink sink;
  auto writer = make_xml_writer(sink);
  writer->begin(sample_info());
  // Written at once: the header is in the sink before any host.
  EXPECT_EQ(sink.text(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE nmaprun>\n"
            "<!-- portlens 0.9.0 scan initiated Sun Nov 29 20:21:36 2026 as: portlens scan -&#45;states open "
            "-p 1-100,443 -oX &quot;a&amp;b&quot;.xml 10.0.0.0/30 -->\n"
            "<nmaprun scanner=\"nmap\" args=\"portlens scan --states open -p 1-100,443 -oX &quot;a&amp;b&quot;.xml "
            "10.0.0.0/30\" start=\"1795983696\" startstr=\"Sun Nov 29 20:21:36 2026\" version=\"0.9.0\" "
            "xmloutputversion=\"1.05\">\n"
            "<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"101\" services=\"1-100,443\"/>\n"
            "<verbose level=\"0\"/>\n"
            "<debugging level=\"0\"/>\n");
}

TEST_F(ScanXml, CommentNeverHoldsTwoDashes) {
  ScanInfo info = sample_info();
  info.command_line = "portlens scan --- -- x-";
  StringSink sink;
  make_xml_writer(sink)->begin(info);
  std::string comment = sink.text().substr(sink.text().find("<!--") + 4);
  comment = comment.substr(0, comment.find("-->"));
  EXPECT_EQ(comment.find("--"), std::string::npos) << comment;
  EXPECT_NE(comment.find("as: portlens scan -&#45;- -&#45; x- "), std::string::npos) << comment;
}

TEST_F(ScanXml, NamedIpv4HostWithHiddenStatesAndReasons) {
  EXPECT_EQ(write_one(sample_info(), named_host()),
            "<host starttime=\"1795983696\" endtime=\"1795983699\">"
            "<status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n"
            "<address addr=\"10.0.0.2\" addrtype=\"ipv4\"/>\n"
            "<hostnames>\n<hostname name=\"db1.example.net\" type=\"user\"/>\n</hostnames>\n"
            "<ports><extraports state=\"closed\" count=\"90\">\n"
            "<extrareasons reason=\"conn-refused\" count=\"90\" proto=\"tcp\"/>\n"
            "</extraports>\n"
            "<extraports state=\"filtered\" count=\"9\">\n"
            "<extrareasons reason=\"no-response\" count=\"5\" proto=\"tcp\"/>\n"
            "<extrareasons reason=\"admin-prohibited\" count=\"2\" proto=\"tcp\"/>\n"
            "<extrareasons reason=\"host-unreach\" count=\"1\" proto=\"tcp\"/>\n"
            "<extrareasons reason=\"time-exceeded\" count=\"1\" proto=\"tcp\"/>\n"
            "</extraports>\n"
            "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"0\"/>"
            "<service name=\"ssh\" method=\"table\" conf=\"3\"/></port>\n"
            "<port protocol=\"tcp\" portid=\"443\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"0\"/>"
            "<service name=\"https\" method=\"table\" conf=\"3\"/></port>\n"
            "</ports>\n"
            "</host>\n");
}

TEST_F(ScanXml, ExtraportsLargestStateFirst) {
  HostReport host = named_host();
  set_count(host, PortState::filtered, ProbeReason::no_response, 500);
  std::string xml = write_one(sample_info(), host);
  size_t filtered = xml.find("<extraports state=\"filtered\" count=\"504\">");
  size_t closed = xml.find("<extraports state=\"closed\" count=\"90\">");
  ASSERT_NE(filtered, std::string::npos) << xml;
  ASSERT_NE(closed, std::string::npos) << xml;
  EXPECT_LT(filtered, closed);
}

TEST_F(ScanXml, EveryStateListedLeavesNoExtraports) {
  ScanInfo info = sample_info();
  info.listed = {true, true, true};
  HostReport host = named_host();
  PortVerdict closed;
  closed.port = 23;
  closed.state = PortState::closed;
  closed.reason = ProbeReason::conn_refused;
  PortVerdict filtered;
  filtered.port = 25;
  filtered.state = PortState::filtered;
  filtered.reason = ProbeReason::admin_prohibited;
  host.ports = {open_port(22, "ssh"), closed, filtered};
  std::string xml = write_one(info, host);
  EXPECT_EQ(xml.find("extraports"), std::string::npos) << xml;
  // A port without a known service has no <service>, as in nmap.
  EXPECT_NE(xml.find("<port protocol=\"tcp\" portid=\"23\"><state state=\"closed\" reason=\"conn-refused\" "
                     "reason_ttl=\"0\"/></port>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<port protocol=\"tcp\" portid=\"25\"><state state=\"filtered\" reason=\"admin-prohibited\" "
                     "reason_ttl=\"0\"/></port>\n"),
            std::string::npos)
      << xml;
}

TEST_F(ScanXml, Ipv6HostWithoutName) {
  HostReport host;
  host.address.family = AddressFamily::ipv6;
  host.address.bytes = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
  host.up_reason = "syn-ack";
  host.start = host.end = kStart;
  set_count(host, PortState::closed, ProbeReason::conn_refused, 101);
  EXPECT_EQ(write_one(sample_info(), host),
            "<host starttime=\"1795983696\" endtime=\"1795983696\">"
            "<status state=\"up\" reason=\"syn-ack\" reason_ttl=\"0\"/>\n"
            "<address addr=\"fd00::1\" addrtype=\"ipv6\"/>\n"
            "<hostnames>\n</hostnames>\n"
            "<ports><extraports state=\"closed\" count=\"101\">\n"
            "<extrareasons reason=\"conn-refused\" count=\"101\" proto=\"tcp\"/>\n"
            "</extraports>\n"
            "</ports>\n"
            "</host>\n");
}

TEST_F(ScanXml, DownHostHasStatusAndNoPorts) {
  HostReport host;
  host.address = ipv4(10, 0, 0, 3);
  host.up = false;
  host.up_reason = "no-response";
  host.start = host.end = kStart;
  EXPECT_EQ(write_one(sample_info(), host),
            "<host starttime=\"1795983696\" endtime=\"1795983696\">"
            "<status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>\n"
            "<address addr=\"10.0.0.3\" addrtype=\"ipv4\"/>\n"
            "<hostnames>\n</hostnames>\n"
            "</host>\n");
}

TEST_F(ScanXml, MissingUpReasonFallsBackToNmapsWords) {
  HostReport host;
  host.address = ipv4(10, 0, 0, 4);
  EXPECT_NE(write_one(sample_info(), host).find("<status state=\"up\" reason=\"user-set\""), std::string::npos);
  host.up = false;
  EXPECT_NE(write_one(sample_info(), host).find("<status state=\"down\" reason=\"no-response\""), std::string::npos);
}

TEST_F(ScanXml, ProbedServiceWithVersionAndTunnel) {
  HostReport host = named_host();
  host.ports[1].identity = ServiceIdentity{"", "http", "nginx", "1.24.0", "Ubuntu", true};
  std::string xml = write_one(sample_info(), host);
  EXPECT_NE(xml.find("<port protocol=\"tcp\" portid=\"443\"><state state=\"open\" reason=\"syn-ack\" "
                     "reason_ttl=\"0\"/><service name=\"http\" product=\"nginx\" version=\"1.24.0\" "
                     "extrainfo=\"Ubuntu\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/></port>\n"),
            std::string::npos)
      << xml;
  // An empty banner writes no banner script.
  EXPECT_EQ(xml.find("<script"), std::string::npos) << xml;
}

TEST_F(ScanXml, UnidentifiedTlsPortIsSsl) {
  HostReport host = named_host();
  host.ports[1].identity = ServiceIdentity{"\x16\x03\x03", "", "", "", "", true};
  std::string xml = write_one(sample_info(), host);
  EXPECT_NE(xml.find("<service name=\"ssl\" method=\"probed\" conf=\"10\"/>"
                     "<script id=\"banner\" output=\"\\x16\\x03\\x03\"/></port>"),
            std::string::npos)
      << xml;
}

TEST_F(ScanXml, BannerWithoutMatchKeepsTableService) {
  HostReport host = named_host();
  host.ports[0].identity = ServiceIdentity{"hello", "", "", "", "", false};
  std::string xml = write_one(sample_info(), host);
  EXPECT_NE(xml.find("<service name=\"ssh\" method=\"table\" conf=\"3\"/><script id=\"banner\" output=\"hello\"/>"),
            std::string::npos)
      << xml;
}

TEST_F(ScanXml, HostileBannerBecomesVisibleValidXml) {
  HostReport host = named_host();
  host.name = "evil\x1b[2J\"<name>";
  host.ports[0].identity = ServiceIdentity{kHostileBanner, "ssh", "Open\x1b[0mSSH", "9.2p1\xff", "a\"b'<c>&\n", false};
  std::string xml = write_one(sample_info(), host);
  EXPECT_NE(xml.find("<hostname name=\"evil\\x1b[2J&quot;&lt;name&gt;\" type=\"user\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<service name=\"ssh\" product=\"Open\\x1b[0mSSH\" version=\"9.2p1\\xff\" "
                     "extrainfo=\"a&quot;b&apos;&lt;c&gt;&amp;\\x0a\" method=\"probed\" conf=\"10\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<script id=\"banner\" output=\"SSH-2.0-\\x1b[31mEvil\\x1b]0;title\\x07\\x00x\\xff\\xc3("
                     "\\u009b]]&gt;&lt;a href=&quot;x&quot; b=&apos;y&apos;&gt;&amp;amp;/a,b\\x09c\\\\x1b"
                     "\\uffff\\x0d\\x0a\"/>"),
            std::string::npos)
      << xml;
  // Nothing XML 1.0 forbids: valid UTF-8, no control byte but the newlines
  // between elements, no raw CDATA end, no noncharacter.
  EXPECT_TRUE(is_valid_utf8(xml));
  for (char c : xml) {
    if (c != '\n') {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20) << xml;
    }
  }
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find("\xef\xbf\xbf"), std::string::npos);
  EXPECT_EQ(xml.find('\x7f'), std::string::npos);
}

TEST_F(ScanXml, BannerTextMapsBackToTheBytes) {
  // A literal backslash-x in the banner must not read like an escaped byte.
  EXPECT_EQ(banner_text("a\\x1b\x1b"), "a\\\\x1b\\x1b");
  EXPECT_EQ(banner_text("\xe4\xb8\xad"), "\xe4\xb8\xad");  // 中 passes as is
  EXPECT_EQ(banner_text(std::string("\0\x7f", 2)), "\\x00\\x7f");
}

TEST_F(ScanXml, RunstatsCloseTheDocument) {
  StringSink sink;
  auto writer = make_xml_writer(sink);
  writer->begin(sample_info());
  writer->host(named_host());
  size_t before = sink.text().size();
  ScanTotals totals;
  totals.end = kStart + seconds(4);
  totals.elapsed = std::chrono::milliseconds(4021);
  totals.hosts_up = 3;
  totals.hosts_down = 1;
  writer->end(totals);
  EXPECT_EQ(sink.text().substr(before),
            "<runstats><finished time=\"1795983700\" timestr=\"Sun Nov 29 20:21:40 2026\" "
            "summary=\"portlens done at Sun Nov 29 20:21:40 2026; 4 IP addresses (3 hosts up) scanned in 4.02 "
            "seconds\" elapsed=\"4.02\" exit=\"success\"/><hosts up=\"3\" down=\"1\" total=\"4\"/>\n"
            "</runstats>\n"
            "</nmaprun>\n");
}

TEST_F(ScanXml, SingularSummary) {
  StringSink sink;
  auto writer = make_xml_writer(sink);
  writer->begin(sample_info());
  ScanTotals totals;
  totals.end = kStart;
  totals.hosts_up = 1;
  writer->end(totals);
  EXPECT_NE(sink.text().find("; 1 IP address (1 host up) scanned in 0.00 seconds\""), std::string::npos) << sink.text();
}

// Each call reaches the sink at once, in one write: nothing is held back.
class CountingSink : public OutputSink {
 public:
  void write(std::string_view text) override {
    ++writes;
    text_.append(text);
  }
  int writes = 0;
  std::string text_;
};

TEST_F(ScanXml, StreamsEachHostAtOnce) {
  CountingSink sink;
  auto writer = make_xml_writer(sink);
  writer->begin(sample_info());
  EXPECT_EQ(sink.writes, 1);
  writer->host(named_host());
  EXPECT_EQ(sink.writes, 2);
  EXPECT_TRUE(sink.text_.ends_with("</host>\n"));
  writer->host(named_host());
  EXPECT_EQ(sink.writes, 3);
  writer->end(ScanTotals{});
  EXPECT_EQ(sink.writes, 4);
  EXPECT_TRUE(sink.text_.ends_with("</nmaprun>\n"));
}

TEST_F(ScanXml, TimeTextPadsTheDayLikeCtime) {
  // 2026-03-01 09:05:07 UTC.
  EXPECT_EQ(nmap_time_text(system_clock::time_point{seconds(1772355907)}), "Sun Mar  1 09:05:07 2026");
}

}  // namespace
}  // namespace portlens
