// Small /proc texts: fd link targets ("socket:[12345]") from /proc/PID/fd,
// and /proc/net/sockstat, whose counts size the dump.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/proc_net_source.h"
#include "inventory/proc_owners.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto inode = portlens::parse_socket_link(text);
  if (inode && *inode == 0) __builtin_trap();  // 0 means "no inode" and is never returned
  if (portlens::parse_sockstat_count(text) > 50'000'000) __builtin_trap();  // the documented cap
  return 0;
}
