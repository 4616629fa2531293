// identify_service on replies as real servers send them (greetings copied
// from OpenSSH, vsftpd, Postfix, Dovecot, MySQL, MariaDB, Redis, nginx, ...),
// on hostile and oversize bytes, and the probes chosen per port.

#include "scan/service_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace portlens {
namespace {

using namespace std::string_view_literals;

/// service/product/version/extra_info in one comparable line.
std::string summary(const ServiceIdentity& identity) {
  return identity.service + "|" + identity.product + "|" + identity.version + "|" + identity.extra_info +
         (identity.tls ? "|tls" : "|");
}

std::string identify(std::string_view reply, uint16_t port, bool tls = false) {
  return summary(identify_service(reply, port, tls));
}

bool printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

TEST(IdentifyService, Ssh) {
  EXPECT_EQ(identify("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", 22),
            "ssh|OpenSSH|9.2p1|Debian-2+deb12u3; protocol 2.0|");
  EXPECT_EQ(identify("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n", 2222),
            "ssh|OpenSSH|8.9p1|Ubuntu-3ubuntu0.6; protocol 2.0|");
  EXPECT_EQ(identify("SSH-2.0-OpenSSH_for_Windows_8.1\r\n", 22), "ssh|OpenSSH for Windows|8.1|protocol 2.0|");
  EXPECT_EQ(identify("SSH-2.0-dropbear_2022.83\r\n", 22), "ssh|Dropbear sshd|2022.83|protocol 2.0|");
  EXPECT_EQ(identify("SSH-1.99-Cisco-1.25\r\n", 22), "ssh|Cisco SSH|1.25|protocol 1.99|");
  EXPECT_EQ(identify("SSH-2.0-paramiko_3.4.0\r\n", 22), "ssh|paramiko|3.4.0|protocol 2.0|");
  EXPECT_EQ(identify("SSH-2.0-Go\r\n", 22), "ssh|Go||protocol 2.0|");
}

TEST(IdentifyService, Ftp) {
  EXPECT_EQ(identify("220 (vsFTPd 3.0.5)\r\n", 21), "ftp|vsftpd|3.0.5||");
  EXPECT_EQ(identify("220 ProFTPD 1.3.8 Server (Debian) [::ffff:10.0.0.5]\r\n", 21), "ftp|ProFTPD|1.3.8|Debian|");
  EXPECT_EQ(identify("220 ProFTPD Server (ProFTPD Default Installation) [10.0.0.5]\r\n", 21),
            "ftp|ProFTPD||ProFTPD Default Installation|");
  EXPECT_EQ(identify("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n"
                     "220-You are user number 1 of 50 allowed.\r\n"
                     "220-Local time is now 10:15. Server port: 21.\r\n",
                     21),
            "ftp|Pure-FTPd|||");
  EXPECT_EQ(identify("220 Welcome to the archive\r\n", 21), "ftp||||");
  // A bare 220 on a port nobody assigns is taken for FTP (SMTP says SMTP).
  EXPECT_EQ(identify("220 ready\r\n", 40021), "ftp||||");
}

TEST(IdentifyService, Smtp) {
  EXPECT_EQ(identify("220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n", 25), "smtp|Postfix||Debian/GNU|");
  EXPECT_EQ(identify("220 mx.example.org ESMTP Exim 4.96 Mon, 01 Jan 2024 10:00:00 +0000\r\n", 25), "smtp|Exim|4.96||");
  EXPECT_EQ(identify("220 host.example.org ESMTP Sendmail 8.15.2/8.15.2; Mon, 1 Jan 2024\r\n", 587),
            "smtp|Sendmail|8.15.2||");
  EXPECT_EQ(identify("220 smtp.example.com ESMTP ready\r\n", 2500), "smtp||||");
  // Port 25 makes a greeting without the word SMTP still mail.
  EXPECT_EQ(identify("220-mail.example.org\r\n220 hello\r\n", 25), "smtp||||");
  // But a greeting that says FTP is FTP wherever it is.
  EXPECT_EQ(identify("220 FTP server ready\r\n", 25), "ftp||||");
}

TEST(IdentifyService, Pop3AndImap) {
  EXPECT_EQ(identify("+OK Dovecot (Debian) ready.\r\n", 110), "pop3|Dovecot||Debian|");
  EXPECT_EQ(identify("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n", 110), "pop3||||");
  EXPECT_EQ(identify("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
                     "AUTH=PLAIN] Dovecot (Ubuntu) ready.\r\n",
                     143),
            "imap|Dovecot||Ubuntu|");
  EXPECT_EQ(identify("* OK IMAP4rev1 Service Ready\r\n", 143), "imap||||");
  EXPECT_EQ(identify("* PREAUTH IMAP4rev1 server logged in as Smith\r\n", 143), "imap||||");
}

// Handshake packets as MySQL 8.0 and MariaDB 10.11 send them: length 74 and
// 99, sequence 0, protocol 10, version, thread id, scramble, capabilities,
// auth plugin name.
constexpr std::string_view kMysql8Greeting =
    "\x4a\x00\x00\x00\x0a\x38\x2e\x30\x2e\x33\x35\x00\x08\x00\x00\x00\x1b\x4d\x2f\x61\x05\x3e\x7c\x12\x00\xff\xff"
    "\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x4a\x6c\x0f\x29\x55\x71\x3a\x08\x63\x2d\x48"
    "\x1e\x00\x63\x61\x63\x68\x69\x6e\x67\x5f\x73\x68\x61\x32\x5f\x70\x61\x73\x73\x77\x6f\x72\x64\x00"sv;
constexpr std::string_view kMariadbGreeting =
    "\x63\x00\x00\x00\x0a\x35\x2e\x35\x2e\x35\x2d\x31\x30\x2e\x31\x31\x2e\x36\x2d\x4d\x61\x72\x69\x61\x44\x42\x2d"
    "\x30\x2b\x64\x65\x62\x31\x32\x75\x31\x00\x08\x00\x00\x00\x1b\x4d\x2f\x61\x05\x3e\x7c\x12\x00\xff\xff\xff\x02"
    "\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x4a\x6c\x0f\x29\x55\x71\x3a\x08\x63\x2d\x48\x1e\x00"
    "\x6d\x79\x73\x71\x6c\x5f\x6e\x61\x74\x69\x76\x65\x5f\x70\x61\x73\x73\x77\x6f\x72\x64\x00"sv;

TEST(IdentifyService, MysqlHandshake) {
  ASSERT_EQ(kMysql8Greeting.size(), 78u);
  ServiceIdentity mysql = identify_service(kMysql8Greeting, 3306, false);
  EXPECT_EQ(summary(mysql), "mysql|MySQL|8.0.35||");
  EXPECT_EQ(mysql.banner, kMysql8Greeting);  // binary, NULs included
  EXPECT_EQ(identify(kMariadbGreeting, 3306), "mysql|MariaDB|10.11.6|0+deb12u1|");
  // The port does not matter: the packet shape does.
  EXPECT_EQ(identify(kMysql8Greeting, 13306), "mysql|MySQL|8.0.35||");
  // Cut after the version string: still a greeting.
  EXPECT_EQ(identify(kMysql8Greeting.substr(0, 12), 3306), "mysql|MySQL|8.0.35||");
  // Cut inside the version string, or with a wrong sequence number or protocol: not MySQL.
  EXPECT_EQ(identify(kMysql8Greeting.substr(0, 9), 3306), "||||");
  std::string wrong_sequence(kMysql8Greeting);
  wrong_sequence[3] = 1;
  EXPECT_EQ(identify(wrong_sequence, 3306), "||||");
  std::string wrong_protocol(kMysql8Greeting);
  wrong_protocol[4] = 9;
  EXPECT_EQ(identify(wrong_protocol, 3306), "||||");
}

TEST(IdentifyService, MysqlRefusal) {
  std::string_view refusal =
      "\x45\x00\x00\x00\xff\x6a\x04Host '10.0.0.9' is not allowed to connect to this MySQL server"sv;
  EXPECT_EQ(identify(refusal, 3306), "mysql|MySQL||unauthorized|");
  std::string_view other_error =
      "\x45\x00\x00\x00\xff\x15\x04"
      "Access denied for user"sv;
  EXPECT_EQ(identify(other_error, 3306), "||||");
}

TEST(IdentifyService, Redis) {
  EXPECT_EQ(identify("+PONG\r\n$3567\r\n# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n", 6379),
            "redis|Redis|7.0.15||");
  EXPECT_EQ(identify("+PONG\r\n", 6379), "redis|Redis|||");
  EXPECT_EQ(identify("-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n", 6379),
            "redis|Redis||password required|");
  EXPECT_EQ(identify("-DENIED Redis is running in protected mode because protected mode is enabled\r\n", 6379),
            "redis|Redis||protected mode|");
  EXPECT_EQ(identify("VERSION 1.6.21\r\n", 11211), "memcached|memcached|1.6.21||");
}

TEST(IdentifyService, Http) {
  EXPECT_EQ(identify("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nDate: Mon, 01 Jan 2024 "
                     "10:00:00 GMT\r\nContent-type: text/html\r\n\r\n",
                     8000),
            "http|SimpleHTTP|0.6|Python/3.11.2|");
  EXPECT_EQ(identify("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n", 80),
            "http|nginx|1.22.1||");
  EXPECT_EQ(identify("HTTP/1.1 403 Forbidden\r\nDate: x\r\nServer: Apache/2.4.57 (Debian)\r\n\r\n", 80),
            "http|Apache|2.4.57|Debian|");
  EXPECT_EQ(identify("HTTP/1.1 200 OK\nserver: cloudflare\n\n", 80), "http|cloudflare|||");
  EXPECT_EQ(identify("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 80), "http||||");
  // A Server header after the blank line is body, not a header.
  EXPECT_EQ(identify("HTTP/1.1 200 OK\r\nA: b\r\n\r\nServer: fake/1.0\r\n", 80), "http||||");
  EXPECT_EQ(identify("HTTP/ 200 OK\r\n", 80), "||||");
}

TEST(IdentifyService, HttpBannerKeepsOnlyTheHead) {
  std::string_view reply = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<html>body</html>";
  EXPECT_EQ(identify_service(reply, 80, false).banner, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  // Without the end of the headers (capped read) the bytes are kept as they came.
  std::string_view capped = "HTTP/1.1 200 OK\r\nServer: ngi";
  EXPECT_EQ(identify_service(capped, 80, false).banner, capped);
}

// A TLS 1.3 ServerHello (supported_versions 0x0304, X25519 key share) and a
// TLS 1.2 one (no supported_versions), as answers to our ClientHello.
constexpr std::string_view kServerHello13 =
    "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
    "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\x20\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f\x13\x01\x00\x00\x2e"
    "\x00\x2b\x00\x02\x03\x04\x00\x33\x00\x24\x00\x1d\x00\x20\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c"
    "\x4d\x4e\x4f\x50\x51\x52\x53\x54\x55\x56\x57\x58\x59\x5a\x5b\x5c\x5d\x5e\x5f"sv;
constexpr std::string_view kServerHello12 =
    "\x16\x03\x03\x00\x35\x02\x00\x00\x31\x03\x03\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
    "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\x00\xc0\x2f\x00\x00\x09\xff\x01\x00\x01\x00"
    "\x00\x17\x00\x00"sv;

TEST(IdentifyService, Tls) {
  EXPECT_EQ(identify(kServerHello13, 443, true), "https|||TLSv1.3|tls");
  EXPECT_EQ(identify(kServerHello12, 8443, true), "https|||TLSv1.2|tls");
  EXPECT_EQ(identify(kServerHello13, 993, true), "imaps|||TLSv1.3|tls");
  EXPECT_EQ(identify(kServerHello13, 5001, true), "ssl|||TLSv1.3|tls");
  // An HTTP port answering TLS is still "ssl": the name follows TLS ports only.
  EXPECT_EQ(identify(kServerHello13, 80, true), "ssl|||TLSv1.3|tls");
  EXPECT_EQ(identify("\x15\x03\x03\x00\x02\x02\x28"sv, 443, true), "https|||alert handshake_failure|tls");
  EXPECT_EQ(identify("\x15\x03\x01\x00\x02\x02\x46"sv, 4433, true), "ssl|||alert protocol_version|tls");
  // The ServerHello alone, cut mid-way (a capped read): still TLS, version unknown or legacy.
  EXPECT_EQ(identify(kServerHello13.substr(0, 20), 443, true), "https||||tls");
  EXPECT_EQ(identify(kServerHello13.substr(0, 5), 443, true), "https||||tls");
}

TEST(IdentifyService, TlsWithoutOurHelloNeedsAWholeRecord) {
  // An alert after our plaintext probe: a TLS server refusing plain text.
  EXPECT_EQ(identify("\x15\x03\x01\x00\x02\x02\x32"sv, 443, false), "https|||alert decode_error|tls");
  EXPECT_EQ(identify(kServerHello13, 443, false), "https|||TLSv1.3|tls");
  // Five bytes that look like a record header are not enough unprompted.
  EXPECT_EQ(identify("\x16\x03\x01\x00\x10\x01"sv, 443, false), "||||");
  EXPECT_EQ(identify("\x15\x03\x01\x00\x05\x02\x32"sv, 443, false), "||||");
}

TEST(IdentifyService, PlainTextAnswerToOurHelloIsNotTls) {
  // A plain HTTP server answers a ClientHello with 400; that is HTTP, not TLS.
  EXPECT_EQ(identify("HTTP/1.0 400 Bad request version\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n\r\n", 443, true),
            "http|SimpleHTTP|0.6|Python/3.11.2|");
  EXPECT_EQ(identify("SSH-2.0-OpenSSH_9.2p1\r\nInvalid SSH identification string.\r\n", 443, true),
            "ssh|OpenSSH|9.2p1|protocol 2.0|");
}

TEST(IdentifyService, UnknownBytesKeepTheBannerOnly) {
  ServiceIdentity identity = identify_service("hello\x00world\xff"sv, 4000, false);
  EXPECT_EQ(summary(identity), "||||");
  EXPECT_EQ(identity.banner, "hello\x00world\xff"sv);
  EXPECT_FALSE(identity.tls);
  EXPECT_EQ(summary(identify_service("", 22, true)), "||||");
  EXPECT_EQ(identify_service("", 22, true).banner, "");
}

TEST(IdentifyService, HostileBytesNeverReachTheFields) {
  std::string_view hostile = "SSH-2.0-Open\x1b]0;owned\x07SSH_9.2 \xe2\x80\xae\x9b\x00gnitset\x1b[2J\r\n"sv;
  ServiceIdentity identity = identify_service(hostile, 22, false);
  EXPECT_EQ(identity.banner, hostile);
  EXPECT_EQ(identity.service, "ssh");
  EXPECT_EQ(identity.product, "Open");  // cut at the ESC
  for (const std::string* field : {&identity.product, &identity.version, &identity.extra_info}) {
    EXPECT_TRUE(printable_ascii(*field)) << *field;
  }

  std::string_view header = "HTTP/1.1 200 OK\r\nServer: evil/1.0\x1b[31m (\xe2\x80\xae\x00x)\r\n\r\n"sv;
  ServiceIdentity http = identify_service(header, 80, false);
  EXPECT_EQ(summary(http), "http|evil|1.0||");
}

TEST(IdentifyService, OversizeInputIsBoundedInTheFields) {
  std::string huge =
      "SSH-2.0-" + std::string(1 << 20, 'A') + "_" + std::string(1000, '9') + " " + std::string(5000, 'c') + "\r\n";
  ServiceIdentity identity = identify_service(huge, 22, false);
  EXPECT_EQ(identity.banner.size(), huge.size());
  EXPECT_EQ(identity.service, "ssh");
  EXPECT_LE(identity.product.size(), 64u);
  EXPECT_LE(identity.version.size(), 64u);
  EXPECT_LE(identity.extra_info.size(), 128u);

  std::string server = "HTTP/1.1 200 OK\r\nServer: " + std::string(3000, 'n') + "/" + std::string(3000, '1') + " " +
                       std::string(3000, 'x') + "\r\n\r\n";
  ServiceIdentity http = identify_service(server, 80, false);
  EXPECT_EQ(http.service, "http");
  EXPECT_LE(http.product.size(), 64u);
  EXPECT_LE(http.version.size(), 64u);
  EXPECT_LE(http.extra_info.size(), 128u);

  std::string zeros(1 << 20, '\0');
  EXPECT_EQ(summary(identify_service(zeros, 3306, false)), "||||");
}

TEST(ProbeForPort, ChoosesByWhatThePortUsuallySpeaks) {
  ServiceProbe redis = probe_for_port(6379);
  EXPECT_TRUE(redis.payload.starts_with("PING\r\n"));
  EXPECT_TRUE(redis.without_greeting);
  EXPECT_FALSE(redis.tls);

  EXPECT_EQ(probe_for_port(80), (ServiceProbe{"HEAD / HTTP/1.0\r\n\r\n", false, true}));
  // Unknown ports first wait for a greeting, then get the generic HTTP probe.
  EXPECT_EQ(probe_for_port(40000), (ServiceProbe{"HEAD / HTTP/1.0\r\n\r\n", false, false}));
  EXPECT_EQ(probe_for_port(22), (ServiceProbe{"HEAD / HTTP/1.0\r\n\r\n", false, false}));

  ServiceProbe https = probe_for_port(443);
  EXPECT_EQ(https.payload, tls_client_hello());
  EXPECT_TRUE(https.tls);
  EXPECT_TRUE(https.without_greeting);
  EXPECT_TRUE(probe_for_port(993).tls);

  // Printers print what they receive.
  for (uint16_t port = 9100; port <= 9107; ++port) EXPECT_EQ(probe_for_port(port), ServiceProbe{}) << port;
  EXPECT_EQ(fallback_probe(9100), ServiceProbe{});
}

TEST(ProbeForPort, FallbackIsTheOtherKindOfProbe) {
  EXPECT_EQ(fallback_probe(40000), (ServiceProbe{tls_client_hello(), true, true}));
  EXPECT_EQ(fallback_probe(6379), (ServiceProbe{tls_client_hello(), true, true}));
  EXPECT_EQ(fallback_probe(443), (ServiceProbe{"HEAD / HTTP/1.0\r\n\r\n", false, true}));
}

uint32_t be(std::string_view bytes, size_t at, size_t width) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

// The ClientHello's nested lengths agree, and it offers TLS 1.3 and 1.2 with
// an X25519 key share: what a server needs to answer with a ServerHello.
TEST(TlsClientHello, IsAWellFormedRecord) {
  std::string_view hello = tls_client_hello();
  ASSERT_GE(hello.size(), 50u);
  EXPECT_EQ(be(hello, 0, 1), 0x16u);
  EXPECT_EQ(be(hello, 3, 2), hello.size() - 5);
  EXPECT_EQ(be(hello, 5, 1), 1u);  // client_hello
  EXPECT_EQ(be(hello, 6, 3), hello.size() - 9);
  EXPECT_EQ(be(hello, 9, 2), 0x0303u);
  size_t at = 11 + 32;
  at += 1 + be(hello, at, 1);
  at += 2 + be(hello, at, 2);  // cipher suites
  at += 1 + be(hello, at, 1);  // compression
  ASSERT_EQ(at + 2 + be(hello, at, 2), hello.size());
  bool versions = false, key_share = false;
  for (at += 2; at + 4 <= hello.size(); at += 4 + be(hello, at + 2, 2)) {
    uint32_t type = be(hello, at, 2);
    std::string_view body = hello.substr(at + 4, be(hello, at + 2, 2));
    if (type == 0x002b) versions = body == "\x04\x03\x04\x03\x03"sv;
    if (type == 0x0033) key_share = body.size() == 38 && be(body, 2, 2) == 0x001d && be(body, 4, 2) == 32;
  }
  EXPECT_EQ(at, hello.size());
  EXPECT_TRUE(versions);
  EXPECT_TRUE(key_share);
}

}  // namespace
}  // namespace portlens
