#include "daemonize/core/model.hpp"

#include <csignal>
#include <utility>

#include "spellings.hpp"

namespace daemonize {

SourcePosition Service::position_of(const std::string& key) const {
  std::string probe = key;
  while (!probe.empty()) {
    if (auto found = positions.find(probe); found != positions.end()) return found->second;
    const auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos) break;
    probe.resize(cut);
  }
  return {};
}

namespace {

// The spelling of `fallback` for a value out of range.
template <typename Enum>
const char* spelled(Enum value, Enum fallback) {
  const char* text = spelling_of(value);
  return text != nullptr ? text : spelling_of(fallback);
}

}  // namespace

const char* to_string(Signal signal) { return spelled(signal, Signal::term); }
const char* to_string(RestartPolicy policy) { return spelled(policy, RestartPolicy::on_failure); }
const char* to_string(RotateEvery every) {
  const char* text = spelling_of(every);
  return text != nullptr ? text : "none";
}
const char* to_string(HealthCheckKind kind) { return spelled(kind, HealthCheckKind::http); }
const char* to_string(Scope scope) { return spelled(scope, Scope::system); }
const char* to_string(SupervisorMode mode) { return spelled(mode, SupervisorMode::daemonize); }
const char* to_string(WindowsStart start) { return spelled(start, WindowsStart::automatic); }
const char* to_string(WindowsBackend backend) { return spelled(backend, WindowsBackend::service); }
const char* to_string(TaskTrigger trigger) { return spelled(trigger, TaskTrigger::boot); }
const char* to_string(TargetOs os) { return spelled(os, TargetOs::linux); }
const char* to_string(LogTimezone timezone) { return spelled(timezone, LogTimezone::utc); }
const char* to_string(KillScope scope) { return spelled(scope, KillScope::group); }
const char* to_string(HookPhase phase) { return spelled(phase, HookPhase::pre_start); }
const char* to_string(ScheduleOverlap overlap) { return spelled(overlap, ScheduleOverlap::skip); }

const std::vector<HookCommand>& HooksConfig::of(HookPhase phase) const {
  switch (phase) {
    case HookPhase::pre_start:
      return pre_start;
    case HookPhase::post_start:
      return post_start;
    case HookPhase::stop:
      return stop;
    case HookPhase::post_stop:
      return post_stop;
    case HookPhase::reload:
      return reload;
  }
  return pre_start;
}

std::vector<HookCommand>& HooksConfig::of(HookPhase phase) {
  return const_cast<std::vector<HookCommand>&>(std::as_const(*this).of(phase));
}

HooksConfig effective_hooks(const Service& service) {
  HooksConfig hooks = service.hooks;
  if (!service.reload.command.empty()) hooks.reload = {HookCommand{service.reload.command}};
  return hooks;
}

bool HooksConfig::empty() const {
  return pre_start.empty() && post_start.empty() && stop.empty() && post_stop.empty() &&
         reload.empty();
}

const char* to_string(ServiceType type) { return spelled(type, ServiceType::simple); }

std::optional<std::string> service_type_problem(ServiceType type, TargetOs os) {
  if (os != TargetOs::windows || (type != ServiceType::forking && type != ServiceType::notify)) {
    return std::nullopt;
  }
  const bool forking = type == ServiceType::forking;
  return std::string("type = \"") + to_string(type) + "\" is not available on Windows (" +
         (forking ? "no pid file to adopt a daemon from" : "no sd_notify") +
         "); set it for Linux only, in [os.linux.service]";
}

int posix_signal_number(Signal signal) {
#if defined(_WIN32)
  // Windows has no such signals; the numbers are only informative there (Linux values).
  constexpr int hangup = 1, quit = 3, kill = 9, usr1 = 10, usr2 = 12;
#else
  constexpr int hangup = SIGHUP, quit = SIGQUIT, kill = SIGKILL, usr1 = SIGUSR1, usr2 = SIGUSR2;
#endif
  switch (signal) {
    case Signal::term:
      return SIGTERM;
    case Signal::interrupt:
      return SIGINT;
    case Signal::hangup:
      return hangup;
    case Signal::quit:
      return quit;
    case Signal::usr1:
      return usr1;
    case Signal::usr2:
      return usr2;
    case Signal::kill:
      return kill;
  }
  return SIGTERM;
}

std::vector<std::string> unit_relation_keys_set(const Service& service) {
  std::vector<std::string> keys;
  const auto& dependencies = service.dependencies;
  if (!dependencies.before.empty()) keys.emplace_back("dependencies.before");
  if (!dependencies.part_of.empty()) keys.emplace_back("dependencies.part_of");
  if (!dependencies.conflicts.empty()) keys.emplace_back("dependencies.conflicts");
  if (!dependencies.also_enable.empty()) keys.emplace_back("dependencies.also_enable");
  if (!service.aliases.empty()) keys.emplace_back("service.aliases");
  return keys;
}

std::vector<std::string> SandboxConfig::keys_set() const {
  std::vector<std::string> keys;
  auto add_if = [&keys](bool set, const char* key) {
    if (set) keys.emplace_back(std::string("sandbox.") + key);
  };
  add_if(no_new_privileges.has_value(), "no_new_privileges");
  add_if(private_tmp.has_value(), "private_tmp");
  add_if(protect_system.has_value(), "protect_system");
  add_if(protect_home.has_value(), "protect_home");
  add_if(!read_write_paths.empty(), "read_write_paths");
  add_if(!read_only_paths.empty(), "read_only_paths");
  add_if(private_devices.has_value(), "private_devices");
  add_if(private_users.has_value(), "private_users");
  add_if(capabilities.has_value(), "capabilities");
  add_if(!restrict_address_families.empty(), "restrict_address_families");
  add_if(!system_call_filter.empty(), "system_call_filter");
  add_if(protect_kernel_tunables.has_value(), "protect_kernel_tunables");
  add_if(protect_kernel_modules.has_value(), "protect_kernel_modules");
  add_if(protect_kernel_logs.has_value(), "protect_kernel_logs");
  add_if(protect_control_groups.has_value(), "protect_control_groups");
  add_if(protect_clock.has_value(), "protect_clock");
  add_if(protect_hostname.has_value(), "protect_hostname");
  add_if(restrict_namespaces.has_value(), "restrict_namespaces");
  add_if(restrict_realtime.has_value(), "restrict_realtime");
  add_if(restrict_suid_sgid.has_value(), "restrict_suid_sgid");
  add_if(lock_personality.has_value(), "lock_personality");
  add_if(memory_deny_write_execute.has_value(), "memory_deny_write_execute");
  add_if(private_network.has_value(), "private_network");
  add_if(remove_ipc.has_value(), "remove_ipc");
  add_if(!system_call_architectures.empty(), "system_call_architectures");
  add_if(device_policy.has_value(), "device_policy");
  add_if(!device_allow.empty(), "device_allow");
  add_if(protect_proc.has_value(), "protect_proc");
  add_if(proc_subset.has_value(), "proc_subset");
  return keys;
}

}  // namespace daemonize
