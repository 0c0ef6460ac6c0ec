// Health checks of [health] (issue 8): http / tcp / exec probes and the scheduler that runs them.
//
// Everything runs on the watchdog's io_context: sockets are asynchronous, the exec probe is a
// process reaped by the driver's SIGCHLD handler, and HealthMonitor owns exactly one
// steady_timer that alternates between "next probe in `interval`" and "this probe times out in
// `timeout`". No thread, no polling between probes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemonize/core/model.hpp"

namespace daemonize {

// "http://HOST[:PORT][/PATH]" split up; HOST without the brackets of an IPv6 literal.
struct HttpTarget {
  std::string host;
  std::string port = "80";
  std::string path = "/";
  std::string host_header;  // HOST[:PORT] as written in the URL (brackets kept)
};

struct HostPort {
  std::string host;
  std::string port;
};

// Parse errors are one line meant to follow "health.url: " / "health.address: ".
[[nodiscard]] std::variant<HttpTarget, std::string> parse_http_url(std::string_view url);
[[nodiscard]] std::variant<HostPort, std::string> parse_host_port(std::string_view address);

// The probe target of [health] after ${VAR} interpolation against the child's environment.
struct HealthTarget {
  HealthCheckKind kind = HealthCheckKind::http;
  HttpTarget http;
  HostPort tcp;
  std::vector<std::string> argv;                   // exec
  std::map<std::string, std::string> environment;  // exec: the child's environment
  // exec on Windows: argv as one CreateProcessW command line, quoted by the Windows runtime
  // (backends/windows quoting rules); unused on POSIX.
  std::string command_line;
};

// Interpolates and parses; on failure returns the problem ("health.url: ..."), one line.
[[nodiscard]] std::variant<HealthTarget, std::string> resolve_health_target(
    const HealthConfig& health, const std::map<std::string, std::string>& environment);

struct ProbeOutcome {
  bool healthy = false;
  std::string detail;  // "HTTP 500", "connect: Connection refused", "exit code 1"...
};

// One kind of check. start() runs one attempt and calls `done` exactly once, never from inside
// start(), unless abort() comes first (then never).
class HealthProbe {
 public:
  using Done = std::function<void(ProbeOutcome)>;
  virtual ~HealthProbe() = default;
  virtual void start(Done done) = 0;
  // Abandons the running attempt (timeout, stop): closes its socket, SIGKILLs its process group
  // (terminates its Job Object on Windows).
  virtual void abort() = 0;
  // exec probes: the driver reaped `pid` (wait status); true when it was one of this probe's.
  virtual bool child_reaped(int /*pid*/, int /*wait_status*/) { return false; }
};

// exec: `on_spawn(pid)` lets the driver know the pid before any SIGCHLD can be handled.
[[nodiscard]] std::unique_ptr<HealthProbe> make_health_probe(boost::asio::io_context& io,
                                                             const HealthTarget& target,
                                                             std::function<void(int)> on_spawn);

// The monitor's time: a clock and one timer. The watchdog's runs on its io_context
// (make_health_timer); the unit tests inject a manual one.
class HealthTimer {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~HealthTimer() = default;
  [[nodiscard]] virtual Clock::time_point now() const = 0;
  // Calls `expired` once at `at`, unless cancel() or another wait_until() comes first.
  virtual void wait_until(Clock::time_point at, std::function<void()> expired) = 0;
  virtual void cancel() = 0;
};
[[nodiscard]] std::unique_ptr<HealthTimer> make_health_timer(boost::asio::io_context& io);

// Schedules probes for one child at a time: the first probe `interval` after start() (a program
// needs time to listen; as Docker does), then one every `interval` (measured from the start of
// the previous probe; at once when a probe took longer). A probe that does not finish within
// `timeout` is aborted and counts as a failure. A failure within `start_period` of start() never
// counts; `retries` consecutive counted failures call `unhealthy` once (and the monitor stops).
// The first success calls `ready` once per start().
class HealthMonitor {
 public:
  struct Callbacks {
    std::function<void()> ready;
    std::function<void(const std::string& detail)> unhealthy;
    std::function<void(const std::string& message, bool counted)> failed;  // for the log
  };

  HealthMonitor(boost::asio::io_context& io, const HealthConfig& config,
                std::unique_ptr<HealthProbe> probe, Callbacks callbacks);
  HealthMonitor(std::unique_ptr<HealthTimer> timer, const HealthConfig& config,
                std::unique_ptr<HealthProbe> probe, Callbacks callbacks);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  void start();  // a new child runs
  void stop();   // the child is being stopped or is gone: abort the probe, disarm the timer
  [[nodiscard]] bool active() const { return active_; }
  [[nodiscard]] HealthProbe& probe() { return *probe_; }
  [[nodiscard]] std::uint64_t probes_started() const { return probes_started_; }

 private:
  void run_probe();
  void finish(const ProbeOutcome& outcome);
  void arm(std::chrono::steady_clock::time_point at, bool timeout_phase);

  HealthConfig config_;
  std::unique_ptr<HealthProbe> probe_;
  Callbacks callbacks_;
  std::unique_ptr<HealthTimer> timer_;
  bool active_ = false;
  bool probing_ = false;
  bool succeeded_ = false;
  std::uint32_t failures_ = 0;
  std::uint64_t generation_ = 0;   // bumped by start()/stop(): stale completions are ignored
  std::uint64_t timer_token_ = 0;  // bumped on every arm(): stale timer handlers are ignored
  std::uint64_t probes_started_ = 0;
  std::chrono::steady_clock::time_point started_at_{};
  std::chrono::steady_clock::time_point probe_started_at_{};
};

}  // namespace daemonize
