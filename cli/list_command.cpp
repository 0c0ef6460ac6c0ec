// `daemonize list [--json]`: every service this host runs through daemonize, one line each
// (service_overview.cpp), like `pm2 ls` and `systemctl list-units`.
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "service_overview.hpp"

namespace daemonize::cli {
namespace {

struct ListOptions {
  bool json = false;
};

int run_list(const ListOptions& options, const BackendRegistry& registry) {
  const auto rows = collect_services(registry);
  if (options.json) {
    std::cout << services_to_json(rows) << '\n';
  } else if (rows.empty()) {
    std::cout << "no services run through daemonize on this host\n";
  } else {
    std::cout << format_service_table(rows);
  }
  return exit_code::success;
}

}  // namespace

void add_list_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ListOptions>();
  auto* command = app.add_subcommand(
      "list", "List the services of this host: deployed, detached watchdogs, the user's");
  command->add_flag("--json", options->json, "Print a JSON array, one object per service");
  command->callback(
      [options, &context] { context.exit_code = run_list(*options, context.registry); });
}

}  // namespace daemonize::cli
