#include "xml_document.hpp"

#include <algorithm>
#include <cstdint>

#include "daemonize/core/utf16le.hpp"
#include "import_common.hpp"
#include "reg_file.hpp"

namespace daemonize::import {
namespace {

constexpr int kMaxDepth = 64;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  XmlDocument run() {
    XmlDocument document;
    if (!skip_misc()) return fail(document);
    if (at_end() || peek() != '<') {
      error_ = {line_, "not XML: expected an element"};
      return fail(document);
    }
    XmlElement root;
    if (!element(root, 0)) return fail(document);
    if (!skip_misc()) return fail(document);
    if (!at_end()) {
      error_ = {line_, "content after the root element </" + root.name + ">"};
      return fail(document);
    }
    document.root = std::move(root);
    return document;
  }

 private:
  XmlDocument fail(XmlDocument& document) {
    document.error = error_;
    return document;
  }
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }
  [[nodiscard]] bool starts(std::string_view what) const {
    return text_.substr(pos_).starts_with(what);
  }
  void advance(std::size_t count) {
    for (std::size_t i = 0; i < count && pos_ < text_.size(); ++i) {
      if (text_[pos_++] == '\n') ++line_;
    }
  }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
      advance(1);
    }
  }
  // Skips to after `end`; false (with the error) when it never comes.
  bool skip_past(std::string_view end, const char* what) {
    const int start = line_;
    const auto found = text_.find(end, pos_);
    if (found == std::string_view::npos) {
      error_ = {start, std::string("an unclosed ") + what};
      return false;
    }
    advance(found + end.size() - pos_);
    return true;
  }
  // Whitespace, comments, processing instructions and a DOCTYPE around the root.
  bool skip_misc() {
    while (true) {
      skip_space();
      if (starts("<?")) {
        if (!skip_past("?>", "<? processing instruction")) return false;
      } else if (starts("<!--")) {
        if (!skip_past("-->", "comment")) return false;
      } else if (starts("<!DOCTYPE")) {
        if (!skip_past(">", "<!DOCTYPE")) return false;
      } else {
        return true;
      }
    }
  }

  std::string name() {
    const std::size_t start = pos_;
    while (!at_end() && is_name_char(peek())) advance(1);
    return std::string(text_.substr(start, pos_ - start));
  }

  // Decodes `&...;` at pos_ into `out`.
  bool entity(std::string& out) {
    const auto semicolon = text_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 12) {
      error_ = {line_, "'&' starts no entity (write &amp;)"};
      return false;
    }
    const std::string_view body = text_.substr(pos_ + 1, semicolon - pos_ - 1);
    if (body == "lt")
      out += '<';
    else if (body == "gt")
      out += '>';
    else if (body == "amp")
      out += '&';
    else if (body == "quot")
      out += '"';
    else if (body == "apos")
      out += '\'';
    else if (body.starts_with("#")) {
      const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
      const std::string_view digits = body.substr(hex ? 2 : 1);
      std::uint32_t code = 0;
      bool ok = !digits.empty() && digits.size() <= 8;
      for (const char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9')
          d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
          d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
          d = c - 'A' + 10;
        if (d < 0) ok = false;
        code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(std::max(d, 0));
      }
      if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        error_ = {line_, "&" + std::string(body) + "; is not a character"};
        return false;
      }
      append_utf8(out, static_cast<char32_t>(code));
    } else {
      error_ = {line_, "&" + std::string(body) + "; is not an XML entity"};
      return false;
    }
    advance(semicolon + 1 - pos_);
    return true;
  }

  bool element(XmlElement& element, int depth) {
    if (depth > kMaxDepth) {
      error_ = {line_, "elements nested too deep"};
      return false;
    }
    element.line = line_;
    advance(1);  // '<'
    element.name = name();
    if (element.name.empty()) {
      error_ = {line_, "'<' starts no element name"};
      return false;
    }
    while (true) {
      skip_space();
      if (at_end()) {
        error_ = {element.line, "<" + element.name + " is not closed with '>'"};
        return false;
      }
      if (starts("/>")) {
        advance(2);
        return true;
      }
      if (peek() == '>') {
        advance(1);
        break;
      }
      const std::string attribute = name();
      if (attribute.empty()) {
        error_ = {line_, "expected an attribute name or '>' in <" + element.name + ">"};
        return false;
      }
      skip_space();
      if (at_end() || peek() != '=') {
        error_ = {line_, "attribute " + attribute + " needs =\"value\""};
        return false;
      }
      advance(1);
      skip_space();
      if (at_end() || (peek() != '"' && peek() != '\'')) {
        error_ = {line_, "the value of attribute " + attribute + " must be quoted"};
        return false;
      }
      const char quote = peek();
      advance(1);
      std::string value;
      while (!at_end() && peek() != quote) {
        if (peek() == '<') {
          error_ = {line_, "'<' in the value of attribute " + attribute};
          return false;
        }
        if (peek() == '&') {
          if (!entity(value)) return false;
          continue;
        }
        value += peek();
        advance(1);
      }
      if (at_end()) {
        error_ = {element.line, "the value of attribute " + attribute + " is not closed"};
        return false;
      }
      advance(1);
      element.attributes.emplace_back(attribute, std::move(value));
    }
    // Content until </name>.
    while (true) {
      if (at_end()) {
        error_ = {element.line, "<" + element.name + "> is not closed (</" + element.name + ">)"};
        return false;
      }
      if (starts("</")) {
        advance(2);
        const std::string closing = name();
        skip_space();
        if (closing != element.name || at_end() || peek() != '>') {
          error_ = {line_, "</" + closing + "> does not close <" + element.name + "> of line " +
                               std::to_string(element.line)};
          return false;
        }
        advance(1);
        return true;
      }
      if (starts("<!--")) {
        if (!skip_past("-->", "comment")) return false;
        continue;
      }
      if (starts("<![CDATA[")) {
        advance(9);
        const auto end = text_.find("]]>", pos_);
        if (end == std::string_view::npos) {
          error_ = {line_, "an unclosed <![CDATA["};
          return false;
        }
        element.text += text_.substr(pos_, end - pos_);
        advance(end + 3 - pos_);
        continue;
      }
      if (starts("<?")) {
        if (!skip_past("?>", "<? processing instruction")) return false;
        continue;
      }
      if (peek() == '<') {
        XmlElement child;
        if (!this->element(child, depth + 1)) return false;
        element.children.push_back(std::move(child));
        continue;
      }
      if (peek() == '&') {
        if (!entity(element.text)) return false;
        continue;
      }
      element.text += peek();
      advance(1);
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  XmlError error_;
};

}  // namespace

const std::string* XmlElement::attribute(std::string_view attribute_name) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute_name) return &value;
  }
  return nullptr;
}

XmlDocument parse_xml(std::string_view bytes) {
  std::string text;
  if (bytes.starts_with("\xFF\xFE")) {
    int line = 0;
    auto decoded = utf16le_to_utf8(bytes.substr(2), &line);
    if (!decoded) return {std::nullopt, XmlError{line, "not UTF-16LE text"}};
    text = std::move(*decoded);
  } else {
    text = std::string(bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes);
  }
  if (const int line = first_non_utf8_line(text); line != 0) {
    return {std::nullopt, XmlError{line, "not UTF-8 text"}};
  }
  if (const int line = first_control_character_line(text); line != 0) {
    return {std::nullopt, XmlError{line, "a control character: not XML text"}};
  }
  return Parser(text).run();
}

}  // namespace daemonize::import
