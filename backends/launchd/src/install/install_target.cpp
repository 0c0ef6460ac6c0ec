// What deploy asks the launchd target: is this macOS, where files go, and the installer for a
// service or for an installed one.
#include "daemonize/core/loader.hpp"  // host_os()
#include "daemonize/launchd/backend.hpp"
#include "daemonize/launchd/install.hpp"

namespace daemonize {
namespace {

class LaunchdInstallTarget final : public InstallTarget {
 public:
  [[nodiscard]] std::optional<HostCandidacy> host_candidacy(
      const SystemOps& /*host*/, bool /*needs_running_manager*/) const override {
    switch (host_os()) {
      case TargetOs::macos:
        return HostCandidacy{true, "launchd: this is macOS"};
      case TargetOs::linux:
        return HostCandidacy{false, "launchd: this is not macOS"};
      case TargetOs::windows:
        break;
    }
    return std::nullopt;
  }

  [[nodiscard]] InstallPaths default_paths(const Service& service,
                                           const std::string& home) const override {
    auto paths = posix_install_paths(service, home);
    paths.manifest_path = launchd::default_installed_manifest_path(service);
    return paths;
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstallRequest& request) const override {
    const Service& service = *request.service;
    return launchd::make_installer(
        {service.name, service.scope, launchd::job_label(service),
         expand_home(launchd::plist_install_path(service), request.user.home), request.user.uid});
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                     const InvokingUser& user) const override {
    launchd::InstallerSpec spec{installed.name, installed.scope, installed.service_id, "",
                                user.uid};
    // The receipt records the installer's id, "domain/label"; the installer wants the label.
    const auto slash = spec.service_id.rfind('/');
    if (slash != std::string::npos) spec.service_id = spec.service_id.substr(slash + 1);
    for (const auto& file : installed.files) {
      if (file.kind == "plist") spec.definition_path = file.path;
    }
    return launchd::make_installer(spec);
  }

  [[nodiscard]] std::vector<std::string> check_commands(const Service& /*service*/,
                                                        const Installer* installer,
                                                        const std::string& sudo) const override {
    if (installer == nullptr) return {};
    return {installer->review_command({"launchctl", "print", installer->service_id()}, sudo)};
  }
};

}  // namespace

std::unique_ptr<Backend> make_launchd_deployable_backend() {
  return with_install_target(make_launchd_backend(), std::make_unique<LaunchdInstallTarget>());
}

}  // namespace daemonize
