// DNS-1123 labels: what Kubernetes accepts as an object name or a namespace.
#pragma once

#include <string>
#include <string_view>

namespace daemonize {

// RFC 1123 label: 1-63 of [a-z0-9-], starting and ending with [a-z0-9].
[[nodiscard]] bool is_dns1123_label(std::string_view name);

// The label derived from a name: lowercase, '_' and '.' become '-'. The result may still be
// invalid (a trailing '-', more than 63 characters): check it with is_dns1123_label().
[[nodiscard]] std::string dns1123_label_from(std::string_view name);

}  // namespace daemonize
