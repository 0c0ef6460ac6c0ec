// Command-line usage errors (exit 2) in the daemonize voice: every line starts with
// "daemonize: ", a misspelt command gets a suggestion, and the hint names the right --help.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace daemonize::cli {

// For `word` in the command's place (the first argument) that names no subcommand of `app`:
// "daemonize: unknown command 'deploi'; did you mean 'deploy'?" and a hint line; nullopt for a
// subcommand or an option.
std::optional<std::string> unknown_command_message(const CLI::App& app, std::string_view word);

// What `app.exit(error)` prints for a parse error of `app` (CLI11's failure_message): the error
// as "daemonize: …" and a hint naming `daemonize [COMMAND] --help` for the command it concerns.
std::string usage_failure_message(const CLI::App* app, const CLI::Error& error);

}  // namespace daemonize::cli
