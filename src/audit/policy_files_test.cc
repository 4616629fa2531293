#include "audit/policy_files.h"

#include <gtest/gtest.h>

namespace portlens {
namespace {

TEST(AuditPolicyFiles, AllowFileFields) {
  auto allowances = parse_allow_file(R"(
[[allow]]
id = "PL-EXPOSED-DATABASE"
port = 6379
proto = "tcp"
process = "redis-server"
reason = "副本。replica"
expires = 2027-01-31

[[allow]]
process = "sshd"
reason = "bastion"
)",
                                     "allow.toml");
  ASSERT_TRUE(allowances.ok()) << allowances.error().msgid;
  ASSERT_EQ(allowances->size(), 2u);
  const Allowance& first = (*allowances)[0];
  EXPECT_EQ(first.id, "PL-EXPOSED-DATABASE");
  EXPECT_EQ(first.port, 6379);
  EXPECT_EQ(first.protocol, Protocol::tcp);
  EXPECT_EQ(first.process, "redis-server");
  EXPECT_EQ(first.reason, "副本。replica");
  ASSERT_TRUE(first.expires);
  EXPECT_EQ(date_text(*first.expires), "2027-01-31");
  EXPECT_EQ(first.line, 2u);
  EXPECT_FALSE((*allowances)[1].id);
  EXPECT_EQ((*allowances)[1].line, 10u);
}

Error allow_error(std::string_view text) {
  auto parsed = parse_allow_file(text, "a.toml");
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? Error{} : parsed.error();
}

TEST(AuditPolicyFiles, AllowFileErrorsNameFileAndLine) {
  Error no_reason = allow_error("[[allow]]\nport = 22\n");
  EXPECT_EQ(no_reason.msgid, "{}: an [[allow]] needs a reason");
  EXPECT_EQ(no_reason.args.at(0), "a.toml:1:1");
  EXPECT_EQ(allow_error("[[allow]]\nreason = \"x\"\n").msgid,
            "{}: an [[allow]] needs at least one of id, port and process");
  Error port = allow_error("[[allow]]\nreason = \"x\"\nport = 70000\n");
  EXPECT_EQ(port.msgid, "{}: port must be a number from 0 to 65535");
  EXPECT_EQ(port.args.at(0), "a.toml:3:8");
  EXPECT_EQ(allow_error("[[allow]]\nreason = \"x\"\nport = 1\nproto = \"icmp\"\n").args.at(1), "icmp");
  EXPECT_EQ(allow_error("[[allow]]\nreason = \"x\"\nport = 1\ncolour = 1\n").args.at(1), "colour");
  EXPECT_EQ(allow_error("[[allow]]\nreason = \"x\"\nport = 1\nexpires = \"soon\"\n").msgid,
            "{}: 'expires' must be a date such as 2027-01-31");
  EXPECT_EQ(allow_error("allow = 3\n").msgid, "{}: '{}' must be an array of tables ([[{}]])");
  EXPECT_EQ(allow_error("[[allow]\n").msgid, "{}: not valid TOML: {}");
  EXPECT_TRUE(parse_allow_file("# nothing accepted yet\n", "a.toml").ok());
}

TEST(AuditPolicyFiles, BaselineRoundTrip) {
  std::vector<BaselineItem> items{{"PL-MALWARE-PORT", Protocol::tcp, 31337, "evil \"x\"\x1b[2J"},
                                  {"PL-NO-FIREWALL", std::nullopt, 0, ""},
                                  {"PL-CLEARTEXT-LOGIN", Protocol::udp, 69, "in.tftpd", Risk::low},
                                  // Hand-written: a port without a protocol (the fuzzer's find).
                                  {"PL-MALWARE-PORT", std::nullopt, 31337, "socat"}};
  std::string text = write_baseline(items, {2026, 11, 29});
  EXPECT_NE(text.find("saved = 2026-11-29"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "control bytes are escaped";
  auto parsed = parse_baseline(text, "b.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().msgid;
  EXPECT_EQ(*parsed, items);
}

TEST(AuditPolicyFiles, BaselineErrors) {
  auto no_id = parse_baseline("version = 1\n[[finding]]\nport = 1\n", "b.toml");
  ASSERT_FALSE(no_id.ok());
  EXPECT_EQ(no_id.error().msgid, "{}: a [[finding]] needs an id");
  EXPECT_EQ(no_id.error().args.at(0), "b.toml:2:1");
  auto version = parse_baseline("version = 2\n", "b.toml");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().msgid, "{}: unsupported baseline version (this portlens reads version 1)");
}

TEST(AuditPolicyFiles, TomlQuote) {
  EXPECT_EQ(toml_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
  EXPECT_EQ(toml_quote("进程"), "\"进程\"");
}

}  // namespace
}  // namespace portlens
