// Property list parsing: a small XML reader for the plist DTD (with line numbers, which a general
// XML library does not keep) and a reader of the binary format (`bplist00`: objects addressed
// through an offset table, a 32-byte trailer at the end). Both refuse what they do not
// understand with a reason, and bound depth and size, so hostile input cannot crash them.
#include "plist_parse.hpp"

#include "daemonize/core/utf16le.hpp"
#include "import_common.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace daemonize::import {
namespace {

// Deeper nesting than any launchd job uses; keeps recursion off the stack's limit.
constexpr int kMaxDepth = 64;
// Shared objects in a binary plist could otherwise expand exponentially.
constexpr std::size_t kMaxNodes = 200000;

struct Failure {
  int line;
  std::string message;
};

class XmlReader {
 public:
  explicit XmlReader(std::string_view text) : text_(text) {}

  PlistNode document() {
    if (text_.starts_with("\xEF\xBB\xBF")) advance(3);
    skip_misc();
    const Tag plist = start_tag();
    if (plist.name != "plist") fail("expected <plist>, found <" + plist.name + ">");
    if (plist.empty) fail("the plist is empty");
    skip_misc();
    if (at("</plist")) fail("the plist is empty");
    PlistNode root = value(0);
    skip_misc();
    end_tag("plist");
    skip_misc();
    if (pos_ < text_.size()) fail("text after </plist>");
    return root;
  }

 private:
  struct Tag {
    std::string name;
    bool empty = false;  // <name/>
    int line = 1;
  };

  [[noreturn]] void fail(std::string message) const { throw Failure{line_, std::move(message)}; }

  bool at(std::string_view what) const { return text_.substr(pos_).starts_with(what); }

  void advance(std::size_t count) {
    for (std::size_t i = 0; i < count && pos_ < text_.size(); ++i) {
      if (text_[pos_++] == '\n') ++line_;
    }
  }

  void skip_until(std::string_view end, const char* what) {
    const auto found = text_.find(end, pos_);
    if (found == std::string_view::npos) fail(std::string("an unterminated ") + what);
    advance(found + end.size() - pos_);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n')) {
      advance(1);
    }
  }

  // Whitespace, comments, the XML declaration and the DOCTYPE.
  void skip_misc() {
    for (;;) {
      skip_space();
      if (at("<!--")) {
        skip_until("-->", "comment");
      } else if (at("<?")) {
        skip_until("?>", "processing instruction");
      } else if (at("<!DOCTYPE")) {
        const auto bracket = text_.find('[', pos_);
        const auto close = text_.find('>', pos_);
        if (bracket != std::string_view::npos && bracket < close) {
          advance(bracket - pos_);
          skip_until("]", "DOCTYPE");
        }
        skip_until(">", "DOCTYPE");
      } else {
        return;
      }
    }
  }

  static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == ':' || c == '.';
  }

  Tag start_tag() {
    if (pos_ >= text_.size()) fail("the file ends before the plist does");
    if (text_[pos_] != '<' || at("</")) fail("expected an element");
    Tag tag;
    tag.line = line_;
    advance(1);
    while (pos_ < text_.size() && is_name_char(text_[pos_])) {
      tag.name += text_[pos_];
      advance(1);
    }
    if (tag.name.empty()) fail("expected an element name after '<'");
    // Attributes (plist's version="1.0") are skipped, quoted values included.
    while (pos_ < text_.size() && text_[pos_] != '>') {
      const char c = text_[pos_];
      if (c == '"' || c == '\'') {
        const auto close = text_.find(c, pos_ + 1);
        if (close == std::string_view::npos) fail("an unterminated attribute value");
        advance(close + 1 - pos_);
        continue;
      }
      if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '>') {
        tag.empty = true;
        advance(1);
        break;
      }
      if (c == '<') fail("'<' inside the tag <" + tag.name + ">");
      advance(1);
    }
    if (pos_ >= text_.size()) fail("an unterminated tag <" + tag.name + ">");
    advance(1);  // '>'
    return tag;
  }

  void end_tag(const std::string& name) {
    const std::string expected = "</" + name;
    if (!at(expected)) {
      if (at("</")) {
        const auto close = text_.find('>', pos_);
        fail("expected </" + name + ">, found " +
             std::string(text_.substr(pos_, close == std::string_view::npos ? 20 : close + 1 - pos_)
                             .substr(0, 40)));
      }
      fail("expected </" + name + ">");
    }
    advance(expected.size());
    skip_space();
    if (!at(">")) fail("expected '>' after </" + name);
    advance(1);
  }

  // Character data up to `</name>`, entities decoded, CDATA kept, comments skipped.
  std::string text_content(const std::string& name) {
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("<" + name + "> is not closed");
      const char c = text_[pos_];
      if (c == '<') {
        if (at("<![CDATA[")) {
          advance(9);
          const auto end = text_.find("]]>", pos_);
          if (end == std::string_view::npos) fail("an unterminated CDATA section");
          out += text_.substr(pos_, end - pos_);
          advance(end + 3 - pos_);
          continue;
        }
        if (at("<!--")) {
          skip_until("-->", "comment");
          continue;
        }
        end_tag(name);
        return out;
      }
      if (c == '&') {
        out += entity();
        continue;
      }
      out += c;
      advance(1);
    }
  }

  std::string entity() {
    const auto semicolon = text_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 12) fail("a malformed entity");
    const std::string_view name = text_.substr(pos_ + 1, semicolon - pos_ - 1);
    std::string out;
    if (name == "lt") {
      out = "<";
    } else if (name == "gt") {
      out = ">";
    } else if (name == "amp") {
      out = "&";
    } else if (name == "quot") {
      out = "\"";
    } else if (name == "apos") {
      out = "'";
    } else if (name.starts_with("#")) {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string_view digits = name.substr(hex ? 2 : 1);
      unsigned long code = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
          code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        fail("&" + std::string(name) + "; is not a character");
      }
      append_utf8(out, static_cast<char32_t>(code));
    } else {
      fail("&" + std::string(name) + "; is not an XML entity");
    }
    advance(semicolon + 1 - pos_);
    return out;
  }

  PlistNode value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++nodes_ > kMaxNodes) fail("more than " + std::to_string(kMaxNodes) + " values");
    skip_misc();
    const Tag tag = start_tag();
    PlistNode node;
    node.line = tag.line;
    const std::string& name = tag.name;
    if (name == "dict") {
      node.kind = PlistNode::Kind::dictionary;
      if (tag.empty) return node;
      for (;;) {
        skip_misc();
        if (at("</")) break;
        const Tag key = start_tag();
        if (key.name != "key") fail("expected <key> in <dict>, found <" + key.name + ">");
        std::string key_text = key.empty ? std::string() : text_content("key");
        for (std::size_t i = 0; i < node.keys.size(); ++i) {
          if (node.keys[i] == key_text) {
            throw Failure{key.line, "the key \"" + key_text + "\" is already set on line " +
                                        std::to_string(node.key_lines[i])};
          }
        }
        skip_misc();
        if (at("</")) fail("the key \"" + key_text + "\" has no value");
        node.keys.push_back(std::move(key_text));
        node.key_lines.push_back(key.line);
        node.elements.push_back(value(depth + 1));
      }
      end_tag("dict");
      return node;
    }
    if (name == "array") {
      node.kind = PlistNode::Kind::array;
      if (tag.empty) return node;
      for (;;) {
        skip_misc();
        if (at("</")) break;
        node.elements.push_back(value(depth + 1));
      }
      end_tag("array");
      return node;
    }
    if (name == "true" || name == "false") {
      node.kind = PlistNode::Kind::boolean;
      node.boolean = name == "true";
      if (!tag.empty && !trimmed(text_content(name)).empty()) fail("<" + name + "> holds text");
      return node;
    }
    const std::string content = tag.empty ? std::string() : text_content(name);
    if (name == "string") {
      node.kind = PlistNode::Kind::string;
      node.text = content;
    } else if (name == "integer") {
      node.kind = PlistNode::Kind::integer;
      const std::string digits = trimmed(content);
      const bool negative = digits.starts_with("-");
      std::string_view number(digits);
      if (negative || number.starts_with("+")) number.remove_prefix(1);
      int base = 10;
      if (number.starts_with("0x") || number.starts_with("0X")) {
        base = 16;
        number.remove_prefix(2);
      }
      unsigned long long magnitude = 0;
      const auto [end, error] =
          std::from_chars(number.data(), number.data() + number.size(), magnitude, base);
      const unsigned long long limit = negative ? 0x8000000000000000ULL : 0x7FFFFFFFFFFFFFFFULL;
      if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
          magnitude > limit) {
        throw Failure{tag.line, "<integer> \"" + digits.substr(0, 40) + "\" is not an integer"};
      }
      node.integer =
          negative ? static_cast<long long>(0 - magnitude) : static_cast<long long>(magnitude);
    } else if (name == "real") {
      node.kind = PlistNode::Kind::real;
      const std::string digits = trimmed(content);
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), node.real);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
        throw Failure{tag.line, "<real> \"" + digits.substr(0, 40) + "\" is not a number"};
      }
    } else if (name == "date") {
      node.kind = PlistNode::Kind::date;
      node.text = trimmed(content);
    } else if (name == "data") {
      node.kind = PlistNode::Kind::data;
      node.text = trimmed(content);
    } else {
      throw Failure{tag.line, "<" + name + "> is not a plist element"};
    }
    return node;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t nodes_ = 0;
};

// The binary format, as CoreFoundation writes it (CFBinaryPList.c documents the layout).
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}

  PlistNode document() {
    constexpr std::size_t kTrailer = 32;
    if (bytes_.size() < 8 + kTrailer + 1)
      fail("a binary plist shorter than its header and trailer");
    const std::size_t trailer = bytes_.size() - kTrailer;
    offset_size_ = byte(trailer + 6);
    ref_size_ = byte(trailer + 7);
    const std::uint64_t count = big_endian(trailer + 8, 8);
    const std::uint64_t top = big_endian(trailer + 16, 8);
    table_ = big_endian(trailer + 24, 8);
    if (offset_size_ < 1 || offset_size_ > 8 || ref_size_ < 1 || ref_size_ > 8) {
      fail("a binary plist trailer with offset size " + std::to_string(offset_size_) +
           " and reference size " + std::to_string(ref_size_) + " (1 to 8 expected)");
    }
    if (count == 0 || top >= count) fail("a binary plist whose top object is not in its table");
    if (table_ < 8 || table_ > trailer || count > (trailer - table_) / offset_size_) {
      fail("a binary plist whose offset table does not fit the file");
    }
    count_ = count;
    visiting_.assign(count, false);
    return object(top, 0);
  }

 private:
  [[noreturn]] static void fail(std::string message) { throw Failure{1, std::move(message)}; }

  unsigned byte(std::uint64_t at) const {
    if (at >= bytes_.size()) fail("a binary plist object runs past the end of the file");
    return static_cast<unsigned char>(bytes_[at]);
  }

  std::uint64_t big_endian(std::uint64_t at, unsigned size) const {
    if (at > bytes_.size() || size > bytes_.size() - at) {
      fail("a binary plist object runs past the end of the file");
    }
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) value = (value << 8U) | byte(at + i);
    return value;
  }

  std::uint64_t offset_of(std::uint64_t index) const {
    const std::uint64_t offset = big_endian(table_ + index * offset_size_, offset_size_);
    if (offset < 8 || offset >= table_) {
      fail("object #" + std::to_string(index) + " has an offset outside the object area");
    }
    return offset;
  }

  // The length in a marker's low nibble, or in the integer object after it (0xF).
  std::uint64_t length(unsigned info, std::uint64_t& at) const {
    if (info != 0xF) return info;
    const unsigned marker = byte(at);
    if ((marker >> 4U) != 0x1 || (marker & 0xFU) > 3) fail("a malformed length in a binary plist");
    const unsigned size = 1U << (marker & 0xFU);
    const std::uint64_t value = big_endian(at + 1, size);
    at += 1 + size;
    return value;
  }

  // `count` items of `size` bytes from `at` must lie before the offset table.
  void check_span(std::uint64_t at, std::uint64_t count, std::uint64_t size) const {
    if (at > table_ || count > (table_ - at) / size) {
      fail("a binary plist object runs into the offset table");
    }
  }

  std::uint64_t reference(std::uint64_t at) const {
    const std::uint64_t index = big_endian(at, ref_size_);
    if (index >= count_)
      fail("a reference to object #" + std::to_string(index) + " of " + std::to_string(count_));
    return index;
  }

  static double as_double(std::uint64_t bits) { return std::bit_cast<double>(bits); }

  PlistNode object(std::uint64_t index, int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++nodes_ > kMaxNodes) fail("more than " + std::to_string(kMaxNodes) + " values");
    if (visiting_[index]) fail("object #" + std::to_string(index) + " contains itself");
    std::uint64_t at = offset_of(index);
    const unsigned marker = byte(at++);
    const unsigned type = marker >> 4U;
    const unsigned info = marker & 0xFU;
    PlistNode node;
    switch (type) {
      case 0x0:
        if (info != 0x8 && info != 0x9) break;
        node.kind = PlistNode::Kind::boolean;
        node.boolean = info == 0x9;
        return node;
      case 0x1: {
        if (info > 4) break;
        const unsigned size = 1U << info;
        node.kind = PlistNode::Kind::integer;
        if (size == 16) {
          // 128-bit integers hold unsigned 64-bit values; the high half must be empty.
          if (big_endian(at, 8) != 0) fail("an integer wider than 64 bits");
          node.integer = static_cast<long long>(big_endian(at + 8, 8));
        } else {
          // 1, 2 and 4 bytes are unsigned; 8 bytes are two's complement.
          node.integer = static_cast<long long>(big_endian(at, size));
        }
        return node;
      }
      case 0x2:
        if (info != 2 && info != 3) break;
        node.kind = PlistNode::Kind::real;
        node.real = info == 3 ? as_double(big_endian(at, 8))
                              : static_cast<double>(std::bit_cast<float>(
                                    static_cast<std::uint32_t>(big_endian(at, 4))));
        return node;
      case 0x3: {
        if (info != 3) break;
        node.kind = PlistNode::Kind::date;
        node.real = as_double(big_endian(at, 8));
        node.text = std::to_string(node.real);
        return node;
      }
      case 0x4:
      case 0x5:
      case 0x7: {
        const std::uint64_t size = length(info, at);
        check_span(at, size, 1);
        node.kind = type == 0x4 ? PlistNode::Kind::data : PlistNode::Kind::string;
        node.text = std::string(bytes_.substr(at, size));
        if (type == 0x5) {
          for (const char c : node.text) {
            if (static_cast<unsigned char>(c) >= 0x80) fail("a non-ASCII byte in an ASCII string");
          }
        }
        if (type == 0x7 && first_non_utf8_line(node.text) != 0) fail("a string that is not UTF-8");
        return node;
      }
      case 0x6: {
        const std::uint64_t units = length(info, at);
        check_span(at, units, 2);
        node.kind = PlistNode::Kind::string;
        for (std::uint64_t i = 0; i < units; ++i) {
          unsigned long code = big_endian(at + 2 * i, 2);
          if (code >= 0xD800 && code <= 0xDBFF && i + 1 < units) {
            const unsigned long low = big_endian(at + 2 * (i + 1), 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
              code = 0x10000 + ((code - 0xD800) << 10U) + (low - 0xDC00);
              ++i;
            }
          }
          if (code >= 0xD800 && code <= 0xDFFF) fail("a lone UTF-16 surrogate in a string");
          append_utf8(node.text, static_cast<char32_t>(code));
        }
        return node;
      }
      case 0xA:
      case 0xD: {
        const std::uint64_t size = length(info, at);
        const std::uint64_t refs = type == 0xD ? 2 : 1;
        if (size > count_) fail("a container larger than the plist");
        check_span(at, size * refs, ref_size_);
        visiting_[index] = true;
        if (type == 0xA) {
          node.kind = PlistNode::Kind::array;
          for (std::uint64_t i = 0; i < size; ++i) {
            node.elements.push_back(object(reference(at + i * ref_size_), depth + 1));
          }
        } else {
          node.kind = PlistNode::Kind::dictionary;
          for (std::uint64_t i = 0; i < size; ++i) {
            PlistNode key = object(reference(at + i * ref_size_), depth + 1);
            if (key.kind != PlistNode::Kind::string) fail("a dictionary key that is not a string");
            for (const auto& existing : node.keys) {
              if (existing == key.text) fail("the key \"" + key.text + "\" appears twice");
            }
            node.keys.push_back(std::move(key.text));
            node.key_lines.push_back(1);
            node.elements.push_back(object(reference(at + (size + i) * ref_size_), depth + 1));
          }
        }
        visiting_[index] = false;
        return node;
      }
      default:
        break;
    }
    fail("object #" + std::to_string(index) + " has the marker 0x" +
         std::string(1, "0123456789abcdef"[type]) + std::string(1, "0123456789abcdef"[info]) +
         ", which is not a plist value launchd reads");
  }

  std::string_view bytes_;
  unsigned offset_size_ = 0;
  unsigned ref_size_ = 0;
  std::uint64_t table_ = 0;
  std::uint64_t count_ = 0;
  std::vector<bool> visiting_;
  std::size_t nodes_ = 0;
};

}  // namespace

const PlistNode* PlistNode::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &elements[i];
  }
  return nullptr;
}

const char* to_string(PlistNode::Kind kind) {
  switch (kind) {
    case PlistNode::Kind::boolean:
      return "boolean";
    case PlistNode::Kind::integer:
      return "integer";
    case PlistNode::Kind::real:
      return "real";
    case PlistNode::Kind::string:
      return "string";
    case PlistNode::Kind::date:
      return "date";
    case PlistNode::Kind::data:
      return "data";
    case PlistNode::Kind::array:
      return "array";
    case PlistNode::Kind::dictionary:
      return "dictionary";
  }
  return "value";
}

PlistParse parse_plist(std::string_view bytes) {
  PlistParse parse;
  try {
    if (bytes.starts_with("bplist")) {
      if (!bytes.starts_with("bplist00")) {
        throw Failure{1, "binary plist version \"" + std::string(bytes.substr(6, 2)) +
                             "\" (only bplist00 is read)"};
      }
      parse.root = BinaryReader(bytes).document();
    } else {
      if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        throw Failure{1, "a UTF-16 plist; convert it with `plutil -convert xml1`"};
      }
      parse.root = XmlReader(bytes).document();
    }
  } catch (const Failure& failure) {
    parse.root.reset();
    parse.error_line = failure.line;
    parse.error = failure.message;
  }
  return parse;
}

}  // namespace daemonize::import
