#include "daemonize/core/backend.hpp"

#include "daemonize/core/installer.hpp"

namespace daemonize {
namespace {

// Renders through the backend's pure renderer; deploys through its install facet.
class InstallableBackend final : public Backend {
 public:
  InstallableBackend(std::unique_ptr<Backend> renderer, std::unique_ptr<InstallTarget> install)
      : renderer_(std::move(renderer)), install_(std::move(install)) {}

  [[nodiscard]] std::string_view name() const override { return renderer_->name(); }
  [[nodiscard]] TargetOs os() const override { return renderer_->os(); }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    return renderer_->unsupported_reason(service);
  }
  [[nodiscard]] std::optional<std::string> not_selected_reason(
      const Service& service) const override {
    return renderer_->not_selected_reason(service);
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return renderer_->render(service, options);
  }
  [[nodiscard]] const InstallTarget* install_target() const override { return install_.get(); }

 private:
  std::unique_ptr<Backend> renderer_;
  std::unique_ptr<InstallTarget> install_;
};

}  // namespace

std::unique_ptr<Backend> with_install_target(std::unique_ptr<Backend> renderer,
                                             std::unique_ptr<InstallTarget> install) {
  return std::make_unique<InstallableBackend>(std::move(renderer), std::move(install));
}

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
