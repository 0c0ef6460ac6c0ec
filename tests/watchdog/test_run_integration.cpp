// `daemonize run` with real child processes (tests/helpers/daemonize_test_child).
// Each test writes a manifest into its own temporary directory, starts the real `daemonize`
// binary with RUNTIME_DIRECTORY pointing there, and checks exit codes, /proc and the state file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../lib/process_testing.hpp"
#include "daemonize/watchdog/state_file.hpp"

extern char** environ;

namespace daemonize {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using process_testing::lines_of;
using process_testing::living_processes_with;
using process_testing::parent_of;
using process_testing::process_gone;
using process_testing::quoted;
using process_testing::read_text;
using process_testing::wait_until;

const std::string kChild = DAEMONIZE_TEST_CHILD;

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("dz-run-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "runtime");
    marker_ = "DZ_TEST_MARKER=" + dir_.string();
  }

  void TearDown() override {
    if (watchdog_ > 0) {
      ::kill(watchdog_, SIGKILL);
      ::waitpid(watchdog_, nullptr, 0);
    }
    for (const int pid : living_processes_with(marker_)) ::kill(pid, SIGKILL);
    fs::remove_all(dir_);
  }

  // Writes service.toml: [service] with the given body appended, logs inherited.
  fs::path manifest(const std::string& name, const std::vector<std::string>& args,
                    const std::string& extra = "") {
    std::string text =
        "[service]\nname = " + quoted(name) + "\ncommand = " + quoted(kChild) + "\nargs = [";
    for (std::size_t i = 0; i < args.size(); ++i) text += (i ? ", " : "") + quoted(args[i]);
    text += "]\n" + extra;
    if (extra.find("[logs]") == std::string::npos) {
      text += "\n[logs]\nstdout = \"inherit\"\nstderr = \"inherit\"\n";
    }
    const auto path = dir_ / "service.toml";
    std::ofstream(path) << text;
    return path;
  }

  // Starts `daemonize run MANIFEST` with stderr to dir/watchdog.err.
  void start(const fs::path& manifest_path, std::map<std::string, std::string> env = {}) {
    env["RUNTIME_DIRECTORY"] = (dir_ / "runtime").string();
    env["DZ_TEST_MARKER"] = dir_.string();
    env.try_emplace("DZ_PID_FILE", pid_file().string());
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
    started_at_ = Clock::now();
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

  // Exit code of the watchdog, or -1 if it did not exit within `timeout`.
  int wait_exit(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    int status = 0;
    while (Clock::now() < deadline) {
      const pid_t done = ::waitpid(watchdog_, &status, WNOHANG);
      if (done == watchdog_) {
        watchdog_ = 0;
        exited_at_ = Clock::now();
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(5ms);
    }
    return -1;
  }

  std::vector<int> recorded_pids() {
    std::vector<int> pids;
    for (const auto& line : lines_of(pid_file())) pids.push_back(std::stoi(line));
    return pids;
  }

  bool wait_for_pids(std::size_t count) {
    return wait_until([&] { return recorded_pids().size() >= count; }, 5s);
  }

  std::optional<StateRecord> state() {
    std::string error;
    return state_from_json(read_text(dir_ / "runtime" / kStateFileName), error);
  }

  std::string watchdog_stderr() { return read_text(dir_ / "watchdog.err"); }
  fs::path pid_file() const { return dir_ / "pids"; }

  fs::path dir_;
  std::string marker_;
  pid_t watchdog_ = 0;
  Clock::time_point started_at_;
  Clock::time_point exited_at_;
};

// Acceptance: delay 100ms, multiplier 2, max_restarts 3 in 1m -> 3 restarts, growing delays, 75.
TEST_F(RunTest, CrashingChildIsRestartedWithGrowingDelaysThenGivesUp75) {
  const auto starts = dir_ / "starts";
  start(manifest("crashing", {"log-exit", starts.string(), "3"},
                 "[restart]\ndelay = \"100ms\"\nmultiplier = 2.0\nmax_restarts = 3\n"
                 "window = \"1m\"\n"));
  EXPECT_EQ(wait_exit(), 75) << watchdog_stderr();
  const auto lines = lines_of(starts);
  ASSERT_EQ(lines.size(), 4U) << "1 start + 3 restarts";
  std::vector<long long> start_ns;
  for (const auto& line : lines) start_ns.push_back(std::stoll(line.substr(line.find(' ') + 1)));
  const long long expected_ms[] = {100, 200, 400};
  for (int i = 0; i < 3; ++i) {
    const long long gap_ms = (start_ns[i + 1] - start_ns[i]) / 1'000'000;
    EXPECT_GE(gap_ms, expected_ms[i]) << "restart " << i + 1;
    EXPECT_LE(gap_ms, expected_ms[i] + 400) << "restart " << i + 1;
  }
  const auto record = state();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, "gave_up");
  EXPECT_EQ(record->restarts, 3U);
  EXPECT_EQ(record->recent_delays_ms, (std::vector<std::int64_t>{100, 200, 400}));
  EXPECT_EQ(record->last_exit_code, 3);
  EXPECT_EQ(record->exit_code, 75);
  EXPECT_NE(watchdog_stderr().find("giving up after 3 restarts"), std::string::npos);
}

TEST_F(RunTest, ChildCrashingOnStartBySignalIsRecorded) {
  start(manifest("segv", {"crash"},
                 "[restart]\ndelay = \"10ms\"\nmax_restarts = 1\nwindow = \"1m\"\n"));
  EXPECT_EQ(wait_exit(), 75) << watchdog_stderr();
  const auto record = state();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->last_exit_signal, SIGSEGV);
  EXPECT_EQ(record->last_exit, "signal 11 (SEGV)");
}

// Acceptance: a child ignoring SIGTERM with 20 setsid grandchildren is fully gone within
// stop.timeout + 1 s after SIGTERM to the watchdog; nothing of it remains in /proc.
TEST_F(RunTest, StopKillsAChildIgnoringTermAndItsSetsidGrandchildren) {
  start(manifest("stubborn", {"ignore-term", "20"}, "[stop]\ntimeout = \"1s\"\n"));
  ASSERT_TRUE(wait_for_pids(21)) << watchdog_stderr();
  const auto pids = recorded_pids();
  for (const int pid : pids) ASSERT_FALSE(process_gone(pid));
  const auto sent = Clock::now();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  const auto elapsed = exited_at_ - sent;
  EXPECT_GE(elapsed, 900ms) << "the grace period is honoured";
  EXPECT_LE(elapsed, 2s) << "stop.timeout + at most 1 s";
  for (const int pid : pids) EXPECT_TRUE(process_gone(pid)) << pid;
  EXPECT_TRUE(living_processes_with(marker_).empty());
}

TEST_F(RunTest, GracefulChildStopsBeforeTheTimeoutAndIsNotRestarted) {
  start(manifest("graceful", {"slow-stop", "300"}, "[stop]\ntimeout = \"10s\"\n"));
  ASSERT_TRUE(wait_for_pids(1));
  const auto sent = Clock::now();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_GE(exited_at_ - sent, 250ms);
  EXPECT_LE(exited_at_ - sent, 3s);
  EXPECT_EQ(recorded_pids().size(), 1U) << "never restarted after a requested stop";
  const auto record = state();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, "stopped");
  EXPECT_EQ(record->restarts, 0U);
}

TEST_F(RunTest, SigintStopsLikeSigterm) {
  start(manifest("interrupted", {"sleep"}));
  ASSERT_TRUE(wait_for_pids(1));
  ::kill(watchdog_, SIGINT);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_TRUE(process_gone(recorded_pids().front()));
}

TEST_F(RunTest, DoubleForkedDescendantIsAdoptedAndKilledOnStop) {
  start(manifest("doublefork", {"double-fork"}, "[stop]\ntimeout = \"500ms\"\n"));
  ASSERT_TRUE(wait_for_pids(2));
  const int watchdog = watchdog_;
  // The grandchild's parent exited: as a subreaper the watchdog adopted it.
  EXPECT_TRUE(wait_until(
      [&] {
        for (const int pid : recorded_pids()) {
          if (parent_of(pid) != watchdog && !process_gone(pid)) {
            // the main child is the watchdog's child too; any other parent is wrong
            return false;
          }
        }
        return true;
      },
      2s));
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  for (const int pid : recorded_pids()) EXPECT_TRUE(process_gone(pid)) << pid;
  EXPECT_TRUE(living_processes_with(marker_).empty());
}

// Acceptance: the watchdog killed with SIGKILL -> the child is gone within 1 s.
TEST_F(RunTest, ChildDiesWithinASecondWhenTheWatchdogIsKilled) {
  start(manifest("orphaned", {"sleep"}));
  ASSERT_TRUE(wait_for_pids(1));
  const int child = recorded_pids().front();
  ::kill(watchdog_, SIGKILL);
  ASSERT_EQ(wait_exit(), 128 + SIGKILL);
  EXPECT_TRUE(wait_until([&] { return process_gone(child); }, 1s));
}

// Crash recovery: processes of the previous generation's group are killed before spawning.
TEST_F(RunTest, NextWatchdogKillsWhatACrashedWatchdogLeftInTheGroup) {
  const auto path = manifest("recovered", {"fork-group", "3"});
  start(path);
  ASSERT_TRUE(wait_for_pids(4));
  const auto first_generation = recorded_pids();
  ::kill(watchdog_, SIGKILL);
  ASSERT_EQ(wait_exit(), 128 + SIGKILL);
  std::this_thread::sleep_for(200ms);
  int survivors = 0;
  for (const int pid : first_generation) survivors += process_gone(pid) ? 0 : 1;
  EXPECT_EQ(survivors, 3) << "PDEATHSIG takes only the main child; its group stays behind";

  fs::remove(pid_file());
  start(path);
  ASSERT_TRUE(wait_for_pids(4)) << watchdog_stderr();
  for (const int pid : first_generation) EXPECT_TRUE(process_gone(pid)) << pid;
  EXPECT_NE(watchdog_stderr().find("from a previous watchdog"), std::string::npos);
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

TEST_F(RunTest, SecondWatchdogForTheSameServiceRefuses) {
  const auto path = manifest("single", {"sleep"});
  start(path);
  ASSERT_TRUE(wait_for_pids(1));
  const pid_t first = watchdog_;
  start(path);
  EXPECT_EQ(wait_exit(), 69);
  EXPECT_NE(watchdog_stderr().find("already running"), std::string::npos);
  watchdog_ = first;
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

// Acceptance: required_env = ["A", "B"] with neither set: exit 78 naming both.
TEST_F(RunTest, MissingRequiredEnvironmentNamesEveryVariable) {
  start(manifest("needs-env", {"sleep"}, "required_env = [\"A\", \"B\", \"C\"]\n"), {{"C", "set"}});
  EXPECT_EQ(wait_exit(), 78);
  const auto text = watchdog_stderr();
  EXPECT_NE(text.find("required environment variable A "), std::string::npos) << text;
  EXPECT_NE(text.find("required environment variable B "), std::string::npos) << text;
  EXPECT_EQ(text.find("variable C "), std::string::npos) << text;
  EXPECT_TRUE(recorded_pids().empty()) << "nothing was spawned";
}

TEST_F(RunTest, MissingCommandOrDirectoryIsAConfigError) {
  const std::string text =
      "[service]\nname = \"broken\"\ncommand = \"/nonexistent/server\"\n"
      "working_directory = \"/nonexistent/dir\"\n";
  std::ofstream(dir_ / "broken.toml") << text;
  start(dir_ / "broken.toml");
  EXPECT_EQ(wait_exit(), 78);
  const auto err = watchdog_stderr();
  EXPECT_NE(err.find("/nonexistent/server"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/dir"), std::string::npos) << err;
}

TEST_F(RunTest, ExecFailureIsReportedAsASpawnFailure) {
  const auto not_a_program = dir_ / "not-a-program";
  std::ofstream(not_a_program) << "\x01\x02 garbage";
  fs::permissions(not_a_program, fs::perms::owner_all);
  const std::string text = "[service]\nname = \"badexec\"\ncommand = " + quoted(not_a_program) +
                           "\n[restart]\ndelay = \"10ms\"\nmax_restarts = 1\n";
  std::ofstream(dir_ / "badexec.toml") << text;
  start(dir_ / "badexec.toml");
  EXPECT_EQ(wait_exit(), 75);
  EXPECT_NE(
      watchdog_stderr().find("spawn failed: " + not_a_program.string() + ": Exec format error"),
      std::string::npos)
      << watchdog_stderr();
  EXPECT_EQ(state()->last_exit, "spawn failed");
}

std::string proc_line(int pid, const std::string& file, const std::string& prefix) {
  std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/" + file));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

TEST_F(RunTest, UserUmaskLimitsAndWorkingDirectoryApplyToTheChild) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching user needs a root watchdog";
  start(manifest("confined", {"sleep"},
                 "user = \"nobody\"\numask = \"0077\"\nworking_directory = \"/tmp\"\n"
                 "[limits]\nnofile = 1234\nnproc = 77\n"),
        {{"DZ_PID_FILE", ""}});
  ASSERT_TRUE(wait_until([&] { return state() && state()->state == "running"; }, 5s))
      << watchdog_stderr();
  const int pid = state()->pid;
  const auto nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const std::string uid = std::to_string(nobody->pw_uid);
  EXPECT_EQ(proc_line(pid, "status", "Uid:"),
            "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);
  EXPECT_EQ(proc_line(pid, "status", "Umask:"), "Umask:\t0077");
  EXPECT_NE(proc_line(pid, "limits", "Max open files").find("1234                 1234"),
            std::string::npos);
  EXPECT_NE(proc_line(pid, "limits", "Max processes").find("77                   77"),
            std::string::npos);
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd"), fs::path("/tmp"));
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

// A root watchdog (the cron target's root crontab, launchd without UserName, a manual run as
// root) reads env files as root and switches user for the program only: a root-only (0600)
// env file works with `user`.
TEST_F(RunTest, RootWatchdogReadsARootOnlyEnvFileForTheProgramsAccount) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching user needs a root watchdog";
  const auto secret = dir_ / "secret.env";
  std::ofstream(secret) << "SECRET_TOKEN=hunter2\n";
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
  const auto out = dir_ / "out";  // the program, as nobody, writes here
  fs::create_directories(out);
  fs::permissions(out, fs::perms::all);
  const auto printed = out / "printed";
  start(manifest("secret", {"print", printed.string()},
                 "user = \"nobody\"\nenv_files = [" + quoted(secret.string()) + "]\n"),
        {{"DZ_PID_FILE", ""}});
  ASSERT_TRUE(wait_until([&] { return fs::exists(printed); }, 5s)) << watchdog_stderr();
  ASSERT_TRUE(wait_until([&] { return state() && state()->state == "running"; }, 5s));
  const auto nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const std::string uid = std::to_string(nobody->pw_uid);
  EXPECT_EQ(proc_line(state()->pid, "status", "Uid:"),
            "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);
  EXPECT_NE(read_text(printed).find(std::string("SECRET_TOKEN=hunter2") + '\0'), std::string::npos);
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

TEST_F(RunTest, NeverPolicyExitsWithTheChildsCode) {
  start(manifest("oneshot", {"exit", "4"}, "[restart]\npolicy = \"never\"\n"));
  EXPECT_EQ(wait_exit(), 4) << watchdog_stderr();
}

TEST_F(RunTest, CleanExitWithOnFailureEndsTheWatchdogWithZero) {
  start(manifest("done", {"exit", "0"}));
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
}

// Exact argv and environment, env precedence, and the service-manager handshake on a real
// NOTIFY_SOCKET, which itself never reaches the child.
TEST_F(RunTest, ExactArgvEnvironmentAndNotifyHandshake) {
  const auto socket_path = dir_ / "notify.sock";
  const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(notify, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);

  std::ofstream(dir_ / "first.env")
      << "# comment\nexport FROM_FILE=file\nOVERRIDE=file\nPORT=9000\n";
  std::ofstream(dir_ / "second.env") << "FROM_FILE=\"second file\"\n";
  const auto printed = dir_ / "printed";
  start(manifest("argv", {"print", printed.string(), "", "a b", "$$literal", "${PORT:-1}", "x=y"},
                 "env_files = [" + quoted((dir_ / "first.env").string()) + ", " +
                     quoted((dir_ / "second.env").string()) +
                     ", \"-/nonexistent.env\"]\n"
                     "[env]\nOVERRIDE = \"manifest\"\nCOMBINED = \"${FROM_FILE}+${INHERITED}\"\n"),
        {{"NOTIFY_SOCKET", socket_path.string()}, {"INHERITED", "inh"}, {"OVERRIDE", "inherited"}});
  ASSERT_TRUE(wait_until([&] { return fs::exists(printed); }, 5s)) << watchdog_stderr();

  const std::string text = read_text(printed);
  std::vector<std::string> fields;
  for (std::size_t begin = 0; begin < text.size();) {
    const auto end = text.find('\0', begin);
    fields.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  const std::vector<std::string> expected_argv{kChild, "print",    printed.string(), "",
                                               "a b",  "$literal", "9000",           "x=y"};
  ASSERT_GE(fields.size(), expected_argv.size() + 2);
  EXPECT_EQ(fields[0], std::to_string(expected_argv.size()));
  EXPECT_EQ(std::vector<std::string>(fields.begin() + 1, fields.begin() + 1 + expected_argv.size()),
            expected_argv);
  std::map<std::string, std::string> child_env;
  auto it = fields.begin() + 2 + expected_argv.size();
  for (; it != fields.end() && *it != "fds"; ++it) {
    child_env[it->substr(0, it->find('='))] = it->substr(it->find('=') + 1);
  }
  ASSERT_NE(it, fields.end());
  std::set<std::string> fds(it + 1, fields.end());
  fds.erase("");
  EXPECT_EQ(fds, (std::set<std::string>{"0", "1", "2"})) << "no descriptor leaks into the child";
  EXPECT_EQ(child_env["FROM_FILE"], "second file");
  EXPECT_EQ(child_env["OVERRIDE"], "manifest");
  EXPECT_EQ(child_env["COMBINED"], "second file+inh");
  EXPECT_EQ(child_env["INHERITED"], "inh");
  EXPECT_FALSE(child_env.contains("NOTIFY_SOCKET"));

  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();

  std::string messages;
  char buffer[4096];
  pollfd poller{notify, POLLIN, 0};
  while (::poll(&poller, 1, 200) > 0) {
    const auto n = ::recv(notify, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    messages += std::string(buffer, static_cast<std::size_t>(n)) + "\n";
  }
  ::close(notify);
  const auto ready = messages.find("READY=1");
  const auto stopping = messages.find("STOPPING=1");
  EXPECT_NE(ready, std::string::npos) << messages;
  EXPECT_NE(stopping, std::string::npos) << messages;
  EXPECT_LT(ready, stopping) << messages;
  EXPECT_NE(messages.find("STATUS=running"), std::string::npos) << messages;
}

TEST_F(RunTest, WatchdogPingsAtHalfTheWatchdogInterval) {
  const auto socket_path = dir_ / "notify.sock";
  const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(notify, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  // Drain like a service manager does: a unix datagram queue holds only 10 messages.
  std::mutex lock;
  std::vector<std::pair<Clock::time_point, std::string>> messages;
  std::atomic<bool> ready{false};
  std::thread reader([&] {
    char buffer[4096];
    pollfd poller{notify, POLLIN, 0};
    while (::poll(&poller, 1, 10000) > 0) {
      const auto n = ::recv(notify, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      const std::string message(buffer, static_cast<std::size_t>(n));
      {
        const std::scoped_lock guard(lock);
        messages.emplace_back(Clock::now(), message);
      }
      if (message == "READY=1") ready = true;
      if (message == "STOPPING=1") break;
    }
  });
  start(manifest("pinged", {"sleep"}),
        {{"NOTIFY_SOCKET", socket_path.string()}, {"WATCHDOG_USEC", "200000"}});
  // Count over one second of a running watchdog, however long its start-up took.
  ASSERT_TRUE(wait_until([&] { return ready.load(); }, 10s)) << watchdog_stderr();
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(1000ms);
  const auto window_end = Clock::now();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  reader.join();
  ::close(notify);
  const auto pings = std::count_if(messages.begin(), messages.end(), [&](const auto& entry) {
    return entry.second == "WATCHDOG=1" && entry.first >= window_start && entry.first <= window_end;
  });
  EXPECT_GE(pings, 8);  // every WATCHDOG_USEC/2 = 100 ms
  EXPECT_LE(pings, 12);
}

// The handshake on an abstract socket ("@name", as systemd hands out in containers), and
// WATCHDOG_USEC ignored when WATCHDOG_PID names another process (sd_watchdog_enabled's rule).
TEST_F(RunTest, NotifiesAnAbstractSocketAndIgnoresAnotherProcesssWatchdog) {
  const std::string name = "daemonize-test/notify/" + std::to_string(::getpid());
  const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(notify, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(::bind(notify, reinterpret_cast<sockaddr*>(&address), length), 0);
  start(manifest("abstract", {"sleep"}), {{"NOTIFY_SOCKET", "@" + name},
                                          {"WATCHDOG_USEC", "100000"},
                                          {"WATCHDOG_PID", std::to_string(::getpid())}});
  std::vector<std::string> messages;
  char buffer[4096];
  pollfd poller{notify, POLLIN, 0};
  const auto deadline = Clock::now() + 10s;
  while (Clock::now() < deadline && ::poll(&poller, 1, 500) > 0) {
    const auto n = ::recv(notify, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    messages.emplace_back(buffer, static_cast<std::size_t>(n));
    if (messages.back() == "READY=1") break;
  }
  ASSERT_FALSE(messages.empty()) << watchdog_stderr();
  EXPECT_EQ(messages.back(), "READY=1") << watchdog_stderr();
  // 500 ms: five WATCHDOG_USEC/2 periods in which none may come.
  std::this_thread::sleep_for(500ms);
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  std::string rest;
  while (::poll(&poller, 1, 200) > 0) {
    const auto n = ::recv(notify, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    rest += std::string(buffer, static_cast<std::size_t>(n)) + "\n";
  }
  ::close(notify);
  EXPECT_EQ(rest.find("WATCHDOG=1"), std::string::npos) << rest;
  EXPECT_NE(rest.find("STOPPING=1"), std::string::npos) << rest;
}

TEST_F(RunTest, SighupForwardsTheReloadSignalToTheChild) {
  // reload.signal = TERM makes the slow stopper exit 0, which on-failure does not restart.
  start(manifest("reloaded", {"slow-stop", "0"}, "[reload]\nsignal = \"TERM\"\n"));
  ASSERT_TRUE(wait_for_pids(1));
  ::kill(watchdog_, SIGHUP);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_NE(watchdog_stderr().find("reload: sending TERM"), std::string::npos);
}

TEST_F(RunTest, StatusShowsTheRunningChild) {
  start(manifest("shown", {"sleep"}));
  ASSERT_TRUE(wait_for_pids(1));
  ASSERT_TRUE(wait_until([&] { return state() && state()->state == "running"; }, 2s));
  const std::string command = std::string(DAEMONIZE_BINARY) + " status " +
                              (dir_ / "runtime" / kStateFileName).string() + " --json > " +
                              (dir_ / "status.json").string();
  EXPECT_EQ(std::system(command.c_str()), 0);
  const auto json = read_text(dir_ / "status.json");
  EXPECT_NE(json.find("\"running\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"pid\":" + std::to_string(recorded_pids().front())), std::string::npos)
      << json;
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_NE(std::system(command.c_str()), 0) << "status exits 1 once the service stopped";
}

TEST_F(RunTest, OutputAppendsToFilesInTheLogDirectory) {
  const auto logs = dir_ / "logs";
  start(manifest("logged", {"no-such-mode"},
                 "[restart]\npolicy = \"never\"\n[logs]\ndirectory = " + quoted(logs.string()) +
                     "\nstdout = \"out.log\"\nstderr = \"out.log\"\n"));
  EXPECT_EQ(wait_exit(), 2);  // the helper's usage error, written to stderr
  EXPECT_NE(read_text(logs / "out.log").find("usage: daemonize_test_child"), std::string::npos);
  EXPECT_EQ(fs::status(logs / "out.log").permissions() & fs::perms::others_read, fs::perms::none);
}

// ---- [hooks] and stop.kill --------------------------------------------------------------------

// One shell command as a hook argv.
std::string sh(const std::string& script) {
  return "[\"/bin/sh\", \"-c\", " + quoted(script) + "]";
}

// pre_start, the program, post_start, the stop hook and post_stop run in this order, with the
// service's environment and working directory, their output in the program's stderr log; the
// program, still running after the stop hook, gets stop.signal.
TEST_F(RunTest, HooksRunInOrderAroundTheProgram) {
  const auto order = (dir_ / "order").string();
  const auto logs = dir_ / "logs";
  start(manifest(
      "hooked", {"write-pid", order},
      "working_directory = " + quoted(dir_.string()) +
          "\n[env]\nGREETING = \"hello\"\n"
          "[hooks]\npre_start = [" +
          // ${GREETING}: interpolated by the watchdog; $$PWD: the shell's $PWD.
          sh("echo \"pre_start ${GREETING} $$PWD\" >> " + order + "; echo from-pre-start >&2") +
          "]\npost_start = [" +
          sh("until grep -q '^[0-9]' " + order + "; do sleep 0.01; done; echo " + "post_start >> " +
             order) +
          "]\nstop = [" + sh("echo stop >> " + order) + "]\npost_stop = [" +
          sh("echo post_stop >> " + order) + "]\n[logs]\ndirectory = " + quoted(logs.string()) +
          "\n"));
  ASSERT_TRUE(wait_until([&] { return lines_of(order).size() >= 3; }, 5s)) << watchdog_stderr();
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 5s)) << watchdog_stderr();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  const auto lines = lines_of(order);
  ASSERT_EQ(lines.size(), 5U) << read_text(order);
  EXPECT_EQ(lines[0], "pre_start hello " + dir_.string());
  EXPECT_EQ(lines[1].find_first_not_of("0123456789"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2], "post_start");
  EXPECT_EQ(lines[3], "stop");
  EXPECT_EQ(lines[4], "post_stop");
  EXPECT_TRUE(process_gone(std::stoi(lines[1])));
  EXPECT_NE(read_text(logs / "stderr.log").find("from-pre-start"), std::string::npos);
  EXPECT_NE(watchdog_stderr().find("hooks.pre_start[0]: started /bin/sh"), std::string::npos);
}

// A failing pre_start fails the start: it counts toward max_restarts, the program never runs.
TEST_F(RunTest, FailingPreStartCountsTowardGiveUp) {
  const auto attempts = (dir_ / "attempts").string();
  start(manifest("prefail", {"sleep"},
                 "[restart]\ndelay = \"10ms\"\nmax_restarts = 2\nwindow = \"1m\"\n"
                 "[hooks]\npre_start = [" +
                     sh("echo try >> " + attempts + "; exit 3") + "]\n"));
  EXPECT_EQ(wait_exit(), 75) << watchdog_stderr();
  EXPECT_EQ(lines_of(attempts).size(), 3U) << "1 start + 2 restarts";
  EXPECT_TRUE(recorded_pids().empty()) << "the program never ran";
  const auto record = state();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, "gave_up");
  EXPECT_EQ(record->last_exit, "pre_start hook failed");
  EXPECT_NE(watchdog_stderr().find("hooks.pre_start[0] failed: exit code 3; the start failed"),
            std::string::npos)
      << watchdog_stderr();
}

// ignore_failure: the failure is logged and the program starts.
TEST_F(RunTest, IgnoredPreStartFailureStartsTheProgram) {
  start(manifest("preignored", {"sleep"},
                 "[hooks]\npre_start = [{ command = [\"/bin/false\"], ignore_failure = true }]\n"));
  ASSERT_TRUE(wait_for_pids(1)) << watchdog_stderr();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_NE(watchdog_stderr().find("hooks.pre_start[0] failed: exit code 1 (ignore_failure)"),
            std::string::npos);
}

// At its timeout a hook's whole process group is killed and the hook counts as failed.
TEST_F(RunTest, HookTimeoutKillsItsProcessTree) {
  const auto background = (dir_ / "background").string();
  start(manifest("slowhook", {"sleep"},
                 "[restart]\npolicy = \"never\"\n[hooks]\npre_start = [{ command = [\"/bin/sh\", "
                 "\"-c\", " +
                     quoted("sleep 30 & echo $$! > " + background + "; wait") +
                     "], timeout = \"300ms\" }]\n"));
  EXPECT_EQ(wait_exit(5s), 1) << watchdog_stderr();
  EXPECT_LE(exited_at_ - started_at_, 3s);
  ASSERT_TRUE(wait_until([&] { return !lines_of(background).empty(); }, 1s));
  const int sleeper = std::stoi(lines_of(background).front());
  EXPECT_TRUE(wait_until([&] { return process_gone(sleeper); }, 2s)) << sleeper;
  EXPECT_NE(watchdog_stderr().find("hooks.pre_start[0] failed: timed out after 300ms (killed)"),
            std::string::npos)
      << watchdog_stderr();
  EXPECT_TRUE(recorded_pids().empty());
}

// [reload] command runs on SIGHUP instead of the signal (the program would die of SIGHUP).
TEST_F(RunTest, ReloadCommandRunsInsteadOfTheSignal) {
  const auto reloaded = (dir_ / "reloaded").string();
  start(manifest("reloader", {"sleep"},
                 "[reload]\ncommand = [\"/bin/sh\", \"-c\", " +
                     quoted("echo reloaded >> " + reloaded) + "]\n"));
  ASSERT_TRUE(wait_for_pids(1)) << watchdog_stderr();
  ::kill(watchdog_, SIGHUP);
  ASSERT_TRUE(wait_until([&] { return !lines_of(reloaded).empty(); }, 5s)) << watchdog_stderr();
  EXPECT_FALSE(process_gone(recorded_pids().front())) << "no SIGHUP reached the program";
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

// stop.kill = "main": only the main process is stopped; what it started keeps running.
TEST_F(RunTest, KillMainLeavesTheProgramsChildrenRunning) {
  start(manifest("killmain", {"fork-group", "2"}, "[stop]\nkill = \"main\"\n"));
  ASSERT_TRUE(wait_for_pids(3)) << watchdog_stderr();
  const auto record = state();
  ASSERT_TRUE(record);
  const int main_pid = record->pid;
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  EXPECT_TRUE(process_gone(main_pid));
  int survivors = 0;
  for (const int pid : recorded_pids()) {
    if (pid != main_pid && !process_gone(pid)) ++survivors;
  }
  EXPECT_EQ(survivors, 2);
}

// The default (group) stops what the program started too.
TEST_F(RunTest, KillGroupStopsTheProgramsChildren) {
  start(manifest("killgroup", {"fork-group", "2"}));
  ASSERT_TRUE(wait_for_pids(3)) << watchdog_stderr();
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0) << watchdog_stderr();
  for (const int pid : recorded_pids()) EXPECT_TRUE(process_gone(pid)) << pid;
}

// stop.kill = "main": the next watchdog after a crashed one leaves the previous group alone.
TEST_F(RunTest, KillMainNextWatchdogLeavesWhatTheCrashedOneLeft) {
  const auto path = manifest("mainrecovered", {"fork-group", "2"}, "[stop]\nkill = \"main\"\n");
  start(path);
  ASSERT_TRUE(wait_for_pids(3));
  const auto first_generation = recorded_pids();
  ::kill(watchdog_, SIGKILL);
  ASSERT_EQ(wait_exit(), 128 + SIGKILL);
  fs::remove(pid_file());
  start(path);
  ASSERT_TRUE(wait_for_pids(3)) << watchdog_stderr();
  int survivors = 0;
  for (const int pid : first_generation) survivors += process_gone(pid) ? 0 : 1;
  EXPECT_EQ(survivors, 2) << "PDEATHSIG took the main child; the next watchdog kills nothing";
  EXPECT_EQ(watchdog_stderr().find("from a previous watchdog"), std::string::npos);
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

// What a hook leaves in its process group is killed when the hook ends.
TEST_F(RunTest, AHooksLeftoversInItsGroupAreKilledWhenItEnds) {
  const auto background = (dir_ / "background").string();
  start(manifest("hookleftover", {"sleep"},
                 "[hooks]\npost_start = [" + sh("sleep 30 & echo $$! > " + background) + "]\n"));
  ASSERT_TRUE(wait_until([&] { return state() && state()->ready; }, 5s)) << watchdog_stderr();
  ASSERT_FALSE(lines_of(background).empty());
  const int sleeper = std::stoi(lines_of(background).front());
  EXPECT_TRUE(wait_until([&] { return process_gone(sleeper); }, 2s)) << sleeper;
  ::kill(watchdog_, SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
}

}  // namespace
}  // namespace daemonize
