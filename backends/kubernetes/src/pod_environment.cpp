#include "daemonize/kubernetes/pod_environment.hpp"

#include <algorithm>
#include <functional>
#include <utility>
#include <variant>

#include "daemonize/core/interpolation.hpp"
#include "text.hpp"

namespace daemonize::kubernetes {

std::string escape_for_kubelet(std::string_view literal) {
  std::string escaped;
  escaped.reserve(literal.size());
  for (char c : literal) {
    if (c == '$') escaped += '$';
    escaped += c;
  }
  return escaped;
}

namespace {

std::string reference_text(const VariableReference& reference) {
  switch (reference.kind) {
    case VariableReference::Kind::plain:
      return "${" + reference.name + "}";
    case VariableReference::Kind::with_default:
      return "${" + reference.name + ":-" + reference.argument + "}";
    case VariableReference::Kind::required:
      return "${" + reference.name + ":?" + reference.argument + "}";
  }
  return "${" + reference.name + "}";
}

}  // namespace

PodEnvironment::PodEnvironment(const Service& service, std::string secret_name,
                               std::vector<Diagnostic>& diagnostics)
    : service_(service), secret_name_(std::move(secret_name)), diagnostics_(diagnostics) {
  for (const auto& name : service_.required_env) {
    if (is_secret(name) &&
        std::find(secret_keys_.begin(), secret_keys_.end(), name) == secret_keys_.end()) {
      secret_keys_.push_back(name);
    }
  }
}

void PodEnvironment::error(const std::string& key, std::string message) {
  diagnostics_.push_back({Severity::error, "", 0, 0, key, "kubernetes: " + std::move(message)});
}

void PodEnvironment::warning(const std::string& key, std::string message) {
  diagnostics_.push_back({Severity::warning, "", 0, 0, key, "kubernetes: " + std::move(message)});
}

PodEnvironment::SelfReference PodEnvironment::self_reference(const std::string& name) const {
  const auto found = service_.env.find(name);
  if (found == service_.env.end()) return SelfReference::none;
  const auto parsed = parse_template(found->second);
  const auto* parsed_template = std::get_if<Template>(&parsed);
  if (parsed_template == nullptr || parsed_template->segments.size() != 1)
    return SelfReference::none;
  const auto* reference = std::get_if<VariableReference>(&parsed_template->segments.front());
  if (reference == nullptr || reference->name != name) return SelfReference::none;
  switch (reference->kind) {
    case VariableReference::Kind::plain:
      return SelfReference::plain;
    case VariableReference::Kind::with_default:
      return SelfReference::with_default;
    case VariableReference::Kind::required:
      return SelfReference::required;
  }
  return SelfReference::none;
}

// [env] NAME = "${NAME}" means "NAME from outside" (env_files, inherited); in a pod the only
// outside is the Secret. Every other [env] value wins over the Secret (manifest.md precedence).
bool PodEnvironment::is_secret(const std::string& name) const {
  if (std::find(service_.required_env.begin(), service_.required_env.end(), name) ==
      service_.required_env.end()) {
    return false;
  }
  return !service_.env.contains(name) || self_reference(name) != SelfReference::none;
}

bool PodEnvironment::defined_by_env_table(const std::string& name) const {
  if (!service_.env.contains(name) || is_secret(name)) return false;
  const auto self = self_reference(name);
  return self == SelfReference::none || self == SelfReference::with_default;
}

std::optional<std::string> PodEnvironment::static_env_value(const std::string& name) const {
  if (!defined_by_env_table(name)) return std::nullopt;
  const auto parsed = parse_template(service_.env.at(name));
  const auto* parsed_template = std::get_if<Template>(&parsed);
  if (parsed_template == nullptr) return std::nullopt;
  if (self_reference(name) == SelfReference::with_default) {
    return std::get<VariableReference>(parsed_template->segments.front()).argument;
  }
  if (parsed_template->has_references()) return std::nullopt;
  return parsed_template->literal();
}

void PodEnvironment::add_default(const std::string& name, const std::string& value,
                                 const std::string& key) {
  const auto [existing, inserted] = defaults_.emplace(name, value);
  if (inserted) {
    default_origin_.emplace(name, key);
    return;
  }
  if (existing->second != value) {
    error(key, "${" + name + "} has the default \"" + value + "\" here and \"" + existing->second +
                   "\" in " + default_origin_.at(name) +
                   "; a pod's env holds one value per variable: set " + name + " in [env] instead");
  }
}

std::string PodEnvironment::translate(std::string_view raw, const std::string& key,
                                      const std::string& self,
                                      std::set<std::string>* referenced_env) {
  auto parsed = parse_template(raw);
  if (auto* failure = std::get_if<TemplateError>(&parsed)) {
    error(key, failure->message);
    return escape_for_kubelet(raw);
  }
  std::string text;
  for (const auto& segment : std::get<Template>(parsed).segments) {
    if (const auto* literal = std::get_if<std::string>(&segment)) {
      text += escape_for_kubelet(*literal);
      continue;
    }
    const auto& reference = std::get<VariableReference>(segment);
    const std::string& name = reference.name;
    const std::string kubelet_reference = "$(" + name + ")";
    if (reference.kind == VariableReference::Kind::required) {
      error(key, reference_text(reference) +
                     " cannot be expressed: kubelet has no check for required variables; list " +
                     name + " in required_env instead (the pod then reads it from Secret \"" +
                     secret_name_ + "\" and does not start without it)");
      text += kubelet_reference;
      continue;
    }
    if (name == self) {
      error(key, "[env] " + name + " cannot extend its own outside value (" +
                     reference_text(reference) +
                     ") in a pod; give the combined value another name");
      continue;
    }
    if (defined_by_env_table(name)) {
      if (referenced_env != nullptr) referenced_env->insert(name);
      const auto value = static_env_value(name);
      if (reference.kind == VariableReference::Kind::with_default && value && value->empty()) {
        text += escape_for_kubelet(reference.argument);  // `:-` also replaces an empty value
      } else {
        text += kubelet_reference;
      }
      continue;
    }
    if (!is_secret(name)) {
      if (reference.kind == VariableReference::Kind::with_default) {
        add_default(name, reference.argument, key);
      } else if (!defaults_.contains(name) && warned_undefined_.insert(name).second) {
        pending_undefined_.emplace_back(name, key);
      }
    }
    text += kubelet_reference;
  }
  return text;
}

std::string PodEnvironment::for_kubelet(std::string_view raw, const std::string& key) {
  return translate(raw, key, "", nullptr);
}

std::optional<std::string> PodEnvironment::resolved_now(std::string_view raw,
                                                        const std::string& key,
                                                        bool escape_dollars) {
  auto parsed = parse_template(raw);
  if (auto* failure = std::get_if<TemplateError>(&parsed)) {
    error(key, failure->message);
    return std::nullopt;
  }
  const auto append = [&](std::string& text, std::string_view value) {
    text += escape_dollars ? escape_for_kubelet(value) : std::string(value);
  };
  std::string text;
  bool resolved = true;
  for (const auto& segment : std::get<Template>(parsed).segments) {
    if (const auto* literal = std::get_if<std::string>(&segment)) {
      append(text, *literal);
      continue;
    }
    const auto& reference = std::get<VariableReference>(segment);
    const std::string& name = reference.name;
    std::optional<std::string> value;
    if (reference.kind != VariableReference::Kind::required) {
      if (defined_by_env_table(name)) {
        value = static_env_value(name);
        if (value && value->empty() && reference.kind == VariableReference::Kind::with_default) {
          value = reference.argument;
        }
      } else if (!is_secret(name) && reference.kind == VariableReference::Kind::with_default) {
        value = reference.argument;
      }
    }
    if (!value) {
      error(key,
            concat({reference_text(reference),
                    " cannot be expressed: kubelet does not expand variables in this field and ",
                    "the value of ", name, " is not known when rendering (set ", name,
                    " to a literal in [env], or write the value itself)"}));
      resolved = false;
      continue;
    }
    append(text, *value);
  }
  if (!resolved) return std::nullopt;
  return text;
}

YamlNode PodEnvironment::env_list() {
  struct EnvEntry {
    std::string value;
    std::set<std::string> references;  // [env] entries this value refers to
  };
  std::map<std::string, EnvEntry> table_entries;
  for (const auto& [name, raw] : service_.env) {
    const std::string key = "env." + name;
    switch (self_reference(name)) {
      case SelfReference::none: {
        EnvEntry entry;
        entry.value = translate(raw, key, name, &entry.references);
        table_entries.emplace(name, std::move(entry));
        break;
      }
      case SelfReference::with_default:
        if (!is_secret(name)) {
          table_entries.emplace(name, EnvEntry{escape_for_kubelet(*static_env_value(name)), {}});
        }
        break;
      case SelfReference::plain:
        if (!is_secret(name)) {
          warning(key, concat({name, " = \"${", name, "}\" takes ", name,
                               " from env_files or the inherited environment, which a pod does ",
                               "not have: the entry is left out; list ", name,
                               " in required_env to read it from Secret \"", secret_name_, "\""}));
        }
        break;
      case SelfReference::required:
        error(key,
              concat({"${", name, ":?...} cannot be expressed: kubelet has no check for required ",
                      "variables; list ", name, " in required_env instead"}));
        break;
    }
  }

  YamlNode list = YamlNode::sequence();
  for (const auto& name : secret_keys_) {
    list.push(
        YamlNode::map()
            .set("name", YamlNode::string(name))
            .set("valueFrom", YamlNode::map().set("secretKeyRef",
                                                  YamlNode::map()
                                                      .set("name", YamlNode::string(secret_name_))
                                                      .set("key", YamlNode::string(name)))));
  }
  for (const auto& [name, value] : defaults_) {
    list.push(YamlNode::map()
                  .set("name", YamlNode::string(name))
                  .set("value", YamlNode::string(escape_for_kubelet(value))));
  }
  // Depth-first, so that referenced entries come first; a cycle cannot be ordered for kubelet.
  std::set<std::string> done;
  std::set<std::string> in_progress;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (done.contains(name)) return;
    if (in_progress.contains(name)) {
      warning("env." + name, "[env] values that refer to each other in a cycle (through " + name +
                                 ") cannot all be expanded by kubelet; one keeps a literal $(...)");
      return;
    }
    in_progress.insert(name);
    for (const auto& dependency : table_entries.at(name).references) {
      if (table_entries.contains(dependency)) visit(dependency);
    }
    in_progress.erase(name);
    done.insert(name);
    list.push(YamlNode::map()
                  .set("name", YamlNode::string(name))
                  .set("value", YamlNode::string(table_entries.at(name).value)));
  };
  for (const auto& entry : table_entries) visit(entry.first);

  for (const auto& [name, key] : pending_undefined_) {
    if (defaults_.contains(name) || defined_by_env_table(name) || is_secret(name)) continue;
    warning(key, concat({"${", name,
                         "} is not defined in the pod (a pod has no env_files and no inherited ",
                         "environment): kubelet leaves \"$(", name, ")\" as written; set ", name,
                         " in [env] or list it in required_env"}));
  }
  pending_undefined_.clear();
  return list;
}

}  // namespace daemonize::kubernetes
