// [kubernetes] rbac and allow_principals, the token, the three probes and the ENTRYPOINT warning:
// checked as the exact YAML lines kubectl reads.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "daemonize/kubernetes/backend.hpp"

namespace daemonize::kubernetes {
namespace {

using namespace std::chrono_literals;

Service inventory() {
  Service service;
  service.name = "inventory";
  service.display_name = "inventory";
  service.command = "/usr/local/bin/inventory";
  service.kubernetes.image = "registry.example.com/inventory:2.0";
  service.kubernetes.namespace_name = "shop";
  service.restart.policy = RestartPolicy::always;
  return service;
}

KubernetesAccessRule rule(std::vector<std::string> groups, std::vector<std::string> resources,
                          std::vector<std::string> verbs) {
  KubernetesAccessRule access;
  access.api_groups = std::move(groups);
  access.resources = std::move(resources);
  access.verbs = std::move(verbs);
  return access;
}

std::string rendered_text(const Service& service) {
  const auto result = render_kubernetes(service);
  EXPECT_EQ(result.artifacts.size(), 1U);
  return result.artifacts.empty() ? "" : result.artifacts.front().content;
}

const Diagnostic* find_diagnostic(const RenderResult& result, const std::string& key) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == key) return &diagnostic;
  }
  return nullptr;
}

#define EXPECT_LINES(text, lines) \
  EXPECT_NE((text).find(lines), std::string::npos) << "missing:\n" << (lines) << "\nin:\n" << (text)

TEST(KubernetesPermissions, WithoutRbacTheServiceAccountMountsNoToken) {
  const auto text = rendered_text(inventory());
  EXPECT_LINES(text,
               "kind: ServiceAccount\n"
               "metadata:\n"
               "  name: inventory\n"
               "  namespace: shop\n"
               "  labels:\n"
               "    app.kubernetes.io/name: inventory\n"
               "    app.kubernetes.io/managed-by: daemonize\n"
               "automountServiceAccountToken: false\n");
  EXPECT_EQ(text.find("kind: Role"), std::string::npos);
  // The account is rendered: the pod spec does not repeat it.
  EXPECT_EQ(text.find("      automountServiceAccountToken"), std::string::npos);
}

TEST(KubernetesPermissions, TheDefaultAccountIsNotRenderedSoThePodRefusesTheToken) {
  Service service = inventory();
  service.kubernetes.service_account = "default";
  service.positions["kubernetes.service_account"] = {20, 1};
  const auto text = rendered_text(service);
  EXPECT_EQ(text.find("kind: ServiceAccount"), std::string::npos);
  EXPECT_LINES(text,
               "      serviceAccountName: default\n"
               "      automountServiceAccountToken: false\n");
}

TEST(KubernetesPermissions, RbacBecomesARoleAndARoleBindingToTheAccount) {
  Service service = inventory();
  auto config = rule({""}, {"configmaps"}, {"get", "watch"});
  config.resource_names = {"inventory-config"};
  service.kubernetes.rbac = {config, rule({"coordination.k8s.io"}, {"leases"}, {"create"})};
  const auto text = rendered_text(service);
  EXPECT_EQ(text.find("automountServiceAccountToken"), std::string::npos);
  EXPECT_LINES(text,
               "apiVersion: rbac.authorization.k8s.io/v1\n"
               "kind: Role\n"
               "metadata:\n"
               "  name: inventory\n"
               "  namespace: shop\n"
               "  labels:\n"
               "    app.kubernetes.io/name: inventory\n"
               "    app.kubernetes.io/managed-by: daemonize\n"
               "rules:\n"
               "  - apiGroups:\n"
               "      - \"\"\n"
               "    resources:\n"
               "      - configmaps\n"
               "    resourceNames:\n"
               "      - inventory-config\n"
               "    verbs:\n"
               "      - get\n"
               "      - watch\n"
               "  - apiGroups:\n"
               "      - coordination.k8s.io\n"
               "    resources:\n"
               "      - leases\n"
               "    verbs:\n"
               "      - create\n"
               "---\n");
  EXPECT_LINES(text,
               "kind: RoleBinding\n"
               "metadata:\n"
               "  name: inventory\n"
               "  namespace: shop\n"
               "  labels:\n"
               "    app.kubernetes.io/name: inventory\n"
               "    app.kubernetes.io/managed-by: daemonize\n"
               "subjects:\n"
               "  - kind: ServiceAccount\n"
               "    name: inventory\n"
               "    namespace: shop\n"
               "roleRef:\n"
               "  apiGroup: rbac.authorization.k8s.io\n"
               "  kind: Role\n"
               "  name: inventory\n");
  EXPECT_EQ(text.find("ClusterRole"), std::string::npos);
}

TEST(KubernetesPermissions, ClusterRulesGoToAClusterRoleNamedAfterNamespaceAndService) {
  Service service = inventory();
  auto nodes = rule({""}, {"nodes"}, {"list"});
  nodes.cluster = true;
  service.kubernetes.rbac = {nodes};
  const auto result = render_kubernetes(service);
  const auto& text = result.artifacts.front().content;
  EXPECT_EQ(text.find("kind: Role\n"), std::string::npos);
  EXPECT_LINES(text,
               "kind: ClusterRole\n"
               "metadata:\n"
               "  name: \"shop:inventory\"\n"
               "  labels:\n");
  EXPECT_LINES(text,
               "kind: ClusterRoleBinding\n"
               "metadata:\n"
               "  name: \"shop:inventory\"\n"
               "  labels:\n"
               "    app.kubernetes.io/name: inventory\n"
               "    app.kubernetes.io/managed-by: daemonize\n"
               "subjects:\n"
               "  - kind: ServiceAccount\n"
               "    name: inventory\n"
               "    namespace: shop\n"
               "roleRef:\n"
               "  apiGroup: rbac.authorization.k8s.io\n"
               "  kind: ClusterRole\n"
               "  name: \"shop:inventory\"\n");
  EXPECT_EQ(find_diagnostic(result, "kubernetes.rbac[0].resources[0]"), nullptr);
}

TEST(KubernetesPermissions, RulesTheApiServerWouldNotHonourWarn) {
  Service service = inventory();
  auto secrets = rule({""}, {"nodes/proxy", "secrets"}, {"get", "create"});
  secrets.resource_names = {"report-key"};
  service.kubernetes.rbac = {secrets};
  const auto result = render_kubernetes(service);
  const auto* scoped = find_diagnostic(result, "kubernetes.rbac[0].resources[0]");
  ASSERT_NE(scoped, nullptr);
  EXPECT_EQ(scoped->message,
            "kubernetes: \"nodes\" are cluster-scoped: a Role grants nothing on them; set cluster "
            "= true in this rule for a ClusterRole");
  EXPECT_EQ(find_diagnostic(result, "kubernetes.rbac[0].resources[1]"), nullptr);
  const auto* create = find_diagnostic(result, "kubernetes.rbac[0].verbs[1]");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->message,
            "kubernetes: resource_names cannot restrict \"create\" (the request names no single "
            "object): this rule never allows it; put \"create\" in a rule without resource_names");
  EXPECT_EQ(find_diagnostic(result, "kubernetes.rbac[0].verbs[0]"), nullptr);
  EXPECT_FALSE(result.artifacts.empty());
}

TEST(KubernetesPermissions, RbacForTheDefaultAccountWarns) {
  Service service = inventory();
  service.kubernetes.service_account = "default";
  service.positions["kubernetes.service_account"] = {20, 1};
  service.kubernetes.rbac = {rule({""}, {"pods"}, {"get"})};
  const auto result = render_kubernetes(service);
  ASSERT_NE(find_diagnostic(result, "kubernetes.rbac"), nullptr);
  EXPECT_EQ(result.artifacts.front().content.find("automountServiceAccountToken"),
            std::string::npos);
  // Cluster-wide rules alone: the same warning.
  service.kubernetes.rbac.front().cluster = true;
  EXPECT_NE(find_diagnostic(render_kubernetes(service), "kubernetes.rbac"), nullptr);
}

TEST(KubernetesPermissions, AllowPrincipalsBecomeAnIstioAllowPolicyOnThePods) {
  Service service = inventory();
  service.kubernetes.allow_principals = {"cluster.local/ns/shop/sa/frontend",
                                         "cluster.local/ns/*/sa/checkout"};
  const auto result = render_kubernetes(service);
  EXPECT_LINES(result.artifacts.front().content,
               "---\n"
               "apiVersion: security.istio.io/v1\n"
               "kind: AuthorizationPolicy\n"
               "metadata:\n"
               "  name: inventory\n"
               "  namespace: shop\n"
               "  labels:\n"
               "    app.kubernetes.io/name: inventory\n"
               "    app.kubernetes.io/managed-by: daemonize\n"
               "spec:\n"
               "  selector:\n"
               "    matchLabels:\n"
               "      app.kubernetes.io/name: inventory\n"
               "  action: ALLOW\n"
               "  rules:\n"
               "    - from:\n"
               "        - source:\n"
               "            principals:\n"
               "              - cluster.local/ns/shop/sa/frontend\n"
               "              - \"cluster.local/ns/*/sa/checkout\"\n");
  EXPECT_EQ(find_diagnostic(result, "kubernetes.allow_principals[0]"), nullptr);
  EXPECT_EQ(find_diagnostic(result, "kubernetes.allow_principals[1]"), nullptr);
}

TEST(KubernetesPermissions, APrincipalThatIsNoWorkloadIdentityWarns) {
  Service service = inventory();
  service.kubernetes.allow_principals = {"frontend", "*"};
  const auto result = render_kubernetes(service);
  const auto* shape = find_diagnostic(result, "kubernetes.allow_principals[0]");
  ASSERT_NE(shape, nullptr);
  EXPECT_EQ(shape->message,
            "kubernetes: \"frontend\" is not an Istio workload identity (<trust "
            "domain>/ns/<namespace>/sa/<service account>, e.g. "
            "\"cluster.local/ns/shop/sa/frontend\"): no caller will match it");
  EXPECT_EQ(find_diagnostic(result, "kubernetes.allow_principals[1]"), nullptr);  // a wildcard
}

TEST(KubernetesPermissions, NoPolicyWithoutAllowPrincipals) {
  EXPECT_EQ(rendered_text(inventory()).find("AuthorizationPolicy"), std::string::npos);
}

TEST(KubernetesProbes, StartPeriodGivesAStartupProbeThenDistinctLivenessAndReadiness) {
  Service service = inventory();
  HealthConfig health;
  health.check = HealthCheckKind::tcp;
  health.address = "0.0.0.0:9000";
  health.interval = 5s;
  health.timeout = 1s;
  health.retries = 4;
  health.start_period = 62s;  // 12 checks inside it (at 5 s, 10 s, ... 60 s)
  service.health = health;
  const auto text = rendered_text(service);
  EXPECT_LINES(text,
               "          startupProbe:\n"
               "            tcpSocket:\n"
               "              port: 9000\n"
               "            initialDelaySeconds: 5\n"
               "            periodSeconds: 5\n"
               "            timeoutSeconds: 1\n"
               "            failureThreshold: 16\n"
               "          livenessProbe:\n"
               "            tcpSocket:\n"
               "              port: 9000\n"
               "            periodSeconds: 5\n"
               "            timeoutSeconds: 1\n"
               "            failureThreshold: 4\n"
               "          readinessProbe:\n"
               "            tcpSocket:\n"
               "              port: 9000\n"
               "            periodSeconds: 5\n"
               "            timeoutSeconds: 1\n"
               "            failureThreshold: 1\n");
}

TEST(KubernetesProbes, StartupBudgetCoversTheStartPeriodEvenWhenShorterThanTheInterval) {
  Service service = inventory();
  HealthConfig health;
  health.check = HealthCheckKind::tcp;
  health.address = "0.0.0.0:9000";
  health.interval = 10s;
  health.retries = 1;
  health.start_period = 4s;
  service.health = health;
  const auto text = rendered_text(service);
  // failureThreshold x periodSeconds (1 x 10) >= start_period (4).
  EXPECT_LINES(text,
               "            initialDelaySeconds: 10\n"
               "            periodSeconds: 10\n"
               "            timeoutSeconds: 2\n"
               "            failureThreshold: 1\n"
               "          livenessProbe:\n");
}

TEST(KubernetesProbes, WithoutStartPeriodBothProbesWaitOneInterval) {
  Service service = inventory();
  HealthConfig health;
  health.check = HealthCheckKind::tcp;
  health.address = "0.0.0.0:9000";
  health.interval = 5s;
  health.retries = 3;
  service.health = health;
  const auto text = rendered_text(service);
  EXPECT_EQ(text.find("startupProbe"), std::string::npos);
  EXPECT_LINES(text,
               "          livenessProbe:\n"
               "            tcpSocket:\n"
               "              port: 9000\n"
               "            initialDelaySeconds: 5\n"
               "            periodSeconds: 5\n"
               "            timeoutSeconds: 2\n"
               "            failureThreshold: 3\n"
               "          readinessProbe:\n"
               "            tcpSocket:\n"
               "              port: 9000\n"
               "            initialDelaySeconds: 5\n"
               "            periodSeconds: 5\n"
               "            timeoutSeconds: 2\n"
               "            failureThreshold: 1\n");
}

TEST(KubernetesEntrypoint, TheCommandReplacingTheImagesEntrypointWarns) {
  const auto result = render_kubernetes(inventory());
  const auto* warning = find_diagnostic(result, "service.command");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->severity, Severity::warning);
  EXPECT_EQ(warning->message,
            "kubernetes: command: [\"/usr/local/bin/inventory\"] replaces the ENTRYPOINT of "
            "registry.example.com/inventory:2.0: \"/usr/local/bin/inventory\" must exist in the "
            "image, and an entrypoint script of the image (one that prepares the environment or "
            "drops privileges) does not run");
  EXPECT_LINES(result.artifacts.front().content,
               "          command:\n"
               "            - /usr/local/bin/inventory\n");
}

}  // namespace
}  // namespace daemonize::kubernetes
