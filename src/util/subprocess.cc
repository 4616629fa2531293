#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

extern char** environ;

namespace portlens {

std::string find_system_program(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) return {};
  for (const char* directory : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    std::string path = std::string(directory) + "/" + std::string(name);
    struct stat info{};
    if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & 0111) != 0) return path;
  }
  return {};
}

Result<ProgramOutput> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  size_t max_output) {
  if (argv.empty()) return make_error(N_("cannot run {}: {}"), "", "no program");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return make_error(N_("cannot run {}: {}"), argv[0], std::strerror(errno));
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // A fixed environment: the C locale keeps the tool's output parseable.
  char lc_all[] = "LC_ALL=C";
  char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* env[] = {lc_all, path, nullptr};
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (spawned != 0) return make_error(N_("cannot run {}: {}"), argv[0], std::strerror(spawned));

  ProgramOutput result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool too_long = false, timed_out = false;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd waiting{read_end.get(), POLLIN, 0};
    int ready = poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    ssize_t got = read(read_end.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (result.out.size() + static_cast<size_t>(got) > max_output) {
      too_long = true;
      break;
    }
    result.out.append(buffer, static_cast<size_t>(got));
  }
  if (timed_out || too_long) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return make_error(N_("cannot run {}: {}"), argv[0], "timed out");
  if (too_long) return make_error(N_("cannot run {}: {}"), argv[0], "too much output");
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace portlens
