#include "systemd_syntax.hpp"

#include "daemonize/core/utf16le.hpp"
#include "import_common.hpp"

#include <array>
#include <cctype>
#include <limits>

namespace daemonize::import {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One C-style escape after a backslash at text[i]; advances i past it.
bool unescape(std::string_view text, std::size_t& i, std::string& out) {
  if (i + 1 >= text.size()) return false;
  const char c = text[i + 1];
  i += 2;
  switch (c) {
    case 'a':
      out += '\a';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'v':
      out += '\v';
      return true;
    case 's':
      out += ' ';
      return true;
    case '\\':
    case '"':
    case '\'':
    case ' ':
      out += c;
      return true;
    case 'x': {
      if (i + 2 > text.size() || hex_value(text[i]) < 0 || hex_value(text[i + 1]) < 0) return false;
      const int value = hex_value(text[i]) * 16 + hex_value(text[i + 1]);
      if (value == 0) return false;  // systemd refuses a NUL too
      out += static_cast<char>(value);
      i += 2;
      return true;
    }
    case 'u':
    case 'U': {
      const std::size_t digits = c == 'u' ? 4 : 8;
      if (i + digits > text.size()) return false;
      unsigned long code = 0;
      for (std::size_t k = 0; k < digits; ++k) {
        const int value = hex_value(text[i + k]);
        if (value < 0) return false;
        code = code * 16 + static_cast<unsigned long>(value);
      }
      if (code == 0 || code > 0x10FFFF) return false;
      append_utf8(out, static_cast<char32_t>(code));
      i += digits;
      return true;
    }
    default:
      if (c >= '0' && c <= '7') {
        if (i + 2 > text.size()) return false;
        const char b = text[i];
        const char d = text[i + 1];
        if (b < '0' || b > '7' || d < '0' || d > '7') return false;
        const int value = (c - '0') * 64 + (b - '0') * 8 + (d - '0');
        if (value == 0 || value > 255) return false;
        out += static_cast<char>(value);
        i += 2;
        return true;
      }
      return false;
  }
}

}  // namespace

UnitParse parse_unit_file(const std::string& path, std::string_view text) {
  UnitParse parse;
  std::string section;
  std::size_t start = 0;
  int number = 0;
  std::string pending;  // a continued assignment
  int pending_line = 0;
  auto finish = [&](const std::string& whole, int line) -> bool {
    const auto equals = whole.find('=');
    if (equals == std::string::npos) {
      parse.error = {line, "not a unit file line: expected [Section] or Key=Value"};
      return false;
    }
    if (section.empty()) {
      parse.error = {line, "assignment before the first [Section]"};
      return false;
    }
    const std::string key(trim(std::string_view(whole).substr(0, equals)));
    if (key.empty()) {
      parse.error = {line, "assignment without a key"};
      return false;
    }
    parse.directives.push_back(
        {path, line, section, key, std::string(trim(std::string_view(whole).substr(equals + 1)))});
    return true;
  };
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::string_view line = trim(raw);
    if (raw.find('\0') != std::string_view::npos) {
      parse.error = {number, "a NUL byte: not a unit file"};
      return parse;
    }
    if (!pending.empty() || pending_line != 0) {
      if (!line.empty() && (line.front() == '#' || line.front() == ';')) continue;
      if (!line.empty() && line.back() == '\\') {
        pending += std::string(line.substr(0, line.size() - 1)) + " ";
        continue;
      }
      pending += std::string(line);
      const std::string whole = pending;
      pending.clear();
      const int at = pending_line;
      pending_line = 0;
      if (!finish(whole, at)) return parse;
      continue;
    }
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        parse.error = {number, "a section header must be [Name]"};
        return parse;
      }
      section = std::string(line.substr(1, line.size() - 2));
      continue;
    }
    if (line.back() == '\\') {
      pending = std::string(line.substr(0, line.size() - 1)) + " ";
      pending_line = number;
      continue;
    }
    if (!finish(std::string(line), number)) return parse;
  }
  if (pending_line != 0 && !finish(pending, pending_line)) return parse;
  return parse;
}

std::optional<std::vector<UnitWord>> split_unit_words(std::string_view text) {
  std::vector<UnitWord> words;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    if (i >= text.size()) break;
    UnitWord word;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
      const char c = text[i];
      if (c == '"' || c == '\'') {
        word.quoted = true;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == c) {
            closed = true;
            ++i;
            break;
          }
          if (text[i] == '\\') {
            if (!unescape(text, i, word.text)) return std::nullopt;
          } else {
            word.text += text[i++];
          }
        }
        if (!closed) return std::nullopt;
      } else if (c == '\\') {
        if (!unescape(text, i, word.text)) return std::nullopt;
      } else {
        word.text += c;
        ++i;
      }
    }
    // An escape may produce any byte; the manifest (TOML) holds UTF-8 only.
    if (first_non_utf8_line(word.text) != 0) return std::nullopt;
    words.push_back(std::move(word));
  }
  return words;
}

std::optional<long long> parse_time_span(std::string_view text) {
  text = trim(text);
  if (text.empty() || text == "infinity") return std::nullopt;
  struct UnitName {
    std::string_view name;
    long long ms;
  };
  static constexpr std::array kUnits{UnitName{"usec", 0},         UnitName{"us", 0},
                                     UnitName{"msec", 1},         UnitName{"ms", 1},
                                     UnitName{"seconds", 1000},   UnitName{"second", 1000},
                                     UnitName{"sec", 1000},       UnitName{"s", 1000},
                                     UnitName{"minutes", 60000},  UnitName{"minute", 60000},
                                     UnitName{"min", 60000},      UnitName{"m", 60000},
                                     UnitName{"hours", 3600000},  UnitName{"hour", 3600000},
                                     UnitName{"hr", 3600000},     UnitName{"h", 3600000},
                                     UnitName{"days", 86400000},  UnitName{"day", 86400000},
                                     UnitName{"d", 86400000},     UnitName{"weeks", 604800000},
                                     UnitName{"week", 604800000}, UnitName{"w", 604800000}};
  long long total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    long long number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (number > std::numeric_limits<long long>::max() / 10 - 10) return std::nullopt;
      number = number * 10 + (text[i++] - '0');
    }
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t unit_end = i;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
      ++unit_end;
    }
    const std::string_view unit = text.substr(i, unit_end - i);
    long long factor = 1000;  // a bare number is seconds
    if (!unit.empty()) {
      factor = -1;
      for (const auto& candidate : kUnits) {
        if (candidate.name == unit) factor = candidate.ms;
      }
      if (factor < 0) return std::nullopt;
    }
    if (factor != 0 && number > std::numeric_limits<long long>::max() / factor / 2) {
      return std::nullopt;
    }
    total += number * factor;
    i = unit_end;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace daemonize::import
