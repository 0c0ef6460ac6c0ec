#include "manifest_loading.hpp"

#include <algorithm>
#include <iostream>
#include <set>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/suggest.hpp"

namespace daemonize::cli {

const LoadResult& ManifestCache::load(TargetOs os) {
  auto found = results_.find(os);
  if (found == results_.end()) found = results_.emplace(os, load_manifest_file(path_, os)).first;
  return found->second;
}

RenderResult render_for(const Backend& backend, const Service& service,
                        const RenderOptions& options) {
  auto result = backend.render(service, options);
  // Permissions a cluster grants: another target must not look as if it granted them too.
  if (backend.name() != "kubernetes") {
    if (service.positions.contains("kubernetes.rbac")) {
      result.diagnostics.push_back(
          {Severity::warning, "", 0, 0, "kubernetes.rbac",
           "[kubernetes] rbac grants Kubernetes API permissions to the pods only; this target "
           "ignores it"});
    }
    if (service.positions.contains("kubernetes.allow_principals")) {
      result.diagnostics.push_back(
          {Severity::warning, "", 0, 0, "kubernetes.allow_principals",
           "[kubernetes] allow_principals restricts callers in an Istio mesh only; this target "
           "does not restrict who reaches the program"});
    }
  }
  const std::string prefix = std::string(backend.name()) + ": ";
  for (auto& diagnostic : result.diagnostics) {
    if (diagnostic.message.rfind(prefix, 0) != 0) diagnostic.message = prefix + diagnostic.message;
  }
  attach_positions(result.diagnostics, service);
  return result;
}

RenderResult render_explicit(const Backend& backend, const Service& service,
                             const RenderOptions& options) {
  auto result = render_for(backend, service, options);
  if (auto reason = backend.unsupported_reason(service);
      reason && !has_errors(result.diagnostics)) {
    result.artifacts.clear();
    result.diagnostics.push_back(
        {Severity::error, service.manifest_path, 0, 0, "",
         std::string(backend.name()) + ": cannot render this manifest: " + *reason});
  }
  return result;
}

void append_load_diagnostics(std::vector<Diagnostic>& out, const LoadResult& loaded,
                             const Backend& backend) {
  const std::string prefix = std::string(backend.name()) + ": ";
  for (auto diagnostic : loaded.diagnostics) {
    const bool os_specific =
        std::any_of(loaded.os_specific.begin(), loaded.os_specific.end(), [&](const auto& other) {
          return other.line == diagnostic.line && other.column == diagnostic.column &&
                 other.message == diagnostic.message;
        });
    if (os_specific) diagnostic.message = prefix + diagnostic.message;
    out.push_back(std::move(diagnostic));
  }
}

void downgrade_to_warnings(std::vector<Diagnostic>& diagnostics) {
  for (auto& diagnostic : diagnostics) diagnostic.severity = Severity::warning;
}

void print_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> printed;
  for (const auto& diagnostic : diagnostics) {
    auto line = format_diagnostic(diagnostic);
    if (printed.insert(line).second) std::cerr << line << '\n';
  }
}

int load_failure_exit_code(const LoadResult& result) {
  return result.file_unreadable ? exit_code::no_input : exit_code::data_error;
}

std::string unknown_target_message(const BackendRegistry& registry, const std::string& name,
                                   const std::vector<std::string>& also) {
  auto known = registry.names();
  known.insert(known.end(), also.begin(), also.end());
  std::string message = "daemonize: unknown target '" + name + "'";
  if (auto suggestion = did_you_mean(name, known); !suggestion.empty()) return message + suggestion;
  std::string list;
  for (const auto& candidate : known) list += (list.empty() ? "" : ", ") + candidate;
  return message + " (this build knows: " + list + ")";
}

std::optional<std::vector<const Backend*>> select_backends(const BackendRegistry& registry,
                                                           const std::vector<std::string>& names) {
  std::vector<const Backend*> selected;
  for (const auto& name : names) {
    if (name == "all") {
      for (const auto* backend : registry.all()) selected.push_back(backend);
      continue;
    }
    const auto* backend = registry.find(name);
    if (backend == nullptr) {
      std::cerr << unknown_target_message(registry, name, {"all"}) << '\n';
      return std::nullopt;
    }
    selected.push_back(backend);
  }
  return selected;
}

}  // namespace daemonize::cli
