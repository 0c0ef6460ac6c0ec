// Registers the two Windows targets with the CLI (daemonize_register_backend in CMakeLists.txt).
#include "daemonize/windows/backend.hpp"

#include "daemonize/windows/quoting.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize {

namespace {

// For `render --target all`: a manifest whose command is a path of another OS is skipped with
// this reason. An explicit --target still renders and reports the error at the key's line.
std::optional<std::string> foreign_command_reason(const Service& service) {
  if (service.command.find("${") != std::string::npos) return std::nullopt;
  if (windows::is_absolute_windows_path(service.command)) return std::nullopt;
  return "service.command is not a Windows path (set [os.windows] command = 'C:\\...')";
}

// Whether the manifest itself writes [windows] backend (in [windows] or [os.windows.windows]),
// rather than leaving it at its default, "service".
bool backend_written(const Service& service) {
  return service.positions.count("windows.backend") != 0;
}

// An explicit --target renders unless the manifest chose the other backend; `render all` picks
// the one the backend (written or default) selects.
class WindowsServiceBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "windows-service"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::windows; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    if (service.scope == Scope::user) {
      return "scope = \"user\" is served by windows-task (a task at logon), not by the SCM";
    }
    if (service.windows.backend == WindowsBackend::task) {
      return "[windows].backend = \"task\" selects windows-task";
    }
    return foreign_command_reason(service);
  }
  // A scheduled job is a task unless the manifest insists on a service (then render refuses).
  [[nodiscard]] std::optional<std::string> not_selected_reason(
      const Service& service) const override {
    if (!service.schedule || backend_written(service)) return std::nullopt;
    return "windows-task serves a manifest with [schedule] (a service cannot run on a schedule)";
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return windows::render_windows_service(service, options);
  }
};

class WindowsTaskBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "windows-task"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::windows; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    // A user-scope service can only be a task at logon.
    if (service.scope != Scope::user && service.windows.backend == WindowsBackend::service &&
        backend_written(service)) {
      return "[windows].backend = \"service\" selects windows-service (set backend = \"task\")";
    }
    return foreign_command_reason(service);
  }
  [[nodiscard]] std::optional<std::string> not_selected_reason(
      const Service& service) const override {
    if (service.scope == Scope::user || service.windows.backend == WindowsBackend::task ||
        (service.schedule && !backend_written(service))) {
      return std::nullopt;
    }
    return "windows-service serves this manifest ([windows].backend is \"service\" by default); "
           "--target windows-task renders it as a task";
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return windows::render_windows_task(service, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_windows_service_backend() {
  return std::make_unique<WindowsServiceBackend>();
}

std::unique_ptr<Backend> make_windows_task_backend() {
  return std::make_unique<WindowsTaskBackend>();
}

}  // namespace daemonize
