// [hooks], [reload] command and stop.kill in the systemd renderer, in both supervisor modes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/systemd/backend.hpp"

namespace daemonize {
namespace {

Service load(const std::string& text) {
  auto loaded = load_manifest_text(text, "hooks.toml", TargetOs::linux);
  for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << format_diagnostic(diagnostic);
  if (!loaded.service) throw std::runtime_error("the manifest did not load");
  return *loaded.service;
}

RenderResult render(const Service& service) {
  RenderOptions options;
  options.daemonize_path = "/usr/bin/daemonize";
  return render_systemd(service, options);
}

std::string unit(const RenderResult& result) {
  for (const auto& artifact : result.artifacts) {
    if (artifact.file_name.ends_with(".service")) return artifact.content;
  }
  return "";
}

// The [Service] lines starting with `prefix`, in order.
std::vector<std::string> lines_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (line.starts_with(prefix)) found.push_back(line);
    start = end + 1;
  }
  return found;
}

const std::string kHooks = R"(
[service]
name = "web"
command = "/usr/sbin/web"
args = ["--config", "/etc/web.conf"]
supervisor = "%MODE%"

[restart]
multiplier = 1.0

[hooks]
pre_start = [["/usr/sbin/web", "-t"], { command = ["/bin/mkdir", "-p", "/run/web"], ignore_failure = true }]
post_start = [["/usr/bin/web-ready", "${PORT}"]]
stop = [{ command = ["/usr/sbin/web", "-s", "quit"], timeout = "20s" }]
post_stop = [["/bin/rm", "-f", "/run/web/sock"]]
reload = [["/usr/sbin/web", "-s", "reload"]]

[env]
PORT = "8080"
)";

std::string manifest(const std::string& mode, const std::string& extra = "") {
  auto text = kHooks;
  text.replace(text.find("%MODE%"), 6, mode);
  return text + extra;
}

TEST(SystemdHooks, NativeModeRendersExecLinesInOrderWithDashForIgnoreFailure) {
  const auto result = render(load(manifest("native")));
  const auto text = unit(result);
  EXPECT_EQ(lines_with(text, "ExecStartPre="),
            (std::vector<std::string>{"ExecStartPre=/usr/sbin/web -t",
                                      "ExecStartPre=-/bin/mkdir -p /run/web"}));
  EXPECT_EQ(lines_with(text, "ExecStartPost="),
            (std::vector<std::string>{"ExecStartPost=/usr/bin/web-ready ${PORT}"}));
  EXPECT_EQ(lines_with(text, "ExecStop="),
            (std::vector<std::string>{"ExecStop=/usr/sbin/web -s quit"}));
  EXPECT_EQ(lines_with(text, "ExecStopPost="),
            (std::vector<std::string>{"ExecStopPost=/bin/rm -f /run/web/sock"}));
  // The reload hook replaces the kill line.
  EXPECT_EQ(lines_with(text, "ExecReload="),
            (std::vector<std::string>{"ExecReload=/usr/sbin/web -s reload"}));
  EXPECT_TRUE(lines_with(text, "KillMode=").empty());
}

TEST(SystemdHooks, NativeModeWarnsThatAWrittenTimeoutHasNoPerCommandCounterpart) {
  const auto result = render(load(manifest("native")));
  std::vector<std::string> warnings;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key.starts_with("hooks."))
      warnings.push_back(diagnostic.key + ": " + diagnostic.message);
  }
  EXPECT_EQ(warnings,
            (std::vector<std::string>{
                "hooks.stop[0].timeout: systemd: systemd has no per-command timeout: in native "
                "mode ExecStop= is bounded by TimeoutStopSec= instead (stop.timeout)"}));
}

TEST(SystemdHooks, NativeReloadCommandIsExecReload) {
  const auto result = render(load(R"(
[service]
name = "web"
command = "/usr/sbin/web"
supervisor = "native"

[restart]
multiplier = 1.0

[reload]
command = ["/usr/sbin/web", "-s", "reload"]
)"));
  EXPECT_EQ(lines_with(unit(result), "ExecReload="),
            (std::vector<std::string>{"ExecReload=/usr/sbin/web -s reload"}));
}

// [hooks] reload and a written reload.signal: the check lines, then the signal (systemd runs
// them in order and stops at a failing one). Without a written signal, no kill line.
TEST(SystemdHooks, NativeReloadHooksThenTheWrittenSignal) {
  const std::string manifest = R"(
[service]
name = "sshd"
command = "/usr/sbin/sshd"
supervisor = "native"

[restart]
multiplier = 1.0

[hooks]
reload = [["/usr/sbin/sshd", "-t"]]
)";
  EXPECT_EQ(
      lines_with(unit(render(load(manifest + "[reload]\nsignal = \"HUP\"\n"))), "ExecReload="),
      (std::vector<std::string>{"ExecReload=/usr/sbin/sshd -t",
                                "ExecReload=/bin/kill -HUP $MAINPID"}));
  EXPECT_EQ(lines_with(unit(render(load(manifest))), "ExecReload="),
            (std::vector<std::string>{"ExecReload=/usr/sbin/sshd -t"}));
}

// stop.kill = "mixed", stop.timeout = "infinity", restart.prevent_exit_codes in both modes.
TEST(SystemdHooks, MixedKillInfiniteTimeoutAndPreventedExitCodes) {
  std::string manifest = R"(
[service]
name = "redis"
command = "/usr/bin/redis-server"
supervisor = "%MODE%"

[restart]
multiplier = 1.0
prevent_exit_codes = [255, 3]

[stop]
kill = "mixed"
timeout = "infinity"
)";
  const auto native = unit(render(load(std::string(manifest).replace(
      manifest.find("%MODE%"), std::string("%MODE%").size(), "native"))));
  EXPECT_EQ(lines_with(native, "KillMode="), (std::vector<std::string>{"KillMode=mixed"}));
  EXPECT_EQ(lines_with(native, "TimeoutStopSec="),
            (std::vector<std::string>{"TimeoutStopSec=infinity"}));
  EXPECT_EQ(lines_with(native, "RestartPreventExitStatus="),
            (std::vector<std::string>{"RestartPreventExitStatus=255 3"}));
  // The watchdog never kills, so systemd must not kill it; it applies prevent_exit_codes itself.
  const auto watched = unit(render(
      load(manifest.replace(manifest.find("%MODE%"), std::string("%MODE%").size(), "daemonize"))));
  EXPECT_EQ(lines_with(watched, "KillMode="), (std::vector<std::string>{"KillMode=mixed"}));
  EXPECT_EQ(lines_with(watched, "TimeoutStopSec="),
            (std::vector<std::string>{"TimeoutStopSec=infinity"}));
  EXPECT_TRUE(lines_with(watched, "RestartPreventExitStatus=").empty());
}

TEST(SystemdHooks, NativeHookProgramMustBeALiteralPath) {
  const auto result = render(load(R"(
[service]
name = "web"
command = "/usr/sbin/web"
supervisor = "native"

[hooks]
pre_start = [["${TOOLS}/check"]]

[env]
TOOLS = "/opt/tools"
)"));
  bool found = false;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.severity == Severity::error && diagnostic.key == "hooks.pre_start[0][0]") {
      found = true;
      EXPECT_EQ(diagnostic.message,
                "systemd: systemd does not expand variables in the executable path; in native "
                "mode 'hooks.pre_start[0][0]' must be a literal path");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(has_errors(result.diagnostics));
}

TEST(SystemdHooks, DaemonizeModeLeavesHooksToTheWatchdogAndWidensTheTimeouts) {
  const auto text = unit(render(load(manifest("daemonize"))));
  EXPECT_TRUE(lines_with(text, "ExecStartPre=").empty());
  EXPECT_TRUE(lines_with(text, "ExecStop=").empty());
  EXPECT_EQ(lines_with(text, "ExecReload="),
            (std::vector<std::string>{"ExecReload=/bin/kill -HUP $MAINPID"}));
  // stop 20s + post_stop 30s + stop.timeout 30s + 10s.
  EXPECT_EQ(lines_with(text, "TimeoutStopSec="), (std::vector<std::string>{"TimeoutStopSec=90s"}));
  // pre_start 2 × 30s + post_start 30s + 30s, not below systemd's 90s default.
  EXPECT_EQ(lines_with(text, "TimeoutStartSec="),
            (std::vector<std::string>{"TimeoutStartSec=2min"}));
  EXPECT_EQ(lines_with(text, "KillMode="), (std::vector<std::string>{"KillMode=mixed"}));
}

TEST(SystemdKill, MainIsKillModeProcessInBothModes) {
  const std::string kill_main = "\n[stop]\nkill = \"main\"\n";
  EXPECT_EQ(lines_with(unit(render(load(manifest("native", kill_main)))), "KillMode="),
            (std::vector<std::string>{"KillMode=process"}));
  EXPECT_EQ(lines_with(unit(render(load(manifest("daemonize", kill_main)))), "KillMode="),
            (std::vector<std::string>{"KillMode=process"}));
  const std::string kill_all = "\n[stop]\nkill = \"all\"\n";
  EXPECT_TRUE(lines_with(unit(render(load(manifest("native", kill_all)))), "KillMode=").empty());
}

}  // namespace
}  // namespace daemonize
