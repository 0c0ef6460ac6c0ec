// The Windows runtime's decisions (runtime_decisions.hpp), tested on every host through the
// ChildStopControl seam: which stop step comes next and how the steps share stop.timeout.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "daemonize/watchdog/runtime_decisions.hpp"

namespace daemonize::windows {
namespace {

using namespace std::chrono_literals;

// Records the steps and answers each with what the test set up (reached by default).
class FakeStopControl final : public ChildStopControl {
 public:
  std::map<StopStep, StopStepResult> answers;
  std::vector<std::string> calls;

  StopStepResult perform(StopStep step) override {
    calls.emplace_back(to_string(step));
    const auto found = answers.find(step);
    return found != answers.end() ? found->second : StopStepResult{true, "ok"};
  }
};

using Steps = std::vector<TimedStopStep>;

TEST(StopSteps, TermAndTheOtherSignalsStartWithCtrlCAndShareTheTimeout) {
  for (const Signal signal :
       {Signal::term, Signal::interrupt, Signal::hangup, Signal::usr1, Signal::usr2}) {
    EXPECT_EQ(stop_steps(signal, 8s), (Steps{{StopStep::ctrl_c, 4s},
                                             {StopStep::close_windows, 6s},
                                             {StopStep::quit_threads, 8s}}))
        << to_string(signal);
  }
}

TEST(StopSteps, QuitStartsWithCtrlBreak) {
  EXPECT_EQ(stop_steps(Signal::quit, 30s), (Steps{{StopStep::ctrl_break, 15s},
                                                  {StopStep::close_windows, 22500ms},
                                                  {StopStep::quit_threads, 30s}}));
}

TEST(StopSteps, KillOrATimeoutOfZeroTerminatesTheJobAtOnce) {
  EXPECT_EQ(stop_steps(Signal::kill, 30s), (Steps{{StopStep::terminate_job, 0s}}));
  EXPECT_EQ(stop_steps(Signal::term, 0s), (Steps{{StopStep::terminate_job, 0s}}));
}

TEST(StopSequence, EachReachedStepWaitsItsShareThenTheNextFollows) {
  FakeStopControl control;
  StopSequence sequence(Signal::term, 4s);
  auto progress = sequence.advance(0ms, control);
  EXPECT_EQ(control.calls, std::vector<std::string>{"Ctrl+C"});
  EXPECT_EQ(progress.next_at, 2s);
  EXPECT_FALSE(progress.terminated);
  EXPECT_EQ(progress.log,
            std::vector<std::string>{"stop: Ctrl+C: ok; WM_CLOSE in 2s if the program still runs"});

  progress = sequence.advance(1999ms, control);  // not due yet
  EXPECT_EQ(control.calls.size(), 1U);
  EXPECT_EQ(progress.next_at, 2s);
  EXPECT_TRUE(progress.log.empty());

  progress = sequence.advance(2s, control);
  EXPECT_EQ(control.calls, (std::vector<std::string>{"Ctrl+C", "WM_CLOSE"}));
  EXPECT_EQ(progress.next_at, 3s);

  progress = sequence.advance(3s, control);
  EXPECT_EQ(control.calls, (std::vector<std::string>{"Ctrl+C", "WM_CLOSE", "WM_QUIT"}));
  // After the last step the Supervisor's stop.timeout (KillTree) ends the job, not the sequence.
  EXPECT_EQ(progress.next_at, std::nullopt);
  EXPECT_FALSE(progress.terminated);
  EXPECT_EQ(progress.log, std::vector<std::string>{
                              "stop: WM_QUIT: ok; the job is terminated in 1s if the program "
                              "still runs"});
  EXPECT_TRUE(sequence.advance(10s, control).log.empty());
  EXPECT_EQ(control.calls.size(), 3U);
}

TEST(StopSequence, AStepThatReachesNothingHandsOverAtOnceWithItsTime) {
  FakeStopControl control;
  control.answers[StopStep::ctrl_c] = {false, "AttachConsole(12): Access is denied. (error 5)"};
  StopSequence sequence(Signal::term, 8s);
  const auto progress = sequence.advance(0ms, control);
  EXPECT_EQ(control.calls, (std::vector<std::string>{"Ctrl+C", "WM_CLOSE"}));
  EXPECT_EQ(progress.next_at, 6s);  // WM_CLOSE keeps its own deadline: it got Ctrl+C's time
  EXPECT_EQ(progress.log,
            (std::vector<std::string>{
                "stop: Ctrl+C reached nothing (AttachConsole(12): Access is denied. (error 5)); "
                "WM_CLOSE now",
                "stop: WM_CLOSE: ok; WM_QUIT in 6s if the program still runs"}));
}

TEST(StopSequence, WhenNoStepReachesTheProgramTheJobIsTerminatedAtOnce) {
  FakeStopControl control;
  control.answers[StopStep::ctrl_c] = {false, "no console"};
  control.answers[StopStep::close_windows] = {false, "no window"};
  control.answers[StopStep::quit_threads] = {false, "no message queue"};
  control.answers[StopStep::terminate_job] = {true, "terminated the job"};
  StopSequence sequence(Signal::interrupt, 30s);
  const auto progress = sequence.advance(0ms, control);
  EXPECT_EQ(control.calls,
            (std::vector<std::string>{"Ctrl+C", "WM_CLOSE", "WM_QUIT", "TerminateJobObject"}));
  EXPECT_TRUE(progress.terminated);
  EXPECT_EQ(progress.next_at, std::nullopt);
  EXPECT_EQ(progress.log.back(),
            "stop: no step reached the program: TerminateJobObject: terminated the job");
  EXPECT_TRUE(sequence.advance(30s, control).log.empty());  // never twice
}

TEST(StopSequence, OnceCtrlCReachedTheProgramItGetsTheWholeTimeout) {
  FakeStopControl control;
  control.answers[StopStep::close_windows] = {false, "no window"};
  control.answers[StopStep::quit_threads] = {false, "no message queue"};
  StopSequence sequence(Signal::term, 10s);
  (void)sequence.advance(0ms, control);
  const auto progress = sequence.advance(5s, control);
  EXPECT_EQ(control.calls, (std::vector<std::string>{"Ctrl+C", "WM_CLOSE", "WM_QUIT"}));
  EXPECT_FALSE(progress.terminated);  // the program may still be running its shutdown hooks
  EXPECT_EQ(progress.next_at, std::nullopt);
}

TEST(StopSequence, KillTerminatesTheJobAndAFailureIsReported) {
  FakeStopControl control;
  control.answers[StopStep::terminate_job] = {false, "failed (error 5)"};
  StopSequence sequence(Signal::kill, 30s);
  const auto progress = sequence.advance(0ms, control);
  EXPECT_EQ(control.calls, std::vector<std::string>{"TerminateJobObject"});
  EXPECT_FALSE(progress.terminated);
  EXPECT_EQ(progress.log, std::vector<std::string>{"stop: TerminateJobObject: failed (error 5)"});
}

TEST(StopSequence, QuitSendsCtrlBreak) {
  FakeStopControl control;
  StopSequence sequence(Signal::quit, 2s);
  (void)sequence.advance(0ms, control);
  EXPECT_EQ(control.calls, std::vector<std::string>{"Ctrl+Break"});
}

TEST(ServiceStatus, StartPendingCheckpointsGrowThenRunningAcceptsStopAndShutdown) {
  ServiceStatusTracker tracker(30s);
  const auto first = tracker.starting();
  EXPECT_EQ(first.state, scm::kStartPending);
  EXPECT_EQ(first.checkpoint, 1U);
  EXPECT_GT(first.wait_hint_ms, 0U);
  EXPECT_EQ(first.controls_accepted, 0U);  // no STOP before the service runs
  EXPECT_EQ(tracker.tick().checkpoint, 2U);
  EXPECT_EQ(tracker.tick().checkpoint, 3U);
  const auto running = tracker.running();
  EXPECT_EQ(running.state, scm::kRunning);
  EXPECT_EQ(running.checkpoint, 0U);
  EXPECT_EQ(running.wait_hint_ms, 0U);
  EXPECT_EQ(running.controls_accepted,
            scm::kAcceptStop | scm::kAcceptShutdown | scm::kAcceptPreshutdown);
  EXPECT_EQ(tracker.tick(), running);  // no checkpoint outside pending states
  EXPECT_EQ(tracker.current(), running);
}

TEST(ServiceStatus, StopPendingWaitHintIsTheStopBudgetAndCheckpointsRestart) {
  ServiceStatusTracker tracker(5s);
  (void)tracker.starting();
  (void)tracker.tick();
  (void)tracker.running();
  const auto stopping = tracker.stopping();
  EXPECT_EQ(stopping.state, scm::kStopPending);
  EXPECT_EQ(stopping.checkpoint, 1U);
  EXPECT_EQ(stopping.wait_hint_ms, 20'000U);  // 5 s + 15 s margin
  EXPECT_EQ(tracker.stopping().checkpoint, 2U);
  EXPECT_EQ(tracker.tick().checkpoint, 3U);
}

TEST(ServiceStatus, CleanStopReportsNoError) {
  ServiceStatusTracker tracker(5s);
  const auto stopped = tracker.stopped(0);
  EXPECT_EQ(stopped.state, scm::kStopped);
  EXPECT_EQ(stopped.win32_exit_code, scm::kNoError);
  EXPECT_EQ(stopped.service_specific_exit_code, 0U);
  EXPECT_EQ(stopped.checkpoint, 0U);
  EXPECT_EQ(stopped.controls_accepted, 0U);
}

TEST(ServiceStatus, GiveUpIsAServiceSpecificExitCode) {
  ServiceStatusTracker tracker(5s);
  const auto stopped = tracker.stopped(75);
  EXPECT_EQ(stopped.state, scm::kStopped);
  EXPECT_EQ(stopped.win32_exit_code, scm::kServiceSpecificError);
  EXPECT_EQ(stopped.service_specific_exit_code, 75U);
}

TEST(ServiceStatus, PreshutdownTimeoutIsStopTimeoutPlusMargin) {
  EXPECT_EQ(preshutdown_timeout(30s), 45'000ms);
  EXPECT_EQ(preshutdown_timeout(500ms), 15'500ms);
  // "infinity" is bounded on Windows: 3 minutes, then the margin.
  EXPECT_EQ(stop_timeout(kInfiniteDuration), 180'000ms);
  EXPECT_EQ(stop_timeout(45s), 45'000ms);
  EXPECT_EQ(preshutdown_timeout(kInfiniteDuration), 195'000ms);
}

TEST(JobLimits, CpuRateIsTheShareOfTheMachineInHundredthsOfAPercent) {
  EXPECT_EQ(cpu_rate_for(1.5, 4), 3750U);
  EXPECT_EQ(cpu_rate_for(0.5, 1), 5000U);
  EXPECT_EQ(cpu_rate_for(0.00001, 64), 1U);  // never 0: that would disable the control
  EXPECT_EQ(cpu_rate_for(4.0, 4), std::nullopt);
  EXPECT_EQ(cpu_rate_for(8.0, 4), std::nullopt);
  EXPECT_EQ(cpu_rate_for(1.0, 0), std::nullopt);
  EXPECT_EQ(cpu_rate_for(0.0, 4), std::nullopt);
}

}  // namespace
}  // namespace daemonize::windows
