// What deploy asks the cron target: where files go, and the installer for a service or for an
// installed one. cron is never a `--target auto` choice.
#include "daemonize/cron/backend.hpp"
#include "daemonize/cron/install.hpp"

namespace daemonize {
namespace {

class CronInstallTarget final : public InstallTarget {
 public:
  [[nodiscard]] InstallPaths default_paths(const Service& service,
                                           const std::string& home) const override {
    return posix_install_paths(service, home);
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstallRequest& request) const override {
    const Service& service = *request.service;
    return cron::make_installer({service.name, service.scope, request.user.uid, request.user.name,
                                 request.user.home, request.daemonize_path, request.manifest_path,
                                 service.schedule});
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                     const InvokingUser& user) const override {
    cron::InstallerSpec spec{installed.name, installed.scope,          user.uid, user.name,
                             user.home,      installed.daemonize_path, "",       std::nullopt};
    for (const auto& file : installed.files) {
      if (file.kind == "manifest") spec.manifest_path = file.path;
    }
    return cron::make_installer(spec);
  }

  // The block is in the crontab of whoever ran the merge (root for a system service).
  [[nodiscard]] std::vector<std::string> check_commands(const Service& /*service*/,
                                                        const Installer* /*installer*/,
                                                        const std::string& sudo) const override {
    return {sudo + "crontab -l"};
  }
};

}  // namespace

std::unique_ptr<Backend> make_cron_deployable_backend() {
  return with_install_target(make_cron_backend(), std::make_unique<CronInstallTarget>());
}

}  // namespace daemonize
