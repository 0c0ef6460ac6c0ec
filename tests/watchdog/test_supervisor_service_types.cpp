// [service] type in the supervisor state machine: forking, notify and oneshot, event by event
// with a fake clock (no processes, no sleeping).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "daemonize/core/supervisor.hpp"
#include "supervisor_harness.hpp"

namespace daemonize {
namespace {

using namespace std::chrono_literals;
namespace ev = supervisor_event;
namespace act = supervisor_action;
using namespace supervisor_test;  // NOLINT(google-build-using-namespace): the shared test helpers

SupervisorOptions options_for(ServiceType type) {
  SupervisorOptions options;
  options.type = type;
  options.restart.policy = RestartPolicy::on_failure;
  options.restart.delay = 100ms;
  options.restart.max_restarts = 3;
  options.restart.window = 1min;
  options.stop.timeout = 5s;
  options.start_timeout = 10s;
  options.pid_file_poll = 100ms;
  return options;
}

struct Harness {
  explicit Harness(SupervisorOptions options) : supervisor(std::move(options), clock) {}
  SupervisorActions start_and_spawn(int pid = 100) {
    (void)supervisor.on(ev::Start{});
    return supervisor.on(ev::Spawned{pid, pid});
  }
  FakeClock clock;
  Supervisor supervisor;
};

// ---- forking -----------------------------------------------------------------------------

TEST(SupervisorForking, LauncherRunsWhileStartingAndItsExitZeroReadsThePidFile) {
  Harness h(options_for(ServiceType::forking));
  auto spawned = h.start_and_spawn(100);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  EXPECT_FALSE(has<act::NotifyReady>(spawned));
  EXPECT_EQ(timer(spawned), 10s);  // the start timeout runs
  EXPECT_FALSE(h.supervisor.snapshot().ready);

  h.clock.advance(50ms);
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), /*tree_empty=*/false});
  EXPECT_TRUE(has<act::ReadPidFile>(exited));
  EXPECT_FALSE(has<act::SignalTree>(exited));  // the daemon left behind is the point
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  EXPECT_EQ(h.supervisor.snapshot().pid, 0);

  auto adopted = h.supervisor.on(ev::MainPidFound{4242});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  ASSERT_TRUE(find<act::AdoptMain>(adopted));
  EXPECT_EQ(find<act::AdoptMain>(adopted)->pid, 4242);
  EXPECT_TRUE(has<act::NotifyReady>(adopted));
  EXPECT_TRUE(has<act::CancelTimer>(adopted));
  EXPECT_TRUE(logged(adopted, "adopted pid 4242 from the pid file"));
  EXPECT_EQ(h.supervisor.snapshot().pid, 4242);
  EXPECT_TRUE(h.supervisor.snapshot().ready);
}

TEST(SupervisorForking, PidFileIsPolledUntilUsableWithinTheStartTimeout) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  h.clock.advance(1s);
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), false});
  auto missing = h.supervisor.on(ev::PidFileUnusable{"the pid file /run/x.pid did not appear"});
  EXPECT_EQ(timer(missing), 100ms);
  EXPECT_TRUE(logged(missing, "waiting for the pid file: the pid file /run/x.pid did not appear"));
  // Said once per start, not at every poll.
  EXPECT_FALSE(logged(h.supervisor.on(ev::PidFileUnusable{"again"}), "waiting for the pid file"));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  h.clock.advance(100ms);
  EXPECT_TRUE(has<act::ReadPidFile>(h.supervisor.on(ev::TimerExpired{})));
  auto found = h.supervisor.on(ev::MainPidFound{77});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  EXPECT_TRUE(has<act::AdoptMain>(found));
}

TEST(SupervisorForking, NoUsablePidInTimeIsAFailedStartThatIsRestarted) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  h.clock.advance(1s);
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), false});
  h.clock.advance(9s);  // the 10s start timeout is over
  auto failed = h.supervisor.on(ev::PidFileUnusable{"the pid file names pid 5, which is stale"});
  EXPECT_TRUE(logged(failed, "start failed: the pid file names pid 5, which is stale within 10s"));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  EXPECT_TRUE(has<act::SignalTree>(failed));  // whatever the launcher left is stopped first
  auto empty = h.supervisor.on(ev::TreeEmpty{});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().restarts, 1U);
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "start failed");
}

TEST(SupervisorForking, FailedLauncherIsAFailedStart) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(3), true});
  EXPECT_FALSE(has<act::ReadPidFile>(exited));
  EXPECT_TRUE(logged(exited, "the launcher failed"));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "exit code 3");
}

TEST(SupervisorForking, FailedLauncherWithPolicyNeverExitsWithItsCode) {
  auto options = options_for(ServiceType::forking);
  options.restart.policy = RestartPolicy::never;
  Harness h(options);
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(3), true});
  EXPECT_EQ(exit_code(exited), 3);
}

TEST(SupervisorForking, HungLauncherIsStoppedAfterTheStartTimeout) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  h.clock.advance(10s);
  auto expired = h.supervisor.on(ev::TimerExpired{});
  EXPECT_TRUE(logged(expired, "start failed: the launcher did not exit within 10s"));
  EXPECT_TRUE(has<act::SignalTree>(expired));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  // The launcher ends from the stop signal: a restart follows, no pid file is read.
  auto gone = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(15), true});
  EXPECT_FALSE(has<act::ReadPidFile>(gone));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
}

TEST(SupervisorForking, DaemonExitIsTheProgramsExitAndRestartsIt) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn(100);
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), false});
  (void)h.supervisor.on(ev::MainPidFound{4242});
  h.clock.advance(5s);
  auto killed = h.supervisor.on(ev::ChildExited{ExitStatus::signaled(9), true});
  EXPECT_TRUE(logged(killed, "pid 4242 exited with signal 9 (KILL)"));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  h.clock.advance(100ms);
  EXPECT_TRUE(has<act::SpawnChild>(h.supervisor.on(ev::TimerExpired{})));
  // The next generation starts with its launcher again.
  auto again = h.supervisor.on(ev::Spawned{200, 200});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  EXPECT_TRUE(logged(again, "spawned launcher pid 200"));
}

TEST(SupervisorForking, StopWhileLookingForThePidStopsTheTreeAndExitsZero) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), false});
  auto stop = h.supervisor.on(ev::StopRequested{"SIGTERM"});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  EXPECT_TRUE(has<act::SignalTree>(stop));
  // A late answer about the pid file changes nothing.
  EXPECT_FALSE(has<act::AdoptMain>(h.supervisor.on(ev::MainPidFound{4242})));
  EXPECT_EQ(exit_code(h.supervisor.on(ev::TreeEmpty{})), 0);
}

TEST(SupervisorForking, StopWhileTheLauncherRunsStopsIt) {
  Harness h(options_for(ServiceType::forking));
  h.start_and_spawn();
  auto stop = h.supervisor.on(ev::StopRequested{"SIGTERM"});
  EXPECT_TRUE(has<act::SignalTree>(stop));
  auto gone = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), true});
  EXPECT_FALSE(has<act::ReadPidFile>(gone));
  EXPECT_EQ(exit_code(gone), 0);
}

// ---- notify ------------------------------------------------------------------------------

TEST(SupervisorNotify, RunningButNotReadyUntilReadyOne) {
  Harness h(options_for(ServiceType::notify));
  auto spawned = h.start_and_spawn(100);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  EXPECT_FALSE(has<act::NotifyReady>(spawned));
  EXPECT_EQ(timer(spawned), 10s);
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  // [health]'s Ready alone does not make a notify service ready.
  EXPECT_FALSE(has<act::NotifyReady>(h.supervisor.on(ev::Ready{})));
  h.clock.advance(2s);
  auto ready = h.supervisor.on(ev::ProgramReady{});
  EXPECT_TRUE(has<act::NotifyReady>(ready));
  EXPECT_TRUE(has<act::CancelTimer>(ready));
  EXPECT_TRUE(logged(ready, "pid 100 sent READY=1"));
  EXPECT_TRUE(h.supervisor.snapshot().ready);
  // A second READY=1 changes nothing.
  EXPECT_FALSE(has<act::NotifyReady>(h.supervisor.on(ev::ProgramReady{})));
}

TEST(SupervisorNotify, WithHealthBothMustHold) {
  auto options = options_for(ServiceType::notify);
  options.ready_requires_event = true;
  Harness h(options);
  h.start_and_spawn();
  EXPECT_FALSE(has<act::NotifyReady>(h.supervisor.on(ev::ProgramReady{})));
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  EXPECT_TRUE(has<act::NotifyReady>(h.supervisor.on(ev::Ready{})));
  EXPECT_TRUE(h.supervisor.snapshot().ready);
}

TEST(SupervisorNotify, NoReadyOneInTimeIsAFailedStart) {
  Harness h(options_for(ServiceType::notify));
  h.start_and_spawn();
  h.clock.advance(10s);
  auto expired = h.supervisor.on(ev::TimerExpired{});
  EXPECT_TRUE(logged(expired, "start failed: no READY=1 within 10s"));
  EXPECT_TRUE(has<act::SignalTree>(expired));
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::signaled(15), true});
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "start failed");
}

TEST(SupervisorNotify, NoReadyOneWithPolicyNeverExitsOne) {
  auto options = options_for(ServiceType::notify);
  options.restart.policy = RestartPolicy::never;
  Harness h(options);
  h.start_and_spawn();
  h.clock.advance(10s);
  (void)h.supervisor.on(ev::TimerExpired{});
  EXPECT_EQ(exit_code(h.supervisor.on(ev::ChildExited{ExitStatus::signaled(15), true})), 1);
}

TEST(SupervisorNotify, ReadinessIsPerChildButReadyOneIsSentOnce) {
  Harness h(options_for(ServiceType::notify));
  h.start_and_spawn(100);
  (void)h.supervisor.on(ev::ProgramReady{});
  (void)h.supervisor.on(ev::ChildExited{ExitStatus::exited(1), true});
  h.clock.advance(100ms);
  (void)h.supervisor.on(ev::TimerExpired{});
  auto respawned = h.supervisor.on(ev::Spawned{101, 101});
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  EXPECT_EQ(timer(respawned), 10s);
  auto ready = h.supervisor.on(ev::ProgramReady{});
  EXPECT_TRUE(h.supervisor.snapshot().ready);
  EXPECT_FALSE(has<act::NotifyReady>(ready));  // the manager heard it already
}

TEST(SupervisorNotify, MainPidHandsTheMainProcessOver) {
  Harness h(options_for(ServiceType::notify));
  h.start_and_spawn(100);
  auto moved = h.supervisor.on(ev::MainPidFound{150});
  ASSERT_TRUE(find<act::AdoptMain>(moved));
  EXPECT_EQ(find<act::AdoptMain>(moved)->pid, 150);
  EXPECT_EQ(h.supervisor.snapshot().pid, 150);
}

TEST(SupervisorSimple, MainPidFoundIsIgnored) {
  Harness h(options_for(ServiceType::simple));
  h.start_and_spawn(100);
  EXPECT_FALSE(has<act::AdoptMain>(h.supervisor.on(ev::MainPidFound{150})));
  EXPECT_FALSE(has<act::NotifyReady>(h.supervisor.on(ev::ProgramReady{})));
  EXPECT_EQ(h.supervisor.snapshot().pid, 100);
}

// ---- oneshot -----------------------------------------------------------------------------

TEST(SupervisorOneshot, ReadyOnlyAtSuccessThenTheWatchdogExitsZero) {
  Harness h(options_for(ServiceType::oneshot));
  auto spawned = h.start_and_spawn();
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  EXPECT_FALSE(has<act::NotifyReady>(spawned));
  EXPECT_FALSE(has<act::StartTimer>(spawned));  // a oneshot may take as long as it needs
  h.clock.advance(3s);
  auto done = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), true});
  EXPECT_TRUE(has<act::NotifyReady>(done));
  EXPECT_TRUE(logged(done, "finished successfully"));
  EXPECT_EQ(exit_code(done), 0);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
  EXPECT_EQ(h.supervisor.snapshot().restarts, 0U);
  // READY=1 precedes the exit, so the manager saw the start complete.
  const auto ready = std::find_if(done.begin(), done.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::NotifyReady>(a);
  });
  const auto exit = std::find_if(done.begin(), done.end(), [](const SupervisorAction& a) {
    return std::holds_alternative<act::Exit>(a);
  });
  EXPECT_LT(ready, exit);
}

TEST(SupervisorOneshot, ASuccessExitCodeIsSuccess) {
  auto options = options_for(ServiceType::oneshot);
  options.restart.success_exit_codes = {0, 3};
  Harness h(options);
  h.start_and_spawn();
  auto done = h.supervisor.on(ev::ChildExited{ExitStatus::exited(3), true});
  EXPECT_EQ(exit_code(done), 0);
  EXPECT_TRUE(has<act::NotifyReady>(done));
}

TEST(SupervisorOneshot, RemainAfterExitStaysExitedUntilStopped) {
  auto options = options_for(ServiceType::oneshot);
  options.remain_after_exit = true;
  Harness h(options);
  h.start_and_spawn();
  auto done = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), true});
  EXPECT_FALSE(exit_code(done));
  EXPECT_TRUE(has<act::NotifyReady>(done));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::exited);
  EXPECT_TRUE(h.supervisor.snapshot().ready);
  EXPECT_EQ(h.supervisor.snapshot().pid, 0);
  EXPECT_STREQ(to_string(h.supervisor.state()), "exited");
  // Reload has nothing to signal; a stop just ends the watchdog.
  EXPECT_TRUE(logged(h.supervisor.on(ev::ReloadRequested{}), "reload ignored"));
  auto stop = h.supervisor.on(ev::StopRequested{"SIGTERM"});
  EXPECT_FALSE(has<act::SignalTree>(stop));
  EXPECT_TRUE(has<act::NotifyStopping>(stop));
  EXPECT_EQ(exit_code(stop), 0);
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
}

TEST(SupervisorOneshot, FailureIsRestartedWithOnFailureAndNotReady) {
  Harness h(options_for(ServiceType::oneshot));
  h.start_and_spawn();
  auto failed = h.supervisor.on(ev::ChildExited{ExitStatus::exited(2), true});
  EXPECT_FALSE(has<act::NotifyReady>(failed));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  h.clock.advance(100ms);
  (void)h.supervisor.on(ev::TimerExpired{});
  (void)h.supervisor.on(ev::Spawned{101, 101});
  auto done = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), true});
  EXPECT_TRUE(has<act::NotifyReady>(done));
  EXPECT_EQ(exit_code(done), 0);
}

TEST(SupervisorOneshot, FailureWithPolicyNeverExitsWithItsCode) {
  auto options = options_for(ServiceType::oneshot);
  options.restart.policy = RestartPolicy::never;
  options.remain_after_exit = true;
  Harness h(options);
  h.start_and_spawn();
  auto failed = h.supervisor.on(ev::ChildExited{ExitStatus::exited(2), true});
  EXPECT_FALSE(has<act::NotifyReady>(failed));
  EXPECT_EQ(exit_code(failed), 2);
}

TEST(SupervisorOneshot, SuccessIsNeverRestartedEvenWithPolicyAlways) {
  // The loader refuses this combination; the supervisor holds to it anyway.
  auto options = options_for(ServiceType::oneshot);
  options.restart.policy = RestartPolicy::always;
  Harness h(options);
  h.start_and_spawn();
  EXPECT_EQ(exit_code(h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), true})), 0);
}

TEST(SupervisorOneshot, LeftoversAreStoppedBeforeTheSuccessCounts) {
  auto options = options_for(ServiceType::oneshot);
  options.remain_after_exit = true;
  Harness h(options);
  h.start_and_spawn();
  auto exited = h.supervisor.on(ev::ChildExited{ExitStatus::exited(0), /*tree_empty=*/false});
  EXPECT_TRUE(has<act::SignalTree>(exited));
  EXPECT_FALSE(has<act::NotifyReady>(exited));
  auto empty = h.supervisor.on(ev::TreeEmpty{});
  EXPECT_TRUE(has<act::NotifyReady>(empty));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::exited);
}

TEST(SupervisorOptions, FromTheServiceModel) {
  Service service;
  service.type = ServiceType::oneshot;
  service.remain_after_exit = true;
  const auto options = supervisor_options(service, /*health=*/true);
  EXPECT_EQ(options.type, ServiceType::oneshot);
  EXPECT_TRUE(options.remain_after_exit);
  EXPECT_TRUE(options.ready_requires_event);
  EXPECT_EQ(options.start_timeout, 90s);
}

}  // namespace
}  // namespace daemonize
