// The `daemonize` command: parses the command line and runs one subcommand.
#include <exception>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/run.hpp"
#include "host_facts.hpp"
#include "usage_errors.hpp"

int main(int argc, char** argv) {
  using namespace daemonize;
  // `run`: a stop during start-up stays pending until the watchdog handles it (posix_run.cpp).
  hold_stop_signals();
  if (argc < 2 || std::string_view(argv[1]) != "run") release_stop_signals();
  cli::CliContext context;
  CLI::App app{"daemonize: one manifest, a well-behaved service on every platform", "daemonize"};
  app.require_subcommand(1);
  app.failure_message(cli::usage_failure_message);
  // The watchdog (one per service, for as long as the service runs) builds only its own
  // command: no renderers and no other commands' options in its memory or its start-up time.
  // Parses argv[0..count) and runs the chosen command (its callback).
  const auto parse_and_run = [&](int count) {
    try {
      app.parse(count, argv);
    } catch (const CLI::ParseError& error) {
      const int code = app.exit(error);
      return code == 0 ? 0 : exit_code::usage;
    } catch (const std::exception& error) {
      std::cerr << "daemonize: internal error: " << error.what() << '\n';
      return exit_code::software;
    }
    return context.exit_code;
  };
  if (argc >= 2 && std::string_view(argv[1]) == "run") {
    cli::add_run_command(app, context);
    return parse_and_run(argc);
  }
  cli::register_backends(context.registry);
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
  cli::add_edit_command(app, context);
  cli::add_import_command(app, context);

  // CLI11 would only say "A subcommand is required" for a misspelt one.
  if (argc >= 2) {
    if (auto message = cli::unknown_command_message(app, argv[1])) {
      std::cerr << *message;
      return exit_code::usage;
    }
  }
  // `init … -- ARGS`: what follows `--` is the program's arguments; CLI11 would end a repeated
  // option's values there and go on parsing flags.
  int parsed = argc;
  if (argc >= 2 && std::string_view(argv[1]) == "init") {
    for (int i = 2; i < argc; ++i) {
      if (std::string_view(argv[i]) != "--") continue;
      context.program_args.assign(argv + i + 1, argv + argc);
      parsed = i;
      break;
    }
  }
  return parse_and_run(parsed);
}
