// `daemonize start|stop|restart|reload FILE|NAME`: through the host's service manager, for a
// service deploy installed (its receipt says which manager and scope).
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/deploy/receipt.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "deploy_support.hpp"

namespace daemonize::cli {
namespace {

// Whether deploy installed `name` (a receipt in either scope).
bool has_receipt(SystemOps& ops, const std::string& name) {
  for (const auto scope : {Scope::system, Scope::user}) {
    if (ops.exists(deploy::receipt_path(name, scope, invoking_home()))) return true;
  }
  return false;
}

int run_control(const BackendRegistry& registry, const std::string& service, ControlAction action) {
  // start/restart clear the final state a detached watchdog left (gave up, ended, stopped).
  std::optional<ClearedFinalMarker> cleared;
  if (action == ControlAction::start || action == ControlAction::restart) {
    cleared = clear_detached_final_marker(service);
    if (cleared) {
      std::cout << cleared->name << ": cleared its final state ("
                << describe_final_marker(cleared->marker) << ")\n";
    }
  }
  // A live `run --detach` watchdog (cron target, or started by hand): no manager owns it.
  if (auto code = control_detached_watchdog(service, action, std::cout, std::cerr)) return *code;
  const auto host = make_host_system_ops();
  auto& ops = *host;
  // Started by hand with `run --detach` (no receipt): run it again the same way.
  if (cleared && !cleared->marker.manifest.empty() && !has_receipt(ops, cleared->name)) {
    return start_detached_watchdog(cleared->marker.manifest, cleared->pidfile);
  }
  InstalledService installed;
  if (int code = find_installed(ops, service, installed)) return code;
  auto installer = installer_for(registry, installed.receipt);
  if (!installer) {
    std::cerr << "daemonize: this build cannot control " << installed.receipt.target
              << " services\n";
    return exit_code::unavailable;
  }
  const auto step = installer->control_step(ops, action);
  const auto result = run_step(ops, step);
  if (!result.ok()) {
    std::cerr << "daemonize: " << step.description << " failed: " << result.output << '\n';
    const auto journal = installer->recent_log(ops, 10);
    if (!journal.empty()) std::cerr << journal;
    return exit_code::unavailable;
  }
  const auto status = installer->status(ops);
  std::cout << installer->service_id() << ": " << status.state;
  if (status.main_pid > 0) std::cout << ", main pid " << status.main_pid;
  std::cout << '\n';
  return exit_code::success;
}

}  // namespace

void add_control_commands(CLI::App& app, CliContext& context) {
  const std::pair<ControlAction, const char*> actions[] = {
      {ControlAction::start, "Start the service through the host's service manager"},
      {ControlAction::stop, "Stop the service through the host's service manager"},
      {ControlAction::restart, "Restart the service through the host's service manager"},
      {ControlAction::reload, "Send the service its reload signal through the service manager"},
  };
  for (const auto& [action, help] : actions) {
    auto service = std::make_shared<std::string>();
    auto* command = app.add_subcommand(to_string(action), help);
    command->add_option("service", *service, "The manifest or the service name")->required();
    command->callback([service, action = action, &context] {
      context.exit_code = run_control(context.registry, *service, action);
    });
  }
}

}  // namespace daemonize::cli
