// Service -> ServiceAccount + Deployment (+ Service). Mapping table: docs/targets/kubernetes.md.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "daemonize/core/interpolation.hpp"
#include "daemonize/kubernetes/backend.hpp"
#include "daemonize/kubernetes/naming.hpp"
#include "daemonize/kubernetes/pod_environment.hpp"
#include "daemonize/kubernetes/yaml_document.hpp"

namespace daemonize::kubernetes {
namespace {

constexpr std::string_view kNameLabel = "app.kubernetes.io/name";
constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lower;
}

std::optional<std::uint32_t> parse_unsigned(std::string_view text) {
  std::uint32_t number = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, failure] = std::from_chars(text.data(), end, number);
  if (text.empty() || failure != std::errc{} || stop != end) return std::nullopt;
  return number;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  const auto number = parse_unsigned(text);
  if (!number || *number == 0 || *number > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*number);
}

bool is_loopback_or_any(std::string_view host) {
  const auto lower = lowercase(host);
  return lower == "localhost" || lower.starts_with("127.") || lower == "::1" ||
         lower == "0.0.0.0" || lower == "::" || lower.empty();
}

// "host:port" or "[v6]:port" -> (host without brackets, port text); nullopt when malformed.
std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view authority) {
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string host(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (rest.empty()) return std::pair{host, std::string()};
    if (!rest.starts_with(":")) return std::nullopt;
    return std::pair{host, std::string(rest.substr(1))};
  }
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) return std::pair{std::string(authority), std::string()};
  if (authority.find(':') != colon) return std::nullopt;  // a bare IPv6 address needs brackets
  return std::pair{std::string(authority.substr(0, colon)),
                   std::string(authority.substr(colon + 1))};
}

class Renderer {
 public:
  explicit Renderer(const Service& service) : service_(service) {}

  RenderResult render() {
    RenderResult result;
    render_into(result);
    // Report in manifest order, like the loader does.
    std::stable_sort(
        diagnostics_.begin(), diagnostics_.end(), [this](const Diagnostic& a, const Diagnostic& b) {
          const auto first = service_.position_of(a.key);
          const auto second = service_.position_of(b.key);
          return std::tie(first.line, first.column) < std::tie(second.line, second.column);
        });
    result.diagnostics = std::move(diagnostics_);
    if (has_errors(result.diagnostics)) result.artifacts.clear();
    return result;
  }

 private:
  void error(std::string key, std::string message) {
    diagnostics_.push_back(
        {Severity::error, "", 0, 0, std::move(key), "kubernetes: " + std::move(message)});
  }
  void warning(std::string key, std::string message) {
    diagnostics_.push_back(
        {Severity::warning, "", 0, 0, std::move(key), "kubernetes: " + std::move(message)});
  }
  // `$@{VAR}`: kubelet's $(VAR) always gives exactly one argument.
  bool refuse_split(const std::string& key, const std::string& element) {
    const auto name = split_reference(element);
    if (!name) return false;
    error(key, "'" + element + "' cannot be expressed: kubelet expands $(" + *name +
                   ") into exactly one argument and cannot split it into several");
    return true;
  }
  [[nodiscard]] bool written(const std::string& key) const {
    return service_.positions.contains(key);
  }

  // [service] type in a Deployment: the container is the program, in the foreground, restarted
  // after every exit (restartPolicy: Always).
  bool check_service_type() {
    switch (service_.type) {
      case ServiceType::simple:
        return true;
      case ServiceType::forking:
        error("service.type",
              "type = \"forking\" cannot run in a container: the launcher's exit ends the pod; "
              "run the program in the foreground (type = \"simple\")");
        return false;
      case ServiceType::oneshot:
        if (service_.schedule) {
          // A scheduled job would be a CronJob; this target renders Deployments only.
          error("schedule",
                "[schedule] needs a CronJob, which this target does not render yet (it renders "
                "Deployments only); write the CronJob by hand with schedule: \"" +
                    (service_.schedule->cron.empty() ? std::string("<5-field expression>")
                                                     : service_.schedule->cron) +
                    "\"");
          return false;
        }
        error("service.type",
              "type = \"oneshot\" cannot run in a Deployment, which restarts the pod after every "
              "exit; run it as a Kubernetes Job instead (this target renders Deployments only)");
        return false;
      case ServiceType::notify:
        warning("service.type",
                "Kubernetes has no sd_notify: READY=1 is not awaited; readiness comes from "
                "[health] (readinessProbe) only");
        return true;
    }
    return true;
  }

  void render_into(RenderResult& result) {
    if (!service_.kubernetes.image || service_.kubernetes.image->empty()) {
      error("kubernetes.image",
            "[kubernetes].image is required for this target, e.g. image = \"registry.example.com/" +
                service_.name + ":1.0\"");
      return;
    }
    if (!choose_names()) return;
    if (!check_service_type()) return;

    PodEnvironment environment(service_, name_ + "-env", diagnostics_);
    YamlNode container = container_spec(environment);

    YamlNode pod_spec = YamlNode::map();
    pod_spec.set("serviceAccountName", YamlNode::string(service_account_));
    // Without rbac the program has no business with the API server: no token in the pod. The
    // namespace's "default" account is not rendered, so the pod itself says so.
    if (service_.kubernetes.rbac.empty() && service_account_ == "default")
      pod_spec.set("automountServiceAccountToken", YamlNode::boolean(false));
    pod_spec.set("restartPolicy", YamlNode::string("Always"));
    pod_spec.set("terminationGracePeriodSeconds", YamlNode::integer(grace_period_seconds()));
    pod_spec.set("containers", YamlNode::sequence().push(std::move(container)));

    YamlNode deployment = YamlNode::map();
    deployment.set("apiVersion", YamlNode::string("apps/v1"));
    deployment.set("kind", YamlNode::string("Deployment"));
    YamlNode deployment_metadata = metadata(name_);
    YamlNode annotations = YamlNode::map();
    if (!service_.description.empty())
      annotations.set("kubernetes.io/description", YamlNode::string(service_.description));
    if (!service_.documentation.empty()) {
      std::string urls;
      for (const auto& url : service_.documentation) urls += (urls.empty() ? "" : " ") + url;
      annotations.set("daemonize/documentation", YamlNode::string(urls));
    }
    if (!service_.description.empty() || !service_.documentation.empty())
      deployment_metadata.set("annotations", std::move(annotations));
    deployment.set("metadata", std::move(deployment_metadata));
    deployment.set(
        "spec", YamlNode::map()
                    .set("replicas", YamlNode::integer(service_.kubernetes.replicas))
                    .set("selector", YamlNode::map().set("matchLabels", selector_labels()))
                    .set("template", YamlNode::map()
                                         .set("metadata", YamlNode::map().set("labels", labels()))
                                         .set("spec", std::move(pod_spec))));

    check_unexpressible_keys();

    std::string content = "# daemonize: Kubernetes objects for service \"" + service_.name +
                          "\"; review, then `kubectl apply -f " + name_ + ".yaml`.\n";
    if (!environment.secret_keys().empty()) {
      content += "# Secret \"" + name_ + "-env\" (namespace \"" +
                 service_.kubernetes.namespace_name + "\") is not rendered: it must hold the keys ";
      for (std::size_t i = 0; i < environment.secret_keys().size(); ++i) {
        content += (i == 0 ? "" : ", ") + environment.secret_keys()[i];
      }
      content += ".\n";
    }
    // "default" exists in every namespace; rendering it would take it over (and delete it with
    // `kubectl delete -f`).
    if (service_account_ != "default") {
      YamlNode account = YamlNode::map();
      account.set("apiVersion", YamlNode::string("v1"));
      account.set("kind", YamlNode::string("ServiceAccount"));
      account.set("metadata", metadata(service_account_));
      if (service_.kubernetes.rbac.empty())
        account.set("automountServiceAccountToken", YamlNode::boolean(false));
      content += "---\n" + emit_yaml(account);
    }
    if (!service_.kubernetes.rbac.empty() && service_account_ == "default") {
      warning("kubernetes.rbac",
              "the permissions go to the namespace's \"default\" ServiceAccount, which every pod "
              "without an account of its own uses; set [kubernetes] service_account");
    }
    for (const bool cluster : {false, true}) {
      for (const auto& object : access_objects(cluster)) content += "---\n" + emit_yaml(object);
    }
    content += "---\n" + emit_yaml(deployment);
    if (service_.kubernetes.port)
      content += "---\n" + emit_yaml(cluster_service(*service_.kubernetes.port));
    if (auto policy = authorization_policy()) content += "---\n" + emit_yaml(*policy);

    result.artifacts.push_back(Artifact{name_ + ".yaml", "", std::move(content), 0644});
  }

  // Object names are DNS-1123 labels derived from the service name.
  bool choose_names() {
    name_ = derive_object_name(service_.name);
    if (!is_dns1123_label(name_)) {
      error("service.name", "no valid object name results from \"" + service_.name +
                                "\" (lowercased, '_' and '.' as "
                                "'-': \"" +
                                name_ +
                                "\"); Kubernetes names are DNS-1123 labels: at most 63 of a-z, 0-9 "
                                "and '-', starting and ending with a letter or digit");
      return false;
    }
    if (name_ != service_.name) {
      warning("service.name", "objects are named \"" + name_ +
                                  "\" (a DNS-1123 label derived from \"" + service_.name + "\")");
    }
    if (service_.kubernetes.port && !is_dns1035_label(name_)) {
      error("kubernetes.port", "a Service name must start with a letter (DNS-1035 label); \"" +
                                   name_ +
                                   "\" does not: rename the service or drop [kubernetes].port");
      return false;
    }
    service_account_ =
        written("kubernetes.service_account") && !service_.kubernetes.service_account.empty()
            ? service_.kubernetes.service_account
            : name_;
    if (!is_dns1123_label(service_account_)) {
      error("kubernetes.service_account",
            "\"" + service_account_ + "\" is not a DNS-1123 label (a-z, 0-9, '-')");
      return false;
    }
    if (!is_dns1123_label(service_.kubernetes.namespace_name)) {
      error("kubernetes.namespace", "\"" + service_.kubernetes.namespace_name +
                                        "\" is not a DNS-1123 label (a-z, 0-9, '-')");
      return false;
    }
    return true;
  }

  [[nodiscard]] YamlNode selector_labels() const {
    return YamlNode::map().set(std::string(kNameLabel), YamlNode::string(name_));
  }

  [[nodiscard]] YamlNode labels() const {
    return YamlNode::map()
        .set(std::string(kNameLabel), YamlNode::string(name_))
        .set(std::string(kManagedByLabel), YamlNode::string("daemonize"));
  }

  [[nodiscard]] YamlNode metadata(const std::string& object_name) const {
    return YamlNode::map()
        .set("name", YamlNode::string(object_name))
        .set("namespace", YamlNode::string(service_.kubernetes.namespace_name))
        .set("labels", labels());
  }

  [[nodiscard]] YamlNode cluster_service(std::uint16_t port) const {
    YamlNode service = YamlNode::map();
    service.set("apiVersion", YamlNode::string("v1"));
    service.set("kind", YamlNode::string("Service"));
    service.set("metadata", metadata(name_));
    service.set("spec", YamlNode::map()
                            .set("selector", selector_labels())
                            .set("ports", YamlNode::sequence().push(
                                              YamlNode::map()
                                                  .set("port", YamlNode::integer(port))
                                                  .set("targetPort", YamlNode::integer(port))
                                                  .set("protocol", YamlNode::string("TCP")))));
    return service;
  }

  // [kubernetes] rbac: the rules without `cluster` make a Role and a RoleBinding in the namespace,
  // those with `cluster = true` a ClusterRole and a ClusterRoleBinding (named
  // "<namespace>:<name>", as cluster objects share one name space); both bind the ServiceAccount.
  std::vector<YamlNode> access_objects(bool cluster) {
    YamlNode rules = YamlNode::sequence();
    const auto& all = service_.kubernetes.rbac;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].cluster != cluster) continue;
      check_access_rule(all[i], "kubernetes.rbac[" + std::to_string(i) + "]");
      rules.push(policy_rule(all[i]));
    }
    if (rules.empty()) return {};
    const std::string role_kind = cluster ? "ClusterRole" : "Role";
    const std::string object_name =
        cluster ? service_.kubernetes.namespace_name + ":" + name_ : name_;
    const auto object_metadata = [&] {
      if (!cluster) return metadata(object_name);
      return YamlNode::map().set("name", YamlNode::string(object_name)).set("labels", labels());
    };
    YamlNode role = YamlNode::map();
    role.set("apiVersion", YamlNode::string("rbac.authorization.k8s.io/v1"));
    role.set("kind", YamlNode::string(role_kind));
    role.set("metadata", object_metadata());
    role.set("rules", std::move(rules));
    YamlNode binding = YamlNode::map();
    binding.set("apiVersion", YamlNode::string("rbac.authorization.k8s.io/v1"));
    binding.set("kind", YamlNode::string(role_kind + "Binding"));
    binding.set("metadata", object_metadata());
    binding.set("subjects",
                YamlNode::sequence().push(
                    YamlNode::map()
                        .set("kind", YamlNode::string("ServiceAccount"))
                        .set("name", YamlNode::string(service_account_))
                        .set("namespace", YamlNode::string(service_.kubernetes.namespace_name))));
    binding.set("roleRef", YamlNode::map()
                               .set("apiGroup", YamlNode::string("rbac.authorization.k8s.io"))
                               .set("kind", YamlNode::string(role_kind))
                               .set("name", YamlNode::string(object_name)));
    std::vector<YamlNode> objects;
    objects.push_back(std::move(role));
    objects.push_back(std::move(binding));
    return objects;
  }

  static YamlNode policy_rule(const KubernetesAccessRule& rule) {
    const auto list = [](const std::vector<std::string>& values) {
      YamlNode sequence = YamlNode::sequence();
      for (const auto& value : values) sequence.push(YamlNode::string(value));
      return sequence;
    };
    YamlNode policy = YamlNode::map();
    policy.set("apiGroups", list(rule.api_groups));
    policy.set("resources", list(rule.resources));
    if (!rule.resource_names.empty()) policy.set("resourceNames", list(rule.resource_names));
    policy.set("verbs", list(rule.verbs));
    return policy;
  }

  // What the API server would silently not grant.
  void check_access_rule(const KubernetesAccessRule& rule, const std::string& key) {
    static const std::vector<std::string_view> cluster_scoped{"nodes",
                                                              "namespaces",
                                                              "persistentvolumes",
                                                              "storageclasses",
                                                              "clusterroles",
                                                              "clusterrolebindings",
                                                              "customresourcedefinitions",
                                                              "priorityclasses",
                                                              "ingressclasses",
                                                              "runtimeclasses",
                                                              "csidrivers",
                                                              "csinodes",
                                                              "volumeattachments",
                                                              "certificatesigningrequests",
                                                              "validatingwebhookconfigurations",
                                                              "mutatingwebhookconfigurations",
                                                              "apiservices"};
    if (!rule.cluster) {
      for (std::size_t i = 0; i < rule.resources.size(); ++i) {
        const std::string_view resource =
            std::string_view(rule.resources[i]).substr(0, rule.resources[i].find('/'));
        if (std::find(cluster_scoped.begin(), cluster_scoped.end(), resource) ==
            cluster_scoped.end())
          continue;
        warning(key + ".resources[" + std::to_string(i) + "]",
                "\"" + std::string(resource) +
                    "\" are cluster-scoped: a Role grants nothing on them; set cluster = true in "
                    "this rule for a ClusterRole");
      }
    }
    if (rule.resource_names.empty()) return;
    for (std::size_t i = 0; i < rule.verbs.size(); ++i) {
      if (rule.verbs[i] != "create" && rule.verbs[i] != "deletecollection") continue;
      warning(key + ".verbs[" + std::to_string(i) + "]",
              "resource_names cannot restrict \"" + rule.verbs[i] +
                  "\" (the request names no single object): this rule never allows it; put \"" +
                  rule.verbs[i] + "\" in a rule without resource_names");
    }
  }

  // [kubernetes] allow_principals: an Istio ALLOW policy on the pods. Once a workload has an ALLOW
  // policy, Istio denies every request no ALLOW policy matches.
  std::optional<YamlNode> authorization_policy() {
    const auto& principals = service_.kubernetes.allow_principals;
    if (principals.empty()) return std::nullopt;
    YamlNode sources = YamlNode::sequence();
    for (std::size_t i = 0; i < principals.size(); ++i) {
      const auto& principal = principals[i];
      const auto ns = principal.find("/ns/");
      const bool shaped =
          ns != std::string::npos && principal.find("/sa/", ns + 4) != std::string::npos;
      if (!shaped && principal.find('*') == std::string::npos) {
        warning("kubernetes.allow_principals[" + std::to_string(i) + "]",
                "\"" + principal +
                    "\" is not an Istio workload identity "
                    "(<trust domain>/ns/<namespace>/sa/<service account>, e.g. "
                    "\"cluster.local/ns/shop/sa/frontend\"): no caller will match it");
      }
      sources.push(YamlNode::string(principal));
    }
    YamlNode policy = YamlNode::map();
    policy.set("apiVersion", YamlNode::string("security.istio.io/v1"));
    policy.set("kind", YamlNode::string("AuthorizationPolicy"));
    policy.set("metadata", metadata(name_));
    policy.set(
        "spec",
        YamlNode::map()
            .set("selector", YamlNode::map().set("matchLabels", selector_labels()))
            .set("action", YamlNode::string("ALLOW"))
            .set("rules", YamlNode::sequence().push(YamlNode::map().set(
                              "from", YamlNode::sequence().push(YamlNode::map().set(
                                          "source", YamlNode::map().set("principals",
                                                                        std::move(sources))))))));
    return policy;
  }

  // The container's `command` replaces the image's ENTRYPOINT: a path written for a host must
  // exist inside the image, and an entrypoint script of the image does not run.
  void warn_entrypoint_override() {
    const auto& command = service_.command;
    if (command.empty() || command.front() != '/') return;
    warning("service.command",
            "command: [\"" + command + "\"] replaces the ENTRYPOINT of " +
                *service_.kubernetes.image + ": \"" + command +
                "\" must exist in the image, and an entrypoint script of the image (one that "
                "prepares the environment or drops privileges) does not run");
  }

  // Whole seconds for a Kubernetes timing field, with a warning when rounded up.
  // stop.timeout 0 = the stop signal, then SIGKILL at once. The kubelet never waits less than
  // 1 s between the two (pod_workers.go, calculateEffectiveGracePeriod), and 0 in the pod spec
  // reads as "kill at once, no signal first": render what really happens.
  std::int64_t grace_period_seconds() {
    if (service_.stop.timeout.count() == 0) {
      warning("stop.timeout",
              "the kubelet waits at least 1s between the stop signal and SIGKILL: "
              "terminationGracePeriodSeconds is 1, not 0");
      return 1;
    }
    if (is_infinite(service_.stop.timeout)) {
      warning("stop.timeout", "the kubelet cannot wait forever: terminationGracePeriodSeconds is " +
                                  std::to_string(kInfiniteGracePeriodSeconds) + " (one day)");
      return kInfiniteGracePeriodSeconds;
    }
    return seconds_of(service_.stop.timeout, "stop.timeout", 0);
  }

  // stop.timeout = "infinity": the longest grace period rendered.
  static constexpr std::int64_t kInfiniteGracePeriodSeconds = 86'400;

  std::int64_t seconds_of(Duration duration, const std::string& key, std::int64_t minimum) {
    const auto whole = whole_seconds(duration);
    std::int64_t seconds = whole.seconds;
    if (whole.rounded) {
      warning(key, "Kubernetes counts whole seconds: " + std::to_string(duration.count()) +
                       "ms becomes " + std::to_string(seconds) + "s");
    }
    if (seconds < minimum) {
      warning(key, "Kubernetes needs at least " + std::to_string(minimum) +
                       "s here: " + std::to_string(minimum) + "s is used");
      seconds = minimum;
    }
    return seconds;
  }

  // [hooks]: post_start is the container's postStart exec hook, stop its preStop exec hook (kubelet
  // sends the STOPSIGNAL when it ends, within terminationGracePeriodSeconds). One command each;
  // the other hooks, [reload] command and stop.kill have no counterpart in a pod (warnings).
  std::optional<YamlNode> lifecycle_spec(PodEnvironment& environment) {
    YamlNode lifecycle = YamlNode::map();
    bool any = false;
    for (const auto& [phase, field] :
         {std::pair{HookPhase::post_start, "postStart"}, std::pair{HookPhase::stop, "preStop"}}) {
      const auto& hooks = service_.hooks.of(phase);
      if (hooks.empty()) continue;
      const std::string key = "hooks." + std::string(to_string(phase));
      if (hooks.size() > 1) {
        error(key, "kubelet runs one command per lifecycle hook (" + std::string(field) + "): '" +
                       key + "' has " + std::to_string(hooks.size()) +
                       "; use one (a script in the image)");
        continue;
      }
      const auto& hook = hooks.front();
      if (hook.ignore_failure && phase == HookPhase::post_start) {
        warning(key + "[0]",
                "a failing postStart hook always kills the container: "
                "ignore_failure is not expressible");
      }
      if (written(key + "[0].timeout")) {
        warning(key + "[0].timeout",
                "kubelet has no per-hook timeout (preStop is bounded by "
                "terminationGracePeriodSeconds); not expressible");
      }
      YamlNode command = YamlNode::sequence();
      for (std::size_t i = 0; i < hook.argv.size(); ++i) {
        auto argument =
            environment.resolved_now(hook.argv[i], key + "[0][" + std::to_string(i) + "]", true);
        if (!argument) return std::nullopt;
        command.push(YamlNode::string(*argument));
      }
      lifecycle.set(
          field, YamlNode::map().set("exec", YamlNode::map().set("command", std::move(command))));
      any = true;
    }
    for (const auto phase : {HookPhase::pre_start, HookPhase::post_stop, HookPhase::reload}) {
      if (service_.hooks.of(phase).empty()) continue;
      const std::string key = "hooks." + std::string(to_string(phase));
      warning(key, "a pod has no " + key +
                       " counterpart (only post_start and stop map to lifecycle hooks); ignored");
    }
    if (!service_.reload.command.empty())
      warning("reload.command", "a Deployment has no reload; roll out a new revision instead");
    if (service_.stop.kill == KillScope::main) {
      warning("stop.kill",
              "kubelet stops every process of the container; stop.kill = \"main\" "
              "is not expressible");
    }
    if (!any) return std::nullopt;
    return lifecycle;
  }

  YamlNode container_spec(PodEnvironment& environment) {
    YamlNode container = YamlNode::map();
    container.set("name", YamlNode::string(name_));
    container.set("image", YamlNode::string(*service_.kubernetes.image));
    // command + args are the exact argv: kubelet execs them without a shell.
    warn_entrypoint_override();
    container.set("command", YamlNode::sequence().push(YamlNode::string(
                                 environment.for_kubelet(service_.command, "service.command"))));
    if (!service_.args.empty()) {
      YamlNode args = YamlNode::sequence();
      for (std::size_t i = 0; i < service_.args.size(); ++i) {
        const std::string key = "service.args[" + std::to_string(i) + "]";
        if (refuse_split(key, service_.args[i])) continue;
        args.push(YamlNode::string(environment.for_kubelet(service_.args[i], key)));
      }
      container.set("args", std::move(args));
    }
    if (!service_.working_directory.empty()) {
      // kubelet does not expand workingDir: the text is used as written.
      if (auto directory = environment.resolved_now(service_.working_directory,
                                                    "service.working_directory", false)) {
        if (*directory == "~" || directory->starts_with("~/")) {
          // A container has no service user's home to put it in; the image's default applies.
          warning("service.working_directory",
                  "workingDir cannot be relative to a home directory ('" + *directory +
                      "'): not set (the image's working directory applies)");
        } else {
          container.set("workingDir", YamlNode::string(*directory));
        }
      }
    }
    std::optional<HealthProbes> probes;
    if (service_.health) probes = health_probes(*service_.health, environment);
    std::optional<YamlNode> lifecycle = lifecycle_spec(environment);
    // After every other field: they may introduce `${VAR:-d}` defaults.
    YamlNode env = environment.env_list();
    if (!env.empty()) container.set("env", std::move(env));
    if (service_.kubernetes.port) {
      container.set("ports",
                    YamlNode::sequence().push(
                        YamlNode::map()
                            .set("containerPort", YamlNode::integer(*service_.kubernetes.port))
                            .set("protocol", YamlNode::string("TCP"))));
    }
    if (auto resources = resource_spec()) container.set("resources", std::move(*resources));
    if (probes) {
      if (probes->startup) container.set("startupProbe", std::move(*probes->startup));
      container.set("livenessProbe", std::move(probes->liveness));
      container.set("readinessProbe", std::move(probes->readiness));
    }
    if (lifecycle) container.set("lifecycle", std::move(*lifecycle));
    if (auto security = security_context()) container.set("securityContext", std::move(*security));
    return container;
  }

  std::optional<YamlNode> resource_spec() {
    YamlNode amounts = YamlNode::map();
    if (service_.limits.cpu) {
      if (auto cpu = cpu_quantity(*service_.limits.cpu)) {
        amounts.set("cpu", YamlNode::string(*cpu));
      } else {
        error("limits.cpu",
              "limits.cpu must be between 0.001 cores (Kubernetes' 1m step) and 1000000 cores");
      }
    }
    if (service_.limits.memory)
      amounts.set("memory", YamlNode::string(memory_quantity(*service_.limits.memory)));
    if (amounts.empty()) return std::nullopt;
    // Requests equal to limits: the scheduler reserves what the manifest allows (Guaranteed QoS).
    return YamlNode::map().set("limits", amounts).set("requests", amounts);
  }

  std::optional<YamlNode> security_context() {
    const std::string& user = service_.user;
    if (user.empty() || user == "root" || user == "0") return std::nullopt;
    YamlNode security = YamlNode::map();
    security.set("runAsNonRoot", YamlNode::boolean(true));
    if (auto uid = parse_unsigned(user)) {
      security.set("runAsUser", YamlNode::integer(*uid));
    } else {
      warning("service.user",
              "a pod cannot switch to the account \"" + user +
                  "\": it runs as the image's USER (runAsNonRoot: true makes kubelet "
                  "refuse to start it as root)");
    }
    if (!service_.group.empty()) {
      if (auto gid = parse_unsigned(service_.group)) {
        security.set("runAsGroup", YamlNode::integer(*gid));
      } else {
        warning("service.group", "a pod cannot switch to the group \"" + service_.group +
                                     "\": it runs with the image's group");
      }
    }
    return security;
  }

  struct HealthProbes {
    std::optional<YamlNode> startup;
    YamlNode liveness;
    YamlNode readiness;
  };

  // One check, three probes. The watchdog counts no failure inside start_period and restarts the
  // program after `retries` consecutive failures; kubelet: the startupProbe allows start_period
  // plus `retries` failures before the first success, then liveness restarts the container after
  // `retries` failures, while readiness takes the pod out of its Service at the first failure
  // (and back at the next success): traffic stops before a restart is due.
  std::optional<HealthProbes> health_probes(const HealthConfig& health,
                                            PodEnvironment& environment) {
    auto action = probe_action(health, environment);
    if (!action) return std::nullopt;
    const auto period = seconds_of(health.interval, "health.interval", 1);
    const auto timeout = seconds_of(health.timeout, "health.timeout", 1);
    const auto start_period = seconds_of(health.start_period, "health.start_period", 0);
    std::int64_t retries = health.retries;
    if (retries < 1) {
      warning("health.retries", "Kubernetes needs failureThreshold >= 1: 1 is used");
      retries = 1;
    }
    // The first check after `interval`, as under the watchdog.
    const auto probe = [&](std::int64_t initial_delay, std::int64_t failures) {
      YamlNode timed = *action;
      if (initial_delay > 0) timed.set("initialDelaySeconds", YamlNode::integer(initial_delay));
      timed.set("periodSeconds", YamlNode::integer(period));
      timed.set("timeoutSeconds", YamlNode::integer(timeout));
      timed.set("failureThreshold", YamlNode::integer(failures));
      return timed;
    };
    HealthProbes probes;
    if (start_period > 0) {
      // The checks that fall inside start_period, then `retries` more (so failureThreshold x
      // periodSeconds >= start_period).
      const auto checks_in_start = start_period / period;
      probes.startup = probe(period, checks_in_start + retries);
      probes.liveness = probe(0, retries);
      probes.readiness = probe(0, 1);
    } else {
      probes.liveness = probe(period, retries);
      probes.readiness = probe(period, 1);
    }
    return probes;
  }

  std::optional<YamlNode> probe_action(const HealthConfig& health, PodEnvironment& environment) {
    YamlNode probe = YamlNode::map();
    switch (health.check) {
      case HealthCheckKind::http: {
        auto action = http_get_action(health.url, environment);
        if (!action) return std::nullopt;
        probe.set("httpGet", std::move(*action));
        break;
      }
      case HealthCheckKind::tcp: {
        auto action = tcp_socket_action(health.address, environment);
        if (!action) return std::nullopt;
        probe.set("tcpSocket", std::move(*action));
        break;
      }
      case HealthCheckKind::exec: {
        // kubelet passes exec probe argv through its `$(VAR)`/`$$` expansion (static env only).
        YamlNode command = YamlNode::sequence();
        for (std::size_t i = 0; i < health.command.size(); ++i) {
          if (refuse_split("health.command[" + std::to_string(i) + "]", health.command[i]))
            return std::nullopt;
          auto argument = environment.resolved_now(
              health.command[i], "health.command[" + std::to_string(i) + "]", true);
          if (!argument) return std::nullopt;
          command.push(YamlNode::string(*argument));
        }
        probe.set("exec", YamlNode::map().set("command", std::move(command)));
        break;
      }
    }
    return probe;
  }

  void warn_if_loopback(std::string_view host, const std::string& key) {
    if (!is_loopback_or_any(host)) return;
    if (lowercase(host) == "0.0.0.0" || host == "::" || host.empty()) return;
    warning(
        key,
        "kubelet probes the pod's IP, not " + std::string(host) +
            ": the program must listen on the pod's network (e.g. 0.0.0.0), not only on loopback");
  }

  std::optional<YamlNode> http_get_action(const std::string& raw_url, PodEnvironment& environment) {
    const auto url = environment.resolved_now(raw_url, "health.url", false);
    if (!url) return std::nullopt;
    const auto scheme_end = url->find("://");
    const std::string scheme =
        scheme_end == std::string::npos ? "" : lowercase(url->substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") {
      error("health.url", "\"" + *url + "\" is not an http:// or https:// URL");
      return std::nullopt;
    }
    const std::string rest = url->substr(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?#");
    const std::string authority = rest.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : rest.substr(path_start);
    if (const auto fragment = path.find('#'); fragment != std::string::npos) path.resize(fragment);
    if (path.empty() || path.front() != '/') path.insert(0, "/");
    const auto host_port =
        authority.find('@') == std::string::npos ? split_host_port(authority) : std::nullopt;
    if (!host_port) {
      error("health.url",
            "cannot read host and port from \"" + *url + "\" (user info is not supported)");
      return std::nullopt;
    }
    const auto& [host, port_text] = *host_port;
    std::uint16_t port = scheme == "https" ? 443 : 80;
    if (!port_text.empty()) {
      const auto parsed = parse_port(port_text);
      if (!parsed) {
        error("health.url", "\"" + port_text + "\" in \"" + *url + "\" is not a port (1-65535)");
        return std::nullopt;
      }
      port = *parsed;
    }
    YamlNode action = YamlNode::map();
    action.set("path", YamlNode::string(path));
    action.set("port", YamlNode::integer(port));
    if (!is_loopback_or_any(host)) action.set("host", YamlNode::string(host));
    action.set("scheme", YamlNode::string(scheme == "https" ? "HTTPS" : "HTTP"));
    warn_if_loopback(host, "health.url");
    return action;
  }

  std::optional<YamlNode> tcp_socket_action(const std::string& raw_address,
                                            PodEnvironment& environment) {
    const auto address = environment.resolved_now(raw_address, "health.address", false);
    if (!address) return std::nullopt;
    const auto host_port = split_host_port(*address);
    const auto port = host_port ? parse_port(host_port->second) : std::nullopt;
    if (!port) {
      error("health.address", "\"" + *address + "\" is not host:port with a port of 1-65535");
      return std::nullopt;
    }
    YamlNode action = YamlNode::map();
    action.set("port", YamlNode::integer(*port));
    if (!is_loopback_or_any(host_port->first))
      action.set("host", YamlNode::string(host_port->first));
    warn_if_loopback(host_port->first, "health.address");
    return action;
  }

  // Lossless or loud: every key a Deployment cannot express gets a warning naming it.
  void check_unexpressible_keys() {
    const RestartConfig defaults;
    if (service_.restart.policy != RestartPolicy::always) {
      warning("restart.policy", std::string("a Deployment restarts its container after every exit "
                                            "(restartPolicy: Always); restart.policy = \"") +
                                    to_string(service_.restart.policy) + "\"" +
                                    (written("restart.policy") ? "" : " (the default)") +
                                    " cannot be expressed");
    }
    for (const char* key : {"delay", "max_delay", "multiplier", "reset_after", "max_restarts",
                            "window", "success_exit_codes", "prevent_exit_codes"}) {
      const std::string path = std::string("restart.") + key;
      if (written(path)) {
        warning(
            path,
            "kubelet applies its own crash back-off (10s doubling up to 5m, never giving up); " +
                path + " is not expressible");
      }
    }
    if (service_.stop.signal != Signal::term) {
      warning("stop.signal",
              std::string("kubelet stops a container with the image's STOPSIGNAL (SIGTERM "
                          "by default); put `STOPSIGNAL SIG") +
                  to_string(service_.stop.signal) + "` in the image");
    }
    if (written("reload.signal")) {
      warning("reload.signal", "a Deployment has no reload; roll out a new revision instead");
    }
    if (!service_.env_files.empty()) {
      warning("service.env_files",
              "a pod reads no env_files: put their variables into Secret \"" + name_ +
                  "-env\" and list them in required_env, or set them in [env]");
    }
    if (service_.umask)
      warning("service.umask", "a container's umask comes from the image; not expressible");
    if (service_.create_user) {
      warning("service.create_user", "accounts come from the image; create_user does nothing here");
    }
    if (service_.scope == Scope::user) {
      warning("service.scope",
              "scope = \"user\" has no meaning in a cluster; rendered as a Deployment");
    }
    if (service_.limits.nofile) {
      warning("limits.nofile",
              "the open-file limit comes from the container runtime; not expressible");
    }
    if (service_.limits.nproc) {
      warning("limits.nproc",
              "the process limit comes from the container runtime; not expressible");
    }
    if (!service_.dependencies.after.empty()) {
      warning("dependencies.after",
              "pods have no start order; use readiness probes or init containers");
    }
    if (!service_.dependencies.requires_units.empty()) {
      warning("dependencies.requires",
              "pods have no start order; use readiness probes or init containers");
    }
    for (const auto& key : service_.sandbox.keys_set()) {
      warning(key, "'" + key + "' is not enforced; set the pod's securityContext instead");
    }
    for (const auto& key : unit_relation_keys_set(service_)) {
      warning(key, "'" + key + "' is ignored: pods have no such relations or names");
    }
    if (!service_.directories.empty()) {
      warning("directories",
              "[directories] are not created in a container; mount volumes (an emptyDir for "
              "runtime and cache) in the pod");
    }
    if (!service_.dependencies.wants.empty()) {
      warning("dependencies.wants",
              "pods have no start order; use readiness probes or init containers");
    }
    if (!service_.dependencies.requires_mounts_for.empty()) {
      warning("dependencies.requires_mounts_for",
              "a pod's volumes are mounted before it starts; declare them in the pod, not here");
    }
    check_logs();
  }

  // Containers log to stdout/stderr; collecting and rotating them is the cluster's job.
  void check_logs() {
    const auto stream = [&](const LogStream& log, const char* name) {
      const std::string key = std::string("logs.") + name;
      if (log.kind == LogStream::Kind::file) {
        warning(written(key) ? key : "logs",
                std::string("the container's ") + name +
                    " goes to the cluster's log collection, not to \"" + log.file_name +
                    "\"; rotation is the cluster's job");
      } else if (log.kind == LogStream::Kind::null) {
        warning(key, std::string("a container's ") + name +
                         " cannot be discarded; it goes to the cluster's logs");
      }
    };
    const bool logs_written =
        std::any_of(service_.positions.begin(), service_.positions.end(),
                    [](const auto& entry) { return entry.first.starts_with("logs"); });
    if (!logs_written) return;  // defaults: nothing asked for
    stream(service_.logs.stdout_stream, "stdout");
    if (!(service_.logs.stderr_stream == service_.logs.stdout_stream)) {
      stream(service_.logs.stderr_stream, "stderr");
    }
    for (const char* key :
         {"max_size", "max_files", "rotate_every", "timezone", "compress", "timestamps"}) {
      const std::string path = std::string("logs.") + key;
      if (written(path))
        warning(path, path + " does not apply: the cluster collects and rotates container logs");
    }
  }

  const Service& service_;
  std::vector<Diagnostic> diagnostics_;
  std::string name_;
  std::string service_account_;
};

}  // namespace

RenderResult render_kubernetes(const Service& service) { return Renderer(service).render(); }

}  // namespace daemonize::kubernetes
