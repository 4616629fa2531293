// Service identification rules. Three tables do the work:
//
//   kPortHints  which protocol a port usually speaks, so it gets the right
//               first probe (and TLS on it gets the right name);
//   kRules      which reply shape means which service, tried in order — the
//               binary shapes (TLS records, MySQL packets) first, because a
//               text prefix could never match them anyway, and SMTP before
//               FTP because both greet with "220";
//   kProducts   which marker inside a recognised reply names the software,
//               and whether the version follows the marker.
//
// Everything looks at most at the first kAnalysisBytes of a reply and copies
// only printable ASCII into product/version/extra_info, so a hostile server
// can make a field wrong but never long and never a terminal escape.
// Example: "220 mail.example.org ESMTP Exim 4.96 Mon, 1 Jan 2024\r\n" on port
// 25 passes the SMTP rule (it says SMTP), then the product row
// {"smtp", "ESMTP Exim ", "Exim", version follows} gives Exim 4.96.

#include "scan/service_rules.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

namespace portlens {
namespace {

constexpr size_t kAnalysisBytes = 4096;  // greetings and headers are far shorter
constexpr size_t kGreetingBytes = 512;   // where a line protocol names its software
constexpr size_t kProductMax = 64, kVersionMax = 64, kExtraMax = 128;

constexpr std::string_view kHttpHead = "HEAD / HTTP/1.0\r\n\r\n";
constexpr std::string_view kRedisProbe = "PING\r\nINFO server\r\n";
constexpr std::string_view kMemcachedProbe = "version\r\n";

// --- what a port usually speaks --------------------------------------------

enum class PortKind : uint8_t { http, tls, redis, memcached, no_probe };

struct PortHint {
  uint16_t first, last;
  PortKind kind;
  std::string_view tls_service;  // the name for a TLS answer here
};

constexpr PortHint kPortHints[] = {
    {80, 81, PortKind::http, "ssl"},         {443, 443, PortKind::tls, "https"},
    {465, 465, PortKind::tls, "smtps"},      {591, 591, PortKind::http, "ssl"},
    {636, 636, PortKind::tls, "ldaps"},      {990, 990, PortKind::tls, "ftps"},
    {993, 993, PortKind::tls, "imaps"},      {995, 995, PortKind::tls, "pop3s"},
    {3000, 3000, PortKind::http, "ssl"},     {4443, 4443, PortKind::tls, "https"},
    {5000, 5000, PortKind::http, "ssl"},     {6379, 6380, PortKind::redis, "ssl"},
    {6697, 6697, PortKind::tls, "ircs"},     {8000, 8001, PortKind::http, "ssl"},
    {8008, 8008, PortKind::http, "ssl"},     {8080, 8081, PortKind::http, "ssl"},
    {8443, 8443, PortKind::tls, "https"},    {8888, 8888, PortKind::http, "ssl"},
    {9100, 9107, PortKind::no_probe, "ssl"}, {9443, 9443, PortKind::tls, "https"},
    {10443, 10443, PortKind::tls, "https"},  {11211, 11211, PortKind::memcached, "ssl"},
    {26379, 26379, PortKind::redis, "ssl"},
};

const PortHint* hint_for(uint16_t port) {
  for (const PortHint& hint : kPortHints) {
    if (port >= hint.first && port <= hint.last) return &hint;
  }
  return nullptr;
}

bool is_smtp_port(uint16_t port) { return port == 25 || port == 465 || port == 587 || port == 2525; }

// --- the ClientHello ---------------------------------------------------------

void put16(std::string& out, size_t value) {
  out += static_cast<char>((value >> 8) & 0xff);
  out += static_cast<char>(value & 0xff);
}

void put_extension(std::string& out, uint16_t type, const std::string& body) {
  put16(out, type);
  put16(out, body.size());
  out += body;
}

std::string list16(std::initializer_list<uint16_t> values) {
  std::string out;
  for (uint16_t value : values) put16(out, value);
  return out;
}

std::string with_length16(const std::string& body) {
  std::string out;
  put16(out, body.size());
  return out + body;
}

// Offers TLS 1.3 (with an X25519 key share, so a 1.3 server answers with a
// ServerHello at once) and 1.2 with the usual AEAD and CBC suites. The random
// and the key share are fixed: the handshake is never finished, so nothing
// secret depends on them, and a fixed probe is reproducible in captures.
std::string build_client_hello() {
  std::string body;
  put16(body, 0x0303);                                               // legacy_version TLS 1.2
  for (int i = 0; i < 32; ++i) body += static_cast<char>(0x70 + i);  // random
  body += '\0';                                                      // no session id
  body += with_length16(list16({0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                                0x009c, 0x009d, 0x002f, 0x0035}));
  body += std::string("\x01\x00", 2);  // compression: null only
  std::string extensions;
  put_extension(extensions, 0x000a, with_length16(list16({0x001d, 0x0017, 0x0018})));  // supported_groups
  put_extension(extensions, 0x000b, std::string("\x01\x00", 2));                       // ec_point_formats
  put_extension(extensions, 0x000d,                                                    // signature_algorithms
                with_length16(list16({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201})));
  put_extension(extensions, 0x0017, "");                                      // extended_master_secret
  put_extension(extensions, 0xff01, std::string(1, '\0'));                    // renegotiation_info (initial)
  put_extension(extensions, 0x002b, std::string("\x04\x03\x04\x03\x03", 5));  // supported_versions 1.3, 1.2
  std::string share = list16({0x001d, 32});
  for (int i = 0; i < 32; ++i) share += static_cast<char>(0x21 + 7 * i);
  put_extension(extensions, 0x0033, with_length16(share));  // key_share: X25519
  body += with_length16(extensions);
  std::string record("\x16\x03\x01", 3);  // handshake record; 1.0 in the record layer as browsers send
  put16(record, body.size() + 4);
  record += '\x01';  // client_hello
  record += '\0';    // 24-bit length; the body is far below 64 KiB
  put16(record, body.size());
  return record + body;
}

// --- field helpers -----------------------------------------------------------

bool is_printable(char c) { return c >= 0x20 && c <= 0x7e; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// The printable-ASCII start of `text`, trimmed of spaces, at most `max` bytes.
std::string clean(std::string_view text, size_t max) {
  size_t end = 0;
  while (end < text.size() && is_printable(text[end])) ++end;
  text = text.substr(0, end);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text.substr(0, max));
}

/// The leading run of printable non-space bytes, at most `max`.
std::string word(std::string_view text, size_t max) {
  size_t end = 0;
  while (end < text.size() && end < max && is_printable(text[end]) && text[end] != ' ') ++end;
  return std::string(text.substr(0, end));
}

/// A version number at the start of `text` ("9.2p1", "4.96", "1.3.8rc2"),
/// or empty when `text` does not start with a digit.
std::string version_at(std::string_view text) {
  if (text.empty() || !is_digit(text[0])) return {};
  auto part_of_version = [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '+' ||
           c == '~' || c == '-' || c == ':';
  };
  size_t end = 0;
  while (end < text.size() && end < kVersionMax && part_of_version(text[end])) ++end;
  return std::string(text.substr(0, end));
}

std::string_view first_line(std::string_view text) { return text.substr(0, text.find_first_of("\r\n")); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

/// Whether `needle` (lower case) occurs in `text`, ignoring ASCII case.
bool contains_ignoring_case(std::string_view text, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (starts_with_ignoring_case(text.substr(i), needle)) return true;
  }
  return false;
}

/// The text inside the first "(...)" of `line`, cleaned; empty when none.
std::string parenthesised(std::string_view line) {
  size_t open = line.find('(');
  if (open == std::string_view::npos) return {};
  size_t close = line.find(')', open);
  if (close == std::string_view::npos) return {};
  return clean(line.substr(open + 1, close - open - 1), kExtraMax);
}

uint16_t be16(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(bytes[at]) << 8) | static_cast<uint8_t>(bytes[at + 1]));
}
uint8_t byte_at(std::string_view bytes, size_t at) { return static_cast<uint8_t>(bytes[at]); }

// --- products ------------------------------------------------------------------

struct ProductRule {
  std::string_view service;
  std::string_view marker;  // a substring of the reply's product text
  std::string_view product;
  bool version_follows;  // the version is the token right after the marker
};

// More specific markers first: the first row whose marker occurs wins.
constexpr ProductRule kProducts[] = {
    {"ssh", "OpenSSH_for_Windows_", "OpenSSH for Windows", true},
    {"ssh", "OpenSSH_", "OpenSSH", true},
    {"ssh", "dropbear_", "Dropbear sshd", true},
    {"ssh", "libssh_", "libssh", true},
    {"ssh", "libssh2_", "libssh2", true},
    {"ssh", "Cisco-", "Cisco SSH", true},
    {"ftp", "vsFTPd ", "vsftpd", true},
    {"ftp", "ProFTPD ", "ProFTPD", true},
    {"ftp", "Pure-FTPd", "Pure-FTPd", false},
    {"ftp", "FileZilla Server ", "FileZilla ftpd", true},
    {"ftp", "Microsoft FTP Service", "Microsoft ftpd", false},
    {"smtp", "ESMTP Postfix", "Postfix", false},
    {"smtp", "ESMTP Exim ", "Exim", true},
    {"smtp", "ESMTP Sendmail ", "Sendmail", true},
    {"smtp", "ESMTP OpenSMTPD", "OpenSMTPD", false},
    {"smtp", "Microsoft ESMTP MAIL Service", "Microsoft ESMTP", false},
    {"pop3", "Dovecot", "Dovecot", false},
    {"imap", "Dovecot", "Dovecot", false},
    {"imap", "Courier-IMAP", "Courier imapd", false},
};

/// Fills product and version from the first kProducts row of `service` whose
/// marker occurs in `text`; returns where the text after the marker (and
/// version) begins, or npos when no row matched.
size_t name_product(std::string_view service, std::string_view text, ServiceIdentity& identity) {
  for (const ProductRule& rule : kProducts) {
    if (rule.service != service) continue;
    size_t at = text.find(rule.marker);
    if (at == std::string_view::npos) continue;
    identity.product = rule.product;
    size_t after = at + rule.marker.size();
    if (rule.version_follows) identity.version = version_at(text.substr(after));
    return after + identity.version.size();
  }
  return std::string_view::npos;
}

// --- the rules -------------------------------------------------------------------

struct Reply {
  std::string_view bytes;  // the first kAnalysisBytes
  uint16_t port;
  bool answers_hello;
};

std::string_view tls_version_name(uint16_t version) {
  switch (version) {
    case 0x0300:
      return "SSLv3";
    case 0x0301:
      return "TLSv1.0";
    case 0x0302:
      return "TLSv1.1";
    case 0x0303:
      return "TLSv1.2";
    case 0x0304:
      return "TLSv1.3";
    default:
      return {};
  }
}

std::string tls_alert_name(uint8_t description) {
  static constexpr std::pair<uint8_t, std::string_view> kNames[] = {
      {0, "close_notify"},
      {10, "unexpected_message"},
      {20, "bad_record_mac"},
      {40, "handshake_failure"},
      {42, "bad_certificate"},
      {47, "illegal_parameter"},
      {50, "decode_error"},
      {51, "decrypt_error"},
      {70, "protocol_version"},
      {71, "insufficient_security"},
      {80, "internal_error"},
      {86, "inappropriate_fallback"},
      {109, "missing_extension"},
      {110, "unsupported_extension"},
      {112, "unrecognized_name"},
      {116, "certificate_required"},
      {120, "no_application_protocol"},
  };
  for (auto [number, name] : kNames) {
    if (number == description) return "alert " + std::string(name);
  }
  return "alert " + std::to_string(description);
}

constexpr uint8_t kAlertRecord = 0x15, kHandshakeRecord = 0x16, kServerHello = 0x02;

bool accepts_tls(const Reply& reply) {
  std::string_view bytes = reply.bytes;
  if (bytes.size() < 5 || byte_at(bytes, 1) != 3 || byte_at(bytes, 2) > 4) return false;
  uint8_t type = byte_at(bytes, 0);
  size_t length = be16(bytes, 3);
  if ((type != kAlertRecord && type != kHandshakeRecord) || length == 0 || length > 16384 + 2048) return false;
  if (reply.answers_hello) return true;
  // Unprompted: only a whole alert, or a whole ServerHello message, counts.
  if (type == kAlertRecord) return length == 2 && bytes.size() >= 7;
  if (bytes.size() < 9 || byte_at(bytes, 5) != kServerHello) return false;
  size_t message = (size_t{byte_at(bytes, 6)} << 16) | be16(bytes, 7);
  return message + 4 <= length && bytes.size() >= 9 + message;
}

/// The version a ServerHello chose: supported_versions when present (TLS
/// 1.3 puts 1.2 in the legacy field), else the legacy field; 0 when the
/// message is cut short, since the legacy field alone may hide TLS 1.3.
uint16_t server_hello_version(std::string_view bytes) {
  if (bytes.size() < 11 || byte_at(bytes, 5) != kServerHello) return 0;
  size_t end = 9 + ((size_t{byte_at(bytes, 6)} << 16) | be16(bytes, 7));
  if (end > bytes.size()) return 0;
  uint16_t legacy = be16(bytes, 9);
  size_t at = 11 + 32;  // past the random
  if (at >= end) return 0;
  at += 1 + byte_at(bytes, at) + 2 + 1;  // session id, cipher suite, compression
  if (at == end) return legacy;          // no extensions at all: a TLS 1.2 (or older) server
  if (at + 2 > end) return 0;
  size_t extensions_end = std::min(end, at + 2 + be16(bytes, at));
  for (at += 2; at + 4 <= extensions_end;) {
    uint16_t type = be16(bytes, at), size = be16(bytes, at + 2);
    if (type == 0x002b && size == 2 && at + 6 <= extensions_end) return be16(bytes, at + 4);
    at += 4 + size;
  }
  return legacy;
}

void describe_tls(const Reply& reply, ServiceIdentity& identity) {
  identity.tls = true;
  const PortHint* hint = hint_for(reply.port);
  identity.service = hint != nullptr && hint->kind == PortKind::tls ? hint->tls_service : "ssl";
  if (byte_at(reply.bytes, 0) == kAlertRecord) {
    if (reply.bytes.size() >= 7) identity.extra_info = tls_alert_name(byte_at(reply.bytes, 6));
    return;
  }
  identity.extra_info = tls_version_name(server_hello_version(reply.bytes));
}

// MySQL and MariaDB greet with a handshake packet: 3-byte little-endian
// length, sequence 0, protocol 10, then the NUL-terminated server version.
// A refused client gets an error packet instead: 0xff and a 2-byte code.
constexpr uint16_t kMysqlRefusals[] = {1040, 1129, 1130};  // too many connections, blocked, not allowed

size_t mysql_packet_length(std::string_view bytes) {
  return byte_at(bytes, 0) | (size_t{byte_at(bytes, 1)} << 8) | (size_t{byte_at(bytes, 2)} << 16);
}

bool accepts_mysql(const Reply& reply) {
  std::string_view bytes = reply.bytes;
  if (bytes.size() < 7 || byte_at(bytes, 3) != 0) return false;
  size_t length = mysql_packet_length(bytes);
  if (byte_at(bytes, 4) == 0xff) {
    uint16_t code = static_cast<uint16_t>(byte_at(bytes, 5) | (byte_at(bytes, 6) << 8));
    return length >= 3 && length <= 1024 && std::ranges::find(kMysqlRefusals, code) != std::end(kMysqlRefusals);
  }
  if (byte_at(bytes, 4) != 10 || length < 20 || length > 1024) return false;
  size_t nul = bytes.find('\0', 5);
  if (nul == std::string_view::npos || nul == 5 || nul - 4 >= length || !is_digit(bytes[5])) return false;
  for (size_t i = 5; i < nul; ++i) {
    if (!is_printable(bytes[i])) return false;
  }
  return true;
}

void describe_mysql(const Reply& reply, ServiceIdentity& identity) {
  std::string_view bytes = reply.bytes;
  if (byte_at(bytes, 4) == 0xff) {
    std::string_view message = bytes.substr(7, mysql_packet_length(bytes) - 3);
    identity.product = message.find("MariaDB") != std::string_view::npos ? "MariaDB" : "MySQL";
    uint16_t code = static_cast<uint16_t>(byte_at(bytes, 5) | (byte_at(bytes, 6) << 8));
    identity.extra_info = code == 1040 ? "too many connections" : code == 1129 ? "host blocked" : "unauthorized";
    return;
  }
  std::string_view version = bytes.substr(5, bytes.find('\0', 5) - 5);
  // MariaDB prefixes "5.5.5-" so that old clients accept it: "5.5.5-10.11.6-MariaDB-0+deb12u1".
  if (size_t maria = version.find("-MariaDB"); maria != std::string_view::npos) {
    identity.product = "MariaDB";
    std::string_view tail = version.substr(maria + 8);
    version = version.substr(0, maria);
    if (version.starts_with("5.5.5-")) version.remove_prefix(6);
    if (tail.starts_with("-")) identity.extra_info = clean(tail.substr(1), kExtraMax);
  } else {
    identity.product = "MySQL";
    if (size_t dash = version.find('-'); dash != std::string_view::npos) {
      identity.extra_info = clean(version.substr(dash + 1), kExtraMax);
      version = version.substr(0, dash);
    }
  }
  identity.version = clean(version, kVersionMax);
}

// "SSH-protoversion-softwareversion SP comments CR LF" (RFC 4253 4.2).
void describe_ssh(const Reply& reply, ServiceIdentity& identity) {
  std::string_view line = first_line(reply.bytes).substr(4);
  size_t dash = line.find('-');
  std::string protocol = version_at(line.substr(0, dash));
  if (dash == std::string_view::npos) return;
  std::string software = word(line.substr(dash + 1), kAnalysisBytes);
  std::string_view rest = line.substr(dash + 1 + software.size());
  std::string comments = rest.starts_with(" ") ? clean(rest, kExtraMax) : std::string();
  if (name_product("ssh", software, identity) == std::string_view::npos) {
    size_t underscore = software.find('_');
    identity.product = software.substr(0, std::min(underscore, kProductMax));
    if (underscore != std::string::npos)
      identity.version = version_at(std::string_view(software).substr(underscore + 1));
  }
  if (!protocol.empty()) comments += (comments.empty() ? "" : "; ") + ("protocol " + protocol);
  identity.extra_info = comments.substr(0, kExtraMax);
}

// FTP, SMTP, POP3, IMAP: the software names itself somewhere in the greeting,
// often with the distribution in parentheses after it.
void describe_greeting(const Reply& reply, ServiceIdentity& identity) {
  std::string_view greeting = reply.bytes.substr(0, kGreetingBytes);
  size_t after = name_product(identity.service, greeting, identity);
  if (after == std::string_view::npos) return;
  identity.extra_info = parenthesised(first_line(greeting.substr(after)));
}

bool says_ftp(std::string_view greeting) { return contains_ignoring_case(greeting, "ftp"); }

bool accepts_smtp(const Reply& reply) {
  std::string_view greeting = reply.bytes.substr(0, kGreetingBytes);
  if (greeting.size() < 4 || (greeting[3] != ' ' && greeting[3] != '-') || says_ftp(greeting)) return false;
  return contains_ignoring_case(greeting, "smtp") || is_smtp_port(reply.port);
}

// Any other "220 " greeting is taken for FTP: the other 220-greeters are SMTP,
// which says so, and nothing else common greets with 220.
bool accepts_ftp(const Reply& reply) {
  return reply.bytes.size() >= 4 && (reply.bytes[3] == ' ' || reply.bytes[3] == '-');
}

/// The value of the first header named `name` (lower case, with ':'), or npos-empty.
std::string_view header_value(std::string_view head, std::string_view name) {
  for (size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at + 1)) {
    std::string_view line = first_line(head.substr(at + 1));
    if (line.empty()) break;  // the blank line ends the headers
    if (starts_with_ignoring_case(line, name)) return line.substr(name.size());
  }
  return {};
}

bool accepts_http(const Reply& reply) { return reply.bytes.size() > 5 && is_digit(reply.bytes[5]); }

// "Server: SimpleHTTP/0.6 Python/3.11.2": product/version from the first
// token, the rest (parentheses dropped) as extra_info.
void describe_http(const Reply& reply, ServiceIdentity& identity) {
  for (std::string_view end : {"\r\n\r\n", "\n\n"}) {
    if (size_t at = reply.bytes.find(end); at != std::string_view::npos) {
      identity.banner.resize(at + end.size());
      break;
    }
  }
  std::string server = clean(header_value(reply.bytes, "server:"), kAnalysisBytes);
  std::string_view token = std::string_view(server).substr(0, server.find(' '));
  size_t slash = token.find('/');
  identity.product = token.substr(0, std::min(slash, kProductMax));
  if (slash != std::string_view::npos) identity.version = version_at(token.substr(slash + 1));
  std::string_view rest = std::string_view(server).substr(token.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.size() >= 2 && rest.front() == '(' && rest.back() == ')') rest = rest.substr(1, rest.size() - 2);
  identity.extra_info = clean(rest, kExtraMax);
}

void describe_redis(const Reply& reply, ServiceIdentity& identity) {
  identity.product = "Redis";
  if (size_t at = reply.bytes.find("redis_version:"); at != std::string_view::npos) {
    identity.version = version_at(reply.bytes.substr(at + 14));
  }
  if (reply.bytes.starts_with("-NOAUTH")) identity.extra_info = "password required";
  if (reply.bytes.starts_with("-DENIED")) identity.extra_info = "protected mode";
}

void describe_memcached(const Reply& reply, ServiceIdentity& identity) {
  identity.product = "memcached";
  identity.version = version_at(reply.bytes.substr(8));
}

struct ReplyRule {
  std::string_view service;
  std::string_view prefix;        // the reply starts with these bytes
  bool (*accepts)(const Reply&);  // a further condition; null = the prefix suffices
  void (*describe)(const Reply&, ServiceIdentity&);
};

constexpr ReplyRule kRules[] = {
    {"ssl", "", accepts_tls, describe_tls},
    {"mysql", "", accepts_mysql, describe_mysql},
    {"ssh", "SSH-", nullptr, describe_ssh},
    {"http", "HTTP/", accepts_http, describe_http},
    {"redis", "+PONG", nullptr, describe_redis},
    {"redis", "-NOAUTH", nullptr, describe_redis},
    {"redis", "-DENIED", nullptr, describe_redis},
    {"memcached", "VERSION ", nullptr, describe_memcached},
    {"pop3", "+OK", nullptr, describe_greeting},
    {"imap", "* OK", nullptr, describe_greeting},
    {"imap", "* PREAUTH", nullptr, describe_greeting},
    {"smtp", "220", accepts_smtp, describe_greeting},
    {"ftp", "220", accepts_ftp, describe_greeting},
};

}  // namespace

ServiceProbe probe_for_port(uint16_t port) {
  const PortHint* hint = hint_for(port);
  if (hint == nullptr) return {kHttpHead, false, false};
  switch (hint->kind) {
    case PortKind::http:
      return {kHttpHead, false, true};
    case PortKind::tls:
      return {tls_client_hello(), true, true};
    case PortKind::redis:
      return {kRedisProbe, false, true};
    case PortKind::memcached:
      return {kMemcachedProbe, false, true};
    case PortKind::no_probe:
      return {};
  }
  return {};
}

ServiceProbe fallback_probe(uint16_t port) {
  ServiceProbe first = probe_for_port(port);
  if (first.payload.empty()) return {};
  if (first.tls) return {kHttpHead, false, true};
  return {tls_client_hello(), true, true};
}

std::string_view tls_client_hello() {
  static const std::string hello = build_client_hello();  // built once, thread-safe
  return hello;
}

ServiceIdentity identify_service(std::string_view reply, uint16_t port, bool tls) {
  ServiceIdentity identity;
  identity.banner.assign(reply);
  Reply view{reply.substr(0, kAnalysisBytes), port, tls};
  if (view.bytes.empty()) return identity;
  for (const ReplyRule& rule : kRules) {
    if (!view.bytes.starts_with(rule.prefix) || (rule.accepts != nullptr && !rule.accepts(view))) continue;
    identity.service = rule.service;
    rule.describe(view, identity);
    break;
  }
  return identity;
}

}  // namespace portlens
