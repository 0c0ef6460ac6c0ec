#include "daemonize/systemd/escaping.hpp"

#include <array>

namespace daemonize::systemd {
namespace {

bool is_control(unsigned char byte) { return byte < 0x20 || byte == 0x7f; }

// Appends `byte` as a C escape systemd's cunescape() reads back (\n, \t, \r, \xNN).
void append_c_escape(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                            '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  out += "\\x";
  out += hex[byte >> 4];
  out += hex[byte & 0xf];
}

// Characters that may stand in an unquoted Exec*= word without changing its meaning.
// Bytes >= 0x80 (UTF-8 sequences) are safe: systemd splits words on ASCII whitespace only.
bool is_bare_safe(unsigned char byte) {
  if (byte >= 0x80) return true;
  if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
      (byte >= '0' && byte <= '9')) {
    return true;
  }
  switch (byte) {
    case '/':
    case '_':
    case '.':
    case ',':
    case ':':
    case '=':
    case '+':
    case '@':
    case '-':
    case '%':
    case '$':
      return true;
    default:
      return false;
  }
}

}  // namespace

ExecWord& ExecWord::literal(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    empty_ = false;
    if (!is_bare_safe(byte)) needs_quotes_ = true;
    if (c == '%') {
      escaped_ += "%%";
    } else if (c == '$' && dollar_ == Dollar::escape) {
      escaped_ += "$$";
    } else if (c == '\\' || c == '"') {
      escaped_ += '\\';
      escaped_ += c;
    } else if (is_control(byte)) {
      append_c_escape(escaped_, byte);
    } else {
      escaped_ += c;
    }
  }
  return *this;
}

ExecWord& ExecWord::raw(std::string_view text) {
  if (!text.empty()) empty_ = false;
  escaped_ += text;
  return *this;
}

std::string ExecWord::str() const {
  if (empty_ || needs_quotes_) return '"' + escaped_ + '"';
  return escaped_;
}

std::string exec_word(std::string_view literal) { return ExecWord().literal(literal).str(); }

std::string environment_assignment(std::string_view name, std::string_view value) {
  std::string out = "\"";
  out += escape_specifiers(name);
  out += '=';
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '%') {
      out += "%%";
    } else if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (is_control(byte)) {
      append_c_escape(out, byte);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string environment_file_line(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (const char c : value) {
    // Inside double quotes systemd unescapes only these four; every other byte (newlines and
    // control characters included) is taken as is.
    if (c == '"' || c == '\\' || c == '`' || c == '$') out += '\\';
    out += c;
  }
  out += "\"\n";
  return out;
}

std::string escape_specifiers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

std::optional<std::string> raw_value_problem(std::string_view text) {
  for (const char c : text) {
    if (is_control(static_cast<unsigned char>(c))) {
      return "contains a control character (newline, tab, NUL...), which systemd cannot read back "
             "in this setting";
    }
  }
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) {
    return "starts or ends with a space, which systemd strips";
  }
  std::size_t trailing_backslashes = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '\\'; ++it) ++trailing_backslashes;
  if (trailing_backslashes % 2 == 1) {
    return "ends with a backslash, which systemd reads as a line continuation";
  }
  return std::nullopt;
}

std::optional<std::string> quoted_value_problem(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return "contains a NUL character, which no process argument or environment value can hold";
  }
  return std::nullopt;
}

}  // namespace daemonize::systemd
