#pragma once
// Runs a system program and captures its standard output — for the few
// rulesets the kernel only hands out through a tool (iptables-save). The
// program is looked up in the system directories only, never through PATH,
// so a root audit cannot be hijacked by a writable directory in PATH.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace portlens {

struct ProgramOutput {
  std::string out;  ///< Standard output, at most the limit given.
  int exit_status = 0;  ///< Exit code, or 128 + signal number.
};

/// "/usr/sbin/iptables-save" for "iptables-save", or empty when the program
/// is in none of /usr/sbin, /usr/bin, /sbin, /bin.
std::string find_system_program(std::string_view name);

/// Runs `argv` (argv[0] a path) with stdin and stderr on /dev/null; kills it
/// after `timeout`. Fails when it cannot start, times out, or prints more
/// than `max_output` bytes.
Result<ProgramOutput> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  size_t max_output = 64 << 20);

}  // namespace portlens
