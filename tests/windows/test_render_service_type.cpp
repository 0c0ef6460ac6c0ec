// [service] type on the Windows targets: forking and notify are errors (no pid-file daemons, no
// sd_notify); a oneshot renders like any service (the watchdog runs it).
#include <gtest/gtest.h>

#include <string>

#include "daemonize/windows/render.hpp"

namespace daemonize {
namespace {

Service service_of(ServiceType type) {
  Service service;
  service.name = "legacy";
  service.display_name = "legacy";
  service.command = "C:\\legacy\\legacyd.exe";
  service.logs.directory = "C:\\ProgramData\\legacy\\logs";
  service.os = TargetOs::windows;
  service.windows.account = "NT SERVICE\\legacy";
  service.type = type;
  if (type == ServiceType::forking) service.pid_file = "/run/legacyd.pid";
  return service;
}

std::string type_error(const RenderResult& result) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == "service.type" && diagnostic.severity == Severity::error)
      return diagnostic.message;
  }
  return "";
}

TEST(WindowsServiceType, ForkingAndNotifyAreErrorsOnBothTargets) {
  for (const auto type : {ServiceType::forking, ServiceType::notify}) {
    const auto expected = *service_type_problem(type, TargetOs::windows);
    EXPECT_EQ(type_error(windows::render_windows_service(service_of(type), {})), expected);
    EXPECT_EQ(type_error(windows::render_windows_task(service_of(type), {})), expected);
  }
}

TEST(WindowsServiceType, OneshotRenders) {
  auto service = service_of(ServiceType::oneshot);
  service.remain_after_exit = true;
  const auto result = windows::render_windows_service(service, {});
  EXPECT_EQ(type_error(result), "");
  EXPECT_FALSE(result.artifacts.empty());
}

}  // namespace
}  // namespace daemonize
