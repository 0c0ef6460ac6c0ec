// The key names of every manifest table (manifest.md), for unknown-key checks and suggestions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace daemonize::schema {

struct Section;

struct Key {
  std::string_view name;
  const Section* nested = nullptr;  // a sub-table with its own keys
};

struct Section {
  std::string_view name;
  std::vector<Key> keys;
  bool free_form = false;  // names are data ([env], [systemd.extra])

  [[nodiscard]] const Key* find_key(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> key_names() const;
};

// A top-level section by name ("service", "restart", ...), or nullptr.
[[nodiscard]] const Section* find_section(std::string_view name);
// Every top-level name (sections, "schema", "os").
[[nodiscard]] std::vector<std::string> top_level_names();
// The candidate closest to `name` by edit distance, or "" when none is close enough.
[[nodiscard]] std::string closest(std::string_view name,
                                  const std::vector<std::string>& candidates);

}  // namespace daemonize::schema
