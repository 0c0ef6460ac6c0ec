// Procfile (`name: command`, as Heroku and foreman read it): one manifest per process type. The
// command is a shell command line; it is split by the shell's rules, and a line that needs a
// real shell (pipes, redirections, substitutions, ...) runs through `/bin/sh -c`.
#include <filesystem>
#include <map>
#include <regex>

#include "daemonize/import/import.hpp"
#include "import_common.hpp"
#include "manifest_draft.hpp"
#include "shell_words.hpp"

namespace daemonize::import {
namespace {

std::string absolute_directory(const std::string& path) {
  std::error_code error;
  auto absolute = std::filesystem::absolute(std::filesystem::path(path), error);
  if (error) return "/";
  return absolute.lexically_normal().parent_path().string();
}

}  // namespace

ImportResult import_procfile(const SourceText& procfile) {
  ImportResult result;
  if (auto error = not_text_error(procfile)) {
    result.errors.push_back(std::move(*error));
    return result;
  }
  static const std::regex entry(R"(^([A-Za-z0-9_-]+):[ \t]*(.*)$)");
  const std::string directory = absolute_directory(procfile.path);
  std::map<std::string, int> seen;
  std::size_t start = 0;
  int number = 0;
  const std::string_view text = procfile.text;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::smatch match;
    if (line.find('\0') != std::string::npos || !std::regex_match(line, match, entry) ||
        match[2].str().find_first_not_of(" \t") == std::string::npos) {
      result.errors.push_back(
          {procfile.path, number, "not a Procfile line: expected 'name: command'"});
      return result;
    }
    const std::string type = match[1].str();
    const std::string command_line = match[2].str();
    if (auto previous = seen.find(type); previous != seen.end()) {
      result.report.push_back(
          {procfile.path, number, Outcome::dropped, type,
           "the process type is already defined on line " + std::to_string(previous->second)});
      continue;
    }
    seen[type] = number;

    auto split = split_shell_words(command_line);
    if (split.error) {
      result.errors.push_back({procfile.path, number, "the command has " + *split.error});
      return result;
    }
    ManifestDraft draft;
    draft.comment("Imported by `daemonize import` from " + procfile.path + ", process type \"" +
                  type + "\" (line " + std::to_string(number) + ")");
    const std::string name = service_name_from(type);
    draft.set("service", "name", toml_string(name));
    draft.set("service", "working_directory", toml_string(escape_interpolation(directory)));
    std::vector<std::string> notes;
    std::vector<ShellWord> words = split.words;
    if (!split.shell_features.empty()) {
      draft.set("service", "command", toml_string("/bin/sh"));
      draft.set("service", "args", toml_array({"-c", escape_interpolation(command_line)}));
      notes.push_back("runs through /bin/sh -c: " + join(split.shell_features, ", "));
    } else {
      // Leading NAME=value words are the command's environment.
      while (!words.empty()) {
        const auto& word = words.front().text;
        const auto equals = word.find('=');
        if (equals == std::string::npos || !is_variable_name(word.substr(0, equals))) break;
        draft.set("env", word.substr(0, equals),
                  toml_string(
                      words.front().interpolated.substr(words.front().interpolated.find('=') + 1)));
        notes.push_back(word.substr(0, equals) + " as [env]");
        words.erase(words.begin());
      }
      if (!words.empty() && words.front().text == "exec") words.erase(words.begin());
      if (words.empty()) {
        result.errors.push_back({procfile.path, number, "the command line runs no program"});
        return result;
      }
      std::vector<std::string> args;
      for (const auto& word : words) {
        args.push_back(word.interpolated);
        if (word.has_variable) {
          notes.push_back(word.text + " as " + word.interpolated +
                          ": one argument, not split; unset at start stops the watchdog");
        }
      }
      std::string command = args.front();
      args.erase(args.begin());
      if (!command.starts_with("/") || command.find("${") != std::string::npos) {
        args.insert(args.begin(), command);
        command = "/usr/bin/env";
        notes.push_back("\"" + words.front().text + "\" is looked up in PATH by /usr/bin/env");
      }
      draft.set("service", "command", toml_string(command));
      if (!args.empty()) draft.set("service", "args", toml_array(args));
    }
    if (command_line.find("$PORT") != std::string::npos ||
        command_line.find("${PORT}") != std::string::npos) {
      notes.push_back("PORT is not assigned by daemonize: set it in [env]");
    }
    draft.set("restart", "policy", toml_string("always"));
    draft.set("logs", "stdout", toml_string("inherit"));
    draft.set("logs", "stderr", toml_string("inherit"));
    result.services.push_back({name, draft.text()});
    result.report.push_back(
        {procfile.path, number, notes.empty() ? Outcome::carried : Outcome::approximated, type,
         "service \"" + name + "\"" + (notes.empty() ? "" : "; " + join(notes, "; "))});
  }
  if (result.services.empty() && result.errors.empty()) {
    result.errors.push_back({procfile.path, number == 0 ? 1 : number,
                             "not a service definition: no 'name: command' line"});
  }
  return result;
}

}  // namespace daemonize::import
