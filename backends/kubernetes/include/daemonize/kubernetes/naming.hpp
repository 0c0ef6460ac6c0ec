// Kubernetes names and quantities derived from manifest values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daemonize::kubernetes {

// RFC 1123 label: 1-63 of [a-z0-9-], starting and ending with [a-z0-9] (object names, namespaces).
[[nodiscard]] bool is_dns1123_label(std::string_view name);
// RFC 1035 label: a DNS-1123 label that starts with a letter (what a Service name must be).
[[nodiscard]] bool is_dns1035_label(std::string_view name);

// The object name derived from a service name: lowercase, '_' and '.' become '-'.
// The result may still be invalid (trailing '-', more than 63 characters): check it with
// is_dns1123_label().
[[nodiscard]] std::string derive_object_name(std::string_view service_name);

// "1500m" for 1.5 cores, "2" for 2 cores; nullopt when it rounds to 0 millicores or exceeds
// a million cores.
[[nodiscard]] std::optional<std::string> cpu_quantity(double cores);

// Memory as a Kubernetes quantity: the largest of Gi/Mi/Ki, then G/M/k, that divides the byte
// count exactly; otherwise the bare byte count.
[[nodiscard]] std::string memory_quantity(std::uint64_t bytes);

// Whole seconds of a duration, rounded up (Kubernetes timing fields are integer seconds).
struct WholeSeconds {
  std::int64_t seconds = 0;
  bool rounded = false;  // the duration was not a whole number of seconds
};
[[nodiscard]] WholeSeconds whole_seconds(std::chrono::milliseconds duration);

}  // namespace daemonize::kubernetes
