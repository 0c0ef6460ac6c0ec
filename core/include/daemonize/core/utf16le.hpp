// UTF-16LE, the encoding Windows writes task XML in, to and from the UTF-8 used everywhere
// else: the renderer writes it, deploy's diff shows it readable, the importers read it.
#pragma once

#include <string>
#include <string_view>

namespace daemonize {

// UTF-8 to UTF-16LE bytes with a byte order mark, as Windows writes exported task XML.
// Invalid UTF-8 sequences become U+FFFD.
[[nodiscard]] std::string utf16le_with_bom(std::string_view utf8);

// The reverse: UTF-16LE with or without a BOM to UTF-8 (unpaired surrogates become U+FFFD).
[[nodiscard]] std::string utf8_from_utf16le(std::string_view utf16le);

// Appends one code point (at most U+10FFFF, not a surrogate) as UTF-8: for the readers that
// decode other encodings (UTF-16, escapes) on their own.
void append_utf8(std::string& out, char32_t code_point);

// Whether `bytes` start with the UTF-16LE byte order mark (FF FE).
[[nodiscard]] bool has_utf16le_bom(std::string_view bytes);

}  // namespace daemonize
