#include "daemonize/deploy/receipt.hpp"

#include <boost/json.hpp>

#include "daemonize/core/installer.hpp"  // expand_home()
#include "daemonize/core/loader.hpp"     // host_os()
#include "daemonize/core/paths.hpp"

namespace daemonize::deploy {

namespace json = boost::json;

std::string receipt_to_json(const Receipt& receipt) {
  json::array files;
  for (const auto& file : receipt.files) {
    files.push_back(json::object{
        {"path", file.path}, {"kind", file.kind}, {"sha256", file.sha256}, {"mode", file.mode}});
  }
  json::object env_files;
  for (const auto& [path, hash] : receipt.env_files) env_files[path] = hash;
  json::array users(receipt.users_created.begin(), receipt.users_created.end());
  json::array groups(receipt.groups_created.begin(), receipt.groups_created.end());
  const json::object object{
      {"schema", receipt.schema},
      {"service", receipt.service},
      {"target", receipt.target},
      {"scope", to_string(receipt.scope)},
      {"service_id", receipt.service_id},
      {"daemonize_version", receipt.daemonize_version},
      {"deployed_at", receipt.deployed_at},
      {"manifest_source", receipt.manifest_source},
      {"files", std::move(files)},
      {"daemonize_path", receipt.daemonize_path},
      {"daemonize_sha256", receipt.daemonize_sha256},
      {"env_files", std::move(env_files)},
      {"log_directory", receipt.log_directory},
      {"log_directory_created", receipt.log_directory_created},
      {"users_created", std::move(users)},
      {"groups_created", std::move(groups)},
  };
  return json::serialize(object) + "\n";
}

std::optional<Receipt> receipt_from_json(const std::string& text, std::string& error) {
  try {
    const auto value = json::parse(text);
    const auto& object = value.as_object();
    Receipt receipt;
    receipt.schema = static_cast<int>(object.at("schema").to_number<std::int64_t>());
    if (receipt.schema != 1) {
      error = "receipt schema " + std::to_string(receipt.schema) + " is newer than this daemonize";
      return std::nullopt;
    }
    auto string_of = [&](const char* key) -> std::string {
      const auto* found = object.if_contains(key);
      return found && found->is_string() ? std::string(found->as_string()) : std::string();
    };
    receipt.service = string_of("service");
    receipt.target = string_of("target");
    receipt.scope = string_of("scope") == "user" ? Scope::user : Scope::system;
    receipt.service_id = string_of("service_id");
    receipt.daemonize_version = string_of("daemonize_version");
    receipt.deployed_at = string_of("deployed_at");
    receipt.manifest_source = string_of("manifest_source");
    receipt.daemonize_path = string_of("daemonize_path");
    receipt.daemonize_sha256 = string_of("daemonize_sha256");
    receipt.log_directory = string_of("log_directory");
    if (const auto* created = object.if_contains("log_directory_created")) {
      receipt.log_directory_created = created->as_bool();
    }
    for (const auto& entry : object.at("files").as_array()) {
      const auto& file = entry.as_object();
      receipt.files.push_back({std::string(file.at("path").as_string()),
                               std::string(file.at("kind").as_string()),
                               std::string(file.at("sha256").as_string()),
                               static_cast<unsigned>(file.at("mode").to_number<std::int64_t>())});
    }
    if (const auto* env_files = object.if_contains("env_files")) {
      for (const auto& [path, hash] : env_files->as_object()) {
        receipt.env_files[std::string(path)] = std::string(hash.as_string());
      }
    }
    for (const auto* key : {"users_created", "groups_created"}) {
      auto& list =
          std::string_view(key) == "users_created" ? receipt.users_created : receipt.groups_created;
      if (const auto* names = object.if_contains(key)) {
        for (const auto& name : names->as_array()) list.emplace_back(name.as_string());
      }
    }
    if (receipt.service.empty() || receipt.target.empty()) {
      error = "not an install receipt (no service or target)";
      return std::nullopt;
    }
    return receipt;
  } catch (const std::exception& failure) {
    error = std::string("not an install receipt: ") + failure.what();
    return std::nullopt;
  }
}

std::string windows_receipt_path(const std::string& name, Scope scope, const std::string& home) {
  // Next to the manifests the Windows targets install (C:\ProgramData\daemonize\<name>.toml, or
  // the user's %LOCALAPPDATA%\daemonize\<name>.toml).
  return expand_home(windows_data_directory(scope) + "\\receipts\\" + name + ".json", home);
}

std::string receipt_path(const std::string& name, Scope scope, const std::string& home) {
  if (host_os() == TargetOs::windows) return windows_receipt_path(name, scope, home);
  if (scope == Scope::user) return home + "/.local/state/daemonize/" + name + ".json";
  return "/var/lib/daemonize/" + name + ".json";
}

}  // namespace daemonize::deploy
