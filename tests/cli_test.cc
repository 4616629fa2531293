// Runs the built portlens binary as a user would and checks its output, exit
// codes and messages. Each behaviour is its own test case.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs portlens with `args` in a clean environment plus `env` ("K=V").
Outcome run(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) std::abort();
  env.push_back("PATH=/usr/bin:/bin");
  env.push_back("HOME=/nonexistent-portlens-home");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    std::vector<char*> argv{const_cast<char*>(PORTLENS_BINARY)};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& item : env) envp.push_back(item.data());
    envp.push_back(nullptr);
    execve(PORTLENS_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Outcome result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, 30000) <= 0) break;  // a hang fails the test instead of blocking it
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A one-line error on stderr, nothing on stdout, no escape bytes anywhere.
void expect_usage_error(const Outcome& result, const std::string& names_part) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_TRUE(result.err.starts_with("portlens: error: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_TRUE(has(result.err, names_part)) << result.err;
  EXPECT_FALSE(has(result.err, "\x1b")) << "escape byte reached the terminal";
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/portlens-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(InfoCli, PortCardShowsServiceRiskMalwareAndSources) {
  Outcome r = run({"info", "21"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "21/tcp  ftp")) << r.out;
  EXPECT_TRUE(has(r.out, "risk: high"));
  EXPECT_TRUE(has(r.out, "Doly Trojan"));
  EXPECT_TRUE(has(r.out, "hint, not proof"));
  EXPECT_TRUE(has(r.out, "IANA Service Name"));
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(InfoCli, ProtocolRangesAndLists) {
  Outcome udp = run({"info", "21/udp"});
  EXPECT_EQ(udp.exit_code, 0);
  EXPECT_TRUE(has(udp.out, "21/udp")) << udp.out;
  Outcome range = run({"info", "137-139"});
  EXPECT_EQ(range.exit_code, 0);
  for (const char* name : {"netbios-ns", "netbios-dgm", "netbios-ssn"}) EXPECT_TRUE(has(range.out, name)) << name;
  Outcome list = run({"info", "21,22,23", "--json"});
  auto doc = nlohmann::json::parse(list.out);
  ASSERT_EQ(doc["entries"].size(), 3u);
  EXPECT_EQ(doc["entries"][2]["service"], "telnet");
}

TEST(InfoCli, UnknownPortStillGetsAUsefulAnswer) {
  Outcome r = run({"info", "3"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(has(r.out, "compressnet"));
  EXPECT_TRUE(has(r.out, "No known risk notes"));
  EXPECT_TRUE(has(r.out, "well-known port"));
  Outcome dynamic = run({"info", "60999/tcp", "--json"});
  auto doc = nlohmann::json::parse(dynamic.out);
  EXPECT_EQ(doc["entries"][0]["port_class"], "dynamic");
  EXPECT_EQ(doc["entries"][0]["known"], false);
  EXPECT_TRUE(doc["entries"][0]["risk"].is_null());
}

TEST(InfoCli, ServiceNames) {
  Outcome ftp = run({"info", "ftp", "--json"});
  EXPECT_EQ(nlohmann::json::parse(ftp.out)["entries"][0]["port"], 21);
  Outcome mssql = run({"info", "ms-sql-s", "--json"});
  EXPECT_EQ(nlohmann::json::parse(mssql.out)["entries"][0]["port"], 1433);
  Outcome digit_name = run({"info", "3com-tsmux", "--json"});
  EXPECT_EQ(digit_name.exit_code, 0) << digit_name.err;
  EXPECT_EQ(nlohmann::json::parse(digit_name.out)["entries"][0]["port"], 106);
}

TEST(InfoCli, NameAndPortAnswerTheSameCard) {
  auto doc = nlohmann::json::parse(run({"info", "ftp", "21", "--json"}).out);
  ASSERT_EQ(doc["entries"].size(), 1u);
  EXPECT_EQ(doc["entries"][0]["proto"], nlohmann::json::array({"tcp"}));
  Outcome upper = run({"info", "22", "--lang", "ZH"});
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
}

TEST(InfoCli, NamesInABlockSayTheirPort) {
  auto doc = nlohmann::json::parse(run({"info", "6000-6063", "--json"}).out);
  bool found = false;
  for (const auto& entry : doc["entries"]) {
    for (const auto& name : entry["names"]) found |= name["name"] == "x11" && name["port"] == entry["port"];
  }
  EXPECT_TRUE(found);
}

TEST(InfoCli, UserEntryInsideACuratedBlockIsListedWithTheBlocksFacts) {
  TempDir dir;
  std::string file = dir.write("ports.toml", "[[entry]]\nport = 6001\nproto = [\"tcp\"]\nrisk = \"critical\"\n");
  auto doc = nlohmann::json::parse(run({"info", "--risk", "critical", "--json", "--user-file", file}).out);
  bool found = false;
  for (const auto& entry : doc["entries"]) {
    if (entry["port"] != 6001) continue;
    found = true;
    EXPECT_EQ(entry["service"], "x11");
    EXPECT_EQ(entry["provenance"]["risk"], "user");
    EXPECT_EQ(entry["provenance"]["title"], "curated");
  }
  EXPECT_TRUE(found);
}

TEST(InfoCli, MalwareNamesMatchForgivingly) {
  auto ports = [](const std::vector<std::string>& args) {
    Outcome r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<int> found;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& entry : doc["entries"]) found.push_back(entry["port"].get<int>());
    return found;
  };
  auto has_port = [](const std::vector<int>& found, int port) {
    return std::find(found.begin(), found.end(), port) != found.end();
  };
  // Exact names first, by port; then partial matches ("NetBus Pro" for netbus).
  EXPECT_EQ(ports({"info", "netbus", "--json"}), (std::vector<int>{12345, 12346, 20034}));
  EXPECT_EQ(ports({"info", "back orifice", "--json"}).at(0), 31337);
  EXPECT_EQ(ports({"info", "BACK-ORIFICE", "--json"}), ports({"info", "backorifice", "--json"}));
  EXPECT_TRUE(has_port(ports({"info", "冰河", "--json"}), 7626));
  EXPECT_TRUE(has_port(ports({"info", "bo2k", "--json"}), 54320));
  EXPECT_TRUE(has_port(ports({"info", "Sub7", "--json"}), 27374));
}

TEST(InfoCli, FullTextSearchInBothLanguages) {
  Outcome chinese = run({"info", "--search", "后门", "--json"});
  EXPECT_EQ(chinese.exit_code, 0);
  EXPECT_GT(nlohmann::json::parse(chinese.out)["entries"].size(), 5u);
  Outcome english = run({"info", "--search", "backdoor"});
  EXPECT_EQ(english.exit_code, 0);
  EXPECT_TRUE(has(english.out, "PORT"));
  Outcome none = run({"info", "--search", "zzqqxxnothing"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(has(none.err, "no entry matches"));
}

TEST(InfoCli, RiskListingIsAtLeastThatRisk) {
  Outcome r = run({"info", "--risk", "high", "--json"});
  EXPECT_EQ(r.exit_code, 0);
  auto entries = nlohmann::json::parse(r.out)["entries"];
  EXPECT_GT(entries.size(), 100u);
  for (const auto& entry : entries) {
    EXPECT_TRUE(entry["risk"] == "high" || entry["risk"] == "critical") << entry["port"];
  }
}

TEST(InfoCli, TagListingAsCsv) {
  Outcome r = run({"info", "--tag", "database", "--csv"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("port,port_end,proto,service,risk,title,malware,tags\r\n"));
  EXPECT_TRUE(has(r.out, ",redis,"));
  size_t rows = std::count(r.out.begin(), r.out.end(), '\n') - 1;
  EXPECT_GE(rows, 10u);
  size_t with_tag = 0;
  for (size_t at = r.out.find("database"); at != std::string::npos; at = r.out.find("database", at + 1)) ++with_tag;
  EXPECT_GE(with_tag, rows);
}

TEST(InfoCli, BadInputIsAOneLineUsageError) {
  expect_usage_error(run({"info", "70000"}), "70000");
  expect_usage_error(run({"info", "--", "-1"}), "-1");
  expect_usage_error(run({"info", "22/xyz"}), "xyz");
  expect_usage_error(run({"info", ""}), "empty query");
  expect_usage_error(run({"info", "1-99999"}), "99999");
  expect_usage_error(run({"info", "nosuchservicexyz"}), "nosuchservicexyz");
  expect_usage_error(run({"info", "--risk", "extreme"}), "extreme");
  expect_usage_error(run({"info", "--tag", "nonsense"}), "nonsense");
  expect_usage_error(run({"info", "21", "--color", "sometimes"}), "sometimes");
  expect_usage_error(run({"info", "21", "--lang", "fr"}), "fr");
  expect_usage_error(run({"info", "21", "--json", "--csv"}), "--json");
  expect_usage_error(run({"info", "21", "--json", "--ndjson"}), "--ndjson");
  expect_usage_error(run({"info"}), "info needs");
  expect_usage_error(run({"info", "21", "--bogus"}), "--bogus");
}

TEST(InfoCli, HostileQueriesAreSanitisedAndCut) {
  Outcome long_word = run({"info", std::string(5000, 'x')});
  expect_usage_error(long_word, "too long");
  EXPECT_LT(long_word.err.size(), 400u);
  Outcome escape = run({"info", "ftp\x1b[2J\x07"});
  expect_usage_error(escape, "\\x1b[2J");
  Outcome invalid = run({"info", "\xff\xfe"});
  expect_usage_error(invalid, "\\xff");
}

TEST(InfoCli, ChineseByFlagAndByLocale) {
  Outcome flag = run({"info", "23", "--lang", "zh"});
  EXPECT_EQ(flag.exit_code, 0);
  EXPECT_TRUE(has(flag.out, "风险")) << flag.out;
  Outcome locale = run({"info", "23"}, {"LANG=zh_CN.UTF-8"});
  EXPECT_EQ(locale.out, flag.out);
  Outcome override_all = run({"info", "23"}, {"LANG=zh_CN.UTF-8", "LC_ALL=en_US.UTF-8"});
  EXPECT_TRUE(has(override_all.out, "risk: high"));
  Outcome error = run({"info", "70000", "--lang", "zh"});
  EXPECT_EQ(error.exit_code, 2);
  EXPECT_TRUE(has(error.err, "70000"));
  EXPECT_TRUE(has(error.err, "端口")) << error.err;
  Outcome help = run({"--help"}, {"LANG=zh_CN.UTF-8"});
  EXPECT_TRUE(has(help.out, "用法")) << help.out;
}

TEST(InfoCli, ColourFollowsFlagAndNoColor) {
  EXPECT_FALSE(has(run({"info", "23"}).out, "\x1b["));  // a pipe is not a terminal
  EXPECT_TRUE(has(run({"info", "23", "--color", "always"}).out, "\x1b["));
  EXPECT_TRUE(has(run({"info", "23", "--color=always"}, {"NO_COLOR=1"}).out, "\x1b["));
  EXPECT_FALSE(has(run({"info", "23", "--color", "never"}).out, "\x1b["));
  EXPECT_FALSE(has(run({"info", "23", "--color", "auto"}, {"NO_COLOR=1", "TERM=xterm"}).out, "\x1b["));
}

TEST(InfoCli, UserFileOverridesAndAdds) {
  TempDir dir;
  dir.write("portlens/ports.toml",
            "[[entry]]\nport = 8080\nproto = [\"tcp\"]\nrisk = \"low\"\n"
            "advice = { en = \"Our reverse proxy; fine.\" }\n"
            "[[entry]]\nport = 40123\nservice = \"our-agent\"\nrisk = \"medium\"\n"
            "title = { en = \"Our monitoring agent\", zh = \"我们的监控代理\" }\n");
  std::vector<std::string> env = {"XDG_CONFIG_HOME=" + dir.path(), "COLUMNS=200"};
  auto doc = nlohmann::json::parse(run({"info", "8080", "--json"}, env).out);
  auto entry = doc["entries"][0];
  EXPECT_EQ(entry["risk"], "low");
  EXPECT_EQ(entry["provenance"]["risk"], "user");
  EXPECT_EQ(entry["provenance"]["title"], "curated");
  EXPECT_EQ(entry["advice"]["en"], "Our reverse proxy; fine.");
  Outcome added = run({"info", "our-agent"}, env);
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_TRUE(has(added.out, "Our monitoring agent"));
  EXPECT_TRUE(has(added.out, "your ports.toml"));
  Outcome ignored = run({"info", "8080", "--json", "--no-user-file"}, env);
  EXPECT_EQ(nlohmann::json::parse(ignored.out)["entries"][0]["provenance"]["risk"], "curated");
}

TEST(InfoCli, BadUserFileNamesFileAndLine) {
  TempDir dir;
  std::string file = dir.write("ports.toml", "[[entry]]\nport = 8080\nrisk = \"catastrophic\"\n");
  expect_usage_error(run({"info", "21", "--user-file", file}), file + ":3:8");
  expect_usage_error(run({"info", "21", "--user-file", dir.path() + "/missing.toml"}), "missing.toml");
  expect_usage_error(run({"info", "21", "--user-file", "/dev/zero"}), "not a regular file");
}

TEST(InfoCli, NmapServicesOnlyFromANamedPath) {
  TempDir dir;
  std::string file = dir.write("nmap-services", "made-up-svc\t40001/tcp\t0.000100\t# test entry\n");
  Outcome r = run({"info", "40001", "--nmap-services", file, "--json"});
  auto names = nlohmann::json::parse(r.out)["entries"][0]["names"];
  bool found = false;
  for (const auto& name : names) found |= name["name"] == "made-up-svc" && name["origin"] == "nmap";
  EXPECT_TRUE(found) << names.dump();
  expect_usage_error(run({"info", "21", "--nmap-services", dir.path() + "/nope"}), "nope");
}

TEST(InfoCli, SystemServicesFileIsMerged) {
  auto names = nlohmann::json::parse(run({"info", "22", "--json"}).out)["entries"][0]["names"];
  bool system = false, iana = false;
  for (const auto& name : names) {
    system |= name["origin"] == "system";
    iana |= name["origin"] == "iana";
  }
  EXPECT_TRUE(iana);
  EXPECT_TRUE(system || !std::filesystem::exists("/etc/services"));
}

TEST(Cli, HelpVersionAndNoCommand) {
  Outcome help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(has(help.out, "info"));
  Outcome info_help = run({"info", "--help"});
  EXPECT_EQ(info_help.exit_code, 0);
  EXPECT_TRUE(has(info_help.out, "--search"));
  Outcome version = run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(has(version.out, "portlens 0."));
  Outcome nothing = run({});
  EXPECT_EQ(nothing.exit_code, 2);
  Outcome unknown = run({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
}

}  // namespace

TEST(AuditCli, BadInputIsAOneLineUsageError) {
  expect_usage_error(run({"audit", "--fail-on", "severe"}), "severe");
  expect_usage_error(run({"audit", "--source", "carrier-pigeon"}), "carrier-pigeon");
  expect_usage_error(run({"audit", "--allow", "/nonexistent/allow.toml"}), "/nonexistent/allow.toml");
  expect_usage_error(run({"audit", "--baseline", "/nonexistent/base.toml"}), "/nonexistent/base.toml");
  expect_usage_error(run({"audit", "--netns", "/nonexistent"}), "/nonexistent");
  expect_usage_error(run({"audit", "--json", "--csv"}), "--json");
}

TEST(AuditCli, BadAllowFileNamesFileLineAndColumn) {
  char path[] = "/tmp/portlens-allow-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = "[[allow]]\nport = 6379\nreason = \"lab\"\n\n[[allow]]\nport = 99999\nreason = \"x\"\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  Outcome r = run({"audit", "--allow", path, "--lang", "zh"});
  unlink(path);
  expect_usage_error(r, std::string(path) + ":6:8");
  EXPECT_NE(r.err.find("端口必须是 0 到 65535 之间的数字"), std::string::npos) << r.err;
}

// --- scan: everything here is refused before a packet is sent, or scans
// 127.0.0.1 only.

TEST(ScanCli, BadSpecsAreUsageErrorsNamingTheBadPart) {
  expect_usage_error(run({"scan", "10.0.0.1/33"}), "10.0.0.1/33");
  expect_usage_error(run({"scan", "999.1.1.1"}), "999.1.1.1");
  expect_usage_error(run({"scan", "-p", "0-70000", "127.0.0.1"}), "70000");
  expect_usage_error(run({"scan", "fd77:::2"}), "fd77:::2");
  expect_usage_error(run({"scan"}), "empty");
  expect_usage_error(run({"scan", "-p", "", "127.0.0.1"}), "empty");
  expect_usage_error(run({"scan", "-p", "22,,80", "127.0.0.1"}), "22,,80");
  expect_usage_error(run({"scan", "-p", "no-such-service-xyz", "127.0.0.1"}), "no-such-service-xyz");
  expect_usage_error(run({"scan", "--top-ports", "0", "127.0.0.1"}), "--top-ports");
  expect_usage_error(run({"scan", "-T", "9", "127.0.0.1"}), "T9");
  expect_usage_error(run({"scan", "--timeout", "soon", "127.0.0.1"}), "soon");
  expect_usage_error(run({"scan", "--states", "maybe", "127.0.0.1"}), "maybe");
  expect_usage_error(run({"scan", "-iL", "/nonexistent/targets.txt"}), "/nonexistent/targets.txt");
  expect_usage_error(run({"scan", "127.0.0.1", "--exclude", "127.0.0.1"}), "excluded");
  expect_usage_error(run({"scan", "-4", "-6", "127.0.0.1"}), "-4");
  expect_usage_error(run({"scan", "-oX", "/nonexistent/dir/out.xml", "127.0.0.1"}), "/nonexistent/dir/out.xml");
  expect_usage_error(run({"scan", "--csv", "127.0.0.1"}), "--json");
}

TEST(ScanCli, ChineseErrorForABadTarget) {
  Outcome r = run({"scan", "10.0.0.1/33", "--lang", "zh"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("10.0.0.1/33"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("目标"), std::string::npos) << r.err;
}

/// A listener on 127.0.0.1 with a port the kernel picks, closed on destruction.
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::abort();
    }
    port = ntohs(address.sin_port);
  }
  ~Listener() { close(fd); }
};

TEST(ScanCli, LoopbackJsonFindsTheListener) {
  Listener listener;
  std::string ports = std::to_string(listener.port) + "," + std::to_string(listener.port == 65535 ? 65534 : listener.port + 1);
  Outcome r = run({"scan", "127.0.0.1", "-p", ports, "--json", "--states", "open,closed", "-T4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["hosts"].size(), 1u);
  const auto& host = doc["hosts"][0];
  EXPECT_EQ(host["addr"], "127.0.0.1");
  EXPECT_EQ(host["up"], true);
  ASSERT_EQ(host["ports"].size(), 2u) << r.out;
  EXPECT_EQ(host["ports"][0]["port"], listener.port);
  EXPECT_EQ(host["ports"][0]["state"], "open");
  EXPECT_EQ(host["ports"][0]["reason"], "syn-ack");
  EXPECT_EQ(host["ports"][1]["state"], "closed");
  EXPECT_EQ(host["ports"][1]["reason"], "conn-refused");
  EXPECT_EQ(doc["stats"]["open"], 1);
  EXPECT_EQ(doc["stats"]["closed"], 1);
  EXPECT_EQ(doc["stats"]["probes"], 2);
}

TEST(ScanCli, TextTableNdjsonAndNmapSpellings) {
  Listener listener;
  std::string port = std::to_string(listener.port);
  Outcome text = run({"scan", "-sT", "-n", "-Pn", "127.0.0.1", "-p", port});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("scan report for 127.0.0.1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(port + "/tcp"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("syn-ack"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("open: 1,"), std::string::npos) << text.out;

  Outcome lines = run({"scan", "127.0.0.1", "-p", port, "--ndjson"});
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  std::vector<nlohmann::json> events;
  size_t start = 0;
  while (start < lines.out.size()) {
    size_t end = lines.out.find('\n', start);
    events.push_back(nlohmann::json::parse(lines.out.substr(start, end - start)));
    start = end + 1;
  }
  ASSERT_EQ(events.size(), 3u) << lines.out;
  EXPECT_EQ(events[0]["type"], "port");
  EXPECT_EQ(events[0]["port"], listener.port);
  EXPECT_EQ(events[1]["type"], "host");
  EXPECT_EQ(events[2]["type"], "stats");
}

TEST(ScanCli, TargetsFromAFileAndAllPortsSpelling) {
  // -iL reads a file (comments allowed); "-p-" is 1-65535: 127.0.0.2, where nothing listens.
  char path[] = "/tmp/portlens-targets-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = "# loopback only\n127.0.0.2\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  Outcome r = run({"scan", "-iL", path, "-p-", "--json", "-T5"});
  unlink(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["stats"]["ports_per_host"], 65535);
  EXPECT_EQ(doc["hosts"][0]["addr"], "127.0.0.2");
  EXPECT_EQ(doc["stats"]["probes"], 65535);
}

/// Output of `script`, which runs portlens on a pseudo-terminal (stdout and
/// stderr both the terminal, as a person at a shell has them).
std::string on_a_terminal(const std::string& arguments) {
  std::string command = std::string("script -qec '") + PORTLENS_BINARY + " " + arguments + "' /dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[65536];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  pclose(pipe);
  return out;
}

TEST(ScanCli, ProgressLineOnATerminalIsWipedBeforeTheReport) {
  std::string out = on_a_terminal("scan 127.0.0.1 -p 1-20000 -T5 --color never");
  EXPECT_NE(out.find(" open  ETA "), std::string::npos) << out.substr(0, 400);
  // The report starts on a clean line: whatever came after the last line
  // break before it, the last carriage return left nothing visible (at most
  // the "erase to end of line" that wiped a progress line).
  size_t report = out.find("scan report for 127.0.0.1");
  ASSERT_NE(report, std::string::npos) << out.substr(0, 400);
  size_t line_start = out.rfind('\n', report);
  std::string before = out.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                  report - (line_start == std::string::npos ? 0 : line_start + 1));
  size_t last_return = before.rfind('\r');
  std::string visible = last_return == std::string::npos ? before : before.substr(last_return + 1);
  EXPECT_TRUE(visible.empty() || visible == "\x1b[K") << out.substr(0, report + 40);
  std::string quiet = on_a_terminal("scan 127.0.0.1 -p 1-20000 -T5 -q --color never");
  EXPECT_EQ(quiet.find("ETA"), std::string::npos) << quiet.substr(0, 400);
  EXPECT_NE(quiet.find("scan report for 127.0.0.1"), std::string::npos);
}
