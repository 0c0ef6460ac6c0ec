// systemd units (+ drop-ins) to a manifest. Every directive of the input gets one report line.
// The manifest is written so that its native systemd rendering says what the unit said for
// every directive reported as carried; where systemd's defaults differ from the manifest's
// (Restart=no, RestartSec=100ms, the journal, TimeoutStopSec=90s, no backoff), systemd's are
// written out.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "systemd_syntax.hpp"

namespace daemonize::import {
namespace {

// A file mode as systemd and the manifest write it: at least four octal digits ("0750").
std::string octal_mode(unsigned mode) {
  std::array<char, 12> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), mode, 8).ptr;
  const std::string text(digits.data(), end);
  return std::string(text.size() < 4 ? 4 - text.size() : 0, '0') + text;
}

// Directives with no manifest key yet: the key that will carry them. When such a key lands,
// its rows move from here into the mapping below (and the report says carried).
struct PendingKey {
  std::string_view directive;
  std::string_view future_key;
};
constexpr std::array kPendingKeys{
    PendingKey{"ExecCondition", "[hooks] condition"},
    PendingKey{"InaccessibleDirectories", "[sandbox]"},
};

// The URL schemes of service.documentation (systemd's Documentation=).
constexpr std::array<std::string_view, 5> kDocumentationSchemes{"http://", "https://",
                                                                "file:", "man:", "info:"};

// [systemd].extra allow-list (backends/systemd renders these verbatim). `list`: systemd
// accepts several space-separated values and several lines, so lines are joined.
struct ExtraKey {
  std::string_view section;
  std::string_view key;
  bool list;
};
constexpr std::array kExtraKeys{
    ExtraKey{"Unit", "Documentation", true},
    ExtraKey{"Unit", "Before", true},
    ExtraKey{"Unit", "PartOf", true},
    ExtraKey{"Unit", "BindsTo", true},
    ExtraKey{"Unit", "Conflicts", true},
    ExtraKey{"Unit", "OnFailure", true},
    ExtraKey{"Unit", "ConditionPathExists", false},
    ExtraKey{"Unit", "ConditionPathIsDirectory", false},
    ExtraKey{"Unit", "ConditionFileNotEmpty", false},
    ExtraKey{"Unit", "ConditionVirtualization", false},
    ExtraKey{"Unit", "ConditionHost", false},
    ExtraKey{"Unit", "AssertPathExists", false},
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
    ExtraKey{"Service", "InaccessiblePaths", true},
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

// Two lines of a list setting as one [systemd].extra value. A `~` deny-list applies only at the
// start of a value: two deny-lists join under one `~`; an allow-list and a deny-list do not join.
std::optional<std::string> joined_extra(const std::string& previous, const std::string& value) {
  const bool deny_before = previous.starts_with("~");
  const bool deny_now = value.starts_with("~");
  if (deny_before != deny_now) return std::nullopt;
  if (!deny_now) return previous + " " + value;
  const auto rest = value.find_first_not_of(" \t", 1);
  return rest == std::string::npos ? previous : previous + " " + value.substr(rest);
}

// Settings where several lines add up (an empty assignment resets them).
const std::set<std::string, std::less<>> kListSettings{"Environment",
                                                       "EnvironmentFile",
                                                       "After",
                                                       "Requires",
                                                       "Wants",
                                                       "Before",
                                                       "WantedBy",
                                                       "RequiredBy",
                                                       "Alias",
                                                       "Also",
                                                       "Documentation",
                                                       "PartOf",
                                                       "BindsTo",
                                                       "Conflicts",
                                                       "OnFailure",
                                                       "ExecStartPre",
                                                       "ExecStartPost",
                                                       "ExecStop",
                                                       "ExecStopPost",
                                                       "ExecReload",
                                                       "ExecStart",
                                                       "SuccessExitStatus",
                                                       "SupplementaryGroups",
                                                       "AmbientCapabilities",
                                                       "CapabilityBoundingSet",
                                                       "StateDirectory",
                                                       "CacheDirectory",
                                                       "ConfigurationDirectory",
                                                       "ReadOnlyPaths",
                                                       "ReadWritePaths",
                                                       "InaccessiblePaths",
                                                       "SystemCallFilter",
                                                       "SystemCallArchitectures",
                                                       "RestrictAddressFamilies",
                                                       "CPUAffinity",
                                                       "RequiresMountsFor",
                                                       "RuntimeDirectory",
                                                       "LogsDirectory",
                                                       "ExecCondition",
                                                       "PassEnvironment",
                                                       "UnsetEnvironment",
                                                       "DeviceAllow",
                                                       "BindPaths",
                                                       "BindReadOnlyPaths"};

// Why a directive with no equivalent is dropped, for the common ones.
const std::map<std::string, std::string, std::less<>> kDroppedReasons{
    {"DefaultDependencies", "the manifest keeps systemd's default dependencies"},
    {"GuessMainPID", "the main process is the one started"},
    {"NotifyAccess", "no sd_notify() from the program is used"},
    {"WatchdogSec", "the program's own sd_notify watchdog is not used"},
    {"BusName", "no D-Bus name activation"},
    {"DynamicUser", "no transient accounts; set service.user to a real account"},
    {"PassEnvironment", "the manager's environment is not passed through"},
    {"UnsetEnvironment", "no way to unset inherited variables"},
    {"IgnoreSIGPIPE", "SIGPIPE keeps its default"},
    {"SendSIGHUP", "no SIGHUP after the stop signal"},
    {"SendSIGKILL", "the tree is always killed after stop.timeout"},
    {"FinalKillSignal", "the tree is killed with SIGKILL"},
    {"RestartKillSignal", "a restart stops with stop.signal"},
    {"RestartPreventExitStatus", "restart.policy cannot exclude exit codes"},
    {"RestartForceExitStatus", "restart.policy cannot force exit codes"},
    {"StartLimitAction", "no action when the restart limit is hit"},
    {"FailureAction", "no action when the service fails"},
    {"SuccessAction", "no action when the service succeeds"},
    {"StandardInput", "the program's stdin is /dev/null"},
    {"TTYPath", "no terminal"},
    {"TTYReset", "no terminal"},
    {"TTYVHangup", "no terminal"},
    {"TTYVTDisallocate", "no terminal"},
    {"Sockets", "no socket activation"},
    {"DefaultInstance", "templates are not imported as instances"},
    {"IgnoreOnIsolate", "no isolate behaviour"},
    {"ReloadPropagatedFrom", "no reload propagation"},
    {"PropagatesReloadTo", "no reload propagation"},
    {"JoinsNamespaceOf", "no shared namespaces"},
    {"Delegate", "no cgroup delegation"},
    {"KeyringMode", "the default keyring"},
    {"RuntimeDirectoryPreserve", "runtime directories are removed whenever the service stops"},
};

// The signals the manifest names.
std::optional<std::string> manifest_signal(std::string_view raw) {
  std::string name(raw);
  if (name.starts_with("SIG")) name = name.substr(3);
  static const std::map<std::string, std::string, std::less<>> kNumbers{
      {"1", "HUP"},   {"2", "INT"},   {"3", "QUIT"}, {"9", "KILL"},
      {"10", "USR1"}, {"12", "USR2"}, {"15", "TERM"}};
  if (auto number = kNumbers.find(name); number != kNumbers.end()) return number->second;
  static const std::set<std::string, std::less<>> kNames{"TERM", "INT",  "HUP", "QUIT",
                                                         "USR1", "USR2", "KILL"};
  if (kNames.contains(name)) return name;
  return std::nullopt;
}

std::optional<unsigned long long> parse_unsigned(std::string_view text) {
  unsigned long long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// MemoryMax=: bytes with an optional K/M/G/T (base 1024) suffix.
std::optional<unsigned long long> parse_bytes(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned long long factor = 1;
  const char last = text.back();
  const std::string_view suffixes = "KMGTPE";
  if (auto at = suffixes.find(last); at != std::string_view::npos) {
    for (std::size_t i = 0; i <= at; ++i) factor *= 1024;
    text.remove_suffix(1);
  }
  auto value = parse_unsigned(text);
  if (!value || *value > ~0ULL / factor) return std::nullopt;
  return *value * factor;
}

// The prefixes of an Exec*= value (systemd.service(5), "Command lines"), taken off `value`;
// the ones a manifest cannot say are noted for `who` ("program", "hook").
struct ExecPrefixes {
  std::vector<std::string> notes;
  bool ignore_failure = false;  // '-'
  bool argv0 = false;           // '@': the second word is argv[0]
  bool expand_env = true;       // ':' turns it off
};

ExecPrefixes take_exec_prefixes(std::string_view& value, std::string_view who) {
  ExecPrefixes prefixes;
  while (!value.empty()) {
    const char c = value.front();
    if (c == '-') {
      prefixes.ignore_failure = true;
    } else if (c == '@') {
      prefixes.argv0 = true;
    } else if (c == ':') {
      prefixes.expand_env = false;
    } else if (c == '+') {
      prefixes.notes.push_back("'+' (full privileges) dropped: the " + std::string(who) +
                               " runs as service.user");
    } else if (c == '!') {
      if (value.size() > 1 && value[1] == '!') value.remove_prefix(1);
      prefixes.notes.emplace_back("'!'/'!!' (privileges without the account switch) dropped");
    } else if (c == '|') {
      prefixes.notes.emplace_back("'|' (through the login shell) dropped");
    } else {
      break;
    }
    value.remove_prefix(1);
  }
  return prefixes;
}

class SystemdImporter {
 public:
  SystemdImporter(const SourceText& unit, const std::vector<SourceText>& dropins)
      : unit_(unit), dropins_(dropins) {}

  ImportResult run() {
    std::vector<UnitDirective> directives;
    std::vector<std::string> files{unit_.path};
    for (const auto* source : sources()) {
      if (const int line = first_non_utf8_line(source->text); line != 0) {
        result_.errors.push_back({source->path, line, "not UTF-8 text"});
        return result_;
      }
      auto parsed = parse_unit_file(source->path, source->text);
      if (parsed.error) {
        result_.errors.push_back({source->path, parsed.error->first, parsed.error->second});
        return result_;
      }
      if (source != &unit_) files.push_back(source->path);
      directives.insert(directives.end(), parsed.directives.begin(), parsed.directives.end());
    }
    if (!is_service(directives)) return result_;
    name_unit();
    write_defaults();
    const auto effective = resolve_overrides(directives);
    for (std::size_t i = 0; i < directives.size(); ++i) {
      if (effective[i]) map(directives[i]);
    }
    if (!result_.errors.empty()) return result_;
    if (!exec_seen_) {
      // Every ExecStart= was reset by a later empty assignment.
      const auto last = std::find_if(directives.rbegin(), directives.rend(), [](const auto& d) {
        return d.section == "Service" && d.key == "ExecStart";
      });
      result_.errors.push_back({last->file, last->line,
                                "not a service definition: ExecStart= is reset and not set again"});
      return result_;
    }
    finish();
    sort_report(result_.report, files);
    result_.services.push_back({name_, header() + draft_.text()});
    return result_;
  }

 private:
  std::vector<const SourceText*> sources() const {
    std::vector<const SourceText*> all{&unit_};
    for (const auto& dropin : dropins_) all.push_back(&dropin);
    return all;
  }

  bool is_service(const std::vector<UnitDirective>& directives) {
    const bool has_exec = std::any_of(directives.begin(), directives.end(), [](const auto& d) {
      return d.section == "Service" && d.key == "ExecStart" && !d.value.empty();
    });
    if (has_exec) return true;
    const std::string name = std::filesystem::path(unit_.path).filename().string();
    for (const std::string_view other : {".socket", ".timer", ".target", ".mount", ".path",
                                         ".slice", ".scope", ".device", ".swap", ".automount"}) {
      if (name.ends_with(other)) {
        result_.errors.push_back({unit_.path, 1,
                                  "not a service definition: a " + std::string(other.substr(1)) +
                                      " unit (import the .service it activates)"});
        return false;
      }
    }
    int line = 1;
    for (const auto& d : directives) {
      if (d.section == "Service") {
        line = d.line;
        break;
      }
    }
    result_.errors.push_back(
        {unit_.path, line, "not a service definition: no ExecStart= in [Service]"});
    return false;
  }

  void name_unit() {
    std::string stem = std::filesystem::path(unit_.path).filename().string();
    if (stem.ends_with(".service")) stem.resize(stem.size() - 8);
    unit_name_ = stem + ".service";
    if (auto at = stem.find('@'); at != std::string::npos) {
      template_ = true;
      instance_ = stem.substr(at + 1);
      prefix_ = stem.substr(0, at);
    } else {
      prefix_ = stem;
    }
    full_name_ = stem;
    name_ = service_name_from(template_ && instance_.empty() ? prefix_ : stem);
    const std::string path = unit_.path;
    user_scope_ = path.find("/systemd/user/") != std::string::npos ||
                  path.find("/.config/systemd/user") != std::string::npos;
  }

  void write_defaults() {
    draft_.set("service", "name", toml_string(name_));
    if (user_scope_) draft_.set("service", "scope", toml_string("user"));
    // systemd's defaults where the manifest's differ, so nothing changes silently.
    draft_.set("restart", "policy", toml_string("never"));
    draft_.set("restart", "delay", manifest_duration(100));
    draft_.set("restart", "multiplier", "1.0");
    draft_.set("restart", "max_restarts", "4");
    draft_.set("restart", "window", manifest_duration(10000));
    draft_.set("stop", "timeout", manifest_duration(90000));
    draft_.set("logs", "stdout", toml_string("inherit"));
    draft_.set("logs", "stderr", toml_string("inherit"));
  }

  std::string header() const {
    std::string text = "# Imported by `daemonize import` from " + unit_.path + "\n";
    for (const auto& dropin : dropins_) text += "#   with the drop-in " + dropin.path + "\n";
    text +=
        "# Values written where systemd's defaults differ from the manifest's: restart policy\n"
        "# \"never\", 100ms between restarts without backoff, the journal, a 90s stop timeout.\n";
    return text;
  }

  // Which directives take effect: a later assignment of a single-value setting replaces an
  // earlier one; an empty assignment of a list resets it. The replaced ones are reported here.
  std::vector<bool> resolve_overrides(const std::vector<UnitDirective>& directives) {
    std::vector<bool> effective(directives.size(), true);
    for (std::size_t i = 0; i < directives.size(); ++i) {
      const auto& d = directives[i];
      const bool list = kListSettings.contains(d.key);
      if (list && !d.value.empty()) continue;
      for (std::size_t j = 0; j < i; ++j) {
        const auto& earlier = directives[j];
        if (!effective[j] || earlier.section != d.section || earlier.key != d.key) continue;
        effective[j] = false;
        report(earlier, Outcome::carried,
               std::string(list ? "reset" : "replaced") + " by " + d.file + ":" +
                   std::to_string(d.line) + ", as systemd applies it");
      }
      // An empty CapabilityBoundingSet= also means "no capability at all" (sandbox.capabilities
      // = []), so it stays in effect.
      if (list && d.key != "CapabilityBoundingSet") {
        effective[i] = false;
        report(d, Outcome::carried, "empty: resets the list, as systemd does");
      }
    }
    return effective;
  }

  void report(const UnitDirective& d, Outcome outcome, std::string note) {
    result_.report.push_back({d.file, d.line, outcome, d.key, std::move(note)});
  }

  void carried(const UnitDirective& d, std::string note) {
    report(d, Outcome::carried, std::move(note));
  }
  void approximated(const UnitDirective& d, std::string note) {
    report(d, Outcome::approximated, std::move(note));
  }
  void dropped(const UnitDirective& d, std::string note) {
    report(d, Outcome::dropped, std::move(note));
  }

  // Specifiers (systemd.unit "Specifiers") in `text`: the ones with a fixed value for this unit
  // are replaced; `%%` becomes `%`; the others stay as written and are listed in `unknown`.
  std::string expand_specifiers(std::string_view text, std::set<std::string>& unknown,
                                bool& instance) const {
    // The directories are those of a system unit; a user unit's differ per user.
    const std::map<char, std::string> fixed{{'%', "%"},       {'n', unit_name_}, {'N', full_name_},
                                            {'p', prefix_},   {'P', prefix_},    {'T', "/tmp"},
                                            {'V', "/var/tmp"}};
    const std::map<char, std::string> system_only{
        {'t', "/run"}, {'S', "/var/lib"}, {'C', "/var/cache"}, {'L', "/var/log"}, {'E', "/etc"}};
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '%' || i + 1 >= text.size()) {
        out += text[i];
        continue;
      }
      const char c = text[++i];
      const bool instance_specifier = c == 'i' || c == 'I' || c == 'j' || c == 'J';
      if (auto value = fixed.find(c); value != fixed.end()) {
        out += value->second;
      } else if (auto dir = system_only.find(c); dir != system_only.end() && !user_scope_) {
        out += dir->second;
      } else if (instance_specifier && !instance_.empty()) {
        out += instance_;
      } else {
        instance = instance || instance_specifier;
        unknown.insert(std::string("%") + c);
        out += '%';
        out += c;
      }
    }
    return out;
  }

  // A word of ExecStart= as manifest text: specifiers expanded, `$NAME`/`${NAME}` as
  // interpolation, other `$` literal. Notes go to `notes`.
  // `arguments`: an argument of service.args, where an unquoted `$NAME` word is `$@{NAME}`.
  std::string exec_word(const UnitWord& word, bool expand_env, std::vector<std::string>& notes,
                        std::set<std::string>& unknown, bool& instance, bool arguments = false) {
    const std::string text = expand_specifiers(word.text, unknown, instance);
    if (!expand_env) return escape_interpolation(text);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '$') {
        out += text[i];
        continue;
      }
      if (i + 1 < text.size() && text[i + 1] == '$') {
        out += "$$";
        ++i;
        continue;
      }
      if (i + 1 < text.size() && text[i + 1] == '{') {
        const auto close = text.find('}', i + 2);
        const std::string name =
            close == std::string::npos ? "" : text.substr(i + 2, close - i - 2);
        if (is_variable_name(name)) {
          out += "${" + name + "}";
          if (!unit_env_.contains(name)) {
            notes.push_back("${" + name +
                            "} unset at start stops the watchdog (exit 78); systemd passed \"\"");
          }
          i = close;
          continue;
        }
        out += "$$";
        continue;
      }
      std::size_t end = i + 1;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
        ++end;
      }
      const std::string name = text.substr(i + 1, end - i - 1);
      if (!is_variable_name(name)) {
        out += "$$";
        continue;
      }
      if (arguments && i == 0 && end == text.size() && !word.quoted) {
        // Split at whitespace, no argument when unset or empty: what systemd does.
        out += "$@{" + name + "}";
        i = end - 1;
        continue;
      }
      out += "${" + name + "}";
      if (i == 0 && end == text.size() && !word.quoted) {
        notes.push_back("$" + name + " is one argument ${" + name +
                        "}: systemd split its value at whitespace (no argument when empty)");
      } else if (!unit_env_.contains(name)) {
        notes.push_back("$" + name + " as ${" + name + "}: unset at start stops the watchdog");
      }
      i = end - 1;
    }
    return out;
  }

  // The unit names of a dependency list, specifiers expanded; names that keep one (a template's
  // instance) go to `skipped`.
  std::vector<std::string> unit_names(const std::string& value, std::vector<std::string>& skipped) {
    std::vector<std::string> names;
    for (const auto& word : split_unit_words(value).value_or(std::vector<UnitWord>{})) {
      std::set<std::string> unknown;
      bool instance = false;
      const std::string name = expand_specifiers(word.text, unknown, instance);
      // The manifest's names: letters, digits, _ . - @ : and backslash.
      const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("_.-@:\\").find(c) != std::string_view::npos;
      });
      if (unknown.empty() && valid) {
        names.push_back(name);
      } else {
        skipped.push_back(word.text);
      }
    }
    return names;
  }

  void map_exec_start(const UnitDirective& d) {
    if (exec_seen_) {
      dropped(d, "only one program is run; the first ExecStart= is " + exec_file_line_);
      return;
    }
    std::string_view value = d.value;
    auto [notes, ignore_failure, argv0, expand_env] = take_exec_prefixes(value, "program");
    auto words = split_unit_words(value);
    if (!words || words->empty()) {
      result_.errors.push_back({d.file, d.line,
                                "ExecStart= cannot be split: an unclosed quote, an "
                                "incomplete escape or one that is not UTF-8"});
      return;
    }
    exec_seen_ = true;
    exec_file_line_ = d.file + ":" + std::to_string(d.line);
    if (ignore_failure) {
      notes.push_back("'-' (exit status ignored) dropped: a failing exit counts as a failure");
    }
    if (argv0 && words->size() >= 2) {
      notes.push_back("'@': argv[0] is the program path, not \"" + (*words)[1].text + "\"");
      words->erase(words->begin() + 1);
    }
    std::set<std::string> unknown;
    bool instance = false;
    std::vector<std::string> argv;
    for (std::size_t i = 0; i < words->size(); ++i) {
      argv.push_back(exec_word((*words)[i], expand_env, notes, unknown, instance, i > 0));
    }
    std::string command = argv.front();
    if (!command.starts_with("/")) {
      notes.push_back("\"" + command + "\" is looked up by systemd; written as /usr/bin/" +
                      command);
      command = "/usr/bin/" + command;
    }
    if (command.find("${") != std::string::npos) {
      result_.errors.push_back(
          {d.file, d.line, "the program path uses a variable; the manifest needs a literal path"});
      return;
    }
    for (const auto& specifier : unknown) {
      notes.push_back("specifier " + specifier + " kept as text (no equivalent)");
    }
    if (instance) notes.push_back("the instance name of a template is not known");
    draft_.set("service", "command", toml_string(command));
    if (argv.size() > 1) {
      draft_.set("service", "args", toml_array({argv.begin() + 1, argv.end()}));
    }
    if (notes.empty()) {
      carried(d, "service.command, service.args");
    } else {
      approximated(d, join(notes, "; "));
    }
  }

  // ExecReload=/bin/kill -HUP $MAINPID (and -s HUP, -SIGHUP, /usr/bin/kill).
  void map_exec_reload(const UnitDirective& d) {
    std::string_view value = d.value;
    while (!value.empty() &&
           std::string_view("-@:+!").find(value.front()) != std::string_view::npos) {
      value.remove_prefix(1);
    }
    auto words = split_unit_words(value);
    if (words && words->size() >= 2 &&
        ((*words)[0].text == "/bin/kill" || (*words)[0].text == "/usr/bin/kill" ||
         (*words)[0].text == "kill")) {
      std::optional<std::string> signal;
      std::size_t at = 1;
      if ((*words)[1].text == "-s" && words->size() >= 3) {
        signal = manifest_signal((*words)[2].text);
        at = 3;
      } else if ((*words)[1].text.starts_with("-")) {
        signal = manifest_signal((*words)[1].text.substr(1));
        at = 2;
      }
      const bool main_pid = words->size() == at + 1 &&
                            ((*words)[at].text == "$MAINPID" || (*words)[at].text == "${MAINPID}");
      // After ExecReload= commands: the written reload.signal follows hooks.reload, as here.
      if (signal && main_pid && *signal != "KILL" && hooks_.contains("reload")) {
        draft_.set("reload", "signal", toml_string(*signal));
        carried(d, "reload.signal = \"" + *signal + "\", sent after hooks.reload");
        return;
      }
      if (signal && main_pid && *signal != "KILL") {
        draft_.set("reload", "signal", toml_string(*signal));
        carried(d, "reload.signal = \"" + *signal + "\"");
        return;
      }
    }
    map_hook(d, "reload");
  }

  static std::optional<bool> systemd_boolean(std::string_view v) {
    if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
    if (v == "no" || v == "false" || v == "off" || v == "0") return false;
    return std::nullopt;
  }

  // RuntimeDirectory= -> "runtime", ...
  static std::optional<std::string> directory_kind(std::string_view key) {
    static const std::map<std::string, std::string, std::less<>> kKinds{
        {"RuntimeDirectory", "runtime"},
        {"StateDirectory", "state"},
        {"CacheDirectory", "cache"},
        {"LogsDirectory", "logs"},
        {"ConfigurationDirectory", "configuration"}};
    if (auto kind = kKinds.find(key); kind != kKinds.end()) return kind->second;
    return std::nullopt;
  }

  void map_directories(const UnitDirective& d, const std::string& kind) {
    auto& names = directories_[kind];
    std::vector<std::string> notes;
    for (const auto& word : split_unit_words(d.value).value_or(std::vector<UnitWord>{})) {
      std::set<std::string> unknown;
      bool instance = false;
      std::string name = expand_specifiers(word.text, unknown, instance);
      if (auto colon = name.find(':'); colon != std::string::npos) {
        notes.push_back("the symlink " + name.substr(colon + 1) + " is not created");
        name.resize(colon);
      }
      // The manifest's names: letters, digits, _ . - and / between names, no "..".
      const bool valid = unknown.empty() && !name.empty() && !name.starts_with("/") &&
                         !name.ends_with("/") && name.find("//") == std::string::npos &&
                         name.find("..") == std::string::npos &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                  std::string_view("_.-/").find(c) != std::string_view::npos;
                         });
      if (!valid) {
        notes.push_back("\"" + word.text +
                        "\" left out (not a relative name, or a specifier with no value here)");
      } else if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
    }
    if (!names.empty()) draft_.set("directories", kind, toml_array(names));
    directory_lines_[kind].push_back(result_.report.size());
    if (notes.empty()) return carried(d, "directories." + kind);
    report(d, names.empty() ? Outcome::dropped : Outcome::approximated,
           "directories." + kind + "; " + join(notes, "; "));
  }

  // One directories.mode for every kind: the first …DirectoryMode= wins when they differ.
  void finish_directory_modes() {
    constexpr unsigned kDefault = 0755;
    std::optional<unsigned> mode;
    for (const auto& entry : modes_) {
      if (!directories_.contains(entry.kind) || directories_[entry.kind].empty()) {
        result_.report[entry.line].outcome = Outcome::dropped;
        result_.report[entry.line].note = "no directory of this kind is listed";
      } else if (!mode) {
        mode = entry.mode;
      }
    }
    if (!mode || *mode == kDefault) {
      mode.reset();
    } else {
      draft_.set("directories", "mode", toml_string(octal_mode(*mode)));
    }
    const unsigned chosen = mode.value_or(kDefault);
    const std::string chosen_text = octal_mode(chosen);
    for (const auto& [kind, names] : directories_) {
      if (names.empty()) continue;
      unsigned wanted = kDefault;
      for (const auto& entry : modes_) {
        if (entry.kind == kind) wanted = entry.mode;
      }
      if (wanted == chosen) continue;
      const std::string note = std::string("; created with directories.mode = \"") + chosen_text +
                               "\", one mode for every kind";
      for (auto index : directory_lines_[kind]) {
        auto& line = result_.report[index];
        if (line.outcome == Outcome::dropped) continue;
        line.outcome = Outcome::approximated;
        line.note += note;
      }
      for (const auto& entry : modes_) {
        auto& line = result_.report[entry.line];
        if (entry.kind != kind || line.outcome == Outcome::dropped) continue;
        line.outcome = Outcome::approximated;
        line.note += note;
      }
    }
  }

  // ExecStartPre= ... ExecReload= (a command): one command of hooks.<key>, in order.
  void map_hook(const UnitDirective& d, const std::string& key) {
    if (key == "reload" && draft_.has("reload", "signal")) {
      return dropped(d,
                     "reload.signal is already set: a manifest sends the signal after "
                     "hooks.reload, never before");
    }
    std::string_view value = d.value;
    auto [notes, ignore_failure, argv0, expand_env] = take_exec_prefixes(value, "hook");
    auto words = split_unit_words(value);
    if (!words || words->empty()) {
      return dropped(d,
                     "cannot be split: an unclosed quote, an incomplete escape or one that is "
                     "not UTF-8");
    }
    if (argv0 && words->size() >= 2) {
      notes.push_back("'@': argv[0] is the program path, not \"" + (*words)[1].text + "\"");
      words->erase(words->begin() + 1);
    }
    std::set<std::string> unknown;
    bool instance = false;
    std::vector<std::string> argv;
    for (std::size_t i = 0; i < words->size(); ++i)
      argv.push_back(exec_word((*words)[i], expand_env, notes, unknown, instance, i > 0));
    if (!argv.front().starts_with("/")) {
      notes.push_back("\"" + argv.front() + "\" is looked up by systemd; written as /usr/bin/" +
                      argv.front());
      argv.front() = "/usr/bin/" + argv.front();
    }
    if (argv.front().find('$') != std::string::npos) {
      return dropped(d, "the program path uses a variable; a hook needs a literal path");
    }
    for (const auto& specifier : unknown) {
      notes.push_back("specifier " + specifier + " kept as text (no equivalent)");
    }
    if (instance) notes.push_back("the instance name of a template is not known");
    auto& commands = hooks_[key];
    commands.push_back(ignore_failure
                           ? "{ command = " + toml_array(argv) + ", ignore_failure = true }"
                           : toml_array(argv));
    draft_.set("hooks", key, "[" + join(commands, ", ") + "]");
    std::string note = "hooks." + key;
    if (ignore_failure) note += " (ignore_failure = true)";
    if (notes.empty()) return carried(d, note);
    approximated(d, note + "; " + join(notes, "; "));
  }

  void map_environment(const UnitDirective& d) {
    auto words = split_unit_words(d.value);
    if (!words) {
      dropped(d,
              "cannot be split: an unclosed quote, an incomplete escape or one that is not UTF-8");
      return;
    }
    std::vector<std::string> notes;
    std::vector<std::string> names;
    for (const auto& word : *words) {
      const auto equals = word.text.find('=');
      const std::string name = word.text.substr(0, equals);
      if (equals == std::string::npos || !is_variable_name(name)) {
        notes.push_back("\"" + word.text + "\" is not NAME=VALUE, skipped");
        continue;
      }
      std::set<std::string> unknown;
      bool instance = false;
      const std::string value = expand_specifiers(word.text.substr(equals + 1), unknown, instance);
      for (const auto& specifier : unknown) notes.push_back(specifier + " kept as text");
      draft_.set("env", name, toml_string(escape_interpolation(value)));
      unit_env_.insert(name);
      // The same name twice in this directive: its own report line does not exist yet.
      if (auto earlier = env_lines_.find(name);
          earlier != env_lines_.end() && earlier->second == result_.report.size()) {
        notes.push_back(name + " given twice, the last value wins as in systemd");
      } else if (earlier != env_lines_.end()) {
        result_.report[earlier->second].note += "; " + name + " replaced by " + d.file + ":" +
                                                std::to_string(d.line) + ", as systemd applies it";
      }
      env_lines_[name] = result_.report.size();
      if (std::find(names.begin(), names.end(), "env." + name) == names.end()) {
        names.push_back("env." + name);
      }
    }
    environment_lines_.push_back(result_.report.size());
    if (names.empty()) {
      dropped(d, join(notes, "; "));
    } else if (notes.empty()) {
      carried(d, join(names, ", "));
    } else {
      approximated(d, join(names, ", ") + "; " + join(notes, "; "));
    }
  }

  void map_environment_file(const UnitDirective& d) {
    std::set<std::string> unknown;
    bool instance = false;
    const std::string value = expand_specifiers(d.value, unknown, instance);
    const std::string path = value.starts_with("-") ? value.substr(1) : value;
    if (!path.starts_with("/") || !unknown.empty()) {
      dropped(d, "not an absolute path");
      return;
    }
    env_files_.push_back(value);
    draft_.set("service", "env_files", toml_array(env_files_));
    carried(d, value.starts_with("-") ? "service.env_files (optional: \"-\" kept); referenced, "
                                        "not copied"
                                      : "service.env_files; referenced, not copied");
  }

  // An allow-list of capabilities (or an empty one: none) becomes sandbox.capabilities, settled
  // in finish_sandbox(); a `~` deny-list stays in [systemd].extra.
  bool map_capabilities(const UnitDirective& d) {
    const auto words = split_unit_words(d.value);
    if (!words || d.value.starts_with("~")) return false;
    std::vector<std::string> names;
    for (const auto& word : *words) {
      const bool name = word.text.starts_with("CAP_") &&
                        std::all_of(word.text.begin(), word.text.end(), [](char c) {
                          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                        });
      if (!name) return false;
      names.push_back(word.text);
    }
    auto& lines = d.key == "CapabilityBoundingSet" ? bounding_lines_ : ambient_lines_;
    lines.push_back({result_.report.size(), names, d.value});
    carried(d, "sandbox.capabilities");
    return true;
  }

  // SystemCallFilter= lines, allowed ones before denied (`~`) ones, become
  // sandbox.system_call_filter, which renders them the same way; anything else stays in
  // [systemd].extra.
  bool map_system_call_filter(const UnitDirective& d) {
    std::string value = d.value;
    const bool deny = value.starts_with("~");
    if (deny) value.erase(0, 1);
    const auto words = split_unit_words(value);
    if (!words || words->empty() || (!deny && !filter_lines_.empty() && filter_denies_)) {
      return false;
    }
    std::vector<std::string> entries;
    for (const auto& word : *words) {
      std::string_view name = word.text;
      if (name.starts_with("@")) name.remove_prefix(1);
      const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
      if (!ok) return false;
      entries.push_back((deny ? "~" : "") + word.text);
    }
    filter_denies_ = filter_denies_ || deny;
    filter_lines_.push_back({result_.report.size(), entries, d.value});
    carried(d, "sandbox.system_call_filter");
    return true;
  }

  // Capability and system call lines: into [sandbox] unless [systemd].extra already holds the
  // same setting (a deny-list), where they all go then, so the unit gets one consistent set.
  void finish_sandbox() {
    auto to_extra = [&](const std::vector<SandboxLine>& lines, const std::string& key) {
      for (const auto& line : lines) {
        auto& report = result_.report[line.index];
        auto value = extras_.contains(key) ? joined_extra(extras_[key], line.value)
                                           : std::optional<std::string>(line.value);
        if (!value) {
          report.outcome = Outcome::dropped;
          report.note = "an allow-list and a ~deny-list of " + report.key +
                        "= do not fit one [systemd].extra value";
          continue;
        }
        extras_[key] = *value;
        draft_.set("systemd.extra", key, toml_string(*value));
        report.note = "[systemd].extra \"" + key + "\" (systemd only)";
      }
    };
    if (extras_.contains("Service.CapabilityBoundingSet") ||
        extras_.contains("Service.AmbientCapabilities")) {
      to_extra(bounding_lines_, "Service.CapabilityBoundingSet");
      to_extra(ambient_lines_, "Service.AmbientCapabilities");
    } else if (!bounding_lines_.empty() || !ambient_lines_.empty()) {
      // Each line adds to the set; an empty one resets it.
      auto set_of = [](const std::vector<SandboxLine>& lines) {
        std::vector<std::string> names;
        for (const auto& line : lines) {
          if (line.entries.empty()) names.clear();
          for (const auto& name : line.entries) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
          }
        }
        return names;
      };
      const auto bounding = set_of(bounding_lines_);
      const auto ambient = set_of(ambient_lines_);
      const auto& chosen = bounding_lines_.empty() ? ambient : bounding;
      draft_.set("sandbox", "capabilities", toml_array(chosen));
      auto same = [&](std::vector<std::string> a, std::vector<std::string> b) {
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        return a == b;
      };
      const bool as_user = draft_.has("service", "user");
      for (const auto& line : bounding_lines_) {
        if (ambient_lines_.empty() && as_user && !bounding.empty()) {
          auto& report = result_.report[line.index];
          report.outcome = Outcome::approximated;
          report.note =
              "sandbox.capabilities: also ambient, so the program (run as service.user) holds "
              "them, where systemd only bounded them";
        }
      }
      for (const auto& line : ambient_lines_) {
        if (bounding_lines_.empty()) {
          auto& report = result_.report[line.index];
          report.outcome = Outcome::approximated;
          report.note = "sandbox.capabilities: the bounding set is narrowed to them too";
        } else if (!same(bounding, ambient)) {
          auto& report = result_.report[line.index];
          report.outcome = Outcome::approximated;
          report.note =
              "sandbox.capabilities: the ambient set is the whole CapabilityBoundingSet= list";
        }
      }
    }
    if (extras_.contains("Service.SystemCallFilter")) {
      to_extra(filter_lines_, "Service.SystemCallFilter");
    } else if (!filter_lines_.empty()) {
      std::vector<std::string> entries;
      for (const auto& line : filter_lines_) {
        for (const auto& entry : line.entries) {
          if (std::find(entries.begin(), entries.end(), entry) == entries.end()) {
            entries.push_back(entry);
          }
        }
      }
      draft_.set("sandbox", "system_call_filter", toml_array(entries));
    }
  }

  void map_extra(const UnitDirective& d, const ExtraKey& extra) {
    const std::string key = std::string(extra.section) + "." + std::string(extra.key);
    auto previous = extras_.find(key);
    if (previous != extras_.end() && !extra.list) {
      dropped(d, "only one " + d.key + "= line fits [systemd].extra");
      return;
    }
    auto value = previous == extras_.end() ? std::optional<std::string>(d.value)
                                           : joined_extra(previous->second, d.value);
    if (!value) {
      dropped(d, "an allow-list and a ~deny-list of " + d.key +
                     "= do not fit one [systemd].extra value");
      return;
    }
    extras_[key] = *value;
    draft_.set("systemd.extra", key, toml_string(*value));
    carried(d, "[systemd].extra \"" + key + "\" (systemd only)");
  }

  void map_log(const UnitDirective& d, std::optional<std::string>& stream) {
    const std::string& v = d.value;
    auto file_of = [&](std::string_view prefix) -> std::optional<std::string> {
      if (!v.starts_with(prefix)) return std::nullopt;
      return v.substr(prefix.size());
    };
    std::optional<std::string> path;
    std::string note;
    Outcome outcome = Outcome::carried;
    if ((path = file_of("append:"))) {
      note = "a log file";
    } else if ((path = file_of("file:"))) {
      outcome = Outcome::approximated;
      note = "appended to, where systemd wrote from the start of the file";
    } else if ((path = file_of("truncate:"))) {
      outcome = Outcome::approximated;
      note = "appended to, where systemd truncated it at every start";
    }
    if (path) {
      // A POSIX path on every host (the importer also runs on Windows).
      const auto slash = path->rfind('/');
      if (!path->starts_with("/") || slash + 1 == path->size() ||
          path->find('%') != std::string::npos) {
        dropped(d, "not an absolute file path");
        return;
      }
      const std::string directory = slash == 0 ? "/" : path->substr(0, slash);
      const std::string file = path->substr(slash + 1);
      if (!is_log_file(directory, file)) {
        dropped(d, "\"" + *path + "\" cannot be a log file of the manifest");
        return;
      }
      if (!log_directory_.empty() && log_directory_ != directory) {
        outcome = Outcome::approximated;
        note += "; written into " + log_directory_ + " (both streams share logs.directory)";
      } else {
        log_directory_ = directory;
        draft_.set("logs", "directory", toml_string(directory));
      }
      stream = file;
      report(d, outcome, "logs.directory + logs." + lower(d.key) + ": " + note);
      return;
    }
    if (v == "journal" || v == "inherit" || v == "journal+console" || v == "syslog" ||
        v == "syslog+console" || v == "kmsg" || v == "kmsg+console") {
      stream = "inherit";
      if (v == "journal" || v == "inherit") {
        carried(d, "\"inherit\": the journal");
      } else {
        approximated(d, "\"inherit\": the journal only");
      }
      return;
    }
    if (v == "null") {
      stream = "null";
      carried(d, "\"null\"");
      return;
    }
    dropped(d, "\"" + v + "\" has no equivalent (file, the journal or null)");
  }

  static std::string lower(std::string_view key) {
    return key == "StandardOutput" ? "stdout" : "stderr";
  }

  void map_limit(const UnitDirective& d, const char* key) {
    std::string value = d.value;
    std::string note;
    if (auto colon = value.find(':'); colon != std::string::npos) {
      note = "one limit for soft and hard: the hard " + value.substr(colon + 1);
      value = value.substr(colon + 1);
    }
    if (value == "infinity") {
      // No manifest value means "no limit"; the kernel caps these anyway.
      const std::string cap = std::string(key) == "nofile" ? "1048576" : "4194304";
      draft_.set("limits", key, cap);
      return approximated(d,
                          "limits." + std::string(key) + " = " + cap +
                              (std::string(key) == "nofile" ? " (the kernel's default nr_open)"
                                                            : " (the kernel's largest pid_max)") +
                              ": the manifest has no \"infinity\"");
    }
    auto number = parse_unsigned(value);
    if (!number || *number < 1 || *number > (1ULL << 30)) {
      dropped(d, "\"" + d.value + "\": limits." + key + " takes 1 to 2^30");
      return;
    }
    draft_.set("limits", key, std::to_string(*number));
    report(d, note.empty() ? Outcome::carried : Outcome::approximated,
           "limits." + std::string(key) + (note.empty() ? "" : "; " + note));
  }

  void map_timeout_stop(const UnitDirective& d, bool also_start) {
    auto ms = parse_time_span(d.value);
    // 0 and "infinity" both mean: never SIGKILL.
    const bool infinite = d.value == "infinity" || (ms && *ms == 0);
    if (!ms && !infinite) {
      approximated(d, "not a time span: stop.timeout kept at 90s");
      return;
    }
    draft_.set("stop", "timeout", infinite ? toml_string("infinity") : manifest_duration(*ms));
    if (also_start) {
      draft_.set("systemd.extra", "Service.TimeoutStartSec", toml_string(d.value));
      carried(d, "stop.timeout, [systemd].extra \"Service.TimeoutStartSec\"");
    } else {
      carried(d, "stop.timeout");
    }
  }

  void map(const UnitDirective& d) {
    const std::string& key = d.key;
    const std::string& v = d.value;
    if (d.section != "Unit" && d.section != "Service" && d.section != "Install") {
      dropped(d, "[" + d.section + "] is not read");
      return;
    }
    if (v.empty() && !kListSettings.contains(key)) {
      return carried(d, "empty: systemd's default, which the manifest keeps");
    }
    if (key == "ExecStart" && d.section == "Service") return map_exec_start(d);
    if (key == "ExecReload" && d.section == "Service") return map_exec_reload(d);
    if (d.section == "Service") {
      static const std::map<std::string, std::string, std::less<>> kHooks{
          {"ExecStartPre", "pre_start"},
          {"ExecStartPost", "post_start"},
          {"ExecStop", "stop"},
          {"ExecStopPost", "post_stop"}};
      if (auto hook = kHooks.find(key); hook != kHooks.end()) return map_hook(d, hook->second);
    }
    if (key == "Environment") return map_environment(d);
    if (key == "EnvironmentFile") return map_environment_file(d);
    if (key == "StandardOutput") return map_log(d, stdout_);
    if (key == "StandardError") return map_log(d, stderr_);
    if (key == "LimitNOFILE") return map_limit(d, "nofile");
    if (key == "LimitNPROC") return map_limit(d, "nproc");
    if (key == "TimeoutStopSec") return map_timeout_stop(d, false);
    if (key == "TimeoutSec") return map_timeout_stop(d, true);
    if (key == "Description") {
      std::set<std::string> unknown;
      bool instance = false;
      std::string description = expand_specifiers(v, unknown, instance);
      const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
      if (std::any_of(description.begin(), description.end(), control)) {
        std::replace_if(description.begin(), description.end(), control, ' ');
        unknown.insert("control characters (as spaces)");
      }
      draft_.set("service", "description", toml_string(description));
      if (unknown.empty()) return carried(d, "service.description");
      return approximated(d, "service.description; " +
                                 join({unknown.begin(), unknown.end()}, ", ") + " kept as text");
    }
    if (key == "After" || key == "Requires" || key == "Wants") {
      auto& list = key == "After" ? after_ : key == "Wants" ? wants_ : requires_;
      std::vector<std::string> skipped;
      const auto names = unit_names(v, skipped);
      for (const auto& name : names) {
        if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
      }
      const char* manifest_key = key == "After" ? "after" : key == "Wants" ? "wants" : "requires";
      if (!list.empty()) draft_.set("dependencies", manifest_key, toml_array(list));
      (key == "After"   ? after_lines_
       : key == "Wants" ? wants_lines_
                        : requires_lines_)
          .emplace_back(result_.report.size(), names);
      if (names.empty()) {
        return dropped(d, join(skipped, ", ") +
                              ": not unit names the manifest can hold (a "
                              "template instance, or other characters)");
      }
      if (!skipped.empty()) {
        return approximated(d, std::string("dependencies.") + manifest_key + "; " +
                                   join(skipped, ", ") +
                                   " left out (a template instance, or other characters)");
      }
      carried(d, std::string("dependencies.") + manifest_key);
      return;
    }
    if (key == "StartLimitBurst") {
      auto burst = parse_unsigned(v);
      if (!burst || *burst < 1 || *burst > 1000001) return dropped(d, "not a count from 1");
      if (!restart_unlimited_) draft_.set("restart", "max_restarts", std::to_string(*burst - 1));
      return carried(d, "restart.max_restarts = " + std::to_string(*burst - 1) +
                            " (restarts after the first start)");
    }
    if (key == "StartLimitIntervalSec" || key == "StartLimitInterval") {
      auto ms = parse_time_span(v);
      if (ms && *ms == 0) {
        restart_unlimited_ = true;
        draft_.set("restart", "max_restarts", "0");
        return carried(d, "restart.max_restarts = 0 (no limit)");
      }
      if (!ms) return dropped(d, "not a time span");
      draft_.set("restart", "window", manifest_duration(*ms));
      return key == "StartLimitInterval" ? approximated(d,
                                                        "restart.window (the old name of "
                                                        "StartLimitIntervalSec=)")
                                         : carried(d, "restart.window");
    }
    if (key == "Type") {
      if (v == "exec") return carried(d, "the program is started directly");
      if (v == "simple") {
        return approximated(d, "as exec: the start fails when the program cannot be executed");
      }
      if (v == "forking" || v == "oneshot" || v == "notify") {
        // Settled in finish(): forking needs PIDFile=, oneshot refuses Restart=always.
        type_ = v;
        type_line_ = result_.report.size();
        return carried(d, "service.type = \"" + v + "\"");
      }
      if (v == "notify-reload") {
        type_ = "notify";
        type_line_ = result_.report.size();
        return approximated(d,
                            "service.type = \"notify\": a reload does not wait for the "
                            "program's RELOADING=1");
      }
      if (v == "dbus" || v == "idle") {
        return approximated(d,
                            "as exec: the start completes when the program is executed, "
                            "without waiting for its notification");
      }
      return dropped(d, "\"" + v + "\": not a service type");
    }
    if (key == "PIDFile") {
      std::set<std::string> unknown;
      bool instance = false;
      pid_file_ = expand_specifiers(v, unknown, instance);
      if (!pid_file_.starts_with("/") || !unknown.empty()) pid_file_.clear();
      pid_line_ = result_.report.size();
      return carried(d, "service.pid_file");
    }
    if (key == "RemainAfterExit") {
      const bool yes = v == "yes" || v == "true" || v == "on" || v == "1";
      if (!yes && v != "no" && v != "false" && v != "off" && v != "0") {
        return dropped(d, "not a boolean");
      }
      remain_after_exit_ = yes;
      remain_line_ = result_.report.size();
      return carried(d, yes ? "service.remain_after_exit = true" : "systemd's default (false)");
    }
    if (d.section == "Service" && key.ends_with("Directory") && directory_kind(key)) {
      return map_directories(d, *directory_kind(key));
    }
    if (d.section == "Service" && key.ends_with("DirectoryMode") &&
        directory_kind(key.substr(0, key.size() - 4))) {
      const bool octal = v.size() <= 4 && std::all_of(v.begin(), v.end(),
                                                      [](char c) { return c >= '0' && c <= '7'; });
      if (!octal) return dropped(d, "not an octal mode");
      modes_.push_back({*directory_kind(key.substr(0, key.size() - 4)),
                        static_cast<unsigned>(std::stoul(v, nullptr, 8)), result_.report.size()});
      return carried(d, "directories.mode");
    }
    if (key == "RequiresMountsFor") {
      std::vector<std::string> skipped;
      for (const auto& word : split_unit_words(v).value_or(std::vector<UnitWord>{})) {
        std::set<std::string> unknown;
        bool instance = false;
        const std::string path = expand_specifiers(word.text, unknown, instance);
        if (!path.starts_with("/") || !unknown.empty()) {
          skipped.push_back(word.text);
        } else if (std::find(mounts_.begin(), mounts_.end(), path) == mounts_.end()) {
          mounts_.push_back(path);
        }
      }
      if (!mounts_.empty()) {
        std::vector<std::string> escaped;
        for (const auto& path : mounts_) escaped.push_back(escape_interpolation(path));
        draft_.set("dependencies", "requires_mounts_for", toml_array(escaped));
      }
      if (skipped.empty()) return carried(d, "dependencies.requires_mounts_for");
      return report(d, mounts_.empty() ? Outcome::dropped : Outcome::approximated,
                    "dependencies.requires_mounts_for; " + join(skipped, " ") +
                        " left out (not an absolute path, or a specifier with no value here)");
    }
    if (d.section == "Service") {
      static const std::map<std::string, std::string, std::less<>> kSandboxFlags{
          {"PrivateTmp", "private_tmp"},
          {"NoNewPrivileges", "no_new_privileges"},
          {"PrivateDevices", "private_devices"},
          {"PrivateUsers", "private_users"}};
      if (auto flag = kSandboxFlags.find(key); flag != kSandboxFlags.end()) {
        const auto yes = systemd_boolean(v);
        if (!yes) return dropped(d, "\"" + v + "\": sandbox." + flag->second + " is a boolean");
        draft_.set("sandbox", flag->second, *yes ? "true" : "false");
        return carried(d, "sandbox." + flag->second + " = " + (*yes ? "true" : "false"));
      }
      if (key == "ProtectSystem" || key == "ProtectHome") {
        const std::string manifest_key = key == "ProtectSystem" ? "protect_system" : "protect_home";
        std::string value = v;
        if (auto yes = systemd_boolean(v)) value = *yes ? "yes" : "no";
        const bool known =
            key == "ProtectSystem"
                ? (value == "yes" || value == "no" || value == "full" || value == "strict")
                : (value == "yes" || value == "no" || value == "read-only" || value == "tmpfs");
        if (!known) return dropped(d, "\"" + v + "\" is not a value of sandbox." + manifest_key);
        draft_.set("sandbox", manifest_key, toml_string(value));
        return carried(d, "sandbox." + manifest_key + " = \"" + value + "\"");
      }
      // An allow-list; a `~` deny-list stays in [systemd].extra (the manifest has none).
      if (key == "RestrictAddressFamilies" && !v.starts_with("~")) {
        auto words = split_unit_words(v).value_or(std::vector<UnitWord>{});
        const bool families =
            !words.empty() && std::all_of(words.begin(), words.end(), [&](const UnitWord& word) {
              return word.text.starts_with("AF_") || (word.text == "none" && words.size() == 1);
            });
        if (families) {
          for (const auto& word : words) {
            if (std::find(address_families_.begin(), address_families_.end(), word.text) ==
                address_families_.end()) {
              address_families_.push_back(word.text);
            }
          }
          if (address_families_.size() > 1) std::erase(address_families_, "none");
          draft_.set("sandbox", "restrict_address_families", toml_array(address_families_));
          return carried(d, "sandbox.restrict_address_families");
        }
      }
      // ReadWriteDirectories= and ReadOnlyDirectories= are the old names of the same settings.
      if (key == "ReadWritePaths" || key == "ReadOnlyPaths" || key == "ReadWriteDirectories" ||
          key == "ReadOnlyDirectories") {
        const bool writable = key.starts_with("ReadWrite");
        auto& paths = writable ? read_write_paths_ : read_only_paths_;
        const std::string manifest_key = writable ? "read_write_paths" : "read_only_paths";
        const std::string renamed = key.ends_with("Directories")
                                        ? std::string("; rendered as ") +
                                              (writable ? "ReadWritePaths=" : "ReadOnlyPaths=") +
                                              ", its current name"
                                        : "";
        std::vector<std::string> skipped;
        for (const auto& word : split_unit_words(v).value_or(std::vector<UnitWord>{})) {
          std::set<std::string> unknown;
          bool instance = false;
          const std::string path = expand_specifiers(word.text, unknown, instance);
          const std::string bare = path.starts_with("-") ? path.substr(1) : path;
          if (!bare.starts_with("/") || !unknown.empty()) {
            skipped.push_back(word.text);
          } else if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
            paths.push_back(path);
          }
        }
        if (!paths.empty()) {
          std::vector<std::string> escaped;
          escaped.reserve(paths.size());
          for (const auto& path : paths) escaped.push_back(escape_interpolation(path));
          draft_.set("sandbox", manifest_key, toml_array(escaped));
        }
        if (skipped.empty() && renamed.empty()) return carried(d, "sandbox." + manifest_key);
        if (skipped.empty()) return approximated(d, "sandbox." + manifest_key + renamed);
        return report(d, paths.empty() ? Outcome::dropped : Outcome::approximated,
                      "sandbox." + manifest_key + renamed + "; " + join(skipped, " ") +
                          " left out (not an absolute path, or a specifier with no value here)");
      }
    }
    if (key == "KillMode") {
      if (v == "process") {
        draft_.set("stop", "kill", toml_string("main"));
        return carried(d, "stop.kill = \"main\"");
      }
      if (v == "control-group") return carried(d, "stop.kill = \"group\" (the default)");
      if (v == "mixed") {
        draft_.set("stop", "kill", toml_string("mixed"));
        return carried(d, "stop.kill = \"mixed\"");
      }
      return dropped(d, "\"" + v + "\": stop.kill always kills what is left after stop.timeout");
    }
    if (key == "WorkingDirectory") {
      std::string value = v;
      std::string note;
      if (value.starts_with("-")) {
        value = value.substr(1);
        note = "'-' (ignore a missing directory) dropped";
      }
      if (value.starts_with("%h")) value = "~" + value.substr(2);
      std::set<std::string> unknown;
      bool instance = false;
      value = expand_specifiers(value, unknown, instance);
      const bool control = std::any_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      if (!(value.starts_with("/") || value == "~" || value.starts_with("~/")) ||
          !unknown.empty() || control) {
        return dropped(d, "\"" + v + "\" is not an absolute path");
      }
      draft_.set("service", "working_directory", toml_string(escape_interpolation(value)));
      return note.empty() ? carried(d, "service.working_directory")
                          : approximated(d, "service.working_directory; " + note);
    }
    if (key == "User" || key == "Group") {
      if (!is_account_name(v)) return dropped(d, "\"" + v + "\" is not an account name");
      draft_.set("service", key == "User" ? "user" : "group", toml_string(v));
      return carried(d, key == "User" ? "service.user" : "service.group");
    }
    if (key == "UMask") {
      const bool octal = !v.empty() && v.size() <= 4 && std::all_of(v.begin(), v.end(), [](char c) {
        return c >= '0' && c <= '7';
      });
      if (!octal) return dropped(d, "not an octal umask");
      draft_.set("service", "umask", toml_string(v));
      return carried(d, "service.umask");
    }
    if (key == "Restart") {
      static const std::map<std::string, std::string, std::less<>> kPolicies{
          {"no", "never"}, {"always", "always"}, {"on-failure", "on-failure"}};
      if (auto policy = kPolicies.find(v); policy != kPolicies.end()) {
        restart_policy_ = policy->second;
        draft_.set("restart", "policy", toml_string(policy->second));
        if (policy->second == "always") always_line_ = result_.report.size();
        return carried(d, "restart.policy = \"" + policy->second + "\"");
      }
      if (v == "on-abnormal" || v == "on-abort" || v == "on-watchdog") {
        restart_policy_ = "on-failure";
        draft_.set("restart", "policy", toml_string("on-failure"));
        return approximated(d,
                            "restart.policy = \"on-failure\": also restarted after an "
                            "unclean exit code");
      }
      return dropped(d, "\"" + v + "\" has no restart.policy (always, on-failure, never)");
    }
    if (key == "RestartSec") {
      auto ms = parse_time_span(v);
      if (!ms) return dropped(d, "not a time span");
      draft_.set("restart", "delay", manifest_duration(*ms));
      if (*ms > 60000) draft_.set("restart", "max_delay", manifest_duration(*ms));
      return carried(d, "restart.delay (multiplier 1.0: no backoff, as systemd)");
    }
    if (key == "SuccessExitStatus") {
      auto words = split_unit_words(v);
      std::vector<std::string> skipped;
      for (const auto& word : words.value_or(std::vector<UnitWord>{})) {
        auto code = parse_unsigned(word.text);
        if (code && *code <= 255) {
          if (std::find(success_codes_.begin(), success_codes_.end(), *code) ==
              success_codes_.end()) {
            success_codes_.push_back(*code);
          }
        } else {
          skipped.push_back(word.text);
        }
      }
      std::string codes;
      for (auto code : success_codes_) codes += (codes.empty() ? "" : ", ") + std::to_string(code);
      draft_.set("restart", "success_exit_codes", "[" + codes + "]");
      if (skipped.empty()) return carried(d, "restart.success_exit_codes");
      return approximated(d, "restart.success_exit_codes; " + join(skipped, " ") +
                                 " dropped (exit codes only, no signals)");
    }
    if (key == "NotifyAccess" && (v == "main" || v == "all" || v == "exec")) {
      notify_access_line_ = result_.report.size();
      notify_access_ = v;
      return dropped(d, "no sd_notify() from the program is used");  // settled in finish_type()
    }
    if (key == "RestartPreventExitStatus") {
      std::vector<unsigned long long> codes;
      for (const auto& word : split_unit_words(v).value_or(std::vector<UnitWord>{})) {
        auto code = parse_unsigned(word.text);
        if (!code || *code > 255) return dropped(d, "restart.policy cannot exclude signals");
        codes.push_back(*code);
      }
      if (codes.empty()) return dropped(d, "no exit code");
      prevent_lines_.push_back({result_.report.size(), codes});
      return carried(d, "restart.prevent_exit_codes");  // settled in finish_type()
    }
    if (key == "KillSignal") {
      auto signal = manifest_signal(v);
      if (!signal)
        return dropped(d, "\"" + v + "\" is not one of TERM INT HUP QUIT USR1 USR2 KILL");
      draft_.set("stop", "signal", toml_string(*signal));
      return carried(d, "stop.signal = \"" + *signal + "\"");
    }
    if (key == "MemoryMax" || key == "MemoryLimit") {
      auto bytes = parse_bytes(v);
      if (!bytes || *bytes == 0) return dropped(d, "\"" + v + "\": limits.memory takes a size");
      draft_.set("limits", "memory", std::to_string(*bytes));
      return key == "MemoryMax" ? carried(d, "limits.memory")
                                : approximated(d, "limits.memory, rendered as MemoryMax=");
    }
    if (key == "CPUQuota") {
      const unsigned long long percent =
          v.ends_with("%") ? parse_unsigned(std::string_view(v).substr(0, v.size() - 1)).value_or(0)
                           : 0;
      if (percent == 0 || percent > 409600) return dropped(d, "not a percentage");
      const double cores = static_cast<double>(percent) / 100.0;
      std::string text = std::to_string(cores);
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text += '0';
      draft_.set("limits", "cpu", text);
      return carried(d, "limits.cpu = " + text);
    }
    if (key == "WantedBy" && d.section == "Install") {
      auto words = split_unit_words(v).value_or(std::vector<UnitWord>{});
      std::vector<std::string> others;
      bool scope_target = false;
      for (const auto& word : words) {
        if ((!user_scope_ && word.text == "multi-user.target") ||
            (user_scope_ && word.text == "default.target")) {
          scope_target = true;
        } else {
          others.push_back(word.text);
        }
      }
      if (others.empty())
        return carried(d, user_scope_ ? "scope = \"user\"" : "scope = \"system\"");
      const std::string key_name = "Install.WantedBy";
      const std::string value = extras_.contains(key_name)
                                    ? extras_[key_name] + " " + join(others, " ")
                                    : join(others, " ");
      extras_[key_name] = value;
      draft_.set("systemd.extra", key_name, toml_string(value));
      if (scope_target) return carried(d, "scope, [systemd].extra \"Install.WantedBy\"");
      return approximated(d, "[systemd].extra \"Install.WantedBy\"; also wanted by " +
                                 std::string(user_scope_ ? "default.target" : "multi-user.target") +
                                 " (the manifest's scope)");
    }
    if (d.section == "Service" &&
        (key == "CapabilityBoundingSet" || key == "AmbientCapabilities") && map_capabilities(d)) {
      return;
    }
    if (d.section == "Service" && key == "SystemCallFilter" && map_system_call_filter(d)) return;
    if (map_documentation(d) || map_unit_relations(d) || map_kernel_switches(d)) return;
    for (const auto& extra : kExtraKeys) {
      if (extra.section == d.section && extra.key == key) return map_extra(d, extra);
    }
    for (const auto& pending : kPendingKeys) {
      if (pending.directive == key && !pending.future_key.empty()) {
        return dropped(d, "no manifest key for it yet (" + std::string(pending.future_key) + ")");
      }
    }
    if (key.starts_with("Condition") || key.starts_with("Assert")) {
      return dropped(d,
                     "only ConditionPathExists/IsDirectory/FileNotEmpty/Virtualization/Host "
                     "and AssertPathExists fit [systemd].extra");
    }
    if (auto reason = kDroppedReasons.find(key);
        reason != kDroppedReasons.end() && !reason->second.empty()) {
      return dropped(d, reason->second);
    }
    dropped(d, "no equivalent in the manifest");
  }

  // RestartPreventExitStatus= lines: restart.prevent_exit_codes, without the success codes (the
  // loader refuses a code in both lists; a success is never restarted anyway).
  template <typename Amend>
  void finish_prevent_exit_codes(const Amend& amend) {
    std::vector<unsigned long long> prevent;
    for (const auto& [index, codes] : prevent_lines_) {
      std::vector<std::string> successes;
      for (auto code : codes) {
        if (std::find(success_codes_.begin(), success_codes_.end(), code) != success_codes_.end()) {
          successes.push_back(std::to_string(code));
        } else if (std::find(prevent.begin(), prevent.end(), code) == prevent.end()) {
          prevent.push_back(code);
        }
      }
      if (!successes.empty()) {
        amend(index, Outcome::approximated,
              "restart.prevent_exit_codes; " + join(successes, " ") +
                  " left out (a success code, never restarted anyway)");
      }
    }
    if (prevent.empty()) return;
    std::string list;
    for (auto code : prevent) list += (list.empty() ? "" : ", ") + std::to_string(code);
    draft_.set("restart", "prevent_exit_codes", "[" + list + "]");
  }

  // ---- Documentation=, Before=/PartOf=/Conflicts=, Alias=/Also=, the kernel switches ----------
  // Each returns false to leave the directive to [systemd].extra (a value the own key cannot
  // hold).

  // Documentation=: the URLs service.documentation accepts; the others are left out.
  bool map_documentation(const UnitDirective& d) {
    if (d.section != "Unit" || d.key != "Documentation") return false;
    std::vector<std::string> skipped;
    for (const auto& word : split_unit_words(d.value).value_or(std::vector<UnitWord>{})) {
      std::set<std::string> unknown;
      bool instance = false;
      const std::string url = expand_specifiers(word.text, unknown, instance);
      const bool scheme = std::any_of(
          kDocumentationSchemes.begin(), kDocumentationSchemes.end(),
          [&](std::string_view s) { return url.starts_with(s) && url.size() > s.size(); });
      const bool blank = std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      });
      if (!scheme || blank || !unknown.empty()) {
        skipped.push_back(word.text);
      } else if (std::find(documentation_.begin(), documentation_.end(), url) ==
                 documentation_.end()) {
        documentation_.push_back(url);
      }
    }
    if (!documentation_.empty()) draft_.set("service", "documentation", toml_array(documentation_));
    if (skipped.empty()) {
      carried(d, "service.documentation");
    } else {
      report(d, documentation_.empty() ? Outcome::dropped : Outcome::approximated,
             "service.documentation; " + join(skipped, " ") +
                 " left out (not an http(s)://, file:, man: or info: URL, or a specifier with "
                 "no value here)");
    }
    return true;
  }

  // Before=, PartOf=, Conflicts= and Also=, Alias= into [dependencies] and service.aliases.
  bool map_unit_relations(const UnitDirective& d) {
    struct Relation {
      std::string_view section;
      std::string_view directive;
      std::string_view table;
      std::string_view key;
    };
    static constexpr std::array<Relation, 5> kRelations{{
        {"Unit", "Before", "dependencies", "before"},
        {"Unit", "PartOf", "dependencies", "part_of"},
        {"Unit", "Conflicts", "dependencies", "conflicts"},
        {"Install", "Also", "dependencies", "also_enable"},
        {"Install", "Alias", "service", "aliases"},
    }};
    const auto* relation = std::find_if(kRelations.begin(), kRelations.end(), [&](const auto& r) {
      return r.section == d.section && r.directive == d.key;
    });
    if (relation == kRelations.end()) return false;
    std::vector<std::string> skipped;
    const auto names = unit_names(d.value, skipped);
    const bool alias = relation->key == "aliases";
    // An alias names this service: no template, the same unit type.
    if (alias && std::any_of(names.begin(), names.end(), [](const std::string& name) {
          return name.find('@') != std::string::npos ||
                 (name.find('.') != std::string::npos && !name.ends_with(".service"));
        })) {
      return false;
    }
    if (names.empty() || !skipped.empty()) return false;  // kept whole by [systemd].extra
    auto& list = relations_[std::string(relation->key)];
    for (const auto& name : names) {
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
    draft_.set(std::string(relation->table), std::string(relation->key), toml_array(list));
    carried(d, std::string(relation->table) + "." + std::string(relation->key));
    return true;
  }

  // The kernel switches of [sandbox]: booleans, enums and lists with systemd's values.
  bool map_kernel_switches(const UnitDirective& d) {
    if (d.section != "Service") return false;
    static const std::map<std::string, std::string, std::less<>> kFlags{
        {"ProtectKernelTunables", "protect_kernel_tunables"},
        {"ProtectKernelModules", "protect_kernel_modules"},
        {"ProtectKernelLogs", "protect_kernel_logs"},
        {"ProtectControlGroups", "protect_control_groups"},
        {"ProtectClock", "protect_clock"},
        {"ProtectHostname", "protect_hostname"},
        {"RestrictNamespaces", "restrict_namespaces"},
        {"RestrictRealtime", "restrict_realtime"},
        {"RestrictSUIDSGID", "restrict_suid_sgid"},
        {"LockPersonality", "lock_personality"},
        {"MemoryDenyWriteExecute", "memory_deny_write_execute"},
        {"PrivateNetwork", "private_network"},
        {"RemoveIPC", "remove_ipc"}};
    const auto& v = d.value;
    if (auto flag = kFlags.find(d.key); flag != kFlags.end()) {
      // RestrictNamespaces= also takes a list of namespace types: [systemd].extra keeps it.
      const auto yes = systemd_boolean(v);
      if (!yes) return false;
      draft_.set("sandbox", flag->second, *yes ? "true" : "false");
      carried(d, "sandbox." + flag->second + " = " + (*yes ? "true" : "false"));
      return true;
    }
    static const std::map<std::string, std::pair<std::string, std::vector<std::string>>,
                          std::less<>>
        kChoices{
            {"DevicePolicy", {"device_policy", {"auto", "closed", "strict"}}},
            {"ProtectProc", {"protect_proc", {"default", "noaccess", "invisible", "ptraceable"}}},
            {"ProcSubset", {"proc_subset", {"all", "pid"}}}};
    if (auto choice = kChoices.find(d.key); choice != kChoices.end()) {
      const auto& [manifest_key, values] = choice->second;
      if (std::find(values.begin(), values.end(), v) == values.end()) {
        dropped(d, "\"" + v + "\" is not a value of sandbox." + manifest_key);
        return true;
      }
      draft_.set("sandbox", manifest_key, toml_string(v));
      carried(d, "sandbox." + manifest_key + " = \"" + v + "\"");
      return true;
    }
    if (d.key == "SystemCallArchitectures") {
      auto words = split_unit_words(v).value_or(std::vector<UnitWord>{});
      const bool ok = !words.empty() && std::all_of(words.begin(), words.end(), [](const auto& w) {
        return std::all_of(w.text.begin(), w.text.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
      });
      if (!ok) return false;
      for (const auto& word : words) {
        if (std::find(architectures_.begin(), architectures_.end(), word.text) ==
            architectures_.end()) {
          architectures_.push_back(word.text);
        }
      }
      draft_.set("sandbox", "system_call_architectures", toml_array(architectures_));
      carried(d, "sandbox.system_call_architectures");
      return true;
    }
    if (d.key == "DeviceAllow") {
      // One device and its access per line, as sandbox.device_allow holds them.
      auto words = split_unit_words(v).value_or(std::vector<UnitWord>{});
      if (words.empty() || words.size() > 2) return false;
      const auto& device = words.front().text;
      const bool device_ok = (device.starts_with("/dev/") && device.size() > 5) ||
                             device.starts_with("char-") || device.starts_with("block-");
      const bool access_ok =
          words.size() == 1 || (words[1].text.size() <= 3 && !words[1].text.empty() &&
                                words[1].text.find_first_not_of("rwm") == std::string::npos);
      if (!device_ok || !access_ok || device.find('%') != std::string::npos) return false;
      device_allow_.push_back(words.size() == 1 ? device : device + " " + words[1].text);
      draft_.set("sandbox", "device_allow", toml_array(device_allow_));
      carried(d, "sandbox.device_allow");
      return true;
    }
    return false;
  }

  // Type= with what it needs or excludes (the loader refuses a forking service without a pid
  // file, a pid file or remain_after_exit with another type, and a oneshot always restarted).
  void finish_type() {
    auto amend = [&](std::optional<std::size_t> index, Outcome outcome, const std::string& note) {
      if (!index) return;
      result_.report[*index].outcome = outcome;
      result_.report[*index].note = note;
    };
    if (type_ == "forking" && pid_file_.empty()) {
      amend(type_line_, Outcome::dropped,
            "service.type = \"forking\" needs PIDFile= with an absolute path "
            "(service.pid_file); started as a program that stays in the foreground");
      type_.clear();
    }
    if (!type_.empty()) draft_.set("service", "type", toml_string(type_));
    if (pid_line_) {
      if (type_ == "forking") {
        draft_.set("service", "pid_file", toml_string(escape_interpolation(pid_file_)));
      } else if (pid_file_.empty()) {
        amend(pid_line_, Outcome::dropped, "not an absolute path");
      } else {
        // systemd reads it only for forking; for the other types it removes the file after the
        // stop, which only systemd's own PIDFile= does.
        draft_.set("systemd.extra", "Service.PIDFile", toml_string(pid_file_));
        amend(pid_line_, Outcome::carried,
              "[systemd].extra \"Service.PIDFile\" (without Type=forking systemd only removes "
              "the file after the stop)");
      }
    }
    if (notify_access_line_ && type_ == "notify") {
      if (notify_access_ == "main") {
        amend(notify_access_line_, Outcome::carried, "service.type = \"notify\" renders it");
      } else {
        amend(notify_access_line_, Outcome::approximated,
              "service.type = \"notify\": NotifyAccess=main natively; the watchdog accepts "
              "READY=1 from every process of the service");
      }
    }
    finish_prevent_exit_codes(amend);
    if (remain_after_exit_) {
      if (type_ == "oneshot") {
        draft_.set("service", "remain_after_exit", "true");
      } else {
        amend(remain_line_, Outcome::dropped,
              "service.remain_after_exit is only read with Type=oneshot");
      }
    }
    if (type_ == "oneshot" && always_line_) {
      draft_.set("restart", "policy", toml_string("on-failure"));
      amend(always_line_, Outcome::approximated,
            "restart.policy = \"on-failure\": a oneshot is never restarted after a success");
    }
  }

  void finish() {
    finish_type();
    finish_sandbox();
    finish_directory_modes();
    // dependencies.after renders After= only; wants renders Wants= and After=, requires
    // Requires= and After=.
    auto note_extra =
        [&](const std::vector<std::pair<std::size_t, std::vector<std::string>>>& lines,
            const std::set<std::string>& also, const char* added) {
          for (const auto& [index, names] : lines) {
            std::vector<std::string> missing;
            for (const auto& name : names) {
              if (!also.contains(name)) missing.push_back(name);
            }
            if (missing.empty()) continue;
            auto& line = result_.report[index];
            line.outcome = Outcome::approximated;
            line.note += std::string("; also ") + added + join(missing, " ");
          }
        };
    note_extra(wants_lines_, {after_.begin(), after_.end()}, "After=");
    note_extra(requires_lines_, {after_.begin(), after_.end()}, "After=");
    if (template_) {
      result_.report.push_back({unit_.path, 1, Outcome::dropped, "@ (template)",
                                "imported as the single service \"" + name_ +
                                    "\"; a template's instances have no manifest form yet"});
    }
    if (!env_files_.empty()) {
      for (auto index : environment_lines_) {
        auto& line = result_.report[index];
        if (line.outcome == Outcome::carried) {
          line.outcome = Outcome::approximated;
          line.note += "; [env] wins over env_files (systemd let EnvironmentFile= win)";
        }
      }
    }
    // StandardError= defaults to StandardOutput=.
    if (stdout_) draft_.set("logs", "stdout", toml_string(*stdout_));
    const auto err = stderr_ ? stderr_ : stdout_;
    if (err) draft_.set("logs", "stderr", toml_string(*err));
  }

  const SourceText& unit_;
  const std::vector<SourceText>& dropins_;
  ImportResult result_;
  ManifestDraft draft_;
  std::string name_;
  std::string unit_name_;
  std::string full_name_;
  std::string prefix_;
  std::string instance_;
  bool template_ = false;
  bool user_scope_ = false;
  bool exec_seen_ = false;
  bool restart_unlimited_ = false;
  std::string exec_file_line_;
  std::set<std::string> unit_env_;
  std::map<std::string, std::size_t> env_lines_;  // variable -> its report line
  std::vector<std::string> env_files_;
  std::map<std::string, std::vector<std::string>> hooks_;
  std::string type_;
  struct DirectoryMode {
    std::string kind;
    unsigned mode;
    std::size_t line;
  };
  std::vector<DirectoryMode> modes_;
  std::map<std::string, std::vector<std::string>> directories_;
  std::map<std::string, std::vector<std::size_t>> directory_lines_;
  std::vector<std::string> mounts_;
  std::vector<std::string> read_write_paths_;
  std::vector<std::string> read_only_paths_;
  std::vector<std::string> address_families_;
  struct SandboxLine {
    std::size_t index;  // its report line
    std::vector<std::string> entries;
    std::string value;  // as written, for [systemd].extra
  };
  std::vector<SandboxLine> bounding_lines_;
  std::vector<SandboxLine> ambient_lines_;
  std::vector<SandboxLine> filter_lines_;
  bool filter_denies_ = false;
  std::optional<std::size_t> type_line_;
  std::string pid_file_;
  std::optional<std::size_t> pid_line_;
  bool remain_after_exit_ = false;
  std::optional<std::size_t> remain_line_;
  std::optional<std::size_t> always_line_;
  std::string restart_policy_ = "never";  // systemd's default Restart=no
  std::optional<std::size_t> notify_access_line_;
  std::string notify_access_;
  std::vector<std::pair<std::size_t, std::vector<unsigned long long>>> prevent_lines_;
  std::vector<std::string> after_;
  std::vector<std::string> requires_;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> after_lines_;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> requires_lines_;
  std::vector<std::size_t> environment_lines_;
  std::vector<std::string> wants_;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> wants_lines_;
  std::vector<unsigned long long> success_codes_{0};
  std::map<std::string, std::string> extras_;
  // Documentation=, the unit relations (by manifest key), the kernel switches' lists.
  std::vector<std::string> documentation_;
  std::map<std::string, std::vector<std::string>> relations_;
  std::vector<std::string> architectures_;
  std::vector<std::string> device_allow_;
  std::optional<std::string> stdout_;
  std::optional<std::string> stderr_;
  std::string log_directory_;
};

}  // namespace

ImportResult import_systemd(const SourceText& unit, const std::vector<SourceText>& dropins) {
  return SystemdImporter(unit, dropins).run();
}

}  // namespace daemonize::import
