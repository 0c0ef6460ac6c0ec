// [service] type on launchd: forking and notify are errors in both modes (no subreaper, no
// sd_notify on macOS); a oneshot renders, remain_after_exit warns in native mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "daemonize/launchd/backend.hpp"

namespace daemonize {
namespace {

Service service_of(ServiceType type, SupervisorMode mode) {
  Service service;
  service.name = "legacy";
  service.display_name = "legacy";
  service.command = "/usr/local/sbin/legacyd";
  service.supervisor = mode;
  service.launchd.label = "org.daemonize.legacy";
  service.logs.directory = "/Library/Logs/legacy";
  service.os = TargetOs::macos;
  service.manifest_path = "legacy.toml";
  service.type = type;
  if (type == ServiceType::forking) service.pid_file = "/var/run/legacyd.pid";
  return service;
}

const Diagnostic* diagnostic_for(const RenderResult& result, const std::string& key) {
  const auto found = std::find_if(result.diagnostics.begin(), result.diagnostics.end(),
                                  [&](const Diagnostic& d) { return d.key == key; });
  return found == result.diagnostics.end() ? nullptr : &*found;
}

TEST(LaunchdServiceType, ForkingIsAnErrorInBothModes) {
  const auto native =
      launchd::render_launchd_plist(service_of(ServiceType::forking, SupervisorMode::native), {});
  const auto* error = diagnostic_for(native, "service.type");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->severity, Severity::error);
  EXPECT_EQ(error->message,
            "launchd: type = \"forking\" is not supported: launchd cannot adopt a daemon that "
            "forks away from its launcher; run the program in the foreground (type = "
            "\"simple\")");
  EXPECT_TRUE(native.artifacts.empty());
  const auto watched = launchd::render_launchd_plist(
      service_of(ServiceType::forking, SupervisorMode::daemonize), {});
  ASSERT_NE(diagnostic_for(watched, "service.type"), nullptr);
  EXPECT_NE(diagnostic_for(watched, "service.type")->message.find("macOS has no subreaper"),
            std::string::npos);
}

TEST(LaunchdServiceType, NotifyIsAnError) {
  const auto result =
      launchd::render_launchd_plist(service_of(ServiceType::notify, SupervisorMode::daemonize), {});
  const auto* error = diagnostic_for(result, "service.type");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->severity, Severity::error);
  EXPECT_NE(error->message.find("macOS has no sd_notify"), std::string::npos);
}

TEST(LaunchdServiceType, OneshotRendersAndRemainAfterExitWarnsInNativeMode) {
  auto service = service_of(ServiceType::oneshot, SupervisorMode::native);
  service.remain_after_exit = true;
  const auto native = launchd::render_launchd_plist(service, {});
  EXPECT_EQ(native.artifacts.size(), 1U);
  const auto* warning = diagnostic_for(native, "service.remain_after_exit");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->severity, Severity::warning);
  service.supervisor = SupervisorMode::daemonize;
  const auto watched = launchd::render_launchd_plist(service, {});
  EXPECT_EQ(watched.artifacts.size(), 1U);
  EXPECT_EQ(diagnostic_for(watched, "service.remain_after_exit"), nullptr);
}

}  // namespace
}  // namespace daemonize
