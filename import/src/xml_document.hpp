// A small XML reader for configuration files (WinSW's `<service>`): elements, attributes, text,
// comments, CDATA, the five entities and character references, each element with its line.
// No DTDs, namespaces are part of the name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daemonize::import {

struct XmlElement {
  int line = 0;
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // the element's own text, entities decoded (children's text not included)
  std::vector<XmlElement> children;

  [[nodiscard]] const std::string* attribute(std::string_view attribute_name) const;
};

struct XmlError {
  int line = 0;
  std::string message;
};

struct XmlDocument {
  std::optional<XmlElement> root;
  std::optional<XmlError> error;
};

// UTF-8 (with or without a BOM) or UTF-16LE with a BOM.
[[nodiscard]] XmlDocument parse_xml(std::string_view bytes);

}  // namespace daemonize::import
