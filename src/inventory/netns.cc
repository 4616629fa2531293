#include "inventory/netns.h"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace portlens {

std::string network_namespace_path(std::string_view name_or_path) {
  if (name_or_path.find('/') != std::string_view::npos) return std::string(name_or_path);
  return "/run/netns/" + std::string(name_or_path);
}

Status enter_network_namespace(const std::string& path) {
  UniqueFd fd(retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd) return make_error(N_("cannot open network namespace {}: {}"), path, std::strerror(errno));
  if (::setns(fd.get(), CLONE_NEWNET) != 0) {
    return make_error(N_("cannot enter network namespace {}: {}"), path, std::strerror(errno));
  }
  return Ok{};
}

}  // namespace portlens
