// `daemonize run FILE [--detach] [--pidfile PATH]`: the watchdog (watchdog/).
#include <iostream>
#include <memory>
#include <utility>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/run.hpp"

namespace daemonize::cli {
namespace {

struct RunCommandOptions {
  std::string file;
  bool detach = false;
  std::string pidfile;
  bool service = false;
};

int run_run(const RunCommandOptions& options) {
  if (options.service && host_os() != TargetOs::windows) {
    std::cerr << "daemonize: run --service is only available on Windows (SCM service host)\n";
    return exit_code::usage;
  }
  // --detach: the default pidfile, and an absolute manifest path (the daemon runs in /).
  const auto process = plan_run_process(options.file, options.pidfile, options.detach);
  if (options.detach || !options.pidfile.empty()) {
    std::string error;
    if (const int code =
            prepare_process(process.pidfile, options.detach, process.manifest_path, error);
        code != 0) {
      std::cerr << "daemonize: " << error << '\n';
      return code;
    }
  }
  const int code = run_watchdog(RunOptions{process.manifest_path, options.service, options.detach});
  if (options.detach) report_detached_exit(code);
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<RunCommandOptions>();
  auto* command = app.add_subcommand(
      "run", "Supervise the service: start, restart with backoff, stop the whole process tree");
  command->add_option("file", options->file, "The manifest (service.toml)")->required();
  command->add_flag("--detach", options->detach,
                    "Run in the background (hosts without a service manager)");
  command->add_option("--pidfile", options->pidfile, "Write and lock a pidfile");
  command->add_flag("--service", options->service, "Windows only: run as an SCM service host");
  command->callback([options, &context] { context.exit_code = run_run(*options); });

  // Hidden (no group): the Windows watchdog runs its own executable this way to deliver Ctrl+C
  // to a program's console (docs/targets/windows-runtime.md).
  auto helper = std::make_shared<std::pair<unsigned, bool>>(0, false);
  auto* internal = app.add_subcommand("internal-ctrl-c", "")->group("");
  internal->add_option("pid", helper->first)->required();
  internal->add_flag("--break", helper->second);
  internal->callback([helper, &context] {
    context.exit_code = run_console_ctrl_helper(helper->first, helper->second);
  });
}

}  // namespace daemonize::cli
