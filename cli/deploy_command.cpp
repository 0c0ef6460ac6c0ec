// `daemonize deploy FILE [--target auto|T] [--dry-run] [--output-dir DIR] [--root DIR]
//  [--no-start] [--no-wait] [--json] [--quiet]`: render for this host, show the plan and the
//  diff, apply.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "deploy_support.hpp"
#include "host_facts.hpp"
#include "terminal.hpp"

namespace daemonize::cli {
namespace {

struct DeployCommandOptions {
  DeployTargetOptions target;
  bool dry_run = false;
  std::string output_directory;
  bool no_start = false;
  bool no_wait = false;
  bool json = false;
  bool quiet = false;
  unsigned wait_seconds = 120;
};

bool mentions_permission(const std::vector<std::string>& errors) {
  return std::any_of(errors.begin(), errors.end(), [](const std::string& error) {
    return error.find("Permission denied") != std::string::npos ||
           error.find("Operation not permitted") != std::string::npos;
  });
}

// A refusal for lack of rights, by an unprivileged user who did not ask for --root: say how on.
void hint_when_not_root(int exit_code, bool permission_error, const DeployCommandOptions& options) {
  if (!options.target.root.empty() || running_privileged()) return;
  if (exit_code != exit_code::no_permission && !permission_error) return;
  std::cerr << "daemonize: hint: rerun with sudo, or use --root DIR (install under DIR) or "
               "--output-dir DIR (only write the files for review)\n";
}

int run_deploy(const DeployCommandOptions& options, const BackendRegistry& registry,
               std::ostream& out) {
  PreparedDeploy prepared;
  if (!options.output_directory.empty()) {
    // The review workflow: no service manager needed, nothing but DIR is written.
    if (int code = prepare_deploy(registry, options.target, false, false, prepared)) return code;
    const auto host = make_host_system_ops();
    return deploy::write_review_bundle(prepared.input, options.output_directory, *host, out,
                                       std::cerr)
        .exit_code;
  }
  const bool root_mode = !options.target.root.empty();
  if (int code = prepare_deploy(registry, options.target, true, true, prepared)) return code;

  deploy::DeploySettings settings;
  settings.root_mode = root_mode;
  settings.start = !options.no_start;
  settings.wait = !options.no_wait;
  settings.wait_timeout = std::chrono::seconds(options.wait_seconds);
  auto plan = deploy::make_plan(prepared.input, *prepared.ops, prepared.installer.get(), settings);

  if (options.json && options.dry_run) {
    std::cout << deploy::plan_to_json(plan) << '\n';
    return plan.errors.empty() ? exit_code::success : exit_code::config_error;
  }
  const bool permission_error = mentions_permission(plan.errors);
  if (plan.up_to_date()) {
    if (options.dry_run) out << plan.service << ": up to date\n";
  } else if (!options.json) {
    deploy::print_plan(plan, out);
    out << '\n';
  }
  if (options.dry_run) {
    for (const auto& error : plan.errors) std::cerr << "daemonize: " << error << '\n';
    for (const auto& warning : plan.warnings)
      std::cerr << "daemonize: warning: " << warning << '\n';
    hint_when_not_root(exit_code::success, permission_error, options);
    return plan.errors.empty() ? exit_code::success : exit_code::config_error;
  }
  if (options.json) {
    // Progress goes to stderr so stdout holds one JSON document.
    const auto outcome = deploy::apply_plan(plan, *prepared.ops, prepared.installer.get(), settings,
                                            std::cerr, std::cerr);
    auto document = deploy::plan_to_json(plan);
    document.pop_back();
    std::cout << document << ",\"outcome\":\"" << outcome.status
              << "\",\"exit_code\":" << outcome.exit_code << "}\n";
    hint_when_not_root(outcome.exit_code, permission_error, options);
    return outcome.exit_code;
  }
  const auto outcome =
      deploy::apply_plan(plan, *prepared.ops, prepared.installer.get(), settings, out, std::cerr);
  hint_when_not_root(outcome.exit_code, permission_error, options);
  return outcome.exit_code;
}

int run_deploy_command(DeployCommandOptions options, const BackendRegistry& registry) {
  options.target.quiet = options.quiet;
  if (options.quiet) {
    NullOutput nothing;
    return run_deploy(options, registry, nothing.stream());
  }
  StepOutput out(std::cout, colour_allowed_for_stdout());
  return run_deploy(options, registry, out.stream());
}

}  // namespace

void add_deploy_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<DeployCommandOptions>();
  auto* command = app.add_subcommand(
      "deploy", "Install the service on this host: plan, diff, atomic apply, wait, roll back");
  command->add_option("file", options->target.file, "The manifest (service.toml)")->required();
  command->add_option("--target,-t", options->target.target, "auto (this host's), systemd, launchd")
      ->capture_default_str();
  command->add_flag("--dry-run", options->dry_run, "Print the plan and the diff, change nothing");
  command->add_option("--output-dir", options->output_directory,
                      "Only write the rendered files and INSTALL.md into DIR, for review");
  command->add_option("--root", options->target.root,
                      "Install under DIR as if it were / and run no service-manager command");
  command->add_flag("--no-start", options->no_start, "Install and enable, but do not start");
  command->add_flag("--no-wait", options->no_wait, "Do not wait until the service is ready");
  auto* json = command->add_flag("--json", options->json, "Print the plan and the outcome as JSON");
  command->add_flag("--quiet,-q", options->quiet, "Print only errors and warnings (on stderr)")
      ->excludes(json);
  command->add_option("--daemonize-path", options->target.daemonize_path,
                      "Where to install the daemonize binary units execute");
  command
      ->add_option("--wait-timeout", options->wait_seconds,
                   "Seconds to wait for the service to become ready")
      ->capture_default_str();
  command->callback(
      [options, &context] { context.exit_code = run_deploy_command(*options, context.registry); });
}

}  // namespace daemonize::cli
