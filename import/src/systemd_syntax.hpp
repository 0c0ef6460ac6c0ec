// systemd.syntax(7): unit file lines and the word splitting of command lines and Environment=.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

struct UnitDirective {
  std::string file;
  int line = 0;  // the first line of a continued line
  std::string section;
  std::string key;
  std::string value;
};

struct UnitParse {
  std::vector<UnitDirective> directives;
  std::optional<std::pair<int, std::string>> error;  // line, message
};

// Sections, `Key=Value` assignments, `#`/`;` comments, lines continued with a trailing `\`.
[[nodiscard]] UnitParse parse_unit_file(const std::string& path, std::string_view text);

struct UnitWord {
  std::string text;     // unquoted and unescaped
  bool quoted = false;  // the word (or a part of it) was in quotes
};

// Splits at whitespace; "double" and 'single' quotes; C-style escapes (\n, \t, \\, \", \x41,
// \101, \s, ...). nullopt when a quote is not closed, an escape is incomplete or a word is not
// UTF-8.
[[nodiscard]] std::optional<std::vector<UnitWord>> split_unit_words(std::string_view text);

// A systemd time span in milliseconds ("90", "1min 30s", "100ms", "5m", "infinity" = nullopt).
[[nodiscard]] std::optional<long long> parse_time_span(std::string_view text);

}  // namespace daemonize::import
