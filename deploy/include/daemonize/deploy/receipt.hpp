// The install receipt deploy writes after a successful apply (/var/lib/daemonize/<name>.json,
// user scope ~/.local/state/daemonize/<name>.json): what it installed, so that `remove` deletes
// exactly that and `deploy`/`diff` notice changes the files alone do not show (env files).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/model.hpp"

namespace daemonize::deploy {

struct ReceiptFile {
  std::string path;  // absolute path on the host
  std::string kind;  // "unit", "manifest", "tmpfiles", "logrotate", "plist", "task"
  std::string sha256;
  unsigned mode = 0644;
};

struct Receipt {
  int schema = 1;
  std::string service;
  std::string target;  // the Backend's name(): the registered target that installed it
  Scope scope = Scope::system;
  std::string service_id;          // the manager's name: "web-api.service", launchd label
  std::string daemonize_version;   // of the binary that deployed
  std::string deployed_at;         // RFC 3339 UTC
  std::string manifest_source;     // the manifest deploy was given
  std::vector<ReceiptFile> files;  // removed by `remove`
  // The shared daemonize binary: recorded (its version matters to status), never removed.
  std::string daemonize_path;
  std::string daemonize_sha256;
  // env_files path (without a leading "-") -> sha256 of its content, "" when absent.
  std::map<std::string, std::string> env_files;
  std::string log_directory;
  bool log_directory_created = false;
  std::vector<std::string> users_created;
  std::vector<std::string> groups_created;
};

[[nodiscard]] std::string receipt_to_json(const Receipt& receipt);
// std::nullopt with `error` set when `text` is not a receipt.
[[nodiscard]] std::optional<Receipt> receipt_from_json(const std::string& text, std::string& error);

// Where the receipt of service `name` lives on this host; `home` is used in user scope. On
// Windows it is windows_receipt_path().
[[nodiscard]] std::string receipt_path(const std::string& name, Scope scope,
                                       const std::string& home);
// C:\ProgramData\daemonize\receipts\<name>.json (the Windows targets), in user scope
// %LOCALAPPDATA%\daemonize\receipts\<name>.json expanded (expand_home).
[[nodiscard]] std::string windows_receipt_path(const std::string& name, Scope scope,
                                               const std::string& home);

}  // namespace daemonize::deploy
