// What the supervisor state-machine tests share: a clock the test moves by hand, and short ways
// to ask what a step's actions contain.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "daemonize/core/supervisor.hpp"

namespace daemonize::supervisor_test {

class FakeClock final : public SupervisorClock {
 public:
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return now_; }
  [[nodiscard]] std::chrono::system_clock::time_point system_now() const override {
    return std::chrono::system_clock::time_point{} +
           (now_ - std::chrono::steady_clock::time_point{});
  }
  void advance(Duration by) { now_ += by; }

 private:
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1000)};
};

template <typename T>
bool has(const SupervisorActions& actions) {
  return std::any_of(actions.begin(), actions.end(),
                     [](const SupervisorAction& a) { return std::holds_alternative<T>(a); });
}

template <typename T>
const T* find(const SupervisorActions& actions) {
  for (const auto& action : actions) {
    if (const auto* found = std::get_if<T>(&action)) return found;
  }
  return nullptr;
}

inline std::optional<int> exit_code(const SupervisorActions& actions) {
  if (const auto* exit = find<supervisor_action::Exit>(actions)) return exit->code;
  return std::nullopt;
}

inline std::optional<Duration> timer(const SupervisorActions& actions) {
  if (const auto* start = find<supervisor_action::StartTimer>(actions)) return start->after;
  return std::nullopt;
}

// Whether a Log action's message contains `text`.
inline bool logged(const SupervisorActions& actions, const std::string& text) {
  return std::any_of(actions.begin(), actions.end(), [&](const SupervisorAction& a) {
    const auto* log = std::get_if<supervisor_action::Log>(&a);
    return log != nullptr && log->message.find(text) != std::string::npos;
  });
}

}  // namespace daemonize::supervisor_test
