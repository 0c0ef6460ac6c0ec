// PM2 ecosystem files, JSON or YAML: one manifest per entry of `apps`. Both syntaxes are read
// into one tree that keeps each key's line (Boost.JSON has no positions, so a small scanner
// finds them in the text; yaml-cpp's marks give them for YAML). A JavaScript ecosystem file
// (`ecosystem.config.js`) is code and is refused with the command that turns it into JSON.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "shell_words.hpp"

namespace daemonize::import {
namespace {

// One value of the ecosystem file. JSON keeps its types; a YAML scalar is `scalar` text whose
// meaning (number, boolean) the key decides, as PM2's own YAML loader leaves it to JavaScript.
struct Node {
  enum class Kind { null, boolean, number, string, scalar, array, object };
  struct Member;  // a vector of an incomplete type is fine; a pair of one is not (clang)
  Kind kind = Kind::null;
  int line = 1;
  std::string text;  // string, scalar, number (as written), boolean ("true"/"false")
  std::vector<Node> items;
  std::vector<Member> members;

  [[nodiscard]] const Node* find(std::string_view key) const;
};

struct Node::Member {
  std::string first;
  Node second;
};

const Node* Node::find(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

struct Parsed {
  std::optional<Node> root;
  int error_line = 1;
  std::string error;
};

int line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Finds the line of every value in JSON text Boost.JSON accepted: a walk over the same grammar
// that only skips strings and scalars. Keys are paths joined with '\x1f'.
class JsonLines {
 public:
  explicit JsonLines(std::string_view text) : text_(text) {
    skip_space();
    value("", 0);
  }
  [[nodiscard]] int line(const std::string& path) const {
    auto found = lines_.find(path);
    return found == lines_.end() ? 1 : found->second;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  std::string string() {
    std::string out;
    ++pos_;  // the opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') ++pos_;  // the exact key text matters only for plain keys
      if (pos_ < text_.size()) out += text_[pos_];
      ++pos_;
    }
    ++pos_;
    return out;
  }
  void value(const std::string& path, int depth) {
    lines_[path] = line_;
    if (pos_ >= text_.size() || depth > 64) return;
    const char c = text_[pos_];
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      ++pos_;
      const bool object = c == '{';
      const char close = object ? '}' : ']';
      int index = 0;
      while (true) {
        skip_space();
        if (pos_ >= text_.size()) return;
        if (text_[pos_] == close) {
          ++pos_;
          return;
        }
        if (text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        std::string child = path + '\x1f';
        if (object) {
          child += string();
          skip_space();
          if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
          skip_space();
          lines_[child] = line_;
        } else {
          child += std::to_string(index++);
        }
        const std::size_t before = pos_;
        value(child, depth + 1);
        if (pos_ == before) ++pos_;  // never loop on a byte the walk does not know
      }
    } else {
      while (pos_ < text_.size() &&
             std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos) {
        ++pos_;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::map<std::string, int> lines_;
};

Node from_json(const boost::json::value& value, const JsonLines& lines, const std::string& path) {
  Node node;
  node.line = lines.line(path);
  switch (value.kind()) {
    case boost::json::kind::null:
      break;
    case boost::json::kind::bool_:
      node.kind = Node::Kind::boolean;
      node.text = value.get_bool() ? "true" : "false";
      break;
    case boost::json::kind::int64:
      node.kind = Node::Kind::number;
      node.text = std::to_string(value.get_int64());
      break;
    case boost::json::kind::uint64:
      node.kind = Node::Kind::number;
      node.text = std::to_string(value.get_uint64());
      break;
    case boost::json::kind::double_: {
      node.kind = Node::Kind::number;
      const double number = value.get_double();
      if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 1e15) {
        node.text = std::to_string(static_cast<long long>(number));
      } else {
        node.text = boost::json::serialize(value);
      }
      break;
    }
    case boost::json::kind::string:
      node.kind = Node::Kind::string;
      node.text = std::string(value.get_string());
      break;
    case boost::json::kind::array: {
      node.kind = Node::Kind::array;
      int index = 0;
      for (const auto& item : value.get_array()) {
        node.items.push_back(from_json(item, lines, path + '\x1f' + std::to_string(index++)));
      }
      break;
    }
    case boost::json::kind::object:
      node.kind = Node::Kind::object;
      for (const auto& member : value.get_object()) {
        const std::string key(member.key());
        node.members.push_back({key, from_json(member.value(), lines, path + '\x1f' + key)});
      }
      break;
  }
  return node;
}

Parsed parse_json(std::string_view text) {
  Parsed parsed;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code error;
  const std::size_t used = parser.write(text.data(), text.size(), error);
  if (!error) parser.finish(error);
  if (error) {
    parsed.error_line = line_at(text, used);
    parsed.error = "not valid JSON: " + error.message();
    return parsed;
  }
  const JsonLines lines(text);
  parsed.root = from_json(parser.release(), lines, "");
  return parsed;
}

Node from_yaml(const YAML::Node& value, int depth) {
  Node node;
  node.line = std::max(1, value.Mark().line + 1);  // a null document has no mark (-1)
  if (depth > 64) return node;
  switch (value.Type()) {
    case YAML::NodeType::Scalar:
      node.kind = Node::Kind::scalar;
      node.text = value.Scalar();
      // A quoted scalar is a string whatever it spells ("1", "true").
      if (value.Tag() == "!") node.kind = Node::Kind::string;
      break;
    case YAML::NodeType::Sequence:
      node.kind = Node::Kind::array;
      for (const auto& item : value) node.items.push_back(from_yaml(item, depth + 1));
      break;
    case YAML::NodeType::Map:
      node.kind = Node::Kind::object;
      for (const auto& member : value) {
        Node child = from_yaml(member.second, depth + 1);
        const std::string key = member.first.IsScalar() ? member.first.Scalar() : "";
        child.line = std::max(1, member.first.Mark().line + 1);  // the key's line, as for JSON
        node.members.push_back({key, std::move(child)});
      }
      break;
    default:
      break;
  }
  return node;
}

Parsed parse_yaml(const std::string& text) {
  Parsed parsed;
  try {
    const YAML::Node document = YAML::Load(text);
    parsed.root = from_yaml(document, 0);
  } catch (const YAML::Exception& error) {
    parsed.error_line = error.mark.line >= 0 ? error.mark.line + 1 : 1;
    parsed.error = "not valid YAML: " + error.msg;
  } catch (const std::exception& error) {
    parsed.error = std::string("not valid YAML: ") + error.what();
  }
  return parsed;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A scalar as text (strings, numbers, booleans); nullopt for arrays, objects, null.
std::optional<std::string> scalar_text(const Node& node) {
  if (node.kind == Node::Kind::array || node.kind == Node::Kind::object ||
      node.kind == Node::Kind::null) {
    return std::nullopt;
  }
  return node.text;
}

std::optional<bool> boolean(const Node& node) {
  if (node.kind != Node::Kind::boolean && node.kind != Node::Kind::scalar) return std::nullopt;
  const std::string value = lowercase(node.text);
  if (value == "true" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "no" || value == "off") return false;
  return std::nullopt;
}

std::optional<unsigned long long> parse_whole(std::string_view digits) {
  unsigned long long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

// A non-negative whole number (PM2 also takes numbers written as strings).
std::optional<unsigned long long> whole(const Node& node) {
  if (node.kind == Node::Kind::boolean) return std::nullopt;
  const auto text = scalar_text(node);
  return text ? parse_whole(*text) : std::nullopt;
}

// PM2's memory sizes: a number of bytes, or K, M, G (multiples of 1024).
std::optional<unsigned long long> memory_size(const Node& node) {
  auto text = scalar_text(node);
  if (!text || text->empty()) return std::nullopt;
  std::string value = *text;
  unsigned long long factor = 1;
  const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(value.back())));
  if (unit == 'K' || unit == 'M' || unit == 'G') {
    factor = unit == 'K' ? 1024ULL : unit == 'M' ? 1024ULL * 1024 : 1024ULL * 1024 * 1024;
    value.pop_back();
  }
  const auto number = parse_whole(value);
  if (!number || *number > ~0ULL / factor) return std::nullopt;
  return *number * factor;
}

// PM2's durations: milliseconds, or a string with a unit ("30s", "1m", "500ms", "1h").
std::optional<long long> milliseconds(const Node& node) {
  if (auto number = whole(node)) {
    if (*number > 86400000ULL * 365) return std::nullopt;
    return static_cast<long long>(*number);
  }
  auto text = scalar_text(node);
  if (!text) return std::nullopt;
  for (const auto& [suffix, factor] : {std::pair<std::string_view, long long>{"ms", 1},
                                       {"s", 1000},
                                       {"m", 60000},
                                       {"h", 3600000}}) {
    if (!ends_with(*text, suffix)) continue;
    const auto number =
        parse_whole(std::string_view(*text).substr(0, text->size() - suffix.size()));
    if (!number || *number > 86400000ULL * 365 / static_cast<unsigned long long>(factor)) {
      return std::nullopt;
    }
    return static_cast<long long>(*number) * factor;
  }
  return std::nullopt;
}

// The interpreter PM2 picks from the script's extension when none is named.
std::optional<std::string> default_interpreter(std::string_view script) {
  static const std::map<std::string, std::string, std::less<>> kByExtension{
      {".js", "node"},   {".cjs", "node"}, {".mjs", "node"},      {".ts", "ts-node"},
      {".py", "python"}, {".rb", "ruby"},  {".php", "php"},       {".sh", "bash"},
      {".bash", "bash"}, {".pl", "perl"},  {".coffee", "coffee"}, {".ls", "lsc"}};
  const std::string extension = std::filesystem::path(std::string(script)).extension().string();
  if (auto found = kByExtension.find(extension); found != kByExtension.end()) return found->second;
  return std::nullopt;
}

// Keys PM2 has and the manifest does not, with why.
const std::map<std::string, std::string, std::less<>> kDroppedReasons{
    {"watch", "restarting on file changes has no equivalent"},
    {"ignore_watch", "restarting on file changes has no equivalent"},
    {"watch_delay", "restarting on file changes has no equivalent"},
    {"watch_options", "restarting on file changes has no equivalent"},
    {"cron_restart",
     "restarts on a schedule have no equivalent (use a timer or cron job that runs "
     "`daemonize restart NAME`)"},
    {"pid_file", "PM2's own record of the pid; the watchdog keeps its own state"},
    {"listen_timeout", "PM2's wait for a cluster worker to listen has no equivalent"},
    {"wait_ready",
     "PM2's process.send('ready') has no equivalent; the manifest's readiness is "
     "sd_notify (service.type = \"notify\") or [health]"},
    {"shutdown_with_message", "stopping through a message on PM2's IPC channel has no equivalent"},
    {"kill_retry_time", "the watchdog signals once, then kills after stop.timeout"},
    {"instance_var", "one process: no instance number to export"},
    {"increment_var", "one process: no instance number to export"},
    {"namespace", "PM2's grouping of processes has no equivalent"},
    {"vizion", "PM2's version-control metadata has no equivalent"},
    {"post_update", "PM2's deploy-time commands have no equivalent"},
    {"force", "PM2's start of a duplicate app has no equivalent"},
    {"source_map_support",
     "a Node.js option of PM2's own; pass --enable-source-maps in "
     "interpreter_args"},
    {"filter_env", "the watchdog passes its own environment, not PM2's"},
    {"automation", "PM2's monitoring (pmx) has no equivalent"},
    {"pmx", "PM2's monitoring (pmx) has no equivalent"},
    {"node_version", "PM2's choice of a Node.js version has no equivalent"},
    {"appendEnvToName", "the service name is not changed by an environment"},
    {"log_type", "PM2's JSON log lines have no equivalent"},
    {"deep_monitoring", "PM2's monitoring (pmx) has no equivalent"},
};

class AppImporter {
 public:
  AppImporter(const SourceText& source, const Node& app, std::size_t index, ImportResult& result)
      : source_(source), app_(app), index_(index), result_(result) {}

  void run() {
    const Node* script = app_.find("script");
    if (script == nullptr) {
      result_.errors.push_back(
          {source_.path, app_.line, "apps[" + std::to_string(index_) + "] has no script"});
      return;
    }
    const auto script_text = scalar_text(*script);
    if (!script_text || script_text->empty()) {
      result_.errors.push_back(
          {source_.path, script->line, "script is not a file name or command"});
      return;
    }
    const Node* name = app_.find("name");
    const auto name_text = name != nullptr ? scalar_text(*name) : std::nullopt;
    // PM2 names an app after its script's file name without the extension.
    name_ = service_name_from(name_text && !name_text->empty()
                                  ? *name_text
                                  : std::filesystem::path(*script_text).stem().string());
    draft_.comment("Imported by `daemonize import` from " + source_.path + ", apps[" +
                   std::to_string(index_) + "] (line " + std::to_string(app_.line) + ")");
    draft_.comment("PM2's defaults are written where the manifest's differ: restarted after");
    draft_.comment("every exit, a 1.6s stop timeout.");
    draft_.set("service", "name", toml_string(name_));
    draft_.set("restart", "policy", toml_string("always"));
    draft_.set("stop", "timeout", manifest_duration(1600));
    for (const auto& [key, value] : app_.members) map(key, value);
    map_command();
    finish_logs();
    if (failed_) return;
    result_.services.push_back({name_, draft_.text()});
  }

 private:
  void report(int line, Outcome outcome, std::string key, std::string note) {
    result_.report.push_back({source_.path, line, outcome, std::move(key), std::move(note)});
  }
  void carried(const std::string& key, const Node& node, std::string note) {
    report(node.line, Outcome::carried, key, std::move(note));
  }
  void approximated(const std::string& key, const Node& node, std::string note) {
    report(node.line, Outcome::approximated, key, std::move(note));
  }
  void dropped(const std::string& key, const Node& node, std::string note) {
    report(node.line, Outcome::dropped, key, std::move(note));
  }

  // A string split into words as a shell would (PM2 splits `args` itself), or an array as is.
  std::optional<std::vector<std::string>> argv(const Node& node, std::string& problem) {
    std::vector<std::string> out;
    if (node.kind == Node::Kind::array) {
      for (const auto& item : node.items) {
        auto text = scalar_text(item);
        if (!text) {
          problem = "an element is not a string";
          return std::nullopt;
        }
        out.push_back(*text);
      }
      return out;
    }
    auto text = scalar_text(node);
    if (!text) {
      problem = "not a string or an array of strings";
      return std::nullopt;
    }
    auto split = split_shell_words(*text);
    if (split.error) {
      problem = *split.error;
      return std::nullopt;
    }
    for (const auto& word : split.words) out.push_back(word.text);
    return out;
  }

  // script + interpreter + args become service.command and service.args; reported once each
  // key was read (the command depends on all of them).
  void map_command() {
    const Node& script = *app_.find("script");
    std::string script_path = *scalar_text(script);
    std::vector<std::string> notes;
    // A relative script is found from cwd, else from the ecosystem file's directory.
    if (!script_path.starts_with("/") && (script_path.find('/') != std::string::npos ||
                                          default_interpreter(script_path) || interpreter_)) {
      std::string base = working_directory_;
      if (base.empty()) {
        std::error_code error;
        auto absolute = std::filesystem::absolute(source_.path, error);
        base = error ? std::string() : absolute.parent_path().generic_string();
        if (!base.empty()) notes.push_back("found from the ecosystem file's directory " + base);
      }
      if (!base.empty() && base.starts_with("/")) {
        script_path =
            (std::filesystem::path(base) / script_path).lexically_normal().generic_string();
      }
    }
    std::string interpreter;
    std::vector<std::string> interpreter_args = interpreter_args_;
    if (interpreter_ && *interpreter_ != "none") {
      interpreter = *interpreter_;
    } else if (!interpreter_) {
      if (auto chosen = default_interpreter(script_path)) {
        interpreter = *chosen;
        notes.push_back("run with " + interpreter + ", PM2's interpreter for " +
                        std::filesystem::path(script_path).extension().string() + " scripts");
      }
    }
    std::string command;
    std::vector<std::string> args;
    auto program = [&](const std::string& word) {
      if (word.starts_with("/")) {
        command = word;
        return;
      }
      command = "/usr/bin/env";
      args.push_back(word);
      notes.push_back("\"" + word + "\" is looked up in PATH by /usr/bin/env" +
                      (word == "node" ? " (PM2 used the node it runs on)" : ""));
    };
    if (!interpreter.empty()) {
      program(interpreter);
      args.insert(args.end(), interpreter_args.begin(), interpreter_args.end());
      args.push_back(script_path);
    } else {
      program(script_path);
      if (!interpreter_args.empty()) {
        notes.push_back("interpreter_args ignored: the script runs without an interpreter");
      }
    }
    args.insert(args.end(), args_.begin(), args_.end());
    if (std::any_of(args.begin(), args.end(),
                    [](const std::string& a) { return a.find('\0') != std::string::npos; }) ||
        command.find('\0') != std::string::npos) {
      result_.errors.push_back({source_.path, script.line, "a NUL character in the command"});
      failed_ = true;
      return;
    }
    draft_.set("service", "command", toml_string(escape_interpolation(command)));
    std::vector<std::string> escaped;
    escaped.reserve(args.size());
    for (const auto& arg : args) escaped.push_back(escape_interpolation(arg));
    if (!escaped.empty()) draft_.set("service", "args", toml_array(escaped));
    if (notes.empty()) return carried("script", script, "service.command, service.args");
    approximated("script", script, "service.command, service.args; " + join(notes, "; "));
  }

  void map_env(const Node& env) {
    if (env.kind != Node::Kind::object) return dropped("env", env, "not an object of variables");
    for (const auto& [variable, value] : env.members) {
      const std::string key = "env." + variable;
      auto text = scalar_text(value);
      if (!is_variable_name(variable)) {
        dropped(key, value, "\"" + variable + "\" is not a variable name");
        continue;
      }
      if (!text || text->find('\0') != std::string::npos) {
        dropped(key, value, "not a string, number or boolean");
        continue;
      }
      draft_.set("env", variable, toml_string(escape_interpolation(*text)));
      carried(key, value, "env." + variable);
    }
  }

  void map_log(const std::string& key, const Node& node) {
    auto text = scalar_text(node);
    if (!text) return dropped(key, node, "not a file path");
    const bool is_stdout = key == "out_file" || key == "output";
    const char* stream = is_stdout ? "stdout" : "stderr";
    if (*text == "/dev/null" || *text == "NULL") {
      draft_.set("logs", stream, toml_string("null"));
      return carried(key, node, std::string("logs.") + stream + " = \"null\"");
    }
    const auto slash = text->rfind('/');
    if (!text->starts_with("/") || slash + 1 == text->size()) {
      return dropped(key, node, "\"" + *text + "\" is not an absolute file path");
    }
    const std::string directory = slash == 0 ? "/" : text->substr(0, slash);
    const std::string file = text->substr(slash + 1);
    if (!is_log_file(directory, file)) {
      return dropped(key, node, "\"" + *text + "\" cannot be a log file of the manifest");
    }
    std::string note = "logs.directory + logs." + std::string(stream);
    Outcome outcome = Outcome::carried;
    if (!log_directory_.empty() && log_directory_ != directory) {
      outcome = Outcome::approximated;
      note += "; written into " + log_directory_ + " (both streams share logs.directory)";
    } else {
      log_directory_ = directory;
      draft_.set("logs", "directory", toml_string(escape_interpolation(directory)));
    }
    draft_.set("logs", stream, toml_string(escape_interpolation(file)));
    report(node.line, outcome, key, note);
  }

  void finish_logs() {
    if (disable_logs_) {
      draft_.set("logs", "stdout", toml_string("null"));
      draft_.set("logs", "stderr", toml_string("null"));
    }
  }

  void map_restart_delay(const std::string& key, const Node& node, bool exponential) {
    auto ms = milliseconds(node);
    if (!ms) return dropped(key, node, "not a number of milliseconds");
    const bool other = exponential ? restart_delay_set_ : backoff_set_;
    (exponential ? backoff_set_ : restart_delay_set_) = true;
    draft_.set("restart", "delay", manifest_duration(*ms));
    if (exponential) {
      // PM2 multiplies the delay by 1.5 up to 15 s, and starts over after 30 s of uptime.
      draft_.set("restart", "multiplier", "1.5");
      draft_.set("restart", "max_delay", manifest_duration(std::max(*ms, 15000LL)));
      draft_.set("restart", "reset_after", manifest_duration(30000));
    } else {
      draft_.set("restart", "multiplier", "1.0");
      draft_.set("restart", "max_delay", manifest_duration(std::max(*ms, 60000LL)));
    }
    const std::string what =
        exponential ? "restart.delay, multiplier 1.5 up to 15s, reset after 30s up (as PM2)"
                    : "restart.delay, multiplier 1.0 (a fixed delay, as PM2)";
    if (other) {
      return approximated(key, node,
                          what + "; replaces the " +
                              (exponential ? "restart_delay" : "exp_backoff_restart_delay") +
                              " given before it");
    }
    carried(key, node, what);
  }

  void map(const std::string& key, const Node& node) {
    if (key == "script") return;  // reported by map_command
    if (key == "name") {
      if (!scalar_text(node) || *scalar_text(node) != name_) {
        return approximated(key, node, "service.name = \"" + name_ + "\"");
      }
      return carried(key, node, "service.name");
    }
    if (key == "args") {
      std::string problem;
      auto words = argv(node, problem);
      if (!words) return dropped(key, node, problem);
      args_ = *words;
      return carried(key, node,
                     node.kind == Node::Kind::array
                         ? "service.args"
                         : "service.args, split into words as a shell does (no shell runs)");
    }
    if (key == "interpreter" || key == "exec_interpreter") {
      auto text = scalar_text(node);
      if (!text || text->empty()) return dropped(key, node, "not a program name");
      interpreter_ = *text;
      if (*text == "none") return carried(key, node, "the script is the program");
      return carried(key, node, "service.command");
    }
    if (key == "interpreter_args" || key == "node_args") {
      std::string problem;
      auto words = argv(node, problem);
      if (!words) return dropped(key, node, problem);
      interpreter_args_.insert(interpreter_args_.end(), words->begin(), words->end());
      return carried(key, node, "service.args, before the script");
    }
    if (key == "cwd") {
      auto text = scalar_text(node);
      if (!text || !text->starts_with("/") || text->find('\0') != std::string::npos) {
        return dropped(key, node, "not an absolute path");
      }
      working_directory_ = *text;
      draft_.set("service", "working_directory", toml_string(escape_interpolation(*text)));
      return carried(key, node, "service.working_directory");
    }
    if (key == "env") return map_env(node);
    if (key.starts_with("env_")) {
      return dropped(key, node,
                     "the variables of `pm2 start --env " + key.substr(4) +
                         "`; the manifest has one environment (copy them into [env] to use them)");
    }
    if (key == "instances") {
      auto count = whole(node);
      if (count && *count == 1) return carried(key, node, "one process");
      // 0 and "max" are one per CPU core, -1 one fewer.
      const std::string text = scalar_text(node).value_or("");
      const std::string what = count && *count > 0      ? std::to_string(*count) + " copies"
                               : text == "-1"           ? "one copy per CPU core but one"
                               : count || text == "max" ? "one copy per CPU core"
                                                        : "\"" + text + "\" copies";
      return dropped(key, node, "run " + what + ": not expressible yet; imported as one");
    }
    if (key == "exec_mode") {
      const std::string mode = scalar_text(node).value_or("");
      if (mode == "fork" || mode == "fork_mode") return carried(key, node, "one process");
      return dropped(key, node,
                     "PM2's Node.js cluster (workers sharing a port) has no equivalent; imported "
                     "as one process");
    }
    if (key == "autorestart") {
      auto yes = boolean(node);
      if (!yes) return dropped(key, node, "not a boolean");
      if (!*yes) {
        draft_.set("restart", "policy", toml_string("never"));
        return carried(key, node, "restart.policy = \"never\"");
      }
      if (app_.find("stop_exit_codes") != nullptr) {
        return carried(key, node, "restart.policy = \"on-failure\" with stop_exit_codes");
      }
      draft_.set("restart", "policy", toml_string("always"));
      return carried(key, node, "restart.policy = \"always\"");
    }
    if (key == "stop_exit_codes") {
      std::vector<std::string> codes;
      const std::vector<Node> single{node};
      for (const auto& item : node.kind == Node::Kind::array ? node.items : single) {
        auto code = whole(item);
        if (!code || *code > 255) return dropped(key, node, "not a list of exit codes");
        codes.push_back(std::to_string(*code));
      }
      if (codes.empty()) return dropped(key, node, "no exit codes");
      // autorestart = false wins: nothing is restarted anyway.
      const Node* autorestart = app_.find("autorestart");
      if (autorestart == nullptr || boolean(*autorestart).value_or(true)) {
        draft_.set("restart", "policy", toml_string("on-failure"));
      }
      draft_.set("restart", "success_exit_codes", "[" + join(codes, ", ") + "]");
      return carried(key, node,
                     "restart.success_exit_codes with restart.policy = \"on-failure\": these "
                     "exits are not restarted, every other one is");
    }
    if (key == "max_restarts") {
      auto count = whole(node);
      if (!count || *count > 1000000) return dropped(key, node, "not a count");
      draft_.set("restart", "max_restarts",
                 std::to_string(std::max<unsigned long long>(*count, 1)));
      return approximated(key, node,
                          "restart.max_restarts: counts every restart within restart.window, not "
                          "only runs shorter than min_uptime");
    }
    if (key == "min_uptime") {
      return dropped(key, node,
                     "no minimum run time for a start to count as stable; restart.max_restarts "
                     "counts restarts within restart.window");
    }
    if (key == "restart_delay") return map_restart_delay(key, node, false);
    if (key == "exp_backoff_restart_delay") return map_restart_delay(key, node, true);
    if (key == "max_memory_restart") {
      auto bytes = memory_size(node);
      if (!bytes || *bytes == 0) return dropped(key, node, "not a size (bytes, or K, M, G)");
      draft_.set("limits", "memory", std::to_string(*bytes));
      return approximated(key, node,
                          "limits.memory: a hard limit (the program is killed when it reaches it, "
                          "then restarted per restart.policy), where PM2 checked every 30s and "
                          "restarted it gracefully");
    }
    if (key == "kill_timeout") {
      auto ms = milliseconds(node);
      if (!ms) return dropped(key, node, "not a number of milliseconds");
      draft_.set("stop", "timeout", manifest_duration(*ms));
      return carried(key, node, "stop.timeout");
    }
    if (key == "treekill") {
      auto yes = boolean(node);
      if (!yes) return dropped(key, node, "not a boolean");
      if (*yes) return carried(key, node, "stop.kill = \"group\" (the default)");
      draft_.set("stop", "kill", toml_string("main"));
      return carried(key, node, "stop.kill = \"main\"");
    }
    if (key == "out_file" || key == "output" || key == "error_file" || key == "error") {
      return map_log(key, node);
    }
    if (key == "log_file" || key == "log") {
      return dropped(key, node,
                     "a third file with both streams has no equivalent; point out_file and "
                     "error_file at one file to share it");
    }
    if (key == "merge_logs" || key == "combine_logs") {
      return carried(key, node, "one process: its logs have no instance suffix anyway");
    }
    if (key == "log_date_format" || key == "time") {
      if (key == "time" && !boolean(node).value_or(false)) {
        return carried(key, node, "no timestamps (the default)");
      }
      draft_.set("logs", "timestamps", "true");
      return approximated(key, node,
                          "logs.timestamps = true: an RFC 3339 time on each line" +
                              std::string(key == "time" ? "" : ", not this format"));
    }
    if (key == "disable_logs") {
      auto yes = boolean(node);
      if (!yes) return dropped(key, node, "not a boolean");
      disable_logs_ = *yes;
      return carried(key, node, *yes ? "logs.stdout, logs.stderr = \"null\"" : "logs kept");
    }
    if (key == "user" || key == "uid" || key == "gid") {
      auto text = scalar_text(node);
      const bool group = key == "gid";
      if (!text || !is_account_name(*text)) {
        return dropped(key, node, "\"" + text.value_or("") + "\" is not an account name");
      }
      draft_.set("service", group ? "group" : "user", toml_string(*text));
      return carried(key, node, group ? "service.group" : "service.user");
    }
    if (key == "watch" && !boolean(node).value_or(true)) {
      return carried(key, node, "no restart on file changes, as the manifest");
    }
    if (auto reason = kDroppedReasons.find(key); reason != kDroppedReasons.end()) {
      return dropped(key, node, reason->second);
    }
    dropped(key, node, "no equivalent in the manifest");
  }

  const SourceText& source_;
  const Node& app_;
  std::size_t index_;
  ImportResult& result_;
  ManifestDraft draft_;
  std::string name_;
  std::optional<std::string> interpreter_;
  std::vector<std::string> interpreter_args_;
  std::vector<std::string> args_;
  std::string working_directory_;
  std::string log_directory_;
  bool disable_logs_ = false;
  bool restart_delay_set_ = false;
  bool backoff_set_ = false;
  bool failed_ = false;
};

bool is_javascript(const std::string& path) {
  return ends_with(path, ".js") || ends_with(path, ".cjs") || ends_with(path, ".mjs");
}

// JSON when the file says so by its name or its first character, else YAML.
bool is_json(const std::string& path, std::string_view text) {
  if (ends_with(path, ".json")) return true;
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) return false;
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

}  // namespace

ImportResult import_pm2(const SourceText& source) {
  ImportResult result;
  if (is_javascript(source.path)) {
    result.errors.push_back(
        {source.path, 1,
         "a JavaScript ecosystem file is a program, not data: write it out as JSON first, e.g. "
         "node -e 'console.log(JSON.stringify(require(\"./" +
             std::filesystem::path(source.path).filename().string() +
             "\"), null, 2))' > ecosystem.json, and import ecosystem.json"});
    return result;
  }
  if (auto error = not_text_error(source)) {
    result.errors.push_back(std::move(*error));
    return result;
  }
  const Parsed parsed =
      is_json(source.path, source.text) ? parse_json(source.text) : parse_yaml(source.text);
  if (!parsed.root) {
    result.errors.push_back({source.path, parsed.error_line, parsed.error});
    return result;
  }
  const Node& root = *parsed.root;
  // PM2 reads `{apps: [...]}`, a bare array of apps, or one app object.
  std::vector<const Node*> list;
  const Node* apps = &root;
  bool recognised = false;
  if (root.kind == Node::Kind::object && root.find("apps") != nullptr) {
    apps = root.find("apps");
    for (const auto& [key, value] : root.members) {
      if (key == "apps") continue;
      result.report.push_back({source.path, value.line, Outcome::dropped, key,
                               key == "deploy" ? "PM2's deployment (git pull, post-deploy "
                                                 "commands) has no equivalent; `daemonize deploy` "
                                                 "installs the manifest"
                                               : "not an app"});
    }
  }
  if (apps->kind == Node::Kind::array) {
    recognised = apps != &root ||
                 std::all_of(apps->items.begin(), apps->items.end(),
                             [](const Node& app) { return app.kind == Node::Kind::object; });
    for (const auto& item : apps->items) list.push_back(&item);
  } else if (apps->kind == Node::Kind::object && (apps != &root || root.find("script"))) {
    recognised = true;
    list.push_back(apps);
  }
  if (!recognised) {
    result.errors.push_back({source.path, apps->line,
                             "not a PM2 ecosystem file: expected an \"apps\" list of processes"});
    return result;
  }
  if (list.empty()) {
    result.errors.push_back({source.path, apps->line, "\"apps\" lists no process"});
    return result;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Node& app = *list[i];
    if (app.kind != Node::Kind::object) {
      result.errors.push_back(
          {source.path, app.line, "apps[" + std::to_string(i) + "] is not an object"});
      continue;
    }
    AppImporter(source, app, i, result).run();
  }
  sort_report(result.report, {source.path});
  return result;
}

}  // namespace daemonize::import
