// Message building without a temporary per `+` (clang-tidy performance checks in loops).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace daemonize::kubernetes {

[[nodiscard]] inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const auto part : parts) size += part.size();
  std::string text;
  text.reserve(size);
  for (const auto part : parts) text += part;
  return text;
}

}  // namespace daemonize::kubernetes
