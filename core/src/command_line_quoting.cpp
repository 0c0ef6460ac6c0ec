#include "daemonize/core/command_line_quoting.hpp"

namespace daemonize::windows {

std::string quote_argument(std::string_view argument, bool always_quote) {
  if (!always_quote && !argument.empty() &&
      argument.find_first_of(std::string_view(" \t\n\v\"", 5)) == std::string_view::npos) {
    return std::string(argument);
  }
  std::string quoted = "\"";
  std::size_t index = 0;
  while (true) {
    std::size_t backslashes = 0;
    while (index < argument.size() && argument[index] == '\\') {
      ++index;
      ++backslashes;
    }
    if (index == argument.size()) {
      // Followed by the closing quote: every backslash must be doubled.
      quoted.append(backslashes * 2, '\\');
      break;
    }
    if (argument[index] == '"') {
      // Double the backslashes and escape the quote itself.
      quoted.append(backslashes * 2 + 1, '\\');
      quoted += '"';
    } else {
      // Backslashes not followed by a quote are literal.
      quoted.append(backslashes, '\\');
      quoted += argument[index];
    }
    ++index;
  }
  quoted += '"';
  return quoted;
}

std::string quote_program(std::string_view program) { return "\"" + std::string(program) + "\""; }

std::string join_arguments(const std::vector<std::string>& arguments) {
  std::string joined;
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    if (index > 0) joined += ' ';
    joined += quote_argument(arguments[index]);
  }
  return joined;
}

std::string command_line(std::string_view program, const std::vector<std::string>& arguments) {
  std::string line = quote_program(program);
  if (!arguments.empty()) line += ' ' + join_arguments(arguments);
  return line;
}

bool has_control_characters(std::string_view text) {
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

namespace {

bool is_ascii_letter(char character) {
  return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z');
}

}  // namespace

bool is_absolute_windows_path(std::string_view path) {
  if (has_control_characters(path)) return false;
  if (path.find_first_of("\"<>|?*") != std::string_view::npos) return false;
  if (path.size() >= 3 && is_ascii_letter(path[0]) && path[1] == ':' &&
      (path[2] == '\\' || path[2] == '/')) {
    // A second ':' would name an alternate data stream or be invalid.
    return path.find(':', 2) == std::string_view::npos;
  }
  // UNC: \\server\share\...
  if (path.size() >= 5 && path[0] == '\\' && path[1] == '\\') {
    const auto server_end = path.find('\\', 2);
    return server_end != std::string_view::npos && server_end > 2 && server_end + 1 < path.size();
  }
  return false;
}

}  // namespace daemonize::windows
