// The manifest loader: TOML -> Service, with FILE:LINE:COL on every diagnostic.
//
// Two passes over the document: a schema pass checks every key name everywhere (including the
// [os.*] tables of other OSes), then a decode pass reads values through a layered view in which
// [os.<this os>] overrides the base tables. toml++ drops source positions when nodes are copied,
// so overrides are never merged by copying; the view keeps pointers to the original nodes.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/manifest_limits.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/core/units.hpp"
#include "schema.hpp"

namespace daemonize {
namespace {

SourcePosition position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool has_control_character(std::string_view text, bool allow_tab) {
  return std::any_of(text.begin(), text.end(), [allow_tab](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\t') return !allow_tab;
    return byte < 0x20 || byte == 0x7f;
  });
}

bool is_environment_name(std::string_view name) {
  if (name.empty()) return false;
  const auto first = static_cast<unsigned char>(name.front());
  if (!(std::isalpha(first) || first == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || byte == '_';
  });
}

bool is_service_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || byte == '_' || byte == '.' || byte == '-';
  });
}

bool is_posix_account_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  const auto first = static_cast<unsigned char>(name.front());
  if (!(std::isalpha(first) || first == '_')) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    const bool last = i + 1 == name.size();
    if (std::isalnum(byte) || byte == '_' || byte == '.' || byte == '-') continue;
    if (byte == '$' && last) continue;  // Samba machine accounts
    return false;
  }
  return true;
}

bool is_absolute_for(std::string_view path, TargetOs os) {
  if (os == TargetOs::windows) return is_windows_absolute_path(path);
  return is_posix_absolute_path(path);
}

bool is_dns1123_label(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  return std::all_of(name.begin(), name.end(), ok) && name.front() != '-' && name.back() != '-';
}

std::string dns1123_from(std::string_view name) {
  std::string label;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    label += (c == '_' || c == '.') ? '-' : static_cast<char>(std::tolower(byte));
  }
  return label;
}

// A table seen through its layers: the base table first, overrides after it (last one wins).
struct Entry {
  const toml::key* key = nullptr;
  const toml::node* node = nullptr;
};

class TableView {
 public:
  void add_layer(const toml::table* table) {
    if (table != nullptr) layers_.push_back(table);
  }
  [[nodiscard]] bool empty() const { return layers_.empty(); }

  [[nodiscard]] Entry find(std::string_view key) const {
    for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer) {
      if (auto it = (*layer)->find(key); it != (*layer)->end()) return {&it->first, &it->second};
    }
    return {};
  }

  [[nodiscard]] TableView child(std::string_view key) const {
    TableView view;
    for (const auto* layer : layers_) {
      if (const auto* node = layer->get(key); node != nullptr) view.add_layer(node->as_table());
    }
    return view;
  }

  // Every key of every layer, the winning entry for each, in key order.
  [[nodiscard]] std::map<std::string, Entry> merged_entries() const {
    std::map<std::string, Entry> entries;
    for (const auto* layer : layers_) {
      for (const auto& [key, node] : *layer) entries[std::string(key.str())] = {&key, &node};
    }
    return entries;
  }

  [[nodiscard]] const toml::table* first() const {
    return layers_.empty() ? nullptr : layers_.front();
  }

 private:
  std::vector<const toml::table*> layers_;
};

class ManifestDecoder {
 public:
  ManifestDecoder(std::string path, TargetOs os) : path_(std::move(path)), os_(os) {
    service_.os = os;
    service_.manifest_path = path_;
  }

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  Service& service() { return service_; }

  void error(SourcePosition at, std::string key, std::string message) {
    diagnostics_.push_back(
        {Severity::error, path_, at.line, at.column, std::move(key), std::move(message)});
  }
  void warning(SourcePosition at, std::string key, std::string message) {
    diagnostics_.push_back(
        {Severity::warning, path_, at.line, at.column, std::move(key), std::move(message)});
  }
  // A warning about what this OS's merge does (the CLI names the target it applies to).
  void os_warning(SourcePosition at, std::string key, std::string message) {
    warning(at, std::move(key), std::move(message));
    os_specific_.push_back(diagnostics_.back());
  }
  [[nodiscard]] const std::vector<Diagnostic>& os_specific() const { return os_specific_; }

  // ---- schema pass -------------------------------------------------------------------------

  void check_schema(const toml::table& root) {
    check_schema_version(root);
    check_string_lengths(root, "");
    for (const auto& [key, node] : root) {
      const std::string name(key.str());
      if (name == "schema") continue;
      if (name == "os") {
        check_os_tables(node);
        continue;
      }
      const auto* section = schema::find_section(name);
      if (section == nullptr) {
        report_unknown(key, "", schema::top_level_names());
        continue;
      }
      check_section(*section, node, name);
    }
  }

  void check_schema_version(const toml::table& root) {
    const auto it = root.find("schema");
    if (it == root.end()) return;
    const auto& node = it->second;
    const auto at = position_of(node.source());
    // `schema` must come first: it decides how everything after it is read.
    for (const auto& [key, other] : root) {
      const auto other_at = position_of(key.source());
      if (&other != &node && (other_at.line < position_of(it->first.source()).line)) {
        error(
            position_of(it->first.source()), "schema",
            "'schema' must be the first key of the file, before [" + std::string(key.str()) + "]");
        break;
      }
    }
    const auto* number = node.as_integer();
    if (number == nullptr) {
      error(at, "schema", std::string("'schema' must be an integer, got ") + type_name(node));
      return;
    }
    if (number->get() != 1) {
      error(at, "schema",
            "unsupported schema " + std::to_string(number->get()) +
                "; this daemonize (" DAEMONIZE_VERSION ") reads schema 1 — upgrade daemonize");
    }
  }

  void check_os_tables(const toml::node& node) {
    const auto* os_table = node.as_table();
    if (os_table == nullptr) {
      error(position_of(node.source()), "os",
            std::string("'os' must be a table, got ") + type_name(node));
      return;
    }
    static const std::vector<std::string> os_names{"linux", "macos", "windows"};
    for (const auto& [key, os_node] : *os_table) {
      const std::string os_name(key.str());
      const std::string prefix = "os." + os_name;
      if (std::find(os_names.begin(), os_names.end(), os_name) == os_names.end()) {
        report_unknown(key, "os", os_names);
        continue;
      }
      const auto* table = os_node.as_table();
      if (table == nullptr) {
        error(position_of(os_node.source()), prefix,
              "[" + prefix + "] must be a table, got " + type_name(os_node));
        continue;
      }
      // An override holds [service] keys directly, and any section as a sub-table.
      const auto* service_section = schema::find_section("service");
      for (const auto& [inner_key, inner_node] : *table) {
        const std::string inner(inner_key.str());
        if (const auto* section = schema::find_section(inner); section != nullptr) {
          check_section(*section, inner_node, prefix + "." + inner);
        } else if (service_section->find_key(inner) == nullptr) {
          auto candidates = service_section->key_names();
          const auto sections = schema::top_level_names();
          candidates.insert(candidates.end(), sections.begin(), sections.end());
          report_unknown(inner_key, prefix, candidates);
        }
      }
    }
  }

  void check_section(const schema::Section& section, const toml::node& node,
                     const std::string& path) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      error(position_of(node.source()), path,
            "[" + path + "] must be a table, got " + type_name(node));
      return;
    }
    if (section.free_form) return;  // [env], [systemd.extra]: names checked in the decode pass
    for (const auto& [key, child] : *table) {
      const std::string name(key.str());
      const auto* spec = section.find_key(name);
      if (spec == nullptr) {
        report_unknown(key, path, section.key_names());
        continue;
      }
      if (spec->nested != nullptr) check_section(*spec->nested, child, path + "." + name);
    }
  }

  void report_unknown(const toml::key& key, const std::string& table_path,
                      const std::vector<std::string>& candidates) {
    const std::string name(key.str());
    std::string message = "unknown key '" + name + "'";
    message += table_path.empty() ? " at the top level" : " in [" + table_path + "]";
    if (auto suggestion = schema::closest(name, candidates); !suggestion.empty()) {
      message += "; did you mean '" + suggestion + "'?";
    } else if (name == "schema") {
      message += " (schema = N goes at the top of the file, before any table)";
    } else if (candidates.size() <= 4) {
      std::string expected;
      for (const auto& candidate : candidates)
        expected += (expected.empty() ? "" : ", ") + candidate;
      message += " (expected one of: " + expected + ")";
    }
    error(position_of(key.source()), join_path(table_path, name), message);
  }

  // ---- limits (docs/manifest.md, "Limits") -----------------------------------------------

  void check_string_lengths(const toml::node& node, const std::string& path) {
    if (const auto* table = node.as_table()) {
      for (const auto& [key, child] : *table)
        check_string_lengths(child, join_path(path, key.str()));
    } else if (const auto* array = node.as_array()) {
      for (std::size_t i = 0; i < array->size(); ++i)
        check_string_lengths(*array->get(i), path + "[" + std::to_string(i) + "]");
    } else if (const auto* text = node.as_string();
               text != nullptr && text->get().size() > manifest_limits::string_bytes) {
      error(position_of(node.source()), path,
            "'" + path + "' is " + std::to_string(text->get().size()) +
                " bytes long, more than the limit of " +
                std::to_string(manifest_limits::string_bytes) + " bytes for one string");
    }
  }

  // `what` counts more than `limit` things; reported at the first one over the limit.
  void check_count(const std::string& key, std::size_t count, std::size_t limit,
                   const std::string& what) {
    if (count <= limit) return;
    const std::string first_over = key + "[" + std::to_string(limit) + "]";
    error(service_.position_of(first_over), key,
          "'" + key + "' has " + std::to_string(count) + " " + what + ", more than the limit of " +
              std::to_string(limit));
  }

  void check_env_count(const std::map<std::string, Entry>& entries) {
    if (entries.size() <= manifest_limits::env_entries) return;
    std::vector<SourcePosition> positions;
    positions.reserve(entries.size());
    for (const auto& [name, entry] : entries) positions.push_back(position_of(entry.key->source()));
    std::sort(positions.begin(), positions.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    error(positions[manifest_limits::env_entries], "env",
          "[env] has " + std::to_string(entries.size()) + " variables, more than the limit of " +
              std::to_string(manifest_limits::env_entries));
  }

  // ---- decode pass -------------------------------------------------------------------------

  void decode(const toml::table& root) {
    TableView view;
    view.add_layer(&root);
    const toml::table* override_table = nullptr;
    if (const auto* os_table = root["os"][to_string(os_)].as_table()) override_table = os_table;

    // [service] is layered from [service], the bare keys of [os.X] and [os.X.service].
    TableView service_view = view.child("service");
    service_view.add_layer(override_table);
    if (override_table != nullptr) {
      if (const auto* node = override_table->get("service"))
        service_view.add_layer(node->as_table());
    }
    auto section = [&](std::string_view name) {
      TableView section_view = view.child(name);
      if (override_table != nullptr) {
        if (const auto* node = override_table->get(name)) section_view.add_layer(node->as_table());
      }
      return section_view;
    };

    if (service_view.empty()) {
      error({1, 1}, "service", "missing [service] table (with at least 'name' and 'command')");
      service_missing_ = true;
    }
    for (const auto& name : schema::top_level_names()) record_table_position(root, name);
    if (override_table != nullptr) {
      service_.positions["os." + std::string(to_string(os_))] =
          position_of(override_table->source());
    }
    decode_service(service_view);
    decode_env(section("env"));
    decode_restart(section("restart"));
    decode_stop(section("stop"));
    decode_reload(section("reload"));
    decode_logs(section("logs"));
    decode_health(section("health"));
    decode_limits(section("limits"));
    decode_dependencies(section("dependencies"));
    decode_systemd(section("systemd"));
    decode_launchd(section("launchd"));
    decode_windows(section("windows"));
    decode_kubernetes(section("kubernetes"));
    fall_back_from_other_os_paths();
    check_conflicts();
  }

 private:
  void record_table_position(const toml::table& root, std::string_view name) {
    if (const auto* node = root.get(name))
      service_.positions[std::string(name)] = position_of(node->source());
  }

  // Looks a key up, records its position, and checks its type with `accept`.
  template <typename Accept>
  const toml::node* value(const TableView& view, const std::string& section, std::string_view key,
                          const char* expected, Accept accept) {
    const auto entry = view.find(key);
    if (entry.node == nullptr) return nullptr;
    const std::string path = join_path(section, key);
    const auto at = position_of(entry.node->source());
    service_.positions[path] = at;
    if (!accept(*entry.node)) {
      error(at, path, "'" + path + "' must be " + expected + ", got " + type_name(*entry.node));
      return nullptr;
    }
    return entry.node;
  }

  std::optional<std::string> string_value(const TableView& view, const std::string& section,
                                          std::string_view key) {
    const auto* node =
        value(view, section, key, "a string", [](const toml::node& n) { return n.is_string(); });
    if (node == nullptr) return std::nullopt;
    return node->as_string()->get();
  }

  std::optional<bool> bool_value(const TableView& view, const std::string& section,
                                 std::string_view key) {
    const auto* node = value(view, section, key, "true or false",
                             [](const toml::node& n) { return n.is_boolean(); });
    if (node == nullptr) return std::nullopt;
    return node->as_boolean()->get();
  }

  std::optional<std::int64_t> integer_value(const TableView& view, const std::string& section,
                                            std::string_view key, std::int64_t minimum,
                                            std::int64_t maximum) {
    const auto* node =
        value(view, section, key, "an integer", [](const toml::node& n) { return n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const auto number = node->as_integer()->get();
    if (number < minimum || number > maximum) {
      const std::string path = join_path(section, key);
      error(position_of(node->source()), path,
            "'" + path + "' must be between " + std::to_string(minimum) + " and " +
                std::to_string(maximum) + ", got " + std::to_string(number));
      return std::nullopt;
    }
    return number;
  }

  std::optional<double> number_value(const TableView& view, const std::string& section,
                                     std::string_view key) {
    const auto* node = value(view, section, key, "a number", [](const toml::node& n) {
      return n.is_integer() || n.is_floating_point();
    });
    if (node == nullptr) return std::nullopt;
    if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
    return node->as_floating_point()->get();
  }

  std::optional<Duration> duration_value(const TableView& view, const std::string& section,
                                         std::string_view key) {
    const auto* node = value(view, section, key, "a duration like \"30s\" or an integer of seconds",
                             [](const toml::node& n) { return n.is_string() || n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = join_path(section, key);
    const auto at = position_of(node->source());
    if (const auto* integer = node->as_integer()) {
      if (integer->get() < 0) {
        error(at, path, "'" + path + "' must not be negative");
        return std::nullopt;
      }
      auto parsed = parse_duration(std::to_string(integer->get()));
      if (auto* failure = std::get_if<UnitError>(&parsed)) {
        error(at, path, "'" + path + "': " + failure->message);
        return std::nullopt;
      }
      return std::get<std::chrono::milliseconds>(parsed);
    }
    auto parsed = parse_duration(node->as_string()->get());
    if (auto* failure = std::get_if<UnitError>(&parsed)) {
      error(at, path, "'" + path + "': " + failure->message);
      return std::nullopt;
    }
    return std::get<std::chrono::milliseconds>(parsed);
  }

  std::optional<std::uint64_t> size_value(const TableView& view, const std::string& section,
                                          std::string_view key) {
    const auto* node = value(view, section, key, "a size like \"10MiB\" or an integer of bytes",
                             [](const toml::node& n) { return n.is_string() || n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = join_path(section, key);
    const auto at = position_of(node->source());
    const std::string text =
        node->is_integer() ? std::to_string(node->as_integer()->get()) : node->as_string()->get();
    auto parsed = parse_size(text);
    if (auto* failure = std::get_if<UnitError>(&parsed)) {
      error(at, path, "'" + path + "': " + failure->message);
      return std::nullopt;
    }
    return std::get<std::uint64_t>(parsed);
  }

  // An array of strings; `allow_empty_entries` = whether "" is a valid element.
  std::optional<std::vector<std::string>> string_array(const TableView& view,
                                                       const std::string& section,
                                                       std::string_view key,
                                                       bool allow_empty_entries) {
    const auto* node = value(view, section, key, "an array of strings",
                             [](const toml::node& n) { return n.is_array(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = join_path(section, key);
    std::vector<std::string> result;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& element : *node->as_array()) {
      const std::string element_path = path + "[" + std::to_string(index) + "]";
      const auto at = position_of(element.source());
      service_.positions[element_path] = at;
      if (!element.is_string()) {
        error(at, element_path,
              "'" + element_path + "' must be a string, got " + type_name(element));
        ok = false;
      } else if (!allow_empty_entries && element.as_string()->get().empty()) {
        error(at, element_path, "'" + element_path + "' must not be empty");
        ok = false;
      } else {
        result.push_back(element.as_string()->get());
      }
      ++index;
    }
    if (!ok) return std::nullopt;
    return result;
  }

  // Reports interpolation syntax errors with the column inside the string.
  void check_template(const std::string& path, const std::string& text) {
    auto parsed = parse_template(text);
    if (const auto* failure = std::get_if<TemplateError>(&parsed)) {
      auto at = service_.position_of(path);
      // Point into the string: column of the opening quote + 1 + offset (exact for basic strings
      // without escapes before the error; the best toml++ lets us know otherwise).
      if (at.line > 0) at.column += 1 + static_cast<int>(failure->offset);
      error(at, path, "'" + path + "': " + failure->message);
    }
  }

  void reject_control_characters(const std::string& path, const std::string& text, bool allow_tab,
                                 const char* what) {
    if (has_control_character(text, allow_tab)) {
      error(
          service_.position_of(path), path,
          "'" + path + "' must be " + what + " without control characters (newline, tab, NUL...)");
    }
  }

  // An absolute path of any platform is accepted here; one of the other platform only warns, so a
  // Windows-only manifest validates on Linux. Targets enforce their own kind (validate --target).
  void check_absolute(const std::string& path, const std::string& text) {
    auto parsed = parse_template(text);
    if (std::holds_alternative<Template>(parsed) && std::get<Template>(parsed).has_references()) {
      return;  // checked by the watchdog after interpolation
    }
    if (is_absolute_for(text, os_)) return;
    const bool windows_path = is_windows_absolute_path(text);
    const bool posix_path = !text.empty() && text.front() == '/';
    if (windows_path || posix_path) {
      os_warning(service_.position_of(path), path,
                 "'" + path + "' is a " + (windows_path ? "Windows" : "POSIX") +
                     " path; this manifest cannot run on " + to_string(os_) + " unless [os." +
                     to_string(os_) + "] sets " + (windows_path ? "a POSIX" : "a Windows") +
                     " one");
      return;
    }
    error(service_.position_of(path), path,
          "'" + path + "' must be an absolute path, got '" + text + "'");
  }

  template <typename Enum>
  std::optional<Enum> enum_value(const TableView& view, const std::string& section,
                                 std::string_view key,
                                 const std::vector<std::pair<std::string, Enum>>& choices) {
    auto text = string_value(view, section, key);
    if (!text) return std::nullopt;
    for (const auto& [name, choice] : choices) {
      if (name == *text) return choice;
    }
    const std::string path = join_path(section, key);
    std::string allowed;
    std::vector<std::string> names;
    for (const auto& [name, choice] : choices) {
      allowed += (allowed.empty() ? "\"" : ", \"") + name + "\"";
      names.push_back(name);
    }
    std::string message = "'" + path + "' must be one of " + allowed + ", got \"" + *text + "\"";
    if (auto suggestion = schema::closest(*text, names); !suggestion.empty()) {
      message += "; did you mean \"" + suggestion + "\"?";
    }
    error(service_.position_of(path), path, message);
    return std::nullopt;
  }

  void decode_service(const TableView& view) {
    const std::string s = "service";
    if (auto name = string_value(view, s, "name")) {
      if (!is_service_name(*name)) {
        error(service_.position_of("service.name"), "service.name",
              "'service.name' must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got '" + *name + "'");
      }
      service_.name = *name;
    } else if (view.find("name").node == nullptr && !service_missing_) {
      error(service_.position_of("service"), "service.name",
            "missing required key 'name' in [service]");
    }
    if (auto display_name = string_value(view, s, "display_name")) {
      reject_control_characters("service.display_name", *display_name, false, "one line");
      service_.display_name = *display_name;
    }
    if (auto description = string_value(view, s, "description")) {
      reject_control_characters("service.description", *description, false, "one line");
      service_.description = *description;
    }
    if (auto command = string_value(view, s, "command")) {
      service_.command = *command;
      if (command->empty()) {
        error(service_.position_of("service.command"), "service.command",
              "'service.command' must not be empty");
      } else {
        check_template("service.command", *command);
        check_absolute("service.command", *command);
      }
    } else if (view.find("command").node == nullptr && !service_missing_) {
      error(service_.position_of("service"), "service.command",
            "missing required key 'command' in [service]" +
                std::string(os_ == TargetOs::windows ? " (or [os.windows])" : ""));
    }
    if (auto args = string_array(view, s, "args", true)) {
      check_count("service.args", args->size(), manifest_limits::args, "elements");
      service_.args = *args;
      for (std::size_t i = 0; i < args->size(); ++i) {
        check_template("service.args[" + std::to_string(i) + "]", (*args)[i]);
      }
    }
    if (auto directory = string_value(view, s, "working_directory")) {
      service_.working_directory = *directory;
      check_template("service.working_directory", *directory);
      if (!has_references(*directory) && path_kind(*directory) == PathKind::invalid) {
        error(service_.position_of("service.working_directory"), "service.working_directory",
              "'service.working_directory' must be an absolute path (or start with ~/ on Linux "
              "and macOS), got '" +
                  *directory + "'");
      }
    }
    if (auto user = string_value(view, s, "user")) {
      service_.user = *user;
      if (os_ != TargetOs::windows && !is_posix_account_name(*user)) {
        error(service_.position_of("service.user"), "service.user",
              "'service.user' is not a valid account name: '" + *user + "'");
      }
    }
    if (auto group = string_value(view, s, "group")) {
      service_.group = *group;
      if (os_ != TargetOs::windows && !is_posix_account_name(*group)) {
        error(service_.position_of("service.group"), "service.group",
              "'service.group' is not a valid group name: '" + *group + "'");
      }
    }
    if (auto create_user = bool_value(view, s, "create_user")) service_.create_user = *create_user;
    if (auto scope = enum_value<Scope>(view, s, "scope",
                                       {{"system", Scope::system}, {"user", Scope::user}})) {
      service_.scope = *scope;
    }
    if (auto mode = enum_value<SupervisorMode>(
            view, s, "supervisor",
            {{"daemonize", SupervisorMode::daemonize}, {"native", SupervisorMode::native}})) {
      service_.supervisor = *mode;
    }
    if (auto umask = string_value(view, s, "umask")) {
      const bool octal =
          !umask->empty() && umask->size() <= 4 &&
          std::all_of(umask->begin(), umask->end(), [](char c) { return c >= '0' && c <= '7'; });
      if (!octal) {
        error(service_.position_of("service.umask"), "service.umask",
              "'service.umask' must be an octal string like \"0027\", got \"" + *umask + "\"");
      } else {
        service_.umask = static_cast<std::uint32_t>(std::stoul(*umask, nullptr, 8));
      }
    }
    if (auto files = string_array(view, s, "env_files", false)) {
      check_count("service.env_files", files->size(), manifest_limits::env_files, "entries");
      for (std::size_t i = 0; i < files->size(); ++i) {
        const auto& file = (*files)[i];
        const std::string path = file.front() == '-' ? file.substr(1) : file;
        if (const auto kind = path_kind(path);
            kind == PathKind::invalid || kind == PathKind::home) {
          const std::string key = "service.env_files[" + std::to_string(i) + "]";
          error(service_.position_of(key), key,
                "'" + key + "' must be an absolute path, got '" + file + "'");
        }
      }
      service_.env_files = *files;
    }
    if (auto names = string_array(view, s, "required_env", false)) {
      check_count("service.required_env", names->size(), manifest_limits::required_env, "names");
      for (std::size_t i = 0; i < names->size(); ++i) {
        if (!is_environment_name((*names)[i])) {
          const std::string key = "service.required_env[" + std::to_string(i) + "]";
          error(service_.position_of(key), key,
                "'" + key + "' is not a valid variable name: '" + (*names)[i] + "'");
        }
      }
      service_.required_env = *names;
    }
  }

  void decode_env(const TableView& view) {
    const auto entries = view.merged_entries();
    check_env_count(entries);
    for (const auto& [name, entry] : entries) {
      const std::string path = "env." + name;
      const auto at = position_of(entry.node->source());
      service_.positions[path] = at;
      if (!is_environment_name(name)) {
        error(position_of(entry.key->source()), path,
              "[env] name '" + name + "' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)");
        continue;
      }
      if (!entry.node->is_string()) {
        error(at, path, "'" + path + "' must be a string, got " + type_name(*entry.node));
        continue;
      }
      const auto& text = entry.node->as_string()->get();
      if (text.find('\0') != std::string::npos) {
        error(at, path, "'" + path + "' must not contain NUL characters");
        continue;
      }
      check_template(path, text);
      service_.env[name] = text;
    }
  }

  void decode_restart(const TableView& view) {
    const std::string s = "restart";
    auto& restart = service_.restart;
    if (auto policy = enum_value<RestartPolicy>(view, s, "policy",
                                                {{"always", RestartPolicy::always},
                                                 {"on-failure", RestartPolicy::on_failure},
                                                 {"never", RestartPolicy::never}})) {
      restart.policy = *policy;
    }
    if (auto delay = duration_value(view, s, "delay")) restart.delay = *delay;
    if (auto max_delay = duration_value(view, s, "max_delay")) restart.max_delay = *max_delay;
    if (auto multiplier = number_value(view, s, "multiplier")) {
      if (!(*multiplier >= 1.0 && *multiplier <= 100.0)) {
        error(service_.position_of("restart.multiplier"), "restart.multiplier",
              "'restart.multiplier' must be between 1.0 and 100.0");
      } else {
        restart.multiplier = *multiplier;
      }
    }
    if (auto reset_after = duration_value(view, s, "reset_after"))
      restart.reset_after = *reset_after;
    if (auto max_restarts = integer_value(view, s, "max_restarts", 0, 1'000'000)) {
      restart.max_restarts = static_cast<std::uint32_t>(*max_restarts);
    }
    if (auto window = duration_value(view, s, "window")) {
      if (window->count() == 0) {
        error(service_.position_of("restart.window"), "restart.window",
              "'restart.window' must be longer than 0");
      } else {
        restart.window = *window;
      }
    }
    if (const auto* node = value(view, s, "success_exit_codes", "an array of integers",
                                 [](const toml::node& n) { return n.is_array(); })) {
      std::vector<int> codes;
      std::size_t index = 0;
      for (const auto& element : *node->as_array()) {
        const std::string path = "restart.success_exit_codes[" + std::to_string(index++) + "]";
        const auto at = position_of(element.source());
        service_.positions[path] = at;
        const auto* integer = element.as_integer();
        if (integer == nullptr || integer->get() < 0 || integer->get() > 255) {
          error(at, path, "'" + path + "' must be an integer from 0 to 255");
          continue;
        }
        codes.push_back(static_cast<int>(integer->get()));
      }
      restart.success_exit_codes = codes;
    }
    if (restart.max_delay < restart.delay) {
      const std::string key =
          service_.positions.count("restart.max_delay") ? "restart.max_delay" : "restart.delay";
      error(service_.position_of(key), key,
            "'restart.max_delay' (" + format_duration(restart.max_delay) +
                ") must not be shorter than 'restart.delay' (" + format_duration(restart.delay) +
                ")");
    }
  }

  static std::vector<std::pair<std::string, Signal>> signal_choices() {
    return {{"TERM", Signal::term}, {"INT", Signal::interrupt}, {"HUP", Signal::hangup},
            {"QUIT", Signal::quit}, {"USR1", Signal::usr1},     {"USR2", Signal::usr2},
            {"KILL", Signal::kill}};
  }

  void decode_stop(const TableView& view) {
    if (auto signal = enum_value<Signal>(view, "stop", "signal", signal_choices()))
      service_.stop.signal = *signal;
    if (auto timeout = duration_value(view, "stop", "timeout")) service_.stop.timeout = *timeout;
  }

  void decode_reload(const TableView& view) {
    if (auto signal = enum_value<Signal>(view, "reload", "signal", signal_choices())) {
      service_.reload.signal = *signal;
    }
  }

  std::optional<LogStream> log_stream(const TableView& view, std::string_view key) {
    auto text = string_value(view, "logs", key);
    if (!text) return std::nullopt;
    if (*text == "inherit") return LogStream{LogStream::Kind::inherit, ""};
    if (*text == "null") return LogStream{LogStream::Kind::null, ""};
    const std::string path = "logs." + std::string(key);
    if (text->empty() || *text == "." || *text == ".." ||
        text->find_first_of("/\\") != std::string::npos || has_control_character(*text, false)) {
      error(service_.position_of(path), path,
            "'" + path +
                "' must be \"inherit\", \"null\" or a file name inside logs.directory (no '/' or "
                "'\\'), got \"" +
                *text + "\"");
      return std::nullopt;
    }
    return LogStream{LogStream::Kind::file, *text};
  }

  void decode_logs(const TableView& view) {
    const std::string s = "logs";
    auto& logs = service_.logs;
    if (auto directory = string_value(view, s, "directory")) {
      if (const auto kind = path_kind(*directory);
          kind == PathKind::invalid || kind == PathKind::home) {
        error(service_.position_of("logs.directory"), "logs.directory",
              "'logs.directory' must be an absolute path, got '" + *directory + "'");
      }
      logs.directory = *directory;
    }
    if (auto stream = log_stream(view, "stdout")) logs.stdout_stream = *stream;
    if (auto stream = log_stream(view, "stderr")) logs.stderr_stream = *stream;
    if (auto size = size_value(view, s, "max_size")) logs.max_size = *size;
    if (auto files = integer_value(view, s, "max_files", 0, 10'000))
      logs.max_files = static_cast<std::uint32_t>(*files);
    if (auto every = enum_value<RotateEvery>(view, s, "rotate_every",
                                             {{"hourly", RotateEvery::hourly},
                                              {"daily", RotateEvery::daily},
                                              {"weekly", RotateEvery::weekly}})) {
      logs.rotate_every = *every;
    }
    if (auto timezone = enum_value<LogTimezone>(
            view, s, "timezone", {{"utc", LogTimezone::utc}, {"local", LogTimezone::local}})) {
      logs.timezone = *timezone;
    }
    if (auto compress = bool_value(view, s, "compress")) logs.compress = *compress;
    if (auto timestamps = bool_value(view, s, "timestamps")) logs.timestamps = *timestamps;
  }

  void decode_health(const TableView& view) {
    if (view.empty()) return;
    const std::string s = "health";
    HealthConfig health;
    auto check = enum_value<HealthCheckKind>(view, s, "check",
                                             {{"http", HealthCheckKind::http},
                                              {"tcp", HealthCheckKind::tcp},
                                              {"exec", HealthCheckKind::exec}});
    if (check) health.check = *check;
    if (!check && view.find("check").node == nullptr) {
      error(service_.position_of("health"), "health.check",
            "[health] needs 'check' = \"http\", \"tcp\" or \"exec\"");
    }
    if (auto url = string_value(view, s, "url")) {
      health.url = *url;
      check_template("health.url", *url);
      if (url->rfind("http://", 0) != 0 && url->rfind("${", 0) != 0) {
        error(service_.position_of("health.url"), "health.url",
              "'health.url' must start with http:// (https is not supported by the probe), got '" +
                  *url + "'");
      }
    }
    if (auto address = string_value(view, s, "address")) {
      health.address = *address;
      check_template("health.address", *address);
      const auto colon = address->rfind(':');
      if (address->find("${") == std::string::npos &&
          (colon == std::string::npos || colon == 0 || colon + 1 == address->size())) {
        error(service_.position_of("health.address"), "health.address",
              "'health.address' must be host:port (IPv6 as [::1]:port), got '" + *address + "'");
      }
    }
    if (auto command = string_array(view, s, "command", false)) {
      health.command = *command;
      for (std::size_t i = 0; i < command->size(); ++i) {
        check_template("health.command[" + std::to_string(i) + "]", (*command)[i]);
      }
      if (command->empty()) {
        error(service_.position_of("health.command"), "health.command",
              "'health.command' must not be empty");
      }
    }
    if (auto interval = duration_value(view, s, "interval")) health.interval = *interval;
    if (auto timeout = duration_value(view, s, "timeout")) health.timeout = *timeout;
    if (auto retries = integer_value(view, s, "retries", 1, 1000))
      health.retries = static_cast<std::uint32_t>(*retries);
    if (auto start_period = duration_value(view, s, "start_period"))
      health.start_period = *start_period;
    for (const char* key : {"interval", "timeout"}) {
      const std::string path = "health." + std::string(key);
      const auto duration = std::string(key) == "interval" ? health.interval : health.timeout;
      if (duration.count() == 0)
        error(service_.position_of(path), path, "'" + path + "' must be longer than 0");
    }
    if (check) {
      // The key that belongs to the check kind is required; the others conflict with it.
      const std::vector<std::pair<HealthCheckKind, std::string>> owners{
          {HealthCheckKind::http, "url"},
          {HealthCheckKind::tcp, "address"},
          {HealthCheckKind::exec, "command"}};
      for (const auto& [kind, key] : owners) {
        const bool present = view.find(key).node != nullptr;
        const std::string path = "health." + key;
        if (kind == *check && !present) {
          error(service_.position_of("health.check"), path,
                std::string("check = \"") + to_string(*check) + "\" needs 'health." + key + "'");
        } else if (kind != *check && present) {
          error(service_.position_of(path), path,
                "'health." + key + "' conflicts with check = \"" + to_string(*check) +
                    "\" (it belongs to check = \"" + to_string(kind) + "\")");
        }
      }
    }
    service_.health = health;
  }

  void decode_limits(const TableView& view) {
    const std::string s = "limits";
    if (auto memory = size_value(view, s, "memory")) {
      if (*memory == 0) {
        error(service_.position_of("limits.memory"), "limits.memory",
              "'limits.memory' must be larger than 0");
      } else {
        service_.limits.memory = *memory;
      }
    }
    if (auto cpu = number_value(view, s, "cpu")) {
      if (!(*cpu > 0.0 && *cpu <= 4096.0) || std::isnan(*cpu)) {
        error(service_.position_of("limits.cpu"), "limits.cpu",
              "'limits.cpu' must be a number of cores > 0");
      } else {
        service_.limits.cpu = *cpu;
      }
    }
    if (auto nofile = integer_value(view, s, "nofile", 1, 1LL << 30))
      service_.limits.nofile = static_cast<std::uint64_t>(*nofile);
    if (auto nproc = integer_value(view, s, "nproc", 1, 1LL << 30))
      service_.limits.nproc = static_cast<std::uint64_t>(*nproc);
  }

  void check_unit_names(const std::string& path, const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& name = names[i];
      const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return std::isalnum(byte) || c == '_' || c == '.' || c == '-' || c == '@' || c == ':' ||
               c == '\\';
      });
      if (!ok) {
        const std::string key = path + "[" + std::to_string(i) + "]";
        error(service_.position_of(key), key,
              "'" + key + "' is not a valid service name: '" + name + "'");
      }
    }
  }

  void decode_dependencies(const TableView& view) {
    if (auto after = string_array(view, "dependencies", "after", false)) {
      check_unit_names("dependencies.after", *after);
      service_.dependencies.after = *after;
    }
    if (auto requires_units = string_array(view, "dependencies", "requires", false)) {
      check_unit_names("dependencies.requires", *requires_units);
      service_.dependencies.requires_units = *requires_units;
    }
  }

  void decode_systemd(const TableView& view) {
    if (auto hardening = bool_value(view, "systemd", "hardening"))
      service_.systemd.hardening = *hardening;
    const auto extra = view.child("extra");
    if (const auto* node = view.find("extra").node; node != nullptr && !node->is_table()) {
      error(position_of(node->source()), "systemd.extra", "'systemd.extra' must be a table");
      return;
    }
    for (const auto& [name, entry] : extra.merged_entries()) {
      const std::string path = "systemd.extra." + name;
      const auto at = position_of(entry.node->source());
      service_.positions[path] = at;
      const auto dot = name.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
        error(position_of(entry.key->source()), path,
              "[systemd.extra] keys are \"Section.Key\" (like \"Service.OOMScoreAdjust\"), got '" +
                  name + "'");
        continue;
      }
      if (!entry.node->is_string()) {
        error(at, path, "'" + path + "' must be a string, got " + type_name(*entry.node));
        continue;
      }
      service_.systemd.extra[name] = entry.node->as_string()->get();
    }
  }

  void decode_launchd(const TableView& view) {
    if (auto label = string_value(view, "launchd", "label")) {
      const bool ok = !label->empty() && std::all_of(label->begin(), label->end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return std::isalnum(byte) || c == '.' || c == '-' || c == '_';
      });
      if (!ok) {
        error(service_.position_of("launchd.label"), "launchd.label",
              "'launchd.label' must be a reverse-DNS name like com.example.app, got '" + *label +
                  "'");
      }
      service_.launchd.label = *label;
    }
    if (auto type = enum_value<std::string>(view, "launchd", "process_type",
                                            {{"Background", "Background"},
                                             {"Standard", "Standard"},
                                             {"Adaptive", "Adaptive"},
                                             {"Interactive", "Interactive"}})) {
      service_.launchd.process_type = *type;
    }
  }

  void decode_windows(const TableView& view) {
    const std::string s = "windows";
    if (auto backend = enum_value<WindowsBackend>(
            view, s, "backend",
            {{"service", WindowsBackend::service}, {"task", WindowsBackend::task}})) {
      service_.windows.backend = *backend;
    }
    if (auto start = enum_value<WindowsStart>(view, s, "start",
                                              {{"auto", WindowsStart::automatic},
                                               {"delayed-auto", WindowsStart::delayed_automatic},
                                               {"demand", WindowsStart::demand},
                                               {"disabled", WindowsStart::disabled}})) {
      service_.windows.start = *start;
    }
    if (auto account = string_value(view, s, "account")) {
      reject_control_characters("windows.account", *account, false, "an account name");
      if (account->empty())
        error(service_.position_of("windows.account"), "windows.account",
              "'windows.account' must not be empty");
      service_.windows.account = *account;
    }
    if (auto trigger =
            enum_value<TaskTrigger>(view, s, "task_trigger",
                                    {{"boot", TaskTrigger::boot}, {"logon", TaskTrigger::logon}})) {
      service_.windows.task_trigger = *trigger;
      task_trigger_set_ = true;
    }
  }

  void decode_kubernetes(const TableView& view) {
    const std::string s = "kubernetes";
    if (auto image = string_value(view, s, "image")) {
      if (image->empty() || has_control_character(*image, false) ||
          image->find(' ') != std::string::npos) {
        error(service_.position_of("kubernetes.image"), "kubernetes.image",
              "'kubernetes.image' must be an image reference like registry.example.com/app:1.0");
      }
      service_.kubernetes.image = *image;
    }
    if (auto replicas = integer_value(view, s, "replicas", 0, 10'000)) {
      service_.kubernetes.replicas = static_cast<std::uint32_t>(*replicas);
    }
    if (auto name = string_value(view, s, "namespace")) {
      if (!is_dns1123_label(*name)) {
        error(service_.position_of("kubernetes.namespace"), "kubernetes.namespace",
              "'kubernetes.namespace' must be a DNS-1123 label (lowercase letters, digits, '-'), "
              "got '" +
                  *name + "'");
      }
      service_.kubernetes.namespace_name = *name;
    }
    if (auto account = string_value(view, s, "service_account")) {
      if (!is_dns1123_label(*account)) {
        error(service_.position_of("kubernetes.service_account"), "kubernetes.service_account",
              "'kubernetes.service_account' must be a DNS-1123 label, got '" + *account + "'");
      }
      service_.kubernetes.service_account = *account;
    }
    if (auto port = integer_value(view, s, "port", 1, 65535))
      service_.kubernetes.port = static_cast<std::uint16_t>(*port);
  }

  // ---- paths of the other OS ---------------------------------------------------------------
  // The manifest is merged once per OS. A path key that holds a path of the other OS (a POSIX
  // or ~/ path merged for Windows, a Windows path merged for Linux/macOS) cannot be used there;
  // instead of refusing the manifest, the key falls back to what this OS does without it, with
  // a warning. [os.<this os>] overrides the key, which is how to choose another value.

  enum class PathKind { native, foreign, home, invalid };

  static bool has_references(const std::string& text) {
    auto parsed = parse_template(text);
    return std::holds_alternative<Template>(parsed) && std::get<Template>(parsed).has_references();
  }

  [[nodiscard]] PathKind path_kind(std::string_view path) const {
    if (path == "~" || path.starts_with("~/")) return PathKind::home;
    if (is_absolute_for(path, os_)) return PathKind::native;
    if (is_windows_absolute_path(path) || is_posix_absolute_path(path)) return PathKind::foreign;
    return PathKind::invalid;
  }

  [[nodiscard]] const char* os_title() const {
    switch (os_) {
      case TargetOs::linux:
        return "Linux";
      case TargetOs::macos:
        return "macOS";
      case TargetOs::windows:
        return "Windows";
    }
    return "Linux";
  }

  void fallback_warning(const std::string& key, const std::string& value, const std::string& what,
                        const std::string& setting) {
    const char* kind = (value == "~" || value.starts_with("~/")) ? "a path in a home directory"
                       : is_windows_absolute_path(value)         ? "a Windows path"
                                                                 : "a POSIX path";
    os_warning(service_.position_of(key), key,
               "'" + key + "' = '" + value + "' is " + kind + ", which " + os_title() +
                   " cannot use: " + what + " (set " + setting + " in [os." + to_string(os_) +
                   "] to choose)");
  }

  void fall_back_from_other_os_paths() {
    auto& s = service_;
    if (!s.logs.directory.empty() && path_kind(s.logs.directory) == PathKind::foreign) {
      const auto fallback = default_log_directory();
      fallback_warning(
          "logs.directory", s.logs.directory,
          "the logs go to the " + std::string(os_title()) + " default '" + fallback + "' instead",
          "logs.directory");
      s.logs.directory = fallback;
    }
    if (!s.working_directory.empty() && !has_references(s.working_directory)) {
      const auto kind = path_kind(s.working_directory);
      if (kind == PathKind::foreign || (kind == PathKind::home && os_ == TargetOs::windows)) {
        fallback_warning("service.working_directory", s.working_directory,
                         "no working directory is set (the service manager's default)",
                         "working_directory");
        s.working_directory.clear();
      }
    }
    // Dropped env files leave the others renumbered; their positions follow them.
    std::vector<std::string> kept;
    std::vector<SourcePosition> kept_positions;
    for (std::size_t i = 0; i < s.env_files.size(); ++i) {
      const auto& file = s.env_files[i];
      const std::string key = "service.env_files[" + std::to_string(i) + "]";
      const std::string path = file.front() == '-' ? file.substr(1) : file;
      if (path_kind(path) == PathKind::foreign) {
        fallback_warning(key, file,
                         "this env file is not read (required_env still names every variable "
                         "that is then missing)",
                         "env_files");
        continue;
      }
      kept.push_back(file);
      kept_positions.push_back(s.position_of(key));
    }
    if (kept.size() != s.env_files.size()) {
      for (std::size_t i = 0; i < s.env_files.size(); ++i)
        s.positions.erase("service.env_files[" + std::to_string(i) + "]");
      for (std::size_t i = 0; i < kept.size(); ++i)
        s.positions["service.env_files[" + std::to_string(i) + "]"] = kept_positions[i];
      s.env_files = std::move(kept);
    }
  }

  void check_conflicts() {
    // Defaults that depend on other keys, applied here and nowhere else.
    auto& s = service_;
    if (s.display_name.empty()) s.display_name = s.name;
    if (s.launchd.label.empty()) s.launchd.label = "org.daemonize." + s.name;
    if (s.windows.account.empty()) s.windows.account = "NT SERVICE\\" + s.name;
    if (!task_trigger_set_)
      s.windows.task_trigger = s.scope == Scope::user ? TaskTrigger::logon : TaskTrigger::boot;
    if (s.kubernetes.service_account.empty()) s.kubernetes.service_account = dns1123_from(s.name);
    if (s.logs.directory.empty()) s.logs.directory = default_log_directory();
    if (s.scope == Scope::user && s.create_user) {
      error(s.position_of("service.create_user"), "service.create_user",
            "'create_user' needs scope = \"system\" (a user service runs as the logged-in user)");
    }
    if (s.create_user && s.user.empty()) {
      error(s.position_of("service.create_user"), "service.create_user",
            "'create_user = true' needs 'service.user'");
    }
    if (!s.group.empty() && s.user.empty()) {
      warning(s.position_of("service.group"), "service.group",
              "'service.group' without 'service.user': the service runs as the service manager's "
              "default user");
    }
    for (const auto& name : s.required_env) {
      if (auto found = s.env.find(name); found != s.env.end() &&
                                         found->second.find("${") == std::string::npos &&
                                         !found->second.empty()) {
        warning(s.position_of("env." + name), "env." + name,
                "'" + name +
                    "' is listed in required_env but [env] sets it to a literal value; keep "
                    "secrets in env_files");
      }
    }
  }

  std::string default_log_directory() const {
    const auto& name = service_.name;
    const bool user = service_.scope == Scope::user;
    switch (os_) {
      case TargetOs::linux:
        return user ? "~/.local/state/" + name + "/log" : "/var/log/" + name;
      case TargetOs::macos:
        return user ? "~/Library/Logs/" + name : "/Library/Logs/" + name;
      case TargetOs::windows:
        return "%ProgramData%\\" + name + "\\logs";
    }
    return "/var/log/" + name;
  }

  std::string path_;
  TargetOs os_;
  Service service_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<Diagnostic> os_specific_;
  bool task_trigger_set_ = false;
  bool service_missing_ = false;
};

}  // namespace

LoadResult load_manifest_text(std::string_view text, const std::string& path, TargetOs os) {
  LoadResult result;
  if (text.size() > manifest_limits::file_bytes) {
    result.diagnostics.push_back(Diagnostic{Severity::error, path, 0, 0, "",
                                            "the manifest is larger than the limit of " +
                                                std::to_string(manifest_limits::file_bytes) +
                                                " bytes (4 MiB)"});
    return result;
  }
  // Debian's toml++ is built with exceptions (TOML_EXCEPTIONS=1): parse errors are thrown.
  toml::table document;
  try {
    document = toml::parse(text, path);
  } catch (const toml::parse_error& failure) {
    const auto at = position_of(failure.source());
    result.diagnostics.push_back(
        Diagnostic{Severity::error, path, at.line, at.column, "",
                   "TOML syntax error: " + std::string(failure.description())});
    return result;
  }
  ManifestDecoder decoder(path, os);
  decoder.check_schema(document);
  decoder.decode(document);
  auto& diagnostics = decoder.diagnostics();
  // Report in file order; a key reported twice (schema + decode) is reported once.
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                [](const Diagnostic& a, const Diagnostic& b) {
                                  return a.line == b.line && a.column == b.column &&
                                         a.message == b.message;
                                }),
                    diagnostics.end());
  result.diagnostics = diagnostics;
  result.os_specific = decoder.os_specific();
  if (!has_errors(result.diagnostics)) result.service = std::move(decoder.service());
  return result;
}

LoadResult load_manifest_file(const std::string& path, TargetOs os) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    LoadResult result;
    result.file_unreadable = true;
    result.diagnostics.push_back(
        {Severity::error, path, 0, 0, "",
         "cannot read the manifest: " + std::string(std::strerror(errno))});
    return result;
  }
  // Never more than one byte over the limit in memory: that byte is enough to refuse the file.
  std::string content(manifest_limits::file_bytes + 1, '\0');
  file.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(file.gcount()));
  if (file.bad()) {
    LoadResult result;
    result.file_unreadable = true;
    result.diagnostics.push_back(
        {Severity::error, path, 0, 0, "", "cannot read the manifest: read error"});
    return result;
  }
  return load_manifest_text(content, path, os);
}

TargetOs host_os() {
#if defined(_WIN32)
  return TargetOs::windows;
#elif defined(__APPLE__)
  return TargetOs::macos;
#else
  return TargetOs::linux;
#endif
}

}  // namespace daemonize
