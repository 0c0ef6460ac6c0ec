// `daemonize init [--name N] [--command PATH] [--user U] [--env K=V]... [--health-url URL]
//                 [-o FILE [--force]] [-- ARGS...]`: a commented starter manifest.
//
// The text is checked with the real loader before it is printed, so what `init` writes always
// validates: a value the loader refuses is a usage error (exit 2) naming its flag, never a
// broken manifest.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/installer.hpp"  // shell_join
#include "daemonize/core/loader.hpp"
#include "daemonize/core/paths.hpp"

namespace daemonize::cli {
namespace {

constexpr std::string_view kDefaultName = "my-service";
constexpr std::string_view kCommandDirectory = "/usr/local/bin/";  // the placeholder's directory

struct InitOptions {
  std::string name;
  std::string command;
  std::vector<std::string> args;  // after `--` (CliContext::program_args)
  std::vector<std::string> env;   // KEY=VALUE
  std::string user;
  std::string health_url;
  std::string output_file;
  bool force = false;
};

// What the flags put into the manifest, already checked for their form.
struct InitValues {
  std::string name;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string user;
  std::string health_url;
  std::string file;  // what the header's commands name: the -o file, else <name>.toml
};

// ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ (manifest.md), the same rule the loader applies.
bool is_valid_service_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (std::isalnum(static_cast<unsigned char>(name.front())) == 0) return false;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) == 0 && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool has_control_character(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// A service name made from the command's file name ("/opt/x/bin/Web_API.exe" -> "Web_API"),
// or the default when nothing usable is left.
std::string name_from_command(const std::string& command) {
  std::string base = command;
  if (const auto slash = base.find_last_of("/\\"); slash != std::string::npos) {
    base = base.substr(slash + 1);
  }
  if (base.size() > 4 && (base.ends_with(".exe") || base.ends_with(".EXE"))) {
    base.resize(base.size() - 4);
  }
  std::string name;
  for (const char c : base) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '_' || c == '.' || c == '-') name += c;
  }
  while (!name.empty() && std::isalnum(static_cast<unsigned char>(name.front())) == 0) {
    name.erase(0, 1);
  }
  if (name.size() > 64) name.resize(64);
  return is_valid_service_name(name) ? name : std::string(kDefaultName);
}

// A TOML basic string holding `text`: `"`, `\` and control characters escaped.
std::string toml_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr std::string_view hex = "0123456789ABCDEF";
      quoted += "\\u00";
      quoted += hex[byte >> 4U];
      quoted += hex[byte & 0xFU];
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// A string of a key that interpolates ${...}, which the loader reads back as `text` exactly:
// `$` is doubled (a single `$` starts an interpolation).
std::string manifest_string(const std::string& text) {
  std::string doubled;
  for (const char c : text) {
    doubled += c;
    if (c == '$') doubled += '$';
  }
  return toml_string(doubled);
}

// A TOML key: bare when it may be, else quoted.
std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  return bare ? key : toml_string(key);
}

// The body of the starter manifest; @NAME@ is replaced by the service name. Comments show the
// optional keys with their defaults (docs/manifest.md has every key).
constexpr std::string_view kStarterBody =
    R"(@ARGS@
# working_directory = "/srv/@NAME@"
@USER@
# create_user = false
# scope = "system"             # "user": systemd --user, LaunchAgent, Task Scheduler at logon
# supervisor = "daemonize"     # "native": the service manager runs the command directly
# env_files = ["-/etc/@NAME@/env"]  # KEY=VALUE files read at start; a leading "-" = optional
# required_env = ["DATABASE_URL"]  # unset at start: the watchdog exits 78 naming it

[env]
# LOG_LEVEL = "info"
# DATABASE_URL = "${DATABASE_URL}"  # resolved at start from env_files and the environment
@ENV@
[restart]
policy = "on-failure"          # "always" | "on-failure" | "never"
# delay = "1s"                 # first restart delay, times multiplier up to max_delay
# max_delay = "1m"
# multiplier = 2.0
# reset_after = "30s"          # uptime after which the delay starts again at `delay`
# max_restarts = 10            # within `window`, then give up for good (exit 75); 0 = never
# window = "5m"
# success_exit_codes = [0]

[stop]
# signal = "TERM"              # then, after `timeout`, the whole process tree is killed
# timeout = "30s"

[logs]
# directory = "/var/log/@NAME@"  # default depends on the platform and scope
# stdout = "stdout.log"        # a file name in directory | "inherit" | "null"
# stderr = "stderr.log"
# max_size = "10MiB"           # rotate at this size; 0 = no size rotation
# max_files = 5
# rotate_every = "daily"       # "hourly" | "daily" | "weekly"

@HEALTH@
# interval = "10s"
# timeout = "2s"
# retries = 3                  # consecutive failures that restart the service
# start_period = "0s"

# [limits]
# memory = "512MiB"
# cpu = 1.0                    # cores
# nofile = 65536

# [dependencies]
# after = ["network-online.target"]
)";

constexpr std::string_view kStarterTargets = R"(
# Target-specific keys: [systemd] hardening, extra; [launchd] label, process_type;
# [windows] backend, start, account, task_trigger; [kubernetes] image, replicas,
# namespace, service_account, port.
)";

// `text` with each @WORD@ replaced by its value in `values`, in one pass: a value is never
// searched for placeholders itself.
std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string result;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto at = text.find('@', from);
    const auto end = at == std::string_view::npos ? at : text.find('@', at + 1);
    if (end == std::string_view::npos) break;
    const auto found = values.find(std::string(text.substr(at + 1, end - at - 1)));
    if (found == values.end()) {
      result.append(text.substr(from, end - from));
      from = end;
      continue;
    }
    result.append(text.substr(from, at - from)).append(found->second);
    from = end + 1;
  }
  return result.append(text.substr(from));
}

// `code` and its `# comment`, the comment in the column of the template's comments.
std::string with_comment(const std::string& code, std::string_view comment) {
  constexpr std::size_t comment_column = 31;
  const std::size_t padding = code.size() + 2 <= comment_column ? comment_column - code.size() : 2;
  return code + std::string(padding, ' ') + "# " + std::string(comment);
}

std::string body(const InitValues& values) {
  std::map<std::string, std::string> fills{{"NAME", values.name}};
  if (values.args.empty()) {
    fills["ARGS"] =
        R"(args = []  # each element is exactly one argument, e.g. ["--port", "${PORT:-8080}"])";
  } else {
    std::string list;
    for (const auto& arg : values.args) list += (list.empty() ? "" : ", ") + manifest_string(arg);
    fills["ARGS"] = with_comment("args = [" + list + "]", "each element is exactly one argument");
  }
  constexpr std::string_view user_comment =
      "run as this account (deploy creates it with create_user = true)";
  fills["USER"] = values.user.empty()
                      ? with_comment("# user = " + toml_string(values.name), user_comment)
                      : with_comment("user = " + toml_string(values.user), user_comment);
  std::string env;
  for (const auto& [key, value] : values.env) {
    env += toml_key(key) + " = " + manifest_string(value) + "\n";
  }
  fills["ENV"] = env;
  if (values.health_url.empty()) {
    fills["HEALTH"] =
        "# [health]                     # optional; the first success makes the service "
        "\"ready\"\n"
        "# check = \"http\"               # \"http\" (url) | \"tcp\" (address) | \"exec\" "
        "(command)\n"
        "# url = \"http://127.0.0.1:8080/healthz\"";
  } else {
    fills["HEALTH"] =
        "[health]                       # the first success makes the service \"ready\"\n"
        "check = \"http\"                 # \"http\" (url) | \"tcp\" (address) | \"exec\" "
        "(command)\n"
        "url = " +
        manifest_string(values.health_url);
  }
  return fill(kStarterBody, fills);
}

std::string starter_manifest(const InitValues& values) {
  const auto& name = values.name;
  const auto& command = values.command;
  const bool windows_command = is_windows_absolute_path(command);
  // A Windows command goes to [os.windows]; a POSIX placeholder keeps [service] valid elsewhere.
  const std::string posix_command =
      windows_command ? std::string(kCommandDirectory) + name : command;
  std::ostringstream text;
  const std::string file = values.file.empty() ? name + ".toml" : values.file;
  text << "# " << file << ": a daemonize service manifest (schema 1).\n"
       << "# Every key is explained in docs/manifest.md (/usr/share/doc/daemonize/).\n"
       << "# Check it:   daemonize validate " << shell_join({file}) << " --target systemd\n"
       << "# Look at it: daemonize render " << shell_join({file}) << " --target all\n"
       << "# Commented lines show optional keys with their default values.\n"
       << "schema = 1\n\n"
       << "[service]\n"
       << "name = " << manifest_string(name) << "  # unit name, launchd label, SCM name\n"
       << "description = " << manifest_string("The " + name + " service") << '\n'
       << "command = " << manifest_string(posix_command)
       << "  # absolute path, run without a shell\n"
       << body(values) << '\n';
  if (windows_command) {
    text << "[os.windows]                   # per-OS overrides of any key above\n"
         << "command = " << manifest_string(command) << '\n';
  } else {
    text << "# [os.windows]                 # per-OS overrides of any key above\n"
         << "# command = 'C:\\Program Files\\" << name << "\\" << name << ".exe'\n";
  }
  text << kStarterTargets;
  return text.str();
}

// The flag whose value a diagnostic of the generated manifest is about; "" when none is.
std::string flag_of(const std::string& key) {
  auto under = [&](std::string_view prefix) {
    return key == prefix || key.starts_with(std::string(prefix) + ".") ||
           key.starts_with(std::string(prefix) + "[");
  };
  if (under("service.args")) return "the arguments after --";
  if (under("service.user")) return "--user";
  if (under("env")) return "--env";
  if (under("health")) return "--health-url";
  if (under("service.name")) return "--name";
  if (under("service.command") || under("os.windows.command")) return "--command";
  return "";
}

int write_output(const InitOptions& options, const std::string& text) {
  if (options.output_file.empty() || options.output_file == "-") {
    std::cout << text;
    return exit_code::success;
  }
  std::error_code error;
  if (std::filesystem::exists(options.output_file, error) && !options.force) {
    std::cerr << "daemonize: " << options.output_file
              << " already exists; pass --force to overwrite it\n";
    return exit_code::cannot_create;
  }
  std::ofstream out(options.output_file, std::ios::binary | std::ios::trunc);
  const int open_error = out ? 0 : errno;
  out << text;
  out.close();
  if (!out) {
    std::cerr << "daemonize: cannot write " << options.output_file
              << (open_error != 0 ? std::string(": ") + std::strerror(open_error) : std::string())
              << '\n';
    return exit_code::cannot_create;
  }
  std::cerr << "wrote " << options.output_file << "; next: daemonize validate "
            << options.output_file << '\n';
  return exit_code::success;
}

int run_init(const InitOptions& options) {
  const std::string& command = options.command;
  if (!command.empty() && (has_control_character(command) ||
                           (command.front() != '/' && !is_windows_absolute_path(command)))) {
    std::cerr << "daemonize: --command must be an absolute path (like /usr/local/bin/app or "
                 "C:\\app\\app.exe), got '"
              << command << "'\n";
    return exit_code::usage;
  }
  InitValues values;
  if (options.output_file != "-") values.file = options.output_file;
  values.name = options.name;
  if (values.name.empty()) {
    values.name = command.empty() ? std::string(kDefaultName) : name_from_command(command);
  } else if (!is_valid_service_name(values.name)) {
    std::cerr << "daemonize: --name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got '"
              << values.name << "'\n";
    return exit_code::usage;
  }
  values.command = command.empty() ? std::string(kCommandDirectory) + values.name : command;
  values.args = options.args;
  values.user = options.user;
  values.health_url = options.health_url;
  for (const auto& assignment : options.env) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos) {
      std::cerr << "daemonize: --env takes KEY=VALUE, got '" << assignment << "'\n";
      return exit_code::usage;
    }
    std::string key = assignment.substr(0, equals);
    for (const auto& [earlier, value] : values.env) {
      if (earlier == key) {
        std::cerr << "daemonize: --env " << key << " is given twice\n";
        return exit_code::usage;
      }
    }
    values.env.emplace_back(std::move(key), assignment.substr(equals + 1));
  }

  const std::string text = starter_manifest(values);
  const std::string label = values.name + ".toml";
  std::set<std::string> refused;  // the loader's messages about flag values, once each
  for (const auto os : {TargetOs::linux, TargetOs::macos, TargetOs::windows}) {
    const auto loaded = load_manifest_text(text, label, os);
    if (!has_errors(loaded.diagnostics)) continue;
    for (const auto& diagnostic : loaded.diagnostics) {
      if (diagnostic.severity != Severity::error) continue;
      const auto flag = flag_of(diagnostic.key);
      if (flag.empty()) {
        for (const auto& line : loaded.diagnostics) std::cerr << format_diagnostic(line) << '\n';
        std::cerr << "daemonize: internal error: the starter manifest does not validate for "
                  << to_string(os) << '\n';
        return exit_code::software;
      }
      refused.insert("daemonize: " + flag + ": " + diagnostic.message);
    }
  }
  if (!refused.empty()) {
    for (const auto& line : refused) std::cerr << line << '\n';
    return exit_code::usage;
  }
  return write_output(options, text);
}

}  // namespace

void add_init_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<InitOptions>();
  auto* command = app.add_subcommand(
      "init",
      "Print a commented starter manifest that validates; the program's arguments follow --");
  command->add_option("--name,-n", options->name,
                      "Service name (default: from --command's file name, else my-service)");
  command->add_option("--command,-c", options->command,
                      "Absolute path of the program to run (default /usr/local/bin/NAME)");
  command->add_option("--user,-u", options->user, "Account the program runs as (service.user)");
  command
      ->add_option("--env,-e", options->env,
                   "KEY=VALUE in [env] (repeatable; written literally, $ as $$)")
      ->allow_extra_args(false);
  command->add_option("--health-url", options->health_url,
                      "An http:// URL: adds [health] check = \"http\" with this url");
  command->add_option("-o,--output", options->output_file,
                      "Write the manifest to FILE instead of stdout (refuses to overwrite)");
  command->add_flag("--force", options->force, "With -o: overwrite an existing FILE");
  command->callback([options, &context] {
    options->args = context.program_args;
    context.exit_code = run_init(*options);
  });
}

}  // namespace daemonize::cli
