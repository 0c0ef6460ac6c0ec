// The manifest schema: every key of every table, declared once (schema.cpp, sections()).
//
// A key's entry holds its name, type, checks, one-line docs and where its value lands in the
// Service model. The loader is driven by it: the schema pass checks key names against it, the
// decode pass reads each key as its type (KeyContext's readers report type errors), runs the
// key's checks and stores the value. Enum keys take their spellings from spellings.hpp. The
// docs-consistency test reads the same table (tests/docs/dump_manifest_keys.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/model.hpp"

namespace daemonize::schema {

enum class Type {
  string,
  boolean,
  integer,
  number,  // integer or float
  duration,
  size,
  enumeration,
  string_array,
  integer_array,
  path,
  free_form_table,  // names are data ([env], [systemd.extra])
  command_array,    // [hooks]: argv arrays or { command = [...], ignore_failure, timeout }
  table_array,      // inline tables whose fields Key::fields lists ([kubernetes] rbac)
};
[[nodiscard]] const char* to_string(Type type);

struct Key;
class KeyContext;

// One command of a Type::command_array key as read, with the path its argv is reported under
// ("hooks.stop[0]" for an argv array, "hooks.stop[0].command" for a table).
struct ReadCommand {
  HookCommand command;
  std::string argv_path;
};

// A field of a Type::table_array element: an array of strings ("" allowed) or a boolean.
struct TableField {
  std::string_view name;
  Type type = Type::string_array;
  bool required = false;
};

// One element of a Type::table_array key as read; each field is reported under
// "<path>.<field>" ("kubernetes.rbac[0].verbs"), its elements under "<path>.<field>[i]".
struct ReadTable {
  std::string path;  // "kubernetes.rbac[0]"
  std::map<std::string, std::vector<std::string>> strings;
  std::map<std::string, bool> flags;
  bool complete = false;  // every field read (problems were reported otherwise)
};

struct Section;

// Reads a key as its type, checks it and stores it in the model; returns whether it was stored.
using Decode = std::function<bool(KeyContext&, const Key&, const std::string& path)>;
// Reports a missing key (only called when the key's table exists).
using OnMissing = std::function<void(KeyContext&, const std::string& path)>;
// Cross-key checks of a section, run after its keys.
using SectionCheck = std::function<void(KeyContext&)>;

struct Key {
  std::string_view name{};
  Type type = Type::string;
  std::string_view docs{};   // one line
  std::int64_t minimum = 0;  // Type::integer, Type::integer_array
  std::int64_t maximum = 0;
  std::vector<std::string_view> spellings{};  // Type::enumeration, in message order
  bool allow_empty_entries = true;            // Type::string_array: whether "" is an element
  bool infinity = false;                      // Type::duration: "infinity" is a value
  const Section* nested = nullptr;            // Type::free_form_table
  std::vector<TableField> fields{};           // Type::table_array
  Decode decode{};
  OnMissing on_missing{};
  // The default as docs show it: from a default-constructed model, or a fixed text for defaults
  // that depend on other keys.
  std::function<std::string(const Service&)> default_text{};
  std::string_view targets{};  // the targets that use the key, when not every target
};

// A free-form table's entries: `name_problem` returns the message for an invalid name ("" when
// valid); `value_ok` checks a string value (reporting its problems); the map is where they land.
struct FreeForm {
  std::function<std::string(const std::string& name)> name_problem;
  std::function<bool(KeyContext&, const std::string& path, const std::string& value)> value_ok;
  std::function<std::map<std::string, std::string>&(Service&)> entries;
  std::size_t limit = 0;       // 0 = no limit on the number of entries
  std::string_view counted{};  // what the limit message counts ("variables")
};

struct Section {
  std::string_view name{};
  std::string_view docs{};
  std::vector<Key> keys{};
  std::optional<FreeForm> free_form{};
  // When set, the keys are decoded only when the table is present, after `enter` prepared the
  // model for them ([health] creates its HealthConfig).
  std::function<void(Service&)> enter{};
  SectionCheck check{};
  std::string_view targets{};

  [[nodiscard]] const Key* find_key(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> key_names() const;
};

// How a path key's value relates to the OS the manifest is merged for.
enum class PathKind { native, foreign, home, invalid };

// What the table's checks need from the loader: reading the current section's keys as their
// type (type errors are reported, nullopt returned) and reporting problems.
class KeyContext {
 public:
  KeyContext() = default;
  KeyContext(const KeyContext&) = delete;
  KeyContext& operator=(const KeyContext&) = delete;
  virtual ~KeyContext() = default;

  virtual std::optional<std::string> read_string(const Key& key) = 0;
  virtual std::optional<bool> read_bool(const Key& key) = 0;
  virtual std::optional<std::int64_t> read_integer(const Key& key) = 0;  // within its range
  virtual std::optional<double> read_number(const Key& key) = 0;
  virtual std::optional<Duration> read_duration(const Key& key) = 0;
  virtual std::optional<std::uint64_t> read_size(const Key& key) = 0;
  virtual std::optional<std::size_t> read_choice(const Key& key) = 0;  // index in spellings
  virtual std::optional<std::vector<std::string>> read_strings(const Key& key) = 0;
  virtual std::optional<std::vector<int>> read_integers(const Key& key) = 0;
  virtual std::optional<std::vector<ReadCommand>> read_commands(const Key& key) = 0;
  // The elements that are tables, each with the fields it could read; unknown, mistyped and
  // missing required fields are reported (ReadTable::complete false), as are other elements.
  virtual std::optional<std::vector<ReadTable>> read_tables(const Key& key) = 0;

  // Whether the current section sets `key` (in any layer).
  [[nodiscard]] virtual bool present(std::string_view key) const = 0;
  // Whether the key at `path` was read and stored.
  [[nodiscard]] virtual bool stored(const std::string& path) const = 0;
  [[nodiscard]] virtual Service& service() = 0;
  [[nodiscard]] virtual TargetOs os() const = 0;
  [[nodiscard]] virtual PathKind path_kind(std::string_view path) const = 0;

  // An error about `key`, at the position of `position_key` (or its enclosing table).
  virtual void error_at(const std::string& position_key, const std::string& key,
                        std::string message) = 0;
  void error(const std::string& key, std::string message) {
    error_at(key, key, std::move(message));
  }
  // An error inside the string value at `path`, `offset` bytes after its opening quote.
  virtual void error_in_value(const std::string& path, std::size_t offset, std::string message) = 0;
  // Interpolation syntax errors, with the column inside the string.
  virtual void check_template(const std::string& path, const std::string& text) = 0;
  // An absolute path of this OS; one of the other OS only warns.
  virtual void check_absolute(const std::string& path, const std::string& text) = 0;
  virtual void reject_control_characters(const std::string& path, const std::string& text,
                                         bool allow_tab, const char* what) = 0;
  // `path` holds more than `limit` things; reported at the first one over the limit.
  virtual void check_count(const std::string& path, std::size_t count, std::size_t limit,
                           const std::string& what) = 0;
};

// Every top-level section, in manifest.md's order.
[[nodiscard]] const std::vector<Section>& sections();
// A top-level section by name ("service", "restart", ...), or nullptr.
[[nodiscard]] const Section* find_section(std::string_view name);
// Every top-level name (sections, "schema", "os").
[[nodiscard]] std::vector<std::string> top_level_names();
// The sections with a key named `key` ("policy" -> restart), in manifest.md's order.
[[nodiscard]] std::vector<std::string> sections_with_key(std::string_view key);

// Whether `text` holds a control character (newline, NUL, DEL...; tab unless `allow_tab`).
[[nodiscard]] bool has_control_character(std::string_view text, bool allow_tab);
// Whether `text` holds ${...} references (it is checked after interpolation).
[[nodiscard]] bool has_references(const std::string& text);

}  // namespace daemonize::schema
