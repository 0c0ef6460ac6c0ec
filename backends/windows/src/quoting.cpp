#include "daemonize/windows/quoting.hpp"

namespace daemonize::windows {

std::string escape_cmd_line(std::string_view line) {
  std::string escaped;
  escaped.reserve(line.size() + 8);
  bool inside_quotes = false;
  for (const char character : line) {
    switch (character) {
      case '"':
        inside_quotes = !inside_quotes;
        escaped += character;
        break;
      case '%':
        escaped += "%%";
        break;
      case '^':
      case '&':
      case '|':
      case '<':
      case '>':
      case '(':
      case ')':
        if (!inside_quotes) escaped += '^';
        escaped += character;
        break;
      default:
        escaped += character;
    }
  }
  return escaped;
}

bool has_percent_variable(std::string_view text) {
  // %NAME%: a name of at least one character; names cannot contain '=' (nor line breaks).
  auto start = text.find('%');
  while (start != std::string_view::npos) {
    const auto end = text.find('%', start + 1);
    if (end == std::string_view::npos) return false;
    const auto name = text.substr(start + 1, end - start - 1);
    if (!name.empty() && name.find_first_of("=\r\n") == std::string_view::npos) return true;
    start = end;
  }
  return false;
}

}  // namespace daemonize::windows
