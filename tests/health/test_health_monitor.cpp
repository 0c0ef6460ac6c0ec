// HealthMonitor's schedule and counting with a manual clock and a fake probe: when the first
// probe runs, and which failures count (start_period, retries).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize {
namespace {

using namespace std::chrono_literals;
using Clock = HealthTimer::Clock;

// Time moves only when the test says so; a due timer fires during advance().
class ManualTimer final : public HealthTimer {
 public:
  struct Shared {
    Clock::time_point now{};
    std::optional<Clock::time_point> due;
    std::function<void()> expired;
  };
  explicit ManualTimer(Shared& shared) : shared_(shared) {}
  [[nodiscard]] Clock::time_point now() const override { return shared_.now; }
  void wait_until(Clock::time_point at, std::function<void()> expired) override {
    shared_.due = at;
    shared_.expired = std::move(expired);
  }
  void cancel() override { shared_.due.reset(); }

 private:
  Shared& shared_;
};

// Each start() is one attempt the test completes with finish().
class FakeProbe final : public HealthProbe {
 public:
  explicit FakeProbe(std::vector<Clock::time_point>& starts, const Clock::time_point& now)
      : starts_(starts), now_(now) {}
  void start(Done done) override {
    starts_.push_back(now_);
    done_ = std::move(done);
  }
  void abort() override { done_ = nullptr; }
  void finish(bool healthy) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done({healthy, healthy ? "ok" : "connection refused"});
  }

 private:
  std::vector<Clock::time_point>& starts_;
  const Clock::time_point& now_;
  Done done_;
};

class HealthMonitorTest : public ::testing::Test {
 protected:
  void make(HealthConfig config) {
    auto probe = std::make_unique<FakeProbe>(starts_, clock_.now);
    probe_ = probe.get();
    HealthMonitor::Callbacks callbacks;
    callbacks.ready = [this] { ++ready_; };
    callbacks.unhealthy = [this](const std::string&) { ++unhealthy_; };
    callbacks.failed = [this](const std::string&, bool counted) {
      (counted ? counted_ : not_counted_)++;
    };
    monitor_ = std::make_unique<HealthMonitor>(std::make_unique<ManualTimer>(clock_), config,
                                               std::move(probe), std::move(callbacks));
  }
  // Moves the clock by `step`, firing the timer when it is due.
  void advance(Clock::duration step) {
    const auto until = clock_.now + step;
    while (clock_.due && *clock_.due <= until) {
      clock_.now = *clock_.due;
      clock_.due.reset();
      auto expired = std::move(clock_.expired);
      expired();
    }
    clock_.now = until;
  }
  static HealthConfig config(Duration interval, Duration start_period, std::uint32_t retries) {
    HealthConfig health;
    health.check = HealthCheckKind::tcp;
    health.interval = interval;
    health.timeout = 500ms;
    health.retries = retries;
    health.start_period = start_period;
    return health;
  }

  ManualTimer::Shared clock_;
  std::vector<Clock::time_point> starts_;
  FakeProbe* probe_ = nullptr;
  std::unique_ptr<HealthMonitor> monitor_;
  int ready_ = 0;
  int unhealthy_ = 0;
  int counted_ = 0;
  int not_counted_ = 0;
};

TEST_F(HealthMonitorTest, FirstProbeRunsAfterOneIntervalNotAtStart) {
  make(config(1s, 0s, 1));
  const auto started = clock_.now;
  monitor_->start();
  EXPECT_TRUE(starts_.empty()) << "no probe at start()";
  advance(999ms);
  EXPECT_TRUE(starts_.empty());
  advance(1ms);
  ASSERT_EQ(starts_.size(), 1U);
  EXPECT_EQ(starts_.front() - started, 1s);
}

TEST_F(HealthMonitorTest, SlowStarterWithoutStartPeriodBecomesReadyWithoutAFailure) {
  make(config(1s, 0s, 1));
  monitor_->start();
  advance(500ms);  // the program listens from now on
  advance(500ms);
  ASSERT_EQ(starts_.size(), 1U);
  probe_->finish(true);
  EXPECT_EQ(ready_, 1);
  EXPECT_EQ(counted_ + not_counted_, 0);
  EXPECT_EQ(unhealthy_, 0);
}

TEST_F(HealthMonitorTest, FailuresInsideStartPeriodNeverCountEvenAfterASuccess) {
  make(config(1s, 5s, 1));
  monitor_->start();
  advance(1s);
  probe_->finish(false);  // 1 s: inside start_period
  EXPECT_EQ(not_counted_, 1);
  advance(1s);
  probe_->finish(true);  // 2 s: ready
  EXPECT_EQ(ready_, 1);
  advance(1s);
  probe_->finish(false);  // 3 s: still inside start_period, after a success
  EXPECT_EQ(not_counted_, 2);
  EXPECT_EQ(counted_, 0);
  EXPECT_EQ(unhealthy_, 0);
  advance(1s);
  probe_->finish(false);  // 4 s
  EXPECT_EQ(not_counted_, 3);
  EXPECT_EQ(unhealthy_, 0);
  advance(1s);
  ASSERT_EQ(starts_.size(), 5U);
  probe_->finish(false);  // 5 s: start_period is over, retries = 1
  EXPECT_EQ(counted_, 1);
  EXPECT_EQ(unhealthy_, 1);
  EXPECT_FALSE(monitor_->active());
}

TEST_F(HealthMonitorTest, RetriesConsecutiveCountedFailuresAfterStartPeriod) {
  make(config(1s, 0s, 3));
  monitor_->start();
  for (int i = 0; i < 2; ++i) {
    advance(1s);
    probe_->finish(false);
  }
  EXPECT_EQ(counted_, 2);
  EXPECT_EQ(unhealthy_, 0);
  advance(1s);
  probe_->finish(true);  // resets the count
  for (int i = 0; i < 3; ++i) {
    advance(1s);
    probe_->finish(false);
  }
  EXPECT_EQ(unhealthy_, 1);
}

TEST_F(HealthMonitorTest, AProbeOverItsTimeoutIsAbortedAndCounts) {
  make(config(1s, 0s, 1));
  monitor_->start();
  advance(1s);
  ASSERT_EQ(starts_.size(), 1U);
  advance(500ms);  // the probe never answered
  EXPECT_EQ(counted_, 1);
  EXPECT_EQ(unhealthy_, 1);
}

TEST_F(HealthMonitorTest, RestartWaitsAnIntervalAgain) {
  make(config(2s, 0s, 1));
  monitor_->start();
  advance(2s);
  probe_->finish(true);
  monitor_->stop();
  monitor_->start();  // a new child
  advance(1s);
  EXPECT_EQ(starts_.size(), 1U);
  advance(1s);
  EXPECT_EQ(starts_.size(), 2U);
}

}  // namespace
}  // namespace daemonize
