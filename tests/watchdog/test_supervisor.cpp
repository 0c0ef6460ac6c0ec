// The supervisor state machine, event by event, with a fake clock: no sleeping, no processes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>

#include "daemonize/core/supervisor.hpp"
#include "supervisor_harness.hpp"

namespace daemonize {
namespace {

using namespace std::chrono_literals;
namespace ev = supervisor_event;
namespace act = supervisor_action;
using namespace supervisor_test;  // NOLINT(google-build-using-namespace): the shared test helpers

SupervisorOptions crash_options() {
  SupervisorOptions options;
  options.restart.policy = RestartPolicy::on_failure;
  options.restart.delay = 100ms;
  options.restart.multiplier = 2.0;
  options.restart.max_delay = 1min;
  options.restart.max_restarts = 3;
  options.restart.window = 1min;
  options.stop.timeout = 5s;
  return options;
}

struct Harness {
  explicit Harness(SupervisorOptions options) : supervisor(std::move(options), clock) {}
  SupervisorActions start_and_spawn(int pid = 100) {
    auto first = supervisor.on(ev::Start{});
    EXPECT_TRUE(has<act::SpawnChild>(first));
    return supervisor.on(ev::Spawned{pid, pid});
  }
  void step(const SupervisorEvent& event) { (void)supervisor.on(event); }
  FakeClock clock;
  Supervisor supervisor;
};

TEST(Supervisor, StartSpawnsAndBecomesReadyOnce) {
  Harness h(crash_options());
  auto start = h.supervisor.on(ev::Start{});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  EXPECT_TRUE(has<act::SpawnChild>(start));
  auto spawned = h.supervisor.on(ev::Spawned{42, 42});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  EXPECT_TRUE(has<act::NotifyReady>(spawned));
  EXPECT_TRUE(has<act::PersistState>(spawned));
  EXPECT_EQ(h.supervisor.snapshot().pid, 42);
  EXPECT_TRUE(h.supervisor.snapshot().ready);

  // After a crash and respawn READY=1 is not sent again.
  h.clock.advance(1s);
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  h.clock.advance(100ms);
  EXPECT_TRUE(has<act::SpawnChild>(h.supervisor.on(ev::TimerExpired{})));
  EXPECT_FALSE(has<act::NotifyReady>(h.supervisor.on(ev::Spawned{43, 43})));
}

TEST(Supervisor, CrashLoopBacksOffWithGrowingDelaysThenGivesUp75) {
  Harness h(crash_options());
  h.start_and_spawn();
  std::vector<Duration> delays;
  for (int restart = 0; restart < 3; ++restart) {
    h.clock.advance(10ms);
    auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
    ASSERT_EQ(h.supervisor.state(), SupervisorState::backing_off) << restart;
    ASSERT_TRUE(timer(exited));
    delays.push_back(*timer(exited));
    h.clock.advance(*timer(exited));
    ASSERT_TRUE(has<act::SpawnChild>(h.supervisor.on(ev::TimerExpired{})));
    h.step(ev::Spawned{200 + restart, 200 + restart});
  }
  EXPECT_EQ(delays, (std::vector<Duration>{100ms, 200ms, 400ms}));
  EXPECT_EQ(h.supervisor.snapshot().recent_delays, delays);
  EXPECT_EQ(h.supervisor.snapshot().restarts, 3U);

  h.clock.advance(10ms);
  auto last = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::gave_up);
  EXPECT_EQ(exit_code(last), 75);
  EXPECT_FALSE(has<act::StartTimer>(last));
  // The state is written before the exit.
  const auto persist = std::find_if(last.begin(), last.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::PersistState>(a);
  });
  const auto exit = std::find_if(last.begin(), last.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::Exit>(a);
  });
  EXPECT_LT(persist, exit);
}

TEST(Supervisor, DelayIsCappedAtMaxDelay) {
  auto options = crash_options();
  options.restart.max_restarts = 0;  // unlimited
  options.restart.delay = 1s;
  options.restart.multiplier = 3.0;
  options.restart.max_delay = 5s;
  Harness h(options);
  h.start_and_spawn();
  std::vector<Duration> delays;
  for (int i = 0; i < 5; ++i) {
    auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(11), true});
    delays.push_back(timer(exited).value());
    h.clock.advance(delays.back());
    h.step(ev::TimerExpired{});
    h.step(ev::Spawned{1, 1});
  }
  EXPECT_EQ(delays, (std::vector<Duration>{1s, 3s, 5s, 5s, 5s}));
}

TEST(Supervisor, DelayResetsAfterResetAfterUptime) {
  auto options = crash_options();
  options.restart.max_restarts = 0;
  options.restart.reset_after = 30s;
  Harness h(options);
  h.start_and_spawn();
  auto first = h.supervisor.on(ev::ChildExited{ExitStatus::exited(2), true});
  EXPECT_EQ(timer(first), Duration{100ms});
  h.clock.advance(100ms);
  h.step(ev::TimerExpired{});
  h.step(ev::Spawned{2, 2});
  auto second = h.supervisor.on(ev::ChildExited{ExitStatus::exited(2), true});
  EXPECT_EQ(timer(second), Duration{200ms});
  h.clock.advance(200ms);
  h.step(ev::TimerExpired{});
  h.step(ev::Spawned{3, 3});
  h.clock.advance(30s);  // a long healthy run
  auto third = h.supervisor.on(ev::ChildExited{ExitStatus::exited(2), true});
  EXPECT_EQ(timer(third), Duration{100ms});
}

TEST(Supervisor, RestartsOutsideTheWindowDoNotCount) {
  auto options = crash_options();
  options.restart.max_restarts = 2;
  options.restart.window = 10s;
  options.restart.reset_after = 1h;
  Harness h(options);
  h.start_and_spawn();
  for (int i = 0; i < 6; ++i) {
    auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
    ASSERT_EQ(h.supervisor.state(), SupervisorState::backing_off) << i;
    h.clock.advance(timer(exited).value());
    h.step(ev::TimerExpired{});
    h.step(ev::Spawned{1, 1});
    h.clock.advance(6s);  // every exit comes more than window/2 after the previous restart
  }
  EXPECT_EQ(h.supervisor.snapshot().restarts, 6U);
}

TEST(Supervisor, OnFailureHonoursSuccessExitCodes) {
  auto options = crash_options();
  options.restart.success_exit_codes = {0, 3};
  Harness h(options);
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(3), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
  EXPECT_EQ(exit_code(exited), 0);
}

TEST(Supervisor, NeverPolicyExitsWithTheChildsFailure) {
  auto options = crash_options();
  options.restart.policy = RestartPolicy::never;
  Harness h(options);
  h.start_and_spawn();
  EXPECT_EQ(exit_code(h.supervisor.on(ev::ChildExited{ExitStatus::exited(4), true})), 4);

  Harness signaled(options);
  signaled.start_and_spawn();
  EXPECT_EQ(exit_code(signaled.supervisor.on(ev::ChildExited{ExitStatus::signaled(9), true})),
            128 + 9);
}

TEST(Supervisor, AlwaysRestartsAfterCleanExit) {
  auto options = crash_options();
  options.restart.policy = RestartPolicy::always;
  Harness h(options);
  h.start_and_spawn();
  h.step(ev::ChildExited{ExitStatus::exited(0), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
}

TEST(Supervisor, ZeroDelayRespawnsImmediately) {
  auto options = crash_options();
  options.restart.delay = 0ms;
  options.restart.max_restarts = 0;
  Harness h(options);
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_TRUE(has<act::SpawnChild>(exited));
  EXPECT_FALSE(has<act::StartTimer>(exited));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
}

TEST(Supervisor, RequestedStopSignalsWaitsThenExitsZero) {
  Harness h(crash_options());
  h.start_and_spawn();
  auto stop = h.supervisor.on(ev::StopRequested{"SIGTERM"});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  ASSERT_NE(find<act::SignalTree>(stop), nullptr);
  EXPECT_EQ(find<act::SignalTree>(stop)->signal, Signal::term);
  EXPECT_TRUE(has<act::NotifyStopping>(stop));
  EXPECT_EQ(timer(stop), Duration{5s});
  // The child exits with a failure because of the signal: still no restart after a stop.
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(15), true});
  EXPECT_TRUE(has<act::CancelTimer>(exited));
  EXPECT_EQ(exit_code(exited), 0);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
}

TEST(Supervisor, StopTimeoutKillsTheTreeAndNeverRestarts) {
  Harness h(crash_options());
  h.start_and_spawn();
  h.step(ev::StopRequested{});
  h.clock.advance(5s);
  auto expired = h.supervisor.on(ev::TimerExpired{});
  EXPECT_TRUE(has<act::KillTree>(expired));
  EXPECT_FALSE(has<act::Exit>(expired));
  // Main child dies but grandchildren are not reaped yet.
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(9), false});
  EXPECT_FALSE(has<act::Exit>(exited));
  EXPECT_FALSE(has<act::SpawnChild>(exited));
  auto empty = h.supervisor.on(ev::TreeEmpty{});
  EXPECT_EQ(exit_code(empty), 0);
  EXPECT_FALSE(has<act::SpawnChild>(empty));
}

// stop.timeout = 0: no grace, but stop.signal still goes first; the kill follows when the
// zero-length timer fires (the watchdog's next loop turn), never in the same breath.
TEST(Supervisor, ZeroStopTimeoutSignalsFirstThenKills) {
  auto options = crash_options();
  options.stop.signal = Signal::interrupt;
  options.stop.timeout = Duration{0};
  Harness h(options);
  h.start_and_spawn();
  auto stop = h.supervisor.on(ev::StopRequested{});
  const auto signal_at = std::find_if(stop.begin(), stop.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::SignalTree>(a);
  });
  const auto timer_at = std::find_if(stop.begin(), stop.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::StartTimer>(a);
  });
  ASSERT_NE(signal_at, stop.end());
  ASSERT_NE(timer_at, stop.end());
  EXPECT_LT(signal_at, timer_at);
  EXPECT_EQ(std::get<act::SignalTree>(*signal_at).signal, Signal::interrupt);
  EXPECT_EQ(std::get<act::StartTimer>(*timer_at).after, Duration{0});
  EXPECT_FALSE(has<act::KillTree>(stop));
  auto expired = h.supervisor.on(ev::TimerExpired{});
  EXPECT_TRUE(has<act::KillTree>(expired));
  h.step(ev::ChildExited{ExitStatus::signaled(9), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
}

TEST(Supervisor, StopSignalKillSkipsTheGracePeriod) {
  auto options = crash_options();
  options.stop.signal = Signal::kill;
  Harness h(options);
  h.start_and_spawn();
  auto stop = h.supervisor.on(ev::StopRequested{});
  EXPECT_TRUE(has<act::KillTree>(stop));
  EXPECT_FALSE(has<act::StartTimer>(stop));
}

TEST(Supervisor, StopWhileBackingOffExitsAtOnce) {
  Harness h(crash_options());
  h.start_and_spawn();
  h.step(ev::ChildExited{ExitStatus::exited(1), true});
  auto stop = h.supervisor.on(ev::StopRequested{});
  EXPECT_TRUE(has<act::CancelTimer>(stop));
  EXPECT_TRUE(has<act::NotifyStopping>(stop));
  EXPECT_EQ(exit_code(stop), 0);
  // A late timer does not spawn.
  EXPECT_FALSE(has<act::SpawnChild>(h.supervisor.on(ev::TimerExpired{})));
}

TEST(Supervisor, StopDuringSpawnStopsTheNewChild) {
  Harness h(crash_options());
  h.step(ev::Start{});
  EXPECT_TRUE(h.supervisor.on(ev::StopRequested{}).empty());
  auto spawned = h.supervisor.on(ev::Spawned{7, 7});
  EXPECT_TRUE(has<act::SignalTree>(spawned));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
}

TEST(Supervisor, LeftoverDescendantsAreStoppedBeforeTheRestart) {
  Harness h(crash_options());
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), false});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  EXPECT_TRUE(has<act::SignalTree>(exited));
  EXPECT_FALSE(has<act::NotifyStopping>(exited));  // not a requested stop
  EXPECT_FALSE(has<act::SpawnChild>(exited));
  auto empty = h.supervisor.on(ev::TreeEmpty{});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(timer(empty), Duration{100ms});
}

TEST(Supervisor, StopRequestedWhileCleaningLeftoversPreventsTheRestart) {
  Harness h(crash_options());
  h.start_and_spawn();
  h.step(ev::ChildExited{ExitStatus::exited(1), false});
  auto stop = h.supervisor.on(ev::StopRequested{});
  EXPECT_TRUE(has<act::NotifyStopping>(stop));
  auto empty = h.supervisor.on(ev::TreeEmpty{});
  EXPECT_EQ(exit_code(empty), 0);
}

TEST(Supervisor, SpawnFailureIsRestartedLikeACrash) {
  Harness h(crash_options());
  h.step(ev::Start{});
  auto failed = h.supervisor.on(ev::SpawnFailed{"execve: Permission denied"});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().last_exit, ExitStatus::spawn_failed());
  EXPECT_TRUE(has<act::StartTimer>(failed));
}

TEST(Supervisor, ReloadSignalsOnlyTheMainChild) {
  auto options = crash_options();
  options.reload.signal = Signal::usr1;
  Harness h(options);
  EXPECT_FALSE(has<act::SignalMainChild>(h.supervisor.on(ev::ReloadRequested{})));
  h.start_and_spawn();
  auto reload = h.supervisor.on(ev::ReloadRequested{});
  ASSERT_NE(find<act::SignalMainChild>(reload), nullptr);
  EXPECT_EQ(find<act::SignalMainChild>(reload)->signal, Signal::usr1);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
}

TEST(Supervisor, ReadyCanWaitForAnEvent) {
  auto options = crash_options();
  options.ready_requires_event = true;
  Harness h(options);
  auto spawned = h.start_and_spawn();
  EXPECT_FALSE(has<act::NotifyReady>(spawned));
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  EXPECT_TRUE(has<act::NotifyReady>(h.supervisor.on(ev::Ready{})));
  EXPECT_TRUE(h.supervisor.snapshot().ready);
  EXPECT_TRUE(h.supervisor.on(ev::Ready{}).empty());
}

TEST(Supervisor, RestartRequestedStopsThenRestartsAndCounts) {
  Harness h(crash_options());
  h.start_and_spawn();
  auto restart = h.supervisor.on(ev::RestartRequested{"health"});
  EXPECT_TRUE(has<act::SignalTree>(restart));
  EXPECT_FALSE(has<act::NotifyStopping>(restart));
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(15), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "health");
  EXPECT_EQ(h.supervisor.snapshot().restarts, 1U);
  EXPECT_TRUE(has<act::StartTimer>(exited));
}

TEST(Supervisor, ExitStatusDescriptions) {
  EXPECT_EQ(ExitStatus::exited(3).describe(), "exit code 3");
  EXPECT_EQ(ExitStatus::signaled(SIGSEGV).describe(), "signal 11 (SEGV)");
}

}  // namespace
}  // namespace daemonize
