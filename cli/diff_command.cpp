// `daemonize diff FILE [--target T] [--root DIR]`: unified diff of what deploy would install
// against what is installed; exit 0 when equal, 1 when they differ.
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "deploy_support.hpp"

namespace daemonize::cli {
namespace {

int run_diff(const DeployTargetOptions& options, const BackendRegistry& registry) {
  PreparedDeploy prepared;
  if (int code = prepare_deploy(registry, options, false, true, prepared)) return code;
  deploy::DeploySettings settings;
  settings.root_mode = true;  // files only: no service-manager query
  const auto plan = deploy::make_plan(prepared.input, *prepared.ops, nullptr, settings);
  for (const auto& error : plan.errors) std::cerr << "daemonize: " << error << '\n';
  std::cout << deploy::plan_diff(plan);
  return plan.differs() ? exit_code::differs : exit_code::success;
}

}  // namespace

void add_diff_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<DeployTargetOptions>();
  auto* command =
      app.add_subcommand("diff", "Show what deploy would change (exit 0: same, 1: differs)");
  command->add_option("file", options->file, "The manifest (service.toml)")->required();
  command->add_option("--target,-t", options->target, "auto (this host's), systemd, launchd")
      ->capture_default_str();
  command->add_option("--root", options->root, "Compare with an install under DIR");
  command->add_option("--daemonize-path", options->daemonize_path,
                      "Where deploy installs the daemonize binary");
  command->callback(
      [options, &context] { context.exit_code = run_diff(*options, context.registry); });
}

}  // namespace daemonize::cli
