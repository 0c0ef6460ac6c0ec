// [health] on Windows: the HealthMonitor of health_probe.hpp (the same http/tcp/exec probes and
// scheduling as on POSIX) on an io_context that runs on its own thread, because the Windows
// loop waits in WaitForMultipleObjects, not in Asio. Results cross over to the loop through a
// queue and an event the loop waits on; each carries the generation of the child it probed, so
// a result about a child that is gone is dropped.
#pragma once

#include <windows.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemonize/core/model.hpp"
#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize::windows {

class HealthThread {
 public:
  struct Result {
    enum class Kind { ready, unhealthy } kind = Kind::ready;
    std::uint64_t generation = 0;
    std::string detail;
  };

  HealthThread(const HealthConfig& config, const HealthTarget& target);
  ~HealthThread();
  HealthThread(const HealthThread&) = delete;
  HealthThread& operator=(const HealthThread&) = delete;

  // Signalled (auto-reset) when take_results() has something.
  [[nodiscard]] HANDLE event() const { return event_; }
  void start(std::uint64_t generation);  // a new child runs: probe it from now on
  void stop();                           // the child left `running`
  [[nodiscard]] std::vector<Result> take_results();

 private:
  struct State;
  std::unique_ptr<State> state_;
  HANDLE event_;
};

}  // namespace daemonize::windows
