// [health] end to end through the real `daemonize run`: an in-test HTTP server that can answer
// 200, 500, hang or be off; a NOTIFY_SOCKET of our own; tcp and exec probes; start_period; a stop
// in the middle of a hanging probe.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "../lib/process_testing.hpp"
#include "daemonize/watchdog/state_file.hpp"

extern char** environ;

namespace daemonize {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using process_testing::quoted;
using process_testing::read_text;
using process_testing::wait_until;

const std::string kChild = DAEMONIZE_TEST_CHILD;

// A tiny HTTP/1.1 server on its own thread. ok: 200; error: 500; hang: accepts and never
// answers; off: not listening (connection refused). Counts requests per status.
class TestHttpServer {
 public:
  enum class Mode { ok, error, hang, off };

  explicit TestHttpServer(bool ipv6 = false) : ipv6_(ipv6) {
    listen_socket();
    thread_ = std::thread([this] { serve(); });
  }
  ~TestHttpServer() {
    done_ = true;
    thread_.join();
    if (listener_ >= 0) ::close(listener_);
    for (const int fd : hanging_) ::close(fd);
  }

  [[nodiscard]] bool listening() const { return port_ != 0; }
  [[nodiscard]] int port() const { return port_; }
  void set_mode(Mode mode) { mode_ = mode; }
  [[nodiscard]] int served(int status) {
    const std::scoped_lock guard(lock_);
    return served_[status];
  }
  [[nodiscard]] int accepted() const { return accepted_; }
  [[nodiscard]] std::vector<std::string> paths() {
    const std::scoped_lock guard(lock_);
    return paths_;
  }

 private:
  void listen_socket() {
    listener_ = ::socket(ipv6_ ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) return;
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    int result = -1;
    if (ipv6_) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_addr = in6addr_loopback;
      address.sin6_port = htons(static_cast<std::uint16_t>(port_));
      result = ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<std::uint16_t>(port_));
      result = ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    }
    if (result != 0 || ::listen(listener_, 16) != 0) {
      ::close(listener_);
      listener_ = -1;
      return;
    }
    if (port_ == 0) {
      sockaddr_storage bound{};
      socklen_t size = sizeof bound;
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &size);
      port_ = ntohs(ipv6_ ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
  }

  void serve() {
    while (!done_) {
      const Mode mode = mode_;
      if (mode == Mode::off && listener_ >= 0) {
        ::close(listener_);
        listener_ = -1;
      } else if (mode != Mode::off && listener_ < 0) {
        listen_socket();
      }
      if (mode != Mode::hang && !hanging_.empty()) {
        for (const int fd : hanging_) ::close(fd);
        hanging_.clear();
      }
      if (listener_ < 0) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      pollfd poller{listener_, POLLIN, 0};
      if (::poll(&poller, 1, 20) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      ++accepted_;
      if (mode_ == Mode::hang) {
        hanging_.push_back(connection);
        continue;
      }
      answer(connection);
    }
  }

  void answer(int connection) {
    std::string request;
    char buffer[1024];
    pollfd poller{connection, POLLIN, 0};
    while (request.find("\r\n\r\n") == std::string::npos && ::poll(&poller, 1, 1000) > 0) {
      const auto n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const int status = mode_ == Mode::error ? 500 : 200;
    const std::string body = status == 200 ? "ok\n" : "broken\n";
    const std::string response = "HTTP/1.1 " + std::to_string(status) +
                                 (status == 200 ? " OK" : " Internal Server Error") +
                                 "\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\nConnection: close\r\n\r\n" + body;
    (void)!::send(connection, response.data(), response.size(), MSG_NOSIGNAL);
    ::close(connection);
    const std::scoped_lock guard(lock_);
    ++served_[status];
    const auto first_line = request.substr(0, request.find("\r\n"));
    const auto space = first_line.find(' ');
    paths_.push_back(first_line.substr(space + 1, first_line.rfind(' ') - space - 1));
  }

  const bool ipv6_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<Mode> mode_{Mode::ok};
  std::atomic<bool> done_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> hanging_;
  std::mutex lock_;
  std::map<int, int> served_;
  std::vector<std::string> paths_;
  std::thread thread_;
};

// Our own NOTIFY_SOCKET, drained on a thread like a service manager does.
class NotifyListener {
 public:
  explicit NotifyListener(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    thread_ = std::thread([this] {
      char buffer[4096];
      pollfd poller{fd_, POLLIN, 0};
      while (!done_) {
        if (::poll(&poller, 1, 20) <= 0) continue;
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        const std::scoped_lock guard(lock_);
        messages_.emplace_back(Clock::now(), std::string(buffer, static_cast<std::size_t>(n)));
      }
    });
  }
  ~NotifyListener() {
    done_ = true;
    thread_.join();
    ::close(fd_);
  }
  [[nodiscard]] bool bound() const { return bound_; }

  // When `message` first arrived.
  std::optional<Clock::time_point> first(const std::string& message) {
    const std::scoped_lock guard(lock_);
    for (const auto& [at, text] : messages_)
      if (text == message) return at;
    return std::nullopt;
  }
  int count(const std::string& message, Clock::time_point from, Clock::time_point to) {
    const std::scoped_lock guard(lock_);
    return static_cast<int>(std::count_if(messages_.begin(), messages_.end(), [&](const auto& m) {
      return m.second == message && m.first >= from && m.first <= to;
    }));
  }
  std::string all() {
    const std::scoped_lock guard(lock_);
    std::string text;
    for (const auto& message : messages_) text += message.second + "\n";
    return text;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool bound_ = false;
  std::atomic<bool> done_{false};
  std::mutex lock_;
  std::vector<std::pair<Clock::time_point, std::string>> messages_;
  std::thread thread_;
};

class HealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("dz-health-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "runtime");
  }

  void TearDown() override {
    if (watchdog_ > 0) {
      ::kill(watchdog_, SIGKILL);
      ::waitpid(watchdog_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // A sleeping child with the given [health] body (and optional extra tables).
  fs::path manifest(const std::string& health, const std::string& extra = "") {
    const std::string text = "[service]\nname = \"probed\"\ncommand = " + quoted(kChild) +
                             "\nargs = [\"sleep\"]\n[restart]\ndelay = \"50ms\"\n" + extra +
                             "\n[health]\n" + health +
                             "\n[logs]\nstdout = \"inherit\"\nstderr = \"inherit\"\n";
    const auto path = dir_ / "service.toml";
    std::ofstream(path) << text;
    return path;
  }

  void start(const fs::path& manifest_path, std::map<std::string, std::string> env = {}) {
    env["RUNTIME_DIRECTORY"] = (dir_ / "runtime").string();
    env.try_emplace("DZ_PID_FILE", (dir_ / "pids").string());
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry) {
      const std::string text = *entry;
      if (!env.contains(text.substr(0, text.find('=')))) entries.push_back(text);
    }
    for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
    const std::string err_path = (dir_ / "watchdog.err").string();
    const std::string binary = DAEMONIZE_BINARY;
    const std::string manifest_text = manifest_path.string();
    std::vector<char*> envp;
    for (auto& entry : entries) envp.push_back(entry.data());
    envp.push_back(nullptr);
    watchdog_ = ::fork();
    ASSERT_GE(watchdog_, 0);
    if (watchdog_ == 0) {
      const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 2);
      const char* argv[] = {binary.c_str(), "run", manifest_text.c_str(), nullptr};
      ::execve(binary.c_str(), const_cast<char**>(argv), envp.data());
      ::_exit(127);
    }
  }

  int wait_exit(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    int status = 0;
    while (Clock::now() < deadline) {
      if (::waitpid(watchdog_, &status, WNOHANG) == watchdog_) {
        watchdog_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(5ms);
    }
    return -1;
  }

  std::optional<StateRecord> state() {
    std::string error;
    return state_from_json(read_text(dir_ / "runtime" / kStateFileName), error);
  }
  bool state_is(const std::function<bool(const StateRecord&)>& check) {
    const auto record = state();
    return record && check(*record);
  }
  std::string log() { return read_text(dir_ / "watchdog.err"); }

  std::string status_output() {
    const std::string command = std::string(DAEMONIZE_BINARY) + " status " +
                                (dir_ / "runtime" / kStateFileName).string() + " 2>&1";
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[512];
      while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
      ::pclose(pipe);
    }
    return output;
  }

  fs::path dir_;
  pid_t watchdog_ = 0;
};

std::string http_health(int port, const std::string& timing) {
  return "check = \"http\"\nurl = \"http://127.0.0.1:" + std::to_string(port) + "/healthz\"\n" +
         timing;
}

// Acceptance: READY=1 only after the first healthy probe, WATCHDOG=1 meanwhile, then STOPPING=1.
TEST_F(HealthTest, ReadyOnlyAfterTheFirstHealthyProbeThenStopping) {
  TestHttpServer server;
  ASSERT_TRUE(server.listening());
  server.set_mode(TestHttpServer::Mode::off);
  NotifyListener notify(dir_ / "notify.sock");
  ASSERT_TRUE(notify.bound());
  start(manifest(http_health(server.port(),
                             "interval = \"100ms\"\ntimeout = \"500ms\"\nretries = 3\n"
                             "start_period = \"60s\"\n")),
        {{"NOTIFY_SOCKET", (dir_ / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.pid > 0; }); }, 10s))
      << log() << notify.all();
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(1000ms);
  const auto window_end = Clock::now();
  EXPECT_FALSE(notify.first("READY=1")) << "no healthy probe yet\n" << notify.all();
  EXPECT_TRUE(state_is([](const StateRecord& r) { return r.state == "running" && !r.ready; }));
  EXPECT_EQ(state()->restarts, 0u) << "failures within start_period do not count\n" << log();
  // Probes fail meanwhile, yet the loop keeps pinging every WATCHDOG_USEC/2 (10 expected; the
  // lower bound leaves room for a loaded 2-core CI machine, where 6 were seen).
  EXPECT_GE(notify.count("WATCHDOG=1", window_start, window_end), 5) << notify.all();
  EXPECT_LE(notify.count("WATCHDOG=1", window_start, window_end), 12) << notify.all();

  const auto healthy_at = Clock::now();
  server.set_mode(TestHttpServer::Mode::ok);
  ASSERT_TRUE(wait_until([&] { return notify.first("READY=1").has_value(); }, 5s))
      << log() << notify.all();
  EXPECT_GE(*notify.first("READY=1"), healthy_at);
  EXPECT_GE(server.served(200), 1);
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 2s));
  EXPECT_EQ(server.paths().front(), "/healthz");

  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << log();
  ASSERT_TRUE(wait_until([&] { return notify.first("STOPPING=1").has_value(); }, 2s));
  EXPECT_LT(*notify.first("READY=1"), *notify.first("STOPPING=1"));
  const auto all = notify.all();
  EXPECT_EQ(all.find("READY=1"), all.rfind("READY=1")) << "READY=1 once\n" << all;
}

// Acceptance: /healthz turns 500 -> restarted after `retries` failed probes; status says why.
TEST_F(HealthTest, ServerErrorsRestartTheChildAfterRetriesAndStatusShowsTheReason) {
  TestHttpServer server;
  ASSERT_TRUE(server.listening());
  start(manifest(
      http_health(server.port(), "interval = \"150ms\"\ntimeout = \"1s\"\nretries = 3\n")));
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 10s))
      << log();
  const int first_pid = state()->pid;
  server.set_mode(TestHttpServer::Mode::error);
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.restarts >= 1; }); }, 10s))
      << log();
  EXPECT_GE(server.served(500), 3) << "restarted only after `retries` failures\n" << log();
  EXPECT_LE(server.served(500), 4) << log();
  EXPECT_EQ(state()->last_restart_reason, "health");
  EXPECT_NE(log().find("health check failed (3 of 3): HTTP 500"), std::string::npos) << log();

  // The new child is probed too; while 500 persists it is not ready.
  server.set_mode(TestHttpServer::Mode::ok);
  ASSERT_TRUE(wait_until(
      [&] { return state_is([&](const StateRecord& r) { return r.ready && r.pid != first_pid; }); },
      10s))
      << log();
  const auto output = status_output();
  EXPECT_NE(output.find("last reason: health"), std::string::npos) << output;
  EXPECT_EQ(::kill(first_pid, 0), -1) << "the unhealthy child was stopped";
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << log();
}

// A probe that hangs (server accepts, never answers) blocks neither pings nor the stop.
TEST_F(HealthTest, HangingProbeBlocksNeitherPingsNorStop) {
  TestHttpServer server;
  ASSERT_TRUE(server.listening());
  server.set_mode(TestHttpServer::Mode::hang);
  NotifyListener notify(dir_ / "notify.sock");
  start(manifest(http_health(server.port(), "interval = \"1s\"\ntimeout = \"30s\"\n")),
        {{"NOTIFY_SOCKET", (dir_ / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
  ASSERT_TRUE(wait_until([&] { return server.accepted() >= 1; }, 10s)) << log();
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(600ms);
  const auto window_end = Clock::now();
  EXPECT_GE(notify.count("WATCHDOG=1", window_start, window_end), 4) << notify.all();
  const auto stop_at = Clock::now();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(3s), 0) << log();
  EXPECT_LT(Clock::now() - stop_at, 2s);
  ASSERT_TRUE(wait_until([&] { return notify.first("STOPPING=1").has_value(); }, 2s));
  EXPECT_FALSE(notify.first("READY=1"));
}

// A probe slower than `timeout` is a failure.
TEST_F(HealthTest, ProbeTimeoutCountsAsAFailure) {
  TestHttpServer server;
  ASSERT_TRUE(server.listening());
  server.set_mode(TestHttpServer::Mode::hang);
  start(manifest(
      http_health(server.port(), "interval = \"100ms\"\ntimeout = \"100ms\"\nretries = 2\n")));
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.restarts >= 1; }); }, 10s))
      << log();
  EXPECT_EQ(state()->last_restart_reason, "health");
  EXPECT_NE(log().find("timed out after 100ms"), std::string::npos) << log();
}

// Failures within start_period (before a first success) are not counted; later ones are.
TEST_F(HealthTest, StartPeriodGraceThenFailuresCount) {
  TestHttpServer server;
  ASSERT_TRUE(server.listening());
  server.set_mode(TestHttpServer::Mode::off);
  start(manifest(http_health(server.port(),
                             "interval = \"100ms\"\ntimeout = \"1s\"\n"
                             "retries = 2\nstart_period = \"1500ms\"\n")));
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.pid > 0; }); }, 10s))
      << log();
  const auto spawned = Clock::now();
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(state()->restarts, 0u) << log();
  EXPECT_NE(log().find("during start_period (not counted)"), std::string::npos) << log();
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.restarts >= 1; }); }, 10s))
      << log();
  EXPECT_GE(Clock::now() - spawned, 1400ms);
  EXPECT_EQ(state()->last_restart_reason, "health");
}

// A program that listens only 0.5 s after it started, probed every second with no start_period
// and a single retry: the first probe comes after `interval`, so it is never killed.
TEST_F(HealthTest, SlowStarterIsNotKilledAndBecomesReady) {
  const int port = [] {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return static_cast<int>(ntohs(address.sin_port));
  }();
  ASSERT_GT(port, 0);
  const std::string text = "[service]\nname = \"probed\"\ncommand = " + quoted(kChild) +
                           "\nargs = [\"listen-after\", \"500\", \"" + std::to_string(port) +
                           "\"]\n[restart]\ndelay = \"50ms\"\n[health]\ncheck = \"tcp\"\n"
                           "address = \"127.0.0.1:" +
                           std::to_string(port) +
                           "\"\ninterval = \"1s\"\ntimeout = \"1s\"\nretries = 1\n"
                           "start_period = \"0s\"\n[logs]\nstdout = \"inherit\"\n"
                           "stderr = \"inherit\"\n";
  const auto path = dir_ / "service.toml";
  std::ofstream(path) << text;
  start(path);
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 10s))
      << log();
  EXPECT_EQ(state()->restarts, 0u) << log();
  EXPECT_EQ(log().find("health check failed"), std::string::npos) << log();
  EXPECT_EQ(read_text(dir_ / "pids"), std::to_string(state()->pid) + "\n") << "spawned once";
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << log();
}

TEST_F(HealthTest, TcpProbeConnects) {
  TestHttpServer server;  // only its listening socket matters
  ASSERT_TRUE(server.listening());
  server.set_mode(TestHttpServer::Mode::hang);  // accept, never answer: connected is enough
  start(manifest("check = \"tcp\"\naddress = \"127.0.0.1:" + std::to_string(server.port()) +
                 "\"\ninterval = \"100ms\"\ntimeout = \"500ms\"\nretries = 2\n"));
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 10s))
      << log();
  server.set_mode(TestHttpServer::Mode::off);
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.restarts >= 1; }); }, 10s))
      << log();
  EXPECT_NE(log().find("Connection refused"), std::string::npos) << log();
}

TEST_F(HealthTest, HttpProbeByNameAndIpv6Literal) {
  TestHttpServer server(/*ipv6=*/true);
  if (!server.listening()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  start(manifest("check = \"http\"\nurl = \"http://[::1]:" + std::to_string(server.port()) +
                 "/v6\"\ninterval = \"100ms\"\n"));
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 10s))
      << log();
  EXPECT_EQ(server.paths().front(), "/v6");
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << log();

  TestHttpServer v4;
  fs::remove(dir_ / "runtime" / kStateFileName);
  start(manifest("check = \"http\"\nurl = \"http://localhost:" + std::to_string(v4.port()) +
                 "/byname\"\ninterval = \"100ms\"\n"));
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.ready && r.pid > 0; }); }, 10s))
      << log();
  EXPECT_EQ(v4.paths().front(), "/byname");
}

TEST_F(HealthTest, ExecProbeReadinessFollowsItsExitCode) {
  const auto flag = dir_ / "healthy";
  start(manifest("check = \"exec\"\ncommand = [\"/bin/sh\", \"-c\", " +
                 quoted("test -e " + flag.string()) +
                 "]\ninterval = \"100ms\"\n"
                 "start_period = \"60s\"\n"));
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.pid > 0; }); }, 10s))
      << log();
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(state()->ready);
  std::ofstream(flag) << "1";
  ASSERT_TRUE(
      wait_until([&] { return state_is([](const StateRecord& r) { return r.ready; }); }, 5s))
      << log();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << log();
}

// pids of processes whose command line contains `marker`.
std::vector<int> processes_with(const std::string& marker) {
  std::vector<int> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto text = read_text(entry.path() / "cmdline");
    std::replace(text.begin(), text.end(), '\0', ' ');
    if (text.find(marker) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

TEST_F(HealthTest, ExecProbeIsKilledAtTimeoutAndStopDoesNotWaitForIt) {
  // `sleep` in a subshell: the timeout must kill the probe's whole process group.
  const std::string marker = "37.5" + std::to_string(::getpid());
  start(manifest("check = \"exec\"\ncommand = [\"/bin/sh\", \"-c\", " +
                 quoted("sleep " + marker + "; true") +
                 "]\ninterval = \"100ms\"\ntimeout = \"300ms\"\nretries = 2\n"));
  ASSERT_TRUE(wait_until(
      [&] { return state_is([](const StateRecord& r) { return r.restarts >= 1; }); }, 10s))
      << log();
  EXPECT_EQ(state()->last_restart_reason, "health");
  EXPECT_NE(log().find("timed out after 300ms"), std::string::npos) << log();
  // Stop in the middle of a probe: no probe process survives.
  ASSERT_TRUE(wait_until([&] { return !processes_with("sleep " + marker).empty(); }, 5s));
  const auto stop_at = Clock::now();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(3s), 0) << log();
  EXPECT_LT(Clock::now() - stop_at, 2s);
  EXPECT_TRUE(wait_until([&] { return processes_with("sleep " + marker).empty(); }, 2s));
}

TEST_F(HealthTest, UnresolvedVariableInTheUrlIsAConfigError) {
  start(manifest("check = \"http\"\nurl = \"http://127.0.0.1:${DZ_UNSET_PORT_X}/\"\n"));
  EXPECT_EQ(wait_exit(), 78) << log();
  EXPECT_NE(log().find("health.url"), std::string::npos) << log();
}

}  // namespace
}  // namespace daemonize
