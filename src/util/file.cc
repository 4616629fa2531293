#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace portlens {

namespace {

constexpr size_t kReadChunkBytes = 64 * 1024;

/// Reads an open regular file until EOF; st_size is only a first guess.
Result<std::string> read_open_file(int fd, const std::string& path, size_t max_bytes) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return make_error(N_("cannot read {}: not a regular file"), path);
  if (static_cast<size_t>(info.st_size) > max_bytes) {
    return make_error(N_("{} is too large ({} bytes; the limit is {})"), path, info.st_size, max_bytes);
  }
  std::string text;
  text.reserve(static_cast<size_t>(info.st_size) + 1);
  while (true) {
    size_t done = text.size();
    if (done >= max_bytes) return make_error(N_("{} is larger than the limit of {} bytes"), path, max_bytes);
    text.resize(done + std::min(kReadChunkBytes, max_bytes - done));
    ssize_t got = retry_on_eintr([&] { return ::read(fd, text.data() + done, text.size() - done); });
    if (got < 0) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
    text.resize(done + static_cast<size_t>(got));
    if (got == 0) return text;
  }
}

}  // namespace

Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  auto text = read_text_file_if_exists(path, max_bytes);
  if (!text) return text.error();
  if (!text->has_value()) return make_error(N_("cannot read {}: {}"), path, std::strerror(ENOENT));
  return std::move(**text);
}

Result<std::optional<std::string>> read_text_file_if_exists(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO by mistake must not hang; it is refused below.
  UniqueFd fd(retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK); }));
  if (!fd && errno == ENOENT) return std::optional<std::string>();
  if (!fd) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
  auto text = read_open_file(fd.get(), path, max_bytes);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

}  // namespace portlens
