#include "inventory/socket_record.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>

namespace portlens {
namespace {

std::array<uint8_t, 16> ipv6(const char* text) {
  std::array<uint8_t, 16> address{};
  EXPECT_EQ(inet_pton(AF_INET6, text, address.data()), 1) << text;
  return address;
}

std::array<uint8_t, 16> ipv4(const char* text) {
  std::array<uint8_t, 16> address{};
  EXPECT_EQ(inet_pton(AF_INET, text, address.data()), 1) << text;
  return address;
}

TEST(AddressText, Ipv4ByHandMatchesInetNtop) {
  for (std::array<uint8_t, 4> bytes : {std::array<uint8_t, 4>{0, 0, 0, 0}, {127, 0, 0, 1}, {255, 255, 255, 255},
                                       {10, 100, 9, 199}, {192, 0, 2, 7}}) {
    std::array<uint8_t, 16> address{};
    std::copy(bytes.begin(), bytes.end(), address.begin());
    char expected[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, bytes.data(), expected, sizeof expected);
    EXPECT_EQ(address_text(AddressFamily::ipv4, address), expected);
  }
}

TEST(SocketRecord, StateNamesAreSsNames) {
  EXPECT_EQ(state_name(SocketState::established), "estab");
  EXPECT_EQ(state_name(SocketState::syn_sent), "syn-sent");
  EXPECT_EQ(state_name(SocketState::syn_recv), "syn-recv");
  EXPECT_EQ(state_name(SocketState::fin_wait1), "fin-wait-1");
  EXPECT_EQ(state_name(SocketState::fin_wait2), "fin-wait-2");
  EXPECT_EQ(state_name(SocketState::time_wait), "time-wait");
  EXPECT_EQ(state_name(SocketState::close), "unconn");
  EXPECT_EQ(state_name(SocketState::close_wait), "close-wait");
  EXPECT_EQ(state_name(SocketState::last_ack), "last-ack");
  EXPECT_EQ(state_name(SocketState::listen), "listen");
  EXPECT_EQ(state_name(SocketState::closing), "closing");
  EXPECT_EQ(state_name(SocketState::new_syn_recv), "syn-recv");
}

TEST(SocketRecord, StateNamesParseBack) {
  for (int number = 1; number <= 11; ++number) {
    auto state = static_cast<SocketState>(number);
    EXPECT_EQ(parse_state_name(state_name(state)), state) << number;
  }
  EXPECT_EQ(parse_state_name("close"), SocketState::close);
  EXPECT_EQ(parse_state_name("listening"), SocketState::listen);
  EXPECT_EQ(parse_state_name("established"), SocketState::established);
  EXPECT_EQ(parse_state_name("LISTEN"), std::nullopt);
  EXPECT_EQ(parse_state_name(""), std::nullopt);
}

TEST(SocketRecord, AddressTextIsInetNtopForm) {
  EXPECT_EQ(address_text(AddressFamily::ipv4, ipv4("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(address_text(AddressFamily::ipv4, {}), "0.0.0.0");
  EXPECT_EQ(address_text(AddressFamily::ipv6, {}), "::");
  EXPECT_EQ(address_text(AddressFamily::ipv6, ipv6("::1")), "::1");
  EXPECT_EQ(address_text(AddressFamily::ipv6, ipv6("FE80:0:0::1")), "fe80::1");
  EXPECT_EQ(address_text(AddressFamily::ipv6, ipv6("::ffff:127.0.0.1")), "::ffff:127.0.0.1");
}

TEST(SocketRecord, LoopbackCoversMappedAddresses) {
  EXPECT_TRUE(is_loopback(AddressFamily::ipv4, ipv4("127.0.0.1")));
  EXPECT_TRUE(is_loopback(AddressFamily::ipv4, ipv4("127.255.1.2")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv4, ipv4("128.0.0.1")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv4, ipv4("0.0.0.0")));
  EXPECT_TRUE(is_loopback(AddressFamily::ipv6, ipv6("::1")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv6, ipv6("::2")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv6, ipv6("::")));
  EXPECT_TRUE(is_loopback(AddressFamily::ipv6, ipv6("::ffff:127.0.0.1")));
  EXPECT_TRUE(is_loopback(AddressFamily::ipv6, ipv6("::ffff:127.1.2.3")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv6, ipv6("::ffff:10.0.0.1")));
  EXPECT_FALSE(is_loopback(AddressFamily::ipv6, ipv6("::127.0.0.1")));  // v4-compatible, not mapped
  EXPECT_FALSE(is_loopback(AddressFamily::ipv6, ipv6("fe80::1")));
}

TEST(SocketRecord, WildcardIsAllZeroForTheFamily) {
  EXPECT_TRUE(is_wildcard(AddressFamily::ipv4, {}));
  EXPECT_TRUE(is_wildcard(AddressFamily::ipv6, {}));
  EXPECT_FALSE(is_wildcard(AddressFamily::ipv4, ipv4("127.0.0.1")));
  EXPECT_FALSE(is_wildcard(AddressFamily::ipv6, ipv6("::1")));
  EXPECT_FALSE(is_wildcard(AddressFamily::ipv6, ipv6("::ffff:0.0.0.0")));
  // IPv4 looks at its four bytes only.
  std::array<uint8_t, 16> stray{};
  stray[15] = 1;
  EXPECT_TRUE(is_wildcard(AddressFamily::ipv4, stray));
}

TEST(SocketRecord, V4MappedAddresses) {
  EXPECT_TRUE(is_v4_mapped(AddressFamily::ipv6, ipv6("::ffff:192.0.2.1")));
  EXPECT_FALSE(is_v4_mapped(AddressFamily::ipv6, ipv6("::192.0.2.1")));
  EXPECT_FALSE(is_v4_mapped(AddressFamily::ipv6, ipv6("::1")));
  EXPECT_FALSE(is_v4_mapped(AddressFamily::ipv4, ipv4("0.0.0.0")));
}

}  // namespace
}  // namespace portlens
