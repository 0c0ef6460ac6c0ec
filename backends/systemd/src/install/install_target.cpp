// What deploy asks the systemd target: is systemd this host's manager, where files go, and the
// installer for a service or for an installed one.
#include "daemonize/core/loader.hpp"  // host_os()
#include "daemonize/systemd/backend.hpp"
#include "daemonize/systemd/install.hpp"

namespace daemonize {
namespace {

class SystemdInstallTarget final : public InstallTarget {
 public:
  [[nodiscard]] std::optional<HostCandidacy> host_candidacy(
      const SystemOps& host, bool needs_running_manager) const override {
    if (host_os() != TargetOs::linux) return std::nullopt;
    if (host.exists("/run/systemd/system")) {
      return HostCandidacy{true,
                           "systemd: /run/systemd/system exists (systemd is the init system)"};
    }
    if (!needs_running_manager) {
      return HostCandidacy{true,
                           "systemd: the Linux default (/run/systemd/system is missing, but "
                           "nothing is started here)"};
    }
    return HostCandidacy{false,
                         "systemd: /run/systemd/system is missing (systemd is not the init "
                         "system here)"};
  }

  [[nodiscard]] InstallPaths default_paths(const Service& service,
                                           const std::string& home) const override {
    auto paths = posix_install_paths(service, home);
    paths.manifest_path = systemd_installed_manifest_path(service);
    return paths;
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstallRequest& request) const override {
    const Service& service = *request.service;
    // A scheduled service is enabled, started and watched through its timer.
    return systemd::make_installer({service.name, service.scope,
                                    service.name + (service.schedule ? ".timer" : ".service"),
                                    request.user.name});
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                     const InvokingUser& user) const override {
    return systemd::make_installer(
        {installed.name, installed.scope, installed.service_id, user.name});
  }

  [[nodiscard]] std::vector<std::string> check_commands(
      const Service& service, const Installer* installer,
      const std::string& /*sudo*/) const override {
    if (installer == nullptr) return {};
    return {std::string("systemctl ") + (service.scope == Scope::system ? "" : "--user ") +
            "show -p ActiveState,SubState,MainPID,NRestarts,ExecMainStatus " +
            installer->service_id()};
  }
};

}  // namespace

std::unique_ptr<Backend> make_systemd_deployable_backend() {
  return with_install_target(make_systemd_backend(), std::make_unique<SystemdInstallTarget>());
}

}  // namespace daemonize
