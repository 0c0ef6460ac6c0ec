// A manifest being written by an importer: tables in the manifest's order, keys in the order
// they were set, values already in TOML syntax. Setting a key again replaces its value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daemonize::import {

class ManifestDraft {
 public:
  // A comment line at the top of the file (without the "# ").
  void comment(std::string line);
  // `table` is "service", "env", "restart", ..., or "systemd.extra"; `value` is TOML.
  void set(std::string_view table, std::string_view key, std::string value);
  [[nodiscard]] bool has(std::string_view table, std::string_view key) const;
  void erase(std::string_view table, std::string_view key);
  [[nodiscard]] std::string text() const;

 private:
  struct Entry {
    std::string table;
    std::string key;
    std::string value;
  };
  std::vector<std::string> comments_;
  std::vector<Entry> entries_;
};

// A TOML basic string, escaped.
[[nodiscard]] std::string toml_string(std::string_view text);
// A TOML array of basic strings.
[[nodiscard]] std::string toml_array(const std::vector<std::string>& items);
// A key, bare when it can be, else quoted.
[[nodiscard]] std::string toml_key(std::string_view key);
// Literal text for a manifest string that allows interpolation: `$` doubled.
[[nodiscard]] std::string escape_interpolation(std::string_view text);
// A duration in the manifest's syntax ("90s", "100ms", "5m").
[[nodiscard]] std::string manifest_duration(long long milliseconds);

}  // namespace daemonize::import
