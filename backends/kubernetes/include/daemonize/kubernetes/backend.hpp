// The Kubernetes target: one multi-document YAML file (ServiceAccount, Deployment apps/v1 and,
// when [kubernetes].port is set, a Service) for review and `kubectl apply`. Pure renderer.
#pragma once

#include <memory>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize {

[[nodiscard]] std::unique_ptr<Backend> make_kubernetes_backend();

namespace kubernetes {

// Renders `<name>.yaml` (install_path empty: deploy does not apply it to a cluster). Errors in
// the diagnostics (keyed by manifest key) mean nothing could be rendered.
[[nodiscard]] RenderResult render_kubernetes(const Service& service);

}  // namespace kubernetes
}  // namespace daemonize
