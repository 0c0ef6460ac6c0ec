// The Windows runtime's decisions (runtime_decisions.hpp), tested on every host through the
// ChildStopControl seam: the console-event path cannot be proven under Wine (verification.md).
#include <gtest/gtest.h>

#include <vector>

#include "daemonize/windows/runtime_decisions.hpp"

namespace daemonize::windows {
namespace {

using namespace std::chrono_literals;

class FakeStopControl final : public ChildStopControl {
 public:
  bool has_console = true;
  bool ctrl_break_works = true;
  bool terminate_works = true;
  std::vector<std::string> calls;

  bool child_has_console() const override { return has_console; }
  bool send_ctrl_break(std::uint32_t group, std::string& error) override {
    calls.push_back("ctrl_break " + std::to_string(group));
    if (!ctrl_break_works) error = "error 6";
    return ctrl_break_works;
  }
  bool terminate_job(std::string& error) override {
    calls.push_back("terminate");
    if (!terminate_works) error = "error 5";
    return terminate_works;
  }
};

TEST(DeliverStop, EveryPosixSignalButKillBecomesCtrlBreakToTheGroup) {
  for (const Signal signal : {Signal::term, Signal::interrupt, Signal::hangup, Signal::quit,
                              Signal::usr1, Signal::usr2}) {
    FakeStopControl control;
    const auto delivery = deliver_stop(signal, 4242, control);
    EXPECT_TRUE(delivery.ctrl_break_sent);
    EXPECT_FALSE(delivery.terminated);
    EXPECT_EQ(control.calls, std::vector<std::string>{"ctrl_break 4242"});
    EXPECT_EQ(delivery.message, "sent CTRL_BREAK to process group 4242");
  }
}

TEST(DeliverStop, KillTerminatesTheJobWithoutAConsoleEvent) {
  FakeStopControl control;
  const auto delivery = deliver_stop(Signal::kill, 7, control);
  EXPECT_FALSE(delivery.ctrl_break_sent);
  EXPECT_TRUE(delivery.terminated);
  EXPECT_EQ(control.calls, std::vector<std::string>{"terminate"});
  EXPECT_EQ(delivery.message, "stop.signal is KILL: terminated the job");
}

TEST(DeliverStop, WithoutAConsoleTheJobIsTerminatedAtOnce) {
  FakeStopControl control;
  control.has_console = false;
  const auto delivery = deliver_stop(Signal::term, 7, control);
  EXPECT_TRUE(delivery.terminated);
  EXPECT_EQ(control.calls, std::vector<std::string>{"terminate"});
  EXPECT_NE(delivery.message.find("no console"), std::string::npos) << delivery.message;
}

TEST(DeliverStop, AFailedCtrlBreakTerminatesTheJobAndSaysWhy) {
  FakeStopControl control;
  control.ctrl_break_works = false;
  const auto delivery = deliver_stop(Signal::term, 9, control);
  EXPECT_FALSE(delivery.ctrl_break_sent);
  EXPECT_TRUE(delivery.terminated);
  EXPECT_EQ(control.calls, (std::vector<std::string>{"ctrl_break 9", "terminate"}));
  EXPECT_EQ(delivery.message, "CTRL_BREAK to process group 9 failed (error 6): terminated the job");
}

TEST(DeliverStop, AFailedTerminationIsReported) {
  FakeStopControl control;
  control.has_console = false;
  control.terminate_works = false;
  const auto delivery = deliver_stop(Signal::term, 9, control);
  EXPECT_FALSE(delivery.terminated);
  EXPECT_NE(delivery.message.find("terminating the job failed (error 5)"), std::string::npos);
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
