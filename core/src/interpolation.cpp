#include "daemonize/core/interpolation.hpp"

namespace daemonize {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

bool Template::has_references() const {
  for (const auto& segment : segments) {
    if (std::holds_alternative<VariableReference>(segment)) return true;
  }
  return false;
}

std::string Template::literal() const {
  std::string text;
  for (const auto& segment : segments) {
    if (const auto* literal_text = std::get_if<std::string>(&segment)) text += *literal_text;
  }
  return text;
}

std::variant<Template, TemplateError> parse_template(std::string_view text) {
  Template parsed;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) parsed.segments.emplace_back(std::move(literal));
    literal.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      literal += c;
      ++i;
      continue;
    }
    const std::size_t dollar = i;
    if (i + 1 >= text.size()) {
      return TemplateError{"'$' at the end of the string; write '$$' for a literal '$'", dollar};
    }
    if (text[i + 1] == '$') {
      literal += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] == '@') {
      return TemplateError{
          "'$@{VAR}' (split into several arguments) must be a whole element of service.args or "
          "health.command",
          dollar};
    }
    if (text[i + 1] != '{') {
      return TemplateError{"'$' must be followed by '{' or '$' (write '$$' for a literal '$')",
                           dollar};
    }
    std::size_t j = i + 2;
    if (j >= text.size() || !is_name_start(text[j])) {
      return TemplateError{"expected a variable name after '${'", j < text.size() ? j : dollar};
    }
    const std::size_t name_start = j;
    while (j < text.size() && is_name_char(text[j])) ++j;
    VariableReference reference;
    reference.offset = dollar;
    reference.name = std::string(text.substr(name_start, j - name_start));
    if (j >= text.size()) return TemplateError{"unterminated '${' (missing '}')", dollar};
    if (text[j] == ':') {
      ++j;
      if (j < text.size() && text[j] == '-') {
        reference.kind = VariableReference::Kind::with_default;
        ++j;
      } else if (j < text.size() && text[j] == '?') {
        reference.kind = VariableReference::Kind::required;
        ++j;
      } else {
        reference.kind = VariableReference::Kind::with_default;  // `${VAR:default}`
      }
      // The argument runs to the matching '}' (no nesting; '$$' inside means '$').
      std::string argument;
      while (j < text.size() && text[j] != '}') {
        if (text[j] == '$') {
          if (j + 1 < text.size() && text[j + 1] == '$') {
            argument += '$';
            j += 2;
            continue;
          }
          return TemplateError{"nested '$' inside '${...}' is not supported (write '$$' for '$')",
                               j};
        }
        argument += text[j++];
      }
      reference.argument = std::move(argument);
    } else if (text[j] != '}') {
      return TemplateError{"invalid character '" + std::string(1, text[j]) +
                               "' in variable name (expected '}', ':-', ':?' or ':')",
                           j};
    }
    if (j >= text.size()) return TemplateError{"unterminated '${' (missing '}')", dollar};
    flush();
    parsed.segments.emplace_back(std::move(reference));
    i = j + 1;
  }
  flush();
  return parsed;
}

Resolution resolve_template(const Template& parsed, const VariableLookup& lookup) {
  Resolution resolution;
  for (const auto& segment : parsed.segments) {
    if (const auto* literal = std::get_if<std::string>(&segment)) {
      resolution.value += *literal;
      continue;
    }
    const auto& reference = std::get<VariableReference>(segment);
    const auto value = lookup(reference.name);
    switch (reference.kind) {
      case VariableReference::Kind::plain:
        if (value) {
          resolution.value += *value;
        } else {
          resolution.unresolved.push_back({reference.name, reference.name + " is not set"});
        }
        break;
      case VariableReference::Kind::with_default:
        resolution.value += (value && !value->empty()) ? *value : reference.argument;
        break;
      case VariableReference::Kind::required:
        if (value && !value->empty()) {
          resolution.value += *value;
        } else {
          resolution.unresolved.push_back(
              {reference.name,
               reference.name + ": " +
                   (reference.argument.empty() ? std::string("is not set") : reference.argument)});
        }
        break;
    }
  }
  return resolution;
}

std::optional<std::string> split_reference(std::string_view element) {
  if (element.size() < 5 || !element.starts_with("$@{") || !element.ends_with("}")) {
    return std::nullopt;
  }
  const auto name = element.substr(3, element.size() - 4);
  if (!is_name_start(name.front())) return std::nullopt;
  for (const char c : name) {
    if (!is_name_char(c)) return std::nullopt;
  }
  return std::string(name);
}

std::vector<std::string> split_words(std::string_view value) {
  constexpr std::string_view whitespace = " \t\n\r\v\f";
  std::vector<std::string> words;
  std::size_t start = value.find_first_not_of(whitespace);
  while (start != std::string_view::npos) {
    const auto end = value.find_first_of(whitespace, start);
    words.emplace_back(value.substr(start, end == std::string_view::npos ? end : end - start));
    start = end == std::string_view::npos ? end : value.find_first_not_of(whitespace, end);
  }
  return words;
}

ArgvResolution resolve_arguments(const std::vector<std::string>& elements,
                                 const VariableLookup& lookup) {
  ArgvResolution resolution;
  for (const auto& element : elements) {
    if (auto name = split_reference(element)) {
      if (auto value = lookup(*name)) {
        for (auto& word : split_words(*value)) resolution.argv.push_back(std::move(word));
      }
      continue;
    }
    auto resolved = resolve_string(element, lookup);
    for (auto& missing : resolved.unresolved) resolution.unresolved.push_back(std::move(missing));
    resolution.argv.push_back(std::move(resolved.value));
  }
  return resolution;
}

Resolution resolve_string(std::string_view text, const VariableLookup& lookup) {
  auto parsed = parse_template(text);
  if (auto* error = std::get_if<TemplateError>(&parsed)) {
    Resolution failed;
    failed.unresolved.push_back({"", error->message});
    return failed;
  }
  return resolve_template(std::get<Template>(parsed), lookup);
}

LayeredEnvironment::Result LayeredEnvironment::build() const {
  Result result;
  result.environment = inherited;
  for (const auto& [name, value] : from_env_files) result.environment[name] = value;
  // [env] templates see env_files + inherited, never each other: no order dependence, no cycles.
  const auto base = result.environment;
  const VariableLookup lookup = [&base](const std::string& name) -> std::optional<std::string> {
    if (auto found = base.find(name); found != base.end()) return found->second;
    return std::nullopt;
  };
  for (const auto& [name, raw] : manifest_env) {
    auto resolution = resolve_string(raw, lookup);
    for (auto& missing : resolution.unresolved) result.unresolved.push_back(std::move(missing));
    result.environment[name] = std::move(resolution.value);
  }
  return result;
}

}  // namespace daemonize
