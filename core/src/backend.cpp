#include "daemonize/core/backend.hpp"

namespace daemonize {

void BackendRegistry::add(std::unique_ptr<Backend> backend) {
  backends_.push_back(std::move(backend));
}

const Backend* BackendRegistry::find(std::string_view name) const {
  for (const auto& backend : backends_) {
    if (backend->name() == name) return backend.get();
  }
  return nullptr;
}

std::vector<const Backend*> BackendRegistry::all() const {
  std::vector<const Backend*> result;
  result.reserve(backends_.size());
  for (const auto& backend : backends_) result.push_back(backend.get());
  return result;
}

std::vector<std::string> BackendRegistry::names() const {
  std::vector<std::string> result;
  for (const auto& backend : backends_) result.emplace_back(backend->name());
  return result;
}

void attach_positions(std::vector<Diagnostic>& diagnostics, const Service& service) {
  for (auto& diagnostic : diagnostics) {
    if (diagnostic.file.empty()) diagnostic.file = service.manifest_path;
    if (diagnostic.line == 0 && !diagnostic.key.empty()) {
      const auto position = service.position_of(diagnostic.key);
      diagnostic.line = position.line;
      diagnostic.column = position.column;
    }
  }
}

}  // namespace daemonize
