#pragma once
// Helpers for the tests of the scan writers (-oX, -oG): a fixture that pins
// the time zone (nmap's formats write local time) and small builders.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "scan/scan_report.h"

namespace portlens::test {

/// Runs each test with TZ=UTC and puts the caller's TZ back afterwards.
class PinnedUtcTest : public testing::Test {
 protected:
  void SetUp() override {
    const char* zone = std::getenv("TZ");
    had_zone_ = zone != nullptr;
    if (had_zone_) saved_zone_ = zone;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_zone_) {
      setenv("TZ", saved_zone_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  bool had_zone_ = false;
  std::string saved_zone_;
};

/// 2026-11-29 20:21:36 UTC.
inline const std::chrono::system_clock::time_point kScanStart{std::chrono::seconds(1795983696)};

inline PortVerdict make_port(uint16_t number, PortState state, ProbeReason reason, std::string_view service) {
  PortVerdict verdict;
  verdict.port = number;
  verdict.state = state;
  verdict.reason = reason;
  verdict.service = service;
  return verdict;
}

inline void set_count(HostReport& host, PortState state, ProbeReason reason, uint32_t count) {
  host.counts[static_cast<size_t>(state)][static_cast<size_t>(reason)] = count;
}

}  // namespace portlens::test
