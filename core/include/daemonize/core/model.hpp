// The normalized service model: one manifest after parsing, per-OS merge and defaults.
// Every field already holds its default; renderers and the watchdog never re-apply defaults.
// String fields that allow interpolation keep their raw `${...}` text; use
// daemonize/core/interpolation.hpp to parse or resolve them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daemonize {

using Duration = std::chrono::milliseconds;

// stop.timeout = "infinity": never escalate to the kill (systemd's TimeoutStopSec=infinity).
inline constexpr Duration kInfiniteDuration = Duration::max();
[[nodiscard]] constexpr bool is_infinite(Duration duration) {
  return duration == kInfiniteDuration;
}

// The operating system a manifest is merged for (selects [os.linux] / [os.macos] / [os.windows]).
enum class TargetOs { linux, macos, windows };

enum class Scope { system, user };
enum class SupervisorMode { daemonize, native };
enum class RestartPolicy { always, on_failure, never };
enum class Signal { term, interrupt, hangup, quit, usr1, usr2, kill };
enum class RotateEvery { none, hourly, daily, weekly };
enum class LogTimezone { utc, local };
enum class HealthCheckKind { http, tcp, exec };
enum class WindowsBackend { service, task };
enum class WindowsStart { automatic, delayed_automatic, demand, disabled };
enum class TaskTrigger { boot, logon };
// [stop] kill: which processes stop.signal (and the final SIGKILL) reach. mixed: the signal to
// the main process, the final kill to the whole tree (systemd's KillMode=mixed).
enum class KillScope { group, main, all, mixed };
// [service] type: how the program tells that it started (systemd's Type=).
enum class ServiceType { simple, forking, oneshot, notify };

// Where one output stream of the child goes.
struct LogStream {
  enum class Kind { file, inherit, null };
  Kind kind = Kind::file;
  std::string file_name;  // only for Kind::file: a file name inside LogsConfig::directory
  friend bool operator==(const LogStream&, const LogStream&) = default;
};

struct RestartConfig {
  RestartPolicy policy = RestartPolicy::on_failure;
  Duration delay = std::chrono::seconds(1);
  Duration max_delay = std::chrono::minutes(1);
  double multiplier = 2.0;
  Duration reset_after = std::chrono::seconds(30);
  std::uint32_t max_restarts = 10;  // 0 = unlimited
  Duration window = std::chrono::minutes(5);
  std::vector<int> success_exit_codes{0};
  // Exits that are failures but never restarted (systemd's RestartPreventExitStatus=).
  std::vector<int> prevent_exit_codes;
};

struct StopConfig {
  Signal signal = Signal::term;
  Duration timeout = std::chrono::seconds(30);  // kInfiniteDuration: "infinity"
  KillScope kill = KillScope::group;
};

struct ReloadConfig {
  Signal signal = Signal::hangup;
  std::vector<std::string> command;  // argv run instead of the signal (may use interpolation)
  // [hooks] reload with a signal written in the manifest: the signal follows the hooks when they
  // all succeeded (systemd's ExecReload= lines, then /bin/kill -SIG $MAINPID).
  bool signal_after_hooks = false;
};

// One command of [hooks]: an argv array, or { command = [...], ignore_failure, timeout }.
struct HookCommand {
  std::vector<std::string> argv;  // may use interpolation; argv[0] is an absolute path
  bool ignore_failure = false;
  Duration timeout = std::chrono::seconds(30);  // the hook's process tree is killed after it
  friend bool operator==(const HookCommand&, const HookCommand&) = default;
};

// When a hook runs (the keys of [hooks]).
enum class HookPhase { pre_start, post_start, stop, post_stop, reload };

struct HooksConfig {
  std::vector<HookCommand> pre_start;
  std::vector<HookCommand> post_start;
  std::vector<HookCommand> stop;
  std::vector<HookCommand> post_stop;
  std::vector<HookCommand> reload;

  [[nodiscard]] const std::vector<HookCommand>& of(HookPhase phase) const;
  [[nodiscard]] std::vector<HookCommand>& of(HookPhase phase);
  [[nodiscard]] bool empty() const;
};

struct LogsConfig {
  std::string directory;  // default filled per platform and scope by the loader
  LogStream stdout_stream{LogStream::Kind::file, "stdout.log"};
  LogStream stderr_stream{LogStream::Kind::file, "stderr.log"};
  std::uint64_t max_size = 10ULL * 1024 * 1024;  // bytes; 0 = no size rotation
  std::uint32_t max_files = 5;
  RotateEvery rotate_every = RotateEvery::none;
  LogTimezone timezone = LogTimezone::utc;
  bool compress = false;
  bool timestamps = false;
};

struct HealthConfig {
  HealthCheckKind check = HealthCheckKind::http;
  std::string url;                   // http (may use interpolation)
  std::string address;               // tcp, "host:port" (may use interpolation)
  std::vector<std::string> command;  // exec argv (may use interpolation)
  Duration interval = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(2);
  std::uint32_t retries = 3;
  Duration start_period = std::chrono::seconds(0);
};

struct LimitsConfig {
  std::optional<std::uint64_t> memory;  // bytes
  std::optional<double> cpu;            // cores
  std::optional<std::uint64_t> nofile;
  std::optional<std::uint64_t> nproc;
};

struct DependenciesConfig {
  std::vector<std::string> after;                // ordering only
  std::vector<std::string> requires_units;       // the manifest key is `requires`
  std::vector<std::string> wants;                // pulled in (soft) and ordered after
  std::vector<std::string> requires_mounts_for;  // absolute paths
  // Relations that only a service manager with units keeps (systemd): Before=, PartOf=,
  // Conflicts=, and Also= (enabled and disabled along with this one).
  std::vector<std::string> before;
  std::vector<std::string> part_of;
  std::vector<std::string> conflicts;
  std::vector<std::string> also_enable;

  [[nodiscard]] bool empty() const {
    return after.empty() && requires_units.empty() && wants.empty() &&
           requires_mounts_for.empty() && before.empty() && part_of.empty() && conflicts.empty() &&
           also_enable.empty();
  }
};

// [directories]: names relative to the OS's base directory of each kind (systemd's
// RuntimeDirectory= etc.), created for the service with its owner and `mode`.
struct DirectoriesConfig {
  std::vector<std::string> runtime;
  std::vector<std::string> state;
  std::vector<std::string> cache;
  std::vector<std::string> logs;
  std::vector<std::string> configuration;
  std::uint32_t mode = 0755;  // systemd's default

  [[nodiscard]] bool empty() const {
    return runtime.empty() && state.empty() && cache.empty() && logs.empty() &&
           configuration.empty();
  }
};

// [sandbox]: portable names for systemd's hardening. Unset keys keep what
// systemd.hardening implies (or nothing); a set key wins over it.
struct SandboxConfig {
  std::optional<bool> no_new_privileges;
  std::optional<bool> private_tmp;
  std::optional<std::string> protect_system;  // "no" | "yes" | "full" | "strict"
  std::optional<std::string> protect_home;    // "no" | "yes" | "read-only" | "tmpfs"
  std::vector<std::string> read_write_paths;  // a leading "-" = ignored when missing
  std::vector<std::string> read_only_paths;
  std::optional<bool> private_devices;
  std::optional<bool> private_users;
  std::optional<std::vector<std::string>> capabilities;  // bounding set = ambient set
  std::vector<std::string> restrict_address_families;
  std::vector<std::string> system_call_filter;
  // The kernel switches: systemd's names in snake_case, its values.
  std::optional<bool> protect_kernel_tunables;
  std::optional<bool> protect_kernel_modules;
  std::optional<bool> protect_kernel_logs;
  std::optional<bool> protect_control_groups;
  std::optional<bool> protect_clock;
  std::optional<bool> protect_hostname;
  std::optional<bool> restrict_namespaces;
  std::optional<bool> restrict_realtime;
  std::optional<bool> restrict_suid_sgid;
  std::optional<bool> lock_personality;
  std::optional<bool> memory_deny_write_execute;
  std::optional<bool> private_network;
  std::optional<bool> remove_ipc;
  std::vector<std::string> system_call_architectures;  // "native", "x86-64", ...
  std::optional<std::string> device_policy;            // "auto" | "closed" | "strict"
  std::vector<std::string> device_allow;               // "/dev/null rw", "char-pts rw"
  std::optional<std::string> protect_proc;  // "default" | "noaccess" | "invisible" | "ptraceable"
  std::optional<std::string> proc_subset;   // "all" | "pid"

  // The keys that are set ("sandbox.private_tmp", ...), in manifest order: what a target
  // without the sandbox warns about.
  [[nodiscard]] std::vector<std::string> keys_set() const;
};

struct SystemdConfig {
  bool hardening = false;
  std::map<std::string, std::string> extra;  // "Section.Key" -> value, allow-listed by the renderer
};

struct LaunchdConfig {
  std::string label;  // default "org.daemonize.<name>"
  std::string process_type = "Standard";
};

struct WindowsConfig {
  WindowsBackend backend = WindowsBackend::service;
  WindowsStart start = WindowsStart::automatic;
  std::string account;                           // default "NT SERVICE\<name>"
  TaskTrigger task_trigger = TaskTrigger::boot;  // default boot (system) / logon (user)
};

// One element of [kubernetes] rbac: a rule of the service's Role (its ClusterRole when cluster).
struct KubernetesAccessRule {
  std::vector<std::string> api_groups;  // "" is the core group
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
  std::vector<std::string> resource_names;  // empty: every object
  bool cluster = false;
};

struct KubernetesConfig {
  std::optional<std::string> image;  // required for the kubernetes target only
  std::uint32_t replicas = 1;
  std::string namespace_name = "default";
  std::string service_account;  // default: the DNS-1123-normalized service name
  std::optional<std::uint16_t> port;
  std::vector<KubernetesAccessRule> rbac;     // empty: no API access (token not mounted)
  std::vector<std::string> allow_principals;  // Istio principals allowed to call the pods
};

// [schedule]: the service is a job run on a calendar (`cron`) or at an interval (`every`).
enum class ScheduleOverlap { skip, queue, allow };
struct ScheduleConfig {
  std::string cron;              // 5-field cron expression; "" when `every` is set
  Duration every{0};             // 0 when `cron` is set
  Duration randomized_delay{0};  // each run is delayed by a random time up to this
  bool persistent = false;       // a run missed while the machine was off runs at the next start
  ScheduleOverlap overlap = ScheduleOverlap::skip;
};

// Line and column (1-based) of a key or value in the manifest file.
struct SourcePosition {
  int line = 0;
  int column = 0;
};

struct Service {
  int schema = 1;
  std::string name;
  std::string display_name;  // default = name
  std::string description;
  std::string command;            // may use interpolation
  std::vector<std::string> args;  // may use interpolation
  std::string working_directory;  // may use interpolation; empty = not set
  std::string user;               // empty = not set
  std::string group;              // empty = the user's primary group
  bool create_user = false;
  Scope scope = Scope::system;
  SupervisorMode supervisor = SupervisorMode::daemonize;
  std::optional<std::uint32_t> umask;  // parsed from the octal string
  std::vector<std::string> env_files;  // a leading "-" marks an optional file
  std::vector<std::string> required_env;
  std::map<std::string, std::string> env;  // values may use interpolation

  // [service] type and its companions (docs/manifest.md, "Service types").
  ServiceType type = ServiceType::simple;
  std::string pid_file;            // type = "forking": where the daemon writes its pid
  bool remain_after_exit = false;  // type = "oneshot": active after a successful run
  // Where the service is documented (http(s)://, file:, man:, info: URLs) and other names of
  // its unit (systemd's Documentation= and Alias=).
  std::vector<std::string> documentation;
  std::vector<std::string> aliases;

  RestartConfig restart;
  StopConfig stop;
  ReloadConfig reload;
  HooksConfig hooks;
  LogsConfig logs;
  std::optional<HealthConfig> health;
  LimitsConfig limits;
  DependenciesConfig dependencies;
  DirectoriesConfig directories;
  SandboxConfig sandbox;
  SystemdConfig systemd;
  LaunchdConfig launchd;
  WindowsConfig windows;
  KubernetesConfig kubernetes;
  std::optional<ScheduleConfig> schedule;  // set by a [schedule] table

  // The OS this model was merged for, and the manifest it came from.
  TargetOs os = TargetOs::linux;
  std::string manifest_path;
  // Positions of keys by dotted path ("service.command", "env.FOO", "service.args[2]",
  // "restart"), so later stages (renderers, the watchdog) can report FILE:LINE:COL.
  std::map<std::string, SourcePosition> positions;

  // Position of `key`, or of its closest enclosing key/table that has one; {0,0} if none.
  [[nodiscard]] SourcePosition position_of(const std::string& key) const;
};

// Names as written in manifests ("TERM", "on-failure", "daily", ...).
[[nodiscard]] const char* to_string(Signal signal);
[[nodiscard]] const char* to_string(RestartPolicy policy);
[[nodiscard]] const char* to_string(RotateEvery every);
[[nodiscard]] const char* to_string(HealthCheckKind kind);
[[nodiscard]] const char* to_string(Scope scope);
[[nodiscard]] const char* to_string(SupervisorMode mode);
[[nodiscard]] const char* to_string(WindowsStart start);
[[nodiscard]] const char* to_string(WindowsBackend backend);
[[nodiscard]] const char* to_string(TaskTrigger trigger);
[[nodiscard]] const char* to_string(TargetOs os);
[[nodiscard]] const char* to_string(LogTimezone timezone);
[[nodiscard]] const char* to_string(KillScope scope);
[[nodiscard]] const char* to_string(HookPhase phase);  // "pre_start", ...
[[nodiscard]] const char* to_string(ScheduleOverlap overlap);

// The hooks that run: [hooks], with [reload] command as the one reload hook when it is set (the
// loader refuses both at once).
[[nodiscard]] HooksConfig effective_hooks(const Service& service);
[[nodiscard]] const char* to_string(ServiceType type);

// Why `type` cannot run on `os` (forking and notify on Windows: no pid-file daemons, no
// sd_notify), or nullopt. Backends report it for their targets, the watchdog refuses to start.
[[nodiscard]] std::optional<std::string> service_type_problem(ServiceType type, TargetOs os);

// The keys set among those only systemd keeps (relations between units, other names of the
// unit): "dependencies.before", "dependencies.part_of", "dependencies.conflicts",
// "dependencies.also_enable", "service.aliases". Other targets warn about each.
[[nodiscard]] std::vector<std::string> unit_relation_keys_set(const Service& service);

// POSIX signal number of a manifest signal (the value of SIGTERM etc. on Linux/macOS).
[[nodiscard]] int posix_signal_number(Signal signal);

}  // namespace daemonize
