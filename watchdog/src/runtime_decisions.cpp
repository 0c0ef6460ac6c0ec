#include "daemonize/watchdog/runtime_decisions.hpp"

#include <algorithm>
#include <cmath>

#include "daemonize/core/units.hpp"

namespace daemonize::windows {
namespace {

constexpr std::uint32_t kStartWaitHintMs = 10'000;

std::uint32_t clamp_ms(std::chrono::milliseconds value) {
  const auto count = std::max<std::int64_t>(0, value.count());
  return static_cast<std::uint32_t>(std::min<std::int64_t>(count, 0xFFFFFFFF));
}

}  // namespace

ServiceStatusTracker::ServiceStatusTracker(Duration stop_timeout)
    : stop_wait_hint_ms_(clamp_ms(preshutdown_timeout(stop_timeout))) {}

ServiceStatusReport ServiceStatusTracker::pending(std::uint32_t state, std::uint32_t wait_hint_ms) {
  const std::uint32_t next = current_.state == state ? current_.checkpoint + 1 : 1;
  current_ = ServiceStatusReport{state, 0, scm::kNoError, 0, next, wait_hint_ms};
  return current_;
}

ServiceStatusReport ServiceStatusTracker::starting() {
  return pending(scm::kStartPending, kStartWaitHintMs);
}

ServiceStatusReport ServiceStatusTracker::running() {
  current_ = ServiceStatusReport{scm::kRunning,
                                 scm::kAcceptStop | scm::kAcceptShutdown | scm::kAcceptPreshutdown,
                                 scm::kNoError,
                                 0,
                                 0,
                                 0};
  return current_;
}

ServiceStatusReport ServiceStatusTracker::stopping() {
  return pending(scm::kStopPending, stop_wait_hint_ms_);
}

ServiceStatusReport ServiceStatusTracker::stopped(int exit_code) {
  current_ = ServiceStatusReport{};
  current_.state = scm::kStopped;
  if (exit_code != 0) {
    current_.win32_exit_code = scm::kServiceSpecificError;
    current_.service_specific_exit_code = static_cast<std::uint32_t>(exit_code);
  }
  return current_;
}

ServiceStatusReport ServiceStatusTracker::tick() {
  if (current_.state == scm::kStartPending || current_.state == scm::kStopPending)
    return pending(current_.state, current_.wait_hint_ms);
  return current_;
}

std::string_view to_string(StopStep step) {
  switch (step) {
    case StopStep::ctrl_c:
      return "Ctrl+C";
    case StopStep::ctrl_break:
      return "Ctrl+Break";
    case StopStep::close_windows:
      return "WM_CLOSE";
    case StopStep::quit_threads:
      return "WM_QUIT";
    case StopStep::terminate_job:
      return "TerminateJobObject";
  }
  return "?";
}

std::vector<TimedStopStep> stop_steps(Signal signal, Duration timeout) {
  if (signal == Signal::kill || timeout <= Duration(0))
    return {{StopStep::terminate_job, Duration(0)}};
  const StopStep console = signal == Signal::quit ? StopStep::ctrl_break : StopStep::ctrl_c;
  return {{console, timeout / 2},
          {StopStep::close_windows, timeout * 3 / 4},
          {StopStep::quit_threads, timeout}};
}

StopSequence::StopSequence(Signal signal, Duration timeout) : steps_(stop_steps(signal, timeout)) {}

StopProgress StopSequence::advance(Duration elapsed, ChildStopControl& control) {
  StopProgress progress;
  if (finished_) return progress;
  while (next_ < steps_.size() && elapsed >= due_at_) {
    const TimedStopStep current = steps_[next_++];
    const auto result = control.perform(current.step);
    const std::string label(to_string(current.step));
    if (current.step == StopStep::terminate_job) {
      finished_ = true;
      progress.terminated = result.reached;
      progress.log.push_back("stop: " + label + ": " + result.detail);
      return progress;
    }
    if (!result.reached) {
      const std::string then =
          next_ < steps_.size() ? std::string(to_string(steps_[next_].step)) + " now" : "";
      progress.log.push_back("stop: " + label + " reached nothing (" + result.detail + ")" +
                             (then.empty() ? "" : "; " + then));
      continue;
    }
    reached_any_ = true;
    due_at_ = current.until;
    const auto wait = std::max(Duration(0), current.until - elapsed);
    progress.log.push_back(
        "stop: " + label + ": " + result.detail + "; " +
        (next_ < steps_.size()
             ? std::string(to_string(steps_[next_].step)) + " in " + format_duration(wait)
             : "the job is terminated in " + format_duration(wait)) +
        " if the program still runs");
  }
  if (next_ < steps_.size()) {
    progress.next_at = due_at_;
    return progress;
  }
  finished_ = true;
  if (!reached_any_) {
    // Nothing can ask the program to stop: waiting for stop.timeout would only delay the end.
    const auto result = control.perform(StopStep::terminate_job);
    progress.terminated = result.reached;
    progress.log.push_back("stop: no step reached the program: TerminateJobObject: " +
                           result.detail);
  }
  return progress;
}

std::optional<std::uint32_t> cpu_rate_for(double cores, unsigned processors) {
  if (processors == 0 || !(cores > 0) || cores >= processors) return std::nullopt;
  const double rate = std::round(cores / processors * 10000.0);
  return static_cast<std::uint32_t>(std::clamp(rate, 1.0, 10000.0));
}

}  // namespace daemonize::windows
