// deploy, diff, remove, start/stop/restart/reload on Windows: the deploy library (plans,
// receipts, atomic apply) has no Windows SystemOps yet, so these commands exist with their
// POSIX options and say so (exit 69). Until then the rendered install-<name>.cmd (windows-service)
// or the Task Scheduler XML (windows-task) installs the service: docs/targets/windows-runtime.md.
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"

namespace daemonize::cli {
namespace {

int not_supported(const std::string& command) {
  std::cerr << "daemonize: " << command
            << " is not supported on Windows yet; render the files with `daemonize render FILE "
               "--target windows-service -o DIR` and run DIR\\windows-service\\install-<name>.cmd "
               "as an administrator\n";
  return exit_code::unavailable;
}

struct Arguments {
  std::string file;
  std::string target;
  std::string root;
  std::string output_directory;
  std::string daemonize_path;
  unsigned wait_seconds = 0;
  bool flag = false;
};

// The options the POSIX commands accept, so a script gets "not supported" rather than a usage
// error.
void add_target_options(CLI::App& command, Arguments& arguments) {
  command.add_option("--target,-t", arguments.target, "auto (this host's) or a target name");
  command.add_option("--root", arguments.root, "Install under DIR as if it were /");
  command.add_option("--daemonize-path", arguments.daemonize_path,
                     "Where to install the daemonize binary");
}

}  // namespace

void add_deploy_command(CLI::App& app, CliContext& context) {
  auto arguments = std::make_shared<Arguments>();
  auto* command =
      app.add_subcommand("deploy", "Install the service on this host (not on Windows yet)");
  command->add_option("file", arguments->file, "The manifest (service.toml)")->required();
  add_target_options(*command, *arguments);
  command->add_option("--output-dir", arguments->output_directory,
                      "Only write the rendered files into DIR");
  command->add_option("--wait-timeout", arguments->wait_seconds, "Seconds to wait");
  for (const char* flag : {"--dry-run", "--no-start", "--no-wait", "--json"}) {
    command->add_flag(flag, arguments->flag);
  }
  command->callback([arguments, &context] { context.exit_code = not_supported("deploy"); });
}

void add_diff_command(CLI::App& app, CliContext& context) {
  auto arguments = std::make_shared<Arguments>();
  auto* command = app.add_subcommand("diff", "Show what deploy would change (not on Windows yet)");
  command->add_option("file", arguments->file, "The manifest (service.toml)")->required();
  add_target_options(*command, *arguments);
  command->callback([arguments, &context] { context.exit_code = not_supported("diff"); });
}

void add_remove_command(CLI::App& app, CliContext& context) {
  auto arguments = std::make_shared<Arguments>();
  auto* command = app.add_subcommand(
      "remove", "Stop the service and delete what deploy installed (not on Windows yet)");
  command->add_option("service", arguments->file, "The manifest or the service name")->required();
  command->add_option("--root", arguments->root, "Remove an install made with deploy --root DIR");
  for (const char* flag : {"--purge", "--dry-run"}) command->add_flag(flag, arguments->flag);
  command->callback([arguments, &context] { context.exit_code = not_supported("remove"); });
}

void add_control_commands(CLI::App& app, CliContext& context) {
  for (const std::string action : {"start", "stop", "restart", "reload"}) {
    auto service = std::make_shared<std::string>();
    auto* command = app.add_subcommand(
        action, action + " the service through the service manager (not on Windows yet: sc.exe)");
    command->add_option("service", *service, "The manifest or the service name")->required();
    command->callback([service, action, &context] { context.exit_code = not_supported(action); });
  }
}

}  // namespace daemonize::cli
