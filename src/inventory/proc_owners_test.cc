#include "inventory/proc_owners.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/unique_fd.h"

namespace portlens {
namespace {

uint64_t inode_of(int fd) {
  struct stat info {};
  EXPECT_EQ(::fstat(fd, &info), 0);
  return info.st_ino;
}

// read_text_file() trusts st_size, which is 0 for /proc files.
std::string read_proc_file(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(fd) << path;
  std::string text;
  char chunk[4096];
  ssize_t got = 0;
  while (fd && (got = retry_on_eintr([&] { return ::read(fd.get(), chunk, sizeof chunk); })) > 0) {
    text.append(chunk, static_cast<size_t>(got));
  }
  return text;
}

std::string own_comm() {
  std::string name = read_proc_file("/proc/self/comm");
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

UniqueFd tcp_listener() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(fd.get(), 4), 0);
  return fd;
}

UniqueFd udp_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd);
  return fd;
}

std::vector<int> owner_pids(const OwnerMap& map, uint64_t inode) {
  std::vector<int> pids;
  for (const ProcessInfo* process : map.owners_of(inode)) pids.push_back(process->pid);
  return pids;
}

const ProcessInfo* owner_with_pid(const OwnerMap& map, uint64_t inode, int pid) {
  for (const ProcessInfo* process : map.owners_of(inode)) {
    if (process->pid == pid) return process;
  }
  return nullptr;
}

OwnerMap collect_or_fail(const OwnerOptions& options) {
  auto map = collect_owners(options);
  EXPECT_TRUE(map.ok()) << (map.ok() ? "" : map.error().msgid);
  return map.ok() ? std::move(map).value() : OwnerMap();
}

/// A forked child that runs `body` and then sleeps until killed (at most 30 s
/// if the test dies first); killed and reaped when this goes out of scope.
class SleepingChild {
 public:
  template <typename Body>
  explicit SleepingChild(Body body) {
    pid_ = ::fork();
    if (pid_ == 0) {
      body();
      ::alarm(30);
      for (;;) ::pause();
    }
    EXPECT_GT(pid_, 0);
  }
  SleepingChild(const SleepingChild&) = delete;
  SleepingChild& operator=(const SleepingChild&) = delete;
  ~SleepingChild() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
};

/// Runs `body` in a forked child and returns its exit status (its return value).
template <typename Body>
int exit_code_of_child(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(30);
    ::_exit(body());
  }
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

uint64_t read_inode_from(int pipe_fd) {
  uint64_t inode = 0;
  EXPECT_EQ(retry_on_eintr([&] { return ::read(pipe_fd, &inode, sizeof inode); }), static_cast<ssize_t>(sizeof inode));
  return inode;
}

TEST(ParseSocketLink, AcceptsOnlyWellFormedSocketTargets) {
  EXPECT_EQ(parse_socket_link("socket:[12345]"), 12345u);
  EXPECT_EQ(parse_socket_link("socket:[18446744073709551615]"), UINT64_MAX);
  EXPECT_EQ(parse_socket_link("socket:[18446744073709551616]"), std::nullopt);  // overflow
  EXPECT_EQ(parse_socket_link("socket:[0]"), std::nullopt);                     // 0 means "no inode"
  EXPECT_EQ(parse_socket_link("socket:[]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[12a]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[-1]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[+1]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[ 1]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[garbage"), std::nullopt);
  EXPECT_EQ(parse_socket_link("socket:[12]x"), std::nullopt);
  EXPECT_EQ(parse_socket_link("pipe:[7]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("anon_inode:[eventfd]"), std::nullopt);
  EXPECT_EQ(parse_socket_link("/tmp/socket:[1]"), std::nullopt);
  EXPECT_EQ(parse_socket_link(""), std::nullopt);
}

TEST(ProcOwners, FindsOwnSocketsWithNameAndUser) {
  UniqueFd listener = tcp_listener();
  UniqueFd datagram = udp_socket();
  OwnerMap map = collect_or_fail({});

  EXPECT_GE(map.process_count(), 1u);
  for (int fd : {listener.get(), datagram.get()}) {
    const ProcessInfo* self = owner_with_pid(map, inode_of(fd), ::getpid());
    ASSERT_NE(self, nullptr) << "fd " << fd;
    EXPECT_EQ(self->name, own_comm());
    EXPECT_EQ(self->uid, ::geteuid());
    const passwd* entry = ::getpwuid(::geteuid());
    EXPECT_EQ(self->user, entry ? std::string(entry->pw_name) : std::to_string(::geteuid()));
    EXPECT_TRUE(self->command_line.empty());
    EXPECT_TRUE(self->executable.empty());
  }
  EXPECT_TRUE(map.owners_of(0).empty());
  EXPECT_TRUE(map.owners_of(UINT64_MAX).empty());
}

TEST(ProcOwners, FillsCommandLineAndExecutableOnlyWhenAsked) {
  UniqueFd listener = tcp_listener();
  OwnerOptions options;
  options.command_line = true;
  options.executable = true;
  OwnerMap map = collect_or_fail(options);

  const ProcessInfo* self = owner_with_pid(map, inode_of(listener.get()), ::getpid());
  ASSERT_NE(self, nullptr);
  std::string expected = read_proc_file("/proc/self/cmdline");
  while (!expected.empty() && expected.back() == '\0') expected.pop_back();
  std::replace(expected.begin(), expected.end(), '\0', ' ');
  EXPECT_EQ(self->command_line, expected);
  EXPECT_EQ(self->executable, std::filesystem::read_symlink("/proc/self/exe").string());

  options.command_line = false;
  map = collect_or_fail(options);
  self = owner_with_pid(map, inode_of(listener.get()), ::getpid());
  ASSERT_NE(self, nullptr);
  EXPECT_TRUE(self->command_line.empty());
  EXPECT_FALSE(self->executable.empty());
}

TEST(ProcOwners, SocketSharedAfterForkHasBothOwnersByPid) {
  UniqueFd listener = tcp_listener();
  SleepingChild child([] {});
  OwnerMap map = collect_or_fail({});

  std::vector<int> expected = {::getpid(), child.pid()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(owner_pids(map, inode_of(listener.get())), expected);
}

TEST(ProcOwners, SameOwnersWithAnyNumberOfThreads) {
  UniqueFd listener = tcp_listener();
  SleepingChild first([] {});
  SleepingChild second([] {});
  std::vector<int> expected = {::getpid(), first.pid(), second.pid()};
  std::sort(expected.begin(), expected.end());
  for (int threads : {0, 1, 2, 3, 64}) {
    OwnerOptions options;
    options.threads = threads;
    OwnerMap map = collect_or_fail(options);
    EXPECT_EQ(owner_pids(map, inode_of(listener.get())), expected) << threads << " threads";
  }
}

TEST(ProcOwners, ProcessThatExitedBeforeTheWalkIsNotReported) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  int status = exit_code_of_child([&] {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    uint64_t inode = inode_of(fd);
    return ::write(write_end.get(), &inode, sizeof inode) == sizeof inode ? 0 : 1;
  });
  ASSERT_EQ(status, 0);
  uint64_t inode = read_inode_from(read_end.get());
  ASSERT_NE(inode, 0u);

  OwnerMap map = collect_or_fail({});
  EXPECT_TRUE(map.owners_of(inode).empty());
}

// Needs CAP_SYS_ADMIN for unshare(CLONE_NEWNET); skipped otherwise.
TEST(ProcOwners, SkipsProcessesInOtherNetworkNamespaces) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  UniqueFd shared = tcp_listener();
  SleepingChild child([&] {
    uint64_t inode = 0;
    if (::unshare(CLONE_NEWNET) == 0) inode = inode_of(::socket(AF_INET, SOCK_DGRAM, 0));
    if (::write(write_end.get(), &inode, sizeof inode) != sizeof inode) ::_exit(1);
  });
  uint64_t inode = read_inode_from(read_end.get());
  if (inode == 0) GTEST_SKIP() << "unshare(CLONE_NEWNET) is not permitted here";

  OwnerMap here = collect_or_fail({});
  EXPECT_TRUE(here.owners_of(inode).empty());
  EXPECT_EQ(owner_pids(here, inode_of(shared.get())), std::vector<int>{::getpid()});

  OwnerOptions everywhere;
  everywhere.same_network_namespace_only = false;
  OwnerMap all = collect_or_fail(everywhere);
  EXPECT_EQ(owner_pids(all, inode), std::vector<int>{child.pid()});
}

// From inside a new namespace, "our own" namespace is the new one: the parent
// drops out and the child's new socket is found.
TEST(ProcOwners, FollowsTheNamespaceTheCallerIsIn) {
  UniqueFd listener = tcp_listener();
  uint64_t parent_socket = inode_of(listener.get());
  int status = exit_code_of_child([&] {
    if (::unshare(CLONE_NEWNET) != 0) return 77;
    UniqueFd fresh = udp_socket();
    auto map = collect_owners({});
    if (!map.ok()) return 1;
    // The inherited socket is still ours; the parent, in the old namespace, is skipped.
    if (owner_pids(*map, parent_socket) != std::vector<int>{::getpid()}) return 2;
    if (owner_pids(*map, inode_of(fresh.get())) != std::vector<int>{::getpid()}) return 3;
    return 0;
  });
  if (status == 77) GTEST_SKIP() << "unshare(CLONE_NEWNET) is not permitted here";
  EXPECT_EQ(status, 0);
}

/// A fake /proc in a temporary directory, removed at the end of the test.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/portlens-proc-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    ::chmod(root_.c_str(), 0755);  // readable by the unprivileged child below
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string path(const std::string& relative) const { return root_ + "/" + relative; }
  void directory(const std::string& relative, mode_t mode = 0755) {
    std::filesystem::create_directories(path(relative));
    ::chmod(path(relative).c_str(), mode);
  }
  void file(const std::string& relative, const std::string& text) {
    std::ofstream(path(relative), std::ios::binary) << text;
  }
  void link(const std::string& relative, const std::string& target) {
    ASSERT_EQ(::symlink(target.c_str(), path(relative).c_str()), 0) << relative;
  }
  OwnerOptions options() const {
    OwnerOptions options;
    options.proc_root = root_;
    options.same_network_namespace_only = false;
    return options;
  }

  // pid 100 holds every kind of link; 200 shares socket 42; the rest own
  // nothing that counts.
  void build_tree() {
    directory("100/fd");
    file("100/comm", "evil\x1b]0;title\x07\n");
    link("100/fd/3", "socket:[42]");
    link("100/fd/4", "pipe:[7]");
    link("100/fd/5", "socket:[garbage");
    link("100/fd/6", "socket:[18446744073709551616]");
    file("100/fd/7", "not a link");
    link("100/fd/8", "socket:[43]");
    link("100/fd/9", "socket:[42]");  // a dup() of fd 3
    link("100/fd/10", "socket:[0]");
    link("100/fd/11", "socket:[" + std::string(100, '4') + "]");
    directory("100/fd/12");
    directory("200/fd");
    file("200/comm", "other\n");
    link("200/fd/0", "socket:[42]");
    directory("300");  // no fd directory (like a process that just exited)
    file("300/comm", "nofd\n");
    directory("400/fd");  // no descriptors
    file("400/comm", "idle\n");
    directory("600/fd");  // no comm: exited after its descriptors were read
    link("600/fd/3", "socket:[44]");
    directory("abc/fd");
    link("abc/fd/3", "socket:[45]");
    file("500", "a file named like a pid");
  }

  std::string root_;
};

TEST_F(FakeProc, ParsesLinksAndSkipsEverythingElse) {
  build_tree();
  OwnerMap map = collect_or_fail(options());

  EXPECT_EQ(owner_pids(map, 42), (std::vector<int>{100, 200}));
  EXPECT_EQ(owner_pids(map, 43), std::vector<int>{100});
  for (uint64_t inode : {0, 7, 44, 45, 100}) EXPECT_TRUE(map.owners_of(inode).empty()) << inode;
  EXPECT_EQ(map.process_count(), 2u);
  EXPECT_FALSE(map.permission_denied());

  const ProcessInfo* evil = map.owners_of(43)[0];
  EXPECT_EQ(evil->name, "evil\x1b]0;title\x07");  // raw: sanitising is the renderer's job
  struct stat info {};
  ASSERT_EQ(::stat(path("100").c_str(), &info), 0);
  EXPECT_EQ(evil->uid, info.st_uid);
  EXPECT_FALSE(evil->user.empty());
  EXPECT_EQ(map.owners_of(42)[1]->name, "other");
}

TEST_F(FakeProc, UnreadableDescriptorsSetPermissionDenied) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  build_tree();
  directory("700/fd", 0700);
  file("700/comm", "secret\n");
  link("700/fd/3", "socket:[46]");
  OwnerOptions fake = options();
  int status = exit_code_of_child([&] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 10;
    auto map = collect_owners(fake);
    if (!map.ok()) return 1;
    if (!map->permission_denied()) return 2;
    if (owner_pids(*map, 42) != std::vector<int>{100, 200}) return 3;
    if (!map->owners_of(46).empty()) return 4;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

TEST_F(FakeProc, ReportsAnUnreadableRoot) {
  OwnerOptions missing = options();
  missing.proc_root = path("nowhere");
  auto map = collect_owners(missing);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().msgid, "cannot read {}: {}");
  EXPECT_EQ(map.error().args.at(0), missing.proc_root);
}

TEST_F(FakeProc, NamespaceFilterNeedsOurOwnNamespaceLink) {
  build_tree();
  OwnerOptions filtered = options();
  filtered.same_network_namespace_only = true;
  auto map = collect_owners(filtered);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().msgid, "cannot read {}: {}");
}

TEST(OwnerMap, EmptyMapHasNoOwners) {
  OwnerMap map;
  EXPECT_TRUE(map.owners_of(1).empty());
  EXPECT_EQ(map.process_count(), 0u);
  EXPECT_FALSE(map.permission_denied());
}

}  // namespace
}  // namespace portlens
