// [hooks] and stop.kill in the supervisor state machine, event by event: which hook runs when,
// what a failure decides, and what a stop, a crash or a reload does to a running hook.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "daemonize/core/supervisor.hpp"
#include "supervisor_harness.hpp"

namespace daemonize {
namespace {

using namespace std::chrono_literals;
namespace ev = supervisor_event;
namespace act = supervisor_action;
using namespace supervisor_test;  // NOLINT(google-build-using-namespace): the shared test helpers

// The actions as short words, in order (Log, PersistState and NotifyStatus left out), so a test
// reads as the sequence the driver carries out.
std::vector<std::string> words(const SupervisorActions& actions) {
  std::vector<std::string> out;
  for (const auto& action : actions) {
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, act::SpawnChild>) {
            out.emplace_back("spawn");
          } else if constexpr (std::is_same_v<T, act::RunHook>) {
            out.push_back(std::string("hook ") + to_string(a.phase) + "[" +
                          std::to_string(a.index) + "]");
          } else if constexpr (std::is_same_v<T, act::CancelHook>) {
            out.emplace_back("cancel_hook");
          } else if constexpr (std::is_same_v<T, act::SignalTree>) {
            out.push_back(std::string(a.main_only ? "signal_main " : "signal_tree ") +
                          to_string(a.signal));
          } else if constexpr (std::is_same_v<T, act::SignalMainChild>) {
            out.push_back(std::string("reload_signal ") + to_string(a.signal));
          } else if constexpr (std::is_same_v<T, act::KillTree>) {
            out.emplace_back(a.main_only ? "kill_main" : "kill_tree");
          } else if constexpr (std::is_same_v<T, act::StartTimer>) {
            out.push_back("timer " + std::to_string(a.after.count()) + "ms");
          } else if constexpr (std::is_same_v<T, act::CancelTimer>) {
            out.emplace_back("cancel_timer");
          } else if constexpr (std::is_same_v<T, act::NotifyReady>) {
            out.emplace_back("ready");
          } else if constexpr (std::is_same_v<T, act::NotifyStopping>) {
            out.emplace_back("stopping");
          } else if constexpr (std::is_same_v<T, act::Exit>) {
            out.push_back("exit " + std::to_string(a.code));
          }
        },
        action);
  }
  return out;
}

std::vector<std::string> logs(const SupervisorActions& actions) {
  std::vector<std::string> out;
  for (const auto& action : actions) {
    if (const auto* log = std::get_if<act::Log>(&action)) out.push_back(log->message);
  }
  return out;
}

HookCommand hook(Duration timeout = 30s, bool ignore_failure = false) {
  return HookCommand{{"/bin/true"}, ignore_failure, timeout};
}

SupervisorOptions options_with(HooksConfig hooks) {
  SupervisorOptions options;
  options.restart.policy = RestartPolicy::on_failure;
  options.restart.delay = 100ms;
  options.restart.multiplier = 2.0;
  options.restart.max_restarts = 2;
  options.restart.window = 1min;
  options.stop.timeout = 5s;
  options.hooks = std::move(hooks);
  return options;
}

struct Harness {
  explicit Harness(SupervisorOptions options) : supervisor(std::move(options), clock) {}
  std::vector<std::string> step(const SupervisorEvent& event) {
    last = supervisor.on(event);
    return words(last);
  }
  // HookFinished for the hook started last.
  std::vector<std::string> hook_done(int code = 0, bool timed_out = false) {
    const act::RunHook* run = nullptr;
    for (const auto& action : history) {
      if (const auto* found = std::get_if<act::RunHook>(&action)) run = found;
    }
    EXPECT_NE(run, nullptr);
    const auto id = run != nullptr ? run->id : 0;
    return record(ev::HookFinished{id, ExitStatus::exited(code), timed_out});
  }
  std::vector<std::string> record(const SupervisorEvent& event) {
    auto result = step(event);
    history.insert(history.end(), last.begin(), last.end());
    return result;
  }
  FakeClock clock;
  Supervisor supervisor;
  SupervisorActions last;
  SupervisorActions history;
};

using Words = std::vector<std::string>;

TEST(SupervisorHooks, WithoutHooksNothingChanges) {
  Harness h(options_with({}));
  EXPECT_EQ(h.record(ev::Start{}), (Words{"spawn"}));
  EXPECT_EQ(h.record(ev::Spawned{10, 10}), (Words{"ready"}));
  EXPECT_EQ(h.record(ev::StopRequested{"SIGTERM"}),
            (Words{"stopping", "signal_tree TERM", "timer 5000ms"}));
}

TEST(SupervisorHooks, FullLifeInOrder) {
  HooksConfig hooks;
  hooks.pre_start = {hook(), hook()};
  hooks.post_start = {hook()};
  hooks.stop = {hook()};
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));
  EXPECT_EQ(h.record(ev::Start{}), (Words{"hook pre_start[0]"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::starting);
  EXPECT_EQ(h.hook_done(), (Words{"hook pre_start[1]"}));
  EXPECT_EQ(h.hook_done(), (Words{"spawn"}));
  // post_start before READY=1.
  EXPECT_EQ(h.record(ev::Spawned{10, 10}), (Words{"hook post_start[0]"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  EXPECT_EQ(h.hook_done(), (Words{"ready"}));
  EXPECT_TRUE(h.supervisor.snapshot().ready);
  // The stop hook replaces the signal; the program is still running when it ends: the signal
  // and stop.timeout are the fallback.
  EXPECT_EQ(h.record(ev::StopRequested{"SIGTERM"}), (Words{"stopping", "hook stop[0]"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  EXPECT_EQ(h.hook_done(), (Words{"signal_tree TERM", "timer 5000ms"}));
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::signaled(15), true}),
            (Words{"cancel_timer", "hook post_stop[0]"}));
  EXPECT_EQ(h.hook_done(), (Words{"exit 0"}));
}

TEST(SupervisorHooks, AProgramThatExitsDuringTheStopHookIsNotSignalled) {
  HooksConfig hooks;
  hooks.stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::StopRequested{""}), (Words{"stopping", "hook stop[0]"}));
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(0), true}), (Words{}));
  EXPECT_EQ(h.hook_done(), (Words{"exit 0"}));
}

TEST(SupervisorHooks, LeftoversOfAProgramThatExitedDuringTheStopHookGetTheSignal) {
  HooksConfig hooks;
  hooks.stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  h.record(ev::StopRequested{""});
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(0), false}), (Words{}));
  EXPECT_EQ(h.hook_done(), (Words{"signal_tree TERM", "timer 5000ms"}));
  EXPECT_EQ(h.record(ev::TreeEmpty{}), (Words{"cancel_timer", "exit 0"}));
}

TEST(SupervisorHooks, AFailingOrTimedOutStopHookFallsBackToTheSignal) {
  HooksConfig hooks;
  hooks.stop = {hook(2s), hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  h.record(ev::StopRequested{""});
  // The first stop hook timed out: the second does not run, the signal goes out.
  EXPECT_EQ(h.hook_done(0, /*timed_out=*/true), (Words{"signal_tree TERM", "timer 5000ms"}));
  EXPECT_EQ(logs(h.last).front(), "hooks.stop[0] failed: timed out after 2s (killed)");
}

TEST(SupervisorHooks, AFailingPreStartCountsLikeACrashAndGivesUp) {
  HooksConfig hooks;
  hooks.pre_start = {hook()};
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));  // max_restarts = 2
  h.record(ev::Start{});
  // 1st start fails: post_stop runs (as ExecStopPost= after a failed start), then the backoff.
  EXPECT_EQ(h.hook_done(3), (Words{"hook post_stop[0]"}));
  EXPECT_EQ(logs(h.last).front(), "hooks.pre_start[0] failed: exit code 3; the start failed");
  EXPECT_EQ(h.hook_done(), (Words{"timer 100ms"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "pre_start hook failed");
  EXPECT_EQ(h.supervisor.snapshot().last_exit->describe(), "pre_start hook failed");
  // Each restart runs pre_start again.
  EXPECT_EQ(h.record(ev::TimerExpired{}), (Words{"hook pre_start[0]"}));
  h.hook_done(3);
  EXPECT_EQ(h.hook_done(), (Words{"timer 200ms"}));
  EXPECT_EQ(h.record(ev::TimerExpired{}), (Words{"hook pre_start[0]"}));
  h.hook_done(3);
  // The third failure in the window: max_restarts = 2 gives up (75).
  EXPECT_EQ(h.hook_done(), (Words{"exit 75"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::gave_up);
  EXPECT_EQ(h.supervisor.snapshot().restarts, 2U);
}

TEST(SupervisorHooks, APreStartFailureWithoutRestartExitsWithTheHooksCode) {
  HooksConfig hooks;
  hooks.pre_start = {hook()};
  auto options = options_with(hooks);
  options.restart.policy = RestartPolicy::never;
  Harness h(options);
  h.record(ev::Start{});
  EXPECT_EQ(h.hook_done(4), (Words{"exit 4"}));
  Harness timed_out(options);
  timed_out.record(ev::Start{});
  EXPECT_EQ(timed_out.hook_done(0, true), (Words{"exit 1"}));
}

TEST(SupervisorHooks, IgnoreFailureGoesOn) {
  HooksConfig hooks;
  hooks.pre_start = {hook(30s, /*ignore_failure=*/true), hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  EXPECT_EQ(h.hook_done(1), (Words{"hook pre_start[1]"}));
  EXPECT_EQ(logs(h.last).front(), "hooks.pre_start[0] failed: exit code 1 (ignore_failure)");
  EXPECT_EQ(h.hook_done(), (Words{"spawn"}));
}

TEST(SupervisorHooks, AFailingPostStartStopsTheProgramAndRestartsIt) {
  HooksConfig hooks;
  hooks.post_start = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.hook_done(2), (Words{"signal_tree TERM", "timer 5000ms"}));
  EXPECT_FALSE(h.supervisor.snapshot().ready);
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::signaled(15), true}),
            (Words{"cancel_timer", "timer 100ms"}));
  EXPECT_EQ(h.supervisor.snapshot().last_restart_reason, "hooks.post_start[0] failed");
  EXPECT_EQ(h.supervisor.snapshot().restarts, 1U);
}

TEST(SupervisorHooks, WithHealthPostStartRunsAfterTheFirstHealthyCheck) {
  HooksConfig hooks;
  hooks.post_start = {hook()};
  auto options = options_with(hooks);
  options.ready_requires_event = true;
  Harness h(options);
  h.record(ev::Start{});
  EXPECT_EQ(h.record(ev::Spawned{10, 10}), (Words{}));
  EXPECT_EQ(h.record(ev::Ready{}), (Words{"hook post_start[0]"}));
  EXPECT_EQ(h.hook_done(), (Words{"ready"}));
}

TEST(SupervisorHooks, ACrashDuringPostStartCancelsItAndRunsPostStop) {
  HooksConfig hooks;
  hooks.post_start = {hook()};
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(1), true}),
            (Words{"cancel_hook", "hook post_stop[0]"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
  EXPECT_EQ(h.hook_done(), (Words{"timer 100ms"}));
}

TEST(SupervisorHooks, AStaleHookFinishedIsIgnored) {
  HooksConfig hooks;
  hooks.post_start = {hook()};
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  std::uint64_t post_start_id = 0;
  for (const auto& action : h.last) {
    if (const auto* run = std::get_if<act::RunHook>(&action)) post_start_id = run->id;
  }
  ASSERT_NE(post_start_id, 0U);
  h.record(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_EQ(h.step(ev::HookFinished{post_start_id, ExitStatus::exited(0), false}), (Words{}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::stopping);
}

TEST(SupervisorHooks, AStopDuringPreStartKillsItRunsPostStopAndExits) {
  HooksConfig hooks;
  hooks.pre_start = {hook()};
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  EXPECT_EQ(h.record(ev::StopRequested{"SIGTERM"}),
            (Words{"cancel_hook", "stopping", "hook post_stop[0]"}));
  EXPECT_EQ(h.hook_done(), (Words{"exit 0"}));
}

TEST(SupervisorHooks, PostStopFailureIsLoggedAndChangesNothing) {
  HooksConfig hooks;
  hooks.post_stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  h.record(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_EQ(h.hook_done(9), (Words{"timer 100ms"}));
  EXPECT_EQ(logs(h.last).front(), "hooks.post_stop[0] failed: exit code 9");
}

TEST(SupervisorHooks, ReloadRunsTheHooksInsteadOfTheSignal) {
  HooksConfig hooks;
  hooks.reload = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::ReloadRequested{}), (Words{"hook reload[0]"}));
  // A second reload while the first runs is ignored.
  EXPECT_EQ(h.record(ev::ReloadRequested{}), (Words{}));
  EXPECT_EQ(logs(h.last).front(), "reload ignored: the reload hooks are running");
  EXPECT_EQ(h.hook_done(1), (Words{}));
  EXPECT_EQ(logs(h.last).front(), "hooks.reload[0] failed: exit code 1");
  EXPECT_EQ(h.supervisor.state(), SupervisorState::running);
  Harness plain(options_with({}));
  plain.record(ev::Start{});
  plain.record(ev::Spawned{10, 10});
  EXPECT_EQ(plain.record(ev::ReloadRequested{}), (Words{"reload_signal HUP"}));
}

TEST(SupervisorHooks, AStopDuringReloadCancelsItAndRunsTheStopHooks) {
  HooksConfig hooks;
  hooks.reload = {hook()};
  hooks.stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  h.record(ev::ReloadRequested{});
  EXPECT_EQ(h.record(ev::StopRequested{""}), (Words{"cancel_hook", "stopping", "hook stop[0]"}));
}

TEST(SupervisorHooks, AHealthRestartRunsTheStopHooks) {
  HooksConfig hooks;
  hooks.stop = {hook()};
  Harness h(options_with(hooks));
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::RestartRequested{"health"}), (Words{"hook stop[0]"}));
  EXPECT_EQ(h.hook_done(), (Words{"signal_tree TERM", "timer 5000ms"}));
}

TEST(SupervisorKill, MainSignalsAndKillsOnlyTheMainProcess) {
  auto options = options_with({});
  options.stop.kill = KillScope::main;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::StopRequested{""}),
            (Words{"stopping", "signal_main TERM", "timer 5000ms"}));
  EXPECT_EQ(h.record(ev::TimerExpired{}), (Words{"kill_main"}));
  // Descendants are left (tree not empty): the stop still ends with the main process.
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::signaled(9), /*tree_empty=*/false}),
            (Words{"cancel_timer", "exit 0"}));
}

TEST(SupervisorKill, MainRestartsNextToWhatTheProgramLeft) {
  auto options = options_with({});
  options.stop.kill = KillScope::main;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  // A crash that left descendants: no stop of them, the restart is scheduled at once.
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(1), false}), (Words{"timer 100ms"}));
  EXPECT_EQ(h.supervisor.state(), SupervisorState::backing_off);
  auto group = options_with({});
  Harness g(group);
  g.record(ev::Start{});
  g.record(ev::Spawned{10, 10});
  EXPECT_EQ(g.record(ev::ChildExited{ExitStatus::exited(1), false}),
            (Words{"signal_tree TERM", "timer 5000ms"}));
}

TEST(SupervisorKill, KillSignalWithMainKillsOnlyTheMainProcess) {
  auto options = options_with({});
  options.stop.kill = KillScope::main;
  options.stop.signal = Signal::kill;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::StopRequested{""}), (Words{"stopping", "kill_main"}));
}

// [hooks] reload with a written reload.signal: the hooks in order, then the signal; a failing
// hook ends the reload before it (as systemd stops at a failing ExecReload= line).
TEST(SupervisorHooks, ReloadHooksThenTheWrittenSignal) {
  HooksConfig hooks;
  hooks.reload = {hook(), hook()};
  auto options = options_with(hooks);
  options.reload.signal = Signal::usr2;
  options.reload.signal_after_hooks = true;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::ReloadRequested{}), (Words{"hook reload[0]"}));
  EXPECT_EQ(h.hook_done(0), (Words{"hook reload[1]"}));
  EXPECT_EQ(h.hook_done(0), (Words{"reload_signal USR2"}));
  EXPECT_EQ(logs(h.last).front(), "reload: sending USR2 to pid 10");
  // The check fails: no signal.
  EXPECT_EQ(h.record(ev::ReloadRequested{}), (Words{"hook reload[0]"}));
  EXPECT_EQ(h.hook_done(2), (Words{}));
  EXPECT_EQ(logs(h.last).front(),
            "hooks.reload[0] failed: exit code 2; the reload signal is not sent");
  // ignore_failure goes on to the signal.
  hooks.reload = {hook(30s, /*ignore_failure=*/true)};
  options.hooks = hooks;
  Harness ignoring(options);
  ignoring.record(ev::Start{});
  ignoring.record(ev::Spawned{10, 10});
  ignoring.record(ev::ReloadRequested{});
  EXPECT_EQ(ignoring.hook_done(1), (Words{"reload_signal USR2"}));
}

// stop.kill = "mixed": the signal to the main process, the kill to everything left — at
// stop.timeout, or at once when the main process is gone (systemd's KillMode=mixed).
TEST(SupervisorKill, MixedSignalsTheMainProcessAndKillsTheTreeAtTheTimeout) {
  auto options = options_with({});
  options.stop.kill = KillScope::mixed;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::StopRequested{""}),
            (Words{"stopping", "signal_main TERM", "timer 5000ms"}));
  EXPECT_EQ(h.record(ev::TimerExpired{}), (Words{"kill_tree"}));
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::signaled(9), /*tree_empty=*/false}), (Words{}));
  EXPECT_EQ(h.record(ev::TreeEmpty{}), (Words{"cancel_timer", "exit 0"}));
}

TEST(SupervisorKill, MixedKillsWhatTheMainProcessLeftOnceItIsGone) {
  auto options = options_with({});
  options.stop.kill = KillScope::mixed;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  h.record(ev::StopRequested{""});
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(0), /*tree_empty=*/false}),
            (Words{"cancel_timer", "kill_tree"}));
  EXPECT_EQ(logs(h.last).back(), "the main process is gone; killing every process left");
  EXPECT_EQ(h.record(ev::TimerExpired{}), (Words{}));  // a late timer kills nothing twice
  EXPECT_EQ(h.record(ev::TreeEmpty{}), (Words{"cancel_timer", "exit 0"}));
  // A crash that left processes: they are killed without a signal, then the restart.
  Harness crash(options);
  crash.record(ev::Start{});
  crash.record(ev::Spawned{10, 10});
  EXPECT_EQ(crash.record(ev::ChildExited{ExitStatus::exited(1), false}), (Words{"kill_tree"}));
  EXPECT_EQ(crash.record(ev::TreeEmpty{}), (Words{"cancel_timer", "timer 100ms"}));
  // With stop.signal = "KILL" the tree is killed at once.
  options.stop.signal = Signal::kill;
  Harness kill(options);
  kill.record(ev::Start{});
  kill.record(ev::Spawned{10, 10});
  EXPECT_EQ(kill.record(ev::StopRequested{""}), (Words{"stopping", "kill_tree"}));
}

// stop.timeout = "infinity": no timer, so nothing is ever killed; the stop ends with the tree.
TEST(SupervisorKill, AnInfiniteStopTimeoutNeverKills) {
  auto options = options_with({});
  options.stop.timeout = kInfiniteDuration;
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::StopRequested{""}), (Words{"stopping", "signal_tree TERM"}));
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(0), /*tree_empty=*/true}),
            (Words{"cancel_timer", "exit 0"}));
  options.stop.kill = KillScope::mixed;
  Harness mixed(options);
  mixed.record(ev::Start{});
  mixed.record(ev::Spawned{10, 10});
  EXPECT_EQ(mixed.record(ev::StopRequested{""}), (Words{"stopping", "signal_main TERM"}));
}

// restart.prevent_exit_codes: a failure that is not restarted, whatever the policy; the watchdog
// exits with the code (the service ends failed), other failures are still restarted.
TEST(SupervisorRestart, PreventedExitCodesEndTheServiceFailed) {
  for (const auto policy : {RestartPolicy::always, RestartPolicy::on_failure}) {
    auto options = options_with({});
    options.restart.policy = policy;
    options.restart.prevent_exit_codes = {255};
    Harness h(options);
    h.record(ev::Start{});
    h.record(ev::Spawned{10, 10});
    EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(3), true}), (Words{"timer 100ms"}));
    h.record(ev::TimerExpired{});
    h.record(ev::Spawned{11, 11});
    EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::exited(255), true}), (Words{"exit 255"}));
    EXPECT_EQ(h.supervisor.state(), SupervisorState::stopped);
    EXPECT_EQ(h.supervisor.snapshot().exit_code, 255);
    const auto messages = logs(h.last);
    EXPECT_NE(std::find(messages.begin(), messages.end(),
                        "exit code 255 is in restart.prevent_exit_codes: not restarted"),
              messages.end());
  }
  // A signal is not an exit code: still restarted.
  auto options = options_with({});
  options.restart.prevent_exit_codes = {9};
  Harness h(options);
  h.record(ev::Start{});
  h.record(ev::Spawned{10, 10});
  EXPECT_EQ(h.record(ev::ChildExited{ExitStatus::signaled(9), true}), (Words{"timer 100ms"}));
}

}  // namespace
}  // namespace daemonize
