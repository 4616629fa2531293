#pragma once
// Shared by the namespace tests that run a shell script printing scenarios:
// each scenario is a line "=== NAME", its output, then "=== exit N".

#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <string>

namespace portlens_test {

struct Scenario {
  std::string body;
  int exit_code = -1;
};

/// Runs `command` (stderr should be redirected into stdout by the caller) and
/// splits its output into scenarios. `status_ok` says whether it exited 0;
/// `output` keeps everything it printed, for failure messages.
inline std::map<std::string, Scenario> run_scenarios(const std::string& command, bool* status_ok,
                                                     std::string* output) {
  std::map<std::string, Scenario> scenarios;
  *status_ok = false;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return scenarios;
  std::string& out = *output;
  char buffer[65536];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  int status = pclose(pipe);
  *status_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::string name;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("=== exit ", 0) == 0) {
      scenarios[name].exit_code = std::stoi(line.substr(9));
    } else if (line.rfind("=== ", 0) == 0) {
      name = line.substr(4);
    } else if (!name.empty()) {
      scenarios[name].body += line + "\n";
    }
  }
  return scenarios;
}

}  // namespace portlens_test
