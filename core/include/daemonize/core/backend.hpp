// The interface every target implements, and the registry the CLI selects targets from.
// Renderers are pure: a Service in, artifacts and diagnostics out; no file or process access.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize {

// One rendered file.
struct Artifact {
  std::string file_name;  // relative name used by `render` (printed, or written to DIR/<target>/)
  std::string install_path;  // absolute path deploy installs it to ("" = review only)
  std::string content;       // exact bytes
  unsigned mode = 0644;
};

struct RenderOptions {
  // The watchdog binary units execute (`--daemonize-path`); empty = the target's default.
  std::string daemonize_path;
  // Where deploy installs the manifest the watchdog reads; empty = the target's default.
  std::string installed_manifest_path;
  // The account deploy runs as (DOMAIN\user on Windows), for definitions that must name the
  // user they are for (a user-scope task's logon trigger); empty when only rendering.
  std::string deploying_user;
};

// Diagnostics from a renderer name a key (Diagnostic::key); the caller fills file/line/column
// from Service::position_of(key) with attach_positions().
struct RenderResult {
  std::vector<Artifact> artifacts;
  std::vector<Diagnostic> diagnostics;
};

class InstallTarget;  // installer.hpp

class Backend {
 public:
  virtual ~Backend() = default;
  // The target name as used by --target ("systemd", "launchd", ...).
  [[nodiscard]] virtual std::string_view name() const = 0;
  // The OS whose [os.*] overrides apply to this target.
  [[nodiscard]] virtual TargetOs os() const = 0;
  // Why this manifest cannot be served by this target (e.g. "no [kubernetes].image"), if so.
  [[nodiscard]] virtual std::optional<std::string> unsupported_reason(
      const Service& service) const = 0;
  // Why `--target all` leaves this target out although an explicit --target renders the
  // manifest (another target serves it by default), if so; reported as a note, not a warning.
  [[nodiscard]] virtual std::optional<std::string> not_selected_reason(
      const Service& /*service*/) const {
    return std::nullopt;
  }
  // Renders; errors in diagnostics mean the manifest cannot be expressed (exit 65).
  [[nodiscard]] virtual RenderResult render(const Service& service,
                                            const RenderOptions& options) const = 0;
  // What deploy needs to install to this target (installer.hpp); nullptr when deploy can only
  // write a review bundle (kubernetes), or when the backend was built without its install part.
  [[nodiscard]] virtual const InstallTarget* install_target() const { return nullptr; }
};

// The backend `renderer` with the install facet `install` (what a backend's install library
// registers, so that the render library stays pure).
[[nodiscard]] std::unique_ptr<Backend> with_install_target(std::unique_ptr<Backend> renderer,
                                                           std::unique_ptr<InstallTarget> install);

class BackendRegistry {
 public:
  void add(std::unique_ptr<Backend> backend);
  [[nodiscard]] const Backend* find(std::string_view name) const;
  [[nodiscard]] std::vector<const Backend*> all() const;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// Fills file/line/column of diagnostics that only name a key.
void attach_positions(std::vector<Diagnostic>& diagnostics, const Service& service);

}  // namespace daemonize
