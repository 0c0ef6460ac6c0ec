#include "daemonize/kubernetes/naming.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "daemonize/core/dns_label.hpp"

namespace daemonize::kubernetes {

bool is_dns1123_label(std::string_view name) { return daemonize::is_dns1123_label(name); }

bool is_dns1035_label(std::string_view name) {
  return is_dns1123_label(name) && name.front() >= 'a' && name.front() <= 'z';
}

std::string derive_object_name(std::string_view service_name) {
  return dns1123_label_from(service_name);
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
