#include "daemonize/kubernetes/naming.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace daemonize::kubernetes {

namespace {
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool is_dns1123_label(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool is_dns1035_label(std::string_view name) {
  return is_dns1123_label(name) && name.front() >= 'a' && name.front() <= 'z';
}

std::string derive_object_name(std::string_view service_name) {
  std::string name;
  name.reserve(service_name.size());
  for (char c : service_name) {
    if (c == '_' || c == '.') {
      name += '-';
    } else if (c >= 'A' && c <= 'Z') {
      name += static_cast<char>(c - 'A' + 'a');
    } else {
      name += c;
    }
  }
  return name;
}

std::optional<std::string> cpu_quantity(double cores) {
  // Beyond a million cores no node exists, and cores * 1000 must stay a safe integer.
  if (!(cores > 0) || !std::isfinite(cores) || cores > 1e6) return std::nullopt;
  const auto millicores = static_cast<std::int64_t>(std::llround(cores * 1000.0));
  if (millicores <= 0) return std::nullopt;
  if (millicores % 1000 == 0) return std::to_string(millicores / 1000);
  return std::to_string(millicores) + "m";
}

std::string memory_quantity(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 6> kUnits = {{
      {1024ULL * 1024 * 1024, "Gi"},
      {1024ULL * 1024, "Mi"},
      {1024ULL, "Ki"},
      {1000ULL * 1000 * 1000, "G"},
      {1000ULL * 1000, "M"},
      {1000ULL, "k"},
  }};
  if (bytes == 0) return "0";
  for (const auto& [factor, suffix] : kUnits) {
    if (bytes % factor == 0) return std::to_string(bytes / factor) + suffix;
  }
  return std::to_string(bytes);
}

WholeSeconds whole_seconds(std::chrono::milliseconds duration) {
  const auto milliseconds = duration.count();
  if (milliseconds <= 0) return {0, false};
  return {(milliseconds + 999) / 1000, milliseconds % 1000 != 0};
}

}  // namespace daemonize::kubernetes
