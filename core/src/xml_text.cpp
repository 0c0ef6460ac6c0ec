#include "daemonize/core/xml_text.hpp"

namespace daemonize {

std::string escape_xml_text(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    switch (character) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '\r':
        escaped += "&#13;";
        break;
      default:
        escaped += character;
    }
  }
  return escaped;
}

}  // namespace daemonize
