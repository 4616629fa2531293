#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace portlens {

Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  UniqueFd fd(retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK); }));
  if (!fd) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return make_error(N_("cannot read {}: not a regular file"), path);
  if (static_cast<size_t>(info.st_size) > max_bytes) {
    return make_error(N_("{} is too large ({} bytes; the limit is {})"), path, info.st_size, max_bytes);
  }
  std::string text(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t got = retry_on_eintr([&] { return ::read(fd.get(), text.data() + done, text.size() - done); });
    if (got < 0) return make_error(N_("cannot read {}: {}"), path, std::strerror(errno));
    if (got == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(got);
  }
  text.resize(done);
  return text;
}

}  // namespace portlens
