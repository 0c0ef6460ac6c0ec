// The one watchdog loop (supervisor_driver.hpp) stepped with a fake platform: what reaches the
// OS, the state record built from the snapshot, and [health] verdicts about an earlier child.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "daemonize/watchdog/supervisor_driver.hpp"
#include "supervisor_harness.hpp"

namespace daemonize {
namespace {

using namespace std::chrono_literals;
namespace ev = supervisor_event;
using supervisor_test::FakeClock;

// Records every call; spawns get pids 100, 101, ... with start ticks 5000, 5001, ...
class FakePlatform final : public WatchdogPlatform {
 public:
  SpawnResult spawn_child() override {
    calls.push_back("spawn");
    if (!spawn_error.empty()) return {0, 0, spawn_error};
    const int pid = next_pid++;
    return {pid, static_cast<std::uint64_t>(4900 + pid), ""};
  }
  void signal_tree(Signal signal, int process_group) override {
    calls.push_back(std::string("signal_tree ") + to_string(signal) + " " +
                    std::to_string(process_group));
  }
  void signal_main_child(Signal signal) override {
    calls.push_back(std::string("signal_main_child ") + to_string(signal));
  }
  void kill_tree(int process_group) override {
    calls.push_back("kill_tree " + std::to_string(process_group));
  }
  void stop_main_child(Signal signal) override {
    calls.push_back(std::string("stop_main_child ") + to_string(signal));
  }
  void kill_main_child() override { calls.push_back("kill_main_child"); }
  void run_hook(std::uint64_t id, HookPhase phase, std::size_t index, Duration timeout) override {
    calls.push_back("run_hook " + std::to_string(id) + " " + to_string(phase) + "[" +
                    std::to_string(index) + "] " + std::to_string(timeout.count()) + "ms");
  }
  void cancel_hook() override { calls.push_back("cancel_hook"); }
  void start_timer(Duration after) override {
    calls.push_back("start_timer " + std::to_string(after.count()) + "ms");
  }
  void cancel_timer() override { calls.push_back("cancel_timer"); }
  void notify_ready() override { calls.push_back("notify_ready"); }
  void notify_status(const std::string&) override {}
  void notify_stopping() override { calls.push_back("notify_stopping"); }
  void start_health(std::uint64_t generation) override {
    calls.push_back("start_health " + std::to_string(generation));
  }
  void stop_health() override { calls.push_back("stop_health"); }
  void write_state(const StateRecord& record) override { states.push_back(record); }
  void exiting(int code) override { calls.push_back("exiting " + std::to_string(code)); }
  PidFileResult read_pid_file() override {
    calls.push_back("read_pid_file");
    return pid_file;
  }
  void adopt_main(int pid) override { calls.push_back("adopt_main " + std::to_string(pid)); }
  PidFileResult pid_file;

  [[nodiscard]] bool called(const std::string& call) const {
    return std::find(calls.begin(), calls.end(), call) != calls.end();
  }

  std::vector<std::string> calls;
  std::vector<StateRecord> states;
  std::string spawn_error;
  int next_pid = 100;
};

Service crashing_service() {
  Service service;
  service.name = "demo";
  service.manifest_path = "/etc/demo/service.toml";
  service.restart.policy = RestartPolicy::on_failure;
  service.restart.delay = 100ms;
  service.stop.timeout = 5s;
  return service;
}

TEST(SupervisorDriver, RecordsTheChildsStartTicksAndTheSignalThatEndedIt) {
  const Service service = crashing_service();
  FakePlatform platform;
  FakeClock clock;
  SupervisorDriver driver(service, /*health=*/false, platform, clock, 42);
  driver.dispatch(ev::Start{});
  ASSERT_TRUE(platform.called("spawn"));
  ASSERT_FALSE(platform.states.empty());
  const StateRecord running = platform.states.back();
  EXPECT_EQ(running.service, "demo");
  EXPECT_EQ(running.watchdog_pid, 42);
  EXPECT_EQ(running.state, "running");
  EXPECT_EQ(running.pid, 100);
  EXPECT_EQ(running.process_group, 100);
  EXPECT_EQ(running.child_start_ticks, 5000U);

  driver.dispatch(ev::ChildExited{ExitStatus::signaled(SIGSEGV), true});
  const StateRecord crashed = platform.states.back();
  EXPECT_EQ(crashed.state, "backing_off");
  EXPECT_EQ(crashed.last_exit_signal, SIGSEGV);
  EXPECT_FALSE(crashed.last_exit_code);
  EXPECT_EQ(crashed.child_start_ticks, 0U);  // no process group left
  EXPECT_TRUE(platform.called("start_timer 100ms"));

  driver.dispatch(ev::TimerExpired{});
  EXPECT_EQ(platform.states.back().pid, 101);
  EXPECT_EQ(platform.states.back().child_start_ticks, 5001U);
}

TEST(SupervisorDriver, AnExitCodeIsRecordedWithoutASignal) {
  const Service service = crashing_service();
  FakePlatform platform;
  FakeClock clock;
  SupervisorDriver driver(service, /*health=*/false, platform, clock, 42);
  driver.dispatch(ev::Start{});
  driver.dispatch(ev::ChildExited{ExitStatus::exited(3), true});
  EXPECT_EQ(platform.states.back().last_exit_code, 3);
  EXPECT_FALSE(platform.states.back().last_exit_signal);
}

TEST(SupervisorDriver, AFailedSpawnReachesTheSupervisor) {
  const Service service = crashing_service();
  FakePlatform platform;
  platform.spawn_error = "/bin/demo: No such file or directory";
  FakeClock clock;
  SupervisorDriver driver(service, /*health=*/false, platform, clock, 42);
  driver.dispatch(ev::Start{});
  EXPECT_NE(driver.state(), SupervisorState::running);
  EXPECT_EQ(driver.snapshot().pid, 0);
}

TEST(SupervisorDriver, StopSignalsTheTreeAndExitsOnceItIsEmpty) {
  const Service service = crashing_service();
  FakePlatform platform;
  FakeClock clock;
  SupervisorDriver driver(service, /*health=*/false, platform, clock, 42);
  driver.dispatch(ev::Start{});
  driver.dispatch(ev::StopRequested{"SIGTERM"});
  EXPECT_TRUE(platform.called("notify_stopping"));
  EXPECT_TRUE(platform.called("signal_tree TERM 100"));
  EXPECT_FALSE(driver.exit_code());
  driver.dispatch(ev::ChildExited{ExitStatus::signaled(SIGTERM), true});
  ASSERT_TRUE(driver.exit_code());
  EXPECT_EQ(*driver.exit_code(), 0);
  EXPECT_TRUE(platform.called("exiting 0"));
}

TEST(SupervisorDriver, HealthFollowsTheRunningChildAndDropsVerdictsAboutAnEarlierOne) {
  Service service = crashing_service();
  FakePlatform platform;
  FakeClock clock;
  SupervisorDriver driver(service, /*health=*/true, platform, clock, 42);
  driver.dispatch(ev::Start{});
  EXPECT_TRUE(platform.called("start_health 1"));
  EXPECT_FALSE(platform.called("notify_ready"));  // READY waits for the first healthy probe

  driver.dispatch(ev::ChildExited{ExitStatus::exited(1), true});
  EXPECT_TRUE(platform.called("stop_health"));
  driver.dispatch(ev::TimerExpired{});
  EXPECT_TRUE(platform.called("start_health 3"));

  driver.health_ready(1);  // about the first child: dropped
  EXPECT_FALSE(platform.called("notify_ready"));
  EXPECT_FALSE(driver.snapshot().ready);

  driver.health_ready(3);
  EXPECT_TRUE(platform.called("notify_ready"));
  EXPECT_TRUE(platform.states.back().ready);  // persisted right away
}

}  // namespace
}  // namespace daemonize
