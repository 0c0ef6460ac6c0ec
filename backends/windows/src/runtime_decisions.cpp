#include "daemonize/windows/runtime_decisions.hpp"

#include <algorithm>
#include <cmath>

namespace daemonize::windows {
namespace {

constexpr std::uint32_t kStartWaitHintMs = 10'000;
constexpr Duration kStopMargin = std::chrono::seconds(15);

std::uint32_t clamp_ms(std::chrono::milliseconds value) {
  const auto count = std::max<std::int64_t>(0, value.count());
  return static_cast<std::uint32_t>(std::min<std::int64_t>(count, 0xFFFFFFFF));
}

}  // namespace

ServiceStatusTracker::ServiceStatusTracker(Duration stop_timeout)
    : stop_wait_hint_ms_(clamp_ms(
          std::chrono::duration_cast<std::chrono::milliseconds>(stop_timeout + kStopMargin))) {}

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

std::chrono::milliseconds preshutdown_timeout(Duration stop_timeout) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(stop_timeout + kStopMargin);
}

StopDelivery deliver_stop(Signal signal, std::uint32_t process_group, ChildStopControl& control) {
  StopDelivery delivery;
  std::string why_not;
  if (signal == Signal::kill) {
    why_not = "stop.signal is KILL";
  } else if (!control.child_has_console()) {
    why_not = "the child has no console to receive CTRL_BREAK";
  } else {
    std::string error;
    if (control.send_ctrl_break(process_group, error)) {
      delivery.ctrl_break_sent = true;
      delivery.message = "sent CTRL_BREAK to process group " + std::to_string(process_group);
      return delivery;
    }
    why_not =
        "CTRL_BREAK to process group " + std::to_string(process_group) + " failed (" + error + ")";
  }
  std::string error;
  delivery.terminated = control.terminate_job(error);
  delivery.message =
      why_not + (delivery.terminated ? ": terminated the job"
                                     : ": terminating the job failed (" + error + ")");
  return delivery;
}

std::optional<std::uint32_t> cpu_rate_for(double cores, unsigned processors) {
  if (processors == 0 || !(cores > 0) || cores >= processors) return std::nullopt;
  const double rate = std::round(cores / processors * 10000.0);
  return static_cast<std::uint32_t>(std::clamp(rate, 1.0, 10000.0));
}

}  // namespace daemonize::windows
