// A Windows service registration exported from the registry (`.reg`): the key
// HKLM\SYSTEM\CurrentControlSet\Services\NAME and its subkeys. When ImagePath runs nssm.exe the
// program and its supervision come from NSSM's Parameters; otherwise the registered program is the
// command. One manifest per service key in the export.
#include <algorithm>
#include <map>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "reg_file.hpp"
#include "windows_syntax.hpp"

namespace daemonize::import {
namespace {

// NSSM's defaults (nssm.h): 1500 ms for each stop step and for the throttle.
constexpr long long kNssmStepMs = 1500;
constexpr long long kNssmThrottleMs = 1500;
// AppStopMethodSkip bits.
constexpr std::uint64_t kSkipConsole = 1;
constexpr std::uint64_t kSkipWindow = 2;
constexpr std::uint64_t kSkipThreads = 4;
constexpr std::uint64_t kSkipTerminate = 8;
// NORMAL_PRIORITY_CLASS, what NSSM writes by default.
constexpr std::uint64_t kNormalPriority = 0x20;

// A service key and its subkeys, by subkey path relative to it ("", "parameters",
// "parameters\appexit", ...; lowercase).
struct ServiceKeys {
  std::string name;  // as the export spells it
  int line = 0;
  std::map<std::string, const RegKey*> keys;
  std::vector<std::string> order;  // subkeys in export order
};

bool is_dependency_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '@' || c == ':' || c == '\\';
  });
}

std::string value_text(const RegValue& value) {
  if (value.kind == RegValue::Kind::multi_string) return join(value.strings, " ");
  return value.text;
}

class ServiceImporter {
 public:
  ServiceImporter(const SourceText& source, const ServiceKeys& keys, ImportResult& result)
      : source_(source), keys_(keys), result_(result) {}

  void run() {
    const RegKey* service = key("");
    if (service == nullptr) {
      // Only subkeys were exported: nothing says what runs.
      const RegKey* first = keys_.keys.at(keys_.order.front());
      result_.errors.push_back({source_.path, first->line,
                                "the export holds subkeys of service " + keys_.name +
                                    " but not its key (export Services\\" + keys_.name + ")"});
      return;
    }
    const RegValue* image = value(service, "ImagePath");
    if (image == nullptr) {
      result_.errors.push_back(
          {source_.path, service->line,
           "service " + keys_.name + " has no ImagePath: not a service registration"});
      return;
    }
    const auto words = split_image_path(value_text(*image));
    const std::string program = words.empty() ? "" : lowercase_file_name(words.front());
    nssm_ = program == "nssm.exe" || program == "nssm";
    if ((program == "daemonize.exe" || program == "daemonize") &&
        std::find(words.begin(), words.end(), "run") != words.end()) {
      result_.errors.push_back(
          {source_.path, image->line,
           "service " + keys_.name + " was deployed by daemonize: its manifest is " +
               (words.empty() ? "" : words.back()) + "; use that file as it is"});
      return;
    }
    name_ = service_name_from(keys_.name);
    draft_.comment("Imported by `daemonize import` from " + source_.path + ", service " +
                   keys_.name + " (line " + std::to_string(service->line) + ")");
    draft_.set("service", "name", toml_string(name_));
    if (nssm_) {
      draft_.comment("NSSM's defaults are written where the manifest's differ: restart whatever");
      draft_.comment("the exit code, without limit; 4.5s to stop; no log rotation.");
      draft_.set("restart", "policy", toml_string("always"));
      draft_.set("restart", "max_restarts", "0");
      draft_.set("restart", "reset_after", manifest_duration(kNssmThrottleMs));
      draft_.set("stop", "timeout", manifest_duration(3 * kNssmStepMs));
      draft_.set("logs", "max_size", "0");
      const RegKey* parameters = key("parameters");
      const RegValue* application =
          parameters == nullptr ? nullptr : value(parameters, "Application");
      if (application == nullptr) {
        result_.errors.push_back({source_.path,
                                  parameters == nullptr ? image->line : parameters->line,
                                  "service " + keys_.name +
                                      " runs nssm.exe but has no Parameters\\Application: "
                                      "nothing to run (export Services\\" +
                                      keys_.name + " with its subkeys)"});
        return;
      }
      // NSSM reads Application as a string; any other type (or an empty one) runs nothing.
      if (!is_text(*application) ||
          application->text.find_first_not_of(" \t") == std::string::npos) {
        result_.errors.push_back({source_.path, application->line,
                                  "service " + keys_.name +
                                      ": Parameters\\Application is not a program path "
                                      "(NSSM reads it as a REG_SZ or REG_EXPAND_SZ string): "
                                      "nothing to run"});
        return;
      }
    } else {
      draft_.comment("The SCM restarts a service only by its recovery actions (FailureActions).");
      draft_.set("restart", "policy", toml_string("never"));
    }
    if (const RegKey* exits = key("parameters\\appexit")) {
      if (const RegValue* d = value(exits, ""); d != nullptr && is_text(*d)) {
        exit_default_ = lowercase(d->text);
      }
    }
    for (const auto& subkey : keys_.order) {
      const RegKey* k = keys_.keys.at(subkey);
      for (const auto& v : k->values) map(subkey, v);
    }
    finish();
    if (failed_) return;
    result_.services.push_back({name_, draft_.text()});
  }

 private:
  const RegKey* key(const std::string& subkey) const {
    auto found = keys_.keys.find(subkey);
    return found == keys_.keys.end() ? nullptr : found->second;
  }
  static const RegValue* value(const RegKey* k, std::string_view name) {
    const std::string wanted = lowercase(std::string(name));
    for (const auto& v : k->values) {
      if (lowercase(v.name) == wanted && v.kind != RegValue::Kind::deletion) return &v;
    }
    return nullptr;
  }
  std::optional<std::uint64_t> number(const std::string& subkey, std::string_view name) const {
    const RegKey* k = key(subkey);
    const RegValue* v = k == nullptr ? nullptr : value(k, name);
    if (v == nullptr || (v->kind != RegValue::Kind::dword && v->kind != RegValue::Kind::qword))
      return std::nullopt;
    return v->number;
  }

  void report(const RegValue& v, const std::string& key, Outcome outcome, std::string note) {
    result_.report.push_back({source_.path, v.line, outcome, key, std::move(note)});
  }
  void carried(const RegValue& v, const std::string& key, std::string note) {
    report(v, key, Outcome::carried, std::move(note));
  }
  void approximated(const RegValue& v, const std::string& key, std::string note) {
    report(v, key, Outcome::approximated, std::move(note));
  }
  void dropped(const RegValue& v, const std::string& key, std::string note) {
    report(v, key, Outcome::dropped, std::move(note));
  }

  // Text as manifest text: %NAME% references of a REG_EXPAND_SZ as ${NAME}, noted.
  static std::string text_of(const RegValue& v, const std::string& raw,
                             std::vector<std::string>& notes) {
    if (v.kind != RegValue::Kind::expand_string) return escape_interpolation(raw);
    std::vector<std::string> references;
    std::string text = windows_to_manifest_text(raw, references);
    if (!references.empty()) notes.push_back(windows_references_note(references));
    return text;
  }

  void outcome_with_notes(const RegValue& v, const std::string& key, const std::string& what,
                          const std::vector<std::string>& notes) {
    if (notes.empty()) return carried(v, key, what);
    approximated(v, key, what + "; " + join(notes, "; "));
  }

  // The manifest's one-line texts refuse these (newline, tab, NUL...).
  static bool has_control_character(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  }
  bool is_text(const RegValue& v) const {
    return v.kind == RegValue::Kind::string || v.kind == RegValue::Kind::expand_string;
  }
  bool is_number(const RegValue& v) const {
    return v.kind == RegValue::Kind::dword || v.kind == RegValue::Kind::qword;
  }

  void map(const std::string& subkey, const RegValue& v) {
    if (v.kind == RegValue::Kind::deletion) {
      return dropped(v, v.name, "a deletion in the export, not a setting");
    }
    if (subkey.empty()) return map_service(v);
    if (subkey == "parameters") {
      if (!nssm_) return dropped(v, v.name, "not used: ImagePath does not run nssm.exe");
      return map_parameter(v);
    }
    if (subkey == "parameters\\appexit" && nssm_) return map_exit(v);
    // The subkey as the export spells it.
    const std::string where =
        keys_.keys.at(subkey)->path.substr(keys_.keys.at(subkey)->path.size() - subkey.size());
    if (subkey.starts_with("parameters\\appevents\\") && nssm_) {
      return map_event(where.substr(21), v);
    }
    dropped(v, where + "\\" + (v.name.empty() ? "(default)" : v.name),
            "the subkey " + where + " has no equivalent in the manifest");
  }

  void map_service(const RegValue& v) {
    const std::string key = v.name;
    const std::string name = lowercase(v.name);
    if (name == "imagepath") return map_image_path(v);
    if (name == "type" && is_number(v)) {
      if (v.number == 0x10 || v.number == 0x20) {
        return carried(v, key, "a service in a process of its own");
      }
      if (v.number == 0x110 || v.number == 0x120) {
        return approximated(v, key, "an interactive service: it runs without a desktop");
      }
      result_.errors.push_back(
          {source_.path, v.line,
           "Type " + std::to_string(v.number) + " is a driver, not a service program"});
      failed_ = true;
      return;
    }
    if (name == "start" && is_number(v)) {
      const auto delayed = number("", "DelayedAutostart").value_or(0) != 0;
      std::string start;
      if (v.number == 2) start = delayed ? "delayed-auto" : "auto";
      if (v.number == 3) start = "demand";
      if (v.number == 4) start = "disabled";
      if (start.empty()) return dropped(v, key, "boot and system start are for drivers");
      draft_.set("windows", "start", toml_string(start));
      return carried(v, key, "windows.start = \"" + start + "\"");
    }
    if (name == "delayedautostart" && is_number(v)) {
      if (v.number == 0) return carried(v, key, "not delayed");
      if (number("", "Start").value_or(0) == 2)
        return carried(v, key, "windows.start = \"delayed-auto\"");
      return dropped(v, key, "only applies to Start = 2 (automatic)");
    }
    if (name == "displayname" && is_text(v)) {
      if (v.text.starts_with("@")) return dropped(v, key, "a resource string, not text");
      if (has_control_character(v.text)) return dropped(v, key, "not one line of text");
      draft_.set("service", "display_name", toml_string(v.text));
      return carried(v, key, "service.display_name");
    }
    if (name == "description" && is_text(v)) {
      if (v.text.starts_with("@")) return dropped(v, key, "a resource string, not text");
      if (has_control_character(v.text)) return dropped(v, key, "not one line of text");
      draft_.set("service", "description", toml_string(v.text));
      return carried(v, key, "service.description");
    }
    if (name == "objectname" && is_text(v)) {
      if (v.text.empty()) return dropped(v, key, "empty");
      draft_.set("windows", "account", toml_string(v.text));
      return carried(v, key,
                     "windows.account (the password is not in the registry: give it at deploy)");
    }
    if (name == "dependonservice" && v.kind == RegValue::Kind::multi_string) {
      std::vector<std::string> names;
      std::vector<std::string> skipped;
      for (const auto& d : v.strings) (is_dependency_name(d) ? names : skipped).push_back(d);
      if (names.empty()) return dropped(v, key, "no service name");
      draft_.set("os.windows.dependencies", "requires", toml_array(names));
      if (skipped.empty()) return carried(v, key, "[os.windows.dependencies] requires");
      return approximated(v, key,
                          "[os.windows.dependencies] requires; not a service name, skipped: " +
                              join(skipped, ", "));
    }
    if (name == "dependongroup") {
      return dropped(v, key, "load-order groups have no equivalent; name the services");
    }
    if (name == "failureactions" && v.kind == RegValue::Kind::binary) {
      if (nssm_) {
        return dropped(v, key,
                       "the SCM's recovery of nssm.exe itself; the watchdog restarts the "
                       "program as [restart] says");
      }
      return map_failure_actions(v);
    }
    if (name == "errorcontrol") {
      if (is_number(v) && v.number == 1) return carried(v, key, "normal, as deploy registers it");
      return dropped(v, key, "the SCM's handling of a failed start at boot has no manifest key");
    }
    dropped(v, key, "no equivalent in the manifest");
  }

  // SERVICE_FAILURE_ACTIONS as the SCM stores it: reset period (s), two unused fields, the
  // number of actions, one unused field, then {type, delay ms} per action.
  void map_failure_actions(const RegValue& v) {
    const auto& b = v.bytes;
    const auto dword = [&](std::size_t at) {
      return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8U) |
             (static_cast<std::uint32_t>(b[at + 2]) << 16U) |
             (static_cast<std::uint32_t>(b[at + 3]) << 24U);
    };
    if (b.size() < 20) return dropped(v, v.name, "not a SERVICE_FAILURE_ACTIONS structure");
    const std::uint32_t count = dword(12);
    if (count == 0 || count > 64 || b.size() < 20 + std::size_t{count} * 8) {
      return dropped(v, v.name, "no recovery action");
    }
    const std::uint32_t first = dword(20);
    const std::uint32_t delay = dword(24);
    if (first != 1) {
      return dropped(v, v.name,
                     first == 2 ? "a reboot is not a recovery of the service"
                                : "the first action does not restart the service");
    }
    draft_.set("restart", "policy", toml_string("on-failure"));
    draft_.set("restart", "delay", manifest_duration(delay));
    if (delay > 60000) draft_.set("restart", "max_delay", manifest_duration(delay));
    std::string note = "restart.policy = \"on-failure\", restart.delay";
    if (const std::uint32_t reset = dword(0); reset > 0) {
      draft_.set("restart", "window", manifest_duration(static_cast<long long>(reset) * 1000));
      note += ", restart.window";
    }
    approximated(v, v.name,
                 note +
                     "; the watchdog backs off from the first delay instead of the SCM's "
                     "list of actions");
  }

  void map_image_path(const RegValue& v) {
    if (nssm_)
      return carried(v, v.name,
                     "nssm.exe runs Parameters\\Application; the watchdog takes its place");
    std::vector<std::string> notes;
    auto words = split_image_path(value_text(v));
    if (words.empty() || words.front().empty()) {
      result_.errors.push_back({source_.path, v.line, "ImagePath is empty"});
      failed_ = true;
      return;
    }
    draft_.set("service", "command",
               toml_string(
                   windows_program(words.front(), v.kind == RegValue::Kind::expand_string, notes)));
    std::vector<std::string> args;
    for (std::size_t i = 1; i < words.size(); ++i) args.push_back(text_of(v, words[i], notes));
    if (!args.empty()) draft_.set("service", "args", toml_array(args));
    notes.push_back(
        "a service program expects the SCM to start it; under the watchdog it runs as a console "
        "program");
    approximated(v, v.name, "service.command, service.args; " + join(notes, "; "));
  }

  void map_parameter(const RegValue& v) {
    const std::string key = v.name;
    const std::string name = lowercase(v.name);
    if (name == "application" && is_text(v)) {
      std::vector<std::string> notes;
      draft_.set(
          "service", "command",
          toml_string(windows_program(v.text, v.kind == RegValue::Kind::expand_string, notes)));
      return outcome_with_notes(v, key, "service.command", notes);
    }
    if (name == "appparameters" && is_text(v)) {
      std::vector<std::string> notes;
      std::vector<std::string> args;
      for (const auto& word : split_windows_command_line(v.text, false)) {
        args.push_back(text_of(v, word, notes));
      }
      if (args.empty()) return carried(v, key, "no arguments");
      draft_.set("service", "args", toml_array(args));
      return outcome_with_notes(v, key, "service.args (split as CommandLineToArgvW does)", notes);
    }
    if (name == "appdirectory" && is_text(v)) {
      std::vector<std::string> notes;
      const std::string directory = text_of(v, v.text, notes);
      if (!is_windows_absolute_path(v.text) && !directory.starts_with("${")) {
        return dropped(v, key, "not an absolute path");
      }
      draft_.set("service", "working_directory", toml_string(directory));
      return outcome_with_notes(v, key, "service.working_directory", notes);
    }
    if ((name == "appenvironmentextra" || name == "appenvironment") &&
        (is_text(v) || v.kind == RegValue::Kind::multi_string)) {
      return map_environment(v, name == "appenvironment");
    }
    if (name == "appstdout" || name == "appstderr") return map_log(v, name == "appstdout");
    if (name == "appstdoutcreationdisposition" || name == "appstderrcreationdisposition") {
      if (v.number == 4) return carried(v, key, "appended, as the watchdog writes");
      return approximated(v, key, "the watchdog appends to the file instead of replacing it");
    }
    if (name.starts_with("appstdout") || name.starts_with("appstderr") ||
        name.starts_with("appstdin")) {
      return dropped(v, key, "file sharing and standard input have no equivalent");
    }
    if (name == "approtatefiles" && is_number(v)) {
      if (v.number == 0) return carried(v, key, "no rotation (logs.max_size = 0)");
      draft_.set("logs", "max_files", "10000");
      return approximated(v, key,
                          "rotation by logs.max_size and logs.rotate_every; NSSM keeps every "
                          "rotated file, logs.max_files = 10000 (the most a manifest keeps)");
    }
    if (name == "approtateonline" && is_number(v)) {
      if (v.number != 0) return carried(v, key, "the watchdog rotates while the program runs");
      return approximated(v, key,
                          "NSSM rotated only when the service started; the watchdog rotates "
                          "while the program runs");
    }
    if ((name == "approtatebytes" || name == "approtatebyteshigh") && is_number(v)) {
      if (number("parameters", "AppRotateFiles").value_or(0) == 0) {
        return dropped(v, key, "AppRotateFiles is not set: NSSM does not rotate");
      }
      const std::uint64_t low = number("parameters", "AppRotateBytes").value_or(0);
      const std::uint64_t high = number("parameters", "AppRotateBytesHigh").value_or(0);
      const std::uint64_t bytes = (high << 32U) | (low & 0xFFFFFFFFU);
      draft_.set("logs", "max_size", std::to_string(bytes));
      return carried(v, key, "logs.max_size = " + std::to_string(bytes));
    }
    if (name == "approtateseconds" && is_number(v)) {
      if (number("parameters", "AppRotateFiles").value_or(0) == 0) {
        return dropped(v, key, "AppRotateFiles is not set: NSSM does not rotate");
      }
      if (v.number == 0) return carried(v, key, "no rotation by age");
      const std::string every = v.number <= 3600    ? "hourly"
                                : v.number <= 86400 ? "daily"
                                                    : "weekly";
      draft_.set("logs", "rotate_every", toml_string(every));
      return approximated(v, key,
                          "logs.rotate_every = \"" + every + "\": at fixed boundaries, not " +
                              std::to_string(v.number) + "s after the file was started");
    }
    if (name == "approtatedelay") {
      return dropped(v, key, "the watchdog rotates without a pause");
    }
    if (name == "apptimestamplog" && is_number(v)) {
      draft_.set("logs", "timestamps", v.number != 0 ? "true" : "false");
      return carried(v, key,
                     std::string("logs.timestamps = ") + (v.number != 0 ? "true" : "false"));
    }
    if (name == "apprestartdelay" && is_number(v)) {
      const auto ms = static_cast<long long>(v.number);
      draft_.set("restart", "delay", manifest_duration(ms));
      if (ms > 60000) draft_.set("restart", "max_delay", manifest_duration(ms));
      return carried(v, key, "restart.delay");
    }
    if (name == "appthrottle" && is_number(v)) {
      draft_.set("restart", "reset_after", manifest_duration(static_cast<long long>(v.number)));
      return approximated(v, key,
                          "restart.reset_after: a run shorter than this makes the next restart "
                          "wait longer (the watchdog's backoff instead of NSSM's throttle)");
    }
    if (name == "appstopmethodskip" && is_number(v)) {
      if (v.number == 0) return carried(v, key, "every stop step");
      std::string note = "the watchdog tries every step that reaches the program";
      if ((v.number & kSkipTerminate) != 0) note += ", and always ends with terminating it";
      return approximated(v, key, note);
    }
    if ((name == "appstopmethodconsole" || name == "appstopmethodwindow" ||
         name == "appstopmethodthreads") &&
        is_number(v)) {
      return approximated(v, key,
                          "part of stop.timeout = " + manifest_duration(stop_timeout_ms()) +
                              " (the sum of the steps' waits), which the watchdog shares among "
                              "its steps (Ctrl+C until ½, WM_CLOSE until ¾, then WM_QUIT)");
    }
    if (name == "appkillprocesstree" && is_number(v)) {
      if (v.number != 0) return carried(v, key, "the whole process tree is stopped");
      return dropped(v, key,
                     "the program's Job Object holds everything it started, which is stopped "
                     "with it");
    }
    if (name == "apppriority") {
      if (is_number(v) && v.number == kNormalPriority) return carried(v, key, "normal priority");
      return dropped(v, key, "no process priority in the manifest");
    }
    if (name == "appaffinity") return dropped(v, key, "no processor affinity in the manifest");
    if (name == "appnoconsole") {
      if (is_number(v) && v.number == 0) {
        return carried(v, key, "the program has a console (the watchdog's Ctrl+C reaches it)");
      }
      return dropped(v, key, "the watchdog always gives the program a console, for Ctrl+C");
    }
    if (name == "appredirecthook") {
      return dropped(v, key, "hooks get the program's stderr log in any case");
    }
    dropped(v, key, "not an NSSM setting daemonize knows");
  }

  long long stop_timeout_ms() const {
    const std::uint64_t skip = number("parameters", "AppStopMethodSkip").value_or(0);
    long long total = 0;
    const std::pair<const char*, std::uint64_t> steps[] = {{"AppStopMethodConsole", kSkipConsole},
                                                           {"AppStopMethodWindow", kSkipWindow},
                                                           {"AppStopMethodThreads", kSkipThreads}};
    for (const auto& [step, bit] : steps) {
      if ((skip & bit) != 0) continue;
      total += static_cast<long long>(
          std::min<std::uint64_t>(number("parameters", step).value_or(kNssmStepMs), 86400000));
    }
    return total;
  }

  void map_environment(const RegValue& v, bool replaces) {
    std::vector<std::string> entries =
        v.kind == RegValue::Kind::multi_string ? v.strings : std::vector<std::string>{v.text};
    std::vector<std::string> names;
    std::vector<std::string> notes;
    for (const auto& entry : entries) {
      const auto equals = entry.find('=', 1);  // "=C:=C:\\" names start with '='
      const std::string name = equals == std::string::npos ? entry : entry.substr(0, equals);
      if (equals == std::string::npos || !is_variable_name(name)) {
        notes.push_back("\"" + entry + "\" is not NAME=value, skipped");
        continue;
      }
      std::vector<std::string> references;
      const std::string value = windows_to_manifest_text(entry.substr(equals + 1), references);
      if (!references.empty()) notes.push_back(windows_references_note(references));
      draft_.set("env", name, toml_string(value));
      names.push_back("env." + name);
    }
    if (replaces) {
      notes.push_back(
          "NSSM gave the program only these variables; the manifest adds them to the "
          "environment the program inherits");
    }
    if (names.empty()) return dropped(v, v.name, join(notes, "; "));
    outcome_with_notes(v, v.name, join(names, ", "), notes);
  }

  void map_log(const RegValue& v, bool is_stdout) {
    const char* stream = is_stdout ? "stdout" : "stderr";
    if (!is_text(v) || v.text.empty()) return dropped(v, v.name, "no file");
    std::vector<std::string> notes;
    const std::string path = text_of(v, v.text, notes);
    auto [directory, file] = split_windows_path(path);
    if (!is_windows_absolute_path(v.text) || !is_log_file(directory, file) ||
        path.find("${") != std::string::npos) {
      return dropped(v, v.name, "\"" + v.text + "\" is not a file path the manifest can log to");
    }
    std::string note = "logs.directory + logs." + std::string(stream);
    Outcome outcome = Outcome::carried;
    if (!log_directory_.empty() && lowercase(log_directory_) != lowercase(directory)) {
      outcome = Outcome::approximated;
      note += "; written into " + log_directory_ + " (both streams share logs.directory)";
    } else if (log_directory_.empty()) {
      log_directory_ = directory;
      draft_.set("logs", "directory", toml_string(directory));
    }
    draft_.set("logs", stream, toml_string(file));
    report(v, v.name, outcome, note);
  }

  // Parameters\AppExit: the default action and one per exit code; decided as a whole.
  void map_exit(const RegValue& v) {
    const std::string key = "AppExit\\" + (v.name.empty() ? std::string("(default)") : v.name);
    if (!is_text(v)) return dropped(v, key, "not Restart, Ignore, Exit or Suicide");
    const std::string action = lowercase(v.text);
    if (v.name.empty()) {
      if (action == "restart") return carried(v, key, "restart.policy = \"always\"");
      if (action == "exit") {
        draft_.set("restart", "policy", toml_string("never"));
        return carried(v, key, "restart.policy = \"never\": the service stops");
      }
      if (action == "ignore" || action == "suicide") {
        draft_.set("restart", "policy", toml_string("never"));
        return approximated(
            v, key,
            "restart.policy = \"never\"; " +
                std::string(action == "ignore" ? "NSSM kept the service running without the "
                                                 "program, the watchdog ends it"
                                               : "NSSM ended abnormally for the SCM's recovery, "
                                                 "the watchdog exits with the program's code"));
      }
      return dropped(v, key, "not Restart, Ignore, Exit or Suicide");
    }
    int code = -1;
    if (!v.name.empty() && v.name.size() <= 10 &&
        std::all_of(v.name.begin(), v.name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const auto parsed = std::stoull(v.name);
      if (parsed <= 255) code = static_cast<int>(parsed);
    }
    if (code < 0) return dropped(v, key, "the manifest knows exit codes 0 to 255");
    if (lowercase(exit_default_.empty() ? "restart" : exit_default_) != "restart") {
      if (action == "restart") {
        draft_.set("restart", "policy", toml_string("on-failure"));
        // The default's "the service stops" no longer holds for the codes not listed.
        for (auto& line : result_.report) {
          if (line.key == "AppExit\\(default)" && line.outcome == Outcome::carried) {
            line.outcome = Outcome::approximated;
            line.note = "the service stops only for 0 and the restart.success_exit_codes; " +
                        v.name + " restarts, and so do other codes";
          }
        }
        return approximated(v, key,
                            "restart.policy = \"on-failure\": every code but the "
                            "restart.success_exit_codes restarts, not only " +
                                v.name);
      }
      // A success code, so that it stops the service even when another code restarts it
      // (0, which stops it by default, stays one).
      if (success_codes_.empty() && code != 0) success_codes_.push_back(0);
      success_codes_.push_back(code);
      std::sort(success_codes_.begin(), success_codes_.end());
      std::string codes;
      for (const int c : success_codes_) codes += (codes.empty() ? "" : ", ") + std::to_string(c);
      draft_.set("restart", "success_exit_codes", "[" + codes + "]");
      return carried(v, key, "the service stops, as for other codes");
    }
    if (action == "restart") return carried(v, key, "restarted, as for other codes");
    if (action != "exit" && action != "ignore" && action != "suicide") {
      return dropped(v, key, "not Restart, Ignore, Exit or Suicide");
    }
    success_codes_.push_back(code);
    std::sort(success_codes_.begin(), success_codes_.end());
    std::string codes;
    for (const int c : success_codes_) codes += (codes.empty() ? "" : ", ") + std::to_string(c);
    draft_.set("restart", "policy", toml_string("on-failure"));
    draft_.set("restart", "success_exit_codes", "[" + codes + "]");
    const std::string note = "restart.policy = \"on-failure\", restart.success_exit_codes";
    if (action == "exit") return carried(v, key, note);
    approximated(v, key, note + ": the service stops");
  }

  // Parameters\AppEvents\EVENT: values Pre / Post hold command lines.
  void map_event(const std::string& event, const RegValue& v) {
    const std::string key = "AppEvents\\" + event + "\\" + v.name;
    const std::string when = lowercase(event) + "/" + lowercase(v.name);
    std::string hook;
    if (when == "start/pre") hook = "pre_start";
    if (when == "start/post") hook = "post_start";
    if (when == "exit/post") hook = "post_stop";
    if (hook.empty() || !is_text(v)) {
      return dropped(v, key, "only Start/Pre, Start/Post and Exit/Post have hooks");
    }
    auto words = split_windows_command_line(v.text, true);
    if (words.empty() || words.front().empty()) return dropped(v, key, "an empty command");
    std::vector<std::string> notes;
    std::vector<std::string> argv{
        windows_program(words.front(), v.kind == RegValue::Kind::expand_string, notes)};
    for (std::size_t i = 1; i < words.size(); ++i) argv.push_back(text_of(v, words[i], notes));
    hooks_[hook].push_back(toml_array(argv));
    draft_.set("hooks", hook, "[" + join(hooks_[hook], ", ") + "]");
    outcome_with_notes(v, key, "hooks." + hook, notes);
  }

  void finish() {
    if (nssm_) draft_.set("stop", "timeout", manifest_duration(stop_timeout_ms()));
    if (draft_.has("restart", "success_exit_codes") &&
        lowercase(exit_default_.empty() ? "restart" : exit_default_) != "restart") {
      draft_.erase("restart", "success_exit_codes");
    }
  }

  const SourceText& source_;
  const ServiceKeys& keys_;
  ImportResult& result_;
  ManifestDraft draft_;
  std::string name_;
  std::string log_directory_;
  std::string exit_default_;
  std::vector<int> success_codes_;
  std::map<std::string, std::vector<std::string>> hooks_;
  bool nssm_ = false;
  bool failed_ = false;
};

}  // namespace

ImportResult import_nssm(const SourceText& reg) {
  ImportResult result;
  const RegFile file = parse_reg_file(reg.text);
  if (file.error) {
    result.errors.push_back({reg.path, file.error->line, file.error->message});
    return result;
  }
  std::vector<ServiceKeys> services;
  for (const auto& key : file.keys) {
    const std::string lower = lowercase(key.path);
    const auto at = lower.find("\\services\\");
    if (key.deleted || at == std::string::npos || at + 10 >= lower.size()) {
      for (const auto& v : key.values) {
        result.report.push_back({reg.path, v.line, Outcome::dropped,
                                 v.name.empty() ? "(default)" : v.name,
                                 key.deleted ? "in a deleted key" : "not in a service's key"});
      }
      continue;
    }
    const auto end = lower.find('\\', at + 10);
    const std::string name =
        key.path.substr(at + 10, end == std::string::npos ? std::string::npos : end - at - 10);
    const std::string subkey = end == std::string::npos ? "" : lower.substr(end + 1);
    auto found = std::find_if(services.begin(), services.end(), [&](const ServiceKeys& s) {
      return lowercase(s.name) == lowercase(name);
    });
    if (found == services.end()) {
      services.push_back({name, key.line, {}, {}});
      found = services.end() - 1;
    }
    if (found->keys.emplace(subkey, &key).second) found->order.push_back(subkey);
  }
  if (services.empty()) {
    result.errors.push_back({reg.path, file.keys.empty() ? 1 : file.keys.front().line,
                             "not a service registration: no key under HKEY_LOCAL_MACHINE\\SYSTEM\\"
                             "CurrentControlSet\\Services"});
    return result;
  }
  for (const auto& service : services) ServiceImporter(reg, service, result).run();
  sort_report(result.report, {reg.path});
  return result;
}

}  // namespace daemonize::import
