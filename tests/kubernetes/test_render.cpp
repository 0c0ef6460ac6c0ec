// Renderer behaviour on Services built directly (no loader): mapping, names, dollars, warnings.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "daemonize/kubernetes/backend.hpp"

namespace daemonize::kubernetes {
namespace {

using namespace std::chrono_literals;

Service minimal_service() {
  Service service;
  service.name = "payments";
  service.display_name = "payments";
  service.command = "/opt/payments/bin/server";
  service.kubernetes.image = "registry.example.com/payments:1.4.2";
  service.kubernetes.service_account = "payments";
  service.restart.policy = RestartPolicy::always;
  return service;
}

struct Rendered {
  RenderResult result;
  std::vector<YAML::Node> documents;

  [[nodiscard]] YAML::Node find(const std::string& kind) const {
    for (const auto& document : documents) {
      if (document["kind"].as<std::string>() == kind) return document;
    }
    return YAML::Node();
  }
  [[nodiscard]] YAML::Node container() const {
    return find("Deployment")["spec"]["template"]["spec"]["containers"][0];
  }
  [[nodiscard]] const Diagnostic* diagnostic(const std::string& key) const {
    for (const auto& diagnostic : result.diagnostics) {
      if (diagnostic.key == key) return &diagnostic;
    }
    return nullptr;
  }
};

Rendered render(const Service& service) {
  Rendered rendered{render_kubernetes(service), {}};
  for (const auto& diagnostic : rendered.result.diagnostics) {
    EXPECT_FALSE(diagnostic.key.empty()) << diagnostic.message;
    EXPECT_TRUE(diagnostic.message.starts_with("kubernetes: ")) << diagnostic.message;
  }
  if (!rendered.result.artifacts.empty()) {
    rendered.documents = YAML::LoadAll(rendered.result.artifacts.front().content);
  }
  return rendered;
}

std::vector<std::string> strings(const YAML::Node& sequence) {
  std::vector<std::string> values;
  for (const auto& item : sequence) {
    EXPECT_EQ(item.Tag() == "!" || item.Tag() == "?", true);
    values.push_back(item.as<std::string>());
  }
  return values;
}

TEST(KubernetesBackend, RegistersAsKubernetesForLinuxImages) {
  const auto backend = make_kubernetes_backend();
  EXPECT_EQ(backend->name(), "kubernetes");
  EXPECT_EQ(backend->os(), TargetOs::linux);
  Service service = minimal_service();
  EXPECT_EQ(backend->unsupported_reason(service), std::nullopt);
  service.kubernetes.image.reset();
  EXPECT_EQ(backend->unsupported_reason(service), "no [kubernetes].image");
}

TEST(RenderKubernetes, WithoutImageIsAnErrorKeyedOnTheImage) {
  Service service = minimal_service();
  service.kubernetes.image.reset();
  const auto rendered = render(service);
  EXPECT_TRUE(rendered.result.artifacts.empty());
  ASSERT_NE(rendered.diagnostic("kubernetes.image"), nullptr);
  EXPECT_EQ(rendered.diagnostic("kubernetes.image")->severity, Severity::error);
}

TEST(RenderKubernetes, MinimalServiceGivesServiceAccountAndDeploymentForReview) {
  const auto rendered = render(minimal_service());
  ASSERT_EQ(rendered.result.artifacts.size(), 1U);
  const auto& artifact = rendered.result.artifacts.front();
  EXPECT_EQ(artifact.file_name, "payments.yaml");
  EXPECT_EQ(artifact.install_path, "");
  ASSERT_EQ(rendered.documents.size(), 2U);
  EXPECT_EQ(rendered.documents[0]["kind"].as<std::string>(), "ServiceAccount");
  EXPECT_EQ(rendered.documents[1]["kind"].as<std::string>(), "Deployment");
  EXPECT_EQ(rendered.documents[1]["apiVersion"].as<std::string>(), "apps/v1");
  const auto deployment = rendered.find("Deployment");
  EXPECT_EQ(deployment["metadata"]["namespace"].as<std::string>(), "default");
  EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/name"].as<std::string>(),
            "payments");
  EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/managed-by"].as<std::string>(),
            "daemonize");
  EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), 1);
  EXPECT_EQ(
      deployment["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(),
      "payments");
  const auto pod = deployment["spec"]["template"]["spec"];
  EXPECT_EQ(pod["serviceAccountName"].as<std::string>(), "payments");
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Always");
  EXPECT_EQ(pod["terminationGracePeriodSeconds"].as<int>(), 30);
  EXPECT_EQ(strings(rendered.container()["command"]),
            std::vector<std::string>{"/opt/payments/bin/server"});
  EXPECT_FALSE(rendered.container()["args"]);
  ASSERT_EQ(rendered.result.diagnostics.size(), 1U);  // the ENTRYPOINT warning only
  EXPECT_EQ(rendered.result.diagnostics.front().key, "service.command");
}

TEST(RenderKubernetes, PortAddsContainerPortAndService) {
  Service service = minimal_service();
  service.kubernetes.port = 8080;
  const auto rendered = render(service);
  ASSERT_EQ(rendered.documents.size(), 3U);
  const auto cluster_service = rendered.find("Service");
  EXPECT_EQ(cluster_service["spec"]["ports"][0]["port"].as<int>(), 8080);
  EXPECT_EQ(cluster_service["spec"]["ports"][0]["targetPort"].as<int>(), 8080);
  EXPECT_EQ(cluster_service["spec"]["selector"]["app.kubernetes.io/name"].as<std::string>(),
            "payments");
  EXPECT_EQ(rendered.container()["ports"][0]["containerPort"].as<int>(), 8080);
}

TEST(RenderKubernetes, HomeRelativeWorkingDirectoryIsNotSetWithAWarning) {
  Service service = minimal_service();
  service.working_directory = "/srv/app";
  EXPECT_EQ(render(service).container()["workingDir"].as<std::string>(), "/srv/app");
  service.working_directory = "~/app";
  const auto rendered = render(service);
  ASSERT_EQ(rendered.result.artifacts.size(), 1U);
  EXPECT_FALSE(rendered.container()["workingDir"]);
  ASSERT_NE(rendered.diagnostic("service.working_directory"), nullptr);
  EXPECT_EQ(rendered.diagnostic("service.working_directory")->severity, Severity::warning);
}

TEST(RenderKubernetes, DerivesDns1123NamesWithAWarning) {
  Service service = minimal_service();
  service.name = "Payments_API.v2";
  const auto rendered = render(service);
  ASSERT_EQ(rendered.result.artifacts.size(), 1U);
  EXPECT_EQ(rendered.result.artifacts.front().file_name, "payments-api-v2.yaml");
  EXPECT_EQ(rendered.find("Deployment")["metadata"]["name"].as<std::string>(), "payments-api-v2");
  ASSERT_NE(rendered.diagnostic("service.name"), nullptr);
  EXPECT_EQ(rendered.diagnostic("service.name")->severity, Severity::warning);
}

TEST(RenderKubernetes, RejectsNamesWithoutAValidLabel) {
  for (const std::string& name : std::vector<std::string>{"app_", std::string(64, 'a'), "a."}) {
    Service service = minimal_service();
    service.name = name;
    const auto rendered = render(service);
    EXPECT_TRUE(rendered.result.artifacts.empty()) << name;
    ASSERT_NE(rendered.diagnostic("service.name"), nullptr) << name;
    EXPECT_EQ(rendered.diagnostic("service.name")->severity, Severity::error);
  }
}

TEST(RenderKubernetes, ServiceNameMustStartWithALetterWhenAServiceIsRendered) {
  Service service = minimal_service();
  service.name = "1password";
  EXPECT_FALSE(render(service).result.artifacts.empty());
  service.kubernetes.port = 80;
  const auto rendered = render(service);
  EXPECT_TRUE(rendered.result.artifacts.empty());
  ASSERT_NE(rendered.diagnostic("kubernetes.port"), nullptr);
}

TEST(RenderKubernetes, HostileArgsStaySixStringsAndDollarsAreDoubled) {
  Service service = minimal_service();
  // Raw manifest text: "$$(HOME)" is the manifest's escape for a literal "$(HOME)".
  service.args = {"yes", "0x10", "1e3", "on", "", "$$(HOME)"};
  const auto rendered = render(service);
  EXPECT_EQ(strings(rendered.container()["args"]),
            (std::vector<std::string>{"yes", "0x10", "1e3", "on", "", "$$(HOME)"}));
  for (const auto& arg : rendered.container()["args"])
    EXPECT_EQ(arg.Tag(), "!") << arg.as<std::string>();
}

TEST(RenderKubernetes, ReferencesBecomeKubeletReferencesAndDefaultsBecomeEnv) {
  Service service = minimal_service();
  service.command = "/opt/${APP:-payments}/bin/server";
  service.args = {"--port", "${PORT:-8080}", "--price=$$5", "--level=${LOG_LEVEL}"};
  service.env = {{"LOG_LEVEL", "info"}};
  const auto rendered = render(service);
  EXPECT_EQ(strings(rendered.container()["command"]),
            std::vector<std::string>{"/opt/$(APP)/bin/server"});
  EXPECT_EQ(strings(rendered.container()["args"]),
            (std::vector<std::string>{"--port", "$(PORT)", "--price=$$5", "--level=$(LOG_LEVEL)"}));
  const auto env = rendered.container()["env"];
  ASSERT_EQ(env.size(), 3U);
  EXPECT_EQ(env[0]["name"].as<std::string>(), "APP");
  EXPECT_EQ(env[0]["value"].as<std::string>(), "payments");
  EXPECT_EQ(env[1]["name"].as<std::string>(), "PORT");
  EXPECT_EQ(env[1]["value"].as<std::string>(), "8080");
  EXPECT_EQ(env[2]["name"].as<std::string>(), "LOG_LEVEL");
  ASSERT_EQ(rendered.result.diagnostics.size(), 1U);  // the ENTRYPOINT warning only
  EXPECT_EQ(rendered.result.diagnostics.front().key, "service.command");
}

TEST(RenderKubernetes, RequiredEnvComesFromTheSecretNeverAsLiteral) {
  Service service = minimal_service();
  service.required_env = {"DATABASE_URL", "SECRET_KEY"};
  service.env = {{"DATABASE_URL", "${DATABASE_URL}"}, {"DSN", "postgres://${DATABASE_URL}"}};
  const auto rendered = render(service);
  const auto env = rendered.container()["env"];
  ASSERT_EQ(env.size(), 3U);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(env[i]["value"]);
    EXPECT_EQ(env[i]["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "payments-env");
    EXPECT_EQ(env[i]["valueFrom"]["secretKeyRef"]["key"].as<std::string>(),
              env[i]["name"].as<std::string>());
  }
  EXPECT_EQ(env[0]["name"].as<std::string>(), "DATABASE_URL");
  EXPECT_EQ(env[1]["name"].as<std::string>(), "SECRET_KEY");
  EXPECT_EQ(env[2]["name"].as<std::string>(), "DSN");
  EXPECT_EQ(env[2]["value"].as<std::string>(), "postgres://$(DATABASE_URL)");
  EXPECT_NE(rendered.result.artifacts.front().content.find("Secret \"payments-env\""),
            std::string::npos);
}

TEST(RenderKubernetes, EnvEntriesComeAfterTheEntriesTheyReference) {
  Service service = minimal_service();
  service.env = {{"A_URL", "http://${B_HOST}:80"}, {"B_HOST", "db"}};
  const auto env = render(service).container()["env"];
  ASSERT_EQ(env.size(), 2U);
  EXPECT_EQ(env[0]["name"].as<std::string>(), "B_HOST");
  EXPECT_EQ(env[1]["name"].as<std::string>(), "A_URL");
  EXPECT_EQ(env[1]["value"].as<std::string>(), "http://$(B_HOST):80");
}

TEST(RenderKubernetes, RequiredReferenceIsRejected) {
  Service service = minimal_service();
  service.args = {"${TOKEN:?set TOKEN}"};
  const auto rendered = render(service);
  EXPECT_TRUE(rendered.result.artifacts.empty());
  ASSERT_NE(rendered.diagnostic("service.args[0]"), nullptr);
  EXPECT_EQ(rendered.diagnostic("service.args[0]")->severity, Severity::error);
}

TEST(RenderKubernetes, TwoDifferentDefaultsForOneVariableAreRejected) {
  Service service = minimal_service();
  service.args = {"${PORT:-8080}", "${PORT:-9090}"};
  const auto rendered = render(service);
  EXPECT_TRUE(rendered.result.artifacts.empty());
  ASSERT_NE(rendered.diagnostic("service.args[1]"), nullptr);
}

TEST(RenderKubernetes, UndefinedReferenceWarns) {
  Service service = minimal_service();
  service.args = {"${HOME}"};
  const auto rendered = render(service);
  EXPECT_EQ(strings(rendered.container()["args"]), std::vector<std::string>{"$(HOME)"});
  ASSERT_NE(rendered.diagnostic("service.args[0]"), nullptr);
  EXPECT_EQ(rendered.diagnostic("service.args[0]")->severity, Severity::warning);
}

TEST(RenderKubernetes, WorkingDirectoryIsResolvedWhenRenderingOrRejected) {
  Service service = minimal_service();
  service.env = {{"BASE", "/srv"}};
  service.working_directory = "${BASE}/$$app";
  EXPECT_EQ(render(service).container()["workingDir"].as<std::string>(), "/srv/$app");
  service.working_directory = "${ELSEWHERE}";
  const auto rendered = render(service);
  EXPECT_TRUE(rendered.result.artifacts.empty());
  ASSERT_NE(rendered.diagnostic("service.working_directory"), nullptr);
}

TEST(RenderKubernetes, LimitsBecomeLimitsAndRequests) {
  Service service = minimal_service();
  service.limits.cpu = 1.5;
  service.limits.memory = 512ULL * 1024 * 1024;
  service.limits.nofile = 65536;
  const auto rendered = render(service);
  const auto resources = rendered.container()["resources"];
  for (const char* part : {"limits", "requests"}) {
    EXPECT_EQ(resources[part]["cpu"].as<std::string>(), "1500m");
    EXPECT_EQ(resources[part]["memory"].as<std::string>(), "512Mi");
  }
  ASSERT_NE(rendered.diagnostic("limits.nofile"), nullptr);
  EXPECT_EQ(rendered.diagnostic("limits.nofile")->severity, Severity::warning);
}

TEST(RenderKubernetes, HttpHealthBecomesLivenessAndReadinessProbes) {
  Service service = minimal_service();
  HealthConfig health;
  health.check = HealthCheckKind::http;
  health.url = "http://127.0.0.1:${PORT:-8080}/healthz?full=1";
  health.interval = 500ms;
  health.timeout = 2s;
  health.retries = 5;
  health.start_period = 30s;
  service.health = health;
  const auto rendered = render(service);
  for (const char* probe_name : {"startupProbe", "livenessProbe", "readinessProbe"}) {
    const auto probe = rendered.container()[probe_name];
    EXPECT_EQ(probe["httpGet"]["path"].as<std::string>(), "/healthz?full=1");
    EXPECT_EQ(probe["httpGet"]["port"].as<int>(), 8080);
    EXPECT_EQ(probe["httpGet"]["scheme"].as<std::string>(), "HTTP");
    EXPECT_FALSE(probe["httpGet"]["host"]);
    EXPECT_EQ(probe["periodSeconds"].as<int>(), 1);
    EXPECT_EQ(probe["timeoutSeconds"].as<int>(), 2);
  }
  // start_period's 30 checks, then retries; liveness and readiness only after the first success.
  EXPECT_EQ(rendered.container()["startupProbe"]["failureThreshold"].as<int>(), 35);
  EXPECT_EQ(rendered.container()["startupProbe"]["initialDelaySeconds"].as<int>(), 1);
  EXPECT_EQ(rendered.container()["livenessProbe"]["failureThreshold"].as<int>(), 5);
  EXPECT_EQ(rendered.container()["readinessProbe"]["failureThreshold"].as<int>(), 1);
  EXPECT_FALSE(rendered.container()["livenessProbe"]["initialDelaySeconds"]);
  EXPECT_FALSE(rendered.container()["readinessProbe"]["initialDelaySeconds"]);
  ASSERT_NE(rendered.diagnostic("health.interval"), nullptr);  // 500ms rounded to 1s
  ASSERT_NE(rendered.diagnostic("health.url"), nullptr);       // loopback vs pod IP
}

// As under the watchdog, the first probe comes after `interval`, not at the container's start:
// a program that needs a moment to listen is not counted as failing right away.
TEST(RenderKubernetes, FirstProbeAfterTheIntervalWithoutAStartPeriod) {
  Service service = minimal_service();
  HealthConfig health;
  health.check = HealthCheckKind::tcp;
  health.address = "127.0.0.1:8080";
  health.interval = 10s;
  service.health = health;
  const auto rendered = render(service);
  for (const char* probe_name : {"livenessProbe", "readinessProbe"}) {
    EXPECT_EQ(rendered.container()[probe_name]["initialDelaySeconds"].as<int>(), 10);
  }
  EXPECT_FALSE(rendered.container()["startupProbe"]);
}

TEST(RenderKubernetes, TcpAndExecHealth) {
  Service service = minimal_service();
  HealthConfig health;
  health.check = HealthCheckKind::tcp;
  health.address = "db.internal:5432";
  service.health = health;
  auto probe = render(service).container()["livenessProbe"];
  EXPECT_EQ(probe["tcpSocket"]["port"].as<int>(), 5432);
  EXPECT_EQ(probe["tcpSocket"]["host"].as<std::string>(), "db.internal");

  health.check = HealthCheckKind::exec;
  health.command = {"/bin/check", "--cost=$$5", "${MODE:-quick}"};
  service.health = health;
  probe = render(service).container()["readinessProbe"];
  EXPECT_EQ(strings(probe["exec"]["command"]),
            (std::vector<std::string>{"/bin/check", "--cost=$$5", "quick"}));
}

TEST(RenderKubernetes, NonRootUserAndGracePeriod) {
  Service service = minimal_service();
  service.user = "1000";
  service.group = "2000";
  service.stop.timeout = 45s;
  auto rendered = render(service);
  const auto security = rendered.container()["securityContext"];
  EXPECT_TRUE(security["runAsNonRoot"].as<bool>());
  EXPECT_EQ(security["runAsUser"].as<int>(), 1000);
  EXPECT_EQ(security["runAsGroup"].as<int>(), 2000);
  EXPECT_EQ(rendered.find("Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
                .as<int>(),
            45);

  EXPECT_EQ(rendered.diagnostic("stop.timeout"), nullptr);

  // "infinity": the kubelet cannot wait forever; one day, with a warning.
  service.stop.timeout = kInfiniteDuration;
  auto forever = render(service);
  EXPECT_EQ(forever.find("Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
                .as<int>(),
            86'400);
  ASSERT_NE(forever.diagnostic("stop.timeout"), nullptr);

  // stop.timeout 0 (the stop signal, then SIGKILL at once): the kubelet waits at least 1 s, and
  // 0 in the pod spec would mean "no signal first", so the pod says 1 and a warning says why.
  service.stop.timeout = 0s;
  rendered = render(service);
  EXPECT_EQ(rendered.find("Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
                .as<int>(),
            1);
  ASSERT_NE(rendered.diagnostic("stop.timeout"), nullptr);
  EXPECT_EQ(rendered.diagnostic("stop.timeout")->severity, Severity::warning);

  service.user = "payments";
  service.group.clear();
  rendered = render(service);
  EXPECT_TRUE(rendered.container()["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_FALSE(rendered.container()["securityContext"]["runAsUser"]);
  ASSERT_NE(rendered.diagnostic("service.user"), nullptr);

  service.user = "root";
  EXPECT_FALSE(render(service).container()["securityContext"]);
}

TEST(RenderKubernetes, RestartPolicyOtherThanAlwaysWarns) {
  Service service = minimal_service();
  EXPECT_EQ(render(service).diagnostic("restart.policy"), nullptr);
  service.restart.policy = RestartPolicy::on_failure;
  const auto rendered = render(service);
  ASSERT_NE(rendered.diagnostic("restart.policy"), nullptr);
  EXPECT_EQ(rendered.diagnostic("restart.policy")->severity, Severity::warning);
  EXPECT_FALSE(rendered.result.artifacts.empty());
}

TEST(RenderKubernetes, LogFilesAskedForWarn) {
  Service service = minimal_service();
  EXPECT_EQ(render(service).diagnostic("logs.stdout"), nullptr);  // defaults: nothing asked
  service.positions["logs.stdout"] = {10, 1};
  service.logs.stdout_stream = {LogStream::Kind::file, "out.log"};
  const auto rendered = render(service);
  ASSERT_NE(rendered.diagnostic("logs.stdout"), nullptr);
  EXPECT_EQ(rendered.diagnostic("logs.stdout")->severity, Severity::warning);
}

TEST(RenderKubernetes, DescriptionBecomesAnnotation) {
  Service service = minimal_service();
  service.description = "Handles payments: yes";
  const auto rendered = render(service);
  EXPECT_EQ(rendered.find("Deployment")["metadata"]["annotations"]["kubernetes.io/description"]
                .as<std::string>(),
            "Handles payments: yes");
}

}  // namespace
}  // namespace daemonize::kubernetes
