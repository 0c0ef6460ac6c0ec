// [hooks], [reload] command and stop.kill in the Windows renderers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize {
namespace {

using windows::render_windows_service;
using windows::render_windows_task;

Service load(const std::string& text) {
  auto loaded = load_manifest_text(text, "hooks.toml", TargetOs::windows);
  for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << format_diagnostic(diagnostic);
  if (!loaded.service) throw std::runtime_error("the manifest did not load");
  return *loaded.service;
}

std::vector<std::string> keyed(const RenderResult& result, Severity severity) {
  std::vector<std::string> found;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.severity == severity &&
        (diagnostic.key.starts_with("hooks") || diagnostic.key.starts_with("reload") ||
         diagnostic.key.starts_with("stop")))
      found.push_back(diagnostic.key + ": " + diagnostic.message);
  }
  return found;
}

std::string manifest(const std::string& mode) {
  return R"(
[service]
name = "web"
command = 'C:\web\web.exe'
supervisor = ")" +
         mode + R"("

[hooks]
pre_start = [['C:\web\check.exe']]
reload = [['C:\web\web.exe', 'reload']]

[stop]
kill = "main"
)";
}

TEST(WindowsHooks, ServiceRunsThemInTheWatchdogAndWarnsAboutKillMain) {
  const auto result = render_windows_service(load(manifest("daemonize")), {});
  EXPECT_TRUE(keyed(result, Severity::error).empty());
  EXPECT_EQ(keyed(result, Severity::warning),
            (std::vector<std::string>{
                "stop.kill: stop.kill = \"main\" is not kept apart on Windows: "
                "the stop reaches the program's whole Job Object, as for \"group\""}));
}

TEST(WindowsHooks, ATaskHasNoWayToReachTheWatchdogForAReload) {
  const auto result = render_windows_task(load(manifest("daemonize")), {});
  EXPECT_TRUE(keyed(result, Severity::error).empty());
  EXPECT_EQ(keyed(result, Severity::warning),
            (std::vector<std::string>{
                "stop.kill: stop.kill = \"main\" is not kept apart on Windows: "
                "the stop reaches the program's whole Job Object, as for \"group\"",
                "hooks.reload: hooks.reload never runs for a task: Task Scheduler has no control "
                "that reaches the watchdog, `daemonize reload` restarts the task (a "
                "windows-service has one)"}));
}

TEST(WindowsHooks, NativeTaskRefusesHooksLikeLaunchd) {
  const auto result = render_windows_task(load(manifest("native")), {});
  EXPECT_EQ(keyed(result, Severity::error),
            (std::vector<std::string>{
                "hooks.pre_start: a task runs one program and has no hooks: "
                "'hooks.pre_start' needs supervisor = \"daemonize\" (the watchdog runs them)",
                "hooks.reload: a task runs one program and has no hooks: "
                "'hooks.reload' needs supervisor = \"daemonize\" (the watchdog runs them)"}));
}

TEST(WindowsHooks, AHookProgramMustBeAWindowsPath) {
  auto service = load(manifest("daemonize"));
  service.hooks.pre_start.front().argv.front() = "/usr/bin/check";
  const auto result = render_windows_service(service, {});
  EXPECT_EQ(keyed(result, Severity::error),
            (std::vector<std::string>{
                "hooks.pre_start[0][0]: 'hooks.pre_start[0][0]' must be an "
                "absolute Windows path (like C:\\dir\\app.exe) without \" < > | ? *, got "
                "'/usr/bin/check'; set it in [os.windows]"}));
}

}  // namespace
}  // namespace daemonize
