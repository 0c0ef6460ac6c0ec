#include "daemonize/core/model_json.hpp"

#include <boost/json.hpp>

#include "spellings.hpp"

namespace daemonize {
namespace {

boost::json::array string_array(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return array;
}

boost::json::value optional_number(const std::optional<std::uint64_t>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

std::string octal_text(std::uint32_t mode) {
  char text[8];
  (void)std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

// "inherit", "null", or the file name.
boost::json::value log_stream(const LogStream& stream) {
  if (const char* spelling = spelling_of(stream.kind)) return spelling;
  return boost::json::value(stream.file_name);
}

}  // namespace

boost::json::value to_json(const Service& s) {
  boost::json::object service{
      {"name", s.name},
      {"display_name", s.display_name},
      {"description", s.description},
      {"command", s.command},
      {"args", string_array(s.args)},
      {"working_directory", s.working_directory},
      {"user", s.user},
      {"group", s.group},
      {"create_user", s.create_user},
      {"scope", to_string(s.scope)},
      {"supervisor", to_string(s.supervisor)},
      {"env_files", string_array(s.env_files)},
      {"required_env", string_array(s.required_env)},
      {"type", to_string(s.type)},
      {"pid_file", s.pid_file},
      {"remain_after_exit", s.remain_after_exit},
      {"documentation", string_array(s.documentation)},
      {"aliases", string_array(s.aliases)},
  };
  if (s.umask) {
    char text[8];
    (void)std::snprintf(text, sizeof text, "%04o", *s.umask);
    service["umask"] = text;
  } else {
    service["umask"] = nullptr;
  }
  boost::json::object env;
  for (const auto& [name, value] : s.env) env[name] = value;

  boost::json::array success_codes;
  for (int code : s.restart.success_exit_codes) success_codes.emplace_back(code);
  boost::json::array prevent_codes;
  for (int code : s.restart.prevent_exit_codes) prevent_codes.emplace_back(code);
  boost::json::object restart{
      {"policy", to_string(s.restart.policy)},
      {"delay_ms", s.restart.delay.count()},
      {"max_delay_ms", s.restart.max_delay.count()},
      {"multiplier", s.restart.multiplier},
      {"reset_after_ms", s.restart.reset_after.count()},
      {"max_restarts", s.restart.max_restarts},
      {"window_ms", s.restart.window.count()},
      {"success_exit_codes", success_codes},
      {"prevent_exit_codes", prevent_codes},
  };
  boost::json::object stop{
      {"signal", to_string(s.stop.signal)},
      // "infinity" has no number of milliseconds
      {"timeout_ms", is_infinite(s.stop.timeout) ? boost::json::value(nullptr)
                                                 : boost::json::value(s.stop.timeout.count())},
      {"kill", to_string(s.stop.kill)}};
  boost::json::object reload{{"signal", to_string(s.reload.signal)},
                             {"command", string_array(s.reload.command)},
                             {"signal_after_hooks", s.reload.signal_after_hooks}};
  boost::json::object hooks;
  for (const auto phase : {HookPhase::pre_start, HookPhase::post_start, HookPhase::stop,
                           HookPhase::post_stop, HookPhase::reload}) {
    boost::json::array commands;
    for (const auto& hook : s.hooks.of(phase)) {
      commands.push_back(boost::json::object{{"command", string_array(hook.argv)},
                                             {"ignore_failure", hook.ignore_failure},
                                             {"timeout_ms", hook.timeout.count()}});
    }
    hooks[to_string(phase)] = std::move(commands);
  }
  boost::json::object logs{
      {"directory", s.logs.directory},
      {"stdout", log_stream(s.logs.stdout_stream)},
      {"stderr", log_stream(s.logs.stderr_stream)},
      {"max_size", s.logs.max_size},
      {"max_files", s.logs.max_files},
      {"rotate_every", s.logs.rotate_every == RotateEvery::none
                           ? boost::json::value(nullptr)
                           : boost::json::value(to_string(s.logs.rotate_every))},
      {"timezone", to_string(s.logs.timezone)},
      {"compress", s.logs.compress},
      {"timestamps", s.logs.timestamps},
  };
  boost::json::value health = nullptr;
  if (s.health) {
    const auto& h = *s.health;
    boost::json::object object{
        {"check", to_string(h.check)},
        {"interval_ms", h.interval.count()},
        {"timeout_ms", h.timeout.count()},
        {"retries", h.retries},
        {"start_period_ms", h.start_period.count()},
    };
    if (h.check == HealthCheckKind::http) object["url"] = h.url;
    if (h.check == HealthCheckKind::tcp) object["address"] = h.address;
    if (h.check == HealthCheckKind::exec) object["command"] = string_array(h.command);
    health = object;
  }
  boost::json::object limits{
      {"memory", optional_number(s.limits.memory)},
      {"cpu", s.limits.cpu ? boost::json::value(*s.limits.cpu) : boost::json::value(nullptr)},
      {"nofile", optional_number(s.limits.nofile)},
      {"nproc", optional_number(s.limits.nproc)},
  };
  boost::json::object dependencies{
      {"after", string_array(s.dependencies.after)},
      {"requires", string_array(s.dependencies.requires_units)},
      {"wants", string_array(s.dependencies.wants)},
      {"requires_mounts_for", string_array(s.dependencies.requires_mounts_for)},
      {"before", string_array(s.dependencies.before)},
      {"part_of", string_array(s.dependencies.part_of)},
      {"conflicts", string_array(s.dependencies.conflicts)},
      {"also_enable", string_array(s.dependencies.also_enable)}};
  const auto& dirs = s.directories;
  boost::json::object directories{{"runtime", string_array(dirs.runtime)},
                                  {"state", string_array(dirs.state)},
                                  {"cache", string_array(dirs.cache)},
                                  {"logs", string_array(dirs.logs)},
                                  {"configuration", string_array(dirs.configuration)},
                                  {"mode", octal_text(dirs.mode)}};
  const auto& box = s.sandbox;
  auto optional_flag = [](const std::optional<bool>& flag) {
    return flag ? boost::json::value(*flag) : boost::json::value(nullptr);
  };
  auto optional_text = [](const std::optional<std::string>& text) {
    return text ? boost::json::value(*text) : boost::json::value(nullptr);
  };
  boost::json::object sandbox{
      {"no_new_privileges", optional_flag(box.no_new_privileges)},
      {"private_tmp", optional_flag(box.private_tmp)},
      {"protect_system", optional_text(box.protect_system)},
      {"protect_home", optional_text(box.protect_home)},
      {"read_write_paths", string_array(box.read_write_paths)},
      {"read_only_paths", string_array(box.read_only_paths)},
      {"private_devices", optional_flag(box.private_devices)},
      {"private_users", optional_flag(box.private_users)},
      {"capabilities", box.capabilities ? boost::json::value(string_array(*box.capabilities))
                                        : boost::json::value(nullptr)},
      {"restrict_address_families", string_array(box.restrict_address_families)},
      {"system_call_filter", string_array(box.system_call_filter)},
      {"protect_kernel_tunables", optional_flag(box.protect_kernel_tunables)},
      {"protect_kernel_modules", optional_flag(box.protect_kernel_modules)},
      {"protect_kernel_logs", optional_flag(box.protect_kernel_logs)},
      {"protect_control_groups", optional_flag(box.protect_control_groups)},
      {"protect_clock", optional_flag(box.protect_clock)},
      {"protect_hostname", optional_flag(box.protect_hostname)},
      {"restrict_namespaces", optional_flag(box.restrict_namespaces)},
      {"restrict_realtime", optional_flag(box.restrict_realtime)},
      {"restrict_suid_sgid", optional_flag(box.restrict_suid_sgid)},
      {"lock_personality", optional_flag(box.lock_personality)},
      {"memory_deny_write_execute", optional_flag(box.memory_deny_write_execute)},
      {"private_network", optional_flag(box.private_network)},
      {"remove_ipc", optional_flag(box.remove_ipc)},
      {"system_call_architectures", string_array(box.system_call_architectures)},
      {"device_policy", optional_text(box.device_policy)},
      {"device_allow", string_array(box.device_allow)},
      {"protect_proc", optional_text(box.protect_proc)},
      {"proc_subset", optional_text(box.proc_subset)}};
  boost::json::object extra;
  for (const auto& [key, value] : s.systemd.extra) extra[key] = value;
  boost::json::object systemd{{"hardening", s.systemd.hardening}, {"extra", extra}};
  boost::json::object launchd{{"label", s.launchd.label}, {"process_type", s.launchd.process_type}};
  boost::json::object windows{{"backend", to_string(s.windows.backend)},
                              {"start", to_string(s.windows.start)},
                              {"account", s.windows.account},
                              {"task_trigger", to_string(s.windows.task_trigger)}};
  boost::json::array rbac;
  for (const auto& rule : s.kubernetes.rbac) {
    rbac.emplace_back(boost::json::object{{"api_groups", string_array(rule.api_groups)},
                                          {"resources", string_array(rule.resources)},
                                          {"verbs", string_array(rule.verbs)},
                                          {"resource_names", string_array(rule.resource_names)},
                                          {"cluster", rule.cluster}});
  }
  boost::json::object kubernetes{
      {"image",
       s.kubernetes.image ? boost::json::value(*s.kubernetes.image) : boost::json::value(nullptr)},
      {"replicas", s.kubernetes.replicas},
      {"namespace", s.kubernetes.namespace_name},
      {"service_account", s.kubernetes.service_account},
      {"port",
       s.kubernetes.port ? boost::json::value(*s.kubernetes.port) : boost::json::value(nullptr)},
      {"rbac", rbac},
      {"allow_principals", string_array(s.kubernetes.allow_principals)},
  };
  boost::json::object model{
      {"schema", s.schema},
      {"os", to_string(s.os)},
      {"service", service},
      {"env", env},
      {"restart", restart},
      {"stop", stop},
      {"reload", reload},
      {"hooks", hooks},
      {"logs", logs},
      {"health", health},
      {"limits", limits},
      {"dependencies", dependencies},
      {"directories", directories},
      {"sandbox", sandbox},
      {"systemd", systemd},
      {"launchd", launchd},
      {"windows", windows},
      {"kubernetes", kubernetes},
  };
  // [schedule] appears only when the manifest has one.
  if (s.schedule) {
    model["schedule"] = boost::json::object{
        {"cron", s.schedule->cron},
        {"every_ms", s.schedule->every.count()},
        {"randomized_delay_ms", s.schedule->randomized_delay.count()},
        {"persistent", s.schedule->persistent},
        {"overlap", to_string(s.schedule->overlap)},
    };
  }
  return model;
}

}  // namespace daemonize
