// A WinSW configuration: the `<service>` XML next to the wrapper executable (v2 and v3).
// WinSW expands %NAME% in its values when it loads them and %BASE% is the XML's directory.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "windows_syntax.hpp"
#include "xml_document.hpp"

namespace daemonize::import {
namespace {

constexpr long long kStopTimeoutMs = 15000;
constexpr unsigned long long kSizeThresholdKiB = 10240;
constexpr unsigned long long kKeepFiles = 8;

// WinSW's time spans: a number and an optional unit (ms, sec, min, hour, day; no unit: ms).
std::optional<long long> parse_time_span(const std::string& text) {
  std::string value = trimmed(text);
  std::size_t digits = 0;
  while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const long long number = std::stoll(value.substr(0, digits));
  const std::string unit = lowercase(trimmed(value.substr(digits)));
  static const std::map<std::string, long long> kUnits{
      {"", 1},           {"ms", 1},         {"sec", 1000},     {"secs", 1000},
      {"min", 60000},    {"mins", 60000},   {"hour", 3600000}, {"hours", 3600000},
      {"day", 86400000}, {"days", 86400000}};
  auto found = kUnits.find(unit);
  if (found == kUnits.end()) return std::nullopt;
  return number * found->second;
}

std::optional<unsigned long long> parse_count(const std::string& text) {
  const std::string value = trimmed(text);
  unsigned long long number = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
  return number;
}

std::optional<bool> parse_flag(const std::string& text) {
  const std::string value = lowercase(trimmed(text));
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  return std::nullopt;
}

class WinswImporter {
 public:
  WinswImporter(const SourceText& xml, const XmlElement& root, ImportResult& result)
      : xml_(xml), root_(root), result_(result) {
    // %BASE%: the directory of the XML, known when the path is a Windows one.
    if (is_windows_absolute_path(xml.path)) base_ = split_windows_path(xml.path).first;
  }

  void run() {
    const XmlElement* id = child(root_, "id");
    const XmlElement* executable = child(root_, "executable");
    if (id == nullptr || trimmed(id->text).empty()) {
      return error(root_.line, "<service> has no <id>: not a WinSW configuration");
    }
    if (executable == nullptr || trimmed(executable->text).empty()) {
      return error(root_.line, "<service> has no <executable>: nothing to run");
    }
    id_ = trimmed(id->text);
    name_ = service_name_from(id_);
    draft_.comment("Imported by `daemonize import` from " + xml_.path + ", WinSW service " + id_);
    draft_.comment("WinSW's defaults are written where the manifest's differ: no restart without");
    draft_.comment("<onfailure>, 15s to stop, logs appended without rotation, named like the");
    draft_.comment("wrapper (" + stem() + ".out.log, " + stem() + ".err.log).");
    draft_.set("service", "name", toml_string(name_));
    draft_.set("restart", "policy", toml_string("never"));
    draft_.set("stop", "timeout", manifest_duration(kStopTimeoutMs));
    draft_.set("logs", "stdout", toml_string(stem() + ".out.log"));
    draft_.set("logs", "stderr", toml_string(stem() + ".err.log"));
    draft_.set("logs", "max_size", "0");
    if (!base_.empty()) {
      // WinSW's default working and log directory: the wrapper's.
      draft_.set("service", "working_directory", toml_string(base_));
      draft_.set("logs", "directory", toml_string(base_));
    }
    has_start_arguments_ = child(root_, "startarguments") != nullptr;
    for (const auto& element : root_.children) map(element);
    finish();
    if (failed_) return;
    result_.services.push_back({name_, draft_.text()});
  }

 private:
  // The wrapper's base name, which names WinSW's log files: the XML's file name.
  [[nodiscard]] std::string stem() const {
    std::string file = split_windows_path(xml_.path).second;
    file = std::filesystem::path(file).filename().string();
    if (lowercase(file).ends_with(".xml")) file.resize(file.size() - 4);
    return is_log_file("C:\\", file + ".out.log") && !file.empty() ? file : name_;
  }

  static const XmlElement* child(const XmlElement& parent, std::string_view name) {
    for (const auto& element : parent.children) {
      if (lowercase(element.name) == name) return &element;
    }
    return nullptr;
  }

  void error(int line, std::string message) {
    result_.errors.push_back({xml_.path, line, std::move(message)});
    failed_ = true;
  }
  void report(const XmlElement& e, const std::string& key, Outcome outcome, std::string note) {
    result_.report.push_back({xml_.path, e.line, outcome, key, std::move(note)});
  }
  void carried(const XmlElement& e, const std::string& key, std::string note) {
    report(e, key, Outcome::carried, std::move(note));
  }
  void approximated(const XmlElement& e, const std::string& key, std::string note) {
    report(e, key, Outcome::approximated, std::move(note));
  }
  void dropped(const XmlElement& e, const std::string& key, std::string note) {
    report(e, key, Outcome::dropped, std::move(note));
  }
  void outcome_with_notes(const XmlElement& e, const std::string& key, const std::string& what,
                          const std::vector<std::string>& notes) {
    if (notes.empty()) return carried(e, key, what);
    approximated(e, key, what + "; " + join(notes, "; "));
  }

  // %BASE% replaced when the XML's directory is known; otherwise it stays a reference, noted.
  std::string with_base(std::string text, std::vector<std::string>& notes) const {
    std::size_t at = 0;
    while ((at = lowercase(text).find("%base%", at)) != std::string::npos) {
      if (base_.empty()) {
        const std::string note =
            "%BASE% as ${BASE}: the directory of the WinSW XML, to be set in the environment";
        if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
        break;
      }
      text.replace(at, 6, base_);
      at += base_.size();
    }
    return text;
  }
  std::string manifest_text(const std::string& raw, std::vector<std::string>& notes) const {
    std::vector<std::string> references;
    std::string text = windows_to_manifest_text(with_base(raw, notes), references);
    std::erase_if(references, [](const std::string& r) { return lowercase(r) == "%base%"; });
    if (!references.empty()) notes.push_back(windows_references_note(references));
    return text;
  }
  std::string program(const std::string& raw, std::vector<std::string>& notes) const {
    std::vector<std::string> own;
    std::string text = windows_program(with_base(trimmed(raw), notes), true, own);
    for (auto& note : own) {
      if (note.find("%BASE%") == std::string::npos) notes.push_back(std::move(note));
    }
    return text;
  }
  std::vector<std::string> split_arguments(const std::string& raw,
                                           std::vector<std::string>& notes) const {
    std::vector<std::string> args;
    // WinSW's arguments may span lines; a line break separates words like a space.
    std::string flat = raw;
    std::replace_if(
        flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    for (const auto& word : split_windows_command_line(flat, false)) {
      args.push_back(manifest_text(word, notes));
    }
    return args;
  }

  void map(const XmlElement& e) {
    const std::string key = e.name;
    const std::string name = lowercase(e.name);
    const std::string text = trimmed(e.text);
    if (name == "id") {
      if (name_ == id_) return carried(e, key, "service.name");
      return approximated(e, key, "service.name = \"" + name_ + "\" (a manifest name)");
    }
    if (name == "name" || name == "description") {
      const std::string manifest_key = name == "name" ? "display_name" : "description";
      // The manifest's texts are one line: line breaks and tabs become spaces.
      std::string line = text;
      std::replace_if(
          line.begin(), line.end(),
          [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
      draft_.set("service", manifest_key, toml_string(line));
      if (line != text) {
        return approximated(e, key, "service." + manifest_key + ", on one line");
      }
      return carried(e, key, "service." + manifest_key);
    }
    if (name == "executable") {
      std::vector<std::string> notes;
      draft_.set("service", "command", toml_string(program(text, notes)));
      return outcome_with_notes(e, key, "service.command", notes);
    }
    if (name == "arguments" || name == "startarguments") {
      if (name == "arguments" && has_start_arguments_) {
        return dropped(e, key, "WinSW starts the program with <startarguments> instead");
      }
      std::vector<std::string> notes;
      auto args = split_arguments(e.text, notes);
      args_.insert(args_.end(), args.begin(), args.end());
      draft_.set("service", "args", toml_array(args_));
      return outcome_with_notes(e, key, "service.args (split as CommandLineToArgvW does)", notes);
    }
    if (name == "argument") {
      std::vector<std::string> notes;
      args_.push_back(manifest_text(e.text, notes));
      draft_.set("service", "args", toml_array(args_));
      return outcome_with_notes(e, key, "service.args", notes);
    }
    if (name == "env") return map_env(e);
    if (name == "workingdirectory") {
      std::vector<std::string> notes;
      const std::string directory = manifest_text(text, notes);
      std::vector<std::string> ignored;
      if (!is_windows_absolute_path(with_base(text, ignored)) && !directory.starts_with("${")) {
        return dropped(e, key, "not an absolute path");
      }
      draft_.set("service", "working_directory", toml_string(directory));
      return outcome_with_notes(e, key, "service.working_directory", notes);
    }
    if (name == "onfailure") return map_on_failure(e);
    if (name == "resetfailure") {
      auto ms = parse_time_span(text);
      if (!ms || *ms <= 0) return dropped(e, key, "not a time span");
      draft_.set("restart", "window", manifest_duration(*ms));
      return carried(e, key, "restart.window: failures older than it are forgotten");
    }
    if (name == "stoptimeout") {
      auto ms = parse_time_span(text);
      if (!ms) return dropped(e, key, "not a time span");
      draft_.set("stop", "timeout", manifest_duration(*ms));
      return carried(e, key, "stop.timeout");
    }
    if (name == "stopparentprocessfirst") {
      return approximated(e, key,
                          "the watchdog asks the program to stop first (Ctrl+C, WM_CLOSE), then "
                          "ends what is left of its process tree");
    }
    if (name == "log" || name == "logmode") return map_log(e);
    if (name == "logpath") {
      std::vector<std::string> notes;
      std::vector<std::string> ignored;
      const std::string raw = with_base(text, ignored);
      const std::string directory = manifest_text(text, notes);
      if (!is_windows_absolute_path(raw) || directory.find("${") != std::string::npos) {
        return dropped(e, key,
                       lowercase(raw).find("%base%") != std::string::npos
                           ? "%BASE% is not known here: import the installed service with "
                             "--service, or write the path"
                           : "not an absolute path the manifest can log to");
      }
      draft_.set("logs", "directory", toml_string(directory));
      return outcome_with_notes(e, key, "logs.directory", notes);
    }
    if (name == "serviceaccount") return map_account(e);
    if (name == "depend") {
      const bool valid = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-' || c == '@' || c == ':' || c == '\\';
      });
      if (!valid) return dropped(e, key, "\"" + text + "\" is not a service name");
      dependencies_.push_back(text);
      draft_.set("os.windows.dependencies", "requires", toml_array(dependencies_));
      return carried(e, key, "[os.windows.dependencies] requires");
    }
    if (name == "startmode") {
      const std::string mode = lowercase(text);
      std::string start;
      if (mode == "automatic") start = delayed() ? "delayed-auto" : "auto";
      if (mode == "manual") start = "demand";
      if (mode == "disabled") start = "disabled";
      if (start.empty()) return dropped(e, key, "Boot and System start are for drivers");
      draft_.set("windows", "start", toml_string(start));
      return carried(e, key, "windows.start = \"" + start + "\"");
    }
    if (name == "delayedautostart") {
      if (!parse_flag(text)) return dropped(e, key, "not true or false");
      if (!*parse_flag(text)) return carried(e, key, "not delayed");
      const XmlElement* mode = child(root_, "startmode");
      if (mode != nullptr && lowercase(trimmed(mode->text)) != "automatic") {
        return dropped(e, key, "only with startmode Automatic");
      }
      draft_.set("windows", "start", toml_string("delayed-auto"));
      return carried(e, key, "windows.start = \"delayed-auto\"");
    }
    if (name == "prestart" || name == "poststart" || name == "prestop" || name == "poststop") {
      return map_hook(e);
    }
    if (name == "stopexecutable" || name == "stoparguments") return map_stop_executable(e);
    if (name == "priority") {
      if (lowercase(text) == "normal") return carried(e, key, "normal priority");
      return dropped(e, key, "no process priority in the manifest");
    }
    if (name == "securitydescriptor") {
      return dropped(e, key, "the service's security descriptor has no equivalent");
    }
    if (name == "download") {
      return dropped(e, key,
                     "nothing is downloaded at start: put the file in place before deploying");
    }
    if (name == "beeponshutdown" || name == "interactive" || name == "hidewindow") {
      return dropped(e, key, "no equivalent in the manifest");
    }
    if (name == "waithint" || name == "sleeptime") {
      return dropped(e, key, "the watchdog reports its own progress to the SCM");
    }
    if (name == "preshutdown" || name == "preshutdowntimeout") {
      return dropped(e, key, "the watchdog registers for pre-shutdown itself, from stop.timeout");
    }
    if (name == "extensions") return dropped(e, key, "WinSW plugins have no equivalent");
    dropped(e, key, "not a WinSW setting daemonize knows");
  }

  [[nodiscard]] bool delayed() const {
    const XmlElement* d = child(root_, "delayedautostart");
    return d != nullptr && parse_flag(d->text).value_or(false);
  }

  void map_env(const XmlElement& e) {
    const std::string* name = e.attribute("name");
    const std::string* value = e.attribute("value");
    if (name == nullptr || value == nullptr) return dropped(e, e.name, "needs name and value");
    if (!is_variable_name(*name)) {
      return dropped(e, e.name, "\"" + *name + "\" is not a variable name");
    }
    std::vector<std::string> notes;
    draft_.set("env", *name, toml_string(manifest_text(*value, notes)));
    outcome_with_notes(e, e.name, "env." + *name, notes);
  }

  void map_on_failure(const XmlElement& e) {
    const std::string* action = e.attribute("action");
    const std::string what = action == nullptr ? "" : lowercase(*action);
    const std::string* delay_text = e.attribute("delay");
    const auto delay =
        delay_text == nullptr ? std::optional<long long>(0) : parse_time_span(*delay_text);
    const std::size_t index = failures_++;
    if (!delay) return dropped(e, e.name, "the delay is not a time span");
    if (what == "reboot") {
      last_restarts_ = false;
      return dropped(e, e.name, "rebooting the machine is not a restart of the service");
    }
    if (what == "none") {
      if (index == 0) return carried(e, e.name, "restart.policy = \"never\"");
      if (first_delay_) {
        last_restarts_ = false;
        draft_.set("restart", "max_restarts", std::to_string(index));
        return approximated(e, e.name,
                            "restart.max_restarts = " + std::to_string(index) +
                                " within restart.window, then the watchdog gives up");
      }
      return carried(e, e.name, "not restarted");
    }
    if (what != "restart") return dropped(e, e.name, "not restart, none or reboot");
    if (index == 0) {
      first_delay_ = *delay;
      last_restarts_ = true;
      draft_.set("restart", "policy", toml_string("on-failure"));
      draft_.set("restart", "delay", manifest_duration(*delay));
      draft_.set("restart", "multiplier", "1.0");
      draft_.set("restart", "max_restarts", "0");
      if (!child(root_, "resetfailure")) draft_.set("restart", "window", "\"1d\"");
      if (*delay > 60000) draft_.set("restart", "max_delay", manifest_duration(*delay));
      return carried(e, e.name, "restart.policy = \"on-failure\", restart.delay");
    }
    if (!first_delay_ || !last_restarts_) {
      return dropped(e, e.name, "a restart after a failure that was not restarted");
    }
    if (*delay == *first_delay_) return carried(e, e.name, "restart.delay, the same");
    if (*first_delay_ == 0 || *delay < *first_delay_) {
      return approximated(e, e.name, "restart.delay stays " + manifest_duration(*first_delay_));
    }
    // The SCM repeats the last action: the delays grow from the first to the last one and stay.
    const double ratio =
        std::min(100.0, std::pow(static_cast<double>(*delay) / static_cast<double>(*first_delay_),
                                 1.0 / static_cast<double>(index)));
    const std::string multiplier = decimal(ratio);
    draft_.set("restart", "multiplier", multiplier);
    draft_.set("restart", "max_delay", manifest_duration(*delay));
    const std::string change = "restart.multiplier = " + multiplier + ", restart.max_delay";
    if (index == 1) return carried(e, e.name, change + ": later restarts wait as long");
    approximated(e, e.name, change + ": the delay grows by the same factor at every restart");
  }

  // "2.0", "1.41": two decimals at most, always one.
  static std::string decimal(double value) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), std::round(value * 100) / 100,
                                   std::chars_format::fixed, 2);
    std::string text(buffer, ec == std::errc() ? end : buffer);
    while (text.ends_with("0") && !text.ends_with(".0")) text.pop_back();
    return text;
  }

  void map_log(const XmlElement& e) {
    const std::string* attribute = e.attribute("mode");
    const XmlElement* mode_element = child(e, "mode");
    std::string mode = lowercase(attribute != nullptr             ? *attribute
                                 : mode_element != nullptr        ? trimmed(mode_element->text)
                                 : lowercase(e.name) == "logmode" ? trimmed(e.text)
                                                                  : "append");
    const std::string key = e.name + (attribute != nullptr ? " mode=" + mode : "");
    // WinSW's defaults until the children say otherwise (plain values: GCC's -Os warns
    // about optionals here).
    unsigned long long size_kib = kSizeThresholdKiB;
    unsigned long long keep_files = kKeepFiles;
    for (const auto& c : e.children) {
      const std::string sub = lowercase(c.name);
      const std::string subkey = e.name + "/" + c.name;
      if (sub == "mode") continue;
      if (sub == "sizethreshold") {
        const auto size = parse_count(c.text);
        if (!size || *size > (1ULL << 40U)) {
          dropped(c, subkey, "not a size in KB");
        } else {
          size_kib = *size;
          carried(c, subkey, "logs.max_size");
        }
      } else if (sub == "keepfiles") {
        const auto keep = parse_count(c.text);
        if (!keep || *keep > 10000) {
          dropped(c, subkey, "not a count up to 10000");
        } else {
          keep_files = *keep;
          carried(c, subkey, "logs.max_files");
        }
      } else if (sub == "pattern" || sub == "period" || sub == "autorollattime") {
        approximated(c, subkey, "logs.rotate_every: at fixed boundaries");
      } else if (sub == "ziporlderthannumdays" || sub == "zipolderthannumdays") {
        draft_.set("logs", "compress", "true");
        approximated(c, subkey, "logs.compress = true: every rotated file is compressed");
      } else if (sub == "outfiledisabled" || sub == "errfiledisabled") {
        const bool out = sub == "outfiledisabled";
        if (parse_flag(c.text).value_or(false)) {
          draft_.set("logs", out ? "stdout" : "stderr", toml_string("null"));
          carried(c, subkey, std::string("logs.") + (out ? "stdout" : "stderr") + " = \"null\"");
        } else {
          carried(c, subkey, "written");
        }
      } else if (sub == "logpath") {
        map(c);
      } else {
        dropped(c, subkey, "not a log setting daemonize knows");
      }
    }
    if (mode == "append") return carried(e, key, "appended, never rotated (logs.max_size = 0)");
    if (mode == "reset") {
      return approximated(e, key, "the watchdog appends; WinSW emptied the files at every start");
    }
    if (mode == "none") {
      draft_.set("logs", "stdout", toml_string("null"));
      draft_.set("logs", "stderr", toml_string("null"));
      return carried(e, key, "logs.stdout, logs.stderr = \"null\"");
    }
    if (mode == "rotate") mode = "roll-by-size";  // WinSW 1.x's name for it
    if (mode == "roll") {
      draft_.erase("logs", "max_size");
      draft_.set("logs", "max_files", "1");
      return approximated(e, key,
                          "logs.max_files = 1: the watchdog rotates at logs.max_size (10MiB), "
                          "not at every start");
    }
    const bool by_size = mode == "roll-by-size" || mode == "roll-by-size-time";
    const bool by_time = mode == "roll-by-time" || mode == "roll-by-size-time";
    if (!by_size && !by_time) return dropped(e, key, "not a WinSW log mode");
    std::vector<std::string> what;
    if (by_size) {
      draft_.set("logs", "max_size", std::to_string(size_kib * 1024));
      draft_.set("logs", "max_files", std::to_string(keep_files));
      what.emplace_back("logs.max_size, logs.max_files");
    } else {
      draft_.set("logs", "max_files", std::to_string(keep_files));
      what.emplace_back("logs.max_files");
    }
    if (!by_time) return carried(e, key, join(what, ""));
    const XmlElement* pattern = child(e, "pattern");
    const std::string p = pattern == nullptr ? "yyyyMMdd" : trimmed(pattern->text);
    std::string every = "daily";
    if (p.find('H') != std::string::npos || p.find('h') != std::string::npos)
      every = "hourly";
    else if (p.find('d') == std::string::npos)
      every = "weekly";
    draft_.set("logs", "rotate_every", toml_string(every));
    approximated(e, key,
                 join(what, "") + ", logs.rotate_every = \"" + every + "\" from the pattern " + p);
  }

  void map_account(const XmlElement& e) {
    std::string domain;
    std::string user;
    for (const auto& c : e.children) {
      const std::string sub = lowercase(c.name);
      if (sub == "domain") domain = trimmed(c.text);
      if (sub == "user" || sub == "username") user = trimmed(c.text);
    }
    std::string account = user;
    if (!domain.empty() && !user.empty() && user.find('\\') == std::string::npos &&
        user.find('@') == std::string::npos) {
      account = domain + "\\" + user;
    }
    if (!account.empty()) draft_.set("windows", "account", toml_string(account));
    for (const auto& c : e.children) {
      const std::string sub = lowercase(c.name);
      const std::string subkey = e.name + "/" + c.name;
      if (sub == "user" || sub == "username" || sub == "domain") {
        carried(c, subkey, "windows.account = \"" + account + "\"");
      } else if (sub == "password") {
        dropped(c, subkey,
                "a password is never copied: give it when deploying (DAEMONIZE_SERVICE_PASSWORD)");
      } else if (sub == "allowservicelogon") {
        dropped(c, subkey, "deploy does not grant the logon right: grant it to the account");
      } else if (sub == "prompt") {
        dropped(c, subkey, "the account is asked for when deploying, not at install");
      } else {
        dropped(c, subkey, "not an account setting daemonize knows");
      }
    }
    if (e.children.empty()) dropped(e, e.name, "empty");
  }

  void map_hook(const XmlElement& e) {
    static const std::map<std::string, std::string> kHooks{{"prestart", "pre_start"},
                                                           {"poststart", "post_start"},
                                                           {"prestop", "stop"},
                                                           {"poststop", "post_stop"}};
    const std::string hook = kHooks.at(lowercase(e.name));
    const XmlElement* executable = child(e, "executable");
    if (executable == nullptr || trimmed(executable->text).empty()) {
      return dropped(e, e.name, "no <executable>");
    }
    std::vector<std::string> notes;
    std::vector<std::string> argv{program(executable->text, notes)};
    if (const XmlElement* arguments = child(e, "arguments")) {
      for (auto& word : split_arguments(arguments->text, notes)) argv.push_back(std::move(word));
    }
    for (const auto& c : e.children) {
      const std::string sub = lowercase(c.name);
      if (sub == "stdoutpath" || sub == "stderrpath") {
        notes.push_back("its output goes to the program's stderr log, not <" + c.name + ">");
      } else if (sub != "executable" && sub != "arguments") {
        notes.push_back("<" + c.name + "> has no equivalent");
      }
    }
    hooks_[hook].push_back(toml_array(argv));
    draft_.set("hooks", hook, "[" + join(hooks_[hook], ", ") + "]");
    std::string what = "hooks." + hook;
    if (hook == "stop") what += " (run before the stop sequence, which follows for what is left)";
    outcome_with_notes(e, e.name, what, notes);
  }

  // v2's <stopexecutable>/<stoparguments>: a command that stops the program.
  void map_stop_executable(const XmlElement& e) {
    const XmlElement* stop_arguments = child(root_, "stoparguments");
    const XmlElement* stop_executable = child(root_, "stopexecutable");
    if (lowercase(e.name) == "stopexecutable") {
      if (stop_arguments == nullptr) {
        return dropped(e, e.name, "WinSW runs it only with <stoparguments>");
      }
      return carried(e, e.name, "hooks.stop, with <stoparguments>");
    }
    std::vector<std::string> notes;
    const XmlElement* executable =
        stop_executable != nullptr ? stop_executable : child(root_, "executable");
    std::vector<std::string> argv{program(executable->text, notes)};
    if (stop_arguments != nullptr) {
      for (auto& word : split_arguments(stop_arguments->text, notes))
        argv.push_back(std::move(word));
    }
    hooks_["stop"].push_back(toml_array(argv));
    draft_.set("hooks", "stop", "[" + join(hooks_["stop"], ", ") + "]");
    notes.push_back("the stop sequence follows for what is left when it has finished");
    approximated(e, e.name, "hooks.stop; " + join(notes, "; "));
  }

  void finish() {
    if (last_restarts_ && draft_.has("restart", "max_restarts") && failures_ == 0) {
      draft_.erase("restart", "max_restarts");
    }
  }

  const SourceText& xml_;
  const XmlElement& root_;
  ImportResult& result_;
  ManifestDraft draft_;
  std::string id_;
  std::string name_;
  std::string base_;
  std::vector<std::string> args_;
  std::vector<std::string> dependencies_;
  std::map<std::string, std::vector<std::string>> hooks_;
  std::optional<long long> first_delay_;
  std::size_t failures_ = 0;
  bool last_restarts_ = false;
  bool has_start_arguments_ = false;
  bool failed_ = false;
};

}  // namespace

ImportResult import_winsw(const SourceText& xml) {
  ImportResult result;
  const XmlDocument document = parse_xml(xml.text);
  if (document.error) {
    result.errors.push_back({xml.path, std::max(document.error->line, 1), document.error->message});
    return result;
  }
  const XmlElement& root = *document.root;
  if (root.name != "service") {
    result.errors.push_back(
        {xml.path, root.line,
         "not a WinSW configuration: the root element is <" + root.name + ">, not <service>"});
    return result;
  }
  WinswImporter(xml, root, result).run();
  sort_report(result.report, {xml.path});
  return result;
}

}  // namespace daemonize::import
