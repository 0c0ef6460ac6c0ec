// [service] type with real processes: `daemonize run` supervising tests/conformance's child as a
// self-daemonizing program (forking), an sd_notify speaker (notify) and a task (oneshot). A fake
// service manager listens on the watchdog's own NOTIFY_SOCKET to see when it reports READY=1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
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
using process_testing::parent_of;
using process_testing::process_gone;
using process_testing::quoted;
using process_testing::read_text;
using process_testing::wait_until;

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The service manager's end of the watchdog's NOTIFY_SOCKET: every datagram with its wall time.
class FakeManager {
 public:
  explicit FakeManager(const fs::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    reader_ = std::thread([this] {
      char buffer[4096];
      pollfd poller{fd_, POLLIN, 0};
      while (!done_) {
        if (::poll(&poller, 1, 50) <= 0) continue;
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        const std::scoped_lock guard(lock_);
        messages_.emplace_back(wall_now(), std::string(buffer, static_cast<std::size_t>(n)));
      }
    });
  }
  ~FakeManager() {
    done_ = true;
    reader_.join();
    ::close(fd_);
  }
  FakeManager(const FakeManager&) = delete;
  FakeManager& operator=(const FakeManager&) = delete;

  [[nodiscard]] bool bound() const { return bound_; }
  // Wall time of the first datagram holding `text`.
  std::optional<double> first(const std::string& text) {
    const std::scoped_lock guard(lock_);
    for (const auto& [at, message] : messages_) {
      if (message.find(text) != std::string::npos) return at;
    }
    return std::nullopt;
  }
  std::string all() {
    const std::scoped_lock guard(lock_);
    std::string text;
    for (const auto& [at, message] : messages_) text += message + "|";
    return text;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
  std::atomic<bool> done_{false};
  std::mutex lock_;
  std::vector<std::pair<double, std::string>> messages_;
  std::thread reader_;
};

class ServiceTypeRun : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("dz-type-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "runtime");
    manager_ = std::make_unique<FakeManager>(dir_ / "manager.sock");
    ASSERT_TRUE(manager_->bound());
  }

  void TearDown() override {
    if (watchdog_ > 0) {
      ::kill(watchdog_, SIGKILL);
      ::waitpid(watchdog_, nullptr, 0);
    }
    for (const auto& line : events()) {
      for (const char* kind : {"daemon ", "start "}) {
        if (line.rfind(kind, 0) == 0) ::kill(std::stoi(line.substr(std::strlen(kind))), SIGKILL);
      }
    }
    manager_.reset();
    fs::remove_all(dir_);
  }

  fs::path manifest(const std::string& service, const std::vector<std::string>& args) {
    std::string text =
        "[service]\nname = \"dz-type-test\"\ncommand = " + quoted(DAEMONIZE_CONFORMANCE_CHILD) +
        "\nargs = [" + quoted("--events") + ", " + quoted(events_file().string());
    for (const auto& arg : args) text += ", " + quoted(arg);
    text += "]\n" + service + "\n[logs]\nstdout = \"inherit\"\nstderr = \"inherit\"\n";
    const auto path = dir_ / "service.toml";
    std::ofstream(path) << text;
    return path;
  }

  void start(const fs::path& manifest_path) {
    std::map<std::string, std::string> env{{"RUNTIME_DIRECTORY", (dir_ / "runtime").string()},
                                           {"NOTIFY_SOCKET", (dir_ / "manager.sock").string()}};
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry) {
      const std::string text = *entry;
      if (!env.contains(text.substr(0, text.find('=')))) entries.push_back(text);
    }
    for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : entries) envp.push_back(entry.data());
    envp.push_back(nullptr);
    const std::string err_path = (dir_ / "watchdog.err").string();
    const std::string binary = DAEMONIZE_BINARY;
    const std::string manifest_text = manifest_path.string();
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

  int wait_exit(std::chrono::milliseconds timeout = 15s) {
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

  fs::path events_file() const { return dir_ / "events"; }
  std::vector<std::string> events() const {
    std::vector<std::string> lines;
    std::istringstream in(read_text(events_file()));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  // Values of the events `kind` ("daemon 123 t=..." -> "123"), in order.
  std::vector<std::string> values(const std::string& kind) const {
    std::vector<std::string> found;
    for (const auto& line : events()) {
      if (line.rfind(kind + " ", 0) != 0) continue;
      const auto rest = line.substr(kind.size() + 1);
      found.push_back(rest.substr(0, rest.find(" t=")));
    }
    return found;
  }
  std::optional<double> time_of(const std::string& prefix) const {
    for (const auto& line : events()) {
      if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(line.find(" t=") + 3));
    }
    return std::nullopt;
  }
  std::optional<StateRecord> state() const {
    std::string error;
    return state_from_json(read_text(dir_ / "runtime" / kStateFileName), error);
  }
  std::string watchdog_stderr() const { return read_text(dir_ / "watchdog.err"); }

  fs::path dir_;
  pid_t watchdog_ = 0;
  std::unique_ptr<FakeManager> manager_;
};

// ---- forking -------------------------------------------------------------------------------

TEST_F(ServiceTypeRun, ForkingDaemonIsAdoptedRestartedWhenKilledAndStopped) {
  const auto pid_file = dir_ / "legacyd.pid";
  start(manifest("type = \"forking\"\npid_file = " + quoted(pid_file.string()) +
                     "\n[restart]\ndelay = \"200ms\"",
                 {"--pid-file", pid_file.string(), "--pid-file-after", "0.3"}));
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 10s)) << watchdog_stderr();
  ASSERT_EQ(values("daemon").size(), 1U);
  const int daemon = std::stoi(values("daemon")[0]);
  const int launcher = std::stoi(values("launcher")[0]);
  EXPECT_NE(daemon, launcher);
  EXPECT_TRUE(process_gone(launcher));
  EXPECT_EQ(state()->state, "running");
  EXPECT_EQ(state()->pid, daemon);
  EXPECT_EQ(parent_of(daemon), watchdog_);  // re-parented to the subreaper
  // The manager heard READY=1 only once the daemon ran.
  // The state file and the datagram are two channels: the manager may read it a moment later.
  ASSERT_TRUE(wait_until([&] { return manager_->first("READY=1").has_value(); }, 2s))
      << manager_->all();
  const auto ready = manager_->first("READY=1");
  ASSERT_TRUE(ready) << manager_->all();
  EXPECT_GE(*ready, *time_of("daemon "));

  ::kill(daemon, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return values("daemon").size() == 2 && state()->ready; }, 10s))
      << watchdog_stderr();
  const int second = std::stoi(values("daemon")[1]);
  EXPECT_EQ(state()->pid, second);
  EXPECT_EQ(state()->restarts, 1U);
  EXPECT_EQ(state()->last_restart_reason, "signal 9 (KILL)");

  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_TRUE(process_gone(second));
  EXPECT_EQ(values("signal").size(), 1U);  // the daemon got stop.signal, TERM
  EXPECT_NE(watchdog_stderr().find("adopted pid " + std::to_string(second) + " from the pid file"),
            std::string::npos);
}

// systemd removes PIDFile= once the service is dead; so does the watchdog, after every end of
// the adopted daemon (a crash before its restart, the stop).
TEST_F(ServiceTypeRun, ForkingPidFileIsRemovedOnceTheDaemonIsGone) {
  const auto pid_file = dir_ / "legacyd.pid";
  start(manifest(
      "type = \"forking\"\npid_file = " + quoted(pid_file.string()) + "\n[restart]\ndelay = \"1s\"",
      {"--pid-file", pid_file.string()}));
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 10s)) << watchdog_stderr();
  const int daemon = std::stoi(values("daemon")[0]);
  ASSERT_TRUE(fs::exists(pid_file));
  ::kill(daemon, SIGKILL);
  // Removed during the backoff, before the next launcher writes it again.
  EXPECT_TRUE(wait_until([&] { return !fs::exists(pid_file); }, 900ms)) << watchdog_stderr();
  ASSERT_TRUE(wait_until([&] { return values("daemon").size() == 2 && state()->ready; }, 10s))
      << watchdog_stderr();
  EXPECT_TRUE(fs::exists(pid_file));
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_FALSE(fs::exists(pid_file));
  EXPECT_NE(watchdog_stderr().find("removed the pid file " + pid_file.string()), std::string::npos);
}

// stop.timeout = "infinity": a program that ignores the stop signal is never killed; the stop
// ends when it exits by itself (here: killed by the test).
TEST_F(ServiceTypeRun, AnInfiniteStopTimeoutWaitsForTheProgram) {
  start(manifest("[stop]\ntimeout = \"infinity\"", {"--stop", "ignore"}));
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 10s)) << watchdog_stderr();
  // Ready comes at the spawn; the program writes its start a moment later.
  ASSERT_TRUE(wait_until([&] { return !values("start").empty(); }, 10s)) << watchdog_stderr();
  const int child = std::stoi(values("start")[0]);
  ::kill(watchdog_, SIGTERM);
  ASSERT_TRUE(wait_until([&] { return !values("signal").empty(); }, 5s)) << watchdog_stderr();
  std::this_thread::sleep_for(2500ms);  // 30 s would be the default; nothing kills it now
  EXPECT_FALSE(process_gone(child));
  EXPECT_EQ(state()->state, "stopping");
  ::kill(child, SIGKILL);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_EQ(watchdog_stderr().find("expired"), std::string::npos);
}

TEST_F(ServiceTypeRun, ForkingNeverAdoptsAStalePid) {
  const auto pid_file = dir_ / "legacyd.pid";
  // A stale pid file naming a live process that is not the service's: this test.
  std::ofstream(pid_file) << ::getpid() << "\n";
  start(manifest("type = \"forking\"\npid_file = " + quoted(pid_file.string()),
                 {"--pid-file", pid_file.string(), "--pid-file-after", "1", "--launcher-no-wait"}));
  // The launcher exits at once; for a second the pid file still names the stale pid.
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 10s)) << watchdog_stderr();
  EXPECT_EQ(state()->pid, std::stoi(values("daemon")[0]))
      << watchdog_stderr() << read_text(events_file());
  EXPECT_NE(state()->pid, ::getpid());
  const auto launcher_exit = time_of("launcher ");
  const auto daemon_wrote = time_of("daemon ");
  ASSERT_TRUE(launcher_exit && daemon_wrote);
  EXPECT_GT(*daemon_wrote - *launcher_exit, 0.8);  // the stale file was there to be read
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
}

TEST_F(ServiceTypeRun, ForkingLauncherFailureIsAFailedStart) {
  const auto pid_file = dir_ / "legacyd.pid";
  start(manifest("type = \"forking\"\npid_file = " + quoted(pid_file.string()) +
                     "\n[restart]\npolicy = \"never\"",
                 {"--pid-file", pid_file.string(), "--launcher-exit", "3"}));
  EXPECT_EQ(wait_exit(), 3) << watchdog_stderr();
  EXPECT_NE(watchdog_stderr().find("the launcher failed; the start failed"), std::string::npos)
      << watchdog_stderr();
  // The daemon it left behind was stopped with it.
  ASSERT_EQ(values("daemon").size(), 1U);
  EXPECT_TRUE(wait_until([&] { return process_gone(std::stoi(values("daemon")[0])); }, 5s));
  EXPECT_FALSE(manager_->first("READY=1")) << manager_->all();
}

// ---- notify --------------------------------------------------------------------------------

TEST_F(ServiceTypeRun, NotifyReadinessWaitsForTheProgramsReadyOne) {
  start(manifest("type = \"notify\"", {"--notify-after", "1.5"}));
  ASSERT_TRUE(wait_until([&] { return !values("start").empty(); }, 5s)) << watchdog_stderr();
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(state());
  EXPECT_EQ(state()->state, "running");
  EXPECT_FALSE(state()->ready);
  EXPECT_FALSE(manager_->first("READY=1")) << manager_->all();

  ASSERT_TRUE(wait_until([&] { return state()->ready; }, 10s)) << watchdog_stderr();
  ASSERT_TRUE(wait_until([&] { return manager_->first("READY=1").has_value(); }, 2s));
  const auto notified = time_of("notified READY=1");
  ASSERT_TRUE(notified);
  EXPECT_GE(*manager_->first("READY=1"), *notified);
  // The program's STATUS= is passed on to the manager.
  EXPECT_TRUE(manager_->first("STATUS=warming up done")) << manager_->all();
  // The program got the watchdog's socket, never the manager's.
  EXPECT_EQ(values("notify-socket").size(), 0U);
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
}

// ---- oneshot -------------------------------------------------------------------------------

TEST_F(ServiceTypeRun, OneshotSuccessIsReadyThenTheWatchdogExitsZero) {
  start(manifest("type = \"oneshot\"", {"--plan", "1:0"}));
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_EQ(values("start").size(), 1U);
  // The state file and the datagram are two channels: the manager may read it a moment later.
  ASSERT_TRUE(wait_until([&] { return manager_->first("READY=1").has_value(); }, 2s))
      << manager_->all();
  const auto ready = manager_->first("READY=1");
  ASSERT_TRUE(ready) << manager_->all();
  EXPECT_GE(*ready, *time_of("exit 0"));
  EXPECT_EQ(state()->state, "stopped");
  EXPECT_EQ(state()->restarts, 0U);
}

TEST_F(ServiceTypeRun, OneshotRemainAfterExitStaysActiveUntilStopped) {
  start(manifest("type = \"oneshot\"\nremain_after_exit = true", {"--plan", "0.5:0"}));
  ASSERT_TRUE(wait_until([&] { return state() && state()->state == "exited"; }, 10s))
      << watchdog_stderr();
  EXPECT_TRUE(state()->ready);
  EXPECT_EQ(state()->pid, 0);
  // The state file and the datagram are two channels: the manager may read it a moment later.
  EXPECT_TRUE(wait_until([&] { return manager_->first("READY=1").has_value(); }, 2s))
      << manager_->all();

  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(wait_exit(0ms), -1);  // still up
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_EQ(values("start").size(), 1U);
}

TEST_F(ServiceTypeRun, OneshotFailureIsNotReadyAndExitsWithItsCode) {
  start(manifest("type = \"oneshot\"\n[restart]\npolicy = \"never\"", {"--plan", "0.2:2"}));
  EXPECT_EQ(wait_exit(), 2) << watchdog_stderr();
  EXPECT_FALSE(manager_->first("READY=1")) << manager_->all();
}

}  // namespace
}  // namespace daemonize
