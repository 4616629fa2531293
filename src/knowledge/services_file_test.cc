#include "knowledge/services_file.h"

#include <gtest/gtest.h>

namespace portlens {
namespace {

TEST(ServicesFile, ParsesEtcServicesLines) {
  auto file = parse_services_file(
      "# comment\n"
      "\n"
      "ftp\t\t21/tcp\n"
      "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
      "domain\t\t53/udp\n"
      "kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\n");
  ASSERT_EQ(file.services.size(), 4u);
  EXPECT_TRUE(file.skipped.empty());
  EXPECT_EQ(file.services[1].name, "ssh");
  EXPECT_EQ(file.services[1].comment, "SSH Remote Login Protocol");
  EXPECT_EQ(file.services[2].protocols, bit(Protocol::udp));
  EXPECT_EQ(file.services[3].aliases, (std::vector<std::string>{"kerberos5", "krb5", "kerberos-sec"}));
}

TEST(ServicesFile, ParsesIanaCopyWithSeveralProtocolsAndBlocks) {
  auto file = parse_services_file(
      "discard\t\t9/tcp/udp/sctp/dccp\t# Discard\n"
      "x11\t\t6000-6063/tcp/udp\t# X Window System\n");
  ASSERT_EQ(file.services.size(), 2u);
  EXPECT_EQ(file.services[0].protocols, bit(Protocol::tcp) | bit(Protocol::udp) | bit(Protocol::sctp));
  EXPECT_EQ(file.services[1].port, 6000);
  EXPECT_EQ(file.services[1].last_port, 6063);
}

TEST(ServicesFile, ReadsNmapFrequencyColumnAsNoAlias) {
  auto file = parse_services_file("ftp\t21/tcp\t0.197667\t# File Transfer [Control]\n");
  ASSERT_EQ(file.services.size(), 1u);
  EXPECT_TRUE(file.services[0].aliases.empty());
  EXPECT_EQ(file.services[0].comment, "File Transfer [Control]");
}

TEST(ServicesFile, SkipsMalformedLinesAndSaysWhich) {
  auto file = parse_services_file("ok 1/tcp\nbroken\nbad 70000/tcp\nddp-only 2/ddp\nalso 3/udp\n");
  EXPECT_EQ(file.services.size(), 2u);
  ASSERT_EQ(file.skipped.size(), 2u);
  EXPECT_EQ(file.skipped[0], "line 2: expected a name and port/protocol");
  EXPECT_EQ(file.skipped[1], "line 3: bad port number");
}

TEST(ServicesFile, StrictModeNamesFileAndLine) {
  auto result = parse_services_file_strict("ok 1/tcp\nbad x/tcp\n", "services");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().args.at(0), "services");
  EXPECT_EQ(result.error().args.at(1), "2");
}

TEST(ServicesFile, RejectsControlBytesInNames) {
  auto file = parse_services_file("b\x1b[31mad 1/tcp\n");
  EXPECT_TRUE(file.services.empty());
}

}  // namespace
}  // namespace portlens
