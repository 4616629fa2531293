#include "net/port_spec.h"

#include <gtest/gtest.h>

namespace portlens {
namespace {

TEST(PortNumber, AcceptsTheWholeRange) {
  EXPECT_EQ(*parse_port_number("0"), 0);
  EXPECT_EQ(*parse_port_number("65535"), 65535);
  EXPECT_EQ(*parse_port_number("00022"), 22);
}

TEST(PortNumber, RejectsOutOfRangeWithoutOverflow) {
  EXPECT_FALSE(parse_port_number("65536").ok());
  EXPECT_FALSE(parse_port_number("99999999999999999999999").ok());
  EXPECT_EQ(parse_port_number("70000").error().args.at(0), "70000");
}

TEST(PortNumber, RejectsNonDigits) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "２２"}) {
    EXPECT_FALSE(parse_port_number(bad).ok()) << bad;
  }
}

TEST(PortItem, SinglePortRangeAndProtocol) {
  EXPECT_EQ(*parse_port_item("21"), (PortQuery{{21, 21}, kAnyProtocol}));
  EXPECT_EQ(*parse_port_item("137-139"), (PortQuery{{137, 139}, kAnyProtocol}));
  EXPECT_EQ(*parse_port_item("21/udp"), (PortQuery{{21, 21}, bit(Protocol::udp)}));
  EXPECT_EQ(*parse_port_item("6000-6063/TCP"), (PortQuery{{6000, 6063}, bit(Protocol::tcp)}));
}

TEST(PortItem, ErrorsNameTheBadPart) {
  auto bad_protocol = parse_port_item("22/xyz");
  ASSERT_FALSE(bad_protocol.ok());
  EXPECT_EQ(bad_protocol.error().args.at(0), "xyz");
  auto reversed = parse_port_item("139-137");
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().args.at(0), "139-137");
  auto too_big = parse_port_item("1-99999");
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().args.at(0), "99999");
  EXPECT_FALSE(parse_port_item("1-").ok());
  EXPECT_FALSE(parse_port_item("-5").ok());
  EXPECT_FALSE(parse_port_item("1-2-3").ok());
  EXPECT_FALSE(parse_port_item("22/").ok());
}

TEST(PortList, CommaSeparated) {
  auto list = parse_port_list("21,22, 23,100-102/udp");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[3], (PortQuery{{100, 102}, bit(Protocol::udp)}));
}

TEST(PortList, RejectsEmptyListAndEmptyItems) {
  EXPECT_FALSE(parse_port_list("").ok());
  EXPECT_FALSE(parse_port_list("   ").ok());
  EXPECT_FALSE(parse_port_list("21,,22").ok());
  EXPECT_FALSE(parse_port_list("21,").ok());
}

TEST(PortList, LooksLikePortSpec) {
  EXPECT_TRUE(looks_like_port_spec("21"));
  EXPECT_TRUE(looks_like_port_spec("7000x"));
  EXPECT_TRUE(looks_like_port_spec("-1"));
  EXPECT_TRUE(looks_like_port_spec("22/xyz"));
  EXPECT_FALSE(looks_like_port_spec("ftp"));
  EXPECT_FALSE(looks_like_port_spec("back orifice"));
  EXPECT_FALSE(looks_like_port_spec("冰河"));
}

TEST(Protocol, NamesAndSets) {
  EXPECT_EQ(parse_protocol("UDP"), Protocol::udp);
  EXPECT_FALSE(parse_protocol("icmp").has_value());
  EXPECT_EQ(protocol_set_name(bit(Protocol::tcp) | bit(Protocol::sctp)), "tcp/sctp");
  EXPECT_EQ(protocol_set_name(0), "");
}

}  // namespace
}  // namespace portlens
