// cmdtime: times whole commands side by side, the way bench/RESULTS.md
// reports them. The commands run interleaved (A B A B …) so that a change in
// machine load affects all of them alike; each run is fork+execve+wait4 with
// stdout and stderr sent to /dev/null. Prints medians, 10th/90th percentiles,
// peak RSS, and every command's median as a ratio of the last one (the peer).
//
//   cmdtime [--runs N] [--warmup N] -- CMD ARGS... [-- CMD ARGS...]...

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Sample {
  double milliseconds;
  long max_rss_kib;
};

Sample run_once(const std::vector<char*>& argv) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
    std::fprintf(stderr, "cmdtime: %s failed (status %d)\n", argv[0], status);
    std::exit(1);
  }
  return {std::chrono::duration<double, std::milli>(elapsed).count(), usage.ru_maxrss};
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 100, warmup = 10;
  std::vector<std::vector<char*>> commands;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--warmup" && i + 1 < argc) {
      warmup = std::max(0, std::atoi(argv[++i]));
    } else if (arg == "--") {
      commands.emplace_back();
    } else if (!commands.empty()) {
      commands.back().push_back(argv[i]);
    }
  }
  std::erase_if(commands, [](const auto& command) { return command.empty(); });
  if (commands.empty()) {
    std::fprintf(stderr, "usage: cmdtime [--runs N] [--warmup N] -- CMD ARGS... [-- CMD ARGS...]\n");
    return 2;
  }
  for (auto& command : commands) command.push_back(nullptr);
  std::vector<std::vector<double>> times(commands.size());
  std::vector<long> rss(commands.size(), 0);
  for (int round = 0; round < warmup + runs; ++round) {
    for (size_t c = 0; c < commands.size(); ++c) {
      Sample sample = run_once(commands[c]);
      if (round < warmup) continue;
      times[c].push_back(sample.milliseconds);
      rss[c] = std::max(rss[c], sample.max_rss_kib);
    }
  }
  double peer = percentile(times.back(), 0.5);
  std::printf("| command | median ms | p10 ms | p90 ms | peak RSS KiB | ratio to last |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (size_t c = 0; c < commands.size(); ++c) {
    std::string name;
    for (char* word : commands[c]) {
      if (word == nullptr) break;
      if (!name.empty()) name += ' ';
      name += word;
    }
    double median = percentile(times[c], 0.5);
    std::printf("| `%s` | %.3f | %.3f | %.3f | %ld | %.2f |\n", name.c_str(), median,
                percentile(times[c], 0.1), percentile(times[c], 0.9), rss[c], median / peer);
  }
  std::printf("\n%d runs each after %d warm-up runs, interleaved.\n", runs, warmup);
  return 0;
}
