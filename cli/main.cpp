// The `daemonize` command: parses the command line and runs one subcommand.
#include <exception>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/run.hpp"
#include "host_facts.hpp"

int main(int argc, char** argv) {
  using namespace daemonize;
  // `run`: a stop during start-up stays pending until the watchdog handles it (posix_run.cpp).
  hold_stop_signals();
  if (argc < 2 || std::string_view(argv[1]) != "run") release_stop_signals();
  cli::CliContext context;
  cli::register_backends(context.registry);

  CLI::App app{"daemonize: one manifest, a well-behaved service on every platform", "daemonize"};
  app.require_subcommand(1);
  app.set_version_flag("--version", cli::version_text(context.registry));
  cli::add_validate_command(app, context);
  cli::add_render_command(app, context);
  cli::add_deploy_command(app, context);
  cli::add_diff_command(app, context);
  cli::add_remove_command(app, context);
  cli::add_control_commands(app, context);
  cli::add_run_command(app, context);
  cli::add_status_command(app, context);
  cli::add_init_command(app, context);
  cli::add_list_command(app, context);
  cli::add_logs_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : exit_code::usage;
  } catch (const std::exception& error) {
    std::cerr << "daemonize: internal error: " << error.what() << '\n';
    return exit_code::software;
  }
  return context.exit_code;
}
