#include "daemonize/core/dns_label.hpp"

#include <algorithm>

namespace daemonize {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

bool is_dns1123_label(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower_alnum(c) || c == '-'; });
}

std::string dns1123_label_from(std::string_view name) {
  std::string label;
  label.reserve(name.size());
  for (char c : name) {
    if (c == '_' || c == '.') {
      label += '-';
    } else if (c >= 'A' && c <= 'Z') {
      label += static_cast<char>(c - 'A' + 'a');
    } else {
      label += c;
    }
  }
  return label;
}

}  // namespace daemonize
