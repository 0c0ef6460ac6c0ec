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
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <system_error>

#include "daemonize/core/dns_label.hpp"
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/manifest_limits.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/core/suggest.hpp"
#include "daemonize/core/units.hpp"
#include "schema.hpp"
#include "spellings.hpp"

namespace daemonize {
namespace {

SourcePosition position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

// "restart.delay" from "restart" and "delay": the key path diagnostics name.
std::string dotted_key(const std::string& prefix, std::string_view key) {
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

bool differs_in_case_only(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_absolute_for(std::string_view path, TargetOs os) {
  if (os == TargetOs::windows) return is_windows_absolute_path(path);
  return is_posix_absolute_path(path);
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

// toml++ reports an unterminated string where it noticed it (the line's end, or the end of the
// file for a multi-line one) with a message about what it found there. The first string that is
// never closed, found by scanning strings and comments the way TOML reads them, is where the
// problem is: its opening quote.
struct UnterminatedString {
  SourcePosition at;
  std::string message;
};

std::optional<UnterminatedString> find_unterminated_string(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  // Columns count code points, as toml++ does.
  auto advance = [&] {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
      ++column;
    }
    ++i;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') advance();
      continue;
    }
    if (c != '"' && c != '\'') {
      advance();
      continue;
    }
    const SourcePosition opening{line, column};
    const bool basic = c == '"';
    const std::string_view triple = basic ? R"(""")" : "'''";
    if (text.substr(i, 3) == triple) {
      for (int n = 0; n < 3; ++n) advance();
      bool closed = false;
      while (i < text.size()) {
        if (basic && text[i] == '\\' && i + 1 < text.size()) {
          advance();
          advance();
          continue;
        }
        if (text.substr(i, 3) == triple) {
          // Up to two quotes of the content may stand right before the closing ones.
          while (text.substr(i + 1, 3) == triple) advance();
          for (int n = 0; n < 3; ++n) advance();
          closed = true;
          break;
        }
        advance();
      }
      if (!closed) {
        return UnterminatedString{opening,
                                  std::string("unterminated multi-line string: the closing ") +
                                      std::string(triple) + " is missing"};
      }
      continue;
    }
    advance();
    bool closed = false;
    while (i < text.size() && text[i] != '\n') {
      if (basic && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
        advance();
        advance();
        continue;
      }
      if (text[i] == c) {
        advance();
        closed = true;
        break;
      }
      advance();
    }
    if (!closed) {
      return UnterminatedString{opening, std::string("unterminated string: the closing ") + c +
                                             " is missing on this line"};
    }
  }
  return std::nullopt;
}

using schema::PathKind;

class ManifestDecoder final : public schema::KeyContext {
 public:
  ManifestDecoder(std::string path, TargetOs os) : path_(std::move(path)), os_(os) {
    service_.os = os;
    service_.manifest_path = path_;
  }

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

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
        if (node.is_table()) {
          report_unknown_table(key);
        } else {
          report_unknown(key, "", schema::top_level_names());
        }
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
    static const std::vector<std::string> os_names = [] {
      std::vector<std::string> names;
      names.reserve(spellings<TargetOs>.size());
      for (const auto& os : spellings<TargetOs>) names.emplace_back(os.text);
      return names;
    }();
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
    const auto suggested = suggestions(name, candidates);
    if (const auto home = home_of(name, table_path); !home.empty()) {
      message += "; '" + name + "' belongs in " + home;
      if (table_path.empty()) message += " (keys above the first [table] line are top-level)";
    } else if (!suggested.empty()) {
      message += "; did you mean " + or_list(suggested) + "?";
    } else if (name == "schema") {
      message += " (schema = N goes at the top of the file, before any table)";
    } else if (candidates.size() <= 4) {
      std::string expected;
      for (const auto& candidate : candidates)
        expected += (expected.empty() ? "" : ", ") + candidate;
      message += " (expected one of: " + expected + ")";
    }
    error(position_of(key.source()), dotted_key(table_path, name), message);
  }

  // A top-level table whose name is a misspelt section ([Service], [restarts]).
  void report_unknown_table(const toml::key& key) {
    const std::string name(key.str());
    std::vector<std::string> names;
    for (const auto& section : schema::sections()) names.emplace_back(section.name);
    const auto suggested = suggestions(name, names);
    if (suggested.empty()) {
      report_unknown(key, "", schema::top_level_names());
      return;
    }
    std::string tables;
    for (std::size_t i = 0; i < suggested.size(); ++i) {
      if (i > 0) tables += i + 1 == suggested.size() ? " or " : ", ";
      tables += "[" + suggested[i] + "]";
    }
    error(position_of(key.source()), name,
          "unknown table [" + name + "]; did you mean " + tables + "?" +
              (differs_in_case_only(name, suggested.front()) ? " (table names are case-sensitive)"
                                                             : ""));
  }

  // Where a key of another table goes: "[restart]" for `policy` found in [service] or at the top
  // level ("[os.linux.restart]" inside [os.linux]); a key of [service] at the top level goes in
  // [service] even when another table has a key of that name. "" when no table has it.
  static std::string home_of(const std::string& name, const std::string& table_path) {
    auto homes = schema::sections_with_key(name);
    if (homes.empty()) return "";
    // An [os.X] table holds [service] keys directly and the other tables as sub-tables.
    std::string os_prefix;
    if (table_path.starts_with("os.")) {
      os_prefix = table_path.substr(0, table_path.find('.', 3)) + ".";
      std::erase(homes, "service");
      if (homes.empty()) return "";
    } else if (std::find(homes.begin(), homes.end(), "service") != homes.end()) {
      homes = {"service"};
    }
    if (table_path.size() > os_prefix.size())
      std::erase(homes, table_path.substr(os_prefix.size()));
    std::string text;
    for (std::size_t i = 0; i < homes.size(); ++i) {
      if (i > 0) text += i + 1 == homes.size() ? " or " : ", ";
      text += "[" + os_prefix + homes[i] + "]";
    }
    return text;
  }

  // ---- limits (docs/manifest.md, "Limits") -----------------------------------------------

  void check_string_lengths(const toml::node& node, const std::string& path) {
    if (const auto* table = node.as_table()) {
      for (const auto& [key, child] : *table)
        check_string_lengths(child, dotted_key(path, key.str()));
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
                   const std::string& what) override {
    if (count <= limit) return;
    const std::string first_over = key + "[" + std::to_string(limit) + "]";
    error(service_.position_of(first_over), key,
          "'" + key + "' has " + std::to_string(count) + " " + what + ", more than the limit of " +
              std::to_string(limit));
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
    auto section_view = [&](std::string_view name) {
      TableView layered = view.child(name);
      if (override_table != nullptr) {
        if (const auto* node = override_table->get(name)) layered.add_layer(node->as_table());
      }
      return layered;
    };

    // A misspelt [Service] is reported where it is; "missing" would only point away from it.
    const bool misspelt_service = std::any_of(root.begin(), root.end(), [](const auto& entry) {
      return entry.second.is_table() && entry.first.str() != "service" &&
             !suggestions(entry.first.str(), {"service"}).empty();
    });
    if (service_view.empty() && !misspelt_service) {
      error({1, 1}, "service", "missing [service] table (with at least 'name' and 'command')");
    }
    for (const auto& name : schema::top_level_names()) record_table_position(root, name);
    if (override_table != nullptr) {
      service_.positions["os." + std::string(to_string(os_))] =
          position_of(override_table->source());
    }
    for (const auto& section : schema::sections()) {
      decode_section(section,
                     section.name == "service" ? service_view : section_view(section.name));
    }
    fall_back_from_other_os_paths();
    check_conflicts();
  }

 private:
  void record_table_position(const toml::table& root, std::string_view name) {
    if (const auto* node = root.get(name))
      service_.positions[std::string(name)] = position_of(node->source());
  }

  // Every key of `section` through its table entry: read as its type, checked, stored.
  void decode_section(const schema::Section& section, const TableView& view) {
    section_ = std::string(section.name);
    view_ = &view;
    if (section.free_form) {
      decode_free_form(*section.free_form, view, section_);
      return;
    }
    if (section.enter) {
      if (view.empty()) return;
      section.enter(service_);
    }
    for (const auto& key : section.keys) {
      const std::string path = dotted_key(section_, key.name);
      if (key.nested != nullptr) {
        decode_nested_table(key, view, path);
      } else if (key.decode(*this, key, path)) {
        stored_.insert(path);
      } else if (key.on_missing && !view.empty() && !present(key.name)) {
        key.on_missing(*this, path);
      }
    }
    if (section.check) section.check(*this);
  }

  void decode_nested_table(const schema::Key& key, const TableView& view, const std::string& path) {
    if (const auto* node = view.find(key.name).node; node != nullptr && !node->is_table()) {
      error(position_of(node->source()), path, "'" + path + "' must be a table");
      return;
    }
    decode_free_form(*key.nested->free_form, view.child(key.name), path);
  }

  // [env], [systemd.extra]: the names are data, each checked by the table's rule.
  void decode_free_form(const schema::FreeForm& form, const TableView& view,
                        const std::string& prefix) {
    const auto entries = view.merged_entries();
    if (form.limit != 0) check_entry_count(entries, form, prefix);
    for (const auto& [name, entry] : entries) {
      const std::string path = prefix + "." + name;
      const auto at = position_of(entry.node->source());
      service_.positions[path] = at;
      if (auto problem = form.name_problem(name); !problem.empty()) {
        error(position_of(entry.key->source()), path, problem);
        continue;
      }
      if (!entry.node->is_string()) {
        error(at, path, "'" + path + "' must be a string, got " + type_name(*entry.node));
        continue;
      }
      const auto& text = entry.node->as_string()->get();
      if (!form.value_ok(*this, path, text)) continue;
      form.entries(service_)[name] = text;
    }
  }

  // Reported at the first entry (in file order) over the limit.
  void check_entry_count(const std::map<std::string, Entry>& entries, const schema::FreeForm& form,
                         const std::string& prefix) {
    if (entries.size() <= form.limit) return;
    std::vector<SourcePosition> positions;
    positions.reserve(entries.size());
    for (const auto& [name, entry] : entries) positions.push_back(position_of(entry.key->source()));
    std::sort(positions.begin(), positions.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    error(positions[form.limit], prefix,
          "[" + prefix + "] has " + std::to_string(entries.size()) + " " +
              std::string(form.counted) + ", more than the limit of " + std::to_string(form.limit));
  }

  // ---- KeyContext: what the table's keys use -------------------------------------------

 public:
  // Looks the current section's key up, records its position, and checks its type with `accept`.
  template <typename Accept>
  const toml::node* value(const schema::Key& key, const char* expected, Accept accept) {
    const auto entry = view_->find(key.name);
    if (entry.node == nullptr) return nullptr;
    const std::string path = dotted_key(section_, key.name);
    const auto at = position_of(entry.node->source());
    service_.positions[path] = at;
    if (!accept(*entry.node)) {
      error(at, path, "'" + path + "' must be " + expected + ", got " + type_name(*entry.node));
      return nullptr;
    }
    return entry.node;
  }

  std::optional<std::string> read_string(const schema::Key& key) override {
    const auto* node = value(key, "a string", [](const toml::node& n) { return n.is_string(); });
    if (node == nullptr) return std::nullopt;
    return node->as_string()->get();
  }

  std::optional<bool> read_bool(const schema::Key& key) override {
    const auto* node =
        value(key, "true or false", [](const toml::node& n) { return n.is_boolean(); });
    if (node == nullptr) return std::nullopt;
    return node->as_boolean()->get();
  }

  std::optional<std::int64_t> read_integer(const schema::Key& key) override {
    const auto* node = value(key, "an integer", [](const toml::node& n) { return n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const auto number = node->as_integer()->get();
    if (number < key.minimum || number > key.maximum) {
      const std::string path = dotted_key(section_, key.name);
      error(position_of(node->source()), path,
            "'" + path + "' must be between " + std::to_string(key.minimum) + " and " +
                std::to_string(key.maximum) + ", got " + std::to_string(number));
      return std::nullopt;
    }
    return number;
  }

  std::optional<double> read_number(const schema::Key& key) override {
    const auto* node = value(key, "a number", [](const toml::node& n) {
      return n.is_integer() || n.is_floating_point();
    });
    if (node == nullptr) return std::nullopt;
    if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
    return node->as_floating_point()->get();
  }

  std::optional<Duration> read_duration(const schema::Key& key) override {
    const auto* node = value(key, "a duration like \"30s\" or an integer of seconds",
                             [](const toml::node& n) { return n.is_string() || n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = dotted_key(section_, key.name);
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
    const std::string& text = node->as_string()->get();
    if (key.infinity && text == "infinity") return kInfiniteDuration;
    auto parsed = parse_duration(text);
    if (auto* failure = std::get_if<UnitError>(&parsed)) {
      error(at, path,
            "'" + path + "': " + failure->message +
                (key.infinity ? did_you_mean(text, {"infinity"}, '"') : std::string()));
      return std::nullopt;
    }
    return std::get<std::chrono::milliseconds>(parsed);
  }

  std::optional<std::uint64_t> read_size(const schema::Key& key) override {
    const auto* node = value(key, "a size like \"10MiB\" or an integer of bytes",
                             [](const toml::node& n) { return n.is_string() || n.is_integer(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = dotted_key(section_, key.name);
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

  std::optional<std::size_t> read_choice(const schema::Key& key) override {
    auto text = read_string(key);
    if (!text) return std::nullopt;
    for (std::size_t i = 0; i < key.spellings.size(); ++i) {
      if (key.spellings[i] == *text) return i;
    }
    const std::string path = dotted_key(section_, key.name);
    std::string allowed;
    std::vector<std::string> names;
    for (const auto& name : key.spellings) {
      allowed += (allowed.empty() ? "\"" : ", \"") + std::string(name) + "\"";
      names.emplace_back(name);
    }
    const std::string message = "'" + path + "' must be one of " + allowed + ", got \"" + *text +
                                "\"" + did_you_mean(*text, names, '"');
    error(service_.position_of(path), path, message);
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> read_strings(const schema::Key& key) override {
    const auto* node =
        value(key, "an array of strings", [](const toml::node& n) { return n.is_array(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = dotted_key(section_, key.name);
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
      } else if (!key.allow_empty_entries && element.as_string()->get().empty()) {
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

  // The elements within the key's range; the others are reported and left out.
  std::optional<std::vector<int>> read_integers(const schema::Key& key) override {
    const auto* node =
        value(key, "an array of integers", [](const toml::node& n) { return n.is_array(); });
    if (node == nullptr) return std::nullopt;
    std::vector<int> numbers;
    std::size_t index = 0;
    for (const auto& element : *node->as_array()) {
      const std::string path = dotted_key(section_, key.name) + "[" + std::to_string(index++) + "]";
      const auto at = position_of(element.source());
      service_.positions[path] = at;
      const auto* integer = element.as_integer();
      if (integer == nullptr || integer->get() < key.minimum || integer->get() > key.maximum) {
        error(at, path,
              "'" + path + "' must be an integer from " + std::to_string(key.minimum) + " to " +
                  std::to_string(key.maximum));
        continue;
      }
      numbers.push_back(static_cast<int>(integer->get()));
    }
    return numbers;
  }

  // [hooks]: each element an argv array or { command = [...], ignore_failure, timeout }.
  std::optional<std::vector<schema::ReadCommand>> read_commands(const schema::Key& key) override {
    const auto* node =
        value(key, "an array of commands", [](const toml::node& n) { return n.is_array(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = dotted_key(section_, key.name);
    std::vector<schema::ReadCommand> commands;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& element : *node->as_array()) {
      const std::string element_path = path + "[" + std::to_string(index++) + "]";
      service_.positions[element_path] = position_of(element.source());
      schema::ReadCommand read;
      if (element.is_array()) {
        read.argv_path = element_path;
        ok &= read_argv(*element.as_array(), element_path, read.command.argv);
      } else if (const auto* table = element.as_table()) {
        ok &= read_command_table(*table, element_path, read);
      } else {
        error(position_of(element.source()), element_path,
              "'" + element_path +
                  "' must be an array of strings (the program and its arguments) or a table "
                  "{ command = [...], ignore_failure = true, timeout = \"30s\" }, got " +
                  type_name(element));
        ok = false;
        continue;
      }
      commands.push_back(std::move(read));
    }
    if (!ok) return std::nullopt;
    return commands;
  }

  // Each element an inline table of key.fields; every field and element keeps its position.
  std::optional<std::vector<schema::ReadTable>> read_tables(const schema::Key& key) override {
    const auto* node =
        value(key, "an array of tables", [](const toml::node& n) { return n.is_array(); });
    if (node == nullptr) return std::nullopt;
    const std::string path = dotted_key(section_, key.name);
    std::vector<std::string> names;
    for (const auto& field : key.fields) names.emplace_back(field.name);
    std::vector<schema::ReadTable> tables;
    std::size_t index = 0;
    for (const auto& element : *node->as_array()) {
      schema::ReadTable read;
      read.path = path + "[" + std::to_string(index++) + "]";
      service_.positions[read.path] = position_of(element.source());
      const auto* table = element.as_table();
      if (table == nullptr) {
        std::string keys;
        for (const auto& name : names) keys += (keys.empty() ? "" : ", ") + name;
        error(position_of(element.source()), read.path,
              "'" + read.path + "' must be a table with the keys " + keys + ", got " +
                  type_name(element));
        tables.push_back(std::move(read));  // incomplete: the rule is not stored
        continue;
      }
      read.complete = read_table_fields(*table, key, names, read);
      tables.push_back(std::move(read));
    }
    return tables;
  }

  bool read_table_fields(const toml::table& table, const schema::Key& key,
                         const std::vector<std::string>& names, schema::ReadTable& read) {
    bool ok = true;
    for (const auto& [name_key, child] : table) {
      const std::string name(name_key.str());
      const std::string field_path = read.path + "." + name;
      const auto at = position_of(child.source());
      service_.positions[field_path] = at;
      const auto field =
          std::find_if(key.fields.begin(), key.fields.end(),
                       [&](const auto& candidate) { return candidate.name == name; });
      if (field == key.fields.end()) {
        const auto suggestion = did_you_mean(name, names);
        std::string expected;
        for (const auto& candidate : names) expected += (expected.empty() ? "" : ", ") + candidate;
        error(position_of(name_key.source()), field_path,
              "unknown key '" + name + "' in " + read.path +
                  (suggestion.empty() ? " (expected one of: " + expected + ")" : suggestion));
        ok = false;
      } else if (field->type == schema::Type::boolean) {
        if (const auto* flag = child.as_boolean()) {
          read.flags[name] = flag->get();
        } else {
          error(at, field_path,
                "'" + field_path + "' must be true or false, got " + type_name(child));
          ok = false;
        }
      } else if (const auto* array = child.as_array()) {
        ok &= read_argv(*array, field_path, read.strings[name]);
      } else {
        error(at, field_path,
              "'" + field_path + "' must be an array of strings, got " + type_name(child));
        ok = false;
      }
    }
    for (const auto& field : key.fields) {
      if (!field.required || table.contains(field.name)) continue;
      error(position_of(table.source()), read.path + "." + std::string(field.name),
            "'" + read.path + "' needs '" + std::string(field.name) + "'");
      ok = false;
    }
    return ok;
  }

  bool read_argv(const toml::array& array, const std::string& path,
                 std::vector<std::string>& argv) {
    bool ok = true;
    std::size_t index = 0;
    for (const auto& element : array) {
      const std::string element_path = path + "[" + std::to_string(index++) + "]";
      service_.positions[element_path] = position_of(element.source());
      if (!element.is_string()) {
        error(position_of(element.source()), element_path,
              "'" + element_path + "' must be a string, got " + type_name(element));
        ok = false;
        continue;
      }
      argv.push_back(element.as_string()->get());
    }
    return ok;
  }

  bool read_command_table(const toml::table& table, const std::string& path,
                          schema::ReadCommand& read) {
    static const std::vector<std::string> keys{"command", "ignore_failure", "timeout"};
    bool ok = true;
    for (const auto& [key, child] : table) {
      const std::string name(key.str());
      const std::string key_path = path + "." + name;
      const auto at = position_of(child.source());
      service_.positions[key_path] = at;
      if (name == "command") {
        if (const auto* argv = child.as_array()) {
          read.argv_path = key_path;
          ok &= read_argv(*argv, key_path, read.command.argv);
        } else {
          read.argv_path = key_path;  // present, of the wrong type
          error(at, key_path,
                "'" + key_path + "' must be an array of strings, got " + type_name(child));
          ok = false;
        }
      } else if (name == "ignore_failure") {
        if (const auto* flag = child.as_boolean()) {
          read.command.ignore_failure = flag->get();
        } else {
          error(at, key_path, "'" + key_path + "' must be true or false, got " + type_name(child));
          ok = false;
        }
      } else if (name == "timeout") {
        ok &= read_hook_timeout(child, key_path, read.command.timeout);
      } else {
        error(position_of(key.source()), key_path,
              "unknown key '" + name + "' in " + path + did_you_mean(name, keys) +
                  (suggestions(name, keys).empty() ? " (expected one of: command, ignore_failure, "
                                                     "timeout)"
                                                   : ""));
        ok = false;
      }
    }
    if (read.argv_path.empty()) {
      error(position_of(table.source()), path + ".command",
            "'" + path + "' needs 'command' (the program and its arguments)");
      ok = false;
    }
    return ok;
  }

  bool read_hook_timeout(const toml::node& node, const std::string& path, Duration& timeout) {
    const auto at = position_of(node.source());
    std::string text;
    if (const auto* integer = node.as_integer(); integer != nullptr && integer->get() >= 0) {
      text = std::to_string(integer->get());
    } else if (const auto* string = node.as_string()) {
      text = string->get();
    } else {
      error(at, path,
            "'" + path + "' must be a duration like \"30s\" or an integer of seconds, got " +
                (node.is_integer() ? std::string("a negative integer") : type_name(node)));
      return false;
    }
    auto parsed = parse_duration(text);
    if (auto* failure = std::get_if<UnitError>(&parsed)) {
      error(at, path, "'" + path + "': " + failure->message);
      return false;
    }
    timeout = std::get<std::chrono::milliseconds>(parsed);
    if (timeout.count() == 0) {
      error(at, path, "'" + path + "' must be longer than 0");
      return false;
    }
    return true;
  }

  [[nodiscard]] bool present(std::string_view key) const override {
    return view_->find(key).node != nullptr;
  }
  [[nodiscard]] bool stored(const std::string& path) const override {
    return stored_.count(path) != 0;
  }
  [[nodiscard]] Service& service() override { return service_; }
  [[nodiscard]] TargetOs os() const override { return os_; }

  void error_at(const std::string& position_key, const std::string& key,
                std::string message) override {
    error(service_.position_of(position_key), key, std::move(message));
  }

  void error_in_value(const std::string& path, std::size_t offset, std::string message) override {
    auto at = service_.position_of(path);
    if (at.line > 0) at.column += 1 + static_cast<int>(offset);
    error(at, path, std::move(message));
  }

  // Reports interpolation syntax errors with the column inside the string.
  void check_template(const std::string& path, const std::string& text) override {
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
                                 const char* what) override {
    if (schema::has_control_character(text, allow_tab)) {
      error(
          service_.position_of(path), path,
          "'" + path + "' must be " + what + " without control characters (newline, tab, NUL...)");
    }
  }

  // An absolute path of any platform is accepted here; one of the other platform only warns, so a
  // Windows-only manifest validates on Linux. Targets enforce their own kind (validate --target).
  void check_absolute(const std::string& path, const std::string& text) override {
    if (schema::has_references(text)) return;  // checked by the watchdog after interpolation
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

 private:
  // ---- paths of the other OS ---------------------------------------------------------------
  // The manifest is merged once per OS. A path key that holds a path of the other OS (a POSIX
  // or ~/ path merged for Windows, a Windows path merged for Linux/macOS) cannot be used there;
  // instead of refusing the manifest, the key falls back to what this OS does without it, with
  // a warning. [os.<this os>] overrides the key, which is how to choose another value.

  [[nodiscard]] PathKind path_kind(std::string_view path) const override {
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
    if (!s.working_directory.empty() && !schema::has_references(s.working_directory)) {
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
    if (!stored("windows.task_trigger"))
      s.windows.task_trigger = s.scope == Scope::user ? TaskTrigger::logon : TaskTrigger::boot;
    if (s.kubernetes.service_account.empty())
      s.kubernetes.service_account = dns1123_label_from(s.name);
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
        // Per user: a directory the user owns, no administrator needed.
        return (user ? std::string(windows_local_app_data) : "%ProgramData%") + "\\" + name +
               "\\logs";
    }
    return "/var/log/" + name;
  }

  std::string path_;
  TargetOs os_;
  Service service_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<Diagnostic> os_specific_;
  // The section being decoded, for the readers.
  std::string section_;
  const TableView* view_ = nullptr;
  std::set<std::string> stored_;  // paths of the keys read and stored
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
    auto at = position_of(failure.source());
    std::string message(failure.description());
    // Only a string opened before the point of failure can be what made it fail.
    if (auto unterminated = find_unterminated_string(text);
        unterminated &&
        std::tie(unterminated->at.line, unterminated->at.column) <= std::tie(at.line, at.column)) {
      at = unterminated->at;
      message = unterminated->message;
    }
    result.diagnostics.push_back(
        Diagnostic{Severity::error, path, at.line, at.column, "", "TOML syntax error: " + message});
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
  auto unreadable = [&](const std::string& reason) {
    LoadResult result;
    result.file_unreadable = true;
    result.diagnostics.push_back(
        {Severity::error, path, 0, 0, "", "cannot read the manifest: " + reason});
    return result;
  };
  // Some systems open a directory like a file and fail only when it is read.
  if (std::error_code ignored; std::filesystem::is_directory(path, ignored)) {
    return unreadable(std::make_error_code(std::errc::is_a_directory).message());
  }
  errno = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) return unreadable(std::strerror(errno != 0 ? errno : EIO));
  // Read in chunks, never more than one byte over the limit: that byte is enough to refuse the
  // file. (A buffer of the whole limit, zero-filled, cost every `run` a few milliseconds.)
  std::string content;
  while (content.size() <= manifest_limits::file_bytes) {
    const auto before = content.size();
    const auto wanted = std::min(std::size_t{64} * 1024, manifest_limits::file_bytes + 1 - before);
    content.resize(before + wanted);
    file.read(content.data() + before, static_cast<std::streamsize>(wanted));
    content.resize(before + static_cast<std::size_t>(file.gcount()));
    if (!file) break;
  }
  if (file.bad()) return unreadable(std::strerror(errno != 0 ? errno : EIO));
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
