// A small ordered YAML tree and its emission through yaml-cpp.
// Kubernetes manifests are read by YAML 1.1 *and* 1.2 parsers (kubectl, Helm, Argo, ...), so
// every string that either would read as something other than a string is double-quoted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::kubernetes {

class YamlNode {
 public:
  enum class Kind { string, integer, boolean, map, sequence };

  [[nodiscard]] static YamlNode string(std::string text);
  [[nodiscard]] static YamlNode integer(std::int64_t number);
  [[nodiscard]] static YamlNode boolean(bool flag);
  [[nodiscard]] static YamlNode map();
  [[nodiscard]] static YamlNode sequence();

  // Appends `key: value` to a map (keys keep insertion order); returns *this for chaining.
  YamlNode& set(std::string key, YamlNode value);
  // Appends an item to a sequence; returns *this.
  YamlNode& push(YamlNode item);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool empty() const { return children_.empty(); }
  // The value under `key` in a map, or nullptr.
  [[nodiscard]] const YamlNode* find(std::string_view key) const;

 private:
  friend class YamlEmitter;
  Kind kind_ = Kind::map;
  std::string key_;   // set when this node is a map entry
  std::string text_;  // string
  std::int64_t number_ = 0;
  bool flag_ = false;
  std::vector<YamlNode> children_;  // map entries (with key_) or sequence items
};

// True when `text` must be quoted to stay a string under YAML 1.1 and 1.2: only plain words of
// [A-Za-z0-9._/-] that start with a letter or '/' and are not a YAML 1.1 boolean or null
// (y, n, yes, no, on, off, true, false, null, any case) are left plain. Everything else
// (numbers such as 0x10, 1e3, 012, 1:20, timestamps, '~', '', ':'/'#'/leading indicators,
// spaces, non-ASCII) is double-quoted.
[[nodiscard]] bool yaml_string_needs_quotes(std::string_view text);

// One YAML document (without the leading "---"), ending in a newline.
[[nodiscard]] std::string emit_yaml(const YamlNode& root);

}  // namespace daemonize::kubernetes
