// Banner grabbing: one thread, one epoll, up to `parallelism` targets in
// flight. Each target is a small state machine on one socket at a time:
//
//   connecting --writable--> greeting --bytes--> reading --EOF, full, quiet--> identify
//        |                      |  silent for greeting_wait
//        |                      v
//        +--(client-first)--> replying --bytes--> reading
//                               |  silent for reply_wait, or EOF without a byte
//                               v
//                  the fallback probe on a fresh connection (replying), or nothing
//
// Why these steps: greet-first protocols (SSH, FTP, SMTP, POP3, IMAP, MySQL)
// identify themselves if we only listen, so we listen first — except on
// ports whose protocol never greets (HTTP, TLS, Redis), where waiting would
// cost greeting_wait per port for nothing; a greeter on such a port still
// greets before it reads our probe, so its greeting leads the reply anyway.
// A TLS server says nothing to plain text and usually drops it, so a
// plaintext probe that gets nothing is followed by a ClientHello on a new
// connection (and a ClientHello that gets nothing by plain HTTP). A port
// that closes before saying anything ("tcpwrapped") is not probed further.
//
// Every wait has a deadline; a pass over the slots after each epoll_wait
// fires the expired ones (parallelism is small, a heap would not pay). Once
// bytes flow, a pause of quiet_gap ends the reply, and reading never lasts
// longer than max(reply_wait, quiet_gap) after the first byte, so a server
// trickling bytes cannot hold a slot. Sockets are closed with SO_LINGER 0
// (set when the socket is made, so every close path resets): the
// connection ends with a RST on both sides and leaves no TIME_WAIT.
//
// Out of descriptors (EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL), a target goes
// back to the front of the queue and the window shrinks to what is in
// flight, regrowing by one per finished slot, as the connect engine does; if
// nothing at all is in flight the target is given up (empty identity), so
// the loop always ends.

#include "scan/banner_grab.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>

#include "scan/service_rules.h"
#include "util/unique_fd.h"

namespace portlens {
namespace {

using Clock = std::chrono::steady_clock;

enum class Phase : uint8_t { connecting, greeting, replying, reading };

/// One connection to make: the first (probe_for_port) or the fallback.
struct Work {
  size_t target = 0;
  bool fallback = false;
};

struct Slot {
  bool busy = false;
  uint32_t generation = 0;  // tells a stale epoll event from the slot's next use
  Work work;
  UniqueFd fd;
  Phase phase = Phase::connecting;
  ServiceProbe probe;
  bool hello_sent = false;  // the bytes we read answer a ClientHello
  Clock::time_point deadline, reading_limit;
  std::string received;
};



class BannerGrabber {
 public:
  BannerGrabber(std::span<const ConnectProbe> targets, const BannerOptions& options, int epoll_fd)
      : targets_(targets), options_(options), epoll_fd_(epoll_fd), results_(targets.size()) {
    options_.max_bytes = std::max<size_t>(options_.max_bytes, 1);
    options_.parallelism = std::max(options_.parallelism, 1);
    size_t slots = std::min<size_t>(static_cast<size_t>(options_.parallelism), std::max<size_t>(targets.size(), 1));
    slots_.resize(slots);
    for (size_t i = slots; i-- > 0;) free_slots_.push_back(i);
    window_ = static_cast<int>(slots);
    for (size_t i = 0; i < targets.size(); ++i) waiting_.push_back(Work{i, false});
  }

  std::vector<ServiceIdentity> run() {
    std::vector<epoll_event> events(std::min<size_t>(slots_.size(), 256));
    while (!waiting_.empty() || active_ > 0) {
      start_waiting_work();
      if (active_ == 0) continue;  // whatever could not start was given up
      int count = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms());
      if (count < 0 && errno != EINTR) break;  // cannot wait any more: the rest stay empty
      for (int i = 0; i < count; ++i) {
        Slot& slot = slots_[events[i].data.u64 & 0xffffffffu];
        if (slot.busy && slot.generation == events[i].data.u64 >> 32) on_event(slot, events[i].events);
      }
      Clock::time_point now = Clock::now();
      for (Slot& slot : slots_) {
        if (slot.busy && now >= slot.deadline) on_deadline(slot);
      }
    }
    for (Slot& slot : slots_) {
      if (slot.busy) release(slot);
    }
    return std::move(results_);
  }

 private:
  void start_waiting_work() {
    while (active_ < window_ && !waiting_.empty()) {
      Work work = waiting_.front();
      waiting_.pop_front();
      if (!start(work)) {
        waiting_.push_front(work);  // no descriptor now; one will be freed
        window_ = std::max(active_, 1);
        return;
      }
    }
  }

  /// Opens the connection for `work`. False only when a resource ran out
  /// while other slots are in flight (so one will come free); any other
  /// failure ends the target with an empty identity.
  bool start(const Work& work) {
    const ConnectProbe& target = targets_[work.target];
    int family = target.family == AddressFamily::ipv4 ? AF_INET : AF_INET6;
    UniqueFd fd(socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return !(is_resource_error(errno) && active_ > 0);
    linger reset{1, 0};
    setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    sockaddr_storage address;
    socklen_t length = fill_sockaddr(target, &address);
    int result = retry_on_eintr([&] { return connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length); });
    if (result != 0 && errno != EINPROGRESS) return !(is_resource_error(errno) && active_ > 0);

    size_t index = free_slots_.back();
    Slot& slot = slots_[index];
    slot.busy = true;
    ++slot.generation;
    slot.work = work;
    slot.fd = std::move(fd);
    slot.probe = work.fallback ? fallback_probe(target.port) : probe_for_port(target.port);
    slot.hello_sent = false;
    slot.received.clear();
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = (uint64_t{slot.generation} << 32) | index;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, slot.fd.get(), &event) != 0) {
      slot.busy = false;
      slot.fd.reset();
      return true;
    }
    free_slots_.pop_back();
    ++active_;
    slot.phase = Phase::connecting;
    slot.deadline = Clock::now() + options_.connect_timeout;
    return true;
  }

  void enter(Slot& slot, Phase phase, std::chrono::milliseconds wait) {
    if ((slot.phase == Phase::connecting) != (phase == Phase::connecting)) {
      epoll_event event{};
      event.events = phase == Phase::connecting ? EPOLLOUT : EPOLLIN;
      event.data.u64 = (uint64_t{slot.generation} << 32) | static_cast<uint64_t>(&slot - slots_.data());
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, slot.fd.get(), &event);  // if this fails, the deadline still ends the slot
    }
    slot.phase = phase;
    slot.deadline = Clock::now() + wait;
  }

  void on_event(Slot& slot, uint32_t events) {
    if (slot.phase != Phase::connecting) return read_some(slot);
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(slot.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0 ||
        (events & (EPOLLERR | EPOLLHUP)) != 0) {
      return finish(slot);  // refused or unreachable now: nothing to read
    }
    if (!slot.work.fallback && !slot.probe.without_greeting)
      return enter(slot, Phase::greeting, options_.greeting_wait);
    send_probe(slot);
  }

  void on_deadline(Slot& slot) {
    switch (slot.phase) {
      case Phase::connecting:
      case Phase::reading:
        return finish(slot);
      case Phase::greeting:
        return send_probe(slot);
      case Phase::replying:
        return no_reply(slot);
    }
  }

  void send_probe(Slot& slot) {
    std::string_view payload = slot.probe.payload;
    if (payload.empty()) return finish(slot);
    ssize_t sent = retry_on_eintr([&] { return send(slot.fd.get(), payload.data(), payload.size(), MSG_NOSIGNAL); });
    // A fresh socket's buffer takes a few hundred bytes whole; a short or
    // failed send means the peer is gone.
    if (sent != static_cast<ssize_t>(payload.size())) return no_reply(slot);
    slot.hello_sent = slot.probe.tls;
    enter(slot, Phase::replying, options_.reply_wait);
  }

  void read_some(Slot& slot) {
    char buffer[4096];
    while (true) {
      size_t room = std::min(options_.max_bytes - slot.received.size(), sizeof buffer);
      ssize_t count = retry_on_eintr([&] { return recv(slot.fd.get(), buffer, room, 0); });
      if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (count <= 0) {  // EOF or reset
        if (!slot.received.empty() || slot.phase == Phase::greeting) return finish(slot);
        return no_reply(slot);
      }
      Clock::time_point now = Clock::now();
      if (slot.received.empty()) slot.reading_limit = now + std::max(options_.reply_wait, options_.quiet_gap);
      slot.received.append(buffer, static_cast<size_t>(count));
      if (slot.received.size() >= options_.max_bytes) return finish(slot);
      slot.phase = Phase::reading;
      slot.deadline = std::min(now + options_.quiet_gap, slot.reading_limit);
    }
  }

  /// Our probe got nothing: try the fallback probe on a fresh connection,
  /// ahead of targets not yet started.
  void no_reply(Slot& slot) {
    Work work = slot.work;
    bool retry = !work.fallback && !fallback_probe(targets_[work.target].port).payload.empty();
    release(slot);
    if (retry) waiting_.push_front(Work{work.target, true});
  }

  void finish(Slot& slot) {
    if (!slot.received.empty()) {
      results_[slot.work.target] = identify_service(slot.received, targets_[slot.work.target].port, slot.hello_sent);
    }
    release(slot);
  }

  void release(Slot& slot) {
    slot.fd.reset();  // SO_LINGER 0 was set when the socket was made: this sends a reset
    slot.busy = false;
    slot.received.clear();
    free_slots_.push_back(static_cast<size_t>(&slot - slots_.data()));
    --active_;
    window_ = std::min(window_ + 1, static_cast<int>(slots_.size()));
  }

  /// Milliseconds until the nearest deadline, rounded up so it has passed
  /// when epoll_wait returns.
  int timeout_ms() const {
    Clock::time_point now = Clock::now(), nearest = Clock::time_point::max();
    for (const Slot& slot : slots_) {
      if (slot.busy) nearest = std::min(nearest, slot.deadline);
    }
    if (nearest <= now) return 0;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(nearest - now).count();
    return static_cast<int>(std::min<decltype(wait)>(wait, 60'000));
  }

  std::span<const ConnectProbe> targets_;
  BannerOptions options_;
  int epoll_fd_;
  std::vector<Slot> slots_;
  std::vector<size_t> free_slots_;
  std::deque<Work> waiting_;
  std::vector<ServiceIdentity> results_;
  int active_ = 0;
  int window_ = 1;  // slots we may fill now; below slots_.size() after a shortage
};

}  // namespace

std::vector<ServiceIdentity> grab_banners(std::span<const ConnectProbe> targets, const BannerOptions& options) {
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return std::vector<ServiceIdentity>(targets.size());
  return BannerGrabber(targets, options, epoll.get()).run();
}

}  // namespace portlens
