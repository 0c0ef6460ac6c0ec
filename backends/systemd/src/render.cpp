// Service -> <name>.service (+ logrotate file). The mapping is documented, key by key, in
// docs/targets/systemd.md; keep the two in step.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>
#include <variant>

#include "daemonize/core/installer.hpp"  // posix_install_paths(): what deploy installs
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/systemd/backend.hpp"
#include "daemonize/systemd/escaping.hpp"
#include "daemonize/systemd/logrotate.hpp"
#include "daemonize/systemd/timer.hpp"
#include "daemonize/systemd/tmpfiles.hpp"
#include "daemonize/systemd/unit_file.hpp"

namespace daemonize {
namespace {

using systemd::ExecWord;
using systemd::UnitFile;

// The watchdog gets this long beyond stop.timeout to kill the program's tree and exit itself.
constexpr Duration kStopMargin = std::chrono::seconds(10);
// The shortest TimeoutStopSec= rendered: systemd reads 0 as "no timeout".
constexpr Duration kShortestStopTimeout = std::chrono::milliseconds(1);
// A hung watchdog is restarted after this long without WATCHDOG=1 (it pings every half of it,
// from $WATCHDOG_USEC).
constexpr Duration kWatchdogInterval = std::chrono::seconds(30);
// systemd's DefaultTimeoutStartSec; the floor of the computed start timeout.
constexpr Duration kDefaultStartTimeout = std::chrono::seconds(90);
constexpr Duration kStartMargin = std::chrono::seconds(30);
// ExecReload= signals the main process with this (procps, on every Debian system with systemd).
constexpr const char* kKillPath = "/bin/kill";

// [systemd].extra keys, by section: settings that do not collide with anything the renderer
// writes. `true` = a list setting (each assignment adds), `false` = a single value.
struct ExtraKey {
  const char* section;
  const char* key;
  bool list;
};
constexpr std::array kExtraAllowList{
    ExtraKey{"Unit", "Documentation", true},
    ExtraKey{"Unit", "Before", true},
    ExtraKey{"Unit", "PartOf", true},
    ExtraKey{"Unit", "BindsTo", true},
    ExtraKey{"Unit", "Conflicts", true},
    ExtraKey{"Unit", "OnFailure", true},
    ExtraKey{"Unit", "ConditionPathExists", true},
    ExtraKey{"Unit", "ConditionPathIsDirectory", true},
    ExtraKey{"Unit", "ConditionFileNotEmpty", true},
    ExtraKey{"Unit", "ConditionVirtualization", true},
    ExtraKey{"Unit", "ConditionHost", true},
    ExtraKey{"Unit", "AssertPathExists", true},
    ExtraKey{"Service", "PIDFile", false},  // a type other than forking: removed after the stop
    ExtraKey{"Service", "Nice", false},
    ExtraKey{"Service", "OOMScoreAdjust", false},
    ExtraKey{"Service", "OOMPolicy", false},
    ExtraKey{"Service", "IOSchedulingClass", false},
    ExtraKey{"Service", "IOSchedulingPriority", false},
    ExtraKey{"Service", "CPUSchedulingPolicy", false},
    ExtraKey{"Service", "CPUSchedulingPriority", false},
    ExtraKey{"Service", "CPUAffinity", true},
    ExtraKey{"Service", "CPUWeight", false},
    ExtraKey{"Service", "IOWeight", false},
    ExtraKey{"Service", "TasksMax", false},
    ExtraKey{"Service", "MemoryHigh", false},
    ExtraKey{"Service", "MemoryLow", false},
    ExtraKey{"Service", "MemorySwapMax", false},
    ExtraKey{"Service", "LimitCORE", false},
    ExtraKey{"Service", "LimitMEMLOCK", false},
    ExtraKey{"Service", "LimitSTACK", false},
    ExtraKey{"Service", "Slice", false},
    ExtraKey{"Service", "SyslogIdentifier", false},
    ExtraKey{"Service", "LogLevelMax", false},
    ExtraKey{"Service", "TimeoutStartSec", false},
    ExtraKey{"Service", "SupplementaryGroups", true},
    ExtraKey{"Service", "AmbientCapabilities", true},
    ExtraKey{"Service", "CapabilityBoundingSet", true},
    ExtraKey{"Service", "StateDirectory", true},
    ExtraKey{"Service", "CacheDirectory", true},
    ExtraKey{"Service", "ConfigurationDirectory", true},
    ExtraKey{"Service", "ReadOnlyPaths", true},
    ExtraKey{"Service", "ReadWritePaths", true},
    ExtraKey{"Service", "InaccessiblePaths", true},
    ExtraKey{"Service", "PrivateDevices", false},
    ExtraKey{"Service", "PrivateNetwork", false},
    ExtraKey{"Service", "ProtectKernelTunables", false},
    ExtraKey{"Service", "ProtectKernelModules", false},
    ExtraKey{"Service", "ProtectKernelLogs", false},
    ExtraKey{"Service", "ProtectControlGroups", false},
    ExtraKey{"Service", "ProtectClock", false},
    ExtraKey{"Service", "ProtectHostname", false},
    ExtraKey{"Service", "RestrictNamespaces", false},
    ExtraKey{"Service", "RestrictRealtime", false},
    ExtraKey{"Service", "RestrictSUIDSGID", false},
    ExtraKey{"Service", "LockPersonality", false},
    ExtraKey{"Service", "MemoryDenyWriteExecute", false},
    ExtraKey{"Service", "SystemCallFilter", true},
    ExtraKey{"Service", "SystemCallArchitectures", true},
    ExtraKey{"Service", "SystemCallErrorNumber", false},
    ExtraKey{"Service", "RestrictAddressFamilies", true},
    ExtraKey{"Service", "ProtectProc", false},
    ExtraKey{"Service", "ProcSubset", false},
    ExtraKey{"Service", "RemoveIPC", false},
    ExtraKey{"Service", "PrivateMounts", false},
    ExtraKey{"Service", "PrivateIPC", false},
    ExtraKey{"Service", "DevicePolicy", false},
    ExtraKey{"Service", "DeviceAllow", true},
    ExtraKey{"Service", "IPAddressAllow", true},
    ExtraKey{"Service", "IPAddressDeny", true},
    ExtraKey{"Service", "ExecPaths", true},
    ExtraKey{"Service", "NoExecPaths", true},
    ExtraKey{"Service", "BindPaths", true},
    ExtraKey{"Service", "BindReadOnlyPaths", true},
    ExtraKey{"Service", "TemporaryFileSystem", true},
    ExtraKey{"Install", "Alias", true},
    ExtraKey{"Install", "Also", true},
    ExtraKey{"Install", "RequiredBy", true},
    ExtraKey{"Install", "WantedBy", true},
};

// Unit type suffixes; a dependency without one is a service.
constexpr std::array kUnitSuffixes{".service", ".socket",    ".target", ".device",
                                   ".mount",   ".automount", ".swap",   ".path",
                                   ".timer",   ".slice",     ".scope"};

// Duration arithmetic that saturates instead of overflowing (manifest durations are large
// integers; systemd reads anything this big as "practically forever" anyway).
constexpr Duration kForever = std::chrono::hours(24 * 365 * 100);
Duration saturating_add(Duration a, Duration b) {
  return (a >= kForever || b >= kForever || a + b >= kForever) ? kForever : a + b;
}
Duration saturating_multiply(Duration a, std::uint64_t factor) {
  if (factor != 0 && a.count() > kForever.count() / static_cast<std::int64_t>(factor)) {
    return kForever;
  }
  return a * static_cast<std::int64_t>(factor);
}

// systemd time span: the largest unit that divides the duration exactly.
std::string timespan(Duration duration) {
  if (is_infinite(duration)) return "infinity";
  const auto ms = duration.count();
  if (ms == 0) return "0";
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "min";
  if (ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

// MemoryMax=: K/M/G/T are powers of 1024; anything else in bytes.
std::string memory_size(std::uint64_t bytes) {
  constexpr std::array<std::pair<std::uint64_t, char>, 4> units{
      {{1ULL << 40, 'T'}, {1ULL << 30, 'G'}, {1ULL << 20, 'M'}, {1ULL << 10, 'K'}}};
  for (const auto& [size, suffix] : units) {
    if (bytes % size == 0) return std::to_string(bytes / size) + suffix;
  }
  return std::to_string(bytes);
}

// CPUQuota= percent of one CPU, with at most two decimals (systemd's resolution).
std::string cpu_quota(double cores) {
  const auto hundredths = static_cast<long long>(std::llround(cores * 10'000.0));
  std::string text = std::to_string(hundredths / 100);
  if (const auto fraction = hundredths % 100; fraction != 0) {
    std::string decimals = (fraction < 10 ? "0" : "") + std::to_string(fraction);
    if (decimals.back() == '0') decimals.pop_back();
    text += "." + decimals;
  }
  return text + "%";
}

const char* signal_name(Signal signal) {
  switch (signal) {
    case Signal::term:
      return "SIGTERM";
    case Signal::interrupt:
      return "SIGINT";
    case Signal::hangup:
      return "SIGHUP";
    case Signal::quit:
      return "SIGQUIT";
    case Signal::usr1:
      return "SIGUSR1";
    case Signal::usr2:
      return "SIGUSR2";
    case Signal::kill:
      return "SIGKILL";
  }
  return "SIGTERM";
}

bool has_unit_suffix(const std::string& name) {
  return std::any_of(kUnitSuffixes.begin(), kUnitSuffixes.end(), [&](std::string_view suffix) {
    return name.size() > suffix.size() && name.ends_with(suffix);
  });
}

bool is_unit_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || c == '_' || c == '.' || c == '-' || c == '@' || c == ':' ||
           c == '\\';
  });
}

bool is_home_relative(std::string_view path) { return path == "~" || path.starts_with("~/"); }

// systemd refuses (or, for EnvironmentFile=, silently ignores) a path that is not normalized
// ("." or ".." components, "//") or longer than PATH_MAX / a component longer than NAME_MAX.
std::optional<std::string> path_shape_problem(std::string_view path) {
  if (path.size() >= 4096) return "is longer than systemd accepts (PATH_MAX, 4096 bytes)";
  if (path.find("//") != std::string_view::npos) return "is not normalized (\"//\")";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const auto component = path.substr(start, end - start);
    if (component == "." || component == "..") {
      return "is not normalized (a \".\" or \"..\" component), which systemd refuses";
    }
    if (component.size() > 255) return "has a component longer than 255 bytes (NAME_MAX)";
    start = end + 1;
  }
  return std::nullopt;
}

bool under_protected_home(std::string_view path) {
  return is_home_relative(path) || path == "/home" || path.starts_with("/home/") ||
         path == "/root" || path.starts_with("/root/") || path.starts_with("/run/user/");
}

class SystemdRenderer {
 public:
  SystemdRenderer(const Service& service, const RenderOptions& options)
      : service_(service),
        daemonize_path_(options.daemonize_path.empty()
                            ? posix_install_paths(service, "").daemonize_path
                            : options.daemonize_path),
        manifest_path_(options.installed_manifest_path.empty()
                           ? systemd_installed_manifest_path(service)
                           : options.installed_manifest_path) {}

  RenderResult render() {
    if (!check_name()) return std::move(result_);  // nothing can be named after it
    render_unit_section();
    if (service_.supervisor == SupervisorMode::daemonize) {
      render_daemonize_service();
    } else {
      render_native_service();
    }
    render_identity();
    render_env_file_credentials();
    render_limits();
    render_directories();
    render_sandbox();
    // A scheduled service is started by its timer, never at boot.
    if (!service_.schedule)
      unit_.add("Install", "WantedBy", user_scope() ? "default.target" : "multi-user.target");
    render_install_names();
    render_extra();

    Artifact unit;
    unit.file_name = service_.name + ".service";
    unit.install_path = user_scope() ? "~/.config/systemd/user/" + unit.file_name
                                     : "/etc/systemd/system/" + unit.file_name;
    unit.content = unit_.text({"Generated by daemonize for service " + service_.name + " (" +
                                   to_string(service_.supervisor) + " mode).",
                               "Edit the manifest and deploy it again instead of this file."});
    result_.artifacts.push_back(std::move(unit));
    if (auto timer = systemd::render_timer(service_, result_.diagnostics))
      result_.artifacts.push_back(std::move(*timer));

    if (log_directory_by_tmpfiles_) {
      if (auto tmpfiles = systemd::render_log_directory_tmpfiles(service_, result_.diagnostics)) {
        result_.artifacts.push_back(std::move(*tmpfiles));
      }
    }
    if (!env_file_content_.empty()) {
      Artifact env_file;
      env_file.file_name = service_.name + ".env";
      env_file.install_path = env_file_install_path();
      env_file.content = "# Generated by daemonize for service " + service_.name +
                         ": its [env], read after env_files.\n" + env_file_content_;
      env_file.mode = 0600;  // read by the service manager, which runs as root or as the user
      result_.artifacts.push_back(std::move(env_file));
    }
    if (service_.supervisor == SupervisorMode::native) {
      if (auto logrotate = systemd::render_logrotate(service_, result_.diagnostics)) {
        result_.artifacts.push_back(std::move(*logrotate));
      }
    }
    return std::move(result_);
  }

 private:
  // Next to the installed manifest: <name>.env instead of <name>.toml.
  [[nodiscard]] std::string env_file_install_path() const {
    std::string path = manifest_path_;
    if (path.ends_with(".toml")) path.resize(path.size() - 5);
    return path + ".env";
  }
  [[nodiscard]] bool user_scope() const { return service_.scope == Scope::user; }
  [[nodiscard]] bool native() const { return service_.supervisor == SupervisorMode::native; }

  void error(const std::string& key, const std::string& message) {
    result_.diagnostics.push_back({Severity::error, "", 0, 0, key, "systemd: " + message});
  }
  void warning(const std::string& key, const std::string& message) {
    result_.diagnostics.push_back({Severity::warning, "", 0, 0, key, "systemd: " + message});
  }
  [[nodiscard]] bool written_in_manifest(const std::string& key) const {
    return service_.positions.count(key) != 0;
  }

  // A raw setting value (specifiers expanded, nothing else): `%` doubled, `~/` -> `%h/` when
  // `path`; std::nullopt (and an error) when systemd cannot read it back verbatim.
  std::optional<std::string> raw_value(const std::string& key, const std::string& value,
                                       bool path) {
    if (auto problem = systemd::raw_value_problem(value)) {
      error(key, "'" + key + "' " + *problem);
      return std::nullopt;
    }
    if (auto problem = path ? path_shape_problem(value) : std::nullopt) {
      error(key, "'" + key + "' " + *problem);
      return std::nullopt;
    }
    if (path && is_home_relative(value)) {
      return "%h" + systemd::escape_specifiers(std::string_view(value).substr(1));
    }
    return systemd::escape_specifiers(value);
  }

  // A path as one Exec*= word; `~/` becomes %h (the home of the unit's user).
  std::string exec_path_word(const std::string& path) {
    ExecWord word;
    if (is_home_relative(path)) {
      word.raw("%h").literal(std::string_view(path).substr(1));
    } else {
      word.literal(path);
    }
    return word.str();
  }

  // A path in a space-separated path list (ReadWritePaths=); `ignore_missing` prefixes `-`.
  std::optional<std::string> path_list_entry(const std::string& key, const std::string& path,
                                             bool ignore_missing = true) {
    if (path.find('"') != std::string::npos || path.find('\\') != std::string::npos) {
      error(key, "'" + key + "' contains a quote or backslash, which a path list cannot hold");
      return std::nullopt;
    }
    auto value = raw_value(key, path, true);
    if (!value) return std::nullopt;
    const std::string prefix = ignore_missing ? "-" : "";
    const bool needs_quotes = value->find_first_of(" \t'") != std::string::npos;
    return needs_quotes ? "\"" + prefix + *value + "\"" : prefix + *value;
  }

  bool check_name() {
    const bool valid =
        is_unit_name(service_.name) && service_.name.find_first_of("\\@:") == std::string::npos;
    if (!valid) error("service.name", "'" + service_.name + "' is not a valid unit name");
    return valid;
  }

  void render_unit_section() {
    const bool has_description = !service_.description.empty();
    const std::string key = has_description ? "service.description" : "service.display_name";
    const std::string& text = has_description ? service_.description : service_.display_name;
    if (auto value = raw_value(key, text.empty() ? service_.name : text, false)) {
      unit_.add("Unit", "Description", *value);
    }
    render_documentation();

    std::vector<std::string> after;
    std::vector<std::string> wants;
    std::vector<std::string> requires_units;
    auto add_names = [&](const std::vector<std::string>& names, const std::string& key_prefix,
                         std::vector<std::string>& target) {
      for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& name = names[i];
        auto unit_name = has_unit_suffix(name) ? name : name + ".service";
        if (!is_unit_name(name) || unit_name.size() > 255) {  // systemd's UNIT_NAME_MAX
          error(key_prefix + "[" + std::to_string(i) + "]",
                "'" + name +
                    "' is not a valid unit name (letters, digits, \"_.-@:\\\", at most "
                    "255 bytes with its suffix)");
          continue;
        }
        unit_name = systemd::escape_specifiers(unit_name);
        if (std::find(after.begin(), after.end(), unit_name) == after.end())
          after.push_back(unit_name);
        target.push_back(unit_name);
      }
    };
    // `after` orders only; `wants` and `requires` also pull the unit in, and order after it.
    std::vector<std::string> ordering_only;
    add_names(service_.dependencies.after, "dependencies.after", ordering_only);
    add_names(service_.dependencies.wants, "dependencies.wants", wants);
    add_names(service_.dependencies.requires_units, "dependencies.requires", requires_units);
    auto joined = [](const std::vector<std::string>& names) {
      std::string line;
      for (const auto& name : names) line += (line.empty() ? "" : " ") + name;
      return line;
    };
    if (!after.empty()) unit_.add("Unit", "After", joined(after));
    if (!wants.empty()) unit_.add("Unit", "Wants", joined(wants));
    if (!requires_units.empty()) unit_.add("Unit", "Requires", joined(requires_units));
    render_relations();
    render_requires_mounts_for();

    if (native() && service_.restart.policy != RestartPolicy::never) {
      // systemd counts starts, the manifest counts restarts: N restarts = N + 1 starts.
      if (service_.restart.max_restarts == 0) {
        unit_.add("Unit", "StartLimitIntervalSec", "0");
      } else {
        unit_.add("Unit", "StartLimitIntervalSec", timespan(service_.restart.window));
        unit_.add("Unit", "StartLimitBurst",
                  std::to_string(std::uint64_t{service_.restart.max_restarts} + 1));
      }
    }
  }

  void render_requires_mounts_for() {
    std::string paths;
    const auto& mounts = service_.dependencies.requires_mounts_for;
    for (std::size_t i = 0; i < mounts.size(); ++i) {
      const std::string key = "dependencies.requires_mounts_for[" + std::to_string(i) + "]";
      if (!mounts[i].starts_with("/")) {
        warning(key, "'" + mounts[i] + "' is not a POSIX path; dropped (set it in [os.linux])");
        continue;
      }
      if (auto entry = path_list_entry(key, mounts[i], false)) {
        paths += (paths.empty() ? "" : " ") + *entry;
      }
    }
    if (!paths.empty()) unit_.add("Unit", "RequiresMountsFor", paths);
  }

  // ---- supervisor = "daemonize" --------------------------------------------------------------

  void render_daemonize_service() {
    const std::string& daemonize_path = daemonize_path_;
    const std::string& manifest_path = manifest_path_;
    if (auto problem = systemd::quoted_value_problem(daemonize_path)) {
      error("", "--daemonize-path " + *problem);
      return;
    }
    if (auto problem = systemd::quoted_value_problem(manifest_path)) {
      error("", "the installed manifest path " + *problem);
      return;
    }

    unit_.add("Service", "Type", "notify");
    unit_.add("Service", "NotifyAccess", "main");
    unit_.add("Service", "ExecStart",
              exec_path_word(daemonize_path) + " run " + exec_path_word(manifest_path));
    // The watchdog forwards [reload].signal to the program when it gets SIGHUP.
    unit_.add("Service", "ExecReload", std::string(kKillPath) + " -HUP $MAINPID");
    // The watchdog applies restart.policy and exits with the program's status when it does not
    // restart it (never, a clean exit, a give-up): systemd restarts only a crashed or hung
    // watchdog (an unclean signal, a timeout, a WatchdogSec= miss), never for an exit code.
    unit_.add("Service", "Restart", "on-abnormal");
    unit_.add("Service", "RestartSec", timespan(service_.restart.delay));
    // SIGTERM reaches the watchdog only; it sends stop.signal to the program and waits
    // stop.timeout. Whatever is left after TimeoutStopSec= is SIGKILLed by systemd.
    // stop.kill = "main": what the program started must outlive the watchdog too.
    unit_.add("Service", "KillMode", service_.stop.kill == KillScope::main ? "process" : "mixed");
    unit_.add("Service", "KillSignal", "SIGTERM");
    // stop.timeout = "infinity": the watchdog never kills, so systemd must not kill it either.
    unit_.add("Service", "TimeoutStopSec",
              is_infinite(service_.stop.timeout)
                  ? std::string("infinity")
                  : timespan(saturating_add(
                        saturating_add(service_.stop.timeout, hooks_stop_budget()), kStopMargin)));
    std::optional<Duration> start_budget;
    if (service_.health) {
      // READY=1 is the first healthy check: give it the start period and a full retry cycle.
      const auto& health = *service_.health;
      const auto cycle = saturating_multiply(saturating_add(health.interval, health.timeout),
                                             std::uint64_t{health.retries} + 1);
      const auto needed = saturating_add(
          saturating_add(saturating_add(health.start_period, cycle), hooks_start_budget()),
          kStartMargin);
      start_budget = std::max(needed, kDefaultStartTimeout);
    } else if (hooks_start_budget().count() > 0) {
      // READY=1 follows the pre_start and post_start hooks.
      start_budget =
          std::max(saturating_add(hooks_start_budget(), kStartMargin), kDefaultStartTimeout);
    }
    render_daemonize_start_timeout(start_budget);
    unit_.add("Service", "WatchdogSec", timespan(kWatchdogInterval));
    unit_.add("Service", "RuntimeDirectory", "daemonize/" + service_.name);
    unit_.add("Service", "RuntimeDirectoryPreserve", "restart");
    unit_.add("Service", "StandardOutput", "journal");
    render_working_directory();
    render_logs_directory();
  }

  // [service] type under the watchdog: the unit stays Type=notify, and the watchdog's READY=1
  // means what the type means (the program's READY=1, the adopted daemon, the oneshot's
  // success). A oneshot may run as long as it needs, as systemd's own oneshot units do; the
  // watchdog's own start timeout (forking, notify) must expire before systemd's.
  void render_daemonize_start_timeout(std::optional<Duration> health_budget) {
    if (service_.type == ServiceType::oneshot) {
      unit_.add("Service", "TimeoutStartSec", "infinity");
      return;
    }
    if (service_.type == ServiceType::forking || service_.type == ServiceType::notify) {
      const auto watchdog_budget =
          saturating_add(saturating_add(kDefaultStartTimeout, hooks_start_budget()), kStartMargin);
      health_budget = std::max(health_budget.value_or(watchdog_budget), watchdog_budget);
    }
    if (health_budget) unit_.add("Service", "TimeoutStartSec", timespan(*health_budget));
  }

  // ---- supervisor = "native" -----------------------------------------------------------------

  // [service] type as systemd's Type= (simple runs as Type=exec: a failed exec fails the start).
  void render_native_type() {
    switch (service_.type) {
      case ServiceType::simple:
        unit_.add("Service", "Type", "exec");
        return;
      case ServiceType::forking:
        unit_.add("Service", "Type", "forking");
        if (auto value = raw_value("service.pid_file", service_.pid_file, true)) {
          unit_.add("Service", "PIDFile", *value);
        }
        return;
      case ServiceType::oneshot:
        unit_.add("Service", "Type", "oneshot");
        if (service_.remain_after_exit) unit_.add("Service", "RemainAfterExit", "yes");
        return;
      case ServiceType::notify:
        unit_.add("Service", "Type", "notify");
        unit_.add("Service", "NotifyAccess", "main");
        return;
    }
  }

  void render_native_service() {
    render_native_type();
    render_environment();
    render_exec_start();
    render_native_hooks();
    // The signal alone, or after the [hooks] reload lines when the manifest writes it (systemd
    // runs ExecReload= lines in order and stops at a failing one, as the watchdog does).
    if (effective_hooks(service_).reload.empty() || service_.reload.signal_after_hooks) {
      unit_.add("Service", "ExecReload",
                std::string(kKillPath) + " -" + to_string(service_.reload.signal) + " $MAINPID");
    }
    const auto& restart = service_.restart;
    switch (restart.policy) {
      case RestartPolicy::always:
        unit_.add("Service", "Restart", "always");
        break;
      case RestartPolicy::on_failure:
        unit_.add("Service", "Restart", "on-failure");
        break;
      case RestartPolicy::never:
        unit_.add("Service", "Restart", "no");
        break;
    }
    unit_.add("Service", "RestartSec", timespan(restart.delay));
    render_success_exit_status();
    render_prevent_exit_status();
    unit_.add("Service", "KillSignal", signal_name(service_.stop.signal));
    if (service_.stop.kill == KillScope::main) unit_.add("Service", "KillMode", "process");
    if (service_.stop.kill == KillScope::mixed) unit_.add("Service", "KillMode", "mixed");
    // TimeoutStopSec=0 would mean "wait forever"; stop.timeout = 0 means no grace: SIGKILL
    // follows KillSignal= at once, i.e. at systemd's next timer tick. "infinity" is infinity.
    unit_.add("Service", "TimeoutStopSec",
              timespan(std::max(service_.stop.timeout, kShortestStopTimeout)));
    render_working_directory();
    render_native_logs();
    warn_native_losses();
  }

  // ---- [hooks], [reload] command ----------------------------------------------------------------

  // Longest time the watchdog's hooks may add to a start (before READY=1) and to a stop.
  [[nodiscard]] Duration hooks_budget(std::initializer_list<HookPhase> phases) const {
    const auto hooks = effective_hooks(service_);
    Duration total{0};
    for (const auto phase : phases) {
      for (const auto& hook : hooks.of(phase)) total = saturating_add(total, hook.timeout);
    }
    return total;
  }
  [[nodiscard]] Duration hooks_start_budget() const {
    return hooks_budget({HookPhase::pre_start, HookPhase::post_start});
  }
  [[nodiscard]] Duration hooks_stop_budget() const {
    return hooks_budget({HookPhase::stop, HookPhase::post_stop});
  }

  // Native: ExecStartPre= ... ExecReload=, '-' for ignore_failure. systemd has no per-command
  // timeout: a written one is reported, the unit's TimeoutStartSec=/TimeoutStopSec= apply.
  void render_native_hooks() {
    const auto hooks = effective_hooks(service_);
    static constexpr std::pair<HookPhase, const char*> directives[] = {
        {HookPhase::pre_start, "ExecStartPre"},
        {HookPhase::post_start, "ExecStartPost"},
        {HookPhase::stop, "ExecStop"},
        {HookPhase::post_stop, "ExecStopPost"},
        {HookPhase::reload, "ExecReload"}};
    for (const auto& [phase, directive] : directives) {
      const auto& commands = hooks.of(phase);
      for (std::size_t i = 0; i < commands.size(); ++i) {
        const bool from_reload_command =
            phase == HookPhase::reload && !service_.reload.command.empty();
        const std::string key = from_reload_command ? std::string("reload.command")
                                                    : "hooks." + std::string(to_string(phase)) +
                                                          "[" + std::to_string(i) + "]";
        if (auto line = hook_exec_line(key, commands[i].argv)) {
          unit_.add("Service", directive, (commands[i].ignore_failure ? "-" : "") + *line);
        }
        if (!from_reload_command && written_in_manifest(key + ".timeout")) {
          const bool stopping = phase == HookPhase::stop || phase == HookPhase::post_stop;
          warning(key + ".timeout",
                  "systemd has no per-command timeout: in native mode " + std::string(directive) +
                      "= is bounded by " + (stopping ? "TimeoutStopSec=" : "TimeoutStartSec=") +
                      " instead (" + (stopping ? "stop.timeout" : "systemd's default of 90s") +
                      ")");
        }
      }
    }
  }

  // One hook's command line: the program a literal absolute path, the arguments as ExecStart's.
  std::optional<std::string> hook_exec_line(const std::string& key,
                                            const std::vector<std::string>& argv) {
    if (argv.empty()) return std::nullopt;
    const std::string program_key = key + "[0]";
    auto parsed = parse_template(argv.front());
    if (std::holds_alternative<TemplateError>(parsed) ||
        std::get<Template>(parsed).has_references()) {
      error(program_key,
            "systemd does not expand variables in the executable path; in native "
            "mode '" +
                program_key + "' must be a literal path");
      return std::nullopt;
    }
    const auto program = std::get<Template>(parsed).literal();
    if (program.empty() || program.front() != '/' ||
        program.find_first_of("\"'\\$\x7f") != std::string::npos ||
        std::any_of(program.begin(), program.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; }) ||
        path_shape_problem(program) || program.back() == '/') {
      error(program_key, "'" + program_key +
                             "' must be a normalized absolute path without quotes, backslashes, "
                             "'$' or control characters for systemd");
      return std::nullopt;
    }
    std::string line = exec_path_word(program);
    bool ok = true;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      auto word = exec_argument(key + "[" + std::to_string(i) + "]", argv[i]);
      if (!word) {
        ok = false;
        continue;
      }
      line += " " + *word;
    }
    if (!ok) return std::nullopt;
    return line;
  }

  void render_exec_start() {
    const std::string& command = service_.command;
    auto parsed_command = parse_template(command);
    if (std::holds_alternative<TemplateError>(parsed_command) ||
        std::get<Template>(parsed_command).has_references()) {
      error("service.command",
            "systemd does not expand variables in the executable path; in native mode "
            "'service.command' must be a literal path (supervisor = \"daemonize\" resolves it)");
      return;
    }
    const auto literal_command = std::get<Template>(parsed_command).literal();
    if (literal_command.find('$') != std::string::npos) {
      error("service.command",
            "a literal '$' in the executable path is not expressible in a native systemd unit");
      return;
    }
    if (auto problem = systemd::quoted_value_problem(literal_command)) {
      error("service.command", "'service.command' " + *problem);
      return;
    }
    if (literal_command.empty() || literal_command.front() != '/') {
      error("service.command", "'service.command' must be an absolute path for systemd");
      return;
    }
    // systemd refuses an executable name with quotes, backslashes or control characters
    // ("Executable name contains special characters"), and one that is not normalized.
    if (literal_command.find_first_of("\"'\\\x7f") != std::string::npos ||
        std::any_of(literal_command.begin(), literal_command.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      error("service.command",
            "'service.command' contains a quote, backslash or control character, which systemd "
            "refuses in an executable name");
      return;
    }
    if (auto problem = path_shape_problem(literal_command)) {
      error("service.command", "'service.command' " + *problem);
      return;
    }
    if (literal_command.back() == '/') {
      error("service.command", "'service.command' names a directory (ends with '/')");
      return;
    }
    std::string line = exec_path_word(literal_command);
    bool ok = true;
    for (std::size_t i = 0; i < service_.args.size(); ++i) {
      const std::string key = "service.args[" + std::to_string(i) + "]";
      auto word = exec_argument(key, service_.args[i]);
      if (!word) {
        ok = false;
        continue;
      }
      line += " " + *word;
    }
    if (ok) unit_.add("Service", "ExecStart", line);
  }

  // One argument: literals escaped, `${VAR}` left for systemd to expand (from Environment= /
  // EnvironmentFile=), which yields exactly one argv entry however the value is spaced.
  std::optional<std::string> exec_argument(const std::string& key, const std::string& text) {
    // `$@{VAR}` is systemd's own unquoted `$VAR`: split at whitespace, zero or more arguments.
    if (auto name = split_reference(text)) return "$" + *name;
    auto parsed = parse_template(text);
    if (const auto* failure = std::get_if<TemplateError>(&parsed)) {
      error(key, "'" + key + "': " + failure->message);
      return std::nullopt;
    }
    ExecWord word;
    for (const auto& segment : std::get<Template>(parsed).segments) {
      if (const auto* literal = std::get_if<std::string>(&segment)) {
        if (auto problem = systemd::quoted_value_problem(*literal)) {
          error(key, "'" + key + "' " + *problem);
          return std::nullopt;
        }
        word.literal(*literal);
        continue;
      }
      const auto& reference = std::get<VariableReference>(segment);
      if (reference.kind != VariableReference::Kind::plain) {
        error(key, "systemd cannot express ${" + reference.name +
                       (reference.kind == VariableReference::Kind::with_default ? ":-" : ":?") +
                       "...} (native mode expands only ${VAR}); use supervisor = \"daemonize\"");
        return std::nullopt;
      }
      if (!provides_variable(reference.name)) {
        warning(key, "${" + reference.name +
                         "} is set neither by [env] nor (possibly) by env_files; systemd expands "
                         "an unset variable to an empty string instead of refusing to start");
      }
      word.raw("${" + reference.name + "}");
    }
    return word.str();
  }

  [[nodiscard]] bool provides_variable(const std::string& name) const {
    if (!service_.env_files.empty()) return true;
    const auto found = service_.env.find(name);
    return found != service_.env.end() && !is_same_name_passthrough(name, found->second);
  }

  static bool is_same_name_passthrough(const std::string& name, const std::string& value) {
    return value == "${" + name + "}";
  }

  void render_environment() {
    for (const auto& [name, value] : service_.env) {
      const std::string key = "env." + name;
      if (is_same_name_passthrough(name, value)) {
        if (service_.env_files.empty()) {
          error(key, "'" + name + " = \"${" + name +
                         "}\"' takes the value from the environment, which a native systemd "
                         "unit does not inherit; add the env file that defines it to "
                         "'service.env_files', or use supervisor = \"daemonize\"");
        }
        continue;  // EnvironmentFile= provides it
      }
      auto parsed = parse_template(value);
      if (const auto* failure = std::get_if<TemplateError>(&parsed)) {
        error(key, "'" + key + "': " + failure->message);
        continue;
      }
      const auto& parsed_template = std::get<Template>(parsed);
      if (parsed_template.has_references()) {
        error(key, "systemd does not expand variables in Environment= values, so '" + key +
                       "' is not expressible in native mode; use supervisor = \"daemonize\"");
        continue;
      }
      const auto literal = parsed_template.literal();
      if (auto problem = systemd::quoted_value_problem(literal)) {
        error(key, "'" + key + "' " + *problem);
        continue;
      }
      if (service_.env_files.empty()) {
        unit_.add("Service", "Environment", systemd::environment_assignment(name, literal));
      } else {
        env_file_content_ += systemd::environment_file_line(name, literal);
      }
    }
    for (std::size_t i = 0; i < service_.env_files.size(); ++i) {
      const std::string key = "service.env_files[" + std::to_string(i) + "]";
      const auto& file = service_.env_files[i];
      const bool optional = file.starts_with("-");
      const std::string path = optional ? file.substr(1) : file;
      if (auto value = raw_value(key, path, true)) {
        // The `-` stays outside any quoting: systemd only recognises it as the first character.
        unit_.add("Service", "EnvironmentFile", (optional ? "-" : "") + *value);
      }
    }
    // systemd lets EnvironmentFile= override Environment=, and the manifest lets [env] override
    // env_files: with both, [env] goes into a file of its own, read last.
    if (!env_file_content_.empty()) {
      if (auto value = raw_value("env", env_file_install_path(), true)) {
        unit_.add("Service", "EnvironmentFile", *value);
      }
    }
    if (!service_.env_files.empty()) {
      warning("service.env_files",
              "in native mode systemd reads env_files itself (EnvironmentFile=), not the "
              "watchdog: no `export ` prefix, and a missing file without \"-\" fails the start");
    }
  }

  void render_success_exit_status() {
    const auto& codes = service_.restart.success_exit_codes;
    std::string extra_codes;
    for (const int code : codes) {
      if (code != 0) extra_codes += (extra_codes.empty() ? "" : " ") + std::to_string(code);
    }
    if (!extra_codes.empty()) unit_.add("Service", "SuccessExitStatus", extra_codes);
    if (std::find(codes.begin(), codes.end(), 0) == codes.end()) {
      warning("restart.success_exit_codes",
              "systemd always counts exit code 0 as success; it cannot be made a failure");
    }
  }

  // restart.prevent_exit_codes: systemd's own list (the watchdog's in daemonize mode).
  void render_prevent_exit_status() {
    std::string codes;
    for (const int code : service_.restart.prevent_exit_codes) {
      codes += (codes.empty() ? "" : " ") + std::to_string(code);
    }
    if (!codes.empty()) unit_.add("Service", "RestartPreventExitStatus", codes);
  }

  void render_native_logs() {
    const auto& logs = service_.logs;
    auto stream_value = [&](const LogStream& stream,
                            const char* key) -> std::optional<std::string> {
      switch (stream.kind) {
        case LogStream::Kind::inherit:
          return "journal";
        case LogStream::Kind::null:
          return "null";
        case LogStream::Kind::file:
          break;
      }
      // Blame the directory when it alone is what systemd cannot take.
      const bool directory_ok =
          !systemd::raw_value_problem(logs.directory) && !path_shape_problem(logs.directory);
      auto path = raw_value(directory_ok ? key : "logs.directory",
                            join_path(logs.directory, stream.file_name), true);
      if (!path) return std::nullopt;
      return "append:" + *path;
    };
    if (auto value = stream_value(logs.stdout_stream, "logs.stdout")) {
      unit_.add("Service", "StandardOutput", *value);
    }
    if (auto value = stream_value(logs.stderr_stream, "logs.stderr")) {
      unit_.add("Service", "StandardError", *value);
    }
    render_logs_directory();
    if (logs.timestamps && writes_log_files()) {
      warning("logs.timestamps",
              "native units write the program's output as is; timestamps need supervisor = "
              "\"daemonize\" (the journal timestamps lines for \"inherit\")");
    }
  }

  [[nodiscard]] bool writes_log_files() const {
    return service_.logs.stdout_stream.kind == LogStream::Kind::file ||
           service_.logs.stderr_stream.kind == LogStream::Kind::file;
  }

  // Who creates the log directory. LogsDirectory= creates /var/log/<x> owned by User= before
  // the program runs, which is early enough for the watchdog (it opens its log files itself) but
  // too late for StandardOutput=append: (systemd opens those first), so native units and
  // directories outside /var/log get a tmpfiles.d entry instead.
  void render_logs_directory() {
    if (!writes_log_files()) return;
    const auto& directory = service_.logs.directory;
    constexpr std::string_view var_log = "/var/log/";
    std::string relative;
    if (directory.starts_with(var_log)) relative = directory.substr(var_log.size());
    while (!relative.empty() && relative.back() == '/') relative.pop_back();
    const bool plain = !relative.empty() && relative.find("..") == std::string::npos &&
                       relative.find("//") == std::string::npos &&
                       std::all_of(relative.begin(), relative.end(), [](char c) {
                         const auto byte = static_cast<unsigned char>(c);
                         return std::isalnum(byte) || c == '/' || c == '_' || c == '.' || c == '-';
                       });
    if (!native() && !user_scope() && plain) {
      unit_.add("Service", "LogsDirectory", relative);
      // systemd's default is 0755; logs are the service's, not everyone's (deploy creates 0750).
      unit_.add("Service", "LogsDirectoryMode", "0750");
    } else {
      log_directory_by_tmpfiles_ = true;
    }
  }

  void warn_native_losses() {
    const auto& restart = service_.restart;
    if (restart.policy != RestartPolicy::never) {
      if (restart.multiplier != 1.0) {
        warning("restart.multiplier",
                "systemd 252 has no restart backoff (RestartSteps= needs systemd 254): every "
                "restart waits RestartSec=" +
                    timespan(restart.delay) +
                    "; set multiplier = 1.0 to silence this, or use supervisor = \"daemonize\"");
        if (written_in_manifest("restart.max_delay")) {
          warning("restart.max_delay",
                  "systemd 252 has no restart backoff, so max_delay has no effect in native mode");
        }
      }
      if (written_in_manifest("restart.reset_after")) {
        warning("restart.reset_after",
                "systemd has no backoff to reset; reset_after has no effect in native mode");
      }
    }
    if (service_.health) {
      warning("health",
              "systemd 252 cannot run health checks: in native mode [health] is ignored (no "
              "readiness, no restart on failed checks); use supervisor = \"daemonize\"");
    }
    if (!service_.required_env.empty()) {
      warning("service.required_env",
              "systemd cannot refuse to start when a variable is missing; in native mode "
              "required_env is not enforced");
    }
  }

  // ---- both modes ----------------------------------------------------------------------------

  void render_working_directory() {
    const auto& directory = service_.working_directory;
    if (directory.empty()) return;
    auto parsed = parse_template(directory);
    const bool literal =
        std::holds_alternative<Template>(parsed) && !std::get<Template>(parsed).has_references();
    if (!literal) {
      // The watchdog resolves it at start and runs the program there; systemd cannot.
      if (native()) {
        error("service.working_directory",
              "systemd does not expand variables in WorkingDirectory=; use a literal path or "
              "supervisor = \"daemonize\"");
      }
      return;
    }
    const auto path = std::get<Template>(parsed).literal();
    if (!path.starts_with("/") && !is_home_relative(path)) {
      error("service.working_directory",
            "'service.working_directory' must be an absolute POSIX "
            "path for systemd, got '" +
                path + "' (set one in [os.linux])");
      return;
    }
    // %h is the home of the manager's user: root's in a system unit, whatever User= says.
    if (is_home_relative(path) && runs_as_another_users_home()) {
      if (!native()) return;  // the watchdog changes into it, from the service user's HOME
      if (path == "~") {
        unit_.add("Service", "WorkingDirectory", "~");  // systemd: the home of User=
        return;
      }
      error("service.working_directory",
            "systemd cannot express '" + path + "' for user " + service_.user +
                ": in a system unit %h is root's home, and WorkingDirectory=~ names only the home "
                "itself; use an absolute path, or supervisor = \"daemonize\"");
      return;
    }
    if (auto value = raw_value("service.working_directory", path, true)) {
      unit_.add("Service", "WorkingDirectory", *value);
    }
  }

  // A system unit whose program runs as another account than root: `~` is that account's home,
  // which systemd's %h does not name.
  [[nodiscard]] bool runs_as_another_users_home() const {
    return !user_scope() && !service_.user.empty() && service_.user != "root";
  }

  void render_identity() {
    if (user_scope()) {
      for (const char* key : {"service.user", "service.group"}) {
        const auto& value = std::string(key) == "service.user" ? service_.user : service_.group;
        if (!value.empty()) {
          warning(key, std::string("a user service runs as the user whose manager runs it; '") +
                           key + "' is ignored in scope = \"user\"");
        }
      }
    } else {
      if (!service_.user.empty()) {
        if (auto value = raw_value("service.user", service_.user, false)) {
          unit_.add("Service", "User", *value);
        }
        if (service_.user == "nobody") {
          warning("service.user",
                  "systemd warns that User=nobody \"is not safe\": every service running as "
                  "nobody can touch the others' files; use a dedicated account (create_user = "
                  "true)");
        }
      }
      if (!service_.group.empty()) {
        if (auto value = raw_value("service.group", service_.group, false)) {
          unit_.add("Service", "Group", *value);
        }
      }
    }
    if (service_.umask) {
      std::string octal;
      for (const int shift : {9, 6, 3, 0}) {
        octal += static_cast<char>('0' + ((*service_.umask >> shift) & 07U));
      }
      unit_.add("Service", "UMask", octal);
    }
  }

  // Daemonize mode with User=: the watchdog runs unprivileged, so systemd (as root) reads each
  // env file at unit start and hands the service user a copy in $CREDENTIALS_DIRECTORY, which
  // the watchdog prefers to the path (watchdog/src/launch_plan.cpp, env_file_credential_path).
  // systemd 252 fails the unit (243/CREDENTIALS) when a LoadCredential= file is missing; for an
  // optional file a SetCredential= of the same name is the fallback it uses instead: a dotenv
  // comment, which sets nothing (252 ignores an empty SetCredential= value).
  void render_env_file_credentials() {
    if (native() || user_scope() || service_.user.empty()) return;
    for (std::size_t i = 0; i < service_.env_files.size(); ++i) {
      const std::string key = "service.env_files[" + std::to_string(i) + "]";
      const auto& file = service_.env_files[i];
      const bool optional = file.starts_with("-");
      const auto value = raw_value(key, optional ? file.substr(1) : file, true);
      if (!value) continue;
      const std::string name = env_file_credential_name(i);
      if (optional) unit_.add("Service", "SetCredential", name + ":# optional env file not found");
      unit_.add("Service", "LoadCredential", name + ":" + *value);
    }
  }

  void render_limits() {
    const auto& limits = service_.limits;
    if (limits.memory) unit_.add("Service", "MemoryMax", memory_size(*limits.memory));
    if (limits.cpu) {
      unit_.add("Service", "CPUQuota", cpu_quota(*limits.cpu));
      if (user_scope()) {
        warning("limits.cpu",
                "CPUQuota= in a user service needs the cpu controller delegated to "
                "user@.service (not the default on Debian 12); without it the quota is ignored");
      }
    }
    if (limits.nofile) unit_.add("Service", "LimitNOFILE", std::to_string(*limits.nofile));
    if (limits.nproc) unit_.add("Service", "LimitNPROC", std::to_string(*limits.nproc));
  }

  // [systemd].hardening and [sandbox] together: a [sandbox] key that is set wins over what
  // hardening implies. Paths the watchdog (or systemd's log redirection) writes stay writable.
  void render_sandbox() {
    const auto& box = service_.sandbox;
    const bool hardening = service_.systemd.hardening;
    std::vector<std::pair<std::string, std::string>> writable;  // key, path
    if (writes_log_files()) writable.emplace_back("logs.directory", service_.logs.directory);
    const auto& directory = service_.working_directory;
    if (!directory.empty() && directory.find('$') == std::string::npos) {
      writable.emplace_back("service.working_directory", directory);
    }

    // ProtectHome=yes hides /home, /root and /run/user; read-only when the service lives there.
    std::string home_path;
    for (const auto& [key, path] : writable) {
      if (under_protected_home(path)) home_path = path;
    }
    if (under_protected_home(service_.command)) home_path = service_.command;
    if (!native() && under_protected_home(manifest_path_)) home_path = manifest_path_;
    if (!native() && under_protected_home(daemonize_path_)) home_path = daemonize_path_;

    auto yes_no = [](bool value) { return value ? "yes" : "no"; };
    if (box.no_new_privileges) {
      unit_.add("Service", "NoNewPrivileges", yes_no(*box.no_new_privileges));
    } else if (hardening) {
      unit_.add("Service", "NoNewPrivileges", "yes");
    }
    const std::string protect_system = box.protect_system.value_or(hardening ? "strict" : "");
    if (!protect_system.empty()) unit_.add("Service", "ProtectSystem", protect_system);
    if (box.protect_home) {
      unit_.add("Service", "ProtectHome", *box.protect_home);
      if (!home_path.empty() && (*box.protect_home == "yes" || *box.protect_home == "tmpfs")) {
        warning("sandbox.protect_home", "protect_home = \"" + *box.protect_home + "\" hides '" +
                                            home_path +
                                            "', which the service uses; use \"read-only\"");
      }
    } else if (hardening) {
      if (user_scope()) {
        unit_.add("Service", "ProtectHome", "read-only");
      } else if (!home_path.empty()) {
        unit_.add("Service", "ProtectHome", "read-only");
        warning("systemd.hardening", "ProtectHome=read-only instead of yes: the service uses '" +
                                         home_path + "' under a home directory");
      } else {
        unit_.add("Service", "ProtectHome", "yes");
      }
    }
    if (box.private_tmp) {
      unit_.add("Service", "PrivateTmp", yes_no(*box.private_tmp));
    } else if (hardening) {
      unit_.add("Service", "PrivateTmp", "yes");
    }
    if (user_scope() && hardening) {
      warning("systemd.hardening",
              "in a user service systemd applies ProtectSystem=, ProtectHome= and PrivateTmp= "
              "only where it can create a user namespace; elsewhere (e.g. in containers) it "
              "silently runs the service unsandboxed. ProtectHome=read-only keeps the manifest "
              "and logs under ~ readable");
    } else if (user_scope() && written_in_manifest("sandbox")) {
      warning("sandbox",
              "in a user service systemd applies most [sandbox] settings only where it can "
              "create a user namespace; elsewhere (e.g. in containers) it silently runs the "
              "service unsandboxed");
    }

    std::string paths;
    if (!protect_system.empty() && protect_system != "no") {
      std::set<std::string> seen;
      for (const auto& [key, path] : writable) {
        if (!seen.insert(path).second) continue;
        if (auto entry = path_list_entry(key, path)) paths += (paths.empty() ? "" : " ") + *entry;
      }
      if (!native()) {
        // The watchdog's state file; %t = /run (system) or $XDG_RUNTIME_DIR (user).
        paths += (paths.empty() ? "" : " ") +
                 ("-%t/daemonize/" + systemd::escape_specifiers(service_.name));
      }
    }
    append_sandbox_paths(paths, box.read_write_paths, "sandbox.read_write_paths");
    if (!paths.empty()) unit_.add("Service", "ReadWritePaths", paths);
    std::string read_only;
    append_sandbox_paths(read_only, box.read_only_paths, "sandbox.read_only_paths");
    if (!read_only.empty()) unit_.add("Service", "ReadOnlyPaths", read_only);

    if (box.private_devices) unit_.add("Service", "PrivateDevices", yes_no(*box.private_devices));
    if (box.private_users) unit_.add("Service", "PrivateUsers", yes_no(*box.private_users));
    render_capabilities();
    render_address_families();
    render_system_call_filter();
    render_kernel_switches();
  }

  // ---- service.documentation, service.aliases, before/part_of/conflicts/also_enable ----------

  void render_documentation() {
    std::string line;
    for (std::size_t i = 0; i < service_.documentation.size(); ++i) {
      const std::string key = "service.documentation[" + std::to_string(i) + "]";
      if (auto value = raw_value(key, service_.documentation[i], false)) {
        line += (line.empty() ? "" : " ") + *value;
      }
    }
    if (!line.empty()) unit_.add("Unit", "Documentation", line);
  }

  // Unit names of a [dependencies] list (".service" added without a unit suffix), joined by
  // spaces; an invalid name is an error at its element.
  std::string unit_list(const std::vector<std::string>& names, const std::string& key_prefix) {
    std::string line;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& name = names[i];
      const auto unit_name = has_unit_suffix(name) ? name : name + ".service";
      if (!is_unit_name(name) || unit_name.size() > 255) {
        error(key_prefix + "[" + std::to_string(i) + "]",
              "'" + name +
                  "' is not a valid unit name (letters, digits, \"_.-@:\\\", at most 255 "
                  "bytes with its suffix)");
        continue;
      }
      line += (line.empty() ? "" : " ") + systemd::escape_specifiers(unit_name);
    }
    return line;
  }

  // Before=, PartOf=, Conflicts=: relations only, nothing is pulled in.
  void render_relations() {
    const auto& dependencies = service_.dependencies;
    for (const auto& [names, setting, key] :
         {std::tuple{&dependencies.before, "Before", "dependencies.before"},
          std::tuple{&dependencies.part_of, "PartOf", "dependencies.part_of"},
          std::tuple{&dependencies.conflicts, "Conflicts", "dependencies.conflicts"}}) {
      if (auto line = unit_list(*names, key); !line.empty()) unit_.add("Unit", setting, line);
    }
  }

  // Alias= (links made by `systemctl enable`) and Also= (units enabled along).
  void render_install_names() {
    if (auto line = unit_list(service_.aliases, "service.aliases"); !line.empty())
      unit_.add("Install", "Alias", line);
    if (auto line = unit_list(service_.dependencies.also_enable, "dependencies.also_enable");
        !line.empty()) {
      unit_.add("Install", "Also", line);
    }
  }

  // ---- [sandbox] kernel switches -------------------------------------------------------------

  void render_kernel_switches() {
    const auto& box = service_.sandbox;
    auto yes_no = [](bool value) { return value ? "yes" : "no"; };
    const std::array<std::pair<const std::optional<bool>*, const char*>, 13> flags{{
        {&box.protect_kernel_tunables, "ProtectKernelTunables"},
        {&box.protect_kernel_modules, "ProtectKernelModules"},
        {&box.protect_kernel_logs, "ProtectKernelLogs"},
        {&box.protect_control_groups, "ProtectControlGroups"},
        {&box.protect_clock, "ProtectClock"},
        {&box.protect_hostname, "ProtectHostname"},
        {&box.restrict_namespaces, "RestrictNamespaces"},
        {&box.restrict_realtime, "RestrictRealtime"},
        {&box.restrict_suid_sgid, "RestrictSUIDSGID"},
        {&box.lock_personality, "LockPersonality"},
        {&box.memory_deny_write_execute, "MemoryDenyWriteExecute"},
        {&box.private_network, "PrivateNetwork"},
        {&box.remove_ipc, "RemoveIPC"},
    }};
    for (const auto& [flag, setting] : flags) {
      if (*flag) unit_.add("Service", setting, yes_no(**flag));
    }
    if (!box.system_call_architectures.empty()) {
      std::string line;
      for (const auto& name : box.system_call_architectures)
        line += (line.empty() ? "" : " ") + name;
      unit_.add("Service", "SystemCallArchitectures", line);
    }
    if (box.device_policy) unit_.add("Service", "DevicePolicy", *box.device_policy);
    bool null_allowed = false;
    for (std::size_t i = 0; i < box.device_allow.size(); ++i) {
      const auto& rule = box.device_allow[i];
      null_allowed = null_allowed || rule == "/dev/null" || rule.starts_with("/dev/null ");
      if (auto value = raw_value("sandbox.device_allow[" + std::to_string(i) + "]", rule, false))
        unit_.add("Service", "DeviceAllow", *value);
    }
    if (box.protect_proc) unit_.add("Service", "ProtectProc", *box.protect_proc);
    if (box.proc_subset) unit_.add("Service", "ProcSubset", *box.proc_subset);
    if (native()) return;
    // What the watchdog, inside the same sandbox, still needs.
    if (box.device_policy == "strict" && !null_allowed) {
      warning("sandbox.device_policy",
              "device_policy = \"strict\" without \"/dev/null rw\" in device_allow: the "
              "watchdog opens /dev/null for output that goes nowhere and for exec health checks");
    }
  }

  void append_sandbox_paths(std::string& paths, const std::vector<std::string>& entries,
                            const std::string& key_prefix) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string key = key_prefix + "[" + std::to_string(i) + "]";
      const bool optional = entries[i].starts_with("-");
      const std::string path = optional ? entries[i].substr(1) : entries[i];
      if (!path.starts_with("/")) {
        warning(key, "'" + entries[i] + "' is not a POSIX path; dropped (set it in [os.linux])");
        continue;
      }
      if (auto entry = path_list_entry(key, path, optional)) {
        paths += (paths.empty() ? "" : " ") + *entry;
      }
    }
  }

  // The bounding set is the list; the same list is ambient, so a program run as User= (the
  // watchdog in daemonize mode, which passes them on to the program) holds them.
  void render_capabilities() {
    if (!service_.sandbox.capabilities) return;
    std::string list;
    for (const auto& name : *service_.sandbox.capabilities)
      list += (list.empty() ? "" : " ") + name;
    unit_.add("Service", "CapabilityBoundingSet", list);  // empty: no capability at all
    if (!list.empty()) unit_.add("Service", "AmbientCapabilities", list);
  }

  // The watchdog speaks sd_notify over AF_UNIX, and its http/tcp probes need AF_INET/AF_INET6.
  void render_address_families() {
    const auto& families = service_.sandbox.restrict_address_families;
    if (families.empty()) return;
    std::vector<std::string> list;
    auto add = [&list](const std::string& family) {
      if (std::find(list.begin(), list.end(), family) == list.end()) list.push_back(family);
    };
    const bool none = std::find(families.begin(), families.end(), "none") != families.end();
    if (none && families.size() > 1) {
      error("sandbox.restrict_address_families",
            "'sandbox.restrict_address_families' lists \"none\" with other families");
      return;
    }
    if (native()) {
      for (const auto& family : families) add(family);
    } else {
      if (none) {
        warning("sandbox.restrict_address_families",
                "the watchdog needs AF_UNIX to talk to systemd: \"none\" becomes AF_UNIX only");
      } else {
        for (const auto& family : families) add(family);
      }
      add("AF_UNIX");
      if (service_.health && service_.health->check != HealthCheckKind::exec) {
        add("AF_INET");
        add("AF_INET6");
      }
    }
    std::string line;
    for (const auto& family : list) line += (line.empty() ? "" : " ") + family;
    unit_.add("Service", "RestrictAddressFamilies", line);
  }

  // Allowed calls on one line, denied ones ("~…") on another: systemd reads "~" for a whole line.
  void render_system_call_filter() {
    const auto& filter = service_.sandbox.system_call_filter;
    if (filter.empty()) return;
    std::string allowed;
    std::string denied;
    for (const auto& entry : filter) {
      if (entry.starts_with("~")) {
        denied += (denied.empty() ? "~" : " ") + entry.substr(1);
      } else {
        allowed += (allowed.empty() ? "" : " ") + entry;
      }
    }
    if (!allowed.empty()) {
      unit_.add("Service", "SystemCallFilter", allowed);
      if (!native() && allowed.find("@system-service") == std::string::npos) {
        warning("sandbox.system_call_filter",
                "the filter applies to the watchdog too, which needs the calls of "
                "\"@system-service\"; add it, or the watchdog may be killed (SIGSYS)");
      }
    }
    if (!denied.empty()) unit_.add("Service", "SystemCallFilter", denied);
  }

  // [directories]: systemd creates each one owned by User=/Group= before the start, with
  // directories.mode, and removes the runtime ones at stop.
  void render_directories() {
    const auto& directories = service_.directories;
    char mode[8];
    (void)std::snprintf(mode, sizeof mode, "%04o", directories.mode);
    const bool mode_set = written_in_manifest("directories.mode") || directories.mode != 0755;
    const std::array<std::tuple<const std::vector<std::string>*, const char*, const char*>, 5>
        kinds{
            {{&directories.runtime, "RuntimeDirectory", "directories.runtime"},
             {&directories.state, "StateDirectory", "directories.state"},
             {&directories.cache, "CacheDirectory", "directories.cache"},
             {&directories.logs, "LogsDirectory", "directories.logs"},
             {&directories.configuration, "ConfigurationDirectory", "directories.configuration"}}};
    for (const auto& [names, setting, key] : kinds) {
      if (names->empty()) continue;
      std::string line;
      for (const auto& name : *names) {
        line += (line.empty() ? "" : " ") + systemd::escape_specifiers(name);
      }
      unit_.add("Service", setting, line);
      // One mode per kind: it also applies to the watchdog's own runtime and log directories.
      if (mode_set) unit_.set("Service", std::string(setting) + "Mode", mode);
    }
  }

  void render_extra() {
    for (const auto& [name, value] : service_.systemd.extra) {
      const std::string key = "systemd.extra." + name;
      const auto dot = name.find('.');
      const std::string section = dot == std::string::npos ? "" : name.substr(0, dot);
      const std::string setting = dot == std::string::npos ? name : name.substr(dot + 1);
      const auto* allowed = std::find_if(
          kExtraAllowList.begin(), kExtraAllowList.end(),
          [&](const ExtraKey& entry) { return section == entry.section && setting == entry.key; });
      if (allowed == kExtraAllowList.end()) {
        std::string names;
        for (const auto& entry : kExtraAllowList) {
          if (section == entry.section) names += std::string(names.empty() ? "" : ", ") + entry.key;
        }
        error(key, "'" + name + "' is not on the [systemd].extra allow-list" +
                       (names.empty() ? std::string(" (sections: Unit, Service, Install)")
                                      : " of [" + section + "]: " + names) +
                       "; settings daemonize renders itself come from the manifest's own keys");
        continue;
      }
      // Extra values are systemd syntax, written as given (specifiers included).
      if (auto problem = systemd::raw_value_problem(value)) {
        error(key, "'" + key + "' " + *problem);
        continue;
      }
      if (allowed->list) {
        unit_.add(section, setting, value);
      } else {
        unit_.set(section, setting, value);
      }
    }
  }

  const Service& service_;
  const std::string daemonize_path_;
  const std::string manifest_path_;
  UnitFile unit_;
  RenderResult result_;
  bool log_directory_by_tmpfiles_ = false;
  std::string env_file_content_;  // native [env] lines when env_files are set too
};

class SystemdBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "systemd"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::linux; }
  // A manifest written for Windows only (no [os.linux] command) cannot become a systemd unit.
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    const auto parsed = parse_template(service.command);
    const bool literal =
        std::holds_alternative<Template>(parsed) && !std::get<Template>(parsed).has_references();
    if (literal && !service.command.starts_with("/")) {
      return "service.command '" + service.command +
             "' is not an absolute POSIX path (set one in [os.linux])";
    }
    return std::nullopt;
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return render_systemd(service, options);
  }
};

}  // namespace

std::string systemd_installed_manifest_path(const Service& service) {
  if (service.scope == Scope::user) return "~/.config/daemonize/" + service.name + ".toml";
  return "/etc/daemonize/" + service.name + ".toml";
}

RenderResult render_systemd(const Service& service, const RenderOptions& options) {
  return SystemdRenderer(service, options).render();
}

std::unique_ptr<Backend> make_systemd_backend() { return std::make_unique<SystemdBackend>(); }

}  // namespace daemonize
