#include <sstream>

#include "daemonize/core/paths.hpp"
#include "daemonize/core/schedule.hpp"
#include "daemonize/core/units.hpp"
#include "daemonize/cron/backend.hpp"

namespace daemonize::cron {
namespace {

constexpr std::string_view home_prefix = "$HOME/";

std::string daemonize_path(const Service& service, const RenderOptions& options) {
  if (!options.daemonize_path.empty()) return options.daemonize_path;
  // Without root there is no /usr/local/bin to install into.
  return service.scope == Scope::user ? "$HOME/.local/bin/daemonize" : "/usr/local/bin/daemonize";
}

std::string manifest_path(const Service& service, const RenderOptions& options) {
  if (!options.installed_manifest_path.empty()) return options.installed_manifest_path;
  return service.scope == Scope::user ? "$HOME/.config/daemonize/" + service.name + ".toml"
                                      : "/etc/daemonize/" + service.name + ".toml";
}

// Single-quotes for sh; '%' is cron's newline marker and must be written "\%" even inside quotes.
std::string quote_plain(std::string_view word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else if (c == '%') {
      quoted += "'\\%'";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

// [schedule]: the expression itself runs the watchdog in the foreground, which applies [logs],
// [stop] and the overlap lock (a run due while the last one runs is skipped or waits).
RenderResult render_schedule_block(const Service& service, const RenderOptions& options,
                                   RenderResult& result) {
  const auto& schedule = *service.schedule;
  auto diagnose = [&](Severity severity, std::string key, const std::string& message) {
    result.diagnostics.push_back({severity, "", 0, 0, std::move(key), "cron: " + message});
  };
  std::string expression = schedule.cron;
  if (expression.empty()) {
    const auto every = cron_for_interval(schedule.every);
    if (!every) {
      diagnose(Severity::error, "schedule.every",
               "every = \"" + format_duration(schedule.every) +
                   "\" is not expressible: a crontab line repeats at minutes that divide an hour "
                   "(1m to 30m), hours that divide a day (1h to 12h) or daily (1d); use one of "
                   "those or 'schedule.cron'");
      return std::move(result);
    }
    expression = *every;
  }
  if (schedule.randomized_delay.count() > 0) {
    diagnose(Severity::warning, "schedule.randomized_delay",
             "'schedule.randomized_delay' is not applied (cron starts each run on the minute)");
  }
  if (schedule.persistent) {
    diagnose(Severity::warning, "schedule.persistent",
             "'schedule.persistent' is not applied (cron does not run what it missed while the "
             "machine was off)");
  }
  if (schedule.overlap == ScheduleOverlap::allow) {
    diagnose(Severity::warning, "schedule.overlap",
             "overlap = \"allow\" is not expressible: the watchdog runs one run of a service at "
             "a time, so a run due while the last one runs is skipped (overlap = \"skip\")");
  }
  // stdout carries "skipped: ..." when a run overlaps: discard it so cron mails only errors.
  const std::string command = quote_for_crontab(daemonize_path(service, options)) + " run " +
                              quote_for_crontab(manifest_path(service, options)) + " >/dev/null";
  std::ostringstream block;
  block << begin_marker(service.name) << '\n'
        << expression << ' ' << command << '\n'
        << end_marker(service.name) << '\n';
  Artifact artifact;
  artifact.file_name = service.name + ".crontab";
  artifact.install_path = "";
  artifact.content = block.str();
  artifact.mode = 0600;
  result.artifacts.push_back(std::move(artifact));
  return std::move(result);
}

class CronBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "cron"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::linux; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    return command_os_mismatch(service, TargetOs::linux);
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return render_cron_block(service, options);
  }
};

}  // namespace

std::string begin_marker(const std::string& service_name) {
  return "# BEGIN daemonize " + service_name +
         " (managed by `daemonize deploy --target cron`; edits are replaced)";
}

std::string end_marker(const std::string& service_name) {
  return "# END daemonize " + service_name;
}

std::string quote_for_crontab(std::string_view word) {
  if (word.substr(0, home_prefix.size()) == home_prefix) {
    return "\"$HOME\"/" + quote_plain(word.substr(home_prefix.size()));
  }
  return quote_plain(word);
}

RenderResult render_cron_block(const Service& service, const RenderOptions& options) {
  RenderResult result;
  auto warn = [&](std::string key, std::string message) {
    result.diagnostics.push_back({Severity::warning, "", 0, 0, std::move(key), std::move(message)});
  };
  for (char c : service.name) {
    if (c == '\n' || c == '\r') return result;  // the loader's name pattern already forbids this
  }
  if (service.supervisor == SupervisorMode::native) {
    warn("service.supervisor",
         "cron: supervisor = \"native\" is not expressible (cron does not supervise); the crontab "
         "runs the "
         "daemonize watchdog, which applies [restart], [stop] and [logs]");
  }
  for (const auto& key : service.sandbox.keys_set()) {
    warn(key, "cron: '" + key + "' is not enforced (cron starts the watchdog without a sandbox)");
  }
  if (!service.aliases.empty()) {
    warn("service.aliases", "cron: a crontab entry has one name; 'service.aliases' is ignored");
  }
  if (!service.dependencies.empty()) {
    warn("dependencies",
         "cron: dependencies are not expressible; @reboot starts the service without ordering");
  }
  if (service.limits.memory || service.limits.cpu) {
    warn("limits",
         "cron: limits.memory and limits.cpu are not enforced (no cgroup); nofile/nproc are set by "
         "the watchdog");
  }

  if (service.schedule) return render_schedule_block(service, options, result);
  const std::string command = quote_for_crontab(daemonize_path(service, options)) + " run " +
                              quote_for_crontab(manifest_path(service, options)) + " --detach";
  // stdout carries "already running (pid N)" every minute: discard it so cron mails only errors.
  const std::string line_tail = command + " >/dev/null";
  std::ostringstream block;
  block << begin_marker(service.name) << '\n';
  if (!service.documentation.empty()) {
    block << "# Documentation:";
    for (const auto& url : service.documentation) block << ' ' << url;
    block << '\n';
  }
  block << "@reboot " << line_tail << '\n'
        << "* * * * * " << line_tail << '\n'
        << end_marker(service.name) << '\n';

  Artifact artifact;
  artifact.file_name = service.name + ".crontab";
  artifact.install_path = "";  // merged into the user's crontab by deploy, not written as a file
  artifact.content = block.str();
  artifact.mode = 0600;
  result.artifacts.push_back(std::move(artifact));
  return result;
}

std::string merge_block(const std::string& crontab, const std::string& service_name,
                        const std::string& block) {
  const std::string begin = begin_marker(service_name);
  const std::string end = end_marker(service_name);
  std::istringstream lines(crontab);
  std::string line;
  std::string merged;
  bool inside = false;
  bool replaced = false;
  while (std::getline(lines, line)) {
    // Compare the marker prefix only, so a changed marker text still finds old blocks.
    if (!inside && line.rfind("# BEGIN daemonize " + service_name + " ", 0) == 0) {
      inside = true;
      if (!replaced) merged += block;
      replaced = true;
      continue;
    }
    if (inside) {
      if (line == end) inside = false;
      continue;
    }
    merged += line + '\n';
  }
  if (!replaced && !block.empty()) {
    if (!merged.empty() && merged.back() != '\n') merged += '\n';
    merged += block;
  }
  return merged;
}

}  // namespace daemonize::cron

namespace daemonize {
std::unique_ptr<Backend> make_cron_backend() { return std::make_unique<cron::CronBackend>(); }
}  // namespace daemonize
