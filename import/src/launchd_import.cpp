// launchd jobs (launchd.plist(5)), XML or binary: one manifest per plist. Every top-level key is
// reported; the keys of KeepAlive and of the resource limit dictionaries get a line each.
#include <algorithm>
#include <array>
#include <charconv>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "plist_parse.hpp"

namespace daemonize::import {
namespace {

using Kind = PlistNode::Kind;

// launchd's defaults, written where the manifest's differ.
constexpr long long kThrottleSeconds = 10;
constexpr long long kExitTimeoutSeconds = 20;

// Control characters other than tab; `text_value` (an argument, an environment value) may also
// hold line breaks, which the manifest keeps escaped.
bool has_control_character(std::string_view text, bool text_value = false) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    if (c == '\t' || (text_value && (c == '\n' || c == '\r'))) return false;
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

// A label launchd and the launchd backend accept (and the plist file name it gives).
bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 255 || label.front() == '.' || label.front() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

std::string octal(long long value) {
  std::array<char, 24> buffer{};
  auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 8);
  (void)error;  // the buffer holds any 64-bit value
  std::string digits(buffer.data(), end);
  while (digits.size() < 4) digits.insert(digits.begin(), '0');
  return digits;
}

class JobImporter {
 public:
  JobImporter(const SourceText& plist, const PlistNode& job, ImportResult& result)
      : plist_(plist), job_(job), result_(result) {}

  void run() {
    const PlistNode* label = job_.find("Label");
    if (label == nullptr) {
      return error(job_.line, "not a launchd job: the plist has no Label");
    }
    if (label->kind != Kind::string || label->text.empty() || has_control_character(label->text)) {
      return error(label->line, "Label must be a non-empty string");
    }
    const PlistNode* program = job_.find("Program");
    const PlistNode* arguments = job_.find("ProgramArguments");
    if (program == nullptr && arguments == nullptr) {
      return error(label->line, "not a launchd job: it has neither Program nor ProgramArguments");
    }
    const std::string& text = label->text;
    name_ = service_name_from(text.starts_with("org.daemonize.") ? text.substr(14) : text);
    const bool agent = plist_.path.find("LaunchAgents/") != std::string::npos ||
                       plist_.path.find("LaunchAgents\\") != std::string::npos;
    draft_.comment("Imported by `daemonize import` from " + plist_.path + " (launchd job " + text +
                   ")");
    draft_.comment("launchd's defaults are written where the manifest's differ: no restart");
    draft_.comment("without KeepAlive, 10s between starts (ThrottleInterval) without backoff or");
    draft_.comment("limit, a 20s stop timeout (ExitTimeOut), output to /dev/null.");
    draft_.set("service", "name", toml_string(name_));
    if (agent) draft_.set("service", "scope", toml_string("user"));
    draft_.set("restart", "policy", toml_string("never"));
    draft_.set("restart", "delay", manifest_duration(kThrottleSeconds * 1000));
    draft_.set("restart", "multiplier", "1.0");
    draft_.set("restart", "max_restarts", "0");
    draft_.set("stop", "timeout", manifest_duration(kExitTimeoutSeconds * 1000));
    draft_.set("logs", "stdout", toml_string("null"));
    draft_.set("logs", "stderr", toml_string("null"));
    for (std::size_t i = 0; i < job_.keys.size(); ++i) {
      map(job_.keys[i], job_.key_lines[i], job_.elements[i]);
    }
    if (failed_) return;
    result_.services.push_back({name_, draft_.text()});
  }

 private:
  void error(int line, std::string message) {
    result_.errors.push_back({plist_.path, line, std::move(message)});
    failed_ = true;
  }
  void report(int line, const std::string& key, Outcome outcome, std::string note) {
    result_.report.push_back({plist_.path, line, outcome, key, std::move(note)});
  }
  void carried(int line, const std::string& key, std::string note) {
    report(line, key, Outcome::carried, std::move(note));
  }
  void approximated(int line, const std::string& key, std::string note) {
    report(line, key, Outcome::approximated, std::move(note));
  }
  void dropped(int line, const std::string& key, std::string note) {
    report(line, key, Outcome::dropped, std::move(note));
  }
  // The value is not of the type launchd expects: launchd ignores it too.
  void wrong_type(int line, const std::string& key, const PlistNode& value, const char* expected) {
    dropped(line, key,
            std::string("a ") + to_string(value.kind) + " where launchd expects " + expected);
  }

  // A string usable in the manifest, or nullopt after a dropped line.
  std::optional<std::string> text_of(int line, const std::string& key, const PlistNode& value) {
    if (value.kind != Kind::string) {
      wrong_type(line, key, value, "a string");
      return std::nullopt;
    }
    if (has_control_character(value.text) || first_non_utf8_line(value.text) != 0) {
      dropped(line, key, "the value holds a control character");
      return std::nullopt;
    }
    return value.text;
  }

  std::optional<bool> boolean_of(int line, const std::string& key, const PlistNode& value) {
    if (value.kind != Kind::boolean) {
      wrong_type(line, key, value, "a boolean");
      return std::nullopt;
    }
    return value.boolean;
  }

  std::optional<long long> integer_of(int line, const std::string& key, const PlistNode& value,
                                      long long maximum) {
    if (value.kind != Kind::integer) {
      wrong_type(line, key, value, "an integer");
      return std::nullopt;
    }
    if (value.integer < 0 || value.integer > maximum) {
      dropped(line, key,
              std::to_string(value.integer) + " is outside 0 to " + std::to_string(maximum));
      return std::nullopt;
    }
    return value.integer;
  }

  void map_label(int line, const PlistNode& value) {
    const std::string& label = value.text;
    if (label == "org.daemonize." + name_) {
      return carried(line, "Label", "service.name \"" + name_ + "\" (the default label)");
    }
    if (!is_label(label)) {
      return approximated(line, "Label",
                          "service.name \"" + name_ +
                              "\"; daemonize writes labels of letters, digits, '.', '-' and '_' "
                              "only, so the job is labelled org.daemonize." +
                              name_);
    }
    draft_.set("launchd", "label", toml_string(label));
    carried(line, "Label", "service.name \"" + name_ + "\", launchd.label");
  }

  // Program and ProgramArguments: launchd runs Program (or ProgramArguments[0], searched in
  // PATH as execvp(3) does) with ProgramArguments as argv.
  void map_program() {
    const PlistNode* program = job_.find("Program");
    const PlistNode* arguments = job_.find("ProgramArguments");
    const int program_line = line_of("Program");
    const int arguments_line = line_of("ProgramArguments");
    std::vector<std::string> argv;
    if (arguments != nullptr) {
      if (arguments->kind != Kind::array) {
        if (program == nullptr) {
          return error(arguments_line, "ProgramArguments must be an array of strings");
        }
        wrong_type(arguments_line, "ProgramArguments", *arguments, "an array of strings");
        arguments = nullptr;
      } else {
        for (const auto& element : arguments->elements) {
          if (element.kind != Kind::string || has_control_character(element.text, true) ||
              first_non_utf8_line(element.text) != 0) {
            return error(element.line, "ProgramArguments must hold strings of text");
          }
          argv.push_back(element.text);
        }
        if (argv.empty() && program == nullptr) {
          return error(arguments_line, "ProgramArguments is empty and there is no Program");
        }
      }
    }
    std::string command;
    std::vector<std::string> notes;
    if (program != nullptr) {
      if (program->kind != Kind::string || program->text.empty() ||
          has_control_character(program->text) || first_non_utf8_line(program->text) != 0) {
        return error(program_line, "Program must be a path");
      }
      command = program->text;
      if (!argv.empty()) {
        const std::string& zero = argv.front();
        const auto slash = command.rfind('/');
        const std::string base = slash == std::string::npos ? command : command.substr(slash + 1);
        if (zero != command && zero != base) {
          notes.push_back("argv[0] \"" + zero + "\" is not kept: the program sees its path");
        }
        argv.erase(argv.begin());
      }
    } else {
      command = argv.front();
      argv.erase(argv.begin());
    }
    // A job daemonize deployed runs the watchdog on the installed manifest: that is the source.
    if ((command == "daemonize" || command.ends_with("/daemonize")) && argv.size() == 2 &&
        argv.front() == "run") {
      notes.push_back("a job daemonize deployed: its manifest is " + argv.back() +
                      ", import nothing and use that file");
    }
    if (!command.starts_with("/")) {
      notes.push_back("\"" + command + "\" is looked up in PATH by /usr/bin/env" +
                      (program == nullptr ? ", as launchd searched PATH" : ""));
      argv.insert(argv.begin(), command);
      command = "/usr/bin/env";
    }
    // launchd expands nothing: `$` is literal.
    draft_.set("service", "command", toml_string(escape_interpolation(command)));
    std::vector<std::string> args;
    args.reserve(argv.size());
    for (const auto& argument : argv) args.push_back(escape_interpolation(argument));
    if (!args.empty()) draft_.set("service", "args", toml_array(args));
    const std::string note = notes.empty() ? "" : "; " + join(notes, "; ");
    const Outcome outcome = notes.empty() ? Outcome::carried : Outcome::approximated;
    if (program != nullptr) report(program_line, "Program", outcome, "service.command" + note);
    if (arguments != nullptr) {
      report(arguments_line, "ProgramArguments", outcome,
             std::string(program != nullptr ? "service.args" : "service.command, service.args") +
                 note);
    }
  }

  int line_of(std::string_view key) const {
    for (std::size_t i = 0; i < job_.keys.size(); ++i) {
      if (job_.keys[i] == key) return job_.key_lines[i];
    }
    return job_.line;
  }

  void set_policy(const char* policy) { draft_.set("restart", "policy", toml_string(policy)); }

  void map_keep_alive(int line, const PlistNode& value) {
    if (value.kind == Kind::boolean) {
      set_policy(value.boolean ? "always" : "never");
      return carried(
          line, "KeepAlive",
          std::string("restart.policy = \"") + (value.boolean ? "always" : "never") + "\"");
    }
    if (value.kind != Kind::dictionary)
      return wrong_type(line, "KeepAlive", value, "a boolean or dictionary");
    if (value.keys.empty()) {
      return carried(line, "KeepAlive", "an empty dictionary: restart.policy = \"never\"");
    }
    const PlistNode* successful = value.find("SuccessfulExit");
    const bool restart_failure =
        successful != nullptr && successful->kind == Kind::boolean && !successful->boolean;
    for (std::size_t i = 0; i < value.keys.size(); ++i) {
      const std::string& sub = value.keys[i];
      const PlistNode& node = value.elements[i];
      const int sub_line = value.key_lines[i];
      const std::string key = "KeepAlive." + sub;
      if (sub == "SuccessfulExit") {
        auto flag = boolean_of(sub_line, key, node);
        if (!flag) continue;
        if (!*flag) {
          set_policy("on-failure");
          carried(sub_line, key,
                  "restart.policy = \"on-failure\": restarted after a non-zero exit");
        } else {
          set_policy("always");
          approximated(sub_line, key,
                       "restart.policy = \"always\": launchd restarted only after a successful "
                       "exit, the manifest restarts after any exit");
        }
      } else if (sub == "Crashed") {
        auto flag = boolean_of(sub_line, key, node);
        if (!flag) continue;
        if (*flag && restart_failure) {
          carried(sub_line, key, "restart.policy = \"on-failure\" restarts a crashed program too");
        } else if (*flag) {
          if (successful == nullptr) set_policy("on-failure");
          approximated(sub_line, key,
                       "restart.policy = \"on-failure\": launchd restarted only after a signal "
                       "ended the program, the manifest also after a non-zero exit");
        } else {
          dropped(sub_line, key, "no policy restarts only a program that did not crash");
        }
      } else if (sub == "NetworkState" || sub == "PathState" || sub == "OtherJobEnabled" ||
                 sub == "OtherJobActive" || sub == "AfterInitialDemand") {
        dropped(sub_line, key,
                "the manifest has no conditions on the network, paths or other jobs; the "
                "service runs unconditionally");
      } else {
        dropped(sub_line, key, "not a KeepAlive condition launchd documents");
      }
    }
  }

  void map_log_path(int line, const std::string& key, const PlistNode& value, bool is_stdout) {
    auto path = text_of(line, key, value);
    if (!path) return;
    const char* stream = is_stdout ? "stdout" : "stderr";
    if (*path == "/dev/null") {
      return carried(line, key, std::string("logs.") + stream + " = \"null\"");
    }
    const auto slash = path->rfind('/');
    if (!path->starts_with("/") || slash + 1 == path->size()) {
      return dropped(line, key, "\"" + *path + "\" is not an absolute file path");
    }
    const std::string directory = slash == 0 ? "/" : path->substr(0, slash);
    const std::string file = path->substr(slash + 1);
    if (!is_log_file(directory, file)) {
      return dropped(line, key, "\"" + *path + "\" cannot be a log file of the manifest");
    }
    std::string note = std::string("logs.directory + logs.") + stream;
    Outcome outcome = Outcome::carried;
    if (!log_directory_.empty() && log_directory_ != directory) {
      outcome = Outcome::approximated;
      note += "; written into " + log_directory_ + " (both streams share logs.directory)";
    } else {
      log_directory_ = directory;
      draft_.set("logs", "directory", toml_string(escape_interpolation(directory)));
    }
    draft_.set("logs", stream, toml_string(file));
    report(line, key, outcome, note);
  }

  void map_environment(int line, const PlistNode& value) {
    if (value.kind != Kind::dictionary) {
      return wrong_type(line, "EnvironmentVariables", value, "a dictionary");
    }
    std::vector<std::string> names;
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < value.keys.size(); ++i) {
      const std::string& name = value.keys[i];
      const PlistNode& node = value.elements[i];
      if (!is_variable_name(name)) {
        notes.push_back("\"" + name + "\" is not a variable name, skipped");
        continue;
      }
      if (node.kind != Kind::string || has_control_character(node.text, true) ||
          first_non_utf8_line(node.text) != 0) {
        notes.push_back(name + " is not a string of text, skipped");
        continue;
      }
      draft_.set("env", name, toml_string(escape_interpolation(node.text)));
      names.push_back("env." + name);
    }
    if (names.empty() && notes.empty()) return carried(line, "EnvironmentVariables", "empty");
    if (names.empty()) return dropped(line, "EnvironmentVariables", join(notes, "; "));
    if (notes.empty()) return carried(line, "EnvironmentVariables", join(names, ", "));
    approximated(line, "EnvironmentVariables", join(names, ", ") + "; " + join(notes, "; "));
  }

  // Soft/HardResourceLimits: the manifest holds one limit for both; the hard one wins.
  void map_limits(int line, const std::string& key, const PlistNode& value, bool hard) {
    if (value.kind != Kind::dictionary) return wrong_type(line, key, value, "a dictionary");
    const PlistNode* other_limits = job_.find(hard ? "SoftResourceLimits" : "HardResourceLimits");
    for (std::size_t i = 0; i < value.keys.size(); ++i) {
      const std::string& sub = value.keys[i];
      const std::string sub_key = key + "." + sub;
      const int sub_line = value.key_lines[i];
      const char* manifest_key = sub == "NumberOfFiles"       ? "nofile"
                                 : sub == "NumberOfProcesses" ? "nproc"
                                                              : nullptr;
      if (manifest_key == nullptr) {
        dropped(sub_line, sub_key, "the manifest limits open files and processes only");
        continue;
      }
      // The manifest's range for both limits.
      constexpr long long kMaximum = 1LL << 30;
      auto limit = integer_of(sub_line, sub_key, value.elements[i], kMaximum);
      if (!limit) continue;
      if (*limit == 0) {
        dropped(sub_line, sub_key, "0 is outside the manifest's range (1 to 1073741824)");
        continue;
      }
      const PlistNode* other = other_limits != nullptr && other_limits->kind == Kind::dictionary
                                   ? other_limits->find(sub)
                                   : nullptr;
      const bool other_usable = other != nullptr && other->kind == Kind::integer &&
                                other->integer >= 1 && other->integer <= kMaximum;
      const std::string target = std::string("limits.") + manifest_key;
      if (other_usable && other->integer == *limit) {
        if (hard) draft_.set("limits", manifest_key, std::to_string(*limit));
        carried(sub_line, sub_key, target + " (soft and hard are equal)");
      } else if (hard) {
        draft_.set("limits", manifest_key, std::to_string(*limit));
        approximated(sub_line, sub_key, target + ": the manifest sets one limit, soft = hard");
      } else if (other_usable) {
        dropped(sub_line, sub_key,
                "the manifest sets one limit, soft = hard; the hard limit is kept");
      } else {
        draft_.set("limits", manifest_key, std::to_string(*limit));
        approximated(sub_line, sub_key,
                     target + ": the manifest sets one limit, so the hard limit becomes " +
                         std::to_string(*limit) + " too");
      }
    }
  }

  void map(const std::string& key, int line, const PlistNode& value) {
    if (key == "Label") return map_label(line, value);
    if (key == "Program") {
      if (!program_mapped_) map_program();
      program_mapped_ = true;
      return;
    }
    if (key == "ProgramArguments") {
      if (!program_mapped_) map_program();
      program_mapped_ = true;
      return;
    }
    if (key == "KeepAlive") return map_keep_alive(line, value);
    if (key == "RunAtLoad") {
      auto flag = boolean_of(line, key, value);
      if (!flag) return;
      if (*flag) return carried(line, key, "a deployed service starts");
      return dropped(line, key,
                     "a deployed service starts at once (launchd waited for KeepAlive or a "
                     "demand); use `deploy --no-start`");
    }
    if (key == "UserName" || key == "GroupName") {
      auto account = text_of(line, key, value);
      if (!account) return;
      if (!is_account_name(*account)) {
        return dropped(line, key, "\"" + *account + "\" is not an account name");
      }
      const char* manifest_key = key == "UserName" ? "user" : "group";
      draft_.set("service", manifest_key, toml_string(*account));
      return carried(line, key, std::string("service.") + manifest_key);
    }
    if (key == "EnvironmentVariables") return map_environment(line, value);
    if (key == "StandardOutPath") return map_log_path(line, key, value, true);
    if (key == "StandardErrorPath") return map_log_path(line, key, value, false);
    if (key == "WorkingDirectory") {
      auto directory = text_of(line, key, value);
      if (!directory) return;
      if (!directory->starts_with("/")) return dropped(line, key, "not an absolute path");
      draft_.set("service", "working_directory", toml_string(escape_interpolation(*directory)));
      return carried(line, key, "service.working_directory");
    }
    if (key == "ThrottleInterval") {
      auto seconds = integer_of(line, key, value, 86400LL * 365);
      if (!seconds) return;
      draft_.set("restart", "delay", manifest_duration(*seconds * 1000));
      // A delay must not exceed restart.max_delay (1m by default); the delay is fixed anyway.
      if (*seconds > 60) draft_.set("restart", "max_delay", manifest_duration(*seconds * 1000));
      return approximated(line, key,
                          "restart.delay: the manifest waits this long after an exit, launchd "
                          "spaced starts this far apart");
    }
    if (key == "ExitTimeOut") {
      auto seconds = integer_of(line, key, value, 86400LL * 365);
      if (!seconds) return;
      if (*seconds == 0) {
        return approximated(line, key,
                            "0 is no timeout to launchd; the manifest keeps stop.timeout = "
                            "\"20s\"");
      }
      draft_.set("stop", "timeout", manifest_duration(*seconds * 1000));
      return carried(line, key, "stop.timeout");
    }
    if (key == "Disabled") {
      auto flag = boolean_of(line, key, value);
      if (!flag) return;
      if (!*flag) return carried(line, key, "the service is enabled");
      return dropped(line, key, "a deployed service is enabled; remove it to disable it");
    }
    if (key == "ProcessType") {
      auto type = text_of(line, key, value);
      if (!type) return;
      if (*type != "Background" && *type != "Standard" && *type != "Adaptive" &&
          *type != "Interactive") {
        return dropped(line, key, "not Background, Standard, Adaptive or Interactive");
      }
      draft_.set("launchd", "process_type", toml_string(*type));
      return carried(line, key, "launchd.process_type");
    }
    if (key == "Nice") {
      if (value.kind != Kind::integer) return wrong_type(line, key, value, "an integer");
      if (value.integer < -20 || value.integer > 19) {
        return dropped(line, key, std::to_string(value.integer) + " is not a nice level");
      }
      draft_.set("systemd.extra", "Service.Nice", toml_string(std::to_string(value.integer)));
      return approximated(line, key, "[systemd].extra Nice=: other targets ignore it");
    }
    if (key == "Umask") {
      long long mask = 0;
      if (value.kind == Kind::integer) {
        mask = value.integer;
      } else if (value.kind == Kind::string) {
        // Also accepted as an octal string by launchd.
        const std::string& digits = value.text;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), mask, 8);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
          return dropped(line, key, "\"" + digits + "\" is not an octal umask");
        }
      } else {
        return wrong_type(line, key, value, "an integer");
      }
      if (mask < 0 || mask > 0777) return dropped(line, key, "not a umask");
      draft_.set("service", "umask", toml_string(octal(mask)));
      return carried(line, key, "service.umask = \"" + octal(mask) + "\"");
    }
    if (key == "SoftResourceLimits") return map_limits(line, key, value, false);
    if (key == "HardResourceLimits") return map_limits(line, key, value, true);
    if (key == "AbandonProcessGroup") {
      auto flag = boolean_of(line, key, value);
      if (!flag) return;
      if (!*flag) return carried(line, key, "stop.kill = \"group\" (the default)");
      draft_.set("stop", "kill", toml_string("main"));
      return carried(line, key, "stop.kill = \"main\"");
    }
    if (key == "StartInterval" || key == "StartCalendarInterval") {
      return dropped(line, key,
                     "schedules are not supported yet: the manifest describes a service that "
                     "runs until stopped");
    }
    if (key == "WatchPaths" || key == "QueueDirectories" || key == "StartOnMount") {
      return dropped(line, key, "the manifest has no start on file-system events");
    }
    if (key == "Sockets" || key == "MachServices" || key == "inetdCompatibility") {
      return dropped(line, key, "the manifest has no socket or Mach service activation");
    }
    if (key == "StandardInPath") return dropped(line, key, "the service's stdin is /dev/null");
    if (key == "LimitLoadToSessionType" || key == "LimitLoadToHosts" ||
        key == "LimitLoadFromHosts") {
      return dropped(line, key, "launchd-only load condition");
    }
    dropped(line, key, "no equivalent in the manifest");
  }

  const SourceText& plist_;
  const PlistNode& job_;
  ImportResult& result_;
  ManifestDraft draft_;
  std::string name_;
  std::string log_directory_;
  bool program_mapped_ = false;
  bool failed_ = false;
};

}  // namespace

ImportResult import_launchd(const SourceText& plist) {
  ImportResult result;
  const bool binary = plist.text.starts_with("bplist");
  if (!binary) {
    if (const int line = first_non_utf8_line(plist.text); line != 0) {
      result.errors.push_back({plist.path, line, "not UTF-8 text"});
      return result;
    }
  }
  auto parse = parse_plist(plist.text);
  if (!parse.root) {
    result.errors.push_back({plist.path, parse.error_line, "not a property list: " + parse.error});
    return result;
  }
  if (parse.root->kind != PlistNode::Kind::dictionary) {
    result.errors.push_back({plist.path, parse.root->line,
                             std::string("not a launchd job: the plist holds ") +
                                 (parse.root->kind == PlistNode::Kind::array ? "an " : "a ") +
                                 to_string(parse.root->kind) + ", not a dictionary"});
    return result;
  }
  JobImporter(plist, *parse.root, result).run();
  if (!result.errors.empty()) result.services.clear();
  return result;
}

}  // namespace daemonize::import
