// HealthThread (windows_health.hpp).
#include "windows_health.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <thread>
#include <utility>

#include "logging.hpp"

namespace daemonize::windows {

namespace asio = boost::asio;

struct HealthThread::State {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<HealthMonitor> monitor;  // used on the io thread only
  std::uint64_t generation = 0;            // io thread: the child being probed
  std::mutex mutex;
  std::vector<Result> results;  // guarded by mutex
  std::thread thread;
};

HealthThread::HealthThread(const HealthConfig& config, const HealthTarget& target)
    : state_(std::make_unique<State>()), event_(CreateEventW(nullptr, FALSE, FALSE, nullptr)) {
  State& state = *state_;
  const HANDLE event = event_;
  const auto deliver = [&state, event](Result::Kind kind, const std::string& detail) {
    {
      std::lock_guard lock(state.mutex);
      state.results.push_back({kind, state.generation, detail});
    }
    SetEvent(event);
  };
  HealthMonitor::Callbacks callbacks;
  callbacks.ready = [deliver] { deliver(Result::Kind::ready, ""); };
  callbacks.unhealthy = [deliver](const std::string& detail) {
    deliver(Result::Kind::unhealthy, detail);
  };
  callbacks.failed = [](const std::string& message, bool counted) {
    (counted ? watchdog_log::warning : watchdog_log::info)(message);
  };
  // exec probes wait for their process on this io_context (health_probe_exec_windows.cpp):
  // no reaper to tell about the pid.
  state.monitor = std::make_unique<HealthMonitor>(
      state.io, config, make_health_probe(state.io, target, [](int) {}), std::move(callbacks));
  state.thread = std::thread([&state] { state.io.run(); });
}

HealthThread::~HealthThread() {
  State& state = *state_;
  state.work.reset();
  state.io.stop();
  state.thread.join();
  state.monitor.reset();  // closes its sockets and timer before the io_context goes
  CloseHandle(event_);
}

void HealthThread::start(std::uint64_t generation) {
  State& state = *state_;
  asio::post(state.io, [&state, generation] {
    state.generation = generation;
    state.monitor->start();
  });
}

void HealthThread::stop() {
  State& state = *state_;
  asio::post(state.io, [&state] { state.monitor->stop(); });
}

std::vector<HealthThread::Result> HealthThread::take_results() {
  std::lock_guard lock(state_->mutex);
  return std::exchange(state_->results, {});
}

}  // namespace daemonize::windows
