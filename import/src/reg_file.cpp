#include "reg_file.hpp"

#include <algorithm>

#include "daemonize/core/utf16le.hpp"
#include "import_common.hpp"

namespace daemonize::import {
namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `"text"` with regedit's escapes (\\ and \"); the position after the closing quote.
std::optional<std::pair<std::string, std::size_t>> quoted(std::string_view text, std::size_t at) {
  if (at >= text.size() || text[at] != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[++i];
      continue;
    }
    if (text[i] == '"') return std::pair{out, i + 1};
    out += text[i];
  }
  return std::nullopt;
}

// "aa,bb,cc" (spaces allowed around the commas).
std::optional<std::vector<std::uint8_t>> hex_bytes(std::string_view text) {
  std::vector<std::uint8_t> bytes;
  const std::string all = trim(text);
  if (all.empty()) return bytes;
  std::size_t start = 0;
  while (start <= all.size()) {
    auto comma = all.find(',', start);
    const std::string item = trim(std::string_view(all).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.size() != 2 || hex_digit(item[0]) < 0 || hex_digit(item[1]) < 0) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(hex_digit(item[0]) * 16 + hex_digit(item[1])));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return bytes;
}

// REG_EXPAND_SZ / REG_MULTI_SZ bytes as text: UTF-16LE in a version 5 export, the ANSI code page
// (read as Latin-1) in REGEDIT4.
std::optional<std::string> decode_string_bytes(const std::vector<std::uint8_t>& bytes,
                                               bool unicode) {
  const std::string raw(bytes.begin(), bytes.end());
  if (unicode) return utf16le_to_utf8(raw, nullptr);
  std::string out;
  for (const auto byte : bytes) append_utf8(out, static_cast<char32_t>(byte));
  return out;
}

std::vector<std::string> split_multi(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nul = text.find('\0', start);
    if (nul == std::string::npos) nul = text.size();
    if (nul == start) break;  // the empty string that ends the list
    items.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  return items;
}

std::string until_nul(std::string text) {
  const auto nul = text.find('\0');
  if (nul != std::string::npos) text.resize(nul);
  return text;
}

std::optional<RegError> parse_data(std::string_view data, bool unicode, RegValue& value) {
  const int line = value.line;
  if (data == "-") {
    value.kind = RegValue::Kind::deletion;
    return std::nullopt;
  }
  if (!data.empty() && data.front() == '"') {
    auto text = quoted(data, 0);
    if (!text || !trim(data.substr(text->second)).empty()) {
      return RegError{line, "a string value must be one \"quoted\" string"};
    }
    value.kind = RegValue::Kind::string;
    value.text = text->first;
    return std::nullopt;
  }
  if (data.starts_with("dword:")) {
    const std::string digits = trim(data.substr(6));
    if (digits.empty() || digits.size() > 8 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return hex_digit(c) >= 0; })) {
      return RegError{line, "dword: must be followed by 1 to 8 hex digits"};
    }
    value.kind = RegValue::Kind::dword;
    value.number = std::stoull(digits, nullptr, 16);
    return std::nullopt;
  }
  if (data.starts_with("hex")) {
    std::size_t colon = 3;
    unsigned type = 3;
    if (data.size() > 3 && data[3] == '(') {
      const auto close = data.find(')');
      const std::string digits(close == std::string_view::npos ? "" : data.substr(4, close - 4));
      if (digits.empty() || digits.size() > 8 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return hex_digit(c) >= 0; })) {
        return RegError{line, "hex(N): needs a hex type number"};
      }
      type = static_cast<unsigned>(std::stoul(digits, nullptr, 16));
      colon = close + 1;
    }
    if (colon >= data.size() || data[colon] != ':') {
      return RegError{line, "expected hex: or hex(N): before the bytes"};
    }
    auto bytes = hex_bytes(data.substr(colon + 1));
    if (!bytes) return RegError{line, "the bytes of a hex value must be pairs of hex digits"};
    value.hex_type = type;
    if (type == 2 || type == 7) {
      auto text = decode_string_bytes(*bytes, unicode);
      if (!text)
        return RegError{
            line, "the bytes of a hex(" + std::to_string(type) + ") value are not UTF-16LE text"};
      value.kind = type == 2 ? RegValue::Kind::expand_string : RegValue::Kind::multi_string;
      if (type == 2) {
        value.text = until_nul(*text);
      } else {
        value.strings = split_multi(*text);
      }
      return std::nullopt;
    }
    if ((type == 4 && bytes->size() == 4) || (type == 0xb && bytes->size() == 8)) {
      value.kind = type == 4 ? RegValue::Kind::dword : RegValue::Kind::qword;
      for (std::size_t i = bytes->size(); i-- > 0;) value.number = value.number * 256 + (*bytes)[i];
      return std::nullopt;
    }
    if (type == 1) {  // REG_SZ written as bytes
      auto text = decode_string_bytes(*bytes, unicode);
      if (!text) return RegError{line, "the bytes of a hex(1) value are not UTF-16LE text"};
      value.kind = RegValue::Kind::string;
      value.text = until_nul(*text);
      return std::nullopt;
    }
    value.kind = RegValue::Kind::binary;
    value.bytes = std::move(*bytes);
    return std::nullopt;
  }
  return RegError{line,
                  "not a registry value: expected \"text\", dword:, hex: or hex(N): after '='"};
}

}  // namespace

std::optional<std::string> utf16le_to_utf8(std::string_view bytes, int* error_line) {
  std::string out;
  const auto fail = [&]() -> std::optional<std::string> {
    if (error_line != nullptr)
      *error_line = static_cast<int>(std::count(out.begin(), out.end(), '\n')) + 1;
    return std::nullopt;
  };
  if (bytes.size() % 2 != 0) {
    auto whole = utf16le_to_utf8(bytes.substr(0, bytes.size() - 1), nullptr);
    out = whole.value_or("");
    return fail();
  }
  out.reserve(bytes.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    std::uint32_t unit =
        static_cast<unsigned char>(bytes[i]) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 3 >= bytes.size()) return fail();
      const std::uint32_t low =
          static_cast<unsigned char>(bytes[i + 2]) |
          (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 3])) << 8U);
      if (low < 0xDC00 || low > 0xDFFF) return fail();
      unit = 0x10000 + ((unit - 0xD800) << 10U) + (low - 0xDC00);
      i += 2;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return fail();
    }
    append_utf8(out, static_cast<char32_t>(unit));
  }
  return out;
}

RegFile parse_reg_file(std::string_view bytes) {
  RegFile file;
  std::string text;
  if (bytes.starts_with("\xFF\xFE")) {
    int bad_line = 0;
    auto decoded = utf16le_to_utf8(bytes.substr(2), &bad_line);
    if (!decoded) {
      file.error = {bad_line, "not UTF-16LE text (a lone surrogate or an odd number of bytes)"};
      return file;
    }
    text = std::move(*decoded);
  } else {
    text = std::string(bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes);
    if (const int line = first_non_utf8_line(text); line != 0) {
      file.error = {line, "not UTF-8 text (export the key from regedit as a .reg file)"};
      return file;
    }
  }

  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  std::size_t index = 0;
  while (index < lines.size() && trim(lines[index]).empty()) ++index;
  if (index == lines.size()) {
    file.error = {1, "an empty file: not a registry export"};
    return file;
  }
  const std::string header = trim(lines[index]);
  const bool unicode = header == "Windows Registry Editor Version 5.00";
  if (!unicode && header != "REGEDIT4") {
    file.error = {static_cast<int>(index) + 1,
                  "not a registry export: the first line is neither \"Windows Registry Editor "
                  "Version 5.00\" nor \"REGEDIT4\""};
    return file;
  }
  for (++index; index < lines.size(); ++index) {
    const int number = static_cast<int>(index) + 1;
    std::string line = trim(lines[index]);
    if (line.empty() || line.front() == ';') continue;
    if (line.find('\0') != std::string::npos) {
      file.error = {number, "a NUL character: not a registry export"};
      return file;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        file.error = {number, "a key line must be [PATH]"};
        return file;
      }
      RegKey key;
      key.line = number;
      key.path = line.substr(1, line.size() - 2);
      if (key.path.starts_with("-")) {
        key.deleted = true;
        key.path.erase(0, 1);
      }
      file.keys.push_back(std::move(key));
      continue;
    }
    if (file.keys.empty()) {
      file.error = {number, "a value before the first [key]"};
      return file;
    }
    RegValue value;
    value.line = number;
    std::size_t after = 0;
    if (line.front() == '@') {
      after = 1;
    } else {
      auto name = quoted(line, 0);
      if (!name) {
        file.error = {number, "expected \"NAME\"=VALUE, @=VALUE or [KEY]"};
        return file;
      }
      value.name = name->first;
      after = name->second;
    }
    while (after < line.size() && (line[after] == ' ' || line[after] == '\t')) ++after;
    if (after >= line.size() || line[after] != '=') {
      file.error = {number, "expected '=' after the value name"};
      return file;
    }
    std::string data = trim(std::string_view(line).substr(after + 1));
    // Hex data continues on the next line after a trailing backslash.
    while (data.starts_with("hex") && !data.empty() && data.back() == '\\' &&
           index + 1 < lines.size()) {
      data.pop_back();
      data += trim(lines[++index]);
    }
    if (auto error = parse_data(data, unicode, value)) {
      file.error = error;
      return file;
    }
    file.keys.back().values.push_back(std::move(value));
  }
  return file;
}

}  // namespace daemonize::import
