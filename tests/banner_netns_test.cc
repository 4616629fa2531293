// grab_banners against real servers (root): sshd, redis-server, python's
// http.server, two TLS servers (python ssl, openssl s_server), a hostile
// server greeting with terminal escapes and more than max_bytes, a closed
// port and a port that accepts and says nothing.
//
// The test process moves itself into a network namespace of its own
// (unshare(CLONE_NEWNET)) before starting anything, so the servers can only
// ever be reached on its loopback, and the namespace vanishes with the
// process however it ends. Each server runs in its own process group with
// PR_SET_PDEATHSIG, is killed as a group at the end, and every wait here is
// bounded. The expected versions come from the installed programs themselves
// (ssh -V, redis-server --version, python's http.server), so the test stays
// right when the distribution updates them.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "scan/banner_grab.h"
#include "util/unique_fd.h"

#ifndef PORTLENS_SOURCE_DIR
#error "PORTLENS_SOURCE_DIR must name the source tree (tests/banner_servers.py)"
#endif

namespace portlens {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint16_t kSshPort = 22, kHttpsPort = 443, kRedisPort = 6379, kHttpPort = 8000, kHttp6Port = 8001,
                   kSslPort = 4433, kHostilePort = 2323, kSilentPort = 7070, kClosedPort = 9, kControlPort = 7777;

ConnectProbe v4(uint16_t port) {
  ConnectProbe probe;
  probe.address = {127, 0, 0, 1};
  probe.port = port;
  return probe;
}

ConnectProbe v6(uint16_t port) {
  ConnectProbe probe;
  probe.family = AddressFamily::ipv6;
  probe.address[15] = 1;  // ::1
  probe.port = port;
  return probe;
}

/// What a shell command printed (stdout and stderr), bounded by `timeout`.
std::string output_of(const std::string& command) {
  std::string text;
  FILE* pipe = popen(("timeout 20 " + command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return text;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
  pclose(pipe);
  return text;
}

/// The text after `marker` up to the first of `stops`, or empty.
std::string after(const std::string& text, const std::string& marker, const char* stops) {
  size_t at = text.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return text.substr(at, text.find_first_of(stops, at) - at);
}

/// TCP sockets in this namespace from /proc/net/tcp{,6}: {state, local port, remote port}.
struct TcpEntry {
  int state;
  uint16_t local_port, remote_port;
};

std::vector<TcpEntry> tcp_sockets() {
  std::vector<TcpEntry> entries;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);  // header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      auto port_of = [](const std::string& endpoint) {
        return static_cast<uint16_t>(std::stoul(endpoint.substr(endpoint.find(':') + 1), nullptr, 16));
      };
      entries.push_back({std::stoi(state, nullptr, 16), port_of(local), port_of(remote)});
    }
  }
  return entries;
}

constexpr int kTimeWait = 0x06, kListen = 0x0a;

/// TIME_WAIT sockets with one end on one of `ports`.
int time_waits_on(const std::set<uint16_t>& ports) {
  int count = 0;
  for (const TcpEntry& entry : tcp_sockets()) {
    if (entry.state == kTimeWait && (ports.contains(entry.local_port) || ports.contains(entry.remote_port))) ++count;
  }
  return count;
}

std::set<uint16_t> listening_ports() {
  std::set<uint16_t> ports;
  for (const TcpEntry& entry : tcp_sockets()) {
    if (entry.state == kListen) ports.insert(entry.local_port);
  }
  return ports;
}

bool bring_loopback_up() {
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq request{};
  std::snprintf(request.ifr_name, sizeof request.ifr_name, "lo");
  if (!fd || ioctl(fd.get(), SIOCGIFFLAGS, &request) != 0) return false;
  request.ifr_flags |= IFF_UP;
  return ioctl(fd.get(), SIOCSIFFLAGS, &request) == 0;
}

/// A listener on 127.0.0.1 that never accepts: the kernel completes the
/// handshake, nobody ever speaks.
UniqueFd silent_listener(uint16_t port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd || bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd.get(), 64) != 0) {
    return {};
  }
  return fd;
}

/// The hostile greeting: an OSC title change, clear screen, a bidi override,
/// a C1 CSI (0x9b), NULs, invalid UTF-8, then far more than max_bytes.
std::string hostile_greeting() {
  std::string text = "\x1b]0;owned\x07\x1b[2J";
  text += "\xe2\x80\xae";  // U+202E RIGHT-TO-LEFT OVERRIDE
  text += "\x9b";
  text += std::string(3, '\0');
  text += "\xff\xfe\xc0\x80";
  for (int i = 0; text.size() < 3000; ++i) text += "line " + std::to_string(i) + "\r\n";
  return text;
}

class BannerNetns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    problem_ = start_everything();
  }

  static void TearDownTestSuite() {
    for (pid_t group : servers_) kill(-group, SIGKILL);
    for (pid_t group : servers_) waitpid(group, nullptr, 0);
    servers_.clear();
    silent_.reset();
    if (!work_.empty()) std::filesystem::remove_all(work_);
  }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
    ASSERT_EQ(problem_, "") << "setting up the servers failed";
  }

  /// Everything the tests talk to; returns what went wrong, or "".
  static std::string start_everything() {
    if (unshare(CLONE_NEWNET) != 0) return "unshare(CLONE_NEWNET) failed";
    if (!bring_loopback_up()) return "cannot bring lo up";
    char pattern[] = "/tmp/portlens-banner.XXXXXX";
    if (mkdtemp(pattern) == nullptr) return "mkdtemp failed";
    work_ = pattern;
    ssh_version_ = after(output_of("ssh -V"), "OpenSSH_", " ,\n");
    redis_version_ = after(output_of("redis-server --version"), "v=", " \n");
    python_server_ = output_of(
        "python3 -c 'import http.server as h; print(h.SimpleHTTPRequestHandler.server_version, "
        "h.SimpleHTTPRequestHandler.sys_version)'");
    if (ssh_version_.empty() || redis_version_.empty() || python_server_.empty()) return "cannot read versions";
    if (std::system(("ssh-keygen -q -t ed25519 -N '' -f " + work_ + "/hostkey >/dev/null 2>&1").c_str()) != 0 ||
        std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                     "-subj /CN=localhost -keyout " +
                     work_ + "/key.pem -out " + work_ + "/cert.pem >/dev/null 2>&1")
                        .c_str()) != 0) {
      return "cannot make keys";
    }
    std::ofstream(work_ + "/hostile.bin", std::ios::binary) << hostile_greeting();
    std::filesystem::create_directories(work_ + "/www");
    std::filesystem::create_directories("/run/sshd");  // sshd's privilege separation directory

    const std::string servers = PORTLENS_SOURCE_DIR "/tests/banner_servers.py";
    start({"/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null", "-h", work_ + "/hostkey", "-o",
           "ListenAddress=127.0.0.1:22", "-o", "ListenAddress=[::1]:22", "-o", "PidFile=none", "-o",
           "LoginGraceTime=20"});
    start({"redis-server", "--port", std::to_string(kRedisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly",
           "no", "--dir", work_});
    start({"python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", work_ + "/www",
           std::to_string(kHttpPort)});
    start({"python3", "-m", "http.server", "--bind", "::1", "--directory", work_ + "/www", std::to_string(kHttp6Port)});
    start(
        {"python3", servers, "tls", "127.0.0.1", std::to_string(kHttpsPort), work_ + "/cert.pem", work_ + "/key.pem"});
    start({"openssl", "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(kSslPort), "-cert",
           work_ + "/cert.pem", "-key", work_ + "/key.pem"});
    start({"python3", servers, "send", "127.0.0.1", std::to_string(kHostilePort), work_ + "/hostile.bin"});
    silent_ = silent_listener(kSilentPort);
    if (!silent_) return "cannot listen on the silent port";

    const std::set<uint16_t> expected = {kSshPort,   kRedisPort, kHttpPort,    kHttp6Port,
                                         kHttpsPort, kSslPort,   kHostilePort, kSilentPort};
    for (auto until = Clock::now() + 15s; Clock::now() < until; std::this_thread::sleep_for(50ms)) {
      std::set<uint16_t> listening = listening_ports();
      if (std::includes(listening.begin(), listening.end(), expected.begin(), expected.end())) return "";
    }
    return "servers did not start listening within 15 s";
  }

  /// Runs argv in its own process group that dies with this process.
  static void start(const std::vector<std::string>& argv) {
    pid_t child = fork();
    if (child == 0) {
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      std::vector<char*> args;
      for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    if (child > 0) {
      setpgid(child, child);  // also here: no race with kill(-group) below
      servers_.push_back(child);
    }
  }

  static BannerOptions quick_options() {
    BannerOptions options;
    options.connect_timeout = 1000ms;
    options.greeting_wait = 700ms;
    options.reply_wait = 2000ms;
    options.quiet_gap = 200ms;
    return options;
  }

  static inline std::string problem_ = "not started";
  static inline std::string work_;
  static inline std::vector<pid_t> servers_;
  static inline UniqueFd silent_;
  static inline std::string ssh_version_, redis_version_, python_server_;
};

TEST_F(BannerNetns, IdentifiesRealServers) {
  const std::vector<ConnectProbe> targets = {v4(kSshPort),    v6(kSshPort),   v4(kRedisPort), v4(kHttpPort),
                                             v6(kHttp6Port),  v4(kHttpsPort), v4(kSslPort),   v4(kHostilePort),
                                             v4(kClosedPort), v4(kSilentPort)};
  BannerOptions options = quick_options();
  options.parallelism = 3;  // fewer slots than targets: the queue is exercised too
  auto begin = Clock::now();
  std::vector<ServiceIdentity> result = grab_banners(targets, options);
  auto elapsed = Clock::now() - begin;
  ASSERT_EQ(result.size(), targets.size());

  for (int i : {0, 1}) {
    SCOPED_TRACE(i == 0 ? "sshd on 127.0.0.1" : "sshd on ::1");
    EXPECT_EQ(result[i].service, "ssh");
    EXPECT_EQ(result[i].product, "OpenSSH");
    EXPECT_EQ(result[i].version, ssh_version_);
    EXPECT_TRUE(result[i].extra_info.ends_with("protocol 2.0")) << result[i].extra_info;
    EXPECT_TRUE(result[i].banner.starts_with("SSH-2.0-OpenSSH_" + ssh_version_)) << result[i].banner;
    EXPECT_FALSE(result[i].tls);
  }

  EXPECT_EQ(result[2].service, "redis");
  EXPECT_EQ(result[2].product, "Redis");
  EXPECT_EQ(result[2].version, redis_version_);
  EXPECT_TRUE(result[2].banner.starts_with("+PONG\r\n")) << result[2].banner;

  // "SimpleHTTP/0.6 Python/3.11.2" -> product SimpleHTTP, version 0.6, extra Python/3.11.2.
  std::string python_product = after(" " + python_server_, " ", "/");
  std::string python_version = after(python_server_, "/", " ");
  std::string python_extra = after(python_server_, " ", "\n");
  for (int i : {3, 4}) {
    SCOPED_TRACE(i == 3 ? "http.server on 127.0.0.1" : "http.server on ::1");
    EXPECT_EQ(result[i].service, "http");
    EXPECT_EQ(result[i].product, python_product);
    EXPECT_EQ(result[i].version, python_version);
    EXPECT_EQ(result[i].extra_info, python_extra);
    EXPECT_TRUE(result[i].banner.starts_with("HTTP/1.0 200 ")) << result[i].banner;
    EXPECT_TRUE(result[i].banner.ends_with("\r\n\r\n")) << result[i].banner;
  }

  // 443 gets the ClientHello at once; python's OpenSSL 3 picks TLS 1.3.
  EXPECT_TRUE(result[5].tls);
  EXPECT_EQ(result[5].service, "https");
  EXPECT_EQ(result[5].extra_info, "TLSv1.3");
  EXPECT_EQ(result[5].banner.substr(0, 2), std::string("\x16\x03", 2));

  // 4433 first gets HTTP, which s_server drops; the fallback ClientHello finds TLS.
  EXPECT_TRUE(result[6].tls);
  EXPECT_EQ(result[6].service, "ssl");
  EXPECT_EQ(result[6].extra_info, "TLSv1.3");

  // The hostile greeting: exactly its first max_bytes, escapes and all; no service.
  EXPECT_EQ(result[7].banner.size(), options.max_bytes);
  EXPECT_EQ(result[7].banner, hostile_greeting().substr(0, options.max_bytes));
  EXPECT_EQ(result[7].service, "");

  for (int i : {8, 9}) {
    SCOPED_TRACE(i == 8 ? "closed port" : "silent port");
    EXPECT_EQ(result[i].banner, "");
    EXPECT_EQ(result[i].service, "");
    EXPECT_FALSE(result[i].tls);
  }

  // Bounded: the silent port costs greeting + reply + connect + reply at most.
  EXPECT_LT(elapsed, 10s);

  // Every connection ended with a reset: no TIME_WAIT on either side.
  std::set<uint16_t> ports;
  for (const ConnectProbe& target : targets) ports.insert(target.port);
  EXPECT_EQ(time_waits_on(ports), 0);
}

TEST_F(BannerNetns, ClosedPortsAreQuick) {
  auto begin = Clock::now();
  std::vector<ServiceIdentity> result = grab_banners(std::vector{v4(kClosedPort), v6(kClosedPort)}, BannerOptions{});
  EXPECT_LT(Clock::now() - begin, 500ms);
  ASSERT_EQ(result.size(), 2u);
  for (const ServiceIdentity& identity : result) {
    EXPECT_EQ(identity.banner, "");
    EXPECT_EQ(identity.service, "");
  }
}

// A port that accepts and never speaks costs the greeting wait, the reply
// wait after HTTP, and another reply wait after the fallback ClientHello on
// a second connection — and no more.
TEST_F(BannerNetns, SilentPortIsGivenUpInBoundedTime) {
  BannerOptions options;
  options.greeting_wait = 300ms;
  options.reply_wait = 400ms;
  auto begin = Clock::now();
  std::vector<ServiceIdentity> result = grab_banners(std::vector{v4(kSilentPort)}, options);
  auto elapsed = Clock::now() - begin;
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].banner, "");
  EXPECT_EQ(result[0].service, "");
  EXPECT_GE(elapsed, 1100ms);  // both probes were tried
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_EQ(time_waits_on({kSilentPort}), 0);
}

// With almost no descriptors left, targets wait for each other instead of
// failing: every one is still identified.
TEST_F(BannerNetns, FewDescriptorsStillIdentifyEveryTarget) {
  size_t open_now = 0;
  for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++open_now;
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = open_now + 3;  // epoll plus two sockets, give or take the directory listing's own fd
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::vector<ConnectProbe> targets;
  for (int i = 0; i < 6; ++i) {
    targets.push_back(v4(kSshPort));
    targets.push_back(v4(kRedisPort));
  }
  std::vector<ServiceIdentity> result = grab_banners(targets, quick_options());
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_EQ(result.size(), targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(result[i].service, targets[i].port == kSshPort ? "ssh" : "redis") << "target " << i;
  }
}

// The TIME_WAIT checks above are not blind: a connection closed the ordinary
// way (FIN first from the client) leaves the client's side in TIME_WAIT, and
// the same check must see it.
TEST_F(BannerNetns, TimeWaitCheckSeesAnOrdinaryClose) {
  UniqueFd listener = silent_listener(kControlPort);
  ASSERT_TRUE(listener);
  {
    UniqueFd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(kControlPort);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    UniqueFd accepted(accept(listener.get(), nullptr, nullptr));
    ASSERT_TRUE(accepted);
  }  // client closes first (FIN), then the accepted side: the client ends in TIME_WAIT
  std::this_thread::sleep_for(100ms);
  EXPECT_GE(time_waits_on({kControlPort}), 1);
}

}  // namespace
}  // namespace portlens
