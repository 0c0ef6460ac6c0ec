// The service-manager half of `daemonize status` (the watchdog's state file is the other half).
#include <boost/json.hpp>
#include <ostream>

#include "daemonize/deploy/deploy.hpp"

namespace daemonize::deploy {

std::unique_ptr<Installer> installer_from_receipt(const BackendRegistry& registry,
                                                  const Receipt& receipt,
                                                  const InvokingUser& user) {
  const auto* backend = registry.find(receipt.target);
  const auto* install = backend ? backend->install_target() : nullptr;
  if (install == nullptr) return nullptr;
  InstalledService installed;
  installed.name = receipt.service;
  installed.scope = receipt.scope;
  installed.service_id = receipt.service_id;
  installed.daemonize_path = receipt.daemonize_path;
  for (const auto& file : receipt.files) installed.files.push_back({file.path, file.kind});
  return install->installer(installed, user);
}

std::optional<bool> print_service_manager_view(const BackendRegistry& registry,
                                               const std::string& name,
                                               const std::string& watchdog_version, SystemOps& ops,
                                               const std::string& home, unsigned uid,
                                               std::ostream& out, std::string* json) {
  std::optional<Receipt> receipt;
  for (const auto scope : {Scope::system, Scope::user}) {
    std::optional<std::string> text;
    try {
      text = ops.read_file(receipt_path(name, scope, home));
    } catch (const SystemError&) {
      continue;  // unreadable (another user's): as if absent
    }
    if (!text) continue;
    std::string error;
    receipt = receipt_from_json(*text, error);
    if (receipt) break;
  }
  if (!receipt) return std::nullopt;

  auto installer = installer_from_receipt(registry, *receipt, {uid, "", home});
  if (!installer) return std::nullopt;
  std::string manager_json;
  const bool active =
      print_manager_status(*receipt, ops, *installer, out, json ? &manager_json : nullptr);
  // A watchdog started before the last deploy replaced the binary keeps running the old code.
  const bool stale = !watchdog_version.empty() && !receipt->daemonize_version.empty() &&
                     watchdog_version != receipt->daemonize_version;
  if (stale) {
    out << "  warning:    the running watchdog is version " << watchdog_version
        << ", the installed binary " << receipt->daemonize_version << ": restart to update it\n";
  }
  if (json) {
    *json = boost::json::serialize(boost::json::object{
        {"manager", boost::json::parse(manager_json)}, {"stale_watchdog", stale}});
  }
  return active;
}

}  // namespace daemonize::deploy
