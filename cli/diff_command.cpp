// `daemonize diff FILE [--target T] [--root DIR] [--json]`: unified diff of what deploy would
// install against what is installed; exit 0 when equal, 1 when they differ.
#include <boost/json.hpp>
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "deploy_support.hpp"

namespace daemonize::cli {
namespace {

struct DiffOptions {
  DeployTargetOptions target;
  bool json = false;
};

int run_diff(const DiffOptions& diff_options, const BackendRegistry& registry) {
  const auto& options = diff_options.target;
  PreparedDeploy prepared;
  if (int code = prepare_deploy(registry, options, false, true, prepared)) return code;
  deploy::DeploySettings settings;
  settings.root_mode = true;  // files only: no service-manager query
  const auto plan = deploy::make_plan(prepared.input, *prepared.ops, nullptr, settings);
  for (const auto& error : plan.errors) std::cerr << "daemonize: " << error << '\n';
  // What the manager keeps outside files (the crontab, the SCM registration); not under --root.
  std::string manager_diff;
  if (prepared.installer) {
    try {
      manager_diff = prepared.installer->managed_definition_diff(*prepared.ops);
    } catch (const SystemError& error) {
      std::cerr << "daemonize: warning: " << error.what() << '\n';
    }
  }
  const bool differs = plan.differs() || !manager_diff.empty();
  if (diff_options.json) {
    // The plan's document (files with their status, the unified diff) plus the verdict.
    auto document = deploy::plan_to_json(plan);
    document.pop_back();
    std::cout << document
              << ",\"manager_diff\":" << boost::json::serialize(boost::json::value(manager_diff))
              << ",\"differs\":" << (differs ? "true" : "false") << "}\n";
  } else {
    std::cout << deploy::plan_diff(plan) << manager_diff;
  }
  return differs ? exit_code::differs : exit_code::success;
}

}  // namespace

void add_diff_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<DiffOptions>();
  auto* command =
      app.add_subcommand("diff", "Show what deploy would change (exit 0: same, 1: differs)");
  command->add_option("file", options->target.file, "The manifest (service.toml)")->required();
  command->add_option("--target,-t", options->target.target, "auto (this host's), systemd, launchd")
      ->capture_default_str();
  command->add_option("--root", options->target.root, "Compare with an install under DIR");
  command->add_option("--daemonize-path", options->target.daemonize_path,
                      "Where deploy installs the daemonize binary");
  command->add_flag("--json", options->json,
                    "Print the files, their status and the diff as JSON, plus \"differs\"");
  command->callback(
      [options, &context] { context.exit_code = run_diff(*options, context.registry); });
}

}  // namespace daemonize::cli
