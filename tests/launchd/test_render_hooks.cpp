// [hooks], [reload] command and stop.kill in the launchd renderer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/launchd/backend.hpp"

namespace daemonize {
namespace {

using launchd::render_launchd_plist;

Service load(const std::string& text) {
  auto loaded = load_manifest_text(text, "hooks.toml", TargetOs::macos);
  for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << format_diagnostic(diagnostic);
  if (!loaded.service) throw std::runtime_error("the manifest did not load");
  return *loaded.service;
}

std::vector<std::string> errors(const RenderResult& result) {
  std::vector<std::string> found;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.severity == Severity::error)
      found.push_back(diagnostic.key + ": " + diagnostic.message);
  }
  return found;
}

const std::string kManifest = R"(
[service]
name = "web"
command = "/usr/local/bin/web"
supervisor = "%MODE%"

[hooks]
pre_start = [["/usr/local/bin/web", "-t"]]
post_stop = [["/bin/rm", "-f", "/tmp/web.sock"]]

[reload]
command = ["/usr/local/bin/web", "-s", "reload"]

[stop]
kill = "main"
)";

std::string manifest(const std::string& mode) {
  auto text = kManifest;
  text.replace(text.find("%MODE%"), 6, mode);
  return text;
}

TEST(LaunchdHooks, NativeModeRefusesHooksAndReloadCommandNamingTheKey) {
  const auto result = render_launchd_plist(load(manifest("native")), {});
  EXPECT_EQ(errors(result),
            (std::vector<std::string>{
                "hooks.pre_start: launchd has no hooks: 'hooks.pre_start' cannot run with "
                "supervisor = \"native\"; use supervisor = \"daemonize\" (the watchdog runs them)",
                "hooks.post_stop: launchd has no hooks: 'hooks.post_stop' cannot run with "
                "supervisor = \"native\"; use supervisor = \"daemonize\" (the watchdog runs them)",
                "reload.command: launchd has no reload: 'reload.command' cannot run with "
                "supervisor = \"native\"; use supervisor = \"daemonize\" (the watchdog runs it on "
                "`daemonize reload`)"}));
}

TEST(LaunchdHooks, DaemonizeModeLeavesThemToTheWatchdogAndMainAbandonsTheProcessGroup) {
  const auto result = render_launchd_plist(load(manifest("daemonize")), {});
  EXPECT_TRUE(errors(result).empty());
  ASSERT_EQ(result.artifacts.size(), 1U);
  EXPECT_NE(result.artifacts.front().content.find("<key>AbandonProcessGroup</key>\n\t<true/>"),
            std::string::npos)
      << result.artifacts.front().content;
}

}  // namespace
}  // namespace daemonize
