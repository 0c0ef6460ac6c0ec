// What `daemonize render` writes for Windows, read back: the windows-service install script
// (sc.exe create/description/failure) and the windows-task XML (Task Scheduler schema, UTF-16).
// Both run the daemonize watchdog on a manifest (a native task runs the program itself); that
// manifest, when the caller found it, gives the program and the script or XML the rest.
#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "windows_syntax.hpp"
#include "xml_document.hpp"

namespace daemonize::import {
namespace {

// "90s", "1500ms", "5m" (manifest_duration without its TOML quotes).
std::string duration_text(long long milliseconds) {
  const std::string quoted = manifest_duration(milliseconds);
  return quoted.substr(1, quoted.size() - 2);
}

// The watchdog's manifest in an image path or an action: `daemonize[w].exe run [--service] PATH`.
std::optional<std::string> watchdog_manifest(const std::vector<std::string>& words) {
  if (words.size() < 3) return std::nullopt;
  const std::string program = lowercase_file_name(words.front());
  if (program != "daemonize.exe" && program != "daemonizew.exe") return std::nullopt;
  if (words[1] != "run") return std::nullopt;
  return words.back();
}

// The manifest being written: the watchdog's manifest when there is one, with what the Windows
// definition says set over it (and removed from [os.windows], where it would win on Windows).
class ManifestTable {
 public:
  // Parses `manifest`; the error text on failure.
  std::optional<std::string> load(const SourceText& manifest) {
    try {
      table_ = toml::parse(manifest.text, manifest.path);
    } catch (const toml::parse_error& failure) {
      std::ostringstream message;
      message << manifest.path << ":" << failure.source().begin.line << ": "
              << failure.description();
      return message.str();
    }
    if (!table_["service"].is_table()) return manifest.path + " has no [service] table";
    return std::nullopt;
  }

  template <typename T>
  void set(const std::string& table, const std::string& key, T value) {
    if (auto* existing = table_[table].as_table()) {
      existing->insert_or_assign(key, std::move(value));
    } else {
      table_.insert_or_assign(table, toml::table{{key, std::move(value)}});
    }
    if (auto* windows = table_["os"]["windows"].as_table()) {
      if (table == "service") {
        windows->erase(key);
      } else if (auto* sub = (*windows)[table].as_table()) {
        sub->erase(key);
      }
    }
  }
  // [os.windows.dependencies] requires: Windows service names, which no other target has.
  void set_windows_requires(const std::vector<std::string>& names) {
    toml::array array;
    for (const auto& name : names) array.push_back(name);
    if (!table_["os"].is_table()) table_.insert_or_assign("os", toml::table{});
    auto& os = *table_["os"].as_table();
    if (!os["windows"].is_table()) os.insert_or_assign("windows", toml::table{});
    auto& windows = *os["windows"].as_table();
    if (!windows["dependencies"].is_table()) {
      windows.insert_or_assign("dependencies", toml::table{});
    }
    windows["dependencies"].as_table()->insert_or_assign("requires", std::move(array));
  }
  void set_strings(const std::string& table, const std::string& key,
                   const std::vector<std::string>& items) {
    toml::array array;
    for (const auto& item : items) array.push_back(item);
    set(table, key, std::move(array));
  }
  [[nodiscard]] std::optional<std::string> string(const std::string& table,
                                                  const std::string& key) const {
    if (auto value = table_[table][key].value<std::string>()) return *value;
    return std::nullopt;
  }

  [[nodiscard]] std::string text(const std::vector<std::string>& comments) const {
    std::ostringstream out;
    for (const auto& line : comments) out << "# " << line << "\n";
    out << toml::toml_formatter(table_, toml::format_flags::indentation) << "\n";
    return out.str();
  }

 private:
  toml::table table_;
};

// The manifest written, or the reason it would not validate (the watchdog's manifest may be
// broken, or a value the definition holds not fit the manifest), as an error at `line`.
void add_service(ImportResult& result, const std::string& file, int line, std::string name,
                 std::string manifest) {
  const auto loaded = load_manifest_text(manifest, name + ".toml", TargetOs::windows);
  if (!loaded.service) {
    std::string why = "the manifest made from it does not validate";
    for (const auto& diagnostic : loaded.diagnostics) {
      if (diagnostic.severity != Severity::error) continue;
      why += ": " + diagnostic.message;
      break;
    }
    result.errors.push_back({file, line, why});
    return;
  }
  result.services.push_back({std::move(name), std::move(manifest)});
}

// ---------------------------------------------------------------------------------------------
// windows-service: install-NAME.cmd

// One sc.exe command of the script, cmd.exe's escapes undone, split as sc.exe's argv.
struct ScCommand {
  int line = 0;
  std::vector<std::string> words;  // verb, service name, then "key=" and value pairs
};

// The arguments after the program as cmd.exe passes them on: `^x` outside quotes is `x` and, in
// a batch file, `%%` is `%`.
std::string undo_cmd_escapes(std::string_view text) {
  std::string out;
  bool inside_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') inside_quotes = !inside_quotes;
    if (c == '^' && !inside_quotes && i + 1 < text.size()) {
      out += text[++i];
      continue;
    }
    if (c == '%' && i + 1 < text.size() && text[i + 1] == '%') ++i;
    out += c;
  }
  return out;
}

constexpr std::string_view kScProgram = "\"%SystemRoot%\\System32\\sc.exe\"";

std::vector<ScCommand> sc_commands(std::string_view text) {
  std::vector<ScCommand> commands;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    start = end + 1;
    if (!line.starts_with(kScProgram)) continue;
    std::string arguments = undo_cmd_escapes(line.substr(kScProgram.size()));
    // The script's own redirections and the password's expansion are not sc.exe's argv.
    for (const std::string_view tail : {" >nul 2>&1", " | \"%SystemRoot%"}) {
      const auto at = arguments.find(tail);
      if (at != std::string::npos) arguments.resize(at);
    }
    auto words = split_windows_command_line(arguments, false);
    if (!words.empty()) commands.push_back({line_number, std::move(words)});
  }
  return commands;
}

const std::map<std::string, std::string>& start_types() {
  static const std::map<std::string, std::string> types{{"auto", "auto"},
                                                        {"delayed-auto", "delayed-auto"},
                                                        {"demand", "demand"},
                                                        {"disabled", "disabled"}};
  return types;
}

class ServiceScriptImporter {
 public:
  ServiceScriptImporter(const SourceText& script, const std::optional<SourceText>& manifest,
                        ImportResult& result)
      : script_(script), manifest_(manifest), result_(result) {}

  void run() {
    const auto commands = sc_commands(script_.text);
    const ScCommand* create = nullptr;
    for (const auto& command : commands) {
      if (lowercase(command.words.front()) == "create") create = &command;
    }
    if (create == nullptr || create->words.size() < 2) {
      return error(1,
                   "no `sc.exe create` line: not an install script daemonize rendered for "
                   "windows-service");
    }
    scm_name_ = create->words[1];
    if (!map_create(*create)) return;
    for (const auto& command : commands) {
      const std::string verb = lowercase(command.words.front());
      if (command.words.size() < 2 || command.words[1] != scm_name_) continue;
      if (verb == "description") map_description(command);
      if (verb == "failure") map_failure(command);
      if (verb == "failureflag") map_failureflag(command);
      if (verb == "config") {
        report(command.line, "sc config", Outcome::carried,
               "reconfigures an existing service with the settings of `sc create`");
      }
    }
    add_service(
        result_, script_.path, create->line, name_,
        table_.text({"Imported by `daemonize import` from " + script_.path +
                         ", the windows-service registration of " + scm_name_,
                     "The program and what the watchdog does come from " + manifest_path_,
                     "(the manifest the service runs); the registration from the script."}));
    std::stable_sort(result_.report.begin(), result_.report.end(),
                     [](const ReportLine& a, const ReportLine& b) { return a.line < b.line; });
  }

 private:
  void error(int line, std::string message) {
    result_.errors.push_back({script_.path, line, std::move(message)});
  }
  void report(int line, std::string key, Outcome outcome, std::string note) {
    result_.report.push_back({script_.path, line, outcome, std::move(key), std::move(note)});
  }

  // The `key= value` pairs after the verb and the name, with the line.
  static std::map<std::string, std::string> options(const ScCommand& command) {
    std::map<std::string, std::string> pairs;
    for (std::size_t i = 2; i + 1 < command.words.size(); i += 2) {
      pairs[lowercase(command.words[i])] = command.words[i + 1];
    }
    return pairs;
  }

  bool map_create(const ScCommand& create) {
    const int line = create.line;
    auto pairs = options(create);
    const auto image = pairs.find("binpath=");
    if (image == pairs.end()) {
      error(line, "`sc.exe create " + scm_name_ + "` has no binPath=: nothing runs");
      return false;
    }
    const auto manifest_path = watchdog_manifest(split_image_path(image->second));
    if (!manifest_path) {
      error(line, "binPath= '" + image->second +
                      "' does not run the daemonize watchdog: not a script daemonize rendered "
                      "(import the service's registry export instead)");
      return false;
    }
    manifest_path_ = *manifest_path;
    if (!manifest_) {
      error(line, "the service runs the daemonize watchdog on " + manifest_path_ +
                      ", which holds the program: put " +
                      split_windows_path(manifest_path_).second +
                      " next to the script to import both");
      return false;
    }
    if (auto why = table_.load(*manifest_)) {
      error(line, "the manifest the service runs: " + *why);
      return false;
    }
    report(line, "binPath=", Outcome::carried,
           "the watchdog runs " + manifest_path_ +
               ": program, [env], [logs], [stop] and the "
               "watchdog's [restart] from " +
               manifest_->path);
    name_ = service_name_from(scm_name_);
    table_.set("service", "name", name_);
    report(
        line, "create " + scm_name_, name_ == scm_name_ ? Outcome::carried : Outcome::approximated,
        name_ == scm_name_ ? "service.name" : "service.name = \"" + name_ + "\" (a manifest name)");
    if (auto start = pairs.find("start="); start != pairs.end()) {
      const auto type = start_types().find(lowercase(start->second));
      if (type == start_types().end()) {
        report(line, "start=", Outcome::dropped, "'" + start->second + "' is not a start type");
      } else {
        table_.set("windows", "start", type->second);
        report(line, "start=", Outcome::carried, "windows.start = \"" + type->second + "\"");
      }
    }
    if (auto account = pairs.find("obj="); account != pairs.end()) {
      table_.set("windows", "account", account->second);
      report(line, "obj=", Outcome::carried, "windows.account");
    }
    if (auto display = pairs.find("displayname="); display != pairs.end()) {
      table_.set("service", "display_name", display->second);
      report(line, "DisplayName=", Outcome::carried, "service.display_name");
    }
    std::vector<std::string> requires_list;
    if (auto depend = pairs.find("depend="); depend != pairs.end()) {
      std::stringstream names(depend->second);
      std::string dependency;
      while (std::getline(names, dependency, '/')) {
        if (!dependency.empty()) requires_list.push_back(dependency);
      }
      report(line, "depend=", Outcome::carried, "[os.windows.dependencies] requires");
    }
    // No depend= means none; `after` and `wants` (never registered) and the other targets'
    // `requires` stay as they were.
    table_.set_windows_requires(requires_list);
    if (script_.text.find(" password= ") != std::string::npos) {
      report(line, "password=", Outcome::carried,
             "not stored: the script reads it from DAEMONIZE_SERVICE_PASSWORD, deploy asks");
    }
    return true;
  }

  void map_description(const ScCommand& command) {
    const std::string description = command.words.size() > 2 ? command.words[2] : "";
    table_.set("service", "description", description);
    report(command.line, "description", Outcome::carried, "service.description");
  }

  void map_failure(const ScCommand& command) {
    auto pairs = options(command);
    if (auto reset = pairs.find("reset="); reset != pairs.end()) {
      const auto seconds = parse_number(reset->second);
      if (!seconds) {
        report(command.line, "reset=", Outcome::dropped, "'" + reset->second + "' is not seconds");
      } else {
        table_.set("restart", "window", duration_text(*seconds * 1000));
        report(command.line, "reset=", Outcome::carried, "restart.window");
      }
    }
    const auto actions = pairs.find("actions=");
    if (actions == pairs.end()) return;
    std::vector<long long> delays;
    std::stringstream steps(actions->second);
    std::string action;
    std::string delay;
    bool valid = true;
    while (std::getline(steps, action, '/')) {
      if (!std::getline(steps, delay, '/') || lowercase(action) != "restart" ||
          !parse_number(delay)) {
        valid = false;
        break;
      }
      delays.push_back(*parse_number(delay));
    }
    if (!valid || delays.size() > 3) {
      report(command.line, "actions=", Outcome::dropped,
             "'" + actions->second + "' is not the restart actions daemonize writes");
      return;
    }
    if (delays.empty()) {
      table_.set("restart", "policy", std::string("never"));
      return report(command.line, "actions=", Outcome::carried, "restart.policy = \"never\"");
    }
    // The renderer's backoff: delay, min(delay*multiplier, cap), min(that*multiplier, cap).
    const long long first = delays[0];
    const long long second = delays.size() > 1 ? delays[1] : first;
    const long long third = delays.size() > 2 ? delays[2] : second;
    table_.set("restart", "delay", duration_text(first));
    if (second == first || first == 0) {
      table_.set("restart", "max_delay", duration_text(std::max(first, second)));
    } else {
      const double multiplier = static_cast<double>(second) / static_cast<double>(first);
      table_.set("restart", "multiplier", multiplier);
      const bool capped = std::llround(static_cast<double>(second) * multiplier) != third;
      if (capped) table_.set("restart", "max_delay", duration_text(third));
    }
    std::string note = "restart.delay, multiplier and max_delay giving the delays " +
                       actions->second +
                       " (the SCM restarts a crashed watchdog; the watchdog "
                       "restarts the program the same way)";
    if (table_.string("restart", "policy") == std::optional<std::string>("never")) {
      table_.set("restart", "policy", std::string("on-failure"));
      return report(command.line, "actions=", Outcome::approximated,
                    note + "; restart.policy = \"on-failure\" (the manifest said never)");
    }
    report(command.line, "actions=", Outcome::carried, note);
  }

  void map_failureflag(const ScCommand& command) {
    const std::string flag = command.words.size() > 2 ? command.words[2] : "";
    if (flag == "0") {
      return report(command.line, "failureflag", Outcome::carried,
                    "recovery only when the watchdog dies, as daemonize registers it");
    }
    report(command.line, "failureflag", Outcome::dropped,
           "failureflag " + flag + ": daemonize always registers 0 (a give-up is final)");
  }

  static std::optional<long long> parse_number(const std::string& text) {
    if (text.empty() || text.size() > 12 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    return std::stoll(text);
  }

  const SourceText& script_;
  const std::optional<SourceText>& manifest_;
  ImportResult& result_;
  ManifestTable table_;
  std::string scm_name_;
  std::string name_;
  std::string manifest_path_;
};

// ---------------------------------------------------------------------------------------------
// windows-task: NAME.xml

const XmlElement* child(const XmlElement* parent, std::string_view name) {
  if (parent == nullptr) return nullptr;
  for (const auto& element : parent->children) {
    if (element.name == name) return &element;
  }
  return nullptr;
}

// xs:duration as Task Scheduler writes it (PnDTnHnMnS); milliseconds, or nullopt.
std::optional<long long> parse_xml_duration(const std::string& text) {
  if (!text.starts_with("P")) return std::nullopt;
  long long total = 0;
  bool in_time = false;
  long long number = -1;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == 'T') {
      in_time = true;
      continue;
    }
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 100000000) return std::nullopt;
      continue;
    }
    if (number < 0) return std::nullopt;
    long long unit = 0;
    if (c == 'D' && !in_time) unit = 86400;
    if (c == 'H' && in_time) unit = 3600;
    if (c == 'M' && in_time) unit = 60;
    if (c == 'S' && in_time) unit = 1;
    if (unit == 0) return std::nullopt;
    total += number * unit;
    number = -1;
  }
  if (number >= 0) return std::nullopt;
  return total * 1000;
}

class TaskXmlImporter {
 public:
  TaskXmlImporter(const SourceText& xml, const XmlElement& root,
                  const std::optional<SourceText>& manifest, ImportResult& result)
      : xml_(xml), root_(root), manifest_(manifest), result_(result) {}

  void run() {
    const XmlElement* exec = child(child(&root_, "Actions"), "Exec");
    const XmlElement* command = child(exec, "Command");
    if (command == nullptr || trimmed(command->text).empty()) {
      return error(exec != nullptr ? exec->line : root_.line,
                   "the task has no <Exec><Command>: nothing runs");
    }
    const XmlElement* uri = child(child(&root_, "RegistrationInfo"), "URI");
    std::string task_name = uri != nullptr ? trimmed(uri->text) : "";
    if (task_name.starts_with("\\")) task_name.erase(0, 1);
    if (task_name.empty()) {
      task_name = split_windows_path(xml_.path).second;
      if (lowercase(task_name).ends_with(".xml")) task_name.resize(task_name.size() - 4);
    }
    if (!map_action(*exec, *command)) return;
    name_ = service_name_from(task_name);
    table_.set("service", "name", name_);
    if (uri != nullptr) {
      report(*uri, "URI", name_ == task_name ? Outcome::carried : Outcome::approximated,
             name_ == task_name ? "service.name"
                                : "service.name = \"" + name_ + "\" (a manifest name)");
    }
    if (const XmlElement* description = child(child(&root_, "RegistrationInfo"), "Description")) {
      table_.set("service", "description", description->text);
      report(*description, "Description", Outcome::carried, "service.description");
    }
    map_principal();
    map_triggers_and_settings();
    std::vector<std::string> comments{"Imported by `daemonize import` from " + xml_.path +
                                      ", the Task Scheduler task " + task_name};
    if (!manifest_path_.empty()) {
      comments.push_back("The program and what the watchdog does come from " + manifest_path_ +
                         " (the manifest the task runs); the task's settings from the XML.");
    }
    add_service(result_, xml_.path, command_line_, name_, table_.text(comments));
    std::stable_sort(result_.report.begin(), result_.report.end(),
                     [](const ReportLine& a, const ReportLine& b) { return a.line < b.line; });
  }

 private:
  void error(int line, std::string message) {
    result_.errors.push_back({xml_.path, line, std::move(message)});
  }
  void report(const XmlElement& e, std::string key, Outcome outcome, std::string note) {
    result_.report.push_back({xml_.path, e.line, outcome, std::move(key), std::move(note)});
  }

  bool map_action(const XmlElement& exec, const XmlElement& command) {
    command_line_ = command.line;
    const std::string program_text = trimmed(command.text);
    const XmlElement* arguments = child(&exec, "Arguments");
    const std::string argument_text = arguments != nullptr ? arguments->text : "";
    auto words = split_windows_command_line(program_text + " " + argument_text, true);
    if (const auto manifest_path = watchdog_manifest(words)) {
      manifest_path_ = *manifest_path;
      native_ = false;
      if (!manifest_) {
        error(command.line, "the task runs the daemonize watchdog on " + manifest_path_ +
                                ", which holds the program: put " +
                                split_windows_path(manifest_path_).second +
                                " next to the XML to import both");
        return false;
      }
      if (auto why = table_.load(*manifest_)) {
        error(command.line, "the manifest the task runs: " + *why);
        return false;
      }
      table_.set("service", "supervisor", std::string("daemonize"));
      report(command, "Command", Outcome::carried,
             "the watchdog runs " + manifest_path_ + ": program, [env], [logs], [stop] and " +
                 "[restart] from " + manifest_->path);
      if (arguments != nullptr) {
        report(*arguments, "Arguments", Outcome::carried, "the watchdog's: run MANIFEST");
      }
      return true;
    }
    // A native task: the action is the program. Task Scheduler expands %NAME% in it.
    std::vector<std::string> notes;
    std::vector<std::string> program_notes;
    std::string program = words.empty() ? "" : words.front();
    const std::string command_text = windows_program(program, true, program_notes);
    table_.set("service", "supervisor", std::string("native"));
    table_.set("service", "command", command_text);
    report(command, "Command", program_notes.empty() ? Outcome::carried : Outcome::approximated,
           program_notes.empty() ? "service.command"
                                 : "service.command; " + join(program_notes, "; "));
    std::vector<std::string> args;
    std::vector<std::string> references;
    for (std::size_t i = 1; i < words.size(); ++i) {
      args.push_back(windows_to_manifest_text(words[i], references));
    }
    table_.set_strings("service", "args", args);
    if (arguments != nullptr) {
      report(*arguments, "Arguments", references.empty() ? Outcome::carried : Outcome::approximated,
             references.empty() ? "service.args"
                                : "service.args; " + windows_references_note(references));
    }
    if (const XmlElement* directory = child(&exec, "WorkingDirectory")) {
      std::vector<std::string> directory_references;
      table_.set("service", "working_directory",
                 windows_to_manifest_text(trimmed(directory->text), directory_references));
      report(*directory, "WorkingDirectory",
             directory_references.empty() ? Outcome::carried : Outcome::approximated,
             directory_references.empty()
                 ? "service.working_directory"
                 : "service.working_directory; " + windows_references_note(directory_references));
    }
    // Task Scheduler gives the program no output: discarded, as the manifest then says.
    table_.set("logs", "stdout", std::string("null"));
    table_.set("logs", "stderr", std::string("null"));
    return true;
  }

  void map_principal() {
    const XmlElement* principal = child(child(&root_, "Principals"), "Principal");
    if (principal == nullptr) return;
    const XmlElement* user = child(principal, "UserId");
    const XmlElement* logon = child(principal, "LogonType");
    const std::string logon_type = logon != nullptr ? trimmed(logon->text) : "";
    if (logon_type == "InteractiveToken") {
      table_.set("service", "scope", std::string("user"));
      report(*logon, "LogonType", Outcome::carried, "service.scope = \"user\"");
      if (user != nullptr) {
        table_.set("windows", "account", trimmed(user->text));
        report(*user, "UserId", Outcome::carried, "windows.account");
      }
    } else {
      table_.set("service", "scope", std::string("system"));
      if (logon != nullptr) {
        report(*logon, "LogonType", Outcome::carried, "service.scope = \"system\"");
      }
      if (user != nullptr) {
        static const std::map<std::string, std::string> well_known{{"S-1-5-18", "LocalSystem"},
                                                                   {"S-1-5-19", "LocalService"},
                                                                   {"S-1-5-20", "NetworkService"}};
        const std::string id = trimmed(user->text);
        const auto known = well_known.find(id);
        table_.set("windows", "account", known != well_known.end() ? known->second : id);
        report(*user, "UserId", Outcome::carried,
               "windows.account" +
                   (known != well_known.end() ? " = \"" + known->second + "\"" : std::string()));
      }
    }
    if (const XmlElement* level = child(principal, "RunLevel")) {
      if (trimmed(level->text) == "LeastPrivilege") {
        report(*level, "RunLevel", Outcome::carried, "daemonize's tasks run least privileged");
      } else {
        report(*level, "RunLevel", Outcome::dropped,
               "daemonize's tasks run LeastPrivilege, never elevated");
      }
    }
  }

  void map_triggers_and_settings() {
    const XmlElement* triggers = child(&root_, "Triggers");
    const XmlElement* boot = child(triggers, "BootTrigger");
    const XmlElement* logon = child(triggers, "LogonTrigger");
    const XmlElement* trigger = boot != nullptr ? boot : logon;
    std::string start = "demand";
    if (trigger != nullptr) {
      start = "auto";
      table_.set("windows", "task_trigger", std::string(boot != nullptr ? "boot" : "logon"));
      report(
          *trigger, trigger->name, Outcome::carried,
          std::string("windows.task_trigger = \"") + (boot != nullptr ? "boot" : "logon") + "\"");
      if (const XmlElement* delay = child(trigger, "Delay")) {
        start = "delayed-auto";
        const auto delay_ms = parse_xml_duration(trimmed(delay->text));
        report(*delay, "Delay", delay_ms == 120000 ? Outcome::carried : Outcome::approximated,
               delay_ms == 120000 ? "windows.start = \"delayed-auto\""
                                  : "windows.start = \"delayed-auto\" (which waits PT2M)");
      }
      if (const XmlElement* user = child(trigger, "UserId")) {
        report(*user, "UserId", Outcome::carried, "the user the task is for");
      }
    } else if (triggers != nullptr) {
      report(*triggers, "Triggers", Outcome::dropped,
             "only a boot or logon trigger starts a service; the task starts on demand");
    }
    const XmlElement* settings = child(&root_, "Settings");
    const XmlElement* enabled = child(settings, "Enabled");
    if (enabled != nullptr && trimmed(enabled->text) == "false") {
      start = "disabled";
      report(*enabled, "Enabled", Outcome::carried, "windows.start = \"disabled\"");
    }
    table_.set("windows", "start", start);
    table_.set("windows", "backend", std::string("task"));
    const XmlElement* restart = child(settings, "RestartOnFailure");
    if (!native_) {
      // The watchdog restarts the program as its manifest says; the task only a crashed watchdog.
      if (restart != nullptr) {
        report(*restart, "RestartOnFailure", Outcome::carried,
               "restarts a crashed watchdog; the program's restarts are the manifest's");
      }
      return;
    }
    if (restart == nullptr) {
      table_.set("restart", "policy", std::string("never"));
      return;
    }
    table_.set("restart", "policy", std::string("on-failure"));
    const XmlElement* interval = child(restart, "Interval");
    const XmlElement* count = child(restart, "Count");
    if (interval != nullptr) {
      if (const auto ms = parse_xml_duration(trimmed(interval->text))) {
        table_.set("restart", "delay", duration_text(*ms));
        report(*interval, "Interval", Outcome::carried, "restart.delay");
      } else {
        report(*interval, "Interval", Outcome::dropped, "'" + interval->text + "' is no duration");
      }
    }
    if (count != nullptr) {
      const std::string text = trimmed(count->text);
      const bool number =
          !text.empty() && text.size() < 4 &&
          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (number) {
        table_.set("restart", "max_restarts", static_cast<std::int64_t>(std::stoi(text)));
        report(*count, "Count", Outcome::carried, "restart.max_restarts");
      } else {
        report(*count, "Count", Outcome::dropped, "'" + text + "' is no count");
      }
    }
    report(
        *restart, "RestartOnFailure", Outcome::approximated,
        "restart.policy = \"on-failure\" (Task Scheduler retries a failed task at one interval)");
  }

  const SourceText& xml_;
  const XmlElement& root_;
  const std::optional<SourceText>& manifest_;
  ImportResult& result_;
  ManifestTable table_;
  std::string name_;
  std::string manifest_path_;
  int command_line_ = 1;
  bool native_ = true;
};

}  // namespace

ImportResult import_windows_service(const SourceText& script,
                                    const std::optional<SourceText>& manifest) {
  ImportResult result;
  if (auto problem = not_text_error(script)) {
    result.errors.push_back(*problem);
    return result;
  }
  ServiceScriptImporter(script, manifest, result).run();
  return result;
}

ImportResult import_windows_task(const SourceText& xml, const std::optional<SourceText>& manifest) {
  ImportResult result;
  const auto document = parse_xml(xml.text);
  if (document.error) {
    result.errors.push_back({xml.path, document.error->line, document.error->message});
    return result;
  }
  if (!document.root || document.root->name != "Task") {
    result.errors.push_back({xml.path, document.root ? document.root->line : 1,
                             "the root element is not <Task>: not a Task Scheduler task"});
    return result;
  }
  TaskXmlImporter(xml, *document.root, manifest, result).run();
  return result;
}

std::optional<std::string> referenced_manifest(Format format, std::string_view text) {
  if (format == Format::windows_service) {
    for (const auto& command : sc_commands(text)) {
      if (lowercase(command.words.front()) != "create") continue;
      for (std::size_t i = 2; i + 1 < command.words.size(); i += 2) {
        if (lowercase(command.words[i]) == "binpath=") {
          return watchdog_manifest(split_image_path(command.words[i + 1]));
        }
      }
    }
    return std::nullopt;
  }
  if (format == Format::windows_task) {
    const auto document = parse_xml(text);
    if (!document.root) return std::nullopt;
    const XmlElement* exec = child(child(&*document.root, "Actions"), "Exec");
    const XmlElement* command = child(exec, "Command");
    const XmlElement* arguments = child(exec, "Arguments");
    if (command == nullptr) return std::nullopt;
    return watchdog_manifest(split_windows_command_line(
        trimmed(command->text) + " " + (arguments != nullptr ? arguments->text : ""), true));
  }
  return std::nullopt;
}

}  // namespace daemonize::import
