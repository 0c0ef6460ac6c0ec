#include "daemonize/kubernetes/backend.hpp"

namespace daemonize {
namespace {

class KubernetesBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "kubernetes"; }
  // Containers run Linux images: [os.linux] overrides apply.
  [[nodiscard]] TargetOs os() const override { return TargetOs::linux; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    if (!service.kubernetes.image || service.kubernetes.image->empty())
      return "no [kubernetes].image";
    return std::nullopt;
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& /*options*/) const override {
    return kubernetes::render_kubernetes(service);
  }
};

}  // namespace

std::unique_ptr<Backend> make_kubernetes_backend() { return std::make_unique<KubernetesBackend>(); }

}  // namespace daemonize
