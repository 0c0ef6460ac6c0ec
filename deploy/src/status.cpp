// The service-manager half of `daemonize status` (the watchdog's state file is the other half).
#include <boost/json.hpp>
#include <ostream>

#include "daemonize/deploy/deploy.hpp"

namespace daemonize::deploy {

InstallerSpec installer_spec_from_receipt(const Receipt& receipt, unsigned uid,
                                          const std::string& user_name, const std::string& home) {
  InstallerSpec spec;
  spec.target = receipt.target;
  spec.name = receipt.service;
  spec.scope = receipt.scope;
  spec.uid = uid;
  spec.user_name = user_name;
  spec.service_id = receipt.service_id;
  spec.daemonize_path = receipt.daemonize_path;  // cron: start/stop the detached watchdog
  spec.home = home;
  for (const auto& file : receipt.files) {
    if (file.kind == "plist") spec.definition_path = file.path;
    if (file.kind == "manifest") spec.manifest_path = file.path;
    if (file.kind == "task") spec.task_xml_path = file.path;
  }
  // launchd's id is "domain/label"; the installer wants the label.
  if (receipt.target == "launchd") {
    const auto slash = spec.service_id.rfind('/');
    if (slash != std::string::npos) spec.service_id = spec.service_id.substr(slash + 1);
  }
  return spec;
}

std::optional<bool> print_service_manager_view(const std::string& name,
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

  auto installer = make_installer(installer_spec_from_receipt(*receipt, uid, "", home));
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
