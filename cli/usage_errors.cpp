#include "usage_errors.hpp"

#include <cctype>
#include <vector>

#include "daemonize/core/suggest.hpp"

namespace daemonize::cli {
namespace {

// The subcommands `--help` lists (or every one, with the hidden ones).
std::vector<std::string> subcommand_names(const CLI::App& app, bool hidden = false) {
  std::vector<std::string> names;
  for (const auto* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (hidden || !subcommand->get_group().empty()) names.push_back(subcommand->get_name());
  }
  return names;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

std::string comma_list(const std::vector<std::string>& words) {
  std::string list;
  for (const auto& word : words) list += (list.empty() ? "" : ", ") + word;
  return list;
}

// "The following argument was not expected" -> "the following ..." (but not "INI ...").
std::string sentence_case(std::string text) {
  if (!text.empty() && std::isupper(static_cast<unsigned char>(text[0])) != 0 &&
      (text.size() == 1 || std::isupper(static_cast<unsigned char>(text[1])) == 0)) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

}  // namespace

std::optional<std::string> unknown_command_message(const CLI::App& app, std::string_view word) {
  if (word.empty()) return std::nullopt;
  const bool option = word.front() == '-';
  const auto known = option ? option_names(app) : subcommand_names(app, true);
  // "--version=x" is CLI11's to refuse.
  const auto name = option ? word.substr(0, word.find('=')) : word;
  for (const auto& candidate : known) {
    if (candidate == name) return std::nullopt;
  }
  std::string message = std::string("daemonize: unknown ") + (option ? "option" : "command") +
                        " '" + std::string(name) + "'";
  const auto shown = option ? known : subcommand_names(app);
  if (auto suggestion = did_you_mean(name, shown); !suggestion.empty()) {
    message += suggestion;
  } else if (!option) {
    message += " (commands: " + comma_list(shown) + ")";
  }
  return message + "\ndaemonize: hint: `daemonize --help` describes every command\n";
}

std::string usage_failure_message(const CLI::App* app, const CLI::Error& error) {
  // The deepest command that was parsed is the one the error is about.
  std::string command = "daemonize";
  for (const CLI::App* current = app; current != nullptr;) {
    const auto parsed = current->get_subcommands();
    current = parsed.empty() ? nullptr : parsed.front();
    if (current != nullptr) command += " " + current->get_name();
  }
  std::string message = sentence_case(error.what());
  if (message == "a subcommand is required" && app != nullptr) {
    message = "a command is required: " + comma_list(subcommand_names(*app));
  }
  std::string text = "daemonize: " + message + "\n";
  if (command == "daemonize init" && message.find("not expected") != std::string::npos) {
    text +=
        "daemonize: hint: the program's arguments go after --, as in `daemonize init --command "
        "/usr/bin/app -- --port 8080`\n";
  }
  return text + "daemonize: hint: `" + command + " --help` lists what it takes\n";
}

}  // namespace daemonize::cli
