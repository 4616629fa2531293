// Socket ownership from /proc, and why the walk looks like this.
//
// The kernel does not say which process owns a socket; the only general answer
// is to look at every descriptor of every process: /proc/PID/fd/N is a link
// whose target reads "socket:[INODE]" for a socket, and INODE is the number
// the netlink dump reports. This walk is ~86% of what `ss -p` spends (see
// PEERS-MEASURED.md), so it is kept to the syscalls it cannot avoid:
//
//   per process  openat(/proc, "PID")      a directory fd pins the process: if
//                                          PID dies and is reused meanwhile,
//                                          lookups through the old fd fail
//                                          instead of reading the newcomer
//                fstatat(pid, "ns/net")    skip other network namespaces: their
//                                          sockets cannot be in our dump, and
//                                          skipping them is the biggest win
//                openat(pid, "fd") + getdents64 in a reused buffer
//   per fd       readlinkat(fd_dir, "N")   into a stack buffer, parsed in place
//   per owner    fstat(pid) for the uid, comm (and cmdline, exe if asked)
//
// No opendir/readdir (allocations), no getxattr (ss asks SELinux for every
// socket), no per-descriptor allocation: a socket costs one readlinkat and one
// 16-byte push into a per-walker vector. The pid list is shared by `threads`
// walkers through an atomic cursor (processes differ wildly in size, so fixed
// slices would leave one walker idle); the calling thread is one of them.
//
// At the end, the (inode, process) pairs of all walkers are sorted once into
// a flat sorted array of inodes with, for each, a run of owner pointers:
// owners_of() is a binary search, and the whole map is four vectors.
//
// Races: a process or descriptor that disappears mid-walk makes a syscall fail
// with ENOENT or ESRCH and is dropped. A process whose comm cannot be read after
// its descriptors were listed has exited: its sockets are dropped with it, so a
// pid is never reported for a socket it did not hold.

#include "inventory/proc_owners.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iterator>
#include <numeric>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "util/unique_fd.h"

namespace portlens {
namespace {

constexpr size_t kDirentBufferBytes = 64 * 1024;
// "socket:[18446744073709551615]" is 29 bytes; a full buffer means a longer,
// hence non-socket, target.
constexpr size_t kLinkBufferBytes = 48;

struct NamespaceId {
  dev_t device = 0;
  ino_t inode = 0;
};

struct OwnedSocket {
  uint64_t inode;
  uint32_t process;  // index into the walker's (later the map's) process list
};

/// Calls `visit(name, d_type)` for every entry of the open directory.
/// Returns false with errno set when getdents64 fails.
template <typename Visit>
bool for_each_entry(int directory_fd, std::vector<char>& buffer, Visit visit) {
  for (;;) {
    ssize_t got = retry_on_eintr([&] { return ::getdents64(directory_fd, buffer.data(), buffer.size()); });
    if (got < 0) return false;
    if (got == 0) return true;
    for (ssize_t offset = 0; offset < got;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer.data() + offset);
      visit(entry->d_name, entry->d_type);
      offset += entry->d_reclen;
    }
  }
}

/// A pid directory name: decimal digits only, no sign, fits an int.
std::optional<int> parse_pid(const char* name) {
  int pid = 0;
  const char* end = name + std::strlen(name);
  auto [stop, error] = std::from_chars(name, end, pid);
  if (error != std::errc() || stop != end || name == end || name[0] == '-' || pid <= 0) return std::nullopt;
  return pid;
}

// Any other failure (ENOENT and ESRCH above all: the process or descriptor is
// gone) just leaves that process or descriptor out.
bool denied(int error) { return error == EACCES || error == EPERM; }
// Failures that would silently drop owners everywhere: reported, not skipped.
bool exhausted(int error) { return error == EMFILE || error == ENFILE || error == ENOMEM; }

UniqueFd open_directory_at(int directory_fd, const char* name) {
  return UniqueFd(
      retry_on_eintr([&] { return ::openat(directory_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW); }));
}

/// Reads at most `max_bytes` of a small file below `directory_fd`.
bool read_file_at(int directory_fd, const char* name, size_t max_bytes, std::string* text) {
  UniqueFd fd(retry_on_eintr([&] { return ::openat(directory_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW); }));
  if (!fd) return false;
  text->clear();
  char chunk[4096];
  while (text->size() < max_bytes) {
    size_t want = std::min(sizeof chunk, max_bytes - text->size());
    ssize_t got = retry_on_eintr([&] { return ::read(fd.get(), chunk, want); });
    if (got < 0) return false;
    if (got == 0) break;
    text->append(chunk, static_cast<size_t>(got));
  }
  return true;
}

std::string command_line_at(int pid_fd) {
  std::string text;
  if (!read_file_at(pid_fd, "cmdline", kMaxCommandLineBytes, &text)) return {};
  while (!text.empty() && text.back() == '\0') text.pop_back();
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

std::string executable_at(int pid_fd) {
  char target[PATH_MAX + 32];
  ssize_t length = retry_on_eintr([&] { return ::readlinkat(pid_fd, "exe", target, sizeof target); });
  if (length < 0) return {};
  return std::string(target, static_cast<size_t>(length));
}

/// Input shared by all walkers; only `next` changes during the walk.
struct WalkPlan {
  int proc_fd = -1;
  const OwnerOptions* options = nullptr;
  std::optional<NamespaceId> own_namespace;
  std::span<const int> pids;
  std::atomic<size_t> next{0};
};

/// One thread's share of the walk. Everything it produces stays private to it
/// until the threads are joined; cache-line aligned so that neighbouring
/// walkers' vectors do not share a line.
class alignas(64) Walker {
 public:
  explicit Walker(WalkPlan* plan) : plan_(plan), dirent_buffer_(kDirentBufferBytes) {}

  void run() {
    for (;;) {
      size_t index = plan_->next.fetch_add(1, std::memory_order_relaxed);
      if (index >= plan_->pids.size() || first_error != 0) return;
      visit(plan_->pids[index]);
    }
  }

  std::vector<ProcessInfo> processes;
  std::vector<OwnedSocket> sockets;
  bool permission_denied = false;
  int first_error = 0;  // an exhausted() errno, which fails the whole walk
  int error_pid = 0;

 private:
  void note_failure(int error, int pid) {
    if (denied(error)) permission_denied = true;
    if (exhausted(error) && first_error == 0) {
      first_error = error;
      error_pid = pid;
    }
  }

  void visit(int pid) {
    char name[16];
    *std::to_chars(name, name + sizeof name - 1, pid).ptr = '\0';
    UniqueFd pid_fd = open_directory_at(plan_->proc_fd, name);
    if (!pid_fd) return note_failure(errno, pid);
    if (plan_->own_namespace && !in_own_namespace(pid_fd.get(), pid)) return;

    size_t mark = sockets.size();
    auto index = static_cast<uint32_t>(processes.size());
    if (!list_sockets(pid_fd.get(), pid, index) || sockets.size() == mark) {
      sockets.resize(mark);
      return;
    }
    ProcessInfo info;
    if (!describe(pid_fd.get(), pid, &info)) {
      sockets.resize(mark);  // exited after its descriptors were listed
      return;
    }
    processes.push_back(std::move(info));
  }

  bool in_own_namespace(int pid_fd, int pid) {
    struct stat info {};
    if (::fstatat(pid_fd, "ns/net", &info, 0) != 0) {
      note_failure(errno, pid);  // ENOENT for zombies and the departed
      return false;
    }
    return info.st_dev == plan_->own_namespace->device && info.st_ino == plan_->own_namespace->inode;
  }

  // The hot loop: one readlinkat per descriptor, nothing allocated but the
  // amortised growth of `sockets`.
  bool list_sockets(int pid_fd, int pid, uint32_t process_index) {
    UniqueFd fd_dir = open_directory_at(pid_fd, "fd");
    if (!fd_dir) {
      note_failure(errno, pid);
      return false;
    }
    bool listed = for_each_entry(fd_dir.get(), dirent_buffer_, [&](const char* entry, unsigned char type) {
      if (entry[0] == '.' || (type != DT_LNK && type != DT_UNKNOWN)) return;
      char target[kLinkBufferBytes];
      ssize_t length = retry_on_eintr([&] { return ::readlinkat(fd_dir.get(), entry, target, sizeof target); });
      if (length < 0) return note_failure(errno, pid);  // closed meanwhile, or not a link
      if (static_cast<size_t>(length) == sizeof target) return;
      if (auto inode = parse_socket_link({target, static_cast<size_t>(length)})) {
        sockets.push_back({*inode, process_index});
      }
    });
    if (!listed) note_failure(errno, pid);
    return listed;
  }

  bool describe(int pid_fd, int pid, ProcessInfo* info) {
    struct stat pid_stat {};
    if (::fstat(pid_fd, &pid_stat) != 0 || !read_file_at(pid_fd, "comm", 256, &info->name)) {
      note_failure(errno, pid);
      return false;
    }
    if (!info->name.empty() && info->name.back() == '\n') info->name.pop_back();
    info->pid = pid;
    info->uid = pid_stat.st_uid;
    if (plan_->options->command_line) info->command_line = command_line_at(pid_fd);
    if (plan_->options->executable) info->executable = executable_at(pid_fd);
    return true;
  }

  WalkPlan* plan_;
  std::vector<char> dirent_buffer_;
};

Result<std::vector<int>> list_pids(int proc_fd, const std::string& proc_root) {
  std::vector<int> pids;
  pids.reserve(1024);
  std::vector<char> buffer(kDirentBufferBytes);
  bool listed = for_each_entry(proc_fd, buffer, [&](const char* name, unsigned char type) {
    if (type != DT_DIR && type != DT_UNKNOWN) return;
    if (auto pid = parse_pid(name)) pids.push_back(*pid);
  });
  if (!listed) return make_error(N_("cannot read {}: {}"), proc_root, std::strerror(errno));
  return pids;
}

Result<NamespaceId> own_network_namespace(int proc_fd, const std::string& proc_root) {
  // thread-self, not self: setns() moves only the calling thread, and that is
  // the namespace the caller's netlink dump will see.
  struct stat info {};
  if (::fstatat(proc_fd, "thread-self/ns/net", &info, 0) != 0 && ::fstatat(proc_fd, "self/ns/net", &info, 0) != 0) {
    return make_error(N_("cannot read {}: {}"), proc_root + "/thread-self/ns/net", std::strerror(errno));
  }
  return NamespaceId{info.st_dev, info.st_ino};
}

/// Runs the walkers: `threads - 1` new threads plus the calling one. A thread
/// that cannot be started just leaves more work to the others.
std::vector<Walker> walk(WalkPlan* plan, int threads) {
  size_t count =
      std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1, std::max<size_t>(plan->pids.size(), 1));
  std::vector<Walker> walkers;
  walkers.reserve(count);
  for (size_t i = 0; i < count; ++i) walkers.emplace_back(plan);
  std::vector<std::thread> helpers;
  helpers.reserve(count - 1);
  for (size_t i = 1; i < count; ++i) {
    try {
      helpers.emplace_back([walker = &walkers[i]] { walker->run(); });
    } catch (const std::system_error&) {
      break;
    }
  }
  walkers[0].run();
  for (auto& helper : helpers) helper.join();
  return walkers;
}

/// User names by uid, looked up once each.
class UserNames {
 public:
  const std::string& name_of(uint32_t uid) {
    auto [slot, inserted] = names_.try_emplace(uid);
    if (inserted) slot->second = look_up(uid);
    return slot->second;
  }

 private:
  static std::string look_up(uint32_t uid) {
    std::vector<char> buffer(4096);
    for (;;) {
      struct passwd entry {};
      struct passwd* found = nullptr;
      int error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
      if (error == ERANGE && buffer.size() < (1u << 20)) {
        buffer.resize(buffer.size() * 2);
        continue;
      }
      if (error == EINTR) continue;
      if (error != 0 || found == nullptr) return std::to_string(uid);
      return found->pw_name;
    }
  }

  std::unordered_map<uint32_t, std::string> names_;
};

/// The walkers' results joined: processes by pid; inodes sorted, each with a
/// run of owners (indices into `processes`) by pid without repeats (a socket
/// dup()ed within one process is one owner).
struct Assembled {
  std::vector<ProcessInfo> processes;
  std::vector<uint64_t> inodes;
  std::vector<uint32_t> first_owner;  // one more than inodes
  std::vector<uint32_t> owners;
};

/// Moves every walker's processes into one list ordered by pid, and renumbers
/// the walkers' sockets to match.
std::vector<OwnedSocket> gather(std::vector<Walker>& walkers, std::vector<ProcessInfo>* processes) {
  std::vector<ProcessInfo> unordered;
  std::vector<OwnedSocket> sockets;
  size_t process_total = 0;
  size_t socket_total = 0;
  for (const Walker& walker : walkers) {
    process_total += walker.processes.size();
    socket_total += walker.sockets.size();
  }
  unordered.reserve(process_total);
  sockets.reserve(socket_total);
  for (Walker& walker : walkers) {
    auto offset = static_cast<uint32_t>(unordered.size());
    std::move(walker.processes.begin(), walker.processes.end(), std::back_inserter(unordered));
    for (OwnedSocket socket : walker.sockets) sockets.push_back({socket.inode, socket.process + offset});
    walker.sockets = {};
  }
  std::vector<uint32_t> order(unordered.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return unordered[a].pid < unordered[b].pid; });
  std::vector<uint32_t> rank(order.size());
  processes->reserve(order.size());
  for (uint32_t position = 0; position < order.size(); ++position) {
    rank[order[position]] = position;
    processes->push_back(std::move(unordered[order[position]]));
  }
  for (OwnedSocket& socket : sockets) socket.process = rank[socket.process];
  return sockets;
}

Assembled assemble(std::vector<Walker>& walkers) {
  Assembled result;
  std::vector<OwnedSocket> sockets = gather(walkers, &result.processes);
  auto key = [](const OwnedSocket& socket) { return std::pair(socket.inode, socket.process); };
  std::sort(sockets.begin(), sockets.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  sockets.erase(
      std::unique(sockets.begin(), sockets.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
      sockets.end());
  result.owners.reserve(sockets.size());
  for (const OwnedSocket& socket : sockets) {
    if (result.inodes.empty() || result.inodes.back() != socket.inode) {
      result.inodes.push_back(socket.inode);
      result.first_owner.push_back(static_cast<uint32_t>(result.owners.size()));
    }
    result.owners.push_back(socket.process);
  }
  result.first_owner.push_back(static_cast<uint32_t>(result.owners.size()));
  UserNames users;
  for (ProcessInfo& process : result.processes) process.user = users.name_of(process.uid);
  return result;
}

}  // namespace

std::optional<uint64_t> parse_socket_link(std::string_view link_target) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link_target.size() < kPrefix.size() + 2 || !link_target.starts_with(kPrefix) || link_target.back() != ']') {
    return std::nullopt;
  }
  std::string_view digits = link_target.substr(kPrefix.size(), link_target.size() - kPrefix.size() - 1);
  uint64_t inode = 0;
  auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), inode);
  if (error != std::errc() || stop != digits.data() + digits.size() || inode == 0) return std::nullopt;
  return inode;
}

std::span<const ProcessInfo* const> OwnerMap::owners_of(uint64_t inode) const {
  auto found = std::lower_bound(inodes_.begin(), inodes_.end(), inode);
  if (found == inodes_.end() || *found != inode) return {};
  size_t slot = static_cast<size_t>(found - inodes_.begin());
  return std::span<const ProcessInfo* const>(owners_).subspan(first_owner_[slot],
                                                              first_owner_[slot + 1] - first_owner_[slot]);
}

Result<OwnerMap> collect_owners(const OwnerOptions& options) {
  UniqueFd proc_fd(
      retry_on_eintr([&] { return ::open(options.proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
  if (!proc_fd) return make_error(N_("cannot read {}: {}"), options.proc_root, std::strerror(errno));

  WalkPlan plan;
  plan.proc_fd = proc_fd.get();
  plan.options = &options;
  if (options.same_network_namespace_only) {
    auto own = own_network_namespace(proc_fd.get(), options.proc_root);
    if (!own) return own.error();
    plan.own_namespace = *own;
  }
  auto pids = list_pids(proc_fd.get(), options.proc_root);
  if (!pids) return pids.error();
  plan.pids = *pids;

  std::vector<Walker> walkers = walk(&plan, options.threads);
  OwnerMap map;
  for (const Walker& walker : walkers) {
    if (walker.first_error != 0) {
      return make_error(N_("cannot read {}: {}"), fmt::format("{}/{}", options.proc_root, walker.error_pid),
                        std::strerror(walker.first_error));
    }
    map.permission_denied_ = map.permission_denied_ || walker.permission_denied;
  }
  Assembled parts = assemble(walkers);
  map.processes_ = std::move(parts.processes);
  map.inodes_ = std::move(parts.inodes);
  map.first_owner_ = std::move(parts.first_owner);
  map.owners_.reserve(parts.owners.size());
  for (uint32_t process : parts.owners) map.owners_.push_back(&map.processes_[process]);
  return map;
}

}  // namespace portlens
