// `${VAR}`, `${VAR:-default}`, `${VAR:default}`, `${VAR:?message}` and `$$` in manifest strings.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace daemonize {

struct VariableReference {
  enum class Kind { plain, with_default, required };
  Kind kind = Kind::plain;
  std::string name;
  std::string argument;    // the default (with_default) or the message (required)
  std::size_t offset = 0;  // 0-based offset of the `$` in the original text
};

// A parsed string: literal text (with `$$` already turned into `$`) and references, in order.
struct Template {
  using Segment = std::variant<std::string, VariableReference>;
  std::vector<Segment> segments;

  [[nodiscard]] bool has_references() const;
  // The literal value; only meaningful when !has_references().
  [[nodiscard]] std::string literal() const;
};

struct TemplateError {
  std::string message;
  std::size_t offset = 0;  // 0-based offset in the text of the offending character
};

[[nodiscard]] std::variant<Template, TemplateError> parse_template(std::string_view text);

// Looks up a variable; std::nullopt = unset.
using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

// One reference that could not be resolved: the variable and why.
struct UnresolvedVariable {
  std::string name;
  std::string message;  // e.g. "DATABASE_URL is not set" or the `:?` message
};

struct Resolution {
  std::string value;
  std::vector<UnresolvedVariable> unresolved;  // empty = success
};

// Resolves a parsed template. Every unresolved reference is reported, not only the first.
[[nodiscard]] Resolution resolve_template(const Template& parsed, const VariableLookup& lookup);

// Parses then resolves; a syntax error is reported as one unresolved entry with an empty name.
[[nodiscard]] Resolution resolve_string(std::string_view text, const VariableLookup& lookup);

// `$@{VAR}`: an argv element (service.args, health.command) that is exactly this expands to the
// words of VAR's value, split at whitespace (space, tab, newline, CR, VT, FF), no quoting;
// unset or blank: no argument at all (as systemd's unquoted `$VAR` in ExecStart=).
// The name when `element` is exactly `$@{NAME}`, else nullopt.
[[nodiscard]] std::optional<std::string> split_reference(std::string_view element);
[[nodiscard]] std::vector<std::string> split_words(std::string_view value);

// Resolves an argv of templates: `$@{VAR}` elements become zero or more words, the others one
// argument each (resolve_template). `unresolved` as for resolve_template, by element.
struct ArgvResolution {
  std::vector<std::string> argv;
  std::vector<UnresolvedVariable> unresolved;
};
[[nodiscard]] ArgvResolution resolve_arguments(const std::vector<std::string>& elements,
                                               const VariableLookup& lookup);

// The variable lookup of manifest.md's precedence: [env] > env_files (later win) > inherited.
// `manifest_env` values are themselves templates resolved against env_files + inherited.
struct LayeredEnvironment {
  std::map<std::string, std::string> inherited;
  std::map<std::string, std::string> from_env_files;
  std::map<std::string, std::string> manifest_env;  // raw [env] templates

  // The child's full environment (inherited + env files + resolved [env]) and what failed.
  struct Result {
    std::map<std::string, std::string> environment;
    std::vector<UnresolvedVariable> unresolved;
  };
  [[nodiscard]] Result build() const;
};

}  // namespace daemonize
