// [service] type in a Deployment: forking and oneshot are errors, notify a warning.
#include <gtest/gtest.h>

#include <string>

#include "daemonize/kubernetes/backend.hpp"

namespace daemonize {
namespace {

Service service_of(ServiceType type) {
  Service service;
  service.name = "legacy";
  service.display_name = "legacy";
  service.command = "/usr/sbin/legacyd";
  service.kubernetes.image = "registry.example.com/legacy:1.0";
  service.kubernetes.service_account = "legacy";
  service.type = type;
  if (type == ServiceType::forking) service.pid_file = "/run/legacyd.pid";
  return service;
}

std::string only_message(const RenderResult& result, Severity severity) {
  std::string found;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == "service.type" && diagnostic.severity == severity)
      found = diagnostic.message;
  }
  return found;
}

TEST(KubernetesServiceType, ForkingAndOneshotAreErrors) {
  const auto forking = kubernetes::render_kubernetes(service_of(ServiceType::forking));
  EXPECT_TRUE(forking.artifacts.empty());
  EXPECT_EQ(only_message(forking, Severity::error),
            "kubernetes: type = \"forking\" cannot run in a container: the launcher's exit ends "
            "the pod; run the program in the foreground (type = \"simple\")");
  const auto oneshot = kubernetes::render_kubernetes(service_of(ServiceType::oneshot));
  EXPECT_TRUE(oneshot.artifacts.empty());
  EXPECT_NE(only_message(oneshot, Severity::error).find("run it as a Kubernetes Job instead"),
            std::string::npos);
}

TEST(KubernetesServiceType, NotifyWarnsThatReadinessComesFromHealth) {
  const auto notify = kubernetes::render_kubernetes(service_of(ServiceType::notify));
  EXPECT_FALSE(notify.artifacts.empty());
  EXPECT_EQ(only_message(notify, Severity::warning),
            "kubernetes: Kubernetes has no sd_notify: READY=1 is not awaited; readiness comes "
            "from [health] (readinessProbe) only");
}

}  // namespace
}  // namespace daemonize
