#include "daemonize/core/interpolation.hpp"
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

#include "daemonize/core/interpolation.hpp"
#include "daemonize/kubernetes/backend.hpp"
#include "daemonize/kubernetes/naming.hpp"
#include "daemonize/kubernetes/pod_environment.hpp"
#include "daemonize/kubernetes/yaml_document.hpp"

#include "daemonize/core/interpolation.hpp"
namespace daemonize::kubernetes {
#include "daemonize/core/interpolation.hpp"
namespace {
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
constexpr std::string_view kNameLabel = "app.kubernetes.io/name";
#include "daemonize/core/interpolation.hpp"
constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
std::string lowercase(std::string_view text) {
#include "daemonize/core/interpolation.hpp"
  std::string lower(text);
#include "daemonize/core/interpolation.hpp"
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
#include "daemonize/core/interpolation.hpp"
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
#include "daemonize/core/interpolation.hpp"
  });
#include "daemonize/core/interpolation.hpp"
  return lower;
#include "daemonize/core/interpolation.hpp"
}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
std::optional<std::uint32_t> parse_unsigned(std::string_view text) {
#include "daemonize/core/interpolation.hpp"
  std::uint32_t number = 0;
#include "daemonize/core/interpolation.hpp"
  const auto* end = text.data() + text.size();
#include "daemonize/core/interpolation.hpp"
  const auto [stop, failure] = std::from_chars(text.data(), end, number);
#include "daemonize/core/interpolation.hpp"
  if (text.empty() || failure != std::errc{} || stop != end) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
  return number;
#include "daemonize/core/interpolation.hpp"
}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
std::optional<std::uint16_t> parse_port(std::string_view text) {
#include "daemonize/core/interpolation.hpp"
  const auto number = parse_unsigned(text);
#include "daemonize/core/interpolation.hpp"
  if (!number || *number == 0 || *number > 65535) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
  return static_cast<std::uint16_t>(*number);
#include "daemonize/core/interpolation.hpp"
}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
bool is_loopback_or_any(std::string_view host) {
#include "daemonize/core/interpolation.hpp"
  const auto lower = lowercase(host);
#include "daemonize/core/interpolation.hpp"
  return lower == "localhost" || lower.starts_with("127.") || lower == "::1" ||
#include "daemonize/core/interpolation.hpp"
         lower == "0.0.0.0" || lower == "::" || lower.empty();
#include "daemonize/core/interpolation.hpp"
}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
// "host:port" or "[v6]:port" -> (host without brackets, port text); nullopt when malformed.
#include "daemonize/core/interpolation.hpp"
std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view authority) {
#include "daemonize/core/interpolation.hpp"
  if (authority.starts_with("[")) {
#include "daemonize/core/interpolation.hpp"
    const auto close = authority.find(']');
#include "daemonize/core/interpolation.hpp"
    if (close == std::string_view::npos) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    std::string host(authority.substr(1, close - 1));
#include "daemonize/core/interpolation.hpp"
    const auto rest = authority.substr(close + 1);
#include "daemonize/core/interpolation.hpp"
    if (rest.empty()) return std::pair{host, std::string()};
#include "daemonize/core/interpolation.hpp"
    if (!rest.starts_with(":")) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    return std::pair{host, std::string(rest.substr(1))};
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"
  const auto colon = authority.rfind(':');
#include "daemonize/core/interpolation.hpp"
  if (colon == std::string_view::npos) return std::pair{std::string(authority), std::string()};
#include "daemonize/core/interpolation.hpp"
  if (authority.find(':') != colon) return std::nullopt;  // a bare IPv6 address needs brackets
#include "daemonize/core/interpolation.hpp"
  return std::pair{std::string(authority.substr(0, colon)),
#include "daemonize/core/interpolation.hpp"
                   std::string(authority.substr(colon + 1))};
#include "daemonize/core/interpolation.hpp"
}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
class Renderer {
#include "daemonize/core/interpolation.hpp"
 public:
#include "daemonize/core/interpolation.hpp"
  explicit Renderer(const Service& service) : service_(service) {}
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  RenderResult render() {
#include "daemonize/core/interpolation.hpp"
    RenderResult result;
#include "daemonize/core/interpolation.hpp"
    render_into(result);
#include "daemonize/core/interpolation.hpp"
    // Report in manifest order, like the loader does.
#include "daemonize/core/interpolation.hpp"
    std::stable_sort(
#include "daemonize/core/interpolation.hpp"
        diagnostics_.begin(), diagnostics_.end(), [this](const Diagnostic& a, const Diagnostic& b) {
#include "daemonize/core/interpolation.hpp"
          const auto first = service_.position_of(a.key);
#include "daemonize/core/interpolation.hpp"
          const auto second = service_.position_of(b.key);
#include "daemonize/core/interpolation.hpp"
          return std::tie(first.line, first.column) < std::tie(second.line, second.column);
#include "daemonize/core/interpolation.hpp"
        });
#include "daemonize/core/interpolation.hpp"
    result.diagnostics = std::move(diagnostics_);
#include "daemonize/core/interpolation.hpp"
    if (has_errors(result.diagnostics)) result.artifacts.clear();
#include "daemonize/core/interpolation.hpp"
    return result;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
 private:
#include "daemonize/core/interpolation.hpp"
  void error(std::string key, std::string message) {
#include "daemonize/core/interpolation.hpp"
    diagnostics_.push_back(
#include "daemonize/core/interpolation.hpp"
        {Severity::error, "", 0, 0, std::move(key), "kubernetes: " + std::move(message)});
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"
  // `$@{VAR}`: kubelet's $(VAR) always gives exactly one argument.
#include "daemonize/core/interpolation.hpp"
  bool refuse_split(const std::string& key, const std::string& element) {
#include "daemonize/core/interpolation.hpp"
    const auto name = split_reference(element);
#include "daemonize/core/interpolation.hpp"
    if (!name) return false;
#include "daemonize/core/interpolation.hpp"
    error(key, "'" + element + "' cannot be expressed: kubelet expands $(" + *name +
#include "daemonize/core/interpolation.hpp"
                   ") into exactly one argument and cannot split it into several");
#include "daemonize/core/interpolation.hpp"
    return true;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"
  void warning(std::string key, std::string message) {
#include "daemonize/core/interpolation.hpp"
    diagnostics_.push_back(
#include "daemonize/core/interpolation.hpp"
        {Severity::warning, "", 0, 0, std::move(key), "kubernetes: " + std::move(message)});
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"
  [[nodiscard]] bool written(const std::string& key) const {
#include "daemonize/core/interpolation.hpp"
    return service_.positions.contains(key);
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  void render_into(RenderResult& result) {
#include "daemonize/core/interpolation.hpp"
    if (!service_.kubernetes.image || service_.kubernetes.image->empty()) {
#include "daemonize/core/interpolation.hpp"
      error("kubernetes.image",
#include "daemonize/core/interpolation.hpp"
            "[kubernetes].image is required for this target, e.g. image = \"registry.example.com/" +
#include "daemonize/core/interpolation.hpp"
                service_.name + ":1.0\"");
#include "daemonize/core/interpolation.hpp"
      return;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!choose_names()) return;
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    PodEnvironment environment(service_, name_ + "-env", diagnostics_);
#include "daemonize/core/interpolation.hpp"
    YamlNode container = container_spec(environment);
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    YamlNode pod_spec = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    pod_spec.set("serviceAccountName", YamlNode::string(service_account_));
#include "daemonize/core/interpolation.hpp"
    pod_spec.set("restartPolicy", YamlNode::string("Always"));
#include "daemonize/core/interpolation.hpp"
    pod_spec.set("terminationGracePeriodSeconds", YamlNode::integer(grace_period_seconds()));
#include "daemonize/core/interpolation.hpp"
    pod_spec.set("containers", YamlNode::sequence().push(std::move(container)));
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    YamlNode deployment = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    deployment.set("apiVersion", YamlNode::string("apps/v1"));
#include "daemonize/core/interpolation.hpp"
    deployment.set("kind", YamlNode::string("Deployment"));
#include "daemonize/core/interpolation.hpp"
    YamlNode deployment_metadata = metadata(name_);
#include "daemonize/core/interpolation.hpp"
    if (!service_.description.empty()) {
#include "daemonize/core/interpolation.hpp"
      deployment_metadata.set(
#include "daemonize/core/interpolation.hpp"
          "annotations",
#include "daemonize/core/interpolation.hpp"
          YamlNode::map().set("kubernetes.io/description", YamlNode::string(service_.description)));
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    deployment.set("metadata", std::move(deployment_metadata));
#include "daemonize/core/interpolation.hpp"
    deployment.set(
#include "daemonize/core/interpolation.hpp"
        "spec", YamlNode::map()
#include "daemonize/core/interpolation.hpp"
                    .set("replicas", YamlNode::integer(service_.kubernetes.replicas))
#include "daemonize/core/interpolation.hpp"
                    .set("selector", YamlNode::map().set("matchLabels", selector_labels()))
#include "daemonize/core/interpolation.hpp"
                    .set("template", YamlNode::map()
#include "daemonize/core/interpolation.hpp"
                                         .set("metadata", YamlNode::map().set("labels", labels()))
#include "daemonize/core/interpolation.hpp"
                                         .set("spec", std::move(pod_spec))));
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    check_unexpressible_keys();
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    std::string content = "# daemonize: Kubernetes objects for service \"" + service_.name +
#include "daemonize/core/interpolation.hpp"
                          "\"; review, then `kubectl apply -f " + name_ + ".yaml`.\n";
#include "daemonize/core/interpolation.hpp"
    if (!environment.secret_keys().empty()) {
#include "daemonize/core/interpolation.hpp"
      content += "# Secret \"" + name_ + "-env\" (namespace \"" +
#include "daemonize/core/interpolation.hpp"
                 service_.kubernetes.namespace_name + "\") is not rendered: it must hold the keys ";
#include "daemonize/core/interpolation.hpp"
      for (std::size_t i = 0; i < environment.secret_keys().size(); ++i) {
#include "daemonize/core/interpolation.hpp"
        content += (i == 0 ? "" : ", ") + environment.secret_keys()[i];
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
      content += ".\n";
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    // "default" exists in every namespace; rendering it would take it over (and delete it with
#include "daemonize/core/interpolation.hpp"
    // `kubectl delete -f`).
#include "daemonize/core/interpolation.hpp"
    if (service_account_ != "default") {
#include "daemonize/core/interpolation.hpp"
      YamlNode account = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
      account.set("apiVersion", YamlNode::string("v1"));
#include "daemonize/core/interpolation.hpp"
      account.set("kind", YamlNode::string("ServiceAccount"));
#include "daemonize/core/interpolation.hpp"
      account.set("metadata", metadata(service_account_));
#include "daemonize/core/interpolation.hpp"
      content += "---\n" + emit_yaml(account);
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    content += "---\n" + emit_yaml(deployment);
#include "daemonize/core/interpolation.hpp"
    if (service_.kubernetes.port)
#include "daemonize/core/interpolation.hpp"
      content += "---\n" + emit_yaml(cluster_service(*service_.kubernetes.port));
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
    result.artifacts.push_back(Artifact{name_ + ".yaml", "", std::move(content), 0644});
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  // Object names are DNS-1123 labels derived from the service name.
#include "daemonize/core/interpolation.hpp"
  bool choose_names() {
#include "daemonize/core/interpolation.hpp"
    name_ = derive_object_name(service_.name);
#include "daemonize/core/interpolation.hpp"
    if (!is_dns1123_label(name_)) {
#include "daemonize/core/interpolation.hpp"
      error("service.name", "no valid object name results from \"" + service_.name +
#include "daemonize/core/interpolation.hpp"
                                "\" (lowercased, '_' and '.' as "
#include "daemonize/core/interpolation.hpp"
                                "'-': \"" +
#include "daemonize/core/interpolation.hpp"
                                name_ +
#include "daemonize/core/interpolation.hpp"
                                "\"); Kubernetes names are DNS-1123 labels: at most 63 of a-z, 0-9 "
#include "daemonize/core/interpolation.hpp"
                                "and '-', starting and ending with a letter or digit");
#include "daemonize/core/interpolation.hpp"
      return false;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (name_ != service_.name) {
#include "daemonize/core/interpolation.hpp"
      warning("service.name", "objects are named \"" + name_ +
#include "daemonize/core/interpolation.hpp"
                                  "\" (a DNS-1123 label derived from \"" + service_.name + "\")");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.kubernetes.port && !is_dns1035_label(name_)) {
#include "daemonize/core/interpolation.hpp"
      error("kubernetes.port", "a Service name must start with a letter (DNS-1035 label); \"" +
#include "daemonize/core/interpolation.hpp"
                                   name_ +
#include "daemonize/core/interpolation.hpp"
                                   "\" does not: rename the service or drop [kubernetes].port");
#include "daemonize/core/interpolation.hpp"
      return false;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    service_account_ =
#include "daemonize/core/interpolation.hpp"
        written("kubernetes.service_account") && !service_.kubernetes.service_account.empty()
#include "daemonize/core/interpolation.hpp"
            ? service_.kubernetes.service_account
#include "daemonize/core/interpolation.hpp"
            : name_;
#include "daemonize/core/interpolation.hpp"
    if (!is_dns1123_label(service_account_)) {
#include "daemonize/core/interpolation.hpp"
      error("kubernetes.service_account",
#include "daemonize/core/interpolation.hpp"
            "\"" + service_account_ + "\" is not a DNS-1123 label (a-z, 0-9, '-')");
#include "daemonize/core/interpolation.hpp"
      return false;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!is_dns1123_label(service_.kubernetes.namespace_name)) {
#include "daemonize/core/interpolation.hpp"
      error("kubernetes.namespace", "\"" + service_.kubernetes.namespace_name +
#include "daemonize/core/interpolation.hpp"
                                        "\" is not a DNS-1123 label (a-z, 0-9, '-')");
#include "daemonize/core/interpolation.hpp"
      return false;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    return true;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  [[nodiscard]] YamlNode selector_labels() const {
#include "daemonize/core/interpolation.hpp"
    return YamlNode::map().set(std::string(kNameLabel), YamlNode::string(name_));
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  [[nodiscard]] YamlNode labels() const {
#include "daemonize/core/interpolation.hpp"
    return YamlNode::map()
#include "daemonize/core/interpolation.hpp"
        .set(std::string(kNameLabel), YamlNode::string(name_))
#include "daemonize/core/interpolation.hpp"
        .set(std::string(kManagedByLabel), YamlNode::string("daemonize"));
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  [[nodiscard]] YamlNode metadata(const std::string& object_name) const {
#include "daemonize/core/interpolation.hpp"
    return YamlNode::map()
#include "daemonize/core/interpolation.hpp"
        .set("name", YamlNode::string(object_name))
#include "daemonize/core/interpolation.hpp"
        .set("namespace", YamlNode::string(service_.kubernetes.namespace_name))
#include "daemonize/core/interpolation.hpp"
        .set("labels", labels());
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  [[nodiscard]] YamlNode cluster_service(std::uint16_t port) const {
#include "daemonize/core/interpolation.hpp"
    YamlNode service = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    service.set("apiVersion", YamlNode::string("v1"));
#include "daemonize/core/interpolation.hpp"
    service.set("kind", YamlNode::string("Service"));
#include "daemonize/core/interpolation.hpp"
    service.set("metadata", metadata(name_));
#include "daemonize/core/interpolation.hpp"
    service.set("spec", YamlNode::map()
#include "daemonize/core/interpolation.hpp"
                            .set("selector", selector_labels())
#include "daemonize/core/interpolation.hpp"
                            .set("ports", YamlNode::sequence().push(
#include "daemonize/core/interpolation.hpp"
                                              YamlNode::map()
#include "daemonize/core/interpolation.hpp"
                                                  .set("port", YamlNode::integer(port))
#include "daemonize/core/interpolation.hpp"
                                                  .set("targetPort", YamlNode::integer(port))
#include "daemonize/core/interpolation.hpp"
                                                  .set("protocol", YamlNode::string("TCP")))));
#include "daemonize/core/interpolation.hpp"
    return service;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  // Whole seconds for a Kubernetes timing field, with a warning when rounded up.
#include "daemonize/core/interpolation.hpp"
  // stop.timeout 0 = the stop signal, then SIGKILL at once. The kubelet never waits less than
#include "daemonize/core/interpolation.hpp"
  // 1 s between the two (pod_workers.go, calculateEffectiveGracePeriod), and 0 in the pod spec
#include "daemonize/core/interpolation.hpp"
  // reads as "kill at once, no signal first": render what really happens.
#include "daemonize/core/interpolation.hpp"
  std::int64_t grace_period_seconds() {
#include "daemonize/core/interpolation.hpp"
    if (service_.stop.timeout.count() == 0) {
#include "daemonize/core/interpolation.hpp"
      warning("stop.timeout",
#include "daemonize/core/interpolation.hpp"
              "the kubelet waits at least 1s between the stop signal and SIGKILL: "
#include "daemonize/core/interpolation.hpp"
              "terminationGracePeriodSeconds is 1, not 0");
#include "daemonize/core/interpolation.hpp"
      return 1;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    return seconds_of(service_.stop.timeout, "stop.timeout", 0);
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::int64_t seconds_of(Duration duration, const std::string& key, std::int64_t minimum) {
#include "daemonize/core/interpolation.hpp"
    const auto whole = whole_seconds(duration);
#include "daemonize/core/interpolation.hpp"
    std::int64_t seconds = whole.seconds;
#include "daemonize/core/interpolation.hpp"
    if (whole.rounded) {
#include "daemonize/core/interpolation.hpp"
      warning(key, "Kubernetes counts whole seconds: " + std::to_string(duration.count()) +
#include "daemonize/core/interpolation.hpp"
                       "ms becomes " + std::to_string(seconds) + "s");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (seconds < minimum) {
#include "daemonize/core/interpolation.hpp"
      warning(key, "Kubernetes needs at least " + std::to_string(minimum) +
#include "daemonize/core/interpolation.hpp"
                       "s here: " + std::to_string(minimum) + "s is used");
#include "daemonize/core/interpolation.hpp"
      seconds = minimum;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    return seconds;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  YamlNode container_spec(PodEnvironment& environment) {
#include "daemonize/core/interpolation.hpp"
    YamlNode container = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    container.set("name", YamlNode::string(name_));
#include "daemonize/core/interpolation.hpp"
    container.set("image", YamlNode::string(*service_.kubernetes.image));
#include "daemonize/core/interpolation.hpp"
    // command + args are the exact argv: kubelet execs them without a shell.
#include "daemonize/core/interpolation.hpp"
    container.set("command", YamlNode::sequence().push(YamlNode::string(
#include "daemonize/core/interpolation.hpp"
                                 environment.for_kubelet(service_.command, "service.command"))));
#include "daemonize/core/interpolation.hpp"
    if (!service_.args.empty()) {
#include "daemonize/core/interpolation.hpp"
      YamlNode args = YamlNode::sequence();
#include "daemonize/core/interpolation.hpp"
      for (std::size_t i = 0; i < service_.args.size(); ++i) {
#include "daemonize/core/interpolation.hpp"
        const std::string key = "service.args[" + std::to_string(i) + "]";
#include "daemonize/core/interpolation.hpp"
        if (refuse_split(key, service_.args[i])) continue;
#include "daemonize/core/interpolation.hpp"
        args.push(YamlNode::string(environment.for_kubelet(service_.args[i], key)));
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
      container.set("args", std::move(args));
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.working_directory.empty()) {
#include "daemonize/core/interpolation.hpp"
      // kubelet does not expand workingDir: the text is used as written.
#include "daemonize/core/interpolation.hpp"
      if (auto directory = environment.resolved_now(service_.working_directory,
#include "daemonize/core/interpolation.hpp"
                                                    "service.working_directory", false)) {
#include "daemonize/core/interpolation.hpp"
        if (*directory == "~" || directory->starts_with("~/")) {
#include "daemonize/core/interpolation.hpp"
          // A container has no service user's home to put it in; the image's default applies.
#include "daemonize/core/interpolation.hpp"
          warning("service.working_directory",
#include "daemonize/core/interpolation.hpp"
                  "workingDir cannot be relative to a home directory ('" + *directory +
#include "daemonize/core/interpolation.hpp"
                      "'): not set (the image's working directory applies)");
#include "daemonize/core/interpolation.hpp"
        } else {
#include "daemonize/core/interpolation.hpp"
          container.set("workingDir", YamlNode::string(*directory));
#include "daemonize/core/interpolation.hpp"
        }
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    std::optional<YamlNode> probe;
#include "daemonize/core/interpolation.hpp"
    if (service_.health) probe = health_probe(*service_.health, environment);
#include "daemonize/core/interpolation.hpp"
      // After every other field: they may introduce `${VAR:-d}` defaults.
#include "daemonize/core/interpolation.hpp"
    YamlNode env = environment.env_list();
#include "daemonize/core/interpolation.hpp"
    if (!env.empty()) container.set("env", std::move(env));
#include "daemonize/core/interpolation.hpp"
    if (service_.kubernetes.port) {
#include "daemonize/core/interpolation.hpp"
      container.set("ports",
#include "daemonize/core/interpolation.hpp"
                    YamlNode::sequence().push(
#include "daemonize/core/interpolation.hpp"
                        YamlNode::map()
#include "daemonize/core/interpolation.hpp"
                            .set("containerPort", YamlNode::integer(*service_.kubernetes.port))
#include "daemonize/core/interpolation.hpp"
                            .set("protocol", YamlNode::string("TCP"))));
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (auto resources = resource_spec()) container.set("resources", std::move(*resources));
#include "daemonize/core/interpolation.hpp"
    if (probe) {
#include "daemonize/core/interpolation.hpp"
      container.set("livenessProbe", *probe);
#include "daemonize/core/interpolation.hpp"
      container.set("readinessProbe", std::move(*probe));
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (auto security = security_context()) container.set("securityContext", std::move(*security));
#include "daemonize/core/interpolation.hpp"
    return container;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::optional<YamlNode> resource_spec() {
#include "daemonize/core/interpolation.hpp"
    YamlNode amounts = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    if (service_.limits.cpu) {
#include "daemonize/core/interpolation.hpp"
      if (auto cpu = cpu_quantity(*service_.limits.cpu)) {
#include "daemonize/core/interpolation.hpp"
        amounts.set("cpu", YamlNode::string(*cpu));
#include "daemonize/core/interpolation.hpp"
      } else {
#include "daemonize/core/interpolation.hpp"
        error("limits.cpu",
#include "daemonize/core/interpolation.hpp"
              "limits.cpu must be between 0.001 cores (Kubernetes' 1m step) and 1000000 cores");
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.limits.memory)
#include "daemonize/core/interpolation.hpp"
      amounts.set("memory", YamlNode::string(memory_quantity(*service_.limits.memory)));
#include "daemonize/core/interpolation.hpp"
    if (amounts.empty()) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
      // Requests equal to limits: the scheduler reserves what the manifest allows (Guaranteed QoS).
#include "daemonize/core/interpolation.hpp"
    return YamlNode::map().set("limits", amounts).set("requests", amounts);
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::optional<YamlNode> security_context() {
#include "daemonize/core/interpolation.hpp"
    const std::string& user = service_.user;
#include "daemonize/core/interpolation.hpp"
    if (user.empty() || user == "root" || user == "0") return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    YamlNode security = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    security.set("runAsNonRoot", YamlNode::boolean(true));
#include "daemonize/core/interpolation.hpp"
    if (auto uid = parse_unsigned(user)) {
#include "daemonize/core/interpolation.hpp"
      security.set("runAsUser", YamlNode::integer(*uid));
#include "daemonize/core/interpolation.hpp"
    } else {
#include "daemonize/core/interpolation.hpp"
      warning("service.user",
#include "daemonize/core/interpolation.hpp"
              "a pod cannot switch to the account \"" + user +
#include "daemonize/core/interpolation.hpp"
                  "\": it runs as the image's USER (runAsNonRoot: true makes kubelet "
#include "daemonize/core/interpolation.hpp"
                  "refuse to start it as root)");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.group.empty()) {
#include "daemonize/core/interpolation.hpp"
      if (auto gid = parse_unsigned(service_.group)) {
#include "daemonize/core/interpolation.hpp"
        security.set("runAsGroup", YamlNode::integer(*gid));
#include "daemonize/core/interpolation.hpp"
      } else {
#include "daemonize/core/interpolation.hpp"
        warning("service.group", "a pod cannot switch to the group \"" + service_.group +
#include "daemonize/core/interpolation.hpp"
                                     "\": it runs with the image's group");
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    return security;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::optional<YamlNode> health_probe(const HealthConfig& health, PodEnvironment& environment) {
#include "daemonize/core/interpolation.hpp"
    YamlNode probe = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    switch (health.check) {
#include "daemonize/core/interpolation.hpp"
      case HealthCheckKind::http: {
#include "daemonize/core/interpolation.hpp"
        auto action = http_get_action(health.url, environment);
#include "daemonize/core/interpolation.hpp"
        if (!action) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
        probe.set("httpGet", std::move(*action));
#include "daemonize/core/interpolation.hpp"
        break;
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
      case HealthCheckKind::tcp: {
#include "daemonize/core/interpolation.hpp"
        auto action = tcp_socket_action(health.address, environment);
#include "daemonize/core/interpolation.hpp"
        if (!action) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
        probe.set("tcpSocket", std::move(*action));
#include "daemonize/core/interpolation.hpp"
        break;
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
      case HealthCheckKind::exec: {
#include "daemonize/core/interpolation.hpp"
        // kubelet passes exec probe argv through its `$(VAR)`/`$$` expansion (static env only).
#include "daemonize/core/interpolation.hpp"
        YamlNode command = YamlNode::sequence();
#include "daemonize/core/interpolation.hpp"
        for (std::size_t i = 0; i < health.command.size(); ++i) {
#include "daemonize/core/interpolation.hpp"
          if (refuse_split("health.command[" + std::to_string(i) + "]", health.command[i]))
#include "daemonize/core/interpolation.hpp"
            return std::nullopt;
#include "daemonize/core/interpolation.hpp"
          auto argument = environment.resolved_now(
#include "daemonize/core/interpolation.hpp"
              health.command[i], "health.command[" + std::to_string(i) + "]", true);
#include "daemonize/core/interpolation.hpp"
          if (!argument) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
          command.push(YamlNode::string(*argument));
#include "daemonize/core/interpolation.hpp"
        }
#include "daemonize/core/interpolation.hpp"
        probe.set("exec", YamlNode::map().set("command", std::move(command)));
#include "daemonize/core/interpolation.hpp"
        break;
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
      // The first probe after `interval` (as the watchdog does), and none inside start_period,
#include "daemonize/core/interpolation.hpp"
      // whose failures the watchdog never counts.
#include "daemonize/core/interpolation.hpp"
    const auto period = seconds_of(health.interval, "health.interval", 1);
#include "daemonize/core/interpolation.hpp"
    const auto initial_delay =
#include "daemonize/core/interpolation.hpp"
        std::max(seconds_of(health.start_period, "health.start_period", 0), period);
#include "daemonize/core/interpolation.hpp"
    probe.set("initialDelaySeconds", YamlNode::integer(initial_delay));
#include "daemonize/core/interpolation.hpp"
    probe.set("periodSeconds", YamlNode::integer(period));
#include "daemonize/core/interpolation.hpp"
    probe.set("timeoutSeconds", YamlNode::integer(seconds_of(health.timeout, "health.timeout", 1)));
#include "daemonize/core/interpolation.hpp"
    std::int64_t failures = health.retries;
#include "daemonize/core/interpolation.hpp"
    if (failures < 1) {
#include "daemonize/core/interpolation.hpp"
      warning("health.retries", "Kubernetes needs failureThreshold >= 1: 1 is used");
#include "daemonize/core/interpolation.hpp"
      failures = 1;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    probe.set("failureThreshold", YamlNode::integer(failures));
#include "daemonize/core/interpolation.hpp"
    return probe;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  void warn_if_loopback(std::string_view host, const std::string& key) {
#include "daemonize/core/interpolation.hpp"
    if (!is_loopback_or_any(host)) return;
#include "daemonize/core/interpolation.hpp"
    if (lowercase(host) == "0.0.0.0" || host == "::" || host.empty()) return;
#include "daemonize/core/interpolation.hpp"
    warning(
#include "daemonize/core/interpolation.hpp"
        key,
#include "daemonize/core/interpolation.hpp"
        "kubelet probes the pod's IP, not " + std::string(host) +
#include "daemonize/core/interpolation.hpp"
            ": the program must listen on the pod's network (e.g. 0.0.0.0), not only on loopback");
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::optional<YamlNode> http_get_action(const std::string& raw_url, PodEnvironment& environment) {
#include "daemonize/core/interpolation.hpp"
    const auto url = environment.resolved_now(raw_url, "health.url", false);
#include "daemonize/core/interpolation.hpp"
    if (!url) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    const auto scheme_end = url->find("://");
#include "daemonize/core/interpolation.hpp"
    const std::string scheme =
#include "daemonize/core/interpolation.hpp"
        scheme_end == std::string::npos ? "" : lowercase(url->substr(0, scheme_end));
#include "daemonize/core/interpolation.hpp"
    if (scheme != "http" && scheme != "https") {
#include "daemonize/core/interpolation.hpp"
      error("health.url", "\"" + *url + "\" is not an http:// or https:// URL");
#include "daemonize/core/interpolation.hpp"
      return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    const std::string rest = url->substr(scheme_end + 3);
#include "daemonize/core/interpolation.hpp"
    const auto path_start = rest.find_first_of("/?#");
#include "daemonize/core/interpolation.hpp"
    const std::string authority = rest.substr(0, path_start);
#include "daemonize/core/interpolation.hpp"
    std::string path = path_start == std::string::npos ? "/" : rest.substr(path_start);
#include "daemonize/core/interpolation.hpp"
    if (const auto fragment = path.find('#'); fragment != std::string::npos) path.resize(fragment);
#include "daemonize/core/interpolation.hpp"
    if (path.empty() || path.front() != '/') path.insert(0, "/");
#include "daemonize/core/interpolation.hpp"
    const auto host_port =
#include "daemonize/core/interpolation.hpp"
        authority.find('@') == std::string::npos ? split_host_port(authority) : std::nullopt;
#include "daemonize/core/interpolation.hpp"
    if (!host_port) {
#include "daemonize/core/interpolation.hpp"
      error("health.url",
#include "daemonize/core/interpolation.hpp"
            "cannot read host and port from \"" + *url + "\" (user info is not supported)");
#include "daemonize/core/interpolation.hpp"
      return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    const auto& [host, port_text] = *host_port;
#include "daemonize/core/interpolation.hpp"
    std::uint16_t port = scheme == "https" ? 443 : 80;
#include "daemonize/core/interpolation.hpp"
    if (!port_text.empty()) {
#include "daemonize/core/interpolation.hpp"
      const auto parsed = parse_port(port_text);
#include "daemonize/core/interpolation.hpp"
      if (!parsed) {
#include "daemonize/core/interpolation.hpp"
        error("health.url", "\"" + port_text + "\" in \"" + *url + "\" is not a port (1-65535)");
#include "daemonize/core/interpolation.hpp"
        return std::nullopt;
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
      port = *parsed;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    YamlNode action = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    action.set("path", YamlNode::string(path));
#include "daemonize/core/interpolation.hpp"
    action.set("port", YamlNode::integer(port));
#include "daemonize/core/interpolation.hpp"
    if (!is_loopback_or_any(host)) action.set("host", YamlNode::string(host));
#include "daemonize/core/interpolation.hpp"
    action.set("scheme", YamlNode::string(scheme == "https" ? "HTTPS" : "HTTP"));
#include "daemonize/core/interpolation.hpp"
    warn_if_loopback(host, "health.url");
#include "daemonize/core/interpolation.hpp"
    return action;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  std::optional<YamlNode> tcp_socket_action(const std::string& raw_address,
#include "daemonize/core/interpolation.hpp"
                                            PodEnvironment& environment) {
#include "daemonize/core/interpolation.hpp"
    const auto address = environment.resolved_now(raw_address, "health.address", false);
#include "daemonize/core/interpolation.hpp"
    if (!address) return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    const auto host_port = split_host_port(*address);
#include "daemonize/core/interpolation.hpp"
    const auto port = host_port ? parse_port(host_port->second) : std::nullopt;
#include "daemonize/core/interpolation.hpp"
    if (!port) {
#include "daemonize/core/interpolation.hpp"
      error("health.address", "\"" + *address + "\" is not host:port with a port of 1-65535");
#include "daemonize/core/interpolation.hpp"
      return std::nullopt;
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    YamlNode action = YamlNode::map();
#include "daemonize/core/interpolation.hpp"
    action.set("port", YamlNode::integer(*port));
#include "daemonize/core/interpolation.hpp"
    if (!is_loopback_or_any(host_port->first))
#include "daemonize/core/interpolation.hpp"
      action.set("host", YamlNode::string(host_port->first));
#include "daemonize/core/interpolation.hpp"
    warn_if_loopback(host_port->first, "health.address");
#include "daemonize/core/interpolation.hpp"
    return action;
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  // Lossless or loud: every key a Deployment cannot express gets a warning naming it.
#include "daemonize/core/interpolation.hpp"
  void check_unexpressible_keys() {
#include "daemonize/core/interpolation.hpp"
    const RestartConfig defaults;
#include "daemonize/core/interpolation.hpp"
    if (service_.restart.policy != RestartPolicy::always) {
#include "daemonize/core/interpolation.hpp"
      warning("restart.policy", std::string("a Deployment restarts its container after every exit "
#include "daemonize/core/interpolation.hpp"
                                            "(restartPolicy: Always); restart.policy = \"") +
#include "daemonize/core/interpolation.hpp"
                                    to_string(service_.restart.policy) + "\"" +
#include "daemonize/core/interpolation.hpp"
                                    (written("restart.policy") ? "" : " (the default)") +
#include "daemonize/core/interpolation.hpp"
                                    " cannot be expressed");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    for (const char* key : {"delay", "max_delay", "multiplier", "reset_after", "max_restarts",
#include "daemonize/core/interpolation.hpp"
                            "window", "success_exit_codes"}) {
#include "daemonize/core/interpolation.hpp"
      const std::string path = std::string("restart.") + key;
#include "daemonize/core/interpolation.hpp"
      if (written(path)) {
#include "daemonize/core/interpolation.hpp"
        warning(
#include "daemonize/core/interpolation.hpp"
            path,
#include "daemonize/core/interpolation.hpp"
            "kubelet applies its own crash back-off (10s doubling up to 5m, never giving up); " +
#include "daemonize/core/interpolation.hpp"
                path + " is not expressible");
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.stop.signal != Signal::term) {
#include "daemonize/core/interpolation.hpp"
      warning("stop.signal",
#include "daemonize/core/interpolation.hpp"
              std::string("kubelet stops a container with the image's STOPSIGNAL (SIGTERM "
#include "daemonize/core/interpolation.hpp"
                          "by default); put `STOPSIGNAL SIG") +
#include "daemonize/core/interpolation.hpp"
                  to_string(service_.stop.signal) + "` in the image");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (written("reload.signal")) {
#include "daemonize/core/interpolation.hpp"
      warning("reload.signal", "a Deployment has no reload; roll out a new revision instead");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.env_files.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("service.env_files",
#include "daemonize/core/interpolation.hpp"
              "a pod reads no env_files: put their variables into Secret \"" + name_ +
#include "daemonize/core/interpolation.hpp"
                  "-env\" and list them in required_env, or set them in [env]");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.umask)
#include "daemonize/core/interpolation.hpp"
      warning("service.umask", "a container's umask comes from the image; not expressible");
#include "daemonize/core/interpolation.hpp"
    if (service_.create_user) {
#include "daemonize/core/interpolation.hpp"
      warning("service.create_user", "accounts come from the image; create_user does nothing here");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.scope == Scope::user) {
#include "daemonize/core/interpolation.hpp"
      warning("service.scope",
#include "daemonize/core/interpolation.hpp"
              "scope = \"user\" has no meaning in a cluster; rendered as a Deployment");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.limits.nofile) {
#include "daemonize/core/interpolation.hpp"
      warning("limits.nofile",
#include "daemonize/core/interpolation.hpp"
              "the open-file limit comes from the container runtime; not expressible");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (service_.limits.nproc) {
#include "daemonize/core/interpolation.hpp"
      warning("limits.nproc",
#include "daemonize/core/interpolation.hpp"
              "the process limit comes from the container runtime; not expressible");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.dependencies.after.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("dependencies.after",
#include "daemonize/core/interpolation.hpp"
              "pods have no start order; use readiness probes or init containers");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.dependencies.requires_units.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("dependencies.requires",
#include "daemonize/core/interpolation.hpp"
              "pods have no start order; use readiness probes or init containers");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    for (const auto& key : service_.sandbox.keys_set()) {
#include "daemonize/core/interpolation.hpp"
      warning(key, "'" + key + "' is not enforced; set the pod's securityContext instead");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.directories.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("directories",
#include "daemonize/core/interpolation.hpp"
              "[directories] are not created in a container; mount volumes (an emptyDir for "
#include "daemonize/core/interpolation.hpp"
              "runtime and cache) in the pod");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.dependencies.wants.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("dependencies.wants",
#include "daemonize/core/interpolation.hpp"
              "pods have no start order; use readiness probes or init containers");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    if (!service_.dependencies.requires_mounts_for.empty()) {
#include "daemonize/core/interpolation.hpp"
      warning("dependencies.requires_mounts_for",
#include "daemonize/core/interpolation.hpp"
              "a pod's volumes are mounted before it starts; declare them in the pod, not here");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    check_logs();
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  // Containers log to stdout/stderr; collecting and rotating them is the cluster's job.
#include "daemonize/core/interpolation.hpp"
  void check_logs() {
#include "daemonize/core/interpolation.hpp"
    const auto stream = [&](const LogStream& log, const char* name) {
#include "daemonize/core/interpolation.hpp"
      const std::string key = std::string("logs.") + name;
#include "daemonize/core/interpolation.hpp"
      if (log.kind == LogStream::Kind::file) {
#include "daemonize/core/interpolation.hpp"
        warning(written(key) ? key : "logs",
#include "daemonize/core/interpolation.hpp"
                std::string("the container's ") + name +
#include "daemonize/core/interpolation.hpp"
                    " goes to the cluster's log collection, not to \"" + log.file_name +
#include "daemonize/core/interpolation.hpp"
                    "\"; rotation is the cluster's job");
#include "daemonize/core/interpolation.hpp"
      } else if (log.kind == LogStream::Kind::null) {
#include "daemonize/core/interpolation.hpp"
        warning(key, std::string("a container's ") + name +
#include "daemonize/core/interpolation.hpp"
                         " cannot be discarded; it goes to the cluster's logs");
#include "daemonize/core/interpolation.hpp"
      }
#include "daemonize/core/interpolation.hpp"
    };
#include "daemonize/core/interpolation.hpp"
    const bool logs_written =
#include "daemonize/core/interpolation.hpp"
        std::any_of(service_.positions.begin(), service_.positions.end(),
#include "daemonize/core/interpolation.hpp"
                    [](const auto& entry) { return entry.first.starts_with("logs"); });
#include "daemonize/core/interpolation.hpp"
    if (!logs_written) return;  // defaults: nothing asked for
#include "daemonize/core/interpolation.hpp"
    stream(service_.logs.stdout_stream, "stdout");
#include "daemonize/core/interpolation.hpp"
    if (!(service_.logs.stderr_stream == service_.logs.stdout_stream)) {
#include "daemonize/core/interpolation.hpp"
      stream(service_.logs.stderr_stream, "stderr");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
    for (const char* key :
#include "daemonize/core/interpolation.hpp"
         {"max_size", "max_files", "rotate_every", "timezone", "compress", "timestamps"}) {
#include "daemonize/core/interpolation.hpp"
      const std::string path = std::string("logs.") + key;
#include "daemonize/core/interpolation.hpp"
      if (written(path))
#include "daemonize/core/interpolation.hpp"
        warning(path, path + " does not apply: the cluster collects and rotates container logs");
#include "daemonize/core/interpolation.hpp"
    }
#include "daemonize/core/interpolation.hpp"
  }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
  const Service& service_;
#include "daemonize/core/interpolation.hpp"
  std::vector<Diagnostic> diagnostics_;
#include "daemonize/core/interpolation.hpp"
  std::string name_;
#include "daemonize/core/interpolation.hpp"
  std::string service_account_;
#include "daemonize/core/interpolation.hpp"
};
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
}  // namespace
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
RenderResult render_kubernetes(const Service& service) { return Renderer(service).render(); }
#include "daemonize/core/interpolation.hpp"

#include "daemonize/core/interpolation.hpp"
}  // namespace daemonize::kubernetes
