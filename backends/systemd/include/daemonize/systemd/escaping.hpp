// How values are written into systemd unit files so that systemd reads back exactly the
// intended bytes (systemd.unit(5) "specifiers", systemd.service(5) "Command lines",
// systemd.exec(5) "Environment=").
//
// systemd reads a unit line in this order: the line ends at LF or CR (a trailing odd backslash
// continues it), specifiers (`%x`) are expanded, then words are unquoted and C-unescaped
// (Exec*= and Environment=), then Exec*= words get `$`-expansion when the command runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace daemonize::systemd {

// One word of an Exec*= command line, built from pieces. Literal pieces are escaped
// (`%` -> `%%`, `$` -> `$$`, `\` and `"` backslash-escaped, control characters as C escapes)
// and the word is double-quoted only when it needs to be (empty, whitespace, quotes,
// backslashes, `;`, control characters). Raw pieces (`${VAR}`, `%h`) are copied as is.
class ExecWord {
 public:
  // `$` is special only where systemd expands variables (Exec*= lines); elsewhere (a
  // tmpfiles.d path) it is kept.
  enum class Dollar { escape, keep };
  explicit ExecWord(Dollar dollar = Dollar::escape) : dollar_(dollar) {}

  ExecWord& literal(std::string_view text);
  ExecWord& raw(std::string_view text);
  [[nodiscard]] std::string str() const;

 private:
  Dollar dollar_;
  std::string escaped_;
  bool needs_quotes_ = false;
  bool empty_ = true;
};

// A literal as one complete Exec*= word (see ExecWord).
[[nodiscard]] std::string exec_word(std::string_view literal);

// `NAME=value` as one double-quoted Environment= assignment: `%` doubled, `\` and `"` escaped,
// control characters as C escapes, `$` kept (systemd does not expand variables there).
[[nodiscard]] std::string environment_assignment(std::string_view name, std::string_view value);

// `NAME="value"` and a newline, as one line of an EnvironmentFile=: `"`, `\`, `` ` `` and `$`
// backslash-escaped, every other byte kept (systemd's env-file parser takes double-quoted
// values verbatim, newlines included, and expands neither specifiers nor variables there).
[[nodiscard]] std::string environment_file_line(std::string_view name, std::string_view value);

// `%` -> `%%`, for values systemd only expands specifiers in (Description=, paths, User=...).
[[nodiscard]] std::string escape_specifiers(std::string_view text);

// Why `text` cannot be written verbatim as a raw (unquoted, un-unescaped) unit-file value:
// control characters, a trailing backslash (a line continuation) or surrounding whitespace
// (systemd strips it). std::nullopt = fine.
[[nodiscard]] std::optional<std::string> raw_value_problem(std::string_view text);

// Why `text` cannot be an Exec*= word or Environment= value at all: only NUL (C strings end
// there). Everything else is escapable.
[[nodiscard]] std::optional<std::string> quoted_value_problem(std::string_view text);

}  // namespace daemonize::systemd
