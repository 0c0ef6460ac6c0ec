#include "daemonize/kubernetes/yaml_document.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace daemonize::kubernetes {

YamlNode YamlNode::string(std::string text) {
  YamlNode node;
  node.kind_ = Kind::string;
  node.text_ = std::move(text);
  return node;
}

YamlNode YamlNode::integer(std::int64_t number) {
  YamlNode node;
  node.kind_ = Kind::integer;
  node.number_ = number;
  return node;
}

YamlNode YamlNode::boolean(bool flag) {
  YamlNode node;
  node.kind_ = Kind::boolean;
  node.flag_ = flag;
  return node;
}

YamlNode YamlNode::map() { return YamlNode{}; }

YamlNode YamlNode::sequence() {
  YamlNode node;
  node.kind_ = Kind::sequence;
  return node;
}

YamlNode& YamlNode::set(std::string key, YamlNode value) {
  if (kind_ != Kind::map) throw std::logic_error("YamlNode::set on a non-map");
  value.key_ = std::move(key);
  children_.push_back(std::move(value));
  return *this;
}

YamlNode& YamlNode::push(YamlNode item) {
  if (kind_ != Kind::sequence) throw std::logic_error("YamlNode::push on a non-sequence");
  children_.push_back(std::move(item));
  return *this;
}

const YamlNode* YamlNode::find(std::string_view key) const {
  if (kind_ != Kind::map) return nullptr;
  for (const auto& child : children_) {
    if (child.key_ == key) return &child;
  }
  return nullptr;
}

bool yaml_string_needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto is_plain_char = [&](char c) {
    return is_letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' || c == '-';
  };
  // A letter or '/' first rules out every number, timestamp and indicator of both versions.
  if (!is_letter(text.front()) && text.front() != '/') return true;
  if (!std::all_of(text.begin(), text.end(), is_plain_char)) return true;
  // What is left can only be misread as a YAML 1.1 boolean or null word.
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  static constexpr std::array<std::string_view, 9> kSpecialWords = {
      "y", "n", "yes", "no", "on", "off", "true", "false", "null"};
  return std::find(kSpecialWords.begin(), kSpecialWords.end(), lower) != kSpecialWords.end();
}

class YamlEmitter {
 public:
  static void emit(YAML::Emitter& out, const YamlNode& node) {
    switch (node.kind_) {
      case YamlNode::Kind::string:
        emit_string(out, node.text_);
        return;
      case YamlNode::Kind::integer:
        out << node.number_;
        return;
      case YamlNode::Kind::boolean:
        out << YAML::TrueFalseBool << YAML::LowerCase << node.flag_;
        return;
      case YamlNode::Kind::map:
        out << YAML::BeginMap;
        for (const auto& entry : node.children_) {
          out << YAML::Key;
          emit_string(out, entry.key_);
          out << YAML::Value;
          emit(out, entry);
        }
        out << YAML::EndMap;
        return;
      case YamlNode::Kind::sequence:
        out << YAML::BeginSeq;
        for (const auto& item : node.children_) emit(out, item);
        out << YAML::EndSeq;
        return;
    }
  }

 private:
  static void emit_string(YAML::Emitter& out, const std::string& text) {
    if (yaml_string_needs_quotes(text)) out << YAML::DoubleQuoted;
    out << text;
  }
};

std::string emit_yaml(const YamlNode& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  YamlEmitter::emit(out, root);
  if (!out.good()) throw std::runtime_error("YAML emitter: " + out.GetLastError());
  std::string text(out.c_str(), out.size());
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace daemonize::kubernetes
