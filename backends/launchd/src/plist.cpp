#include "daemonize/launchd/plist.hpp"

#include "daemonize/core/xml_text.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace daemonize::launchd {

PlistValue PlistValue::boolean(bool value) {
  PlistValue result(Kind::boolean);
  result.boolean_ = value;
  return result;
}

PlistValue PlistValue::integer(std::int64_t value) {
  PlistValue result(Kind::integer);
  result.integer_ = value;
  return result;
}

PlistValue PlistValue::string(std::string value) {
  PlistValue result(Kind::string);
  result.string_ = std::move(value);
  return result;
}

PlistValue PlistValue::array(std::vector<PlistValue> elements) {
  PlistValue result(Kind::array);
  result.elements_ = std::move(elements);
  return result;
}

PlistValue PlistValue::dictionary() { return PlistValue(Kind::dictionary); }

PlistValue& PlistValue::set(std::string key, PlistValue value) {
  if (kind_ != Kind::dictionary) throw std::logic_error("PlistValue::set on a non-dictionary");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      elements_[i] = std::move(value);
      return *this;
    }
  }
  keys_.push_back(std::move(key));
  elements_.push_back(std::move(value));
  return *this;
}

PlistValue& PlistValue::append(PlistValue value) {
  if (kind_ != Kind::array) throw std::logic_error("PlistValue::append on a non-array");
  elements_.push_back(std::move(value));
  return *this;
}

const PlistValue* PlistValue::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &elements_[i];
  }
  return nullptr;
}

namespace {

// Upper-case hexadecimal of `value`, at least `digits` digits.
std::string hex(std::uint32_t value, int digits) {
  static constexpr char hex_digits[] = "0123456789ABCDEF";
  std::string text;
  while (value != 0 || digits > 0) {
    text.insert(text.begin(), hex_digits[value % 16]);
    value /= 16;
    --digits;
  }
  return text;
}

std::string code_point_name(char32_t code_point) { return "U+" + hex(code_point, 4); }

std::string byte_name(unsigned char byte) { return "0x" + hex(byte, 2); }

bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace

std::optional<XmlTextProblem> find_xml_text_problem(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t minimum = 0;  // rejects overlong encodings
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
      minimum = 0x10000;
    } else {
      return XmlTextProblem{i, "invalid UTF-8 (byte " + byte_name(lead) + ")"};
    }
    if (i + length > text.size()) return XmlTextProblem{i, "invalid UTF-8 (truncated sequence)"};
    for (std::size_t k = 1; k < length; ++k) {
      const auto continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) {
        return XmlTextProblem{i, "invalid UTF-8 (bad continuation byte)"};
      }
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return XmlTextProblem{i, "invalid UTF-8 (overlong or surrogate sequence)"};
    }
    if (!is_xml_char(code_point)) {
      return XmlTextProblem{i, code_point_name(code_point) + " is not allowed in XML 1.0"};
    }
    i += length;
  }
  return std::nullopt;
}

namespace {

void require_xml_text(std::string_view text) {
  if (const auto problem = find_xml_text_problem(text)) {
    throw std::invalid_argument("plist string not representable in XML: " + problem->description);
  }
}

void write_value(const PlistValue& value, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth), '\t');
  switch (value.kind()) {
    case PlistValue::Kind::boolean:
      out += indent + (value.boolean_value() ? "<true/>\n" : "<false/>\n");
      return;
    case PlistValue::Kind::integer:
      out += indent + "<integer>" + std::to_string(value.integer_value()) + "</integer>\n";
      return;
    case PlistValue::Kind::string:
      require_xml_text(value.string_value());
      out += indent + "<string>" + escape_xml_text(value.string_value()) + "</string>\n";
      return;
    case PlistValue::Kind::array:
      if (value.elements().empty()) {
        out += indent + "<array/>\n";
        return;
      }
      out += indent + "<array>\n";
      for (const auto& element : value.elements()) write_value(element, depth + 1, out);
      out += indent + "</array>\n";
      return;
    case PlistValue::Kind::dictionary: {
      if (value.keys().empty()) {
        out += indent + "<dict/>\n";
        return;
      }
      // Byte order of keys: independent of how the renderer happened to insert them.
      std::vector<std::size_t> order(value.keys().size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return value.keys()[a] < value.keys()[b]; });
      out += indent + "<dict>\n";
      for (const std::size_t index : order) {
        require_xml_text(value.keys()[index]);
        out += indent + "\t<key>" + escape_xml_text(value.keys()[index]) + "</key>\n";
        write_value(value.elements()[index], depth + 1, out);
      }
      out += indent + "</dict>\n";
      return;
    }
  }
}

}  // namespace

std::string write_xml_plist(const PlistValue& root) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<plist version=\"1.0\">\n";
  write_value(root, 0, out);
  out += "</plist>\n";
  return out;
}

}  // namespace daemonize::launchd
