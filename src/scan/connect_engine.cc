// The connect engine: how many probes to keep in flight, when to give up on
// one, and what the kernel's answer means.
//
// Shape. One thread, one epoll. A probe is pulled from the source, gets a
// non-blocking socket and connect(); the socket is registered for EPOLLOUT and
// its deadline goes into a min-heap. When the kernel reports the connect's end
// (EPOLLOUT or EPOLLERR) SO_ERROR says how it ended; when it is an ICMP error
// the socket's error queue (IP_RECVERR / IPV6_RECVERR) gives the exact ICMP
// type and code, because IPv4 reports "administratively prohibited" as plain
// EHOSTUNREACH. A deadline passing without an answer is a silent attempt: the
// probe is tried again with a fresh socket (a retransmission is a new connect,
// so its RTT sample is never ambiguous) until it has had max_retries + 1
// attempts (fewer on a clean network, see Congestion below), then it is
// filtered/no-response. Every attempt waits the host's current timeout: a
// longer wait for later attempts would only stretch the tail of a sweep
// (dropped ports are the last to finish), and the timeout already grows
// when answers slow down.
//
// Timing, per host, as TCP does it (RFC 6298): the first answer sets
// srtt = sample and rttvar = sample / 2; later ones set
// rttvar = 3/4 rttvar + 1/4 |srtt - sample| and srtt = 7/8 srtt + 1/8 sample.
// The timeout is srtt + 4 rttvar clamped to [min_rtt_timeout,
// max_rtt_timeout]; before the first answer it is initial_rtt_timeout.
// Example: samples of 200 us and 400 us give srtt 225 us, rttvar 125 us,
// timeout 725 us, which the clamp lifts to min_rtt_timeout (100 ms in T3).
//
// Congestion, per host, AIMD: the window starts at 10 probes in slow start
// (+1 per answer) up to a threshold, then grows by 1/window per answer. A
// silence alone proves nothing (a filtered port is silent by design), so the
// window shrinks (threshold = window = window / 2, not below
// min_host_parallelism) when a retransmission is answered: the attempt
// before it was lost. Once per loss episode: attempts started before the
// last shrink cannot shrink it again. The same evidence bounds retries: a
// silent probe gets at most kRetryMargin attempts beyond the deepest attempt
// that ever got an answer from its host (and never more than max_retries + 1),
// so on a clean network a dropped port costs 4 attempts, not 11.
//
// Resources. RLIMIT_NOFILE's soft limit is raised to the hard limit and the
// global window is what it allows minus the descriptors already open minus a
// reserve. When socket() or connect() still fail for lack of descriptors,
// buffers or local ports, the probe goes back to the front of the queue, the
// window shrinks to what is in flight and nothing starts for a back-off delay
// (10 ms doubling to 1 s); the window then regrows by one per finished attempt.
// If nothing at all is in flight and a probe still cannot get a socket after
// kMaxResourceFailures tries, it ends as filtered/local-error, so the loop ends
// even when no descriptor will ever be free.
//
// Memory: the in-flight slots, a parking queue no longer than the window (a
// probe waits there when its host's window is full), the deadline heap (stale
// entries are purged when it grows past four times the window) and per-host
// state for hosts with probes in flight or parked; idle hosts are forgotten
// when there are more than kMaxIdleHosts of them, except hosts that ran out of
// host time, which are remembered (address only) so their later probes are
// not retried.

#include "scan/connect_engine.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "util/unique_fd.h"

namespace portlens {

std::string_view reason_name(ProbeReason reason) {
  switch (reason) {
    case ProbeReason::syn_ack:
      return "syn-ack";
    case ProbeReason::conn_refused:
      return "conn-refused";
    case ProbeReason::no_response:
      return "no-response";
    case ProbeReason::host_unreach:
      return "host-unreach";
    case ProbeReason::net_unreach:
      return "net-unreach";
    case ProbeReason::admin_prohibited:
      return "admin-prohibited";
    case ProbeReason::port_unreach:
      return "port-unreach";
    case ProbeReason::proto_unreach:
      return "proto-unreach";
    case ProbeReason::time_exceeded:
      return "time-exceeded";
    case ProbeReason::host_timeout:
      return "host-timeout";
    case ProbeReason::local_error:
      return "local-error";
  }
  return "unknown";
}

std::string_view state_name(PortState state) {
  switch (state) {
    case PortState::open:
      return "open";
    case PortState::closed:
      return "closed";
    case PortState::filtered:
      return "filtered";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr int kInitialHostWindow = 10;
/// Extra attempts beyond the deepest one that was ever answered (see allowed_attempts).
constexpr int kRetryMargin = 3;
/// New probes fill() starts before the main loop checks deadlines and events again.
constexpr int kFillBatch = 256;
/// Refused sockets kept for reuse per family: one or two are in use at a time.
constexpr size_t kSpareSockets = 4;
constexpr int kFdReserve = 8;             // for the caller's sink (it may open files) and /proc reads
constexpr int kMaxResourceFailures = 16;  // about 10 s of back-off
constexpr size_t kMaxIdleHosts = 4096;
constexpr milliseconds kFirstBackoff{10};
constexpr milliseconds kLastBackoff{1000};

std::pair<PortState, ProbeReason> classify_icmp(const IcmpReport& icmp) {
  using R = ProbeReason;
  auto filtered = [](R reason) { return std::pair{PortState::filtered, reason}; };
  if (!icmp.ipv6 && icmp.type == ICMP_DEST_UNREACH) {
    switch (icmp.code) {
      case ICMP_NET_UNREACH:
      case ICMP_NET_UNKNOWN:
      case ICMP_NET_UNR_TOS:
        return filtered(R::net_unreach);
      case ICMP_PROT_UNREACH:
        return filtered(R::proto_unreach);
      case ICMP_PORT_UNREACH:
        return filtered(R::port_unreach);
      case ICMP_NET_ANO:
      case ICMP_HOST_ANO:
      case ICMP_PKT_FILTERED:
        return filtered(R::admin_prohibited);
      default:
        return filtered(R::host_unreach);
    }
  }
  if (!icmp.ipv6 && icmp.type == ICMP_TIME_EXCEEDED) return filtered(R::time_exceeded);
  if (icmp.ipv6 && icmp.type == ICMP6_DST_UNREACH) {
    switch (icmp.code) {
      case ICMP6_DST_UNREACH_NOROUTE:
        return filtered(R::net_unreach);
      case ICMP6_DST_UNREACH_ADMIN:
      case 5:  // source address failed ingress/egress policy (RFC 4443)
      case 6:  // reject route to destination
        return filtered(R::admin_prohibited);
      case ICMP6_DST_UNREACH_NOPORT:
        return filtered(R::port_unreach);
      default:
        return filtered(R::host_unreach);
    }
  }
  if (icmp.ipv6 && icmp.type == ICMP6_TIME_EXCEEDED) return filtered(R::time_exceeded);
  return filtered(R::host_unreach);
}

}  // namespace

std::pair<PortState, ProbeReason> classify_connect_error(int error_number, std::optional<IcmpReport> icmp) {
  // An ICMP answer is more precise than the errno the kernel folded it into.
  if (icmp) return classify_icmp(*icmp);
  switch (error_number) {
    case 0:
      return {PortState::open, ProbeReason::syn_ack};
    case ECONNREFUSED:
      return {PortState::closed, ProbeReason::conn_refused};
    // A reset after the handshake (the peer closed at once): it was open.
    case ECONNRESET:
      return {PortState::open, ProbeReason::syn_ack};
    case EACCES:
    case EPERM:
      return {PortState::filtered, ProbeReason::admin_prohibited};
    case EHOSTUNREACH:
    case EHOSTDOWN:
      return {PortState::filtered, ProbeReason::host_unreach};
    case ENETUNREACH:
    case ENETDOWN:
      return {PortState::filtered, ProbeReason::net_unreach};
    case ETIMEDOUT:
      return {PortState::filtered, ProbeReason::no_response};
    case ENOPROTOOPT:
      return {PortState::filtered, ProbeReason::proto_unreach};
    default:
      return {PortState::filtered, ProbeReason::local_error};
  }
}

Status validate(const EngineOptions& options) {
  auto at_least = [](const char* name, auto value, auto minimum) -> std::optional<Error> {
    if (value >= minimum) return std::nullopt;
    return make_error(N_("{} must be at least {}"), name, minimum);
  };
  const std::optional<Error> checks[] = {
      at_least("--max-parallelism", options.max_parallelism, 1),
      at_least("--min-parallelism", options.min_host_parallelism, 1),
      at_least("--max-retries", options.max_retries, 0),
      at_least("--min-rtt-timeout", options.min_rtt_timeout.count(), 1),
      at_least("--initial-rtt-timeout", options.initial_rtt_timeout.count(), 1),
      at_least("--max-rate", options.max_rate, 0.0),
      at_least("--host-timeout", options.host_timeout.count(), 0),
  };
  for (const auto& failure : checks) {
    if (failure) return *failure;
  }
  if (options.max_retries > 100) return make_error(N_("{} must be at most {}"), "--max-retries", 100);
  if (!std::isfinite(options.max_rate)) return make_error(N_("{} must be at most {}"), "--max-rate", 1e9);
  auto ordered = [](const char* low, long long low_value, const char* high,
                    long long high_value) -> std::optional<Error> {
    if (low_value <= high_value) return std::nullopt;
    return make_error(N_("{} ({}) must not be greater than {} ({})"), low, low_value, high, high_value);
  };
  const std::optional<Error> orderings[] = {
      ordered("--min-parallelism", options.min_host_parallelism, "--max-host-parallelism",
              options.max_host_parallelism),
      ordered("--min-rtt-timeout", options.min_rtt_timeout.count(), "--max-rtt-timeout",
              options.max_rtt_timeout.count()),
  };
  for (const auto& failure : orderings) {
    if (failure) return *failure;
  }
  return Ok{};
}

Result<EngineOptions> timing_template(int level) {
  // Values chosen, not copied: T0/T1 are for not being noticed (one probe at a
  // time, minutes apart), T2 for sharing a thin link, T3 the default, T4 for a
  // decent network, T5 for a LAN or a namespace where losing accuracy to
  // speed is acceptable (2 retries, 300 ms ceiling on the timeout).
  struct Row {
    int parallelism, min_host, max_host;
    int initial_ms, min_ms, max_ms, retries;
    double rate;  // 0 = no cap
    int host_timeout_minutes;
  };
  static constexpr Row kRows[] = {
      {1, 1, 1, 5000, 1000, 10000, 10, 1.0 / 300, 0},  // T0: one probe per 5 minutes
      {1, 1, 1, 5000, 1000, 10000, 10, 1.0 / 15, 0},   // T1: one probe per 15 s
      {10, 1, 10, 1000, 100, 10000, 10, 2.5, 0},       // T2: 2.5 probes/s
      {1000, 1, 1000, 1000, 100, 10000, 10, 0, 0},     // T3: the default
      {2000, 4, 2000, 500, 100, 1250, 6, 0, 0},        // T4
      {2000, 8, 2000, 250, 50, 300, 2, 0, 15},         // T5: more in flight only loses SYNs in the backlog
  };
  if (level < 0 || level > 5) return make_error(N_("unknown timing template T{}: use T0 to T5"), level);
  const Row& row = kRows[level];
  EngineOptions options;
  options.max_parallelism = row.parallelism;
  options.min_host_parallelism = row.min_host;
  options.max_host_parallelism = row.max_host;
  options.initial_rtt_timeout = milliseconds(row.initial_ms);
  options.min_rtt_timeout = milliseconds(row.min_ms);
  options.max_rtt_timeout = milliseconds(row.max_ms);
  options.max_retries = row.retries;
  options.max_rate = row.rate;
  options.host_timeout = std::chrono::minutes(row.host_timeout_minutes);
  return options;
}

namespace {

// --- small pieces --------------------------------------------------------

struct HostKey {
  AddressFamily family;
  std::array<uint8_t, 16> address;
  bool operator==(const HostKey&) const = default;
};

struct HostKeyHash {
  size_t operator()(const HostKey& key) const {
    uint64_t hash = 1469598103934665603ull ^ static_cast<uint8_t>(key.family);
    for (uint8_t byte : key.address) hash = (hash ^ byte) * 1099511628211ull;
    return static_cast<size_t>(hash);
  }
};

HostKey host_key(const ConnectProbe& probe) { return {probe.family, probe.address}; }

/// RFC 6298's smoothed RTT and variance (see the essay at the top).
class RttEstimator {
 public:
  void add(microseconds sample) {
    if (!has_sample_) {
      smoothed_ = sample;
      variance_ = sample / 2;
      has_sample_ = true;
      return;
    }
    microseconds difference = smoothed_ > sample ? smoothed_ - sample : sample - smoothed_;
    variance_ = (3 * variance_ + difference) / 4;
    smoothed_ = (7 * smoothed_ + sample) / 8;
  }
  microseconds timeout(const EngineOptions& options) const {
    if (!has_sample_) return options.initial_rtt_timeout;
    microseconds raw = smoothed_ + 4 * variance_;
    return std::clamp<microseconds>(raw, options.min_rtt_timeout, options.max_rtt_timeout);
  }

 private:
  microseconds smoothed_{0};
  microseconds variance_{0};
  bool has_sample_ = false;
};

struct HostState {
  RttEstimator rtt;
  double window = kInitialHostWindow;
  double threshold = 0;
  int in_flight = 0;
  int parked = 0;  // probes in the queue (new or retries)
  uint64_t answered = 0;
  int most_attempts_answered = 0;  // the highest attempt number that got an answer
  bool started = false;
  Clock::time_point first_probe;
  Clock::time_point last_shrink;
};

struct Pending {
  ConnectProbe probe;
  uint8_t attempts = 0;           // attempts already made
  uint8_t resource_failures = 0;  // consecutive local failures with nothing in flight
  Clock::time_point first_sent{};  // the first attempt: a loss it shows belongs to the episode then
};

struct Attempt {
  UniqueFd fd;
  Pending pending;
  HostState* host = nullptr;
  Clock::time_point sent;
  uint32_t generation = 0;
  bool active = false;
};

struct Deadline {
  Clock::time_point when;
  uint32_t slot;
  uint32_t generation;
  bool operator>(const Deadline& other) const { return when > other.when; }
};


/// Raises the soft fd limit to the hard one; returns the soft limit in force.
long raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 256;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit wanted = limit;
    wanted.rlim_cur = std::min<rlim_t>(limit.rlim_max, 1 << 20);  // "unlimited" is not settable
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
  }
  return static_cast<long>(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
}

long open_descriptor_count() {
  DIR* directory = opendir("/proc/self/fd");
  if (directory == nullptr) return 16;  // a guess; EMFILE back-off covers a wrong one
  long count = 0;
  while (readdir(directory) != nullptr) ++count;
  closedir(directory);
  return count - 3;  // ".", ".." and the directory's own descriptor
}

std::optional<IcmpReport> read_icmp_report(int fd) {
  std::optional<IcmpReport> report;
  for (int round = 0; round < 4; ++round) {  // the queue holds at most a few errors
    char data[64];
    alignas(cmsghdr) char control[512];
    iovec vector{data, sizeof data};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (retry_on_eintr([&] { return recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT); }) < 0) break;
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
      bool v4 = header->cmsg_level == SOL_IP && header->cmsg_type == IP_RECVERR;
      bool v6 = header->cmsg_level == SOL_IPV6 && header->cmsg_type == IPV6_RECVERR;
      if (!v4 && !v6) continue;
      sock_extended_err extended;
      std::memcpy(&extended, CMSG_DATA(header), sizeof extended);
      if (extended.ee_origin == SO_EE_ORIGIN_ICMP) report = IcmpReport{false, extended.ee_type, extended.ee_code};
      if (extended.ee_origin == SO_EE_ORIGIN_ICMP6) report = IcmpReport{true, extended.ee_type, extended.ee_code};
    }
  }
  return report;
}


/// Closes an open connection with a reset, so it leaves no TIME_WAIT behind.
/// Scanning this host through 127.0.0.1 from 127.0.0.1 lets the kernel pair
/// probes up by accident: a probe's ephemeral source port can be the port
/// another probe is knocking on, and two SYN_SENT sockets meeting that way
/// (or one meeting itself) "connect" by TCP simultaneous open — a port that
/// is not listening would be reported open. So probes of a 127/8 address
/// leave from another loopback address, one the scan is unlikely to target,
/// and the port is still chosen at connect() (IP_BIND_ADDRESS_NO_PORT).
void bind_loopback_source(int fd, const ConnectProbe& probe) {
  if (probe.family != AddressFamily::ipv4 || probe.address[0] != 127) return;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  bool target_is_254 = probe.address[1] == 255 && probe.address[2] == 255 && probe.address[3] == 254;
  source.sin_addr.s_addr = htonl(target_is_254 ? 0x7ffffffdu : 0x7ffffffeu);  // 127.255.255.253 / .254
  int one = 1;
  setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source);  // on failure the kernel picks, as before
}

/// A connection whose two ends are the same address and port: TCP's
/// simultaneous open met itself because the kernel chose the target port as
/// the source port. The kernel never chooses a port something listens on,
/// so nothing listens there: the port is closed.
bool connected_to_itself(int fd) {
  sockaddr_storage local{}, peer{};
  socklen_t local_length = sizeof local, peer_length = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
    return false;
  }
  return local_length == peer_length && std::memcmp(&local, &peer, local_length) == 0;
}

/// The ICMP report behind a connect() error, read only when one can change
/// the verdict. ECONNREFUSED is nearly always a reset; the rare ICMP port
/// unreachable also maps to it and is then a closed port, as in nmap's
/// connect scan — and the error-queue read it saves is one system call per
/// closed port, most of a sweep.
std::optional<IcmpReport> icmp_report_for(int fd, int error_number) {
  if (error_number == ECONNREFUSED) return std::nullopt;
  return read_icmp_report(fd);
}

void close_with_reset(UniqueFd& fd) {
  linger reset{1, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  fd.reset();
}

// --- the engine ----------------------------------------------------------

class ConnectEngine {
 public:
  ConnectEngine(const EngineOptions& options, const ProbeSource& source, const ResultSink& sink, int epoll_fd,
                int window)
      : options_(options),
        source_(source),
        sink_(sink),
        epoll_fd_(epoll_fd),
        window_cap_(window),
        window_(window),
        slots_(window) {
    for (int slot = window - 1; slot >= 0; --slot) free_slots_.push_back(slot);
    stats_.max_in_flight = window;
    token_capacity_ = std::max(1.0, options.max_rate / 20);  // at most a 50 ms burst
    tokens_ = 1;
  }

  EngineStats run() {
    Clock::time_point start = Clock::now();
    last_refill_ = start;
    epoll_event events[256];
    // Each pass either finishes work or sleeps until the next deadline, token
    // or back-off end; it ends when the source is dry and nothing is pending.
    while (true) {
      Clock::time_point now = Clock::now();
      expire(now);
      fill(now);
      if (source_done_ && in_flight_ == 0 && queue_.empty()) break;
      int ready = epoll_wait(epoll_fd_, events, 256, wait_milliseconds(Clock::now()));
      now = Clock::now();
      for (int i = 0; i < ready; ++i) on_event(events[i].data.u64, events[i].events, now);
    }
    stats_.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return stats_;
  }

 private:
  // ---- starting attempts

  bool window_has_room() const { return in_flight_ < window_; }

  bool host_has_room(const HostState& host) const { return host.in_flight < static_cast<int>(host.window); }

  HostState& host_for(const ConnectProbe& probe) {
    auto [it, inserted] = hosts_.try_emplace(host_key(probe));
    if (inserted) {
      it->second.window = std::clamp(kInitialHostWindow, options_.min_host_parallelism, options_.max_host_parallelism);
      it->second.threshold = options_.max_host_parallelism;
    }
    return it->second;
  }

  bool host_expired(HostState& host, Clock::time_point now) const {
    return options_.host_timeout.count() > 0 && host.started && now - host.first_probe >= options_.host_timeout;
  }

  /// Takes a token from the rate bucket; when there is none, notes when the
  /// next one will be there so the main loop sleeps until then.
  bool take_token(Clock::time_point now) {
    if (options_.max_rate <= 0) return true;
    double seconds = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(token_capacity_, tokens_ + seconds * options_.max_rate);
    last_refill_ = now;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return true;
    }
    auto missing = std::chrono::duration<double>((1 - tokens_) / options_.max_rate);
    resume_at_ = now + std::chrono::duration_cast<microseconds>(missing) + microseconds(1);
    return false;
  }

  bool may_start(Clock::time_point now) {
    if (!window_has_room()) return false;
    if (now >= backoff_until_) return true;
    resume_at_ = backoff_until_;
    return false;
  }

  /// Starts what the windows, the rate and the back-off allow: parked probes
  /// first (retries sit at the front), then new ones from the source.
  void fill(Clock::time_point now) {
    resume_at_.reset();
    for (auto it = queue_.begin(); it != queue_.end() && may_start(now);) {
      HostState& host = host_for(it->probe);
      if (!timed_out_hosts_.empty() && timed_out_hosts_.contains(host_key(it->probe))) {
        --host.parked;
        finish_without_attempt(*it, ProbeReason::host_timeout, 0);
        it = queue_.erase(it);
        continue;
      }
      if (!host_has_room(host)) {
        ++it;
        continue;
      }
      if (!take_token(now)) return;
      Pending pending = *it;
      it = queue_.erase(it);
      --host.parked;
      uint64_t backoffs = stats_.resource_backoffs;
      start(pending, host, now);
      // A local failure put the probe back at the front, which invalidates
      // `it`, and started a back-off anyway.
      if (stats_.resource_backoffs != backoffs) return;
    }
    int started = 0;
    while (!source_done_ && may_start(now) && queue_.size() < static_cast<size_t>(window_cap_)) {
      if (++started > kFillBatch) {
        // Let the main loop look at deadlines and events, then come back at once.
        resume_at_ = now;
        return;
      }
      if (options_.max_rate > 0 && !take_token(now)) return;
      std::optional<ConnectProbe> next = source_();
      if (!next) {
        source_done_ = true;
        if (options_.max_rate > 0) tokens_ += 1;  // unused
        return;
      }
      ++stats_.probes;
      forget_idle_hosts();
      HostState& host = host_for(*next);
      Pending pending{*next, 0, 0};
      if (timed_out_hosts_.contains(host_key(*next))) {
        finish_without_attempt(pending, ProbeReason::host_timeout, 0);
      } else if (host_has_room(host)) {
        start(pending, host, now);
      } else {
        if (options_.max_rate > 0) tokens_ += 1;  // the token was not used
        ++host.parked;
        queue_.push_back(pending);
      }
    }
  }

  void start(Pending pending, HostState& host, Clock::time_point now) {
    // fill() may run a while (answers that arrive inside connect() free their
    // slot at once): RTT samples and deadlines need this attempt's own time.
    now = Clock::now();
    if (host_expired(host, now)) {
      timed_out_hosts_.insert(host_key(pending.probe));
      finish_without_attempt(pending, ProbeReason::host_timeout, 0);
      return;
    }
    int family = pending.probe.family == AddressFamily::ipv4 ? AF_INET : AF_INET6;
    UniqueFd fd = take_socket(family);
    if (!fd) return local_failure(pending, host, errno, now);
    bind_loopback_source(fd.get(), pending.probe);
    sockaddr_storage address;
    socklen_t length = fill_sockaddr(pending.probe, &address);
    int result = retry_on_eintr([&] { return connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length); });
    int error_number = result == 0 ? 0 : errno;
    if (result != 0 && is_resource_error(error_number)) {
      return local_failure(pending, host, error_number, now);
    }
    count_attempt(pending, host, now);
    if (result == 0) {  // completed at once; possible in principle, rare for TCP
      bool itself = connected_to_itself(fd.get());
      close_with_reset(fd);
      if (itself) return deliver(pending, PortState::closed, ProbeReason::conn_refused, ECONNREFUSED, {});
      return deliver(pending, PortState::open, ProbeReason::syn_ack, 0, {});
    }
    if (error_number != EINPROGRESS) {  // decided locally (route, local firewall): no RTT sample
      auto [state, reason] = classify_connect_error(error_number, icmp_report_for(fd.get(), error_number));
      return deliver(pending, state, reason, error_number, {});
    }
    // On a machine-local path (a veth peer, another namespace) the answer is
    // often processed inside connect() itself, in the softirq that sent the
    // SYN: one getsockopt then spares the epoll registration, wait and
    // removal — most of a sweep's closed ports.
    int early = 0;
    socklen_t early_length = sizeof early;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &early, &early_length) == 0 && early != 0 &&
        !is_resource_error(early)) {
      auto [state, reason] = classify_connect_error(early, icmp_report_for(fd.get(), early));
      auto rtt = std::chrono::duration_cast<microseconds>(Clock::now() - now);
      note_answer(host, pending.attempts, pending.first_sent, now, rtt);
      if (early == ECONNREFUSED) recycle(fd, pending.probe);
      return deliver(pending, state, reason, early, rtt);
    }
    register_attempt(std::move(fd), pending, host, now);
  }

  /// A fresh non-blocking TCP socket with the error queue on, or a spare one.
  UniqueFd take_socket(int family) {
    std::vector<UniqueFd>& spares = spares_[family == AF_INET6];
    if (!spares.empty()) {
      UniqueFd fd = std::move(spares.back());
      spares.pop_back();
      return fd;
    }
    UniqueFd fd(socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return fd;
    int one = 1;
    if (family == AF_INET) {
      setsockopt(fd.get(), SOL_IP, IP_RECVERR, &one, sizeof one);
    } else {
      setsockopt(fd.get(), SOL_IPV6, IPV6_RECVERR, &one, sizeof one);
    }
    return fd;
  }

  /// A socket whose connect() was refused is back in TCP's closed state with
  /// its port released; connect(AF_UNSPEC) makes it connectable again, which
  /// costs less than closing it and making another (socket allocation and
  /// teardown are a good part of a refused probe). Loopback probes' sockets
  /// are bound to a source address and are not kept.
  void recycle(UniqueFd& fd, const ConnectProbe& probe) {
    std::vector<UniqueFd>& spares = spares_[probe.family == AddressFamily::ipv6];
    if (spares.size() >= kSpareSockets || (probe.family == AddressFamily::ipv4 && probe.address[0] == 127)) return;
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    if (connect(fd.get(), &unspecified, sizeof unspecified) != 0) return;
    spares.push_back(std::move(fd));
  }

  /// What every answer teaches about its host: the RTT, the deepest attempt
  /// answered, and congestion (see the essay at the top).
  /// `first_sent`: when the probe's first attempt left. A loss is dated by
  /// it, so the losses of one burst shrink the window once.
  void note_answer(HostState& host, int attempt_number, Clock::time_point first_sent, Clock::time_point now,
                   microseconds rtt) {
    host.rtt.add(rtt);
    host.most_attempts_answered = std::max(host.most_attempts_answered, attempt_number);
    if (attempt_number > 1) {
      shrink(host, first_sent, now);
    } else {
      grow(host);
    }
  }

  void count_attempt(Pending& pending, HostState& host, Clock::time_point now) {
    if (!host.started) {
      host.started = true;
      host.first_probe = now;
    }
    ++stats_.connects;
    if (pending.attempts == 0) pending.first_sent = now;
    if (pending.attempts > 0) ++stats_.retries;
    ++pending.attempts;
    pending.resource_failures = 0;
    backoff_ = kFirstBackoff;
  }

  void register_attempt(UniqueFd fd, const Pending& pending, HostState& host, Clock::time_point now) {
    uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    Attempt& attempt = slots_[slot];
    attempt.generation++;
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = (static_cast<uint64_t>(attempt.generation) << 32) | slot;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd.get(), &event) != 0) {
      // Only ENOMEM/ENOSPC are possible here: treat like any local shortage.
      free_slots_.push_back(slot);
      --stats_.connects;
      if (pending.attempts > 1) --stats_.retries;
      Pending again = pending;
      --again.attempts;
      return local_failure(again, host, errno, now);
    }
    attempt.fd = std::move(fd);
    attempt.pending = pending;
    attempt.host = &host;
    attempt.sent = now;
    attempt.active = true;
    ++in_flight_;
    ++host.in_flight;
    microseconds wait = std::min<microseconds>(host.rtt.timeout(options_), options_.max_rtt_timeout);
    wait = std::max<microseconds>(wait, options_.min_rtt_timeout);
    Clock::time_point deadline = now + wait;
    if (options_.host_timeout.count() > 0) {
      deadline = std::min(deadline, host.first_probe + options_.host_timeout);
    }
    deadlines_.push({deadline, slot, attempt.generation});
    purge_stale_deadlines();
  }

  /// socket() or connect() failed for want of a local resource: park the
  /// probe at the front, shrink the window, pause.
  void local_failure(Pending pending, HostState& host, int error_number, Clock::time_point now) {
    ++stats_.resource_backoffs;
    if (in_flight_ == 0 && ++pending.resource_failures >= kMaxResourceFailures) {
      return finish_without_attempt(pending, ProbeReason::local_error, error_number);
    }
    window_ = std::max(1, in_flight_);
    backoff_until_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kLastBackoff);
    ++host.parked;
    queue_.push_front(pending);
    if (options_.max_rate > 0) tokens_ += 1;  // nothing was sent
  }

  // ---- answers and silences

  void on_event(uint64_t data, uint32_t events, Clock::time_point now) {
    uint32_t slot = static_cast<uint32_t>(data & 0xffffffffu);
    Attempt& attempt = slots_[slot];
    if (!attempt.active || attempt.generation != (data >> 32)) return;  // ended earlier in this batch
    int error_number = 0;
    socklen_t length = sizeof error_number;
    getsockopt(attempt.fd.get(), SOL_SOCKET, SO_ERROR, &error_number, &length);
    PortState state;
    ProbeReason reason;
    if (error_number == 0 && (events & EPOLLOUT) != 0 && connected_to_itself(attempt.fd.get())) {
      state = PortState::closed;
      reason = ProbeReason::conn_refused;
      error_number = ECONNREFUSED;
      close_with_reset(attempt.fd);
    } else if (error_number == 0 && (events & EPOLLOUT) != 0) {
      state = PortState::open;
      reason = ProbeReason::syn_ack;
      close_with_reset(attempt.fd);
    } else {
      if (error_number == 0) error_number = ECONNREFUSED;  // EPOLLHUP without an error: reset
      std::tie(state, reason) = classify_connect_error(error_number, icmp_report_for(attempt.fd.get(), error_number));
      if (state == PortState::open) close_with_reset(attempt.fd);
    }
    auto rtt = std::chrono::duration_cast<microseconds>(now - attempt.sent);
    HostState& host = *attempt.host;
    note_answer(host, attempt.pending.attempts, attempt.pending.first_sent, now, rtt);
    Pending pending = release(slot);
    deliver(pending, state, reason, state == PortState::open ? 0 : error_number, rtt);
  }

  void expire(Clock::time_point now) {
    while (!deadlines_.empty() && deadlines_.top().when <= now) {
      Deadline deadline = deadlines_.top();
      deadlines_.pop();
      Attempt& attempt = slots_[deadline.slot];
      if (!attempt.active || attempt.generation != deadline.generation) continue;
      on_silence(deadline.slot, now);
    }
  }

  void on_silence(uint32_t slot, Clock::time_point now) {
    Attempt& attempt = slots_[slot];
    HostState& host = *attempt.host;
    Pending pending = release(slot);
    if (host_expired(host, now)) {
      timed_out_hosts_.insert(host_key(pending.probe));
      return deliver(pending, PortState::filtered, ProbeReason::host_timeout, 0, {});
    }
    if (pending.attempts >= allowed_attempts(host)) {
      return deliver(pending, PortState::filtered, ProbeReason::no_response, 0, {});
    }
    ++host.parked;
    queue_.push_front(pending);
  }

  Pending release(uint32_t slot) {
    Attempt& attempt = slots_[slot];
    attempt.fd.reset();  // closing also removes it from the epoll set
    attempt.active = false;
    --attempt.host->in_flight;
    attempt.host = nullptr;
    --in_flight_;
    free_slots_.push_back(slot);
    if (window_ < window_cap_ && Clock::now() >= backoff_until_) ++window_;
    return attempt.pending;
  }

  void grow(HostState& host) {
    ++host.answered;
    if (host.window < host.threshold) {
      host.window += 1;
    } else {
      host.window += 1 / host.window;
    }
    host.window = std::min<double>(host.window, options_.max_host_parallelism);
  }

  /// Attempts a silent probe gets: max_retries + 1, but no more than
  /// kRetryMargin beyond the most any answer of this host ever needed. On a
  /// clean network answers come at the first attempt and a dropped port is
  /// given up after 1 + kRetryMargin tries instead of 11; under loss,
  /// answered retransmissions raise the allowance as they are seen.
  int allowed_attempts(const HostState& host) const {
    return std::min(options_.max_retries + 1, std::max(host.most_attempts_answered, 1) + kRetryMargin);
  }

  void shrink(HostState& host, Clock::time_point sent, Clock::time_point now) {
    if (host.answered == 0 || sent < host.last_shrink) return;
    host.window = std::max<double>(options_.min_host_parallelism, host.window / 2);
    host.threshold = host.window;
    host.last_shrink = now;
  }

  // ---- results

  void finish_without_attempt(const Pending& pending, ProbeReason reason, int error_number) {
    deliver(pending, PortState::filtered, reason, error_number, {});
  }

  void deliver(const Pending& pending, PortState state, ProbeReason reason, int error_number, microseconds rtt) {
    switch (state) {
      case PortState::open:
        ++stats_.open;
        break;
      case PortState::closed:
        ++stats_.closed;
        break;
      case PortState::filtered:
        ++stats_.filtered;
        break;
    }
    sink_(ProbeResult{pending.probe, state, reason, error_number, pending.attempts, rtt});
  }

  // ---- bookkeeping

  /// Until the next deadline, or the time fill() said it could go on (a
  /// token, the end of a back-off); otherwise only an answer wakes us.
  int wait_milliseconds(Clock::time_point now) const {
    Clock::time_point wake = now + std::chrono::seconds(1);
    if (!deadlines_.empty()) wake = std::min(wake, deadlines_.top().when);
    if (resume_at_) wake = std::min(wake, *resume_at_);
    if (wake <= now) return 0;
    auto wait = std::chrono::duration_cast<microseconds>(wake - now);
    return static_cast<int>((wait.count() + 999) / 1000);  // round up: never wake too early
  }

  void purge_stale_deadlines() {
    if (deadlines_.size() <= 4 * slots_.size() + 64) return;
    std::vector<Deadline> live;
    while (!deadlines_.empty()) {
      const Deadline& top = deadlines_.top();
      const Attempt& attempt = slots_[top.slot];
      if (attempt.active && attempt.generation == top.generation) live.push_back(top);
      deadlines_.pop();
    }
    for (const Deadline& deadline : live) deadlines_.push(deadline);
  }

  void forget_idle_hosts() {
    if (hosts_.size() <= kMaxIdleHosts + static_cast<size_t>(window_cap_)) return;
    std::erase_if(hosts_, [](const auto& entry) { return entry.second.in_flight == 0 && entry.second.parked == 0; });
  }

  const EngineOptions& options_;
  const ProbeSource& source_;
  const ResultSink& sink_;
  int epoll_fd_;
  int window_cap_;
  int window_;
  int in_flight_ = 0;
  bool source_done_ = false;
  std::vector<Attempt> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<UniqueFd> spares_[2];  ///< Refused sockets ready for reuse, IPv4 and IPv6 (see recycle).
  std::deque<Pending> queue_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::unordered_map<HostKey, HostState, HostKeyHash> hosts_;
  std::unordered_set<HostKey, HostKeyHash> timed_out_hosts_;
  Clock::time_point backoff_until_{};
  milliseconds backoff_ = kFirstBackoff;
  double tokens_ = 0;
  double token_capacity_ = 1;
  Clock::time_point last_refill_{};
  std::optional<Clock::time_point> resume_at_;  // set by fill() when only time stops it
  EngineStats stats_;
};

}  // namespace

Result<EngineStats> run_connect_scan(const EngineOptions& options, const ProbeSource& source, const ResultSink& sink) {
  if (Status valid = validate(options); !valid) return valid.error();
  long limit = raise_fd_limit();
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return make_error(N_("cannot start the scan: {}"), std::strerror(errno));
  long room = limit - open_descriptor_count() - kFdReserve;
  int window = static_cast<int>(std::clamp<long>(room, 1, options.max_parallelism));
  ConnectEngine engine(options, source, sink, epoll.get(), window);
  return engine.run();
}

socklen_t fill_sockaddr(const ConnectProbe& probe, sockaddr_storage* storage) {
  *storage = {};
  if (probe.family == AddressFamily::ipv4) {
    auto* in = reinterpret_cast<sockaddr_in*>(storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(probe.port);
    std::memcpy(&in->sin_addr, probe.address.data(), 4);
    return sizeof *in;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(probe.port);
  std::memcpy(&in6->sin6_addr, probe.address.data(), 16);
  return sizeof *in6;
}

bool is_resource_error(int error_number) {
  return error_number == EMFILE || error_number == ENFILE || error_number == ENOBUFS || error_number == ENOMEM ||
         error_number == EADDRNOTAVAIL || error_number == EAGAIN;
}

}  // namespace portlens
