#include "schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "daemonize/core/dns_label.hpp"
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/manifest_limits.hpp"
#include "daemonize/core/schedule.hpp"
#include "daemonize/core/suggest.hpp"
#include "daemonize/core/units.hpp"
#include "spellings.hpp"

namespace daemonize::schema {
namespace {

// ---- how a key lands in the model ------------------------------------------------------------

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

// The model field at the end of a member-pointer path; an optional on the way is entered
// ([health] keys land in the HealthConfig that the section creates).
template <auto First, auto... Rest, typename Object>
auto& field(Object& object) {
  auto& member = object.*First;
  if constexpr (sizeof...(Rest) == 0) {
    return member;
  } else if constexpr (is_optional<std::remove_cvref_t<decltype(member)>>::value) {
    return field<Rest...>(*member);
  } else {
    return field<Rest...>(member);
  }
}

template <typename Field, typename Value>
void store(Field& target, const Value& value) {
  if constexpr (is_optional<Field>::value) {
    target = static_cast<typename Field::value_type>(value);
  } else {
    target = static_cast<Field>(value);
  }
}

// A default as docs show it.
template <typename T>
std::string describe(const T& value) {
  if constexpr (is_optional<T>::value) {
    return value ? describe(*value) : "not set";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "\"" + value + "\"";
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, Duration>) {
    return "\"" + format_duration(value) + "\"";
  } else if constexpr (std::is_same_v<T, double>) {
    char text[32];
    (void)std::snprintf(text, sizeof text, "%.1f", value);
    return text;
  } else if constexpr (std::is_enum_v<T>) {
    return "\"" + std::string(to_string(value)) + "\"";
  } else if constexpr (std::is_same_v<T, LogStream>) {
    const char* spelling = spelling_of(value.kind);
    return "\"" + (spelling != nullptr ? std::string(spelling) : value.file_name) + "\"";
  } else if constexpr (std::is_arithmetic_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_same_v<T, HookCommand>) {
    return describe(value.argv);
  } else {
    std::string text;
    for (const auto& element : value) text += (text.empty() ? "" : ", ") + describe(element);
    return "[" + text + "]";
  }
}

// Accepts every value the key's type accepts.
struct Keep {
  template <typename Value>
  bool operator()(KeyContext& /*context*/, const std::string& /*path*/,
                  const Value& /*value*/) const {
    return true;
  }
};

// A key read with `read` and stored at the field `Members...` after `convert` (which reports
// problems and returns nullopt for a value that cannot be stored).
template <auto... Members, typename Value, typename Convert>
Key converted_key(std::string_view name, Type type, std::string_view docs,
                  std::optional<Value> (KeyContext::*read)(const Key&), Convert convert) {
  Key key{.name = name, .type = type, .docs = docs};
  key.decode = [read, convert](KeyContext& context, const Key& self, const std::string& path) {
    auto value = (context.*read)(self);
    if (!value) return false;
    auto stored = convert(context, path, *value);
    if (!stored) return false;
    store(field<Members...>(context.service()), *stored);
    return true;
  };
  key.default_text = [](const Service& defaults) { return describe(field<Members...>(defaults)); };
  return key;
}

// A key stored as read when `check` (which reports problems) returns true.
template <auto... Members, typename Value, typename Check>
Key checked_key(std::string_view name, Type type, std::string_view docs,
                std::optional<Value> (KeyContext::*read)(const Key&), Check check) {
  return converted_key<Members...>(name, type, docs, read,
                                   [check](KeyContext& context, const std::string& path,
                                           const Value& value) -> std::optional<Value> {
                                     if (!check(context, path, value)) return std::nullopt;
                                     return value;
                                   });
}

template <auto... Members, typename Check = Keep>
Key text(std::string_view name, std::string_view docs, Check check = {}) {
  return checked_key<Members...>(name, Type::string, docs, &KeyContext::read_string, check);
}

template <auto... Members, typename Check>
Key file_path(std::string_view name, std::string_view docs, Check check) {
  return checked_key<Members...>(name, Type::path, docs, &KeyContext::read_string, check);
}

template <auto... Members>
Key flag(std::string_view name, std::string_view docs) {
  return checked_key<Members...>(name, Type::boolean, docs, &KeyContext::read_bool, Keep{});
}

template <auto... Members>
Key integer(std::string_view name, std::string_view docs, std::int64_t minimum,
            std::int64_t maximum) {
  auto key = checked_key<Members...>(name, Type::integer, docs, &KeyContext::read_integer, Keep{});
  key.minimum = minimum;
  key.maximum = maximum;
  return key;
}

template <auto... Members, typename Check>
Key number(std::string_view name, std::string_view docs, Check check) {
  return checked_key<Members...>(name, Type::number, docs, &KeyContext::read_number, check);
}

template <auto... Members, typename Check = Keep>
Key duration(std::string_view name, std::string_view docs, Check check = {}) {
  return checked_key<Members...>(name, Type::duration, docs, &KeyContext::read_duration, check);
}

// A duration that may also be "infinity" (kInfiniteDuration).
template <auto... Members>
Key infinite_duration(std::string_view name, std::string_view docs) {
  auto key = duration<Members...>(name, docs);
  key.infinity = true;
  key.default_text = [](const Service& defaults) {
    const Duration value = field<Members...>(defaults);
    return is_infinite(value) ? std::string("\"infinity\"") : describe(value);
  };
  return key;
}

template <auto... Members, typename Check = Keep>
Key size(std::string_view name, std::string_view docs, Check check = {}) {
  return checked_key<Members...>(name, Type::size, docs, &KeyContext::read_size, check);
}

template <auto... Members, typename Check>
Key strings(std::string_view name, std::string_view docs, bool allow_empty_entries, Check check) {
  auto key =
      checked_key<Members...>(name, Type::string_array, docs, &KeyContext::read_strings, check);
  key.allow_empty_entries = allow_empty_entries;
  return key;
}

// An enum key: its spellings come from spellings.hpp, by the type of its model field.
template <auto... Members>
Key choice(std::string_view name, std::string_view docs) {
  using Enum = std::remove_cvref_t<decltype(field<Members...>(std::declval<Service&>()))>;
  auto key = converted_key<Members...>(
      name, Type::enumeration, docs, &KeyContext::read_choice,
      [](KeyContext&, const std::string&, std::size_t index) -> std::optional<Enum> {
        return spellings<Enum>[index].value;
      });
  for (const auto& spelling : spellings<Enum>) key.spellings.push_back(spelling.text);
  return key;
}

// An enum key kept as its text in the model.
template <auto... Members>
Key choice_of_texts(std::string_view name, std::string_view docs,
                    const std::vector<std::string_view>& texts) {
  auto key = converted_key<Members...>(
      name, Type::enumeration, docs, &KeyContext::read_choice,
      [texts](KeyContext&, const std::string&, std::size_t index) -> std::optional<std::string> {
        return std::string(texts[index]);
      });
  key.spellings = texts;
  return key;
}

// An array of integers within [minimum, maximum]; the others are reported and left out.
template <auto... Members>
Key integers(std::string_view name, std::string_view docs, std::int64_t minimum,
             std::int64_t maximum) {
  auto key =
      checked_key<Members...>(name, Type::integer_array, docs, &KeyContext::read_integers, Keep{});
  key.minimum = minimum;
  key.maximum = maximum;
  return key;
}

// [hooks]: an array of commands (argv arrays or inline tables); checks in hook_commands().
template <auto... Members, typename Convert>
Key commands(std::string_view name, std::string_view docs, Convert convert) {
  auto key = converted_key<Members...>(name, Type::command_array, docs, &KeyContext::read_commands,
                                       convert);
  key.default_text = [](const Service&) { return std::string("[]"); };
  return key;
}

// A key holding a free-form table; the loader decodes its entries by `table`'s rules.
Key free_form_key(std::string_view name, const Section& table, std::string_view default_text) {
  return Key{.name = name,
             .type = Type::free_form_table,
             .docs = table.docs,
             .nested = &table,
             .default_text = [default_text](const Service&) { return std::string(default_text); }};
}

Key with_default(Key key, std::string_view text) {
  key.default_text = [text](const Service&) { return std::string(text); };
  return key;
}

Key when_missing(Key key, OnMissing on_missing) {
  key.on_missing = std::move(on_missing);
  return key;
}

Key for_targets(Key key, std::string_view targets) {
  key.targets = targets;
  return key;
}

// "\"a\", \"b\"<last_separator>\"c\"".
template <typename Spellings>
std::string quoted(const Spellings& all, const char* last_separator) {
  std::string text;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) text += i + 1 == all.size() ? last_separator : ", ";
    text += "\"" + std::string(all[i].text) + "\"";
  }
  return text;
}

std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// ---- checks ----------------------------------------------------------------------------------

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

// Checks report problems through the context; they return false for a value that must not be
// stored (the model keeps its default). Their messages name the key by `path`.
using Strings = std::vector<std::string>;

void missing_required(KeyContext& context, const std::string& path, const std::string& hint) {
  const auto dot = path.find('.');
  context.error_at(path.substr(0, dot), path,
                   "missing required key '" + path.substr(dot + 1) + "' in [" +
                       path.substr(0, dot) + "]" + hint);
}

void required(KeyContext& context, const std::string& path) { missing_required(context, path, ""); }

// The command may come from [os.windows] alone.
void required_command(KeyContext& context, const std::string& path) {
  missing_required(context, path, context.os() == TargetOs::windows ? " (or [os.windows])" : "");
}

void required_health_check(KeyContext& context, const std::string& path) {
  context.error_at("health", path,
                   "[health] needs 'check' = " + quoted(spellings<HealthCheckKind>, " or "));
}

bool not_empty(KeyContext& context, const std::string& path, const std::string& text) {
  if (text.empty()) context.error(path, "'" + path + "' must not be empty");
  return !text.empty();
}

bool service_name(KeyContext& context, const std::string& path, const std::string& name) {
  if (!is_service_name(name)) {
    context.error(
        path, "'" + path + "' must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got '" + name + "'");
  }
  return true;
}

bool one_line(KeyContext& context, const std::string& path, const std::string& text) {
  context.reject_control_characters(path, text, false, "one line");
  return true;
}

bool command_path(KeyContext& context, const std::string& path, const std::string& command) {
  if (not_empty(context, path, command)) {
    context.check_template(path, command);
    context.check_absolute(path, command);
  }
  return true;
}

// An argv: each element a template, or exactly `$@{VAR}` (split into words at start).
bool templates(KeyContext& context, const std::string& path, const Strings& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!split_reference(values[i])) context.check_template(element(path, i), values[i]);
  }
  return true;
}

bool arguments(KeyContext& context, const std::string& path, const Strings& args) {
  context.check_count(path, args.size(), manifest_limits::args, "elements");
  return templates(context, path, args);
}

bool working_directory(KeyContext& context, const std::string& path, const std::string& directory) {
  context.check_template(path, directory);
  if (!has_references(directory) && context.path_kind(directory) == PathKind::invalid) {
    context.error(path, "'" + path +
                            "' must be an absolute path (or start with ~/ on Linux and macOS), "
                            "got '" +
                            directory + "'");
  }
  return true;
}

auto account_name(const char* what) {
  return [what](KeyContext& context, const std::string& path, const std::string& name) {
    if (context.os() != TargetOs::windows && !is_posix_account_name(name)) {
      context.error(path, "'" + path + "' is not a valid " + what + ": '" + name + "'");
    }
    return true;
  };
}

std::optional<std::uint32_t> octal_umask(KeyContext& context, const std::string& path,
                                         const std::string& umask) {
  const bool octal =
      !umask.empty() && umask.size() <= 4 &&
      std::all_of(umask.begin(), umask.end(), [](char c) { return c >= '0' && c <= '7'; });
  if (!octal) {
    context.error(path,
                  "'" + path + "' must be an octal string like \"0027\", got \"" + umask + "\"");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(std::stoul(umask, nullptr, 8));
}

// An absolute path of this OS (or of the other one, which falls back later); not one in $HOME.
void check_absolute_path(KeyContext& context, const std::string& path, const std::string& text,
                         const std::string& value) {
  if (const auto kind = context.path_kind(text);
      kind == PathKind::invalid || kind == PathKind::home) {
    context.error(path, "'" + path + "' must be an absolute path, got '" + value + "'");
  }
}

bool absolute_directory(KeyContext& context, const std::string& path,
                        const std::string& directory) {
  check_absolute_path(context, path, directory, directory);
  return true;
}

// A leading '-' marks an optional file.
bool env_files(KeyContext& context, const std::string& path, const Strings& files) {
  context.check_count(path, files.size(), manifest_limits::env_files, "entries");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& file = files[i];
    check_absolute_path(context, element(path, i), file.front() == '-' ? file.substr(1) : file,
                        file);
  }
  return true;
}

bool variable_names(KeyContext& context, const std::string& path, const Strings& names) {
  context.check_count(path, names.size(), manifest_limits::required_env, "names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!is_environment_name(names[i])) {
      context.error(element(path, i),
                    "'" + element(path, i) + "' is not a valid variable name: '" + names[i] + "'");
    }
  }
  return true;
}

std::string env_name_problem(const std::string& name) {
  if (is_environment_name(name)) return "";
  return "[env] name '" + name + "' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)";
}

bool env_value(KeyContext& context, const std::string& path, const std::string& value) {
  if (value.find('\0') != std::string::npos) {
    context.error(path, "'" + path + "' must not contain NUL characters");
    return false;
  }
  context.check_template(path, value);
  return true;
}

std::string systemd_directive_problem(const std::string& name) {
  const auto dot = name.find('.');
  if (dot != std::string::npos && dot != 0 && dot + 1 != name.size()) return "";
  return "[systemd.extra] keys are \"Section.Key\" (like \"Service.OOMScoreAdjust\"), got '" +
         name + "'";
}

bool multiplier_range(KeyContext& context, const std::string& path, double multiplier) {
  if (multiplier >= 1.0 && multiplier <= 100.0) return true;
  context.error(path, "'" + path + "' must be between 1.0 and 100.0");
  return false;
}

bool longer_than_zero(KeyContext& context, const std::string& path, Duration duration) {
  if (duration.count() != 0) return true;
  context.error(path, "'" + path + "' must be longer than 0");
  return false;
}

std::optional<LogStream> log_stream(KeyContext& context, const std::string& path,
                                    const std::string& text) {
  if (auto kind = value_spelled<LogStream::Kind>(text)) return LogStream{*kind, ""};
  if (text.empty() || text == "." || text == ".." ||
      text.find_first_of("/\\") != std::string::npos || has_control_character(text, false)) {
    context.error(path, "'" + path + "' must be " + quoted(spellings<LogStream::Kind>, ", ") +
                            " or a file name inside logs.directory (no '/' or '\\'), got \"" +
                            text + "\"");
    return std::nullopt;
  }
  return LogStream{LogStream::Kind::file, text};
}

bool http_url(KeyContext& context, const std::string& path, const std::string& url) {
  context.check_template(path, url);
  if (url.rfind("http://", 0) != 0 && url.rfind("${", 0) != 0) {
    context.error(path, "'" + path +
                            "' must start with http:// (https is not supported by the probe), "
                            "got '" +
                            url + "'");
  }
  return true;
}

bool host_and_port(KeyContext& context, const std::string& path, const std::string& address) {
  context.check_template(path, address);
  const auto colon = address.rfind(':');
  if (address.find("${") == std::string::npos &&
      (colon == std::string::npos || colon == 0 || colon + 1 == address.size())) {
    context.error(path,
                  "'" + path + "' must be host:port (IPv6 as [::1]:port), got '" + address + "'");
  }
  return true;
}

bool probe_command(KeyContext& context, const std::string& path, const Strings& command) {
  templates(context, path, command);
  if (command.empty()) context.error(path, "'" + path + "' must not be empty");
  return true;
}

// A program run by the watchdog or the service manager: argv not empty, argv[0] absolute (a
// path of the other OS only warns, as for service.command), interpolation allowed.
void program_argv(KeyContext& context, const std::string& path, const Strings& argv) {
  if (argv.empty()) {
    context.error(path, "'" + path + "' must not be empty (the program and its arguments)");
    return;
  }
  context.check_count(path, argv.size(), manifest_limits::args + 1, "elements");
  templates(context, path, argv);
  if (argv.front().empty()) {
    context.error(element(path, 0), "'" + element(path, 0) + "' must not be empty");
    return;
  }
  context.check_absolute(element(path, 0), argv.front());
}

std::optional<std::vector<HookCommand>> hook_commands(KeyContext& context,
                                                      const std::string& /*path*/,
                                                      const std::vector<ReadCommand>& read) {
  std::vector<HookCommand> hooks;
  hooks.reserve(read.size());
  for (const auto& entry : read) {
    program_argv(context, entry.argv_path, entry.command.argv);
    hooks.push_back(entry.command);
  }
  return hooks;
}

bool reload_command(KeyContext& context, const std::string& path, const Strings& argv) {
  program_argv(context, path, argv);
  return true;
}

// [reload] command and [hooks] reload are the same thing: one of them.
void check_reload(KeyContext& context) {
  if (!context.present("command")) return;
  if (context.present("signal")) {
    context.error("reload.signal",
                  "'reload.signal' conflicts with 'reload.command' (the command replaces the "
                  "signal); keep one");
  }
}

void check_hooks(KeyContext& context) {
  if (!context.service().hooks.reload.empty() && !context.service().reload.command.empty()) {
    context.error("hooks.reload",
                  "'hooks.reload' conflicts with 'reload.command' (both replace the reload "
                  "signal); keep one");
  }
  // Only a signal written in the manifest follows the hooks; the default HUP is not sent.
  auto& reload = context.service().reload;
  reload.signal_after_hooks =
      !context.service().hooks.reload.empty() && context.stored("reload.signal");
}

bool memory_limit(KeyContext& context, const std::string& path, std::uint64_t memory) {
  if (memory != 0) return true;
  context.error(path, "'" + path + "' must be larger than 0");
  return false;
}

bool cpu_limit(KeyContext& context, const std::string& path, double cpu) {
  if ((cpu > 0.0 && cpu <= 4096.0) && !std::isnan(cpu)) return true;
  context.error(path, "'" + path + "' must be a number of cores > 0");
  return false;
}

bool unit_names(KeyContext& context, const std::string& path, const Strings& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return std::isalnum(byte) || c == '_' || c == '.' || c == '-' || c == '@' || c == ':' ||
             c == '\\';
    });
    if (!ok) {
      context.error(element(path, i),
                    "'" + element(path, i) + "' is not a valid service name: '" + name + "'");
    }
  }
  return true;
}

// ---- [dependencies] requires_mounts_for, [directories], [sandbox] -----------------------------

bool mount_paths(KeyContext& context, const std::string& path, const Strings& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i)
    check_absolute_path(context, element(path, i), paths[i], paths[i]);
  return true;
}

// A name relative to the OS's base directory of its kind ("payments", "payments/sockets").
bool directory_names(KeyContext& context, const std::string& path, const Strings& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    bool ok = !name.empty() && name.front() != '/' && name.back() != '/' &&
              std::all_of(name.begin(), name.end(), [](char c) {
                const auto byte = static_cast<unsigned char>(c);
                return std::isalnum(byte) || c == '_' || c == '.' || c == '-' || c == '/';
              });
    for (std::size_t start = 0; ok && start <= name.size();) {
      auto end = name.find('/', start);
      if (end == std::string::npos) end = name.size();
      const auto component = std::string_view(name).substr(start, end - start);
      ok = !component.empty() && component != "." && component != "..";
      start = end + 1;
    }
    if (!ok) {
      context.error(element(path, i),
                    "'" + element(path, i) +
                        "' must be a relative directory name (letters, digits, '_', '.', '-', "
                        "'/' between names; no '..'), got '" +
                        name + "'");
    }
  }
  return true;
}

std::optional<std::uint32_t> octal_mode(KeyContext& context, const std::string& path,
                                        const std::string& mode) {
  const bool octal =
      !mode.empty() && mode.size() <= 4 &&
      std::all_of(mode.begin(), mode.end(), [](char c) { return c >= '0' && c <= '7'; });
  if (!octal) {
    context.error(path,
                  "'" + path + "' must be an octal string like \"0750\", got \"" + mode + "\"");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(std::stoul(mode, nullptr, 8));
}

// Absolute paths; a leading '-' (as systemd's) ignores a path that does not exist.
bool sandbox_paths(KeyContext& context, const std::string& path, const Strings& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto& entry = paths[i];
    check_absolute_path(context, element(path, i), entry.front() == '-' ? entry.substr(1) : entry,
                        entry);
  }
  return true;
}

// Each entry `prefix` + [A-Z0-9_]+ (or one of `also`).
auto symbolic_names(const char* prefix, const char* what,
                    const std::vector<std::string>& also = {}) {
  return [prefix, what, also](KeyContext& context, const std::string& path, const Strings& names) {
    const std::string_view start(prefix);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& name = names[i];
      const bool ok = std::find(also.begin(), also.end(), name) != also.end() ||
                      (name.size() > start.size() && name.starts_with(start) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                       }));
      if (!ok) {
        context.error(element(path, i), "'" + element(path, i) + "' is not " + what + " (" +
                                            prefix + "…), got '" + name + "'");
      }
    }
    return true;
  };
}

// systemd's SystemCallFilter= words: a call, a @group, optionally after '~' (deny).
bool system_calls(KeyContext& context, const std::string& path, const Strings& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string_view name = names[i];
    if (name.starts_with("~")) name.remove_prefix(1);
    if (name.starts_with("@")) name.remove_prefix(1);
    const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!ok) {
      context.error(element(path, i), "'" + element(path, i) +
                                          "' is not a system call or @group (like "
                                          "\"@system-service\" or \"~@mount\"), got '" +
                                          names[i] + "'");
    }
  }
  return true;
}

// ---- service.documentation, service.aliases, [sandbox] kernel switches -----------------------

// systemd's Documentation= URLs: http(s)://, file:, man:, info: and something after the scheme.
bool documentation_urls(KeyContext& context, const std::string& path, const Strings& urls) {
  static constexpr std::array<std::string_view, 5> kSchemes{"http://", "https://",
                                                            "file:", "man:", "info:"};
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const auto& url = urls[i];
    const auto scheme = std::find_if(kSchemes.begin(), kSchemes.end(), [&](std::string_view s) {
      return url.starts_with(s) && url.size() > s.size();
    });
    const bool blank = std::any_of(url.begin(), url.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte <= 0x20 || byte == 0x7f;
    });
    if (scheme == kSchemes.end() || blank) {
      context.error(element(path, i), "'" + element(path, i) +
                                          "' must be a URL starting with http://, https://, "
                                          "file:, man: or info: (no spaces), got '" +
                                          url + "'");
    }
  }
  return true;
}

// Other names of the service's unit: a name without '@', a ".service" suffix or none.
bool alias_names(KeyContext& context, const std::string& path, const Strings& names) {
  unit_names(context, path, names);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    static constexpr std::array<std::string_view, 10> kOtherTypes{
        ".target", ".socket", ".mount", ".automount", ".path",
        ".timer",  ".device", ".slice", ".scope",     ".swap"};
    const bool other_type =
        std::any_of(kOtherTypes.begin(), kOtherTypes.end(),
                    [&](std::string_view type) { return name.ends_with(type); });
    if (other_type || name.find('@') != std::string::npos || name.empty()) {
      context.error(element(path, i),
                    "'" + element(path, i) +
                        "' must name a service (an alias has the service's own unit type and "
                        "is no template), got '" +
                        name + "'");
    }
  }
  return true;
}

// DeviceAllow=: a /dev path or a "char-…"/"block-…" group, then optionally access of r, w, m.
bool device_rules(KeyContext& context, const std::string& path, const Strings& rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string_view rule = rules[i];
    const auto space = rule.find(' ');
    const auto device = rule.substr(0, space);
    const auto access =
        space == std::string_view::npos ? std::string_view{} : rule.substr(space + 1);
    const bool device_ok = (device.starts_with("/dev/") && device.size() > 5) ||
                           ((device.starts_with("char-") || device.starts_with("block-")) &&
                            device.find('-') + 1 < device.size());
    const bool access_ok = (space == std::string_view::npos || !access.empty()) &&
                           access.size() <= 3 &&
                           std::all_of(access.begin(), access.end(),
                                       [](char c) { return c == 'r' || c == 'w' || c == 'm'; });
    const bool clean = std::none_of(device.begin(), device.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte <= 0x20 || byte == 0x7f || c == '"' || c == '\\';
    });
    if (!device_ok || !access_ok || !clean) {
      context.error(element(path, i), "'" + element(path, i) +
                                          "' must be a device and its access, like \"/dev/null "
                                          "rw\" or \"char-pts rw\" (access: r, w, m), got '" +
                                          rules[i] + "'");
    }
  }
  return true;
}

// SystemCallArchitectures=: "native" or an architecture as systemd names it ("x86-64", "arm64").
bool architectures(KeyContext& context, const std::string& path, const Strings& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!ok) {
      context.error(element(path, i), "'" + element(path, i) +
                                          "' must be \"native\" or an architecture like "
                                          "\"x86-64\", got '" +
                                          name + "'");
    }
  }
  return true;
}

bool reverse_dns(KeyContext& context, const std::string& path, const std::string& label) {
  const bool ok = !label.empty() && std::all_of(label.begin(), label.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || c == '.' || c == '-' || c == '_';
  });
  if (!ok) {
    context.error(path, "'" + path + "' must be a reverse-DNS name like com.example.app, got '" +
                            label + "'");
  }
  return true;
}

bool windows_account(KeyContext& context, const std::string& path, const std::string& account) {
  context.reject_control_characters(path, account, false, "an account name");
  not_empty(context, path, account);
  return true;
}

bool image_reference(KeyContext& context, const std::string& path, const std::string& image) {
  if (image.empty() || has_control_character(image, false) ||
      image.find(' ') != std::string::npos) {
    context.error(path,
                  "'" + path + "' must be an image reference like registry.example.com/app:1.0");
  }
  return true;
}

auto dns1123_label(const char* what) {
  return [what](KeyContext& context, const std::string& path, const std::string& name) {
    if (!is_dns1123_label(name)) {
      context.error(path, "'" + path + "' must be a DNS-1123 label" + std::string(what) +
                              ", got '" + name + "'");
    }
    return true;
  };
}

// [kubernetes] rbac: the verbs the API server authorizes (RBAC's standard verbs, then the special
// ones of policy, RBAC, impersonation and certificate objects).
const std::vector<std::string>& kubernetes_verbs() {
  static const std::vector<std::string> verbs{
      "get", "list", "watch",    "create",      "update",  "patch", "delete", "deletecollection",
      "use", "bind", "escalate", "impersonate", "approve", "sign",  "*"};
  return verbs;
}

bool is_lowercase_name(std::string_view text, std::string_view extra) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [extra](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           extra.find(c) != std::string_view::npos;
  });
}

// Reports an empty array at the field (or the element when the field is missing) and returns
// whether the field has elements.
bool has_elements(KeyContext& context, const ReadTable& read, const std::string& field) {
  const auto found = read.strings.find(field);
  if (found != read.strings.end() && !found->second.empty()) return true;
  const std::string path = read.path + "." + field;
  if (found != read.strings.end()) context.error(path, "'" + path + "' must not be empty");
  return false;
}

// "v1", "v2beta1": an API version, not a group.
bool is_api_version(std::string_view text) {
  if (text.size() < 2 || text.front() != 'v') return false;
  return std::all_of(text.begin() + 1, text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }) &&
         text[1] >= '0' && text[1] <= '9';
}

void check_api_groups(KeyContext& context, const std::string& path, const Strings& groups) {
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const auto& group = groups[i];
    if (group.empty() || group == "*" || (is_lowercase_name(group, "") && !is_api_version(group)))
      continue;
    const auto slash = group.find('/');
    std::string hint;
    if (is_api_version(group)) {
      hint = "; the core group (v1) is \"\"";
    } else if (slash != std::string::npos && slash > 0) {
      hint = "; a group has no version: \"" + group.substr(0, slash) + "\"";
    }
    context.error(element(path, i), "'" + element(path, i) +
                                        "' must be an API group like \"\" (core), \"apps\" or "
                                        "\"batch\", got \"" +
                                        group + "\"" + hint);
  }
}

void check_resources(KeyContext& context, const std::string& path, const Strings& resources) {
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (resources[i] == "*" || is_lowercase_name(resources[i], "/*")) continue;
    context.error(element(path, i), "'" + element(path, i) +
                                        "' must be a resource's lowercase plural like "
                                        "\"configmaps\" or \"pods/log\", got \"" +
                                        resources[i] + "\"");
  }
}

void check_verbs(KeyContext& context, const std::string& path, const Strings& verbs) {
  const auto& known = kubernetes_verbs();
  for (std::size_t i = 0; i < verbs.size(); ++i) {
    if (std::find(known.begin(), known.end(), verbs[i]) != known.end()) continue;
    context.error(element(path, i),
                  "'" + element(path, i) +
                      "' must be a Kubernetes verb (get, list, watch, create, update, patch, "
                      "delete, deletecollection, use, bind, escalate, impersonate, approve, sign "
                      "or \"*\"), got \"" +
                      verbs[i] + "\"" + did_you_mean(verbs[i], known, '"'));
  }
}

std::optional<KubernetesAccessRule> access_rule(KeyContext& context, const ReadTable& read) {
  KubernetesAccessRule rule;
  bool ok = true;
  for (const char* field : {"api_groups", "resources", "verbs"})
    ok &= has_elements(context, read, field);
  const auto strings_of = [&read](const char* field) {
    const auto found = read.strings.find(field);
    return found == read.strings.end() ? Strings{} : found->second;
  };
  rule.api_groups = strings_of("api_groups");
  rule.resources = strings_of("resources");
  rule.verbs = strings_of("verbs");
  rule.resource_names = strings_of("resource_names");
  if (const auto cluster = read.flags.find("cluster"); cluster != read.flags.end())
    rule.cluster = cluster->second;
  check_api_groups(context, read.path + ".api_groups", rule.api_groups);
  check_resources(context, read.path + ".resources", rule.resources);
  check_verbs(context, read.path + ".verbs", rule.verbs);
  for (std::size_t i = 0; i < rule.resource_names.size(); ++i) {
    const auto path = element(read.path + ".resource_names", i);
    if (rule.resource_names[i].empty()) context.error(path, "'" + path + "' must not be empty");
    context.reject_control_characters(path, rule.resource_names[i], false, "one line");
  }
  if (!ok) return std::nullopt;
  return rule;
}

Key access_rules(std::string_view name, std::string_view docs) {
  Key key{.name = name,
          .type = Type::table_array,
          .docs = docs,
          .fields = {{"api_groups", Type::string_array, true},
                     {"resources", Type::string_array, true},
                     {"verbs", Type::string_array, true},
                     {"resource_names", Type::string_array, false},
                     {"cluster", Type::boolean, false}}};
  key.decode = [](KeyContext& context, const Key& self, const std::string& /*path*/) {
    auto tables = context.read_tables(self);
    if (!tables) return false;
    std::vector<KubernetesAccessRule> rules;
    bool ok = true;
    for (const auto& table : *tables) {
      ok &= table.complete;
      if (auto rule = access_rule(context, table)) {
        rules.push_back(std::move(*rule));
      } else {
        ok = false;
      }
    }
    if (!ok) return false;
    context.service().kubernetes.rbac = std::move(rules);
    return true;
  };
  key.default_text = [](const Service&) { return std::string("[]"); };
  return key;
}

// Istio principals: "<trust domain>/ns/<namespace>/sa/<service account>", `*` as a prefix or
// suffix wildcard.
bool istio_principals(KeyContext& context, const std::string& path, const Strings& principals) {
  if (principals.empty()) {
    context.error(path, "'" + path +
                            "' must not be empty: an ALLOW policy without principals denies "
                            "every caller; remove the key to allow all");
  }
  for (std::size_t i = 0; i < principals.size(); ++i) {
    const auto& principal = principals[i];
    const auto at = element(path, i);
    if (principal.starts_with("spiffe://")) {
      context.error(at,
                    "'" + at + "' is written without spiffe://: \"" + principal.substr(9) + "\"");
    } else if (principal.find_first_of(" \t") != std::string::npos ||
               has_control_character(principal, false)) {
      context.error(at, "'" + at +
                            "' must be a principal like \"cluster.local/ns/shop/sa/frontend\" "
                            "(no spaces)");
    }
  }
  return true;
}

// restart.prevent_exit_codes are failures: a code cannot also be a success.
void check_prevent_exit_codes(KeyContext& context) {
  const auto& restart = context.service().restart;
  for (const int code : restart.prevent_exit_codes) {
    const auto& success = restart.success_exit_codes;
    if (std::find(success.begin(), success.end(), code) != success.end()) {
      context.error("restart.prevent_exit_codes",
                    "exit code " + std::to_string(code) +
                        " is in both 'restart.success_exit_codes' and "
                        "'restart.prevent_exit_codes' (a success is never restarted anyway); "
                        "keep it in one");
      return;
    }
  }
}

void check_restart(KeyContext& context) {
  const auto& restart = context.service().restart;
  if (restart.max_delay < restart.delay) {
    const std::string key = context.service().positions.count("restart.max_delay")
                                ? "restart.max_delay"
                                : "restart.delay";
    context.error(key, "'restart.max_delay' (" + format_duration(restart.max_delay) +
                           ") must not be shorter than 'restart.delay' (" +
                           format_duration(restart.delay) + ")");
  }
}

// [service] type: pid_file belongs to "forking" (which needs it), remain_after_exit to "oneshot".
void check_service_type(KeyContext& context) {
  const auto& service = context.service();
  const char* type = to_string(service.type);
  const bool forking = service.type == ServiceType::forking;
  if (forking && context.stored("service.type") && !context.present("pid_file")) {
    context.error_at("service.type", "service.pid_file",
                     "type = \"forking\" needs 'service.pid_file' (where the daemon writes its "
                     "pid)");
  }
  if (!forking && context.present("pid_file")) {
    context.error("service.pid_file", std::string("'service.pid_file' needs type = \"forking\" "
                                                  "(the type is \"") +
                                          type + "\")");
  }
  if (service.type != ServiceType::oneshot && context.present("remain_after_exit")) {
    context.error("service.remain_after_exit",
                  std::string("'service.remain_after_exit' needs type = \"oneshot\" (the type "
                              "is \"") +
                      type + "\")");
  }
}

// A oneshot that succeeded is done: restarting it "always" would run it in a loop (systemd
// refuses Restart=always for Type=oneshot too).
void check_oneshot_restart(KeyContext& context) {
  const auto& service = context.service();
  if (service.type != ServiceType::oneshot || service.restart.policy != RestartPolicy::always)
    return;
  context.error_at(context.stored("restart.policy") ? "restart.policy" : "restart",
                   "restart.policy",
                   "policy = \"always\" cannot restart a oneshot (it would run again after "
                   "every success); use \"on-failure\" or \"never\"");
}

// A oneshot ends by design: a probe could only fail it. Its success is its readiness.
void check_oneshot_health(KeyContext& context) {
  if (context.service().type != ServiceType::oneshot) return;
  context.error_at("health", "health",
                   "[health] cannot check a oneshot, which ends by design; its success is its "
                   "readiness");
}

void check_health(KeyContext& context) {
  const auto& health = *context.service().health;
  for (const auto& [path, duration] : {std::pair{"health.interval", health.interval},
                                       std::pair{"health.timeout", health.timeout}}) {
    if (duration.count() == 0)
      context.error(path, "'" + std::string(path) + "' must be longer than 0");
  }
  if (!context.stored("health.check")) return;
  // The key that belongs to the check kind is required; the others conflict with it.
  const std::vector<std::pair<HealthCheckKind, std::string>> owners{
      {HealthCheckKind::http, "url"},
      {HealthCheckKind::tcp, "address"},
      {HealthCheckKind::exec, "command"}};
  const char* check = to_string(health.check);
  for (const auto& [kind, key] : owners) {
    const bool present = context.present(key);
    const std::string path = "health." + key;
    if (kind == health.check && !present) {
      context.error_at("health.check", path,
                       std::string("check = \"") + check + "\" needs 'health." + key + "'");
    } else if (kind != health.check && present) {
      context.error(path, "'health." + key + "' conflicts with check = \"" + check +
                              "\" (it belongs to check = \"" + to_string(kind) + "\")");
    }
  }
}

// ---- the table -------------------------------------------------------------------------------
// One entry per key, in manifest.md's order (also the order of decoding and of "did you mean"
// candidates). To add a key: add its model field (model.hpp), one line here (type, field, docs,
// check), its JSON in model_json.cpp, and document it in docs/manifest.md and
// examples/everything.toml (the docs test fails until both name it).

const Section& systemd_extra() {
  static const Section section{
      .name = "extra",
      .docs = "systemd directives \"Section.Key\" = \"value\", checked against an allow-list",
      .free_form = FreeForm{.name_problem = systemd_directive_problem,
                            .value_ok = Keep{},
                            .entries = [](Service & s) -> auto& {return s.systemd.extra;
}
}  // namespace
};  // namespace daemonize::schema
return section;
}

// [hooks]: commands around the program's start, stop and reload.
Section hooks_section() {
  using Hk = HooksConfig;
  return {
      .name = "hooks",
      .docs = "Commands run around the program's start, stop and reload",
      .keys =
          {
              commands<&Service::hooks, &Hk::pre_start>(
                  "pre_start", "Before each start; failure fails it", hook_commands),
              commands<&Service::hooks, &Hk::post_start>("post_start", "After the program started",
                                                         hook_commands),
              commands<&Service::hooks, &Hk::stop>("stop", "Instead of stop.signal", hook_commands),
              commands<&Service::hooks, &Hk::post_stop>(
                  "post_stop", "After every exit of the program", hook_commands),
              commands<&Service::hooks, &Hk::reload>(
                  "reload", "Instead of reload.signal, or before a written one", hook_commands),
          },
      .check = check_hooks,
  };
}

// [schedule]: the service becomes a job started by the target's scheduler.
bool cron_expression(KeyContext& context, const std::string& path, const std::string& text) {
  context.reject_control_characters(path, text, true, "one line");
  const auto parsed = parse_cron(text);
  if (const auto* failure = std::get_if<CronError>(&parsed)) {
    context.error_in_value(path, failure->offset, "'" + path + "': " + failure->message);
    return false;
  }
  return true;
}

void check_schedule(KeyContext& context) {
  const bool cron = context.present("cron");
  const bool every = context.present("every");
  if (!cron && !every) {
    context.error("schedule",
                  "[schedule] needs 'cron' (a 5-field cron expression) or 'every' (an interval)");
  } else if (cron && every) {
    context.error("schedule.every",
                  "'schedule.every' conflicts with 'schedule.cron' (a schedule has one of them)");
  }
  // A scheduled service is a job: it runs to its end, each time the schedule says.
  auto& service = context.service();
  if (!context.stored("service.type")) {
    service.type = ServiceType::oneshot;
  } else if (service.type != ServiceType::oneshot) {
    context.error_at("service.type", "service.type",
                     std::string("[schedule] runs the service as a job: its type is \"oneshot\" "
                                 "(the type is \"") +
                         to_string(service.type) + "\")");
  }
}

Section schedule_section() {
  using Sc = ScheduleConfig;
  return {
      .name = "schedule",
      .docs = "Run the service as a job on a calendar or at an interval",
      .keys =
          {
              with_default(text<&Service::schedule, &Sc::cron>(
                               "cron", "\"M H DoM Mon DoW\", as in crontab(5)", cron_expression),
                           "not set"),
              with_default(duration<&Service::schedule, &Sc::every>(
                               "every", "Interval between runs", longer_than_zero),
                           "not set"),
              duration<&Service::schedule, &Sc::randomized_delay>("randomized_delay",
                                                                  "Random delay added to each run"),
              flag<&Service::schedule, &Sc::persistent>("persistent",
                                                        "Catch up a run missed while off"),
              choice<&Service::schedule, &Sc::overlap>(
                  "overlap", "A run due while the last one runs: skipped, queued or started"),
          },
      .enter = [](Service& s) { s.schedule.emplace(); },
      .check = check_schedule,
  };
}

std::vector<Section> make_sections() {
  using S = Service;
  using R = RestartConfig;
  using L = LogsConfig;
  using H = HealthConfig;
  using W = WindowsConfig;
  using K = KubernetesConfig;
  std::vector<Section> all;
  all.push_back(
      {.name = "service",
       .docs = "The program to run and who runs it",
       .keys =
           {
               with_default(
                   when_missing(text<&S::name>("name", "Unique name of the service", service_name),
                                required),
                   "required"),
               with_default(
                   text<&S::display_name>("display_name", "Name the manager shows", one_line),
                   "the name"),
               text<&S::description>("description", "One line describing the service", one_line),
               with_default(when_missing(file_path<&S::command>("command", "The program to run",
                                                                command_path),
                                         required_command),
                            "required"),
               strings<&S::args>("args", "Arguments of the program", true, arguments),
               with_default(
                   file_path<&S::working_directory>(
                       "working_directory", "Directory the program starts in", working_directory),
                   "not set"),
               with_default(text<&S::user>("user", "Account the program runs as",
                                           account_name("account name")),
                            "not set"),
               with_default(text<&S::group>("group", "Group the program runs as",
                                            account_name("group name")),
                            "the user's primary group"),
               flag<&S::create_user>("create_user", "Create the account on deploy"),
               choice<&S::scope>("scope", "A system service or the user's own"),
               choice<&S::supervisor>("supervisor",
                                      "The daemonize watchdog, or the manager directly"),
               converted_key<&S::umask>("umask", Type::string, "File mode mask, an octal string",
                                        &KeyContext::read_string, octal_umask),
               strings<&S::env_files>("env_files", "Dotenv files read at start", false, env_files),
               strings<&S::required_env>("required_env", "Variables that must be set at start",
                                         false, variable_names),
               // [service] type and its companions; check_service_type() ties them together.
               choice<&S::type>("type", "How the program tells that it started"),
               with_default(
                   file_path<&S::pid_file>("pid_file", "Where a forking daemon writes its pid",
                                           absolute_directory),
                   "not set"),
               flag<&S::remain_after_exit>("remain_after_exit",
                                           "A oneshot stays active after success"),
               // Where it is documented, and the other names of its unit.
               strings<&S::documentation>("documentation", "URLs of its documentation", false,
                                          documentation_urls),
               strings<&S::aliases>("aliases", "Other names of the service (systemd)", false,
                                    alias_names),
           },
       .check = check_service_type});
  // Right after [service]: a schedule makes the type "oneshot" before [restart] and [health]
  // are checked against it.
  all.push_back(schedule_section());
  all.push_back({.name = "env",
                 .docs = "Environment variables of the program",
                 .free_form = FreeForm{.name_problem = env_name_problem,
                                       .value_ok = env_value,
                                       .entries = [](Service& s) -> auto& { return s.env;
}
, .limit = manifest_limits::env_entries, .counted = "variables"
}
});
all.push_back({
    .name = "restart",
    .docs = "When and how fast a stopped program is started again",
    .keys =
        {
            choice<&S::restart, &R::policy>("policy", "Which exits are restarted"),
            duration<&S::restart, &R::delay>("delay", "Wait before the first restart"),
            duration<&S::restart, &R::max_delay>("max_delay", "Longest wait between restarts"),
            number<&S::restart, &R::multiplier>("multiplier", "Growth of the wait per restart",
                                                multiplier_range),
            duration<&S::restart, &R::reset_after>("reset_after", "Uptime that resets the wait"),
            integer<&S::restart, &R::max_restarts>(
                "max_restarts", "Restarts within window (0 = any)", 0, 1'000'000),
            duration<&S::restart, &R::window>("window", "Period max_restarts counts over",
                                              longer_than_zero),
            integers<&S::restart, &R::success_exit_codes>(
                "success_exit_codes", "Exit codes that count as success", 0, 255),
            integers<&S::restart, &R::prevent_exit_codes>(
                "prevent_exit_codes", "Failed exits that are never restarted", 0, 255),
        },
    .check =
        [](KeyContext& context) {
          check_restart(context);
          check_prevent_exit_codes(context);
          check_oneshot_restart(context);
        },
});
all.push_back({
    .name = "stop",
    .docs = "How the program is stopped",
    .keys =
        {
            choice<&S::stop, &StopConfig::signal>("signal", "Signal that asks it to stop"),
            infinite_duration<&S::stop, &StopConfig::timeout>("timeout",
                                                              "Wait before the tree is killed"),
            choice<&S::stop, &StopConfig::kill>("kill", "Which processes the stop reaches"),
        },
});
all.push_back({
    .name = "reload",
    .docs = "How the program is asked to reload",
    .keys = {choice<&S::reload, &ReloadConfig::signal>("signal", "Signal that asks to reload"),
             strings<&S::reload, &ReloadConfig::command>(
                 "command", "Program run instead of the signal", false, reload_command)},
    .check = check_reload,
});
all.push_back(hooks_section());
all.push_back({
    .name = "logs",
    .docs = "Where the program's output goes and how it is rotated",
    .keys =
        {
            with_default(file_path<&S::logs, &L::directory>("directory", "Directory of the logs",
                                                            absolute_directory),
                         "per OS and scope"),
            converted_key<&S::logs, &L::stdout_stream>(
                "stdout", Type::string, "A file in directory, \"inherit\" or \"null\"",
                &KeyContext::read_string, log_stream),
            converted_key<&S::logs, &L::stderr_stream>("stderr", Type::string,
                                                       "As stdout; one name shares one file",
                                                       &KeyContext::read_string, log_stream),
            size<&S::logs, &L::max_size>("max_size", "Size that rotates a file (0 = never)"),
            integer<&S::logs, &L::max_files>("max_files", "Rotated files kept", 0, 10'000),
            choice<&S::logs, &L::rotate_every>("rotate_every", "Rotation at time boundaries"),
            choice<&S::logs, &L::timezone>("timezone", "Zone of boundaries and timestamps"),
            flag<&S::logs, &L::compress>("compress", "Gzip rotated files"),
            flag<&S::logs, &L::timestamps>("timestamps", "Prefix each line with the time"),
        },
});
all.push_back({
    .name = "health",
    .docs = "A check that the running program is healthy",
    .keys =
        {
            with_default(when_missing(choice<&S::health, &H::check>("check", "Kind of the check"),
                                      required_health_check),
                         "required in [health]"),
            text<&S::health, &H::url>("url", "http:// URL of check = \"http\"", http_url),
            text<&S::health, &H::address>("address", "host:port of check = \"tcp\"", host_and_port),
            strings<&S::health, &H::command>("command", "Program of check = \"exec\"", false,
                                             probe_command),
            duration<&S::health, &H::interval>("interval", "Time between checks"),
            duration<&S::health, &H::timeout>("timeout", "Time one check may take"),
            integer<&S::health, &H::retries>("retries", "Failures in a row that mean unhealthy", 1,
                                             1000),
            duration<&S::health, &H::start_period>("start_period", "Failures not counted at start"),
        },
    .enter = [](Service& s) { s.health.emplace(); },
    .check =
        [](KeyContext& context) {
          check_health(context);
          check_oneshot_health(context);
        },
});
all.push_back({
    .name = "limits",
    .docs = "Resource limits of the program",
    .keys =
        {
            size<&S::limits, &LimitsConfig::memory>("memory", "Memory limit", memory_limit),
            number<&S::limits, &LimitsConfig::cpu>("cpu", "CPU limit in cores", cpu_limit),
            integer<&S::limits, &LimitsConfig::nofile>("nofile", "Open files limit", 1, 1LL << 30),
            integer<&S::limits, &LimitsConfig::nproc>("nproc", "Processes limit", 1, 1LL << 30),
        },
});
all.push_back({
    .name = "dependencies",
    .docs = "Other services this one needs",
    .keys =
        {
            strings<&S::dependencies, &DependenciesConfig::after>(
                "after", "Services to start first (ordering only)", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::requires_units>(
                "requires", "Services needed (started along)", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::wants>(
                "wants", "Services started along, not needed", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::requires_mounts_for>(
                "requires_mounts_for", "Paths whose mounts are needed", false, mount_paths),
            // Relations only systemd keeps; other targets warn.
            strings<&S::dependencies, &DependenciesConfig::before>(
                "before", "Services that start after this one", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::part_of>(
                "part_of", "Services whose stop and restart reach this one", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::conflicts>(
                "conflicts", "Services stopped when this one starts", false, unit_names),
            strings<&S::dependencies, &DependenciesConfig::also_enable>(
                "also_enable", "Units enabled and disabled along", false, unit_names),
        },
});
all.push_back({
    .name = "directories",
    .docs = "Directories made for the service, owned by its user",
    .keys =
        {
            strings<&S::directories, &DirectoriesConfig::runtime>(
                "runtime", "Under /run; removed at stop", false, directory_names),
            strings<&S::directories, &DirectoriesConfig::state>("state", "Under /var/lib", false,
                                                                directory_names),
            strings<&S::directories, &DirectoriesConfig::cache>("cache", "Under /var/cache", false,
                                                                directory_names),
            strings<&S::directories, &DirectoriesConfig::logs>("logs", "Under /var/log", false,
                                                               directory_names),
            strings<&S::directories, &DirectoriesConfig::configuration>(
                "configuration", "Under /etc", false, directory_names),
            with_default(converted_key<&S::directories, &DirectoriesConfig::mode>(
                             "mode", Type::string, "Mode of the directories, an octal string",
                             &KeyContext::read_string, octal_mode),
                         "\"0755\""),
        },
});
all.push_back({
    .name = "sandbox",
    .docs = "Hardening of the service (systemd)",
    .keys =
        {
            flag<&S::sandbox, &SandboxConfig::no_new_privileges>("no_new_privileges",
                                                                 "No privileges from setuid"),
            flag<&S::sandbox, &SandboxConfig::private_tmp>("private_tmp", "A /tmp of its own"),
            choice_of_texts<&S::sandbox, &SandboxConfig::protect_system>(
                "protect_system", "Read-only system directories", {"no", "yes", "full", "strict"}),
            choice_of_texts<&S::sandbox, &SandboxConfig::protect_home>(
                "protect_home", "Hidden or read-only homes", {"no", "yes", "read-only", "tmpfs"}),
            strings<&S::sandbox, &SandboxConfig::read_write_paths>(
                "read_write_paths", "Writable despite protect_system", false, sandbox_paths),
            strings<&S::sandbox, &SandboxConfig::read_only_paths>(
                "read_only_paths", "Read-only paths", false, sandbox_paths),
            flag<&S::sandbox, &SandboxConfig::private_devices>("private_devices",
                                                               "Only pseudo devices in /dev"),
            flag<&S::sandbox, &SandboxConfig::private_users>("private_users",
                                                             "A user namespace of its own"),
            strings<&S::sandbox, &SandboxConfig::capabilities>(
                "capabilities", "The only capabilities (bounding and ambient)", false,
                symbolic_names("CAP_", "a capability")),
            strings<&S::sandbox, &SandboxConfig::restrict_address_families>(
                "restrict_address_families", "The only socket families", false,
                symbolic_names("AF_", "an address family", {"none"})),
            strings<&S::sandbox, &SandboxConfig::system_call_filter>(
                "system_call_filter", "Allowed (or ~denied) system calls", false, system_calls),
            // The kernel switches, as systemd names them.
            flag<&S::sandbox, &SandboxConfig::protect_kernel_tunables>(
                "protect_kernel_tunables", "Read-only /proc/sys and /sys"),
            flag<&S::sandbox, &SandboxConfig::protect_kernel_modules>("protect_kernel_modules",
                                                                      "No module loading"),
            flag<&S::sandbox, &SandboxConfig::protect_kernel_logs>("protect_kernel_logs",
                                                                   "No kernel log access"),
            flag<&S::sandbox, &SandboxConfig::protect_control_groups>("protect_control_groups",
                                                                      "Read-only cgroup tree"),
            flag<&S::sandbox, &SandboxConfig::protect_clock>("protect_clock",
                                                             "No setting of the clock"),
            flag<&S::sandbox, &SandboxConfig::protect_hostname>("protect_hostname",
                                                                "No change of the host name"),
            flag<&S::sandbox, &SandboxConfig::restrict_namespaces>("restrict_namespaces",
                                                                   "No new namespaces"),
            flag<&S::sandbox, &SandboxConfig::restrict_realtime>("restrict_realtime",
                                                                 "No realtime scheduling"),
            flag<&S::sandbox, &SandboxConfig::restrict_suid_sgid>("restrict_suid_sgid",
                                                                  "No setuid/setgid files made"),
            flag<&S::sandbox, &SandboxConfig::lock_personality>("lock_personality",
                                                                "No change of personality"),
            flag<&S::sandbox, &SandboxConfig::memory_deny_write_execute>(
                "memory_deny_write_execute", "No writable and executable memory"),
            flag<&S::sandbox, &SandboxConfig::private_network>("private_network",
                                                               "Only a loopback network"),
            flag<&S::sandbox, &SandboxConfig::remove_ipc>("remove_ipc",
                                                          "IPC objects removed at stop"),
            strings<&S::sandbox, &SandboxConfig::system_call_architectures>(
                "system_call_architectures", "The only system call ABIs", false, architectures),
            choice_of_texts<&S::sandbox, &SandboxConfig::device_policy>(
                "device_policy", "Access to devices", {"auto", "closed", "strict"}),
            strings<&S::sandbox, &SandboxConfig::device_allow>(
                "device_allow", "Devices allowed, with access", false, device_rules),
            choice_of_texts<&S::sandbox, &SandboxConfig::protect_proc>(
                "protect_proc", "Other users' processes in /proc",
                {"default", "noaccess", "invisible", "ptraceable"}),
            choice_of_texts<&S::sandbox, &SandboxConfig::proc_subset>(
                "proc_subset", "Only the process part of /proc", {"all", "pid"}),
        },
});
all.push_back({
    .name = "systemd",
    .docs = "systemd only",
    .keys = {flag<&S::systemd, &SystemdConfig::hardening>("hardening", "Sandboxing directives"),
             free_form_key("extra", systemd_extra(), "{}")},
    .targets = "systemd",
});
all.push_back({
    .name = "launchd",
    .docs = "launchd only",
    .keys = {with_default(text<&S::launchd, &LaunchdConfig::label>("label", "The job's label",
                                                                   reverse_dns),
                          "org.daemonize.<name>"),
             choice_of_texts<&S::launchd, &LaunchdConfig::process_type>(
                 "process_type", "launchd's resource policy",
                 {"Background", "Standard", "Adaptive", "Interactive"})},
    .targets = "launchd",
});
all.push_back({
    .name = "windows",
    .docs = "Windows only",
    .keys = {choice<&S::windows, &W::backend>("backend", "A service or a scheduled task"),
             choice<&S::windows, &W::start>("start", "When the service starts"),
             with_default(text<&S::windows, &W::account>("account", "Account the program runs as",
                                                         windows_account),
                          "NT SERVICE\\<name>"),
             for_targets(with_default(choice<&S::windows, &W::task_trigger>("task_trigger",
                                                                            "When the task starts"),
                                      "\"boot\" (scope system), \"logon\" (scope user)"),
                         "windows-task")},
    .targets = "windows-service, windows-task",
});
all.push_back({
    .name = "kubernetes",
    .docs = "Kubernetes only",
    .keys =
        {for_targets(text<&S::kubernetes, &K::image>("image", "Container image", image_reference),
                     "kubernetes (required)"),
         integer<&S::kubernetes, &K::replicas>("replicas", "Pods run", 0, 10'000),
         text<&S::kubernetes, &K::namespace_name>(
             "namespace", "Namespace of the objects",
             dns1123_label(" (lowercase letters, digits, '-')")),
         with_default(text<&S::kubernetes, &K::service_account>(
                          "service_account", "ServiceAccount of the pods", dns1123_label("")),
                      "the DNS-1123 form of name"),
         integer<&S::kubernetes, &K::port>("port", "Port the Service exposes", 1, 65535),
         access_rules("rbac", "API permissions of the ServiceAccount (Role, RoleBinding)"),
         strings<&S::kubernetes, &K::allow_principals>("allow_principals",
                                                       "Istio principals allowed to call the pods",
                                                       false, istio_principals)},
    .targets = "kubernetes",
});
return all;
}

}  // namespace

const char* to_string(Type type) {
  switch (type) {
    case Type::string:
      return "string";
    case Type::boolean:
      return "boolean";
    case Type::integer:
      return "integer";
    case Type::number:
      return "number";
    case Type::duration:
      return "duration";
    case Type::size:
      return "size";
    case Type::enumeration:
      return "enum";
    case Type::string_array:
      return "array of strings";
    case Type::integer_array:
      return "array of integers";
    case Type::path:
      return "path";
    case Type::free_form_table:
      return "free-form table";
    case Type::command_array:
      return "array of commands";
    case Type::table_array:
      return "array of tables";
  }
  return "string";
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all = make_sections();
  return all;
}

const Key* Section::find_key(std::string_view key) const {
  for (const auto& candidate : keys) {
    if (candidate.name == key) return &candidate;
  }
  return nullptr;
}

std::vector<std::string> Section::key_names() const {
  std::vector<std::string> names;
  for (const auto& key : keys) names.emplace_back(key.name);
  return names;
}

const Section* find_section(std::string_view name) {
  for (const auto& section : sections()) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::vector<std::string> top_level_names() {
  std::vector<std::string> names{"schema", "os"};
  for (const auto& section : sections()) names.emplace_back(section.name);
  return names;
}

std::vector<std::string> sections_with_key(std::string_view key) {
  std::vector<std::string> found;
  for (const auto& section : sections()) {
    if (section.find_key(key) != nullptr) found.emplace_back(section.name);
  }
  return found;
}

bool has_control_character(std::string_view text, bool allow_tab) {
  return std::any_of(text.begin(), text.end(), [allow_tab](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\t') return !allow_tab;
    return byte < 0x20 || byte == 0x7f;
  });
}

bool has_references(const std::string& text) {
  auto parsed = parse_template(text);
  return std::holds_alternative<Template>(parsed) && std::get<Template>(parsed).has_references();
}

}  // namespace daemonize::schema
