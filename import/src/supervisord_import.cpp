// supervisord configuration (an INI file as supervisord's ConfigParser reads it): one manifest
// per [program:x]. Other sections are supervisord's own settings; their keys are reported as
// dropped.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "shell_words.hpp"

namespace daemonize::import {
namespace {

struct IniEntry {
  int line = 0;
  std::string key;
  std::string value;
};

struct IniSection {
  int line = 0;
  std::string name;
  std::vector<IniEntry> entries;
};

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// An inline comment starts at ';' or '#' after whitespace.
std::string strip_inline_comment(const std::string& value) {
  for (std::size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == ';' || value[i] == '#') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return trim(value.substr(0, i));
    }
  }
  return value;
}

struct IniParse {
  std::vector<IniSection> sections;
  std::optional<std::pair<int, std::string>> error;
};

IniParse parse_ini(std::string_view text) {
  IniParse parse;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string raw(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find('\0') != std::string::npos) {
      parse.error = {number, "a NUL byte: not a supervisord configuration"};
      return parse;
    }
    const std::string line = trim(raw);
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && !parse.sections.empty() && !parse.sections.back().entries.empty()) {
      auto& value = parse.sections.back().entries.back().value;
      value += (value.empty() ? "" : "\n") + strip_inline_comment(line);
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        parse.error = {number, "a section header must be [name]"};
        return parse;
      }
      parse.sections.push_back({number, trim(line.substr(1, line.size() - 2)), {}});
      continue;
    }
    const auto delimiter = line.find_first_of("=:");
    if (delimiter == std::string::npos || delimiter == 0) {
      parse.error = {number, "not a configuration line: expected [section] or key = value"};
      return parse;
    }
    if (parse.sections.empty()) {
      parse.error = {number, "a key before the first [section]"};
      return parse;
    }
    const std::string key = lowercase(trim(line.substr(0, delimiter)));
    auto& section = parse.sections.back();
    for (const auto& existing : section.entries) {
      if (existing.key == key) {
        parse.error = {number, "'" + key + "' is already set in [" + section.name + "] on line " +
                                   std::to_string(existing.line)};
        return parse;
      }
    }
    section.entries.push_back(
        {number, key, strip_inline_comment(trim(line.substr(delimiter + 1)))});
  }
  return parse;
}

std::optional<unsigned long long> parse_unsigned(std::string_view text) {
  unsigned long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// supervisord's byte sizes: KB, MB, GB are multiples of 1024.
std::optional<unsigned long long> parse_byte_size(std::string text) {
  text = lowercase(trim(text));
  unsigned long long factor = 1;
  for (const auto& [suffix, multiple] : {std::pair<const char*, unsigned long long>{"kb", 1024ULL},
                                         {"mb", 1024ULL * 1024},
                                         {"gb", 1024ULL * 1024 * 1024}}) {
    if (text.ends_with(suffix)) {
      factor = multiple;
      text.resize(text.size() - 2);
      break;
    }
  }
  auto value = parse_unsigned(text);
  if (!value || *value > ~0ULL / factor) return std::nullopt;
  return *value * factor;
}

std::optional<bool> parse_boolean(const std::string& text) {
  const std::string value = lowercase(text);
  if (value == "true" || value == "yes" || value == "on" || value == "1") return true;
  if (value == "false" || value == "no" || value == "off" || value == "0") return false;
  return std::nullopt;
}

constexpr char kVariableOpen = '\x01';
constexpr char kVariableClose = '\x02';

class ProgramImporter {
 public:
  ProgramImporter(const SourceText& conf, const IniSection& section, std::string program,
                  ImportResult& result)
      : conf_(conf), section_(section), program_(std::move(program)), result_(result) {}

  void run() {
    name_ = service_name_from(program_);
    draft_.comment("Imported by `daemonize import` from " + conf_.path + ", [program:" + program_ +
                   "] (line " + std::to_string(section_.line) + ")");
    draft_.comment("supervisord's defaults are written where the manifest's differ: a 10s stop");
    draft_.comment("timeout, log files of 50MiB with 10 kept.");
    draft_.set("service", "name", toml_string(name_));
    draft_.set("stop", "timeout", manifest_duration(10000));
    draft_.set("logs", "max_size", std::to_string(50ULL * 1024 * 1024));
    draft_.set("logs", "max_files", "10");
    const IniEntry* command = nullptr;
    for (const auto& entry : section_.entries) {
      if (entry.key == "command") command = &entry;
      if (entry.key == "redirect_stderr")
        redirect_stderr_ = parse_boolean(entry.value).value_or(false);
    }
    if (command == nullptr) {
      result_.errors.push_back(
          {conf_.path, section_.line, "[program:" + program_ + "] has no command"});
      return;
    }
    for (const auto& entry : section_.entries) map(entry);
    finish();
    if (failed_) return;
    result_.services.push_back({name_, draft_.text()});
  }

 private:
  void report(const IniEntry& entry, Outcome outcome, std::string note) {
    result_.report.push_back({conf_.path, entry.line, outcome, entry.key, std::move(note)});
  }
  void carried(const IniEntry& e, std::string note) {
    report(e, Outcome::carried, std::move(note));
  }
  void approximated(const IniEntry& e, std::string note) {
    report(e, Outcome::approximated, std::move(note));
  }
  void dropped(const IniEntry& e, std::string note) {
    report(e, Outcome::dropped, std::move(note));
  }

  // %(name)s expansions. %(ENV_X)s becomes a marker that turns into ${X}; the names whose value
  // is known are replaced. Notes what changed in `notes`.
  std::string expand(const std::string& text, std::vector<std::string>& notes) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '%') {
        out += text[i];
        continue;
      }
      if (i + 1 < text.size() && text[i + 1] == '%') {
        out += '%';
        ++i;
        continue;
      }
      const auto close = text.find(')', i);
      if (i + 1 >= text.size() || text[i + 1] != '(' || close == std::string::npos ||
          close + 1 >= text.size()) {
        out += text[i];
        continue;
      }
      const std::string name = text.substr(i + 2, close - i - 2);
      std::size_t conversion = close + 1;
      while (conversion < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[conversion]))) {
        ++conversion;
      }
      if (conversion >= text.size() || (text[conversion] != 's' && text[conversion] != 'd')) {
        out += text[i];
        continue;
      }
      i = conversion;
      if (name.starts_with("ENV_") && is_variable_name(name.substr(4))) {
        out += kVariableOpen + name.substr(4) + kVariableClose;
        notes.push_back("%(" + name + ")s as ${" + name.substr(4) +
                        "}: read when the program starts, not when supervisord loads its "
                        "configuration");
      } else if (name == "program_name" || name == "group_name") {
        out += program_;
      } else if (name == "process_num") {
        out += "0";
        notes.push_back("%(process_num)d is 0 (one process)");
      } else if (name == "numprocs") {
        out += "1";
      } else if (name == "here") {
        std::error_code error;
        auto absolute = std::filesystem::absolute(conf_.path, error);
        out += error ? std::string(".") : absolute.lexically_normal().parent_path().string();
      } else {
        out += "%(" + name + ")s";
        notes.push_back("%(" + name + ")s has no equivalent, kept as text");
      }
    }
    return out;
  }

  // Expanded text as manifest text: `$` doubled, the markers as ${X}.
  static std::string manifest_text(const std::string& expanded) {
    std::string out;
    for (const char c : expanded) {
      if (c == kVariableOpen) {
        out += "${";
      } else if (c == kVariableClose) {
        out += "}";
      } else if (c == '$') {
        out += "$$";
      } else {
        out += c;
      }
    }
    return out;
  }

  void map_command(const IniEntry& entry) {
    std::vector<std::string> notes;
    const std::string expanded = expand(entry.value, notes);
    // supervisord splits with shlex (quotes and backslashes) and runs no shell: `|`, `>`, `$X`
    // are literal arguments.
    auto split = split_shell_words(expanded);
    if (split.error || split.words.empty()) {
      result_.errors.push_back({conf_.path, entry.line,
                                "command cannot be split: " + split.error.value_or("it is empty")});
      failed_ = true;
      return;
    }
    std::vector<std::string> argv;
    for (const auto& word : split.words) argv.push_back(manifest_text(word.text));
    std::string command = argv.front();
    argv.erase(argv.begin());
    if (!command.starts_with("/") || command.find("${") != std::string::npos) {
      notes.push_back("\"" + split.words.front().text +
                      "\" is looked up in PATH by /usr/bin/env, as supervisord searched PATH");
      argv.insert(argv.begin(), command);
      command = "/usr/bin/env";
    }
    draft_.set("service", "command", toml_string(command));
    if (!argv.empty()) draft_.set("service", "args", toml_array(argv));
    if (notes.empty()) {
      carried(entry, "service.command, service.args");
    } else {
      approximated(entry, "service.command, service.args; " + join(notes, "; "));
    }
  }

  // environment=KEY="val",KEY2="val2"
  void map_environment(const IniEntry& entry) {
    std::vector<std::string> notes;
    const std::string expanded = expand(entry.value, notes);
    std::vector<std::string> names;
    std::size_t i = 0;
    while (i < expanded.size()) {
      while (i < expanded.size() &&
             (expanded[i] == ' ' || expanded[i] == ',' || expanded[i] == '\n'))
        ++i;
      if (i >= expanded.size()) break;
      const auto equals = expanded.find('=', i);
      if (equals == std::string::npos) {
        notes.push_back("\"" + expanded.substr(i) + "\" is not KEY=value, skipped");
        break;
      }
      const std::string name = trim(expanded.substr(i, equals - i));
      i = equals + 1;
      std::string value;
      if (i < expanded.size() && (expanded[i] == '"' || expanded[i] == '\'')) {
        const char quote = expanded[i];
        const auto close = expanded.find(quote, i + 1);
        if (close == std::string::npos) {
          notes.push_back("an unclosed quote in " + name + ", skipped");
          break;
        }
        value = expanded.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        const auto comma = expanded.find(',', i);
        value =
            trim(expanded.substr(i, comma == std::string::npos ? std::string::npos : comma - i));
        i = comma == std::string::npos ? expanded.size() : comma + 1;
      }
      if (!is_variable_name(name)) {
        notes.push_back("\"" + name + "\" is not a variable name, skipped");
        continue;
      }
      draft_.set("env", name, toml_string(manifest_text(value)));
      names.push_back("env." + name);
    }
    if (names.empty()) return dropped(entry, join(notes, "; "));
    if (notes.empty()) return carried(entry, join(names, ", "));
    approximated(entry, join(names, ", ") + "; " + join(notes, "; "));
  }

  // stdout_logfile / stderr_logfile
  void map_logfile(const IniEntry& entry, bool is_stdout) {
    const char* key = is_stdout ? "stdout" : "stderr";
    std::vector<std::string> notes;
    const std::string value = manifest_text(expand(entry.value, notes));
    if (!is_stdout && redirect_stderr_) {
      return dropped(entry, "redirect_stderr = true sends stderr to the stdout log");
    }
    const std::string upper = lowercase(value);
    if (upper == "auto")
      return carried(entry, std::string("logs.") + key + ": a file in logs.directory");
    if (upper == "none") {
      draft_.set("logs", key, toml_string("null"));
      return carried(entry, std::string("logs.") + key + " = \"null\"");
    }
    if (value == "/dev/stdout" || value == "/dev/stderr" || upper == "syslog") {
      draft_.set("logs", key, toml_string("inherit"));
      return approximated(entry,
                          std::string("logs.") + key + " = \"inherit\": the service manager's log");
    }
    // A POSIX path on every host (the importer also runs on Windows).
    const auto slash = value.rfind('/');
    if (!value.starts_with("/") || slash + 1 == value.size() ||
        value.find("${") != std::string::npos) {
      return dropped(entry, "\"" + entry.value + "\" is not an absolute file path");
    }
    const std::string directory = slash == 0 ? "/" : value.substr(0, slash);
    const std::string file = value.substr(slash + 1);
    if (!is_log_file(directory, file)) {
      return dropped(entry, "\"" + entry.value + "\" cannot be a log file of the manifest");
    }
    std::string note = "logs.directory + logs." + std::string(key);
    Outcome outcome = Outcome::carried;
    if (!log_directory_.empty() && log_directory_ != directory) {
      outcome = Outcome::approximated;
      note += "; written into " + log_directory_ + " (both streams share logs.directory)";
    } else {
      log_directory_ = directory;
      draft_.set("logs", "directory", toml_string(directory));
    }
    draft_.set("logs", key, toml_string(file));
    if (is_stdout && redirect_stderr_) draft_.set("logs", "stderr", toml_string(file));
    report(entry, outcome, note);
  }

  void map_log_rotation(const IniEntry& entry, bool size) {
    const bool is_stdout = entry.key.starts_with("stdout");
    const char* key = size ? "max_size" : "max_files";
    auto value = size ? parse_byte_size(entry.value) : parse_unsigned(entry.value);
    if (!value || (!size && *value > 10000))
      return dropped(entry, "not a " + std::string(size ? "size" : "count"));
    auto& mine = size ? (is_stdout ? stdout_size_ : stderr_size_)
                      : (is_stdout ? stdout_files_ : stderr_files_);
    mine = *value;
    auto& other = size ? (is_stdout ? stderr_size_ : stdout_size_)
                       : (is_stdout ? stderr_files_ : stdout_files_);
    if (other && *other != *value) {
      return approximated(entry, "logs." + std::string(key) +
                                     " is one setting for both streams; the stdout one is kept");
    }
    if (!other || is_stdout) draft_.set("logs", key, std::to_string(*value));
    carried(entry, "logs." + std::string(key) + (size && *value == 0 ? " = 0 (no rotation)" : ""));
  }

  void map(const IniEntry& entry) {
    const std::string& key = entry.key;
    const std::string& value = entry.value;
    if (key == "command") return map_command(entry);
    if (key == "environment") return map_environment(entry);
    if (key == "stdout_logfile") return map_logfile(entry, true);
    if (key == "stderr_logfile") return map_logfile(entry, false);
    if (key == "stdout_logfile_maxbytes" || key == "stderr_logfile_maxbytes") {
      return map_log_rotation(entry, true);
    }
    if (key == "stdout_logfile_backups" || key == "stderr_logfile_backups") {
      return map_log_rotation(entry, false);
    }
    if (key == "directory") {
      std::vector<std::string> notes;
      const std::string directory = manifest_text(expand(value, notes));
      if (!directory.starts_with("/")) return dropped(entry, "not an absolute path");
      draft_.set("service", "working_directory", toml_string(directory));
      return notes.empty() ? carried(entry, "service.working_directory")
                           : approximated(entry, "service.working_directory; " + join(notes, "; "));
    }
    if (key == "user") {
      if (!is_account_name(value))
        return dropped(entry, "\"" + value + "\" is not an account name");
      draft_.set("service", "user", toml_string(value));
      return carried(entry, "service.user");
    }
    if (key == "umask") {
      const bool octal =
          !value.empty() && value.size() <= 4 &&
          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '7'; });
      if (!octal) return dropped(entry, "not an octal umask");
      draft_.set("service", "umask", toml_string(value));
      return carried(entry, "service.umask");
    }
    if (key == "autostart") {
      if (parse_boolean(value).value_or(true)) return carried(entry, "a deployed service starts");
      return dropped(entry, "a deployed service always starts; use `deploy --no-start`");
    }
    if (key == "autorestart") {
      const std::string v = lowercase(value);
      if (v == "unexpected") {
        draft_.set("restart", "policy", toml_string("on-failure"));
        return carried(entry, "restart.policy = \"on-failure\" (exitcodes are the expected ones)");
      }
      auto flag = parse_boolean(v);
      if (!flag) return dropped(entry, "not true, false or unexpected");
      draft_.set("restart", "policy", toml_string(*flag ? "always" : "never"));
      return carried(entry,
                     std::string("restart.policy = \"") + (*flag ? "always" : "never") + "\"");
    }
    if (key == "exitcodes") {
      std::string codes;
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        const std::string code = trim(
            value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        auto number = parse_unsigned(code);
        if (!number || *number > 255) return dropped(entry, "\"" + code + "\" is not an exit code");
        codes += (codes.empty() ? "" : ", ") + std::to_string(*number);  // "00" is 0
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      draft_.set("restart", "success_exit_codes", "[" + codes + "]");
      return carried(entry, "restart.success_exit_codes");
    }
    if (key == "startretries") {
      auto count = parse_unsigned(value);
      if (!count || *count > 1000000) return dropped(entry, "not a count");
      draft_.set("restart", "max_restarts",
                 std::to_string(std::max<unsigned long long>(*count, 1)));
      return approximated(entry,
                          "restart.max_restarts: counts every restart within "
                          "restart.window, not only starts that failed within startsecs");
    }
    if (key == "startsecs") {
      return dropped(entry, "no minimum run time for a start to count as successful");
    }
    if (key == "stopsignal") {
      static const std::set<std::string> kSignals{"TERM", "INT",  "HUP", "QUIT",
                                                  "KILL", "USR1", "USR2"};
      std::string signal = value;
      std::transform(signal.begin(), signal.end(), signal.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (signal.starts_with("SIG")) signal = signal.substr(3);
      if (!kSignals.contains(signal))
        return dropped(entry, "not one of TERM INT HUP QUIT KILL USR1 USR2");
      draft_.set("stop", "signal", toml_string(signal));
      return carried(entry, "stop.signal = \"" + signal + "\"");
    }
    if (key == "stopwaitsecs") {
      auto seconds = parse_unsigned(value);
      if (!seconds || *seconds > 86400ULL * 365) return dropped(entry, "not a number of seconds");
      draft_.set("stop", "timeout", manifest_duration(static_cast<long long>(*seconds) * 1000));
      return carried(entry, "stop.timeout");
    }
    if (key == "stopasgroup" || key == "killasgroup") {
      return approximated(entry,
                          "the watchdog signals the program and kills its whole process "
                          "tree after stop.timeout");
    }
    if (key == "redirect_stderr") {
      if (!parse_boolean(value)) return dropped(entry, "not a boolean");
      return carried(entry, *parse_boolean(value) ? "logs.stderr = logs.stdout" : "separate logs");
    }
    if (key == "numprocs") {
      auto count = parse_unsigned(value);
      if (count && *count == 1) return carried(entry, "one process");
      return dropped(entry, "imported as one process: several instances have no manifest form yet");
    }
    if (key == "process_name") {
      return carried(entry, "the service is named \"" + name_ + "\" after the program");
    }
    if (key == "priority") {
      return dropped(entry, "no start order; use [dependencies] after");
    }
    if (key == "serverurl" || key.starts_with("stdout_events") ||
        key.starts_with("stderr_events") || key.starts_with("stdout_capture") ||
        key.starts_with("stderr_capture") || key.starts_with("stdout_syslog") ||
        key.starts_with("stderr_syslog")) {
      return dropped(entry, "supervisord's event and RPC machinery has no equivalent");
    }
    dropped(entry, "no equivalent in the manifest");
  }

  void finish() {
    // redirect_stderr without a stdout_logfile: both streams share the default file.
    if (redirect_stderr_ && !draft_.has("logs", "stdout")) {
      draft_.set("logs", "stdout", toml_string("output.log"));
      draft_.set("logs", "stderr", toml_string("output.log"));
    }
  }

  const SourceText& conf_;
  const IniSection& section_;
  std::string program_;
  ImportResult& result_;
  ManifestDraft draft_;
  std::string name_;
  std::string log_directory_;
  bool redirect_stderr_ = false;
  bool failed_ = false;
  std::optional<unsigned long long> stdout_size_;
  std::optional<unsigned long long> stderr_size_;
  std::optional<unsigned long long> stdout_files_;
  std::optional<unsigned long long> stderr_files_;
};

}  // namespace

ImportResult import_supervisord(const SourceText& conf) {
  ImportResult result;
  if (auto error = not_text_error(conf)) {
    result.errors.push_back(std::move(*error));
    return result;
  }
  auto parse = parse_ini(conf.text);
  if (parse.error) {
    result.errors.push_back({conf.path, parse.error->first, parse.error->second});
    return result;
  }
  bool any_program = false;
  for (const auto& section : parse.sections) {
    if (section.name.starts_with("program:") && section.name.size() > 8) {
      any_program = true;
      ProgramImporter(conf, section, section.name.substr(8), result).run();
      continue;
    }
    std::string why = "supervisord's own settings";
    if (section.name == "include") why = "included files are not followed: import them by name";
    if (section.name.starts_with("group:")) why = "groups have no equivalent";
    if (section.name.starts_with("eventlistener:") || section.name.starts_with("fcgi-program:")) {
      why = "[" + section.name + "] is not a program";
    }
    for (const auto& entry : section.entries) {
      result.report.push_back(
          {conf.path, entry.line, Outcome::dropped, "[" + section.name + "] " + entry.key, why});
    }
  }
  if (!any_program) {
    result.errors.push_back({conf.path, parse.sections.empty() ? 1 : parse.sections.front().line,
                             "not a service definition: no [program:NAME] section"});
  }
  return result;
}

}  // namespace daemonize::import
