// [service] type in the systemd unit: native Type=/PIDFile=/RemainAfterExit=/NotifyAccess=, and
// the watchdog's unit (always Type=notify) with the start timeout each type needs.
#include <gtest/gtest.h>

#include <string>

#include "daemonize/systemd/backend.hpp"

namespace daemonize {
namespace {

Service service_of(ServiceType type, SupervisorMode mode) {
  Service service;
  service.name = "legacy";
  service.display_name = "legacy";
  service.command = "/usr/sbin/legacyd";
  service.supervisor = mode;
  service.logs.directory = "/var/log/legacy";
  service.type = type;
  if (type == ServiceType::forking) service.pid_file = "/run/legacyd.pid";
  return service;
}

std::string unit_text(const Service& service) {
  RenderOptions options;
  options.daemonize_path = "/usr/bin/daemonize";
  const auto result = render_systemd(service, options);
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.severity == Severity::error) ADD_FAILURE() << diagnostic.message;
  }
  for (const auto& artifact : result.artifacts) {
    if (artifact.file_name.ends_with(".service")) return artifact.content;
  }
  ADD_FAILURE() << "no unit";
  return "";
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(SystemdServiceType, NativeSimpleStaysTypeExec) {
  const auto unit = unit_text(service_of(ServiceType::simple, SupervisorMode::native));
  EXPECT_TRUE(has_line(unit, "Type=exec")) << unit;
  EXPECT_EQ(unit.find("PIDFile="), std::string::npos);
}

TEST(SystemdServiceType, NativeForkingHasItsPidFile) {
  const auto unit = unit_text(service_of(ServiceType::forking, SupervisorMode::native));
  EXPECT_TRUE(has_line(unit, "Type=forking")) << unit;
  EXPECT_TRUE(has_line(unit, "PIDFile=/run/legacyd.pid")) << unit;
}

TEST(SystemdServiceType, NativeOneshotWithRemainAfterExit) {
  auto service = service_of(ServiceType::oneshot, SupervisorMode::native);
  EXPECT_EQ(unit_text(service).find("RemainAfterExit"), std::string::npos);
  service.remain_after_exit = true;
  const auto unit = unit_text(service);
  EXPECT_TRUE(has_line(unit, "Type=oneshot")) << unit;
  EXPECT_TRUE(has_line(unit, "RemainAfterExit=yes")) << unit;
  EXPECT_TRUE(has_line(unit, "Restart=on-failure")) << unit;
}

TEST(SystemdServiceType, NativeNotifyAcceptsTheMainProcessOnly) {
  const auto unit = unit_text(service_of(ServiceType::notify, SupervisorMode::native));
  EXPECT_TRUE(has_line(unit, "Type=notify")) << unit;
  EXPECT_TRUE(has_line(unit, "NotifyAccess=main")) << unit;
}

TEST(SystemdServiceType, DaemonizeModeStaysTypeNotifyOnTheWatchdog) {
  for (const auto type :
       {ServiceType::forking, ServiceType::oneshot, ServiceType::notify, ServiceType::simple}) {
    const auto unit = unit_text(service_of(type, SupervisorMode::daemonize));
    EXPECT_TRUE(has_line(unit, "Type=notify")) << unit;
    EXPECT_EQ(unit.find("PIDFile="), std::string::npos) << unit;
    EXPECT_EQ(unit.find("Type=forking"), std::string::npos) << unit;
  }
}

TEST(SystemdServiceType, DaemonizeModeStartTimeoutPerType) {
  // simple: systemd's default; a oneshot may run as long as it needs; forking and notify leave
  // the watchdog's own 90 s start timeout to decide first.
  EXPECT_EQ(unit_text(service_of(ServiceType::simple, SupervisorMode::daemonize))
                .find("TimeoutStartSec="),
            std::string::npos);
  EXPECT_TRUE(has_line(unit_text(service_of(ServiceType::oneshot, SupervisorMode::daemonize)),
                       "TimeoutStartSec=infinity"));
  EXPECT_TRUE(has_line(unit_text(service_of(ServiceType::forking, SupervisorMode::daemonize)),
                       "TimeoutStartSec=2min"));
  EXPECT_TRUE(has_line(unit_text(service_of(ServiceType::notify, SupervisorMode::daemonize)),
                       "TimeoutStartSec=2min"));
  // With [health], the longer of the two budgets: 5min + 4 x (10s + 2s) + 30s.
  auto service = service_of(ServiceType::notify, SupervisorMode::daemonize);
  service.health = HealthConfig{};
  service.health->check = HealthCheckKind::tcp;
  service.health->address = "127.0.0.1:80";
  service.health->start_period = std::chrono::minutes(5);
  EXPECT_TRUE(has_line(unit_text(service), "TimeoutStartSec=378s")) << unit_text(service);
}

}  // namespace
}  // namespace daemonize
