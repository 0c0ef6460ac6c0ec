// Durations ("500ms", "30s", "5m", "1h", "1d", bare seconds) and sizes ("10MiB", bare bytes).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace daemonize {

// Error of a unit parse: a message, and the 0-based offset in the text it refers to.
struct UnitError {
  std::string message;
  std::size_t offset = 0;
};

// Parses a duration; returns milliseconds or an error (negative, overflow, unknown unit).
[[nodiscard]] std::variant<std::chrono::milliseconds, UnitError> parse_duration(
    std::string_view text);

// Parses a size; returns bytes or an error. KiB/MiB/GiB are binary, KB/MB/GB decimal.
[[nodiscard]] std::variant<std::uint64_t, UnitError> parse_size(std::string_view text);

// Canonical text of a duration: the largest unit that divides it exactly ("90s", "1500ms", "5m").
[[nodiscard]] std::string format_duration(std::chrono::milliseconds duration);

// Canonical text of a size: the largest binary unit that divides it exactly ("10MiB", "1500B").
[[nodiscard]] std::string format_size(std::uint64_t bytes);

}  // namespace daemonize
