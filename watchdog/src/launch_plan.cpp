#include "daemonize/watchdog/launch_plan.hpp"

#include <set>
#include <utility>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/watchdog/dotenv.hpp"

namespace daemonize {
namespace {

class ProblemList {
 public:
  explicit ProblemList(const Service& service) : service_(service) {}

  // A problem about a manifest key: "FILE:LINE:COL: error: ..." when the key's position is known.
  void about_key(const std::string& key, std::string message, int code = exit_code::config_error) {
    const auto position = service_.position_of(key);
    if (position.line > 0) {
      Diagnostic diagnostic{
          Severity::error,   service_.manifest_path, position.line, position.column, key,
          std::move(message)};
      add(code, format_diagnostic(diagnostic));
    } else {
      add(code, "daemonize: " + message);
    }
  }
  void plain(const std::string& message, int code = exit_code::config_error) {
    add(code, "daemonize: " + message);
  }
  std::vector<StartupProblem> take() { return std::move(problems_); }
  [[nodiscard]] bool empty() const { return problems_.empty(); }
  [[nodiscard]] std::size_t size() const { return problems_.size(); }

 private:
  void add(int code, std::string line) {
    if (seen_.insert(line).second) problems_.push_back({code, std::move(line)});
  }
  const Service& service_;
  std::vector<StartupProblem> problems_;
  std::set<std::string> seen_;
};

// Resolves one manifest string against the child's environment, reporting every missing variable.
std::string resolve(const std::string& text, const std::string& key,
                    const std::map<std::string, std::string>& environment, ProblemList& problems,
                    std::set<std::string>& reported_names) {
  const auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto found = environment.find(name); found != environment.end()) return found->second;
    return std::nullopt;
  };
  Resolution resolution = resolve_string(text, lookup);
  for (const auto& missing : resolution.unresolved) {
    if (!missing.name.empty() && !reported_names.insert(missing.name).second) continue;
    problems.about_key(key, missing.message);
  }
  return std::move(resolution.value);
}

// [hooks] and [reload] command: interpolated like service.args (`$@{VAR}` elements after the
// program split into words); argv[0] must then be an absolute
// path (of either OS: the Windows watchdog gets Windows paths) of an executable file.
HooksConfig resolve_hooks(const Service& service,
                          const std::map<std::string, std::string>& environment,
                          const HostQueries& host, ProblemList& problems,
                          std::set<std::string>& reported_names) {
  HooksConfig hooks = effective_hooks(service);
  for (const auto phase : {HookPhase::pre_start, HookPhase::post_start, HookPhase::stop,
                           HookPhase::post_stop, HookPhase::reload}) {
    auto& commands = hooks.of(phase);
    for (std::size_t index = 0; index < commands.size(); ++index) {
      const std::string key =
          phase == HookPhase::reload && !service.reload.command.empty()
              ? std::string("reload.command")
              : "hooks." + std::string(to_string(phase)) + "[" + std::to_string(index) + "]";
      auto& argv = commands[index].argv;
      const std::size_t before = problems.size();
      std::vector<std::string> resolved;
      for (std::size_t at = 0; at < argv.size(); ++at) {
        if (auto name = split_reference(argv[at]); name && at > 0) {  // `$@{VAR}`: 0+ words
          if (auto found = environment.find(*name); found != environment.end()) {
            for (auto& word : split_words(found->second)) resolved.push_back(std::move(word));
          }
          continue;
        }
        resolved.push_back(resolve(argv[at], key, environment, problems, reported_names));
      }
      argv = std::move(resolved);
      if (argv.empty() || problems.size() != before) continue;
      const auto& program = argv.front();
      if (!is_posix_absolute_path(program) && !is_windows_absolute_path(program)) {
        problems.about_key(key,
                           key + ": the program must be an absolute path, got \"" + program + "\"");
      } else if (auto why = host.executable_problem(program); !why.empty()) {
        problems.about_key(key, key + ": " + program + ": " + why);
      }
    }
  }
  return hooks;
}

}  // namespace

bool is_watchdog_only_variable(const std::string& name) {
  static const std::set<std::string> names{"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                                           "LISTEN_PID",    "LISTEN_FDS",    "LISTEN_FDNAMES"};
  return names.contains(name);
}

std::optional<std::string> env_file_credential_path(
    std::size_t index, const std::map<std::string, std::string>& inherited) {
  const auto found = inherited.find("CREDENTIALS_DIRECTORY");
  if (found == inherited.end() || found->second.empty()) return std::nullopt;
  return found->second + "/" + env_file_credential_name(index);
}

StartupResult prepare_launch(const Service& service,
                             const std::map<std::string, std::string>& inherited,
                             const HostQueries& host) {
  ProblemList problems(service);
  LaunchPlan plan;

  LayeredEnvironment layers;
  for (const auto& [name, value] : inherited) {
    if (!is_watchdog_only_variable(name)) layers.inherited.emplace(name, value);
  }

  // The account first: switching user changes HOME, USER, LOGNAME and SHELL of the inherited set.
  if (!service.user.empty()) {
    const auto account = host.find_user(service.user);
    if (!account) {
      problems.about_key("service.user", "unknown user " + service.user);
    } else {
      std::optional<unsigned> gid = account->gid;
      if (!service.group.empty()) {
        gid = host.find_group(service.group);
        if (!gid) problems.about_key("service.group", "unknown group " + service.group);
      }
      const unsigned euid = host.effective_uid();
      if (account->uid != euid) {
        if (euid != 0) {
          problems.about_key("service.user",
                             "the watchdog runs as uid " + std::to_string(euid) +
                                 " and cannot switch to user " + service.user +
                                 ": start it as root or as " + service.user,
                             exit_code::no_permission);
        } else if (gid) {
          plan.user = UserSwitch{account->name, account->uid, *gid,
                                 host.supplementary_groups(*account, *gid)};
          layers.inherited["HOME"] = account->home;
          layers.inherited["USER"] = account->name;
          layers.inherited["LOGNAME"] = account->name;
          if (!account->shell.empty()) layers.inherited["SHELL"] = account->shell;
        }
      }
    }
  }

  for (std::size_t index = 0; index < service.env_files.size(); ++index) {
    std::string path = service.env_files[index];
    const bool optional = path.starts_with("-");
    if (optional) path.erase(0, 1);
    const std::string key = "service.env_files[" + std::to_string(index) + "]";
    HostResult<std::string> text = HostError{};
    if (const auto copy = env_file_credential_path(index, inherited)) text = host.read_file(*copy);
    if (!text) text = host.read_file(path);
    if (!text) {
      if (!optional) {
        problems.about_key(key, "cannot read env file " + path + ": " + text.error().detail);
      }
      continue;
    }
    auto parsed = parse_dotenv(*text);
    if (const auto* bad = std::get_if<DotenvError>(&parsed)) {
      problems.plain(path + ":" + std::to_string(bad->line) + ": " + bad->message);
      continue;
    }
    for (auto& [name, value] : std::get<DotenvEntries>(parsed)) {
      layers.from_env_files[name] = std::move(value);
    }
  }
  layers.manifest_env = service.env;

  auto built = layers.build();
  std::set<std::string> reported_names;
  for (const auto& missing : built.unresolved) {
    if (!missing.name.empty() && !reported_names.insert(missing.name).second) continue;
    problems.about_key("env", missing.message);
  }
  const auto& environment = built.environment;

  plan.executable =
      resolve(service.command, "service.command", environment, problems, reported_names);
  plan.argv.push_back(plan.executable);
  for (std::size_t index = 0; index < service.args.size(); ++index) {
    const auto& argument = service.args[index];
    if (auto name = split_reference(argument)) {  // `$@{VAR}`: zero or more words
      if (auto found = environment.find(*name); found != environment.end()) {
        for (auto& word : split_words(found->second)) plan.argv.push_back(std::move(word));
      }
      continue;
    }
    plan.argv.push_back(resolve(argument, "service.args[" + std::to_string(index) + "]",
                                environment, problems, reported_names));
  }
  if (!service.working_directory.empty()) {
    plan.working_directory = resolve(service.working_directory, "service.working_directory",
                                     environment, problems, reported_names);
    // "~/dir" is in the home of the user the program runs as: HOME, which follows the user
    // switch, else (no switch, no HOME: a systemd system service) the watchdog's own account.
    if (plan.working_directory == "~" || plan.working_directory.starts_with("~/")) {
      std::optional<std::string> home;
      if (auto found = environment.find("HOME");
          found != environment.end() && !found->second.empty())
        home = found->second;
      if (!home && !plan.user) home = host.own_home();
      if (!home) {
        problems.about_key(
            "service.working_directory",
            "working directory " + plan.working_directory + " starts with ~ but HOME is not set");
      } else {
        plan.working_directory = *home + plan.working_directory.substr(1);
      }
    }
  }

  for (const auto& name : service.required_env) {
    const auto found = environment.find(name);
    if ((found == environment.end() || found->second.empty()) &&
        reported_names.insert(name).second) {
      problems.about_key("service.required_env",
                         "required environment variable " + name + " is not set or empty");
    }
  }

  if (!plan.executable.empty() && plan.executable.front() != '/' && !problems.empty()) {
    // The command was built from a missing variable; the variable is already reported.
  } else if (plan.executable.empty() || plan.executable.front() != '/') {
    problems.about_key("service.command",
                       "command must be an absolute path, got \"" + plan.executable + "\"");
  } else if (auto why = host.executable_problem(plan.executable); !why.empty()) {
    problems.about_key("service.command", "command " + plan.executable + ": " + why);
  }
  if (!plan.working_directory.empty() && !plan.working_directory.starts_with("~") &&
      !host.is_directory(plan.working_directory)) {
    problems.about_key("service.working_directory",
                       "working directory " + plan.working_directory + " does not exist");
  }

  plan.hooks = resolve_hooks(service, environment, host, problems, reported_names);

  for (const auto& [name, value] : environment) {
    if (!is_watchdog_only_variable(name)) plan.environment.emplace(name, value);
  }
  plan.umask = service.umask;
  plan.nofile = service.limits.nofile;
  plan.nproc = service.limits.nproc;

  StartupResult result;
  result.problems = problems.take();
  if (result.problems.empty()) result.plan = std::move(plan);
  return result;
}

}  // namespace daemonize
