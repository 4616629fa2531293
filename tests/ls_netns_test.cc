// `portlens ls` against ground truth: a child process makes its own network
// namespace, opens a known set of sockets in it (listeners on v4/v6,
// loopback and wildcard, UDP, an established pair, a listener shared with a
// forked grandchild), and the test checks that ls reports exactly that set
// with the right owners, via netlink and via /proc, and agrees with ss.
// Nothing leaves the namespace; the children are killed and reaped.

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

std::string run_capture(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[65536];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  int status = pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::perror(what);
    _exit(3);
  }
}

void bring_loopback_up() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::strcpy(request.ifr_name, "lo");
  check(ioctl(fd, SIOCGIFFLAGS, &request) == 0, "SIOCGIFFLAGS");
  request.ifr_flags |= IFF_UP;
  check(ioctl(fd, SIOCSIFFLAGS, &request) == 0, "SIOCSIFFLAGS");
  close(fd);
}

int open_socket(int family, int type, const char* address, uint16_t port, bool listen_too) {
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  check(fd >= 0, "socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage storage{};
  socklen_t length;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    inet_pton(AF_INET, address, &in->sin_addr);
    length = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    inet_pton(AF_INET6, address, &in6->sin6_addr);
    length = sizeof *in6;
  }
  check(bind(fd, reinterpret_cast<sockaddr*>(&storage), length) == 0, "bind");
  if (listen_too) check(listen(fd, 16) == 0, "listen");
  return fd;
}

/// The child: a namespace with known sockets. Writes its grandchild's pid to
/// `ready` when everything is open, then sleeps until killed (at most 60 s).
[[noreturn]] void serve(int ready) {
  check(unshare(CLONE_NEWNET) == 0, "unshare");
  bring_loopback_up();
  int shared = open_socket(AF_INET, SOCK_STREAM, "0.0.0.0", 6379, true);
  int ssh = open_socket(AF_INET, SOCK_STREAM, "127.0.0.1", 22, true);
  open_socket(AF_INET6, SOCK_STREAM, "::", 80, true);
  open_socket(AF_INET6, SOCK_STREAM, "::1", 631, true);
  open_socket(AF_INET, SOCK_DGRAM, "0.0.0.0", 161, false);
  open_socket(AF_INET6, SOCK_DGRAM, "::", 5353, false);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(22);
  inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
  check(connect(client, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0, "connect");
  check(accept(ssh, nullptr, nullptr) >= 0, "accept");
  pid_t grandchild = fork();
  if (grandchild == 0) {  // keeps only the 6379 listener, under a hostile name
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != shared) close(fd);
    }
    prctl(PR_SET_NAME, "\x1b[2Jevil\x07");
    alarm(60);
    pause();
    _exit(0);
  }
  check(write(ready, &grandchild, sizeof grandchild) == sizeof grandchild, "write");
  alarm(60);
  pause();
  kill(grandchild, SIGKILL);
  _exit(0);
}

class NamespaceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for unshare(CLONE_NEWNET)";
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    child_ = fork();
    if (child_ == 0) {
      close(fds[0]);
      serve(fds[1]);
    }
    close(fds[1]);
    ASSERT_EQ(read(fds[0], &grandchild_, sizeof grandchild_), static_cast<ssize_t>(sizeof grandchild_))
        << "the namespace child failed to set up";
    close(fds[0]);
    netns_ = "/proc/" + std::to_string(child_) + "/ns/net";
  }
  void TearDown() override {
    if (grandchild_ > 0) kill(grandchild_, SIGKILL);
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
  }

  nlohmann::json ls(const std::string& extra, int* exit_code) const {
    std::string out = run_capture(std::string(PORTLENS_BINARY) + " ls --json --netns " + netns_ + " " + extra, exit_code);
    return nlohmann::json::parse(out, nullptr, false);
  }

  pid_t child_ = -1, grandchild_ = -1;
  std::string netns_;
};

using Key = std::tuple<std::string, std::string, std::string, int, std::string, int>;

std::set<Key> keys_of(const nlohmann::json& doc) {
  std::set<Key> keys;
  for (const auto& s : doc["sockets"]) {
    keys.insert(Key{s["proto"].get<std::string>(), s["state"].get<std::string>(),
                    s["local"]["addr"].get<std::string>(), s["local"]["port"].get<int>(),
                    s["remote"]["addr"].get<std::string>(), s["remote"]["port"].get<int>()});
  }
  return keys;
}

const nlohmann::json* find_socket(const nlohmann::json& doc, const std::string& proto, int port,
                                  const std::string& state) {
  for (const auto& s : doc["sockets"]) {
    if (s["proto"] == proto && s["local"]["port"] == port && s["state"] == state) return &s;
  }
  return nullptr;
}

TEST_F(NamespaceFixture, ListsExactlyTheSocketsOfTheNamespace) {
  int code = 0;
  auto doc = ls("", &code);
  ASSERT_EQ(code, 0);
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["sockets"].size(), 8u) << doc.dump(1);
  for (auto [proto, port, state, address] :
       {std::tuple{"tcp", 6379, "listen", "0.0.0.0"}, {"tcp", 22, "listen", "127.0.0.1"},
        {"tcp", 80, "listen", "::"}, {"tcp", 631, "listen", "::1"}, {"udp", 161, "unconn", "0.0.0.0"},
        {"udp", 5353, "unconn", "::"}, {"tcp", 22, "estab", "127.0.0.1"}}) {
    const auto* socket = find_socket(doc, proto, port, state);
    ASSERT_NE(socket, nullptr) << proto << " " << port << " " << state;
    EXPECT_EQ((*socket)["local"]["addr"], address);
    EXPECT_GE((*socket)["processes"].size(), 1u);
    EXPECT_EQ((*socket)["processes"][0]["pid"], child_);
  }
}

TEST_F(NamespaceFixture, SharedListenerListsBothOwners) {
  int code = 0;
  auto doc = ls("--sport 6379", &code);
  ASSERT_EQ(doc["sockets"].size(), 1u);
  auto processes = doc["sockets"][0]["processes"];
  ASSERT_EQ(processes.size(), 2u) << processes.dump();
  std::set<int> pids = {processes[0]["pid"].get<int>(), processes[1]["pid"].get<int>()};
  EXPECT_EQ(pids, (std::set<int>{child_, grandchild_}));
  EXPECT_EQ(doc["sockets"][0]["service"], "redis");
  EXPECT_EQ(doc["sockets"][0]["risk"], "critical");
}

TEST_F(NamespaceFixture, ProcSourceAgreesWithNetlink) {
  int code = 0;
  auto netlink = ls("", &code);
  auto proc = ls("--source proc", &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(keys_of(netlink), keys_of(proc));
  for (const auto& s : proc["sockets"]) EXPECT_FALSE(s["processes"].empty()) << s.dump();
}

TEST_F(NamespaceFixture, AgreesWithSs) {
  int code = 0;
  std::string ss = run_capture("nsenter --net=" + netns_ + " ss -tuanH 2>/dev/null", &code);
  if (code != 0) GTEST_SKIP() << "ss or nsenter unavailable";
  size_t lines = 0;
  for (char c : ss) lines += c == '\n';
  auto doc = ls("", &code);
  EXPECT_EQ(doc["sockets"].size(), lines) << ss;
  std::string ss_listen = run_capture("nsenter --net=" + netns_ + " ss -tlnH 2>/dev/null", &code);
  size_t ss_listeners = 0;
  for (char c : ss_listen) ss_listeners += c == '\n';
  auto listeners = ls("-t -l", &code);
  EXPECT_EQ(listeners["sockets"].size(), ss_listeners);
}

TEST_F(NamespaceFixture, FiltersSelectInTheKernelAndAfter) {
  int code = 0;
  EXPECT_EQ(ls("-l", &code)["sockets"].size(), 6u);
  EXPECT_EQ(ls("-t -l", &code)["sockets"].size(), 4u);
  EXPECT_EQ(ls("-u", &code)["sockets"].size(), 2u);
  EXPECT_EQ(ls("-4 -t", &code)["sockets"].size(), 4u);  // 6379, 22 listen, the estab pair
  EXPECT_EQ(ls("-6", &code)["sockets"].size(), 3u);
  EXPECT_EQ(ls("--state estab", &code)["sockets"].size(), 2u);
  EXPECT_EQ(ls("--port 22", &code)["sockets"].size(), 3u);
  EXPECT_EQ(ls("--dport 22", &code)["sockets"].size(), 1u);
  EXPECT_EQ(ls("--exposed", &code)["sockets"].size(), 4u);  // 6379, [::]:80, udp 161, udp 5353
  EXPECT_EQ(ls("--risk critical", &code)["sockets"].size(), 1u);
  EXPECT_EQ(ls("--pid " + std::to_string(grandchild_), &code)["sockets"].size(), 1u);
  auto no_owners = ls("--no-process", &code);
  EXPECT_EQ(no_owners["sockets"].size(), 8u);
  for (const auto& s : no_owners["sockets"]) EXPECT_TRUE(s["processes"].empty());
}

TEST_F(NamespaceFixture, ConnectionsAreNamedAfterTheServingPortWhateverTheFilter) {
  int code = 0;
  for (const char* filter : {"", "--state estab", "-4 --state estab", "-n"}) {
    auto doc = ls(filter, &code);
    int named = 0;
    for (const auto& s : doc["sockets"]) {
      if (s["state"] != "estab") continue;
      EXPECT_EQ(s["service_port"], 22) << filter << s.dump();  // both ends name the ssh port
      EXPECT_EQ(s["service"], "ssh") << filter;
      ++named;
    }
    EXPECT_EQ(named, 2) << filter;
  }
}

TEST_F(NamespaceFixture, HostileProcessNamesAreEscapedOnTheTerminalAndExactInJson) {
  int code = 0;
  std::string table = run_capture(std::string(PORTLENS_BINARY) + " ls --sport 6379 --netns " + netns_, &code);
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << "an escape byte reached the output";
  EXPECT_EQ(table.find('\x07'), std::string::npos);
  EXPECT_NE(table.find("\\x1b[2Jevil\\x07"), std::string::npos) << table;
  auto doc = ls("--sport 6379", &code);
  bool exact = false;
  for (const auto& process : doc["sockets"][0]["processes"]) exact |= process["name"] == "\x1b[2Jevil\x07";
  EXPECT_TRUE(exact) << doc.dump();
}

TEST_F(NamespaceFixture, ResolveNamesLoopbackFromTheHostsFile) {
  int code = 0;
  std::string table = run_capture(std::string(PORTLENS_BINARY) + " ls -r --sport 22 --netns " + netns_, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(table.find("localhost:22"), std::string::npos) << table;
  auto doc = ls("--resolve --sport 22 --state listen", &code);
  EXPECT_EQ(doc["sockets"][0]["local"]["name"], "localhost") << doc.dump();
  auto plain = ls("--sport 22 --state listen", &code);
  EXPECT_FALSE(plain["sockets"][0]["local"].contains("name"));
}

TEST_F(NamespaceFixture, TextTableAndSummary) {
  int code = 0;
  std::string table = run_capture(std::string(PORTLENS_BINARY) + " ls --netns " + netns_, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(table.find("*:6379"), std::string::npos) << table;
  EXPECT_NE(table.find("[::1]:631"), std::string::npos) << table;
  EXPECT_NE(table.find("redis"), std::string::npos);
  std::string summary = run_capture(std::string(PORTLENS_BINARY) + " ls --summary --json --netns " + netns_, &code);
  auto doc = nlohmann::json::parse(summary);
  EXPECT_EQ(doc["summary"]["total"], 8);
  EXPECT_EQ(doc["summary"]["by_state"]["listen"], 4);
}

// Thousands of sockets in a namespace of their own: every one listed, and
// the peak memory of the run stays far below what a per-socket leak would make.
TEST(LsScale, ThousandsOfSocketsCorrectAndBoundedMemory) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for unshare(CLONE_NEWNET)";
  constexpr int kListeners = 3000, kUdp = 1000;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    check(unshare(CLONE_NEWNET) == 0, "unshare");
    bring_loopback_up();
    rlimit limit{8192, 8192};
    setrlimit(RLIMIT_NOFILE, &limit);
    for (int i = 0; i < kListeners; ++i) open_socket(AF_INET, SOCK_STREAM, "127.0.0.1", static_cast<uint16_t>(20000 + i), true);
    for (int i = 0; i < kUdp; ++i) open_socket(AF_INET6, SOCK_DGRAM, "::1", static_cast<uint16_t>(30000 + i), false);
    char byte = 1;
    check(write(fds[1], &byte, 1) == 1, "write");
    alarm(60);
    pause();
    _exit(0);
  }
  close(fds[1]);
  char byte = 0;
  ASSERT_EQ(read(fds[0], &byte, 1), 1);
  close(fds[0]);
  std::string netns = "/proc/" + std::to_string(child) + "/ns/net";
  pid_t runner = fork();
  if (runner == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(PORTLENS_BINARY, PORTLENS_BINARY, "ls", "--json", "--netns", netns.c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(runner, &status, 0, &usage);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kMostKiB = 256 * 1024;  // ASan's shadow memory and quarantine
#else
  constexpr long kMostKiB = 64 * 1024;   // about 12 MiB is typical
#endif
  EXPECT_LT(usage.ru_maxrss, kMostKiB) << "KiB";
  int code = 0;
  auto doc = nlohmann::json::parse(
      run_capture(std::string(PORTLENS_BINARY) + " ls --json --netns " + netns, &code));
  EXPECT_EQ(doc["sockets"].size(), static_cast<size_t>(kListeners + kUdp));
  size_t owned = 0;
  for (const auto& s : doc["sockets"]) owned += s["processes"].size() == 1 && s["processes"][0]["pid"] == child;
  EXPECT_EQ(owned, static_cast<size_t>(kListeners + kUdp));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

TEST(LsCli, BadInputIsAUsageError) {
  for (const char* args : {"--state bogus", "--port 70000", "--pid abc", "--netns /nonexistent",
                           "--sort nowhere", "--source carrier-pigeon", "--user no-such-user-xyz",
                           "--risk extreme", "--pid 1 --no-process", "--summary --csv",
                           "--nmap-services /nonexistent-portlens-file"}) {
    int code = 0;
    std::string err = run_capture(std::string(PORTLENS_BINARY) + " ls " + args + " 2>&1 >/dev/null", &code);
    EXPECT_EQ(code, 2) << args << ": " << err;
    EXPECT_EQ(err.rfind("portlens: error: ", 0), 0u) << args << ": " << err;
  }
}

}  // namespace
