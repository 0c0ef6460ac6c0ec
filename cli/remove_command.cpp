// `daemonize remove FILE|NAME [--purge] [--dry-run] [--root DIR] [--quiet]`: stop, disable and
// delete exactly what the install receipt lists.
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "deploy_support.hpp"
#include "host_facts.hpp"
#include "terminal.hpp"

namespace daemonize::cli {
namespace {

struct RemoveOptions {
  std::string service;
  bool purge = false;
  bool dry_run = false;
  std::string root;
  bool quiet = false;
};

int run_remove(const RemoveOptions& options, const BackendRegistry& registry, std::ostream& out) {
  const auto host = make_host_system_ops(options.root);
  auto& ops = *host;
  InstalledService installed;
  if (int code = find_installed(ops, options.service, installed)) return code;
  std::unique_ptr<Installer> installer;
  if (options.root.empty()) installer = installer_for(registry, installed.receipt);
  const int code =
      deploy::remove_installed(installed.receipt, installed.receipt_file, ops, installer.get(),
                               options.purge, options.dry_run, out, std::cerr)
          .exit_code;
  if (code == exit_code::no_permission && options.root.empty() && !running_privileged()) {
    std::cerr << "daemonize: hint: rerun with sudo\n";
  }
  return code;
}

int run_remove_command(const RemoveOptions& options, const BackendRegistry& registry) {
  if (options.quiet) {
    NullOutput nothing;
    return run_remove(options, registry, nothing.stream());
  }
  StepOutput out(std::cout, colour_allowed_for_stdout());
  return run_remove(options, registry, out.stream());
}

}  // namespace

void add_remove_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<RemoveOptions>();
  auto* command = app.add_subcommand("remove", "Stop the service and delete what deploy installed");
  command->add_option("service", options->service, "The manifest or the service name")->required();
  command->add_flag("--purge", options->purge,
                    "Also delete logs, runtime state and the accounts deploy created");
  command->add_flag("--dry-run", options->dry_run, "Print what would be removed");
  command->add_option("--root", options->root, "Remove an install made with deploy --root DIR");
  command->add_flag("--quiet,-q", options->quiet, "Print only errors and warnings (on stderr)");
  command->callback(
      [options, &context] { context.exit_code = run_remove_command(*options, context.registry); });
}

}  // namespace daemonize::cli
