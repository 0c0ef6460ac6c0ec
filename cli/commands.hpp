// Wiring of the `daemonize` subcommands. Each add_*_command() lives in its own *_command.cpp
// and stores its exit code in CliContext::exit_code when it runs.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"

namespace daemonize::cli {

struct CliContext {
  BackendRegistry registry;
  int exit_code = 0;
  std::vector<std::string> program_args;  // `init … -- ARGS`: the ARGS, never parsed as flags
};

// Generated from the backends that registered themselves (cli/registered_backends.cpp.in).
void register_backends(BackendRegistry& registry);

// "daemonize X.Y.Z" and the compiled-in backends, for --version.
std::string version_text(const BackendRegistry& registry);

void add_validate_command(CLI::App& app, CliContext& context);
void add_render_command(CLI::App& app, CliContext& context);
void add_deploy_command(CLI::App& app, CliContext& context);
void add_diff_command(CLI::App& app, CliContext& context);
void add_remove_command(CLI::App& app, CliContext& context);
void add_control_commands(CLI::App& app, CliContext& context);  // start, stop, restart, reload
void add_run_command(CLI::App& app, CliContext& context);
void add_status_command(CLI::App& app, CliContext& context);
void add_init_command(CLI::App& app, CliContext& context);
void add_list_command(CLI::App& app, CliContext& context);
void add_logs_command(CLI::App& app, CliContext& context);
void add_edit_command(CLI::App& app, CliContext& context);
void add_import_command(CLI::App& app, CliContext& context);

}  // namespace daemonize::cli
