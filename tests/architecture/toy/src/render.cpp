#include "daemonize/toy/backend.hpp"

namespace daemonize {
namespace {

class ToyBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "toy"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::linux; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& /*service*/) const override {
    return std::nullopt;
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& /*options*/) const override {
    std::string content = "toy service " + service.name + " runs " + service.command + "\n";
    for (const auto& argument : service.args) content += "  argument " + argument + "\n";
    RenderResult result;
    result.artifacts.push_back(Artifact{service.name + ".txt", "", content, 0644});
    return result;
  }
};

}  // namespace

std::unique_ptr<Backend> make_toy_backend() { return std::make_unique<ToyBackend>(); }

}  // namespace daemonize
