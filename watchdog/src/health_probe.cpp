// [health]: target parsing, the http (Boost.Beast) and tcp probes, and the probe scheduler.
#include "daemonize/watchdog/health_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "daemonize/core/interpolation.hpp"

namespace daemonize {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace detail {
// health_probe_exec_posix.cpp (POSIX only).
std::unique_ptr<HealthProbe> make_exec_probe(asio::io_context& io, const HealthTarget& target,
                                             std::function<void(int)> on_spawn);
}  // namespace detail

namespace {

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

// "HOST[:PORT]" or "[V6]:PORT"; port optional only when `default_port` is not empty.
std::variant<HostPort, std::string> split_authority(std::string_view authority,
                                                    const std::string& default_port) {
  HostPort result;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string("unterminated '[' in IPv6 address");
    result.host = std::string(authority.substr(1, close - 1));
    boost::system::error_code ec;
    asio::ip::make_address_v6(result.host, ec);
    if (ec) return "'" + result.host + "' is not an IPv6 address";
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::string("unexpected text after ']'");
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(':') != colon)
      return std::string("an IPv6 address must be written in brackets: [::1]:PORT");
    result.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) rest = authority.substr(colon);
  }
  if (result.host.empty()) return std::string("no host");
  if (rest.empty()) {
    if (default_port.empty()) return std::string("no port (expected HOST:PORT)");
    result.port = default_port;
  } else {
    result.port = std::string(rest.substr(1));
    if (!valid_port(result.port)) return "invalid port '" + result.port + "'";
  }
  return result;
}

std::string describe(const boost::system::error_code& ec) { return ec.message(); }

// One attempt of an http or tcp probe; callbacks hold it alive through a shared_ptr.
struct SocketAttempt {
  explicit SocketAttempt(asio::io_context& io) : resolver(io), socket(io) {}
  tcp::resolver resolver;
  tcp::socket socket;
  boost::beast::flat_buffer buffer;
  http::request<http::empty_body> request;
  http::response_parser<http::string_body> parser;
  HealthProbe::Done done;
  bool aborted = false;

  void complete(ProbeOutcome outcome) {
    if (aborted) return;
    aborted = true;  // exactly once
    boost::system::error_code ignored;
    socket.close(ignored);
    auto callback = std::move(done);
    callback(std::move(outcome));
  }
};

class SocketProbe final : public HealthProbe {
 public:
  SocketProbe(asio::io_context& io, HostPort endpoint, std::optional<HttpTarget> http_target)
      : io_(io), endpoint_(std::move(endpoint)), http_(std::move(http_target)) {}
  ~SocketProbe() override { abort(); }

  void start(Done done) override {
    abort();
    auto attempt = std::make_shared<SocketAttempt>(io_);
    attempt->done = std::move(done);
    current_ = attempt;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(endpoint_.host, ec);
    if (!ec) {
      // A literal needs no resolver (whose name lookups run on an Asio-internal thread).
      const auto port = static_cast<unsigned short>(std::stoi(endpoint_.port));
      const tcp::endpoint target(address, port);
      attempt->socket.async_connect(target,
                                    [this, attempt](const boost::system::error_code& error) {
                                      on_connected(attempt, error);
                                    });
      return;
    }
    attempt->resolver.async_resolve(
        endpoint_.host, endpoint_.port,
        [this, attempt](const boost::system::error_code& error,
                        const tcp::resolver::results_type& results) {
          if (attempt->aborted) return;
          if (error) {
            attempt->complete({false, "resolve " + endpoint_.host + ": " + describe(error)});
            return;
          }
          asio::async_connect(
              attempt->socket, results,
              [this, attempt](const boost::system::error_code& connect_error,
                              const tcp::endpoint&) { on_connected(attempt, connect_error); });
        });
  }

  void abort() override {
    if (!current_) return;
    auto attempt = std::move(current_);
    attempt->aborted = true;
    attempt->resolver.cancel();
    boost::system::error_code ignored;
    attempt->socket.close(ignored);
  }

 private:
  void on_connected(const std::shared_ptr<SocketAttempt>& attempt,
                    const boost::system::error_code& error) {
    if (attempt->aborted) return;
    if (error) {
      attempt->complete(
          {false, "connect " + endpoint_.host + ":" + endpoint_.port + ": " + describe(error)});
      return;
    }
    if (!http_) {
      attempt->complete({true, "connected"});
      return;
    }
    attempt->request = {http::verb::get, http_->path, 11};
    attempt->request.set(http::field::host, http_->host_header);
    attempt->request.set(http::field::user_agent, "daemonize-health/" DAEMONIZE_VERSION);
    attempt->request.set(http::field::connection, "close");
    http::async_write(
        attempt->socket, attempt->request,
        [attempt](const boost::system::error_code& write_error, std::size_t) {
          if (attempt->aborted) return;
          if (write_error) {
            attempt->complete({false, "send request: " + describe(write_error)});
            return;
          }
          // Only the status line matters: read the header, not the body.
          http::async_read_header(
              attempt->socket, attempt->buffer, attempt->parser,
              [attempt](const boost::system::error_code& read_error, std::size_t) {
                if (attempt->aborted) return;
                if (read_error) {
                  attempt->complete({false, "read response: " + describe(read_error)});
                  return;
                }
                const unsigned status = attempt->parser.get().result_int();
                // 2xx/3xx: healthy; a redirect is not followed.
                attempt->complete(
                    {status >= 200 && status < 400, "HTTP " + std::to_string(status)});
              });
        });
  }

  asio::io_context& io_;
  HostPort endpoint_;
  std::optional<HttpTarget> http_;
  std::shared_ptr<SocketAttempt> current_;
};

std::string format_duration(Duration duration) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

std::variant<HttpTarget, std::string> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind("https://", 0) == 0) return std::string("https is not supported; use http://");
  if (url.rfind(scheme, 0) != 0) return std::string("must start with http://");
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos)
    return std::string("user information in the URL is not supported");
  auto split = split_authority(authority, "80");
  if (auto* error = std::get_if<std::string>(&split)) return *error;
  HttpTarget target;
  target.host = std::get<HostPort>(split).host;
  target.port = std::get<HostPort>(split).port;
  target.host_header = std::string(authority);
  if (slash != std::string_view::npos) {
    std::string path(rest.substr(slash));
    if (const auto hash = path.find('#'); hash != std::string::npos) path.erase(hash);
    if (path.empty() || path.front() != '/') path.insert(0, "/");
    target.path = path;
  }
  for (const char c : target.path) {
    if (c <= ' ' || c == 0x7f) return std::string("spaces or control characters in the path");
  }
  return target;
}

std::variant<HostPort, std::string> parse_host_port(std::string_view address) {
  return split_authority(address, "");
}

std::variant<HealthTarget, std::string> resolve_health_target(
    const HealthConfig& health, const std::map<std::string, std::string>& environment) {
  const VariableLookup lookup = [&environment](const std::string& name) {
    const auto found = environment.find(name);
    return found == environment.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  std::string problem;
  const auto resolve = [&](const std::string& key, const std::string& text) {
    auto resolution = resolve_string(text, lookup);
    if (!resolution.unresolved.empty() && problem.empty())
      problem = key + ": " + resolution.unresolved.front().message;
    return resolution.value;
  };
  HealthTarget target;
  target.kind = health.check;
  switch (health.check) {
    case HealthCheckKind::http: {
      const auto url = resolve("health.url", health.url);
      if (!problem.empty()) return problem;
      auto parsed = parse_http_url(url);
      if (auto* error = std::get_if<std::string>(&parsed))
        return "health.url: '" + url + "': " + *error;
      target.http = std::get<HttpTarget>(parsed);
      break;
    }
    case HealthCheckKind::tcp: {
      const auto address = resolve("health.address", health.address);
      if (!problem.empty()) return problem;
      auto parsed = parse_host_port(address);
      if (auto* error = std::get_if<std::string>(&parsed))
        return "health.address: '" + address + "': " + *error;
      target.tcp = std::get<HostPort>(parsed);
      break;
    }
    case HealthCheckKind::exec:
      for (const auto& argument : health.command) {
        if (auto name = split_reference(argument)) {  // `$@{VAR}`: zero or more words
          if (auto found = environment.find(*name); found != environment.end()) {
            for (auto& word : split_words(found->second)) target.argv.push_back(std::move(word));
          }
          continue;
        }
        target.argv.push_back(resolve("health.command", argument));
      }
      if (!problem.empty()) return problem;
      if (target.argv.empty() || target.argv.front().empty())
        return std::string("health.command: empty");
      target.environment = environment;
      break;
  }
  return target;
}

std::unique_ptr<HealthProbe> make_health_probe(asio::io_context& io, const HealthTarget& target,
                                               std::function<void(int)> on_spawn) {
  switch (target.kind) {
    case HealthCheckKind::http:
      return std::make_unique<SocketProbe>(io, HostPort{target.http.host, target.http.port},
                                           target.http);
    case HealthCheckKind::tcp:
      return std::make_unique<SocketProbe>(io, target.tcp, std::nullopt);
    case HealthCheckKind::exec:
      return detail::make_exec_probe(io, target, std::move(on_spawn));
  }
  return nullptr;
}

namespace {

class AsioHealthTimer final : public HealthTimer {
 public:
  explicit AsioHealthTimer(asio::io_context& io) : timer_(io) {}
  [[nodiscard]] Clock::time_point now() const override { return Clock::now(); }
  void wait_until(Clock::time_point at, std::function<void()> expired) override {
    timer_.expires_at(at);  // cancels the previous wait
    timer_.async_wait([expired = std::move(expired)](const boost::system::error_code& ec) {
      if (!ec) expired();
    });
  }
  void cancel() override { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

}  // namespace

std::unique_ptr<HealthTimer> make_health_timer(asio::io_context& io) {
  return std::make_unique<AsioHealthTimer>(io);
}

HealthMonitor::HealthMonitor(asio::io_context& io, const HealthConfig& config,
                             std::unique_ptr<HealthProbe> probe, Callbacks callbacks)
    : HealthMonitor(make_health_timer(io), config, std::move(probe), std::move(callbacks)) {}

HealthMonitor::HealthMonitor(std::unique_ptr<HealthTimer> timer, const HealthConfig& config,
                             std::unique_ptr<HealthProbe> probe, Callbacks callbacks)
    : config_(config),
      probe_(std::move(probe)),
      callbacks_(std::move(callbacks)),
      timer_(std::move(timer)) {}

HealthMonitor::~HealthMonitor() { stop(); }

void HealthMonitor::start() {
  stop();
  active_ = true;
  ++generation_;
  succeeded_ = false;
  failures_ = 0;
  started_at_ = timer_->now();
  // Not at once: a program that needs a moment to listen is not failed before it could.
  arm(started_at_ + config_.interval, /*timeout_phase=*/false);
}

void HealthMonitor::stop() {
  ++generation_;
  ++timer_token_;
  if (probing_) probe_->abort();
  probing_ = false;
  active_ = false;
  timer_->cancel();
}

void HealthMonitor::arm(std::chrono::steady_clock::time_point at, bool timeout_phase) {
  const auto token = ++timer_token_;
  timer_->wait_until(at, [this, token, timeout_phase] {
    if (token != timer_token_ || !active_) return;
    if (!timeout_phase) {
      run_probe();
      return;
    }
    if (!probing_) return;
    probe_->abort();
    probing_ = false;
    finish({false, "timed out after " + format_duration(config_.timeout)});
  });
}

void HealthMonitor::run_probe() {
  probing_ = true;
  ++probes_started_;
  probe_started_at_ = timer_->now();
  // The timeout is armed before the probe starts, so even an instant failure finds it armed.
  arm(probe_started_at_ + config_.timeout, /*timeout_phase=*/true);
  const auto generation = generation_;
  probe_->start([this, generation](const ProbeOutcome& outcome) {
    if (generation != generation_ || !probing_) return;
    probing_ = false;
    finish(outcome);
  });
}

void HealthMonitor::finish(const ProbeOutcome& outcome) {
  const auto now = timer_->now();
  const auto next = std::max(now, probe_started_at_ + config_.interval);
  arm(next, /*timeout_phase=*/false);
  if (outcome.healthy) {
    failures_ = 0;
    if (!succeeded_) {
      succeeded_ = true;
      if (callbacks_.ready) callbacks_.ready();
    }
    return;
  }
  // Inside start_period a failure never counts, before or after a first success.
  const bool in_grace = now - started_at_ < config_.start_period;
  if (in_grace) {
    if (callbacks_.failed)
      callbacks_.failed("health check failed during start_period (not counted): " + outcome.detail,
                        false);
    return;
  }
  ++failures_;
  if (callbacks_.failed) {
    callbacks_.failed("health check failed (" + std::to_string(failures_) + " of " +
                          std::to_string(config_.retries) + "): " + outcome.detail,
                      true);
  }
  if (failures_ >= config_.retries) {
    stop();
    if (callbacks_.unhealthy) callbacks_.unhealthy(outcome.detail);
  }
}

}  // namespace daemonize
