// `daemonize run FILE [--service]` on Windows: the one loop of supervisor_driver.hpp with a
// WaitForMultipleObjects platform (stop event, child process handle, the supervisor's one timer,
// the [health] results). The child runs in a Job Object, its output goes through pipes into the
// rotating log writers (windows_child_output.hpp); the stop goes through StopSequence (Ctrl+C,
// WM_CLOSE, WM_QUIT, then TerminateJobObject); with --service the loop is the body of the SCM
// service host (windows_service_host.cpp) and its phases become SERVICE_STATUS reports. Also the
// Windows HostQueries of prepare_launch().
#include <windows.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cwchar>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemonize/core/command_line_quoting.hpp"
#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/core/supervisor.hpp"
#include "daemonize/core/windows_text.hpp"
#include "daemonize/watchdog/health_probe.hpp"
#include "daemonize/watchdog/launch_plan.hpp"
#include "daemonize/watchdog/run.hpp"
#include "daemonize/watchdog/service_directories.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "daemonize/watchdog/supervisor_driver.hpp"
#include "logging.hpp"
#include "windows_child_output.hpp"
#include "windows_health.hpp"
#include "windows_runtime.hpp"

namespace daemonize {
namespace {

namespace ev = supervisor_event;
using windows::narrow;
using windows::to_path;
using windows::UniqueHandle;
using windows::widen;

// prepare_launch() requires a POSIX absolute command (leading '/'). Until it asks the host what
// "absolute" means, a Windows command goes through it with a '/' in front, which the host and
// the caller take off again (kPosixMarker).
constexpr char kPosixMarker = '/';

std::string without_marker(const std::string& path) {
  if (path.size() > 1 && path.front() == kPosixMarker &&
      windows::is_absolute_windows_path(std::string_view(path).substr(1)))
    return path.substr(1);
  return path;
}

DWORD attributes_of(const std::string& path) {
  return GetFileAttributesW(widen(without_marker(path)).c_str());
}

class WindowsHost final : public HostQueries {
 public:
  HostResult<std::string> read_file(const std::string& path) const override {
    std::ifstream in(to_path(path), std::ios::binary);
    if (!in) return windows_text::windows_error("open", path, GetLastError());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string executable_problem(const std::string& path) const override {
    const DWORD attributes = attributes_of(path);
    if (attributes == INVALID_FILE_ATTRIBUTES) return windows::last_error_text();
    if (attributes & FILE_ATTRIBUTE_DIRECTORY) return "is a directory";
    return "";
  }
  bool is_directory(const std::string& path) const override {
    const DWORD attributes = attributes_of(path);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
  }
  // The SCM (obj=) or Task Scheduler runs the watchdog as the service account; the watchdog
  // never switches accounts on Windows, so every user "is" the current one.
  std::optional<UserAccount> find_user(const std::string& name) const override {
    return UserAccount{name, 0, 0, "", ""};
  }
  std::optional<unsigned> find_group(const std::string&) const override { return 0U; }
  std::vector<unsigned> supplementary_groups(const UserAccount&, unsigned) const override {
    return {};
  }
  unsigned effective_uid() const override { return 0; }
};

// The Windows default log directory is "%ProgramData%\<name>\logs" (also the fallback for a POSIX
// logs.directory): a variable of the service's environment that nothing else expands.
std::string expand_environment_strings(const std::string& text) {
  if (text.find('%') == std::string::npos) return text;
  const std::wstring wide = widen(text);
  const DWORD size = ExpandEnvironmentStringsW(wide.c_str(), nullptr, 0);
  if (size == 0) return text;
  std::wstring expanded(size, L'\0');
  if (ExpandEnvironmentStringsW(wide.c_str(), expanded.data(), size) == 0) return text;
  expanded.resize(wcslen(expanded.c_str()));
  return narrow(expanded);
}

std::filesystem::path program_data() {
  const auto environment = windows::current_environment();
  const auto found = environment.find("ProgramData");
  return to_path(found != environment.end() ? found->second : "C:\\ProgramData");
}

// The Windows platform of the one loop (supervisor_driver.hpp): WaitForMultipleObjects waits
// for the stop event, the child's process handle, the timer deadlines and the [health] results.
class WindowsWatchdog final : public WatchdogPlatform {
 public:
  WindowsWatchdog(const Service& service, LaunchPlan plan, HANDLE stop_event, HANDLE reload_event,
                  windows::ServiceStatusSink* status, std::filesystem::path state_file,
                  const std::optional<HealthTarget>& health_target)
      : service_(service),
        plan_(std::move(plan)),
        stop_event_(stop_event),
        reload_event_(reload_event),
        status_(status),
        state_file_(std::move(state_file)),
        event_log_(service.name),
        driver_(service, /*health=*/health_target.has_value(), *this, clock_,
                static_cast<int>(GetCurrentProcessId())) {
    if (health_target && service.health)
      health_ = std::make_unique<windows::HealthThread>(*service.health, *health_target);
  }

  int run() {
    // May throw (log directory): the caller maps it to 73 like the POSIX watchdog.
    output_ = logs::make_windows_child_output(
        service_.logs, [](const std::string& message) { watchdog_log::warning(message); });
    driver_.dispatch(ev::Start{});
    while (!driver_.exit_code()) wait_once();
    return *driver_.exit_code();
  }

 private:
  void wait_once() {
    using namespace std::chrono;
    HANDLE handles[5] = {stop_event_};
    DWORD count = 1;
    DWORD reload_index = MAXIMUM_WAIT_OBJECTS;
    if (reload_event_) {
      reload_index = count;
      handles[count++] = reload_event_;
    }
    DWORD health_index = MAXIMUM_WAIT_OBJECTS;
    DWORD child_index = MAXIMUM_WAIT_OBJECTS;
    if (health_) {
      health_index = count;
      handles[count++] = health_->event();
    }
    if (child_ && child_->process.valid()) {
      child_index = count;
      handles[count++] = child_->process.get();
    }
    DWORD hook_index = MAXIMUM_WAIT_OBJECTS;
    if (hook_ && hook_->process.valid()) {
      hook_index = count;
      handles[count++] = hook_->process.get();
    }
    milliseconds wait = milliseconds(INFINITE);
    for (const auto& deadline : {timer_deadline_, stop_step_deadline_, hook_deadline_}) {
      if (deadline)
        wait =
            std::min(wait, std::max(milliseconds(0),
                                    duration_cast<milliseconds>(*deadline - steady_clock::now())));
    }
    // Pending SCM states need a moving checkpoint; a stopping tree without its main process is
    // polled until the job is empty.
    if (status_) wait = std::min(wait, milliseconds(1000));
    if (waiting_for_empty_tree()) wait = std::min(wait, milliseconds(100));
    const DWORD result =
        WaitForMultipleObjects(count, handles, FALSE, static_cast<DWORD>(wait.count()));
    if (result == WAIT_OBJECT_0) {
      ResetEvent(stop_event_);
      if (!stop_dispatched_) {
        stop_dispatched_ = true;
        driver_.dispatch(ev::StopRequested{status_ ? "SCM stop" : "console stop"});
      }
    } else if (result == WAIT_OBJECT_0 + reload_index) {
      driver_.dispatch(ev::ReloadRequested{});
    } else if (result == WAIT_OBJECT_0 + health_index) {
      on_health_results();
    } else if (result == WAIT_OBJECT_0 + child_index) {
      on_child_exit();
    } else if (result == WAIT_OBJECT_0 + hook_index) {
      on_hook_exit();
    } else if (result == WAIT_FAILED) {
      watchdog_log::error("WaitForMultipleObjects: " + windows::last_error_text());
      Sleep(100);
    }
    if (status_) status_->tick();
    if (hook_deadline_ && steady_clock::now() >= *hook_deadline_) {
      hook_deadline_.reset();
      hook_timed_out_ = true;
      watchdog_log::warning(hook_name_ + ": timed out; terminating its job");
      if (hook_) TerminateJobObject(hook_->job.get(), 1);
    }
    if (stop_step_deadline_ && steady_clock::now() >= *stop_step_deadline_) advance_stop();
    if (timer_deadline_ && steady_clock::now() >= *timer_deadline_) {
      timer_deadline_.reset();
      driver_.dispatch(ev::TimerExpired{});
    }
    if (waiting_for_empty_tree() && windows::job_process_ids(child_->job.get()).empty()) {
      child_.reset();
      driver_.dispatch(ev::TreeEmpty{});
    }
  }

  [[nodiscard]] bool waiting_for_empty_tree() const {
    return child_ && !child_->process.valid() && driver_.state() == SupervisorState::stopping;
  }

  void on_child_exit() {
    DWORD code = 0;
    GetExitCodeProcess(child_->process.get(), &code);
    child_->process.reset();
    const bool tree_empty = windows::job_process_ids(child_->job.get()).empty();
    if (tree_empty) child_.reset();  // closing a non-empty job would kill what is left
    driver_.dispatch(ev::ChildExited{ExitStatus::exited(static_cast<int>(code)), tree_empty});
  }

  // ---- [hooks] ---------------------------------------------------------------------------------
  // A hook runs like the program (spawn_in_job: a Job Object of its own, the service's
  // environment and working directory) with stdout and stderr into the program's stderr log.

  void on_hook_exit() {
    DWORD code = 1;
    GetExitCodeProcess(hook_->process.get(), &code);
    const auto id = hook_id_;
    const bool timed_out = hook_timed_out_;
    hook_.reset();  // closing the job (KILL_ON_JOB_CLOSE) ends what the hook left behind
    hook_deadline_.reset();
    hook_id_ = 0;
    if (id != 0)
      driver_.dispatch(ev::HookFinished{id, ExitStatus::exited(static_cast<int>(code)), timed_out});
  }

  void run_hook(std::uint64_t id, HookPhase phase, std::size_t index, Duration timeout) override {
    cancel_hook();
    const auto& hook = plan_.hooks.of(phase)[index];
    hook_name_ = "hooks." + std::string(to_string(phase)) + "[" + std::to_string(index) + "]";
    logs::ChildHandles handles;
    std::string error = output_->open_for_spawn(handles);
    std::optional<windows::ChildProcess> child;
    if (error.empty()) {
      windows::SpawnRequest request{hook.argv.front(),     hook.argv,
                                    plan_.environment,     plan_.working_directory,
                                    handles.stderr_handle, handles.stderr_handle,
                                    std::nullopt,          std::nullopt};
      child = windows::spawn_in_job(request, error);
    } else {
      error = "cannot open output: " + error;
    }
    output_->child_spawned();
    if (!child) {
      watchdog_log::warning(hook_name_ + ": cannot run " + hook.argv.front() + ": " + error);
      driver_.dispatch(ev::HookFinished{id, ExitStatus::spawn_failed(), false});
      return;
    }
    watchdog_log::info(hook_name_ + ": started " + hook.argv.front() + " (pid " +
                       std::to_string(child->pid) + ")");
    hook_ = std::move(child);
    hook_id_ = id;
    hook_timed_out_ = false;
    hook_deadline_ = std::chrono::steady_clock::now() + timeout;
  }

  void cancel_hook() override {
    if (!hook_) return;
    TerminateJobObject(hook_->job.get(), 1);
    hook_.reset();
    hook_deadline_.reset();
    hook_id_ = 0;
  }

  // stop.kill = "main" is not kept apart on Windows: the program's Job Object (KILL_ON_JOB_CLOSE)
  // holds everything it started, so the stop goes to the job as for "group" (validate warns).
  // "mixed": the stop steps reach the main process only (Ctrl+C reaches its whole console);
  // the supervisor then ends the job (KillTree).
  void stop_main_child(Signal signal) override {
    stop_main_only_ = service_.stop.kill == KillScope::mixed;
    start_stop_sequence(signal);
  }
  void kill_main_child() override { kill_tree(0); }

  void on_health_results() {
    for (const auto& result : health_->take_results()) {
      if (result.kind == windows::HealthThread::Result::Kind::ready) {
        driver_.health_ready(result.generation);
      } else {
        driver_.health_unhealthy(result.generation);
      }
    }
  }

  SpawnResult spawn_child() override {
    logs::ChildHandles handles;
    if (auto error = output_->open_for_spawn(handles); !error.empty()) {
      output_->child_spawned();
      return {0, 0, "cannot open output: " + error};
    }
    windows::SpawnRequest request{plan_.executable,       plan_.argv,
                                  plan_.environment,      plan_.working_directory,
                                  handles.stdout_handle,  handles.stderr_handle,
                                  service_.limits.memory, service_.limits.cpu};
    std::string error;
    auto child = windows::spawn_in_job(request, error);
    output_->child_spawned();
    if (!child) return {0, 0, plan_.executable + ": " + error};
    if (!error.empty()) watchdog_log::warning(error);
    child_ = std::move(child);
    stop_sequence_.reset();  // a stop of the previous child is over
    stop_step_deadline_.reset();
    return {static_cast<int>(child_->pid), windows::process_creation_ticks(child_->process.get()),
            ""};
  }

  // The stop sequence starts; its later steps run from wait_once() at stop_step_deadline_.
  void signal_tree(Signal signal, int /*process_group: the job holds the tree*/) override {
    stop_main_only_ = false;
    start_stop_sequence(signal);
  }

  void start_stop_sequence(Signal signal) {
    if (!child_) return;
    stop_sequence_.emplace(signal, service_.stop.timeout);
    stop_started_ = std::chrono::steady_clock::now();
    advance_stop();
  }

  void advance_stop() {
    stop_step_deadline_.reset();
    if (!child_ || !stop_sequence_) return;
    windows::JobStopControl control(*child_, stop_main_only_);
    const auto elapsed =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - stop_started_);
    const auto progress = stop_sequence_->advance(elapsed, control);
    for (const auto& line : progress.log) watchdog_log::info(line);
    if (progress.next_at) stop_step_deadline_ = stop_started_ + *progress.next_at;
  }

  void signal_main_child(Signal) override {
    watchdog_log::warning("reload: Windows has no signal to deliver (reload.signal is ignored)");
  }

  void kill_tree(int /*process_group*/) override {
    stop_step_deadline_.reset();
    if (!child_) return;
    windows::JobStopControl control(*child_);
    // stop.timeout expired, or stop.signal is KILL (the Supervisor logged which).
    const auto result = control.perform(windows::StopStep::terminate_job);
    (result.reached ? watchdog_log::warning
                    : watchdog_log::error)("stop: TerminateJobObject: " + result.detail);
  }

  void start_timer(Duration after) override {
    timer_deadline_ = std::chrono::steady_clock::now() + after;
  }
  void cancel_timer() override { timer_deadline_.reset(); }

  void notify_ready() override {
    if (status_) status_->running();
    event_log_.info("daemonize: " + service_.name + " started " + plan_.executable + " (pid " +
                    std::to_string(child_ ? child_->pid : 0) + ")");
  }
  void notify_status(const std::string& text) override { watchdog_log::debug("status: " + text); }
  void notify_stopping() override {
    if (status_) status_->stopping();
  }

  void start_health(std::uint64_t generation) override { health_->start(generation); }
  void stop_health() override { health_->stop(); }

  // The loader refuses type = "forking" and "notify" on Windows: no pid files to adopt from, no
  // sd_notify. Never called.
  PidFileResult read_pid_file() override {
    return {0, "type = \"forking\" is not supported on Windows"};
  }
  void adopt_main(int /*pid*/) override {}

  void write_state(const StateRecord& record) override {
    if (state_file_.empty()) return;
    if (auto ec = write_state_file(state_file_, record); ec && !state_write_failed_) {
      state_write_failed_ = true;
      watchdog_log::warning("cannot write state file " + narrow(state_file_.wstring()) + ": " +
                            ec.message());
    }
  }

  void exiting(int code) override {
    if (code == exit_code::temp_fail) {
      event_log_.error("daemonize: " + service_.name + " gave up after too many restarts (exit " +
                       std::to_string(code) + ")");
    } else {
      event_log_.info("daemonize: " + service_.name + " stopped (exit " + std::to_string(code) +
                      ")");
    }
  }

  const Service& service_;
  LaunchPlan plan_;
  HANDLE stop_event_;
  HANDLE reload_event_;  // null in a console run: nothing sends it there
  windows::ServiceStatusSink* status_;
  std::filesystem::path state_file_;
  SystemSupervisorClock clock_;
  // Destroyed after child_ (whose job closes with it): the readers then reach end of file.
  std::unique_ptr<logs::WindowsChildOutput> output_;
  std::unique_ptr<windows::HealthThread> health_;
  windows::EventLog event_log_;
  std::optional<windows::ChildProcess> child_;
  std::optional<windows::ChildProcess> hook_;  // the running hook
  std::uint64_t hook_id_ = 0;
  bool hook_timed_out_ = false;
  std::string hook_name_;
  std::optional<std::chrono::steady_clock::time_point> hook_deadline_;
  std::optional<std::chrono::steady_clock::time_point> timer_deadline_;
  std::optional<windows::StopSequence> stop_sequence_;  // the stop of the current child
  bool stop_main_only_ = false;  // stop.kill = "mixed": the steps reach the main process only
  std::chrono::steady_clock::time_point stop_started_{};
  std::optional<std::chrono::steady_clock::time_point> stop_step_deadline_;
  bool stop_dispatched_ = false;
  bool state_write_failed_ = false;
  SupervisorDriver driver_;  // last: it calls back into everything above
};

// Console runs (`daemonize run FILE` in a terminal): Ctrl-C, Ctrl-Break and closing the
// window stop the service like the SCM's STOP does.
HANDLE g_console_stop_event = nullptr;
BOOL WINAPI console_stop_handler(DWORD) {
  if (g_console_stop_event) SetEvent(g_console_stop_event);
  return TRUE;
}

// Everything before the loop, shared by console and service runs. Returns the loop's exit code.
int run_loaded(const Service& service, HANDLE stop_event, HANDLE reload_event,
               windows::ServiceStatusSink* status) {
  auto launch_service = service;
  if (windows::is_absolute_windows_path(launch_service.command))
    launch_service.command.insert(launch_service.command.begin(), kPosixMarker);
  static const WindowsHost host;
  auto startup = prepare_launch(launch_service, windows::current_environment(), host);
  if (!startup.plan) {
    for (const auto& problem : startup.problems) {
      std::cerr << problem.message << '\n';
      watchdog_log::error(problem.message);
    }
    return startup.exit_code();
  }
  LaunchPlan plan = std::move(*startup.plan);
  plan.executable = without_marker(plan.executable);
  if (!plan.argv.empty()) plan.argv.front() = plan.executable;
  if (!service.user.empty())
    watchdog_log::notice(
        "service.user is not switched to on Windows: the SCM account (obj=) "
        "runs the watchdog and its child");
  std::optional<HealthTarget> health_target;
  if (service.health) {
    auto resolved = resolve_health_target(*service.health, plan.environment);
    if (auto* problem = std::get_if<std::string>(&resolved)) {
      std::cerr << "daemonize: " << *problem << '\n';
      watchdog_log::error(*problem);
      return exit_code::config_error;
    }
    health_target = std::move(std::get<HealthTarget>(resolved));
    // exec: CreateProcessW takes one command line (found on PATH like posix_spawnp's argv[0]).
    if (health_target->kind == HealthCheckKind::exec && !health_target->argv.empty())
      health_target->command_line = windows::command_line(
          health_target->argv.front(),
          std::vector<std::string>(health_target->argv.begin() + 1, health_target->argv.end()));
  }
  // A watchdog started with Ctrl+C disabled (its parent's CREATE_NEW_PROCESS_GROUP) would pass
  // that on to the child, which then could not be stopped with Ctrl+C.
  SetConsoleCtrlHandler(nullptr, FALSE);

  // One watchdog per service: a named mutex (released by the system if the watchdog dies).
  const std::wstring mutex_name = widen("Global\\daemonize-watchdog-" + service.name);
  UniqueHandle instance(CreateMutexW(nullptr, TRUE, mutex_name.c_str()));
  if (instance.valid() && GetLastError() == ERROR_ALREADY_EXISTS) {
    std::cerr << "daemonize: another watchdog is already running " << service.name << '\n';
    return exit_code::unavailable;
  }

  // [directories]: %ProgramData%\<name> (user scope %LOCALAPPDATA%\<name>); the runtime ones
  // are removed when the watchdog ends.
  std::vector<ServiceDirectory> directories;
  if (!service.directories.empty()) {
    const auto environment = windows::current_environment();
    const EnvironmentLookup lookup = [&environment](const std::string& name) {
      for (const auto& [key, value] : environment) {  // Windows names ignore case
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a)) ==
                     std::tolower(static_cast<unsigned char>(b));
            }))
          return std::optional<std::string>(value);
      }
      return std::optional<std::string>();
    };
    auto resolved = resolve_service_directories(service, lookup);
    for (const auto& problem : resolved.problems) std::cerr << problem << '\n';
    if (!resolved.problems.empty()) return exit_code::config_error;
    if (auto error = create_service_directories(resolved.directories, service.directories.mode,
                                                std::nullopt, system_directory_operations());
        !error.empty()) {
      std::cerr << error << '\n';
      watchdog_log::error(error);
      return exit_code::cannot_create;
    }
    for (auto& [name, value] : directory_environment(resolved.directories, ';')) {
      plan.environment[name] = value;
    }
    directories = std::move(resolved.directories);
  }
  struct RuntimeDirectoryCleanup {
    const std::vector<ServiceDirectory>& directories;
    ~RuntimeDirectoryCleanup() {
      for (const auto& warning :
           remove_runtime_directories(directories, system_directory_operations())) {
        watchdog_log::warning(warning);
      }
    }
  } cleanup{directories};

  std::filesystem::path state_file;
  // A user-scope watchdog (a task of that user) keeps its state in the user's
  // %LOCALAPPDATA%\daemonize, like its manifest: nothing machine-wide.
  const auto directory =
      (service.scope == Scope::user
           ? to_path(expand_environment_strings(windows_data_directory(Scope::user)))
           : program_data() / L"daemonize") /
      widen(service.name);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    watchdog_log::warning("cannot create state directory " + narrow(directory.wstring()) + ": " +
                          ec.message() + "; running without a state file");
  } else {
    state_file = directory / kStateFileName;
    watchdog_log::info("state file " + narrow(state_file.wstring()));
  }
  try {
    WindowsWatchdog loop(service, std::move(plan), stop_event, reload_event, status, state_file,
                         health_target);
    return loop.run();
  } catch (const std::runtime_error& error) {
    std::cerr << "daemonize: " << error.what() << '\n';
    watchdog_log::error(error.what());
    return exit_code::cannot_create;
  }
}

}  // namespace

int run_watchdog(const RunOptions& options) {
  const bool as_service = options.service;
  auto loaded = load_manifest_file(options.manifest_path, host_os());
  if (loaded.service)
    loaded.service->logs.directory = expand_environment_strings(loaded.service->logs.directory);
  if (as_service && loaded.service) {
    // Under the SCM stderr goes nowhere: the watchdog's own log lands beside the child's.
    std::error_code ec;
    const auto directory = to_path(loaded.service->logs.directory);
    std::filesystem::create_directories(directory, ec);
    // A service process has no standard handles: std::cerr (where the watchdog's log lines
    // go) is pointed at the file itself.
    static std::ofstream watchdog_log_file;
    if (!ec) watchdog_log_file.open(directory / L"daemonize-watchdog.log", std::ios::app);
    if (watchdog_log_file.is_open()) std::cerr.rdbuf(watchdog_log_file.rdbuf());
  }
  watchdog_log::initialize("daemonize");
  for (const auto& diagnostic : loaded.diagnostics)
    std::cerr << format_diagnostic(diagnostic) << '\n';
  std::optional<int> early_exit;
  if (loaded.file_unreadable) {
    early_exit = exit_code::no_input;
  } else if (!loaded.service) {
    early_exit = exit_code::data_error;
  } else if (auto problem = service_type_problem(loaded.service->type, TargetOs::windows)) {
    std::cerr << "daemonize: " << *problem << '\n';
    early_exit = exit_code::config_error;
  } else {
    watchdog_log::set_service_name(loaded.service->name);
    // "infinity" is bounded on Windows (the SCM's wait hints), for every step of the stop.
    loaded.service->stop.timeout = windows::stop_timeout(loaded.service->stop.timeout);
  }

  if (as_service) {
    // Even a manifest that cannot be used goes through the dispatcher: the SCM then sees
    // STOPPED with the exit code (65, 66, 78...) instead of a host that never answered (1053).
    const Duration stop_timeout = loaded.service ? loaded.service->stop.timeout : Duration(0);
    return windows::run_service_host(stop_timeout, [&](HANDLE stop_event, HANDLE reload_event,
                                                       windows::ServiceStatusSink& sink) {
      if (early_exit) return *early_exit;
      return run_loaded(*loaded.service, stop_event, reload_event, &sink);
    });
  }
  if (early_exit) return *early_exit;
  const Service& service = *loaded.service;
  UniqueHandle stop_event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  g_console_stop_event = stop_event.get();
  SetConsoleCtrlHandler(console_stop_handler, TRUE);
  return run_loaded(service, stop_event.get(), nullptr, nullptr);
}

// Windows has no signals to hold: the SCM's stop arrives through the service host's handler.
void hold_stop_signals() {}
void release_stop_signals() {}

int run_console_ctrl_helper(unsigned pid, bool ctrl_break) {
  return windows::console_ctrl_helper(static_cast<DWORD>(pid), ctrl_break);
}

}  // namespace daemonize
