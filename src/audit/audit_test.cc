#include "audit/audit.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace portlens {
namespace {

using firewall::Exposure;

TEST(Audit, SeverityFollowsExposure) {
  EXPECT_EQ(severity_for(Risk::high, Exposure::exposed), Risk::high);
  EXPECT_EQ(severity_for(Risk::high, Exposure::restricted), Risk::medium);
  EXPECT_EQ(severity_for(Risk::high, Exposure::unknown), Risk::medium);
  EXPECT_EQ(severity_for(Risk::high, Exposure::blocked), Risk::low);
  EXPECT_EQ(severity_for(Risk::high, Exposure::local_only), Risk::info);
  EXPECT_EQ(severity_for(Risk::critical, Exposure::restricted), Risk::high);
  EXPECT_EQ(severity_for(Risk::low, Exposure::restricted), Risk::low);
  EXPECT_EQ(severity_for(Risk::info, Exposure::blocked), Risk::info);
}

TEST(Audit, ProcessAnomalies) {
  ProcessInfo redis{1, "redis-server", 0, "redis", "/usr/bin/redis-server", "/usr/bin/redis-check-rdb"};
  EXPECT_FALSE(executable_deleted(redis));
  EXPECT_FALSE(executable_in_writable_place(redis));
  ProcessInfo dropped{2, "x", 0, "root", "", "/tmp/.x/x (deleted)"};
  EXPECT_TRUE(executable_deleted(dropped));
  EXPECT_TRUE(executable_in_writable_place(dropped));
  ProcessInfo shm{3, "kworker", 0, "root", "", "/dev/shm/k"};
  EXPECT_TRUE(executable_in_writable_place(shm));
  EXPECT_TRUE(name_mismatch(shm));
  // comm is cut at 15 bytes.
  ProcessInfo long_name{4, "systemd-resolve", 0, "root", "", "/usr/lib/systemd/systemd-resolved"};
  EXPECT_FALSE(name_mismatch(long_name));
  // An interpreter is named after its script, not after itself.
  ProcessInfo script{5, "myserver", 0, "root", "/usr/bin/python3 /opt/app/myserver --port 1", "/usr/bin/python3.11"};
  EXPECT_FALSE(name_mismatch(script));
  ProcessInfo renamed{6, "sshd", 0, "root", "/usr/bin/python3 -c pass", "/usr/bin/python3.11"};
  EXPECT_TRUE(name_mismatch(renamed));
  // argv[0] proves nothing: a process sets it as freely as its name.
  ProcessInfo faked{7, "sshd", 0, "root", "sshd: root@pts/0", "/var/lib/x/miner"};
  EXPECT_TRUE(name_mismatch(faked));
  // Unreadable executable (not root): no opinion.
  ProcessInfo hidden{8, "anything", 0, "root", "", ""};
  EXPECT_FALSE(name_mismatch(hidden));
}

SocketRecord listening(const char* address, uint16_t port, Protocol protocol = Protocol::tcp) {
  SocketRecord socket;
  socket.protocol = protocol;
  socket.state = protocol == Protocol::tcp ? SocketState::listen : SocketState::close;
  socket.family = std::string_view(address).find(':') == std::string_view::npos ? AddressFamily::ipv4
                                                                               : AddressFamily::ipv6;
  inet_pton(socket.family == AddressFamily::ipv4 ? AF_INET : AF_INET6, address, socket.local.address.data());
  socket.local.port = port;
  return socket;
}

TEST(Audit, ExposureOfBindAddresses) {
  firewall::Ruleset none;
  EXPECT_EQ(judge_exposure(listening("127.0.0.1", 6379), none, true).exposure, Exposure::local_only);
  EXPECT_EQ(judge_exposure(listening("::1", 6379), none, true).exposure, Exposure::local_only);
  EXPECT_EQ(judge_exposure(listening("0.0.0.0", 6379), none, true).exposure, Exposure::exposed);
  EXPECT_EQ(judge_exposure(listening("0.0.0.0", 6379), none, false).exposure, Exposure::unknown);
  EXPECT_EQ(judge_exposure(listening("127.0.0.1", 6379), none, false).exposure, Exposure::local_only);
  // An IPv6 wildcard socket also takes IPv4: an ip6-only drop does not hide it.
  firewall::Chain input{"input", {{{}, firewall::Action::drop, {}, "drop", 1}}, firewall::Hook::input, 0, "filter",
                        firewall::Action::accept};
  firewall::Ruleset v6_drop{{firewall::Table{firewall::Backend::nftables, "ip6", "f", {input}}}};
  EXPECT_EQ(judge_exposure(listening("::", 80), v6_drop, true).exposure, Exposure::exposed);
  EXPECT_EQ(judge_exposure(listening("2001:db8::1", 80), v6_drop, true).exposure, Exposure::blocked);
  // Bound to ::ffff:a.b.c.d: only IPv4 packets arrive, so the ip6 rules do not apply.
  EXPECT_EQ(judge_exposure(listening("::ffff:192.0.2.1", 80), v6_drop, true).exposure, Exposure::exposed);
}

TEST(Audit, FindingsFromKnowledgeAndExposure) {
  KnowledgeBase base;
  auto make = [&](const char* address, uint16_t port, Exposure exposure, Protocol protocol = Protocol::tcp) {
    AuditListener listener;
    listener.socket = listening(address, port, protocol);
    listener.verdict.exposure = exposure;
    auto note = base.quick_note(port, protocol);
    listener.service = std::string(note.service);
    return listener;
  };
  std::vector<AuditListener> listeners{make("0.0.0.0", 6379, Exposure::exposed),
                                       make("0.0.0.0", 6379, Exposure::blocked),
                                       make("0.0.0.0", 445, Exposure::exposed),
                                       make("0.0.0.0", 12345, Exposure::restricted),
                                       make("0.0.0.0", 22, Exposure::exposed),
                                       make("0.0.0.0", 51515, Exposure::exposed, Protocol::udp),
                                       make("0.0.0.0", 29999, Exposure::blocked)};
  FirewallFacts facts{true, true, true, {"nftables"}};
  auto findings = judge(listeners, facts, base);
  auto find = [&](int index) -> const Finding* {
    for (const Finding& f : findings) {
      if (f.listener == index) return &f;
    }
    return nullptr;
  };
  ASSERT_TRUE(find(0));
  EXPECT_EQ(find(0)->id, "PL-EXPOSED-DATABASE");
  EXPECT_EQ(find(0)->severity, Risk::high);
  ASSERT_TRUE(find(1));
  EXPECT_EQ(find(1)->severity, Risk::low);
  ASSERT_TRUE(find(2));
  EXPECT_EQ(find(2)->id, "PL-FILE-SHARING");
  EXPECT_EQ(find(2)->severity, Risk::high);
  ASSERT_TRUE(find(3));
  EXPECT_EQ(find(3)->id, "PL-MALWARE-PORT");
  EXPECT_EQ(find(3)->severity, Risk::high);
  EXPECT_FALSE(find(4)) << "ssh is medium risk: no finding";
  EXPECT_FALSE(find(5)) << "an ephemeral UDP port is a client's";
  EXPECT_FALSE(find(6)) << "unknown but blocked: nothing to say";
  EXPECT_EQ(findings.front().severity, Risk::high);
  for (const Finding& f : findings) EXPECT_NE(f.id, "PL-NO-FIREWALL");
  facts.filters_ipv4 = facts.filters_ipv6 = false;
  auto open = judge(listeners, facts, base);
  EXPECT_TRUE(std::any_of(open.begin(), open.end(), [](const Finding& f) { return f.id == "PL-NO-FIREWALL"; }));
}

}  // namespace
}  // namespace portlens
