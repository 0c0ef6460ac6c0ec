// env_files in dotenv syntax: KEY=VALUE lines, `#` comments, optional `export ` prefix,
// 'single' quotes (literal) and "double" quotes (\n \t \r \" \\ \$ escapes), both may span lines.
// Values are taken literally: no ${VAR} expansion inside env files.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace daemonize {

struct DotenvError {
  int line = 0;  // 1-based
  std::string message;
};

using DotenvEntries = std::vector<std::pair<std::string, std::string>>;  // in file order

[[nodiscard]] std::variant<DotenvEntries, DotenvError> parse_dotenv(std::string_view text);

}  // namespace daemonize
