// POSIX shell word splitting (quotes and backslashes only) and the shell features that need a
// real shell (`sh -c`): pipes, lists, redirections, substitutions, globs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

struct ShellWord {
  std::string text;  // quotes removed
  std::string
      interpolated;  // the word as manifest text: `$NAME`/`${NAME}` as `${NAME}`, other `$` doubled
  bool has_variable = false;
};

struct ShellSplit {
  std::vector<ShellWord> words;
  std::vector<std::string> shell_features;  // what needs `sh -c` ("a pipe '|'", ...)
  std::optional<std::string> error;         // an unclosed quote
};

[[nodiscard]] ShellSplit split_shell_words(std::string_view text);

}  // namespace daemonize::import
