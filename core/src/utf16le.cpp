#include "daemonize/core/utf16le.hpp"

#include <cstdint>

namespace daemonize {

namespace {

constexpr char32_t replacement_character = 0xFFFD;

// Decodes one code point starting at `index` and advances it; invalid input yields U+FFFD.
char32_t decode_utf8(std::string_view text, std::size_t& index) {
  const auto lead = static_cast<unsigned char>(text[index++]);
  if (lead < 0x80) return lead;
  std::size_t continuation = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    continuation = 1;
    code_point = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    continuation = 2;
    code_point = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    continuation = 3;
    code_point = lead & 0x07;
    minimum = 0x10000;
  } else {
    return replacement_character;
  }
  for (std::size_t i = 0; i < continuation; ++i) {
    if (index >= text.size()) return replacement_character;
    const auto byte = static_cast<unsigned char>(text[index]);
    if ((byte & 0xC0) != 0x80) return replacement_character;
    code_point = (code_point << 6) | (byte & 0x3F);
    ++index;
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return replacement_character;
  }
  return code_point;
}

void append_utf16le_unit(std::string& out, std::uint16_t unit) {
  out += static_cast<char>(unit & 0xFF);
  out += static_cast<char>(unit >> 8);
}

}  // namespace

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::string utf16le_with_bom(std::string_view utf8) {
  std::string out = "\xFF\xFE";
  out.reserve(2 + utf8.size() * 2);
  std::size_t index = 0;
  while (index < utf8.size()) {
    const char32_t code_point = decode_utf8(utf8, index);
    if (code_point >= 0x10000) {
      const char32_t offset = code_point - 0x10000;
      append_utf16le_unit(out, static_cast<std::uint16_t>(0xD800 + (offset >> 10)));
      append_utf16le_unit(out, static_cast<std::uint16_t>(0xDC00 + (offset & 0x3FF)));
    } else {
      append_utf16le_unit(out, static_cast<std::uint16_t>(code_point));
    }
  }
  return out;
}

std::string utf8_from_utf16le(std::string_view utf16le) {
  std::size_t index = 0;
  if (utf16le.size() >= 2 && static_cast<unsigned char>(utf16le[0]) == 0xFF &&
      static_cast<unsigned char>(utf16le[1]) == 0xFE) {
    index = 2;
  }
  auto unit_at = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(utf16le[at]) |
                                      (static_cast<unsigned char>(utf16le[at + 1]) << 8));
  };
  std::string out;
  while (index + 1 < utf16le.size()) {
    const std::uint16_t unit = unit_at(index);
    index += 2;
    if (unit >= 0xD800 && unit <= 0xDBFF && index + 1 < utf16le.size()) {
      const std::uint16_t low = unit_at(index);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        index += 2;
        append_utf8(out, 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (low - 0xDC00));
        continue;
      }
    }
    append_utf8(out, (unit >= 0xD800 && unit <= 0xDFFF) ? replacement_character : unit);
  }
  return out;
}

bool has_utf16le_bom(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
         static_cast<unsigned char>(bytes[1]) == 0xFE;
}

}  // namespace daemonize
