#pragma once
// Which processes own which sockets: the socket-inode → processes map that
// `portlens ls` joins with the netlink socket dump. Built by one walk of
// /proc/PID/fd (see the essay at the top of proc_owners.cc for why the walk is
// shaped the way it is).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace portlens {

/// One process that owns at least one socket.
struct ProcessInfo {
  int pid = 0;
  /// /proc/PID/comm without its newline: raw bytes chosen by the process
  /// (untrusted, may hold escape sequences); sanitise before printing.
  std::string name;
  /// Owner of /proc/PID (the effective uid; 0 for non-dumpable processes).
  uint32_t uid = 0;
  /// User name from the password database, or the uid in decimal if unknown.
  std::string user;
  /// Only with OwnerOptions::command_line: /proc/PID/cmdline with its NUL
  /// separators turned into spaces (empty for kernel threads and zombies; at
  /// most kMaxCommandLineBytes are read). Untrusted like `name`.
  std::string command_line;
  /// Only with OwnerOptions::executable: the /proc/PID/exe link target, which
  /// may end in " (deleted)"; empty when it cannot be read (not our process,
  /// kernel thread).
  std::string executable;
};

inline constexpr size_t kMaxCommandLineBytes = 256 * 1024;

struct OwnerOptions {
  bool command_line = false;  ///< Fill ProcessInfo::command_line.
  bool executable = false;    ///< Fill ProcessInfo::executable.
  int threads = 2;            ///< Walkers over the pid list; values below 1 mean 1.
  std::string proc_root = "/proc";
  /// Skip processes whose network namespace is not the calling thread's (their
  /// sockets cannot be in a dump taken from here). Needs PROC_ROOT/thread-self/ns/net.
  bool same_network_namespace_only = true;
};

/// Socket inode → owning processes. Move-only: owners_of() hands out pointers
/// into the map itself.
class OwnerMap {
 public:
  OwnerMap() = default;
  OwnerMap(OwnerMap&&) noexcept = default;
  OwnerMap& operator=(OwnerMap&&) noexcept = default;
  OwnerMap(const OwnerMap&) = delete;
  OwnerMap& operator=(const OwnerMap&) = delete;

  /// Processes owning the socket with this inode, ordered by pid, each once;
  /// several after fork() or with SO_REUSEPORT groups. Empty for inode 0 and
  /// for sockets whose owner could not be seen. Valid while the map lives.
  std::span<const ProcessInfo* const> owners_of(uint64_t inode) const;
  /// Processes that own at least one socket.
  size_t process_count() const { return processes_.size(); }
  /// True when some process could not be inspected for lack of permission
  /// (not root): sockets of other users may be shown without an owner.
  bool permission_denied() const { return permission_denied_; }

 private:
  friend Result<OwnerMap> collect_owners(const OwnerOptions& options);

  std::vector<ProcessInfo> processes_;      // ordered by pid
  std::vector<uint64_t> inodes_;            // sorted, unique
  std::vector<uint32_t> first_owner_;       // inodes_[i] owned by owners_[first_owner_[i] .. first_owner_[i+1])
  std::vector<const ProcessInfo*> owners_;  // grouped by inode, by pid within a group
  bool permission_denied_ = false;
};

/// Walks PROC_ROOT/*/fd once. Processes and descriptors that vanish during the
/// walk are left out silently. Fails only when PROC_ROOT itself (or, with
/// same_network_namespace_only, our own namespace link) cannot be read.
Result<OwnerMap> collect_owners(const OwnerOptions& options);

/// The inode of a "/proc/PID/fd/N" link target of the form "socket:[12345]";
/// nullopt for any other target, a malformed one, an overflowing number, or 0.
std::optional<uint64_t> parse_socket_link(std::string_view link_target);

}  // namespace portlens
