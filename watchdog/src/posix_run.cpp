// The watchdog on POSIX: start-up (manifest, environment, state directory and its lock) and the
// platform of the one loop (supervisor_driver.hpp), waiting with Boost.Asio. Signals
// (TERM/INT/HUP/USR1/CHLD) arrive through asio::signal_set, the supervisor's single timer is an
// asio::steady_timer, and nothing else wakes the loop: an idle watchdog without WATCHDOG_USEC
// sits in epoll_wait.
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/supervisor.hpp"
#include "daemonize/watchdog/child_output.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/final_marker.hpp"
#include "daemonize/watchdog/health_probe.hpp"
#include "daemonize/watchdog/launch_plan.hpp"
#include "daemonize/watchdog/notify_message.hpp"
#include "daemonize/watchdog/run.hpp"
#include "daemonize/watchdog/service_directories.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "daemonize/watchdog/supervisor_driver.hpp"
#include "logging.hpp"
#include "notifier.hpp"
#include "posix_notify_socket.hpp"
#include "posix_process.hpp"

extern char** environ;

namespace daemonize {
namespace {

namespace asio = boost::asio;
namespace ev = supervisor_event;

// SIGTERM, SIGINT and SIGHUP are blocked from run_watchdog()'s first instruction until the
// loop's signal_set owns them: a stop during start-up stays pending, is checked between the
// start-up phases and, once the loop runs, reaches the supervisor before the first spawn.
sigset_t startup_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// "SIGTERM"/"SIGINT" when one is pending (a stop requested during start-up), else "".
std::string pending_stop_signal() {
  sigset_t pending;
  sigemptyset(&pending);
  if (::sigpending(&pending) != 0) return "";
  if (sigismember(&pending, SIGTERM) == 1) return "SIGTERM";
  if (sigismember(&pending, SIGINT) == 1) return "SIGINT";
  return "";
}

// Between start-up phases: a pending stop ends the watchdog before it starts anything.
bool stopped_during_startup(const char* phase) {
  const auto signal = pending_stop_signal();
  if (signal.empty()) return false;
  watchdog_log::info("stop requested (" + signal + ") " + phase + "; nothing was started");
  return true;
}

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals == std::string::npos) continue;
    environment.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return environment;
}

std::optional<std::string> environment_value(const std::string& name) {
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  return std::nullopt;
}

// The state directory, its lock and the state file.
class StateStore {
 public:
  // Returns an error message when another watchdog holds the lock.
  std::string open(const std::string& service_name) {
    const auto directory = state_directory(service_name, environment_value, ::geteuid() == 0);
    if (!directory) {
      watchdog_log::warning(
          "no state directory (neither RUNTIME_DIRECTORY nor XDG_RUNTIME_DIR is set); "
          "running without a state file");
      return "";
    }
    std::error_code ec;
    std::filesystem::create_directories(*directory, ec);
    if (ec) {
      watchdog_log::warning("cannot create state directory " + directory->string() + ": " +
                            ec.message() + "; running without a state file");
      return "";
    }
    const auto lock_path = *directory / "lock";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      std::string holder;
      if (auto previous = read_previous())
        holder = " (pid " + std::to_string(previous->watchdog_pid) + ")";
      return "another watchdog" + holder + " is already running " + service_name + " (lock " +
             lock_path.string() + ")";
    }
    file_ = *directory / kStateFileName;
    return "";
  }

  [[nodiscard]] std::optional<StateRecord> read_previous() const {
    if (file_.empty()) return std::nullopt;
    std::ifstream in(file_);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    return state_from_json(text.str(), error);
  }

  void write(const StateRecord& record) {
    if (file_.empty()) return;
    if (auto ec = write_state_file(file_, record); ec && !write_failed_) {
      write_failed_ = true;  // say it once, keep supervising
      watchdog_log::warning("cannot write state file " + file_.string() + ": " + ec.message());
    }
  }

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] std::filesystem::path directory() const { return file_.parent_path(); }

 private:
  int lock_fd_ = -1;  // held (flock) for the watchdog's lifetime; CLOEXEC so children never hold it
  std::filesystem::path file_;
  bool write_failed_ = false;
};

// A watchdog that died (SIGKILL, OOM) may have left its child's process group behind:
// kill what is provably that group (same start time of the leader, or members started later).
void kill_previous_generation(const StateRecord& previous) {
  if (previous.process_group <= 0 || previous.child_start_ticks == 0) return;
  int killed = 0;
  for (const int pid : posix::group_members(previous.process_group)) {
    const auto ticks = posix::process_start_ticks(pid);
    if (ticks && *ticks >= previous.child_start_ticks && ::kill(pid, SIGKILL) == 0) ++killed;
  }
  if (killed > 0) {
    watchdog_log::warning(
        "killed " + std::to_string(killed) + " leftover processes of process group " +
        std::to_string(previous.process_group) + " from a previous watchdog (pid " +
        std::to_string(previous.watchdog_pid) + ")");
  }
}

// [schedule] overlap: one run of a job at a time. The lock file lives in the state directory
// (else the detached watchdog's, which cron's environment always has) and stays locked until
// this watchdog exits; CLOEXEC keeps it from the job. Returns the exit code of a skipped run,
// std::nullopt to go on.
std::optional<int> take_schedule_lock(const Service& service) {
  if (!service.schedule) return std::nullopt;
  const bool root = ::geteuid() == 0;
  auto directory = state_directory(service.name, environment_value, root);
  if (!directory) {
    if (auto paths = detached_paths(service.name, environment_value, root))
      directory = paths->state_directory;
  }
  std::error_code ec;
  if (directory) std::filesystem::create_directories(*directory, ec);
  if (!directory || ec) {
    watchdog_log::warning("no directory for the overlap lock of " + service.name +
                          " (neither a runtime directory nor HOME); runs are not kept apart");
    return std::nullopt;
  }
  const auto lock_path = *directory / "schedule.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    watchdog_log::warning("cannot open the overlap lock " + lock_path.string() + ": " +
                          std::strerror(errno) + "; runs are not kept apart");
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::string holder;
    char text[32] = {};
    if (const auto length = ::pread(fd, text, sizeof text - 1, 0); length > 0) {
      std::string pid(text, static_cast<std::size_t>(length));
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      if (!pid.empty()) holder = " (pid " + pid + ")";
    }
    if (service.schedule->overlap != ScheduleOverlap::queue) {
      // "allow" too: one watchdog runs one run of a service (the renderers say so).
      std::cout << service.name << ": skipped: the previous run" << holder
                << " is still running (overlap = \"" << to_string(service.schedule->overlap)
                << "\")" << std::endl;
      return exit_code::success;
    }
    std::cout << service.name << ": waiting for the previous run" << holder
              << " to end (overlap = \"queue\")" << std::endl;
    while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0)
    watchdog_log::warning("cannot write the overlap lock " + lock_path.string());
  return std::nullopt;  // fd stays open: the lock ends with the process
}

// `run --detach`: a watchdog that ended for good tells the next `run --detach` not to start.
void leave_final_marker(const StateStore& store, const Service& service,
                        const SupervisorSnapshot& snapshot, bool stop_requested, int code) {
  const auto reason = final_marker_reason(to_string(snapshot.state), stop_requested);
  if (!reason || store.file().empty()) return;
  FinalMarker marker;
  marker.reason = *reason;
  marker.exit_code = code;
  if (snapshot.last_exit) marker.last_exit = snapshot.last_exit->describe();
  marker.at = format_rfc3339(std::chrono::system_clock::now());
  marker.boot_id = current_boot_id();
  marker.manifest = service.manifest_path;
  marker.manifest_digest = manifest_file_digest(service.manifest_path);
  if (auto error = write_final_marker(store.directory(), marker); !error.empty()) {
    watchdog_log::warning(error + "; the crontab's next `run --detach` starts it again");
    return;
  }
  watchdog_log::info("final state written to " + (store.directory() / kFinalMarkerName).string() +
                     ": `run --detach` does not start " + service.name +
                     " again until `daemonize start " + service.name +
                     "`, a changed manifest or a reboot");
}

// The POSIX platform of the one loop (supervisor_driver.hpp): Asio waits for the signals and the
// timer, process groups and /proc carry out the actions.
class PosixWatchdog final : public WatchdogPlatform {
 public:
  PosixWatchdog(const Service& service, LaunchPlan plan, StateStore& store,
                std::optional<HealthTarget> health_target)
      : service_(service),
        plan_(std::move(plan)),
        store_(store),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        timer_(io_),
        hook_timer_(io_),
        watchdog_timer_(io_),
        memory_timer_(io_),
        self_(::getpid()),
        driver_(service, /*health=*/health_target.has_value(), *this, clock_, self_) {
    signals_.add(SIGCHLD);
    signals_.add(SIGUSR1);
    if (health_target && service.health) make_health_monitor(*service.health, *health_target);
    if (service.type == ServiceType::notify) listen_for_notifications();
  }

  int run() {
    output_ = make_child_output(logs_for_child(), io_);  // may throw: the caller maps it to 73
    wait_for_signals();
    // The signal_set handles them now: what arrived during start-up is delivered at once.
    const auto blocked = startup_signals();
    ::pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);
    io_.poll();
    if (driver_.exit_code()) return *driver_.exit_code();  // stopped before the first spawn
    if (auto interval = notifier_.watchdog_interval()) start_watchdog_pings(*interval / 2);
    driver_.dispatch(ev::Start{});
    while (!driver_.exit_code()) {
      io_.run_one();
    }
    return *driver_.exit_code();
  }

  [[nodiscard]] bool stop_requested() const { return stop_requested_; }
  [[nodiscard]] const SupervisorSnapshot& snapshot() const { return driver_.snapshot(); }

 private:
  // The user-scope default "~/.local/state/<name>/log" is relative to the service's HOME (the
  // child's, which follows a user switch), not to the watchdog's working directory.
  [[nodiscard]] LogsConfig logs_for_child() const {
    LogsConfig logs = service_.logs;
    if (logs.directory.rfind("~/", 0) == 0) {
      const auto home = plan_.environment.find("HOME");
      if (home == plan_.environment.end() || home->second.empty()) {
        throw std::runtime_error("logs.directory '" + logs.directory +
                                 "' starts with ~/ but HOME is not set");
      }
      logs.directory = home->second + logs.directory.substr(1);
    }
    return logs;
  }

  // [health]: probes run while the supervisor is `running`; their verdicts go to the driver.
  void make_health_monitor(const HealthConfig& config, const HealthTarget& target) {
    auto probe = make_health_probe(io_, target, [this](int pid) { aux_pids_.insert(pid); });
    HealthMonitor::Callbacks callbacks;
    callbacks.ready = [this] { driver_.health_ready(health_generation_); };
    callbacks.unhealthy = [this](const std::string&) {
      driver_.health_unhealthy(health_generation_);
    };
    callbacks.failed = [](const std::string& message, bool counted) {
      if (counted) {
        watchdog_log::warning(message);
      } else {
        watchdog_log::info(message);
      }
    };
    health_ = std::make_unique<HealthMonitor>(io_, config, std::move(probe), std::move(callbacks));
  }

  // [service] type = "notify": the program gets a NOTIFY_SOCKET of its own (the watchdog's, from
  // systemd, is never passed on); only datagrams from the service's processes count.
  void listen_for_notifications() {
    notify_socket_ = std::make_unique<posix::NotifySocket>(io_, self_);  // may throw: 73
    plan_.environment["NOTIFY_SOCKET"] = notify_socket_->address();
    notify_socket_->listen([this](const posix::NotifySocket::Datagram& datagram) {
      if (!is_service_process(datagram.sender)) {
        watchdog_log::warning("ignored a notification from pid " + std::to_string(datagram.sender) +
                              ", which is not a process of the service");
        return;
      }
      const auto message = parse_notify_message(datagram.text);
      if (message.status) {
        watchdog_log::debug("program status: " + *message.status);
        notifier_.send("STATUS=" + *message.status);
      }
      if (message.main_pid) {
        if (is_service_process(*message.main_pid)) {
          driver_.dispatch(ev::MainPidFound{*message.main_pid});
        } else {
          watchdog_log::warning("ignored MAINPID=" + std::to_string(*message.main_pid) +
                                ": not a process of the service");
        }
      }
      if (message.ready) driver_.dispatch(ev::ProgramReady{});
    });
  }

  [[nodiscard]] bool is_service_process(int pid) const {
    if (pid <= 0) return false;
    return pid == main_pid_ || posix::is_descendant_since(self_, pid, launcher_ticks_);
  }

  void wait_for_signals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      switch (signal) {
        case SIGCHLD:
          on_child_signal();
          break;
        case SIGTERM:
          stop_requested_ = true;
          driver_.dispatch(ev::StopRequested{"SIGTERM"});
          break;
        case SIGINT:
          stop_requested_ = true;
          driver_.dispatch(ev::StopRequested{"SIGINT"});
          break;
        case SIGHUP:
          driver_.dispatch(ev::ReloadRequested{});
          break;
        case SIGUSR1:
          output_->reopen();
          break;
        default:
          break;
      }
      if (!driver_.exit_code()) wait_for_signals();
    });
  }

  void start_watchdog_pings(std::chrono::microseconds period) {
    watchdog_timer_.expires_after(period);
    watchdog_timer_.async_wait([this, period](const boost::system::error_code& ec) {
      if (ec || driver_.exit_code()) return;
      notifier_.send("WATCHDOG=1");
      start_watchdog_pings(period);
    });
  }

  bool tree_is_empty(bool none_left) const {
    if (none_left) return true;
    // Children other than probes (issue 8 registers those in aux_pids_) keep the tree alive.
    return !aux_pids_.empty() && !posix::has_children(self_, aux_pids_);
  }

  static ExitStatus exit_status_of(int wait_status) {
    return WIFSIGNALED(wait_status) ? ExitStatus::signaled(WTERMSIG(wait_status))
                                    : ExitStatus::exited(WEXITSTATUS(wait_status));
  }

  void on_child_signal() {
    bool none_left = false;
    std::optional<int> main_status;
    std::optional<ev::HookFinished> hook_finished;
    for (const auto& reaped : posix::reap_all(none_left)) {
      if (reaped.pid == main_pid_) {
        main_status = reaped.wait_status;
      } else if (reaped.pid == hook_pid_) {
        aux_pids_.erase(reaped.pid);
        hook_finished = hook_ended(reaped.wait_status);
      } else if (aux_pids_.erase(reaped.pid) > 0) {
        if (health_) health_->probe().child_reaped(reaped.pid, reaped.wait_status);
      } else {
        watchdog_log::debug("reaped adopted descendant pid " + std::to_string(reaped.pid));
        remember_stray(reaped);
      }
    }
    const bool empty = tree_is_empty(none_left);
    if (main_status) {
      main_exited(*main_status, empty);
    } else if (main_pid_ == 0 && empty && driver_.state() == SupervisorState::stopping) {
      driver_.dispatch(ev::TreeEmpty{});
    }
    if (hook_finished && hook_finished->id != 0) driver_.dispatch(*hook_finished);
  }

  // ---- [hooks] ---------------------------------------------------------------------------------
  // A hook is started like the program (posix::spawn_child: its own process group, the service's
  // environment, user, working directory, limits) with its stdout and stderr on the program's
  // stderr log; it is a child of the watchdog, reaped by on_child_signal().

  void run_hook(std::uint64_t id, HookPhase phase, std::size_t index, Duration timeout) override {
    cancel_hook();
    const auto& hook = plan_.hooks.of(phase)[index];
    const std::string name =
        "hooks." + std::string(to_string(phase)) + "[" + std::to_string(index) + "]";
    LaunchPlan plan = plan_;
    plan.executable = hook.argv.front();
    plan.argv = hook.argv;
    ChildStdio stdio;
    std::string error = output_->open_for_spawn(stdio);
    stdio.stdout_fd = stdio.stderr_fd;
    posix::SpawnOutcome outcome;
    if (error.empty()) {
      outcome = posix::spawn_child(plan, stdio);
      error = outcome.error;
    } else {
      error = "cannot open output: " + error;
    }
    output_->child_spawned();
    if (outcome.pid <= 0) {
      watchdog_log::warning(name + ": cannot run " + plan.executable + ": " + error);
      asio::post(io_, [this, id] {
        driver_.dispatch(ev::HookFinished{id, ExitStatus::spawn_failed(), false});
      });
      return;
    }
    watchdog_log::info(name + ": started " + plan.executable + " (pid " +
                       std::to_string(outcome.pid) + ")");
    hook_pid_ = outcome.pid;
    hook_id_ = id;
    hook_timed_out_ = false;
    aux_pids_.insert(outcome.pid);
    const auto generation = ++hook_generation_;
    hook_timer_.expires_after(timeout);
    hook_timer_.async_wait([this, generation, name](const boost::system::error_code& ec) {
      if (ec || generation != hook_generation_ || hook_pid_ == 0) return;
      hook_timed_out_ = true;
      watchdog_log::warning(name + ": timed out; killing its process group");
      kill_hook_group();
    });
  }

  void cancel_hook() override {
    if (hook_pid_ == 0) return;
    kill_hook_group();
    hook_id_ = 0;  // still reaped, but no longer reported
  }

  void kill_hook_group() const {
    ::kill(-hook_pid_, SIGKILL);
    ::kill(hook_pid_, SIGKILL);
  }

  // The hook was reaped: what it left in its process group goes with it.
  ev::HookFinished hook_ended(int wait_status) {
    ::kill(-hook_pid_, SIGKILL);
    ++hook_generation_;
    hook_timer_.cancel();
    const ev::HookFinished finished{hook_id_, exit_status_of(wait_status), hook_timed_out_};
    hook_pid_ = 0;
    hook_id_ = 0;
    return finished;
  }

  void main_exited(int wait_status, bool tree_empty) {
    if (adopted_pid_ != 0 && main_pid_ == adopted_pid_) remove_pid_file();
    main_pid_ = 0;
    driver_.dispatch(ev::ChildExited{exit_status_of(wait_status), tree_empty});
  }

  // forking: a daemon may die before its pid file is read; its exit must not be lost.
  void remember_stray(const posix::Reaped& reaped) {
    if (service_.type != ServiceType::forking) return;
    if (strays_.size() >= 64) strays_.erase(strays_.begin());
    strays_[reaped.pid] = reaped.wait_status;
  }

  PidFileResult read_pid_file() override {
    const auto& path = service_.pid_file;
    std::ifstream in(path);
    if (!in) return {0, "the pid file " + path + " did not appear"};
    std::string text;
    std::getline(in, text, '\0');
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    char* end = nullptr;
    const long pid = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || pid <= 1 || pid > 1L << 22) {
      return {0, "the pid file " + path + " holds no pid ('" + text.substr(0, 32) + "')"};
    }
    const int candidate = static_cast<int>(pid);
    // Reaped already (it died at once): still ours, its exit is delivered on adoption.
    if (strays_.contains(candidate)) return {candidate, ""};
    if (!posix::is_descendant_since(self_, candidate, launcher_ticks_)) {
      return {0, "the pid file " + path + " names pid " + text +
                     ", which is not a process the launcher started (a stale pid file?)"};
    }
    return {candidate, ""};
  }

  // forking: the daemon is gone, so is its pid file (as systemd removes PIDFile=): a later start
  // must not find the stale pid, and the file does not outlive the service.
  void remove_pid_file() {
    adopted_pid_ = 0;
    std::error_code ec;
    if (std::filesystem::remove(service_.pid_file, ec)) {
      watchdog_log::info("removed the pid file " + service_.pid_file);
    } else if (ec) {
      watchdog_log::warning("cannot remove the pid file " + service_.pid_file + ": " +
                            ec.message());
    }
  }

  void adopt_main(int pid) override {
    main_pid_ = pid;
    adopted_pid_ = pid;
    if (auto stray = strays_.find(pid); stray != strays_.end()) {
      const int wait_status = stray->second;
      strays_.erase(stray);
      asio::post(io_, [this, pid, wait_status] {
        if (main_pid_ == pid)
          main_exited(wait_status, tree_is_empty(!posix::has_children(self_, {})));
      });
    }
  }

  SpawnResult spawn_child() override {
    ChildStdio stdio;
    if (auto error = output_->open_for_spawn(stdio); !error.empty()) {
      output_->child_spawned();
      return {0, 0, "cannot open output: " + error};
    }
    const auto outcome = posix::spawn_child(plan_, stdio);
    output_->child_spawned();
    if (outcome.pid <= 0) return {0, 0, plan_.executable + ": " + outcome.error};
    main_pid_ = outcome.pid;
    adopted_pid_ = 0;
    launcher_ticks_ = posix::process_start_ticks(outcome.pid).value_or(0);
    strays_.clear();
    if (!startup_memory_released_) {
      startup_memory_released_ = true;
      // A second later, when the start-up and the first spawn's code has run: released at once,
      // most of it was faulted back in before the loop went idle (measured by bench/watchdog).
      memory_timer_.expires_after(std::chrono::seconds(1));
      memory_timer_.async_wait([](const boost::system::error_code& error) {
        if (!error) posix::release_startup_memory();
      });
    }
    return {outcome.pid, launcher_ticks_, ""};
  }

  void signal_tree(Signal signal, int process_group) override {
    const int count =
        posix::signal_tree(self_, process_group, posix_signal_number(signal), aux_pids_);
    watchdog_log::info("sent " + std::string(to_string(signal)) + " to " + std::to_string(count) +
                       " processes");
    // Nothing was left to receive it (e.g. everything died already): the tree may be empty.
    if (main_pid_ == 0 && count == 0) asio::post(io_, [this] { on_child_signal(); });
  }

  void signal_main_child(Signal signal) override {
    if (main_pid_ > 0) ::kill(main_pid_, posix_signal_number(signal));
  }

  // stop.kill = "main": the rest of the tree is left running; "mixed": it is killed later.
  void stop_main_child(Signal signal) override {
    if (main_pid_ <= 0) return;
    ::kill(main_pid_, posix_signal_number(signal));
    watchdog_log::info("sent " + std::string(to_string(signal)) + " to the main process (pid " +
                       std::to_string(main_pid_) + ") only (stop.kill = \"" +
                       to_string(service_.stop.kill) + "\")");
  }

  void kill_main_child() override {
    if (main_pid_ <= 0) return;
    ::kill(main_pid_, SIGKILL);
    watchdog_log::warning("killed the main process (pid " + std::to_string(main_pid_) + ")");
  }

  void kill_tree(int process_group) override {
    const int count = posix::kill_tree(self_, process_group, aux_pids_);
    watchdog_log::warning("killed " + std::to_string(count) + " leftover processes");
    asio::post(io_, [this] { on_child_signal(); });
  }

  void start_timer(Duration after) override {
    const auto generation = ++timer_generation_;
    timer_.expires_after(after);
    timer_.async_wait([this, generation](const boost::system::error_code& ec) {
      if (ec || generation != timer_generation_) return;
      driver_.dispatch(ev::TimerExpired{});
    });
  }

  void cancel_timer() override {
    ++timer_generation_;
    timer_.cancel();
  }

  void notify_ready() override { notifier_.send("READY=1"); }
  void notify_status(const std::string& text) override { notifier_.send("STATUS=" + text); }
  void notify_stopping() override { notifier_.send("STOPPING=1"); }

  void start_health(std::uint64_t generation) override {
    health_generation_ = generation;
    health_->start();
  }
  void stop_health() override { health_->stop(); }

  void write_state(const StateRecord& record) override { store_.write(record); }
  void exiting(int) override { io_.stop(); }

  const Service& service_;
  LaunchPlan plan_;
  StateStore& store_;
  SystemSupervisorClock clock_;
  ServiceManagerNotifier notifier_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer timer_;
  asio::steady_timer hook_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer memory_timer_;  // fires once, after the first spawn
  std::unique_ptr<ChildOutput> output_;
  std::unique_ptr<HealthMonitor> health_;  // after io_: its timer and sockets use it
  std::uint64_t health_generation_ = 0;    // of the child being probed
  const int self_;
  int main_pid_ = 0;
  int adopted_pid_ = 0;        // forking: the daemon read from pid_file, 0 when none
  int hook_pid_ = 0;           // the running hook, 0 when none
  std::uint64_t hook_id_ = 0;  // its RunHook id; 0 once cancelled
  std::uint64_t hook_generation_ = 0;
  bool hook_timed_out_ = false;
  std::uint64_t timer_generation_ = 0;
  std::set<int> aux_pids_;
  std::uint64_t launcher_ticks_ = 0;  // start ticks of the last spawned child
  std::map<int, int> strays_;         // forking: reaped non-main pids -> wait status
  std::unique_ptr<posix::NotifySocket> notify_socket_;  // type = "notify" only
  bool startup_memory_released_ = false;
  bool stop_requested_ = false;  // SIGTERM/SIGINT arrived
  SupervisorDriver driver_;      // last: it calls back into everything above
};

}  // namespace

// Console control events exist only on Windows.
int run_console_ctrl_helper(unsigned, bool) { return exit_code::usage; }

void hold_stop_signals() {
  const auto set = startup_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void release_stop_signals() {
  const auto set = startup_signals();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int run_watchdog(const RunOptions& options) {
  const auto blocked = startup_signals();
  ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  watchdog_log::initialize("daemonize");
  // A vanished notify socket or log reader must not kill the watchdog.
  if (::signal(SIGPIPE, SIG_IGN) == SIG_ERR) watchdog_log::warning("cannot ignore SIGPIPE");

  const auto loaded = load_manifest_file(options.manifest_path, host_os());
  for (const auto& diagnostic : loaded.diagnostics)
    std::cerr << format_diagnostic(diagnostic) << '\n';
  if (loaded.file_unreadable) return exit_code::no_input;
  if (!loaded.service) return exit_code::data_error;
  const Service& service = *loaded.service;
  watchdog_log::set_service_name(service.name);
  if (stopped_during_startup("while the manifest loaded")) return exit_code::success;

  auto startup = prepare_launch(service, current_environment(), system_host());
  if (!startup.plan) {
    for (const auto& problem : startup.problems) std::cerr << problem.message << '\n';
    return startup.exit_code();
  }
  if (stopped_during_startup("while the environment was built")) return exit_code::success;

  if (const auto skipped = take_schedule_lock(service)) return *skipped;

  StateStore store;
  if (auto error = store.open(service.name); !error.empty()) {
    std::cerr << "daemonize: " << error << '\n';
    return exit_code::unavailable;
  }
  // stop.kill = "main": what the previous program started is not ours to stop.
  if (auto previous = store.read_previous(); previous && service.stop.kill != KillScope::main)
    kill_previous_generation(*previous);
  if (stopped_during_startup("during start-up")) return exit_code::success;

  if (!posix::become_child_subreaper()) {
    watchdog_log::warning(std::string("prctl(PR_SET_CHILD_SUBREAPER) failed: ") +
                          std::strerror(errno) + "; double-forked descendants escape the stop");
  }

  // [directories]: made here unless systemd made them (RuntimeDirectory= etc. in the unit).
  std::vector<ServiceDirectory> directories;
  if (auto resolved = resolve_service_directories(service, environment_value);
      !service.directories.empty() &&
      !directories_made_by_service_manager(resolved.directories, environment_value)) {
    if (!resolved.problems.empty()) {
      for (const auto& problem : resolved.problems) std::cerr << problem << '\n';
      return exit_code::config_error;
    }
    std::optional<DirectoryOwner> owner;
    if (startup.plan->user)
      owner = DirectoryOwner{startup.plan->user->uid, startup.plan->user->gid};
    if (auto error = create_service_directories(resolved.directories, service.directories.mode,
                                                owner, system_directory_operations());
        !error.empty()) {
      std::cerr << error << '\n';
      return exit_code::cannot_create;
    }
    for (auto& [name, value] : directory_environment(resolved.directories)) {
      startup.plan->environment[name] = value;
    }
    directories = std::move(resolved.directories);
  }
  // Runtime directories go when the watchdog ends, as systemd removes RuntimeDirectory= at stop.
  struct RuntimeDirectoryCleanup {
    const std::vector<ServiceDirectory>& directories;
    ~RuntimeDirectoryCleanup() {
      for (const auto& warning :
           remove_runtime_directories(directories, system_directory_operations())) {
        watchdog_log::warning(warning);
      }
    }
  } cleanup{directories};

  std::optional<HealthTarget> health_target;
  if (service.health) {
    auto resolved = resolve_health_target(*service.health, startup.plan->environment);
    if (auto* problem = std::get_if<std::string>(&resolved)) {
      std::cerr << "daemonize: " << *problem << '\n';
      return exit_code::config_error;
    }
    health_target = std::move(std::get<HealthTarget>(resolved));
  }

  try {
    PosixWatchdog loop(service, std::move(*startup.plan), store, std::move(health_target));
    const int code = loop.run();
    if (options.detached)
      leave_final_marker(store, service, loop.snapshot(), loop.stop_requested(), code);
    return code;
  } catch (const std::runtime_error& error) {
    std::cerr << "daemonize: " << error.what() << '\n';
    // The usual cause: a normal user running a manifest meant for a system service.
    if (::geteuid() != 0 && service.scope == Scope::system) {
      std::cerr << "daemonize: hint: as a normal user, set scope = \"user\" in [service] (logs "
                   "then go under your home), or run it as root\n";
    }
    return exit_code::cannot_create;
  }
}

}  // namespace daemonize
