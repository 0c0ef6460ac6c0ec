#include "daemonize/core/units.hpp"

#include <array>
#include <limits>

namespace daemonize {
namespace {

struct UnitFactor {
  std::string_view suffix;
  std::uint64_t factor;
};

// Splits "123unit" into the number and the unit; reports sign, missing digits and overflow.
std::variant<std::pair<std::uint64_t, std::string_view>, UnitError> split_number(
    std::string_view text, std::string_view what) {
  if (text.empty()) return UnitError{"empty " + std::string(what), 0};
  if (text.front() == '-') return UnitError{std::string(what) + " must not be negative", 0};
  if (text.front() == '+') return UnitError{std::string(what) + " must not have a sign", 0};
  std::size_t index = 0;
  std::uint64_t value = 0;
  while (index < text.size() && text[index] >= '0' && text[index] <= '9') {
    const auto digit = static_cast<std::uint64_t>(text[index] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return UnitError{std::string(what) + " is too large", 0};
    }
    value = value * 10 + digit;
    ++index;
  }
  if (index == 0) {
    return UnitError{
        std::string(what) + " must start with a number, got '" + std::string(text) + "'", 0};
  }
  return std::pair{value, text.substr(index)};
}

template <std::size_t N>
std::variant<std::uint64_t, UnitError> apply_unit(std::string_view text, std::string_view what,
                                                  const std::array<UnitFactor, N>& units,
                                                  std::uint64_t bare_factor, std::uint64_t limit,
                                                  std::string_view expected) {
  auto split = split_number(text, what);
  if (auto* error = std::get_if<UnitError>(&split)) return *error;
  const auto [number, unit] = std::get<std::pair<std::uint64_t, std::string_view>>(split);
  std::uint64_t factor = 0;
  if (unit.empty()) {
    factor = bare_factor;
  } else {
    for (const auto& candidate : units) {
      if (candidate.suffix == unit) factor = candidate.factor;
    }
  }
  if (factor == 0) {
    return UnitError{"unknown unit '" + std::string(unit) + "' in " + std::string(what) + " '" +
                         std::string(text) + "' (expected " + std::string(expected) + ")",
                     text.size() - unit.size()};
  }
  if (number != 0 && number > limit / factor) {
    return UnitError{std::string(what) + " '" + std::string(text) + "' is too large", 0};
  }
  return number * factor;
}

}  // namespace

std::variant<std::chrono::milliseconds, UnitError> parse_duration(std::string_view text) {
  static constexpr std::array<UnitFactor, 5> units{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
  // Limit: about 292 million years in ms keeps every later arithmetic in int64 range.
  constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max() / 4;
  auto result = apply_unit(text, "duration", units, 1000, limit, "ms, s, m, h or d");
  if (auto* error = std::get_if<UnitError>(&result)) return *error;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::get<std::uint64_t>(result)));
}

std::variant<std::uint64_t, UnitError> parse_size(std::string_view text) {
  static constexpr std::array<UnitFactor, 7> units{{{"B", 1},
                                                    {"KiB", 1ULL << 10},
                                                    {"MiB", 1ULL << 20},
                                                    {"GiB", 1ULL << 30},
                                                    {"KB", 1000},
                                                    {"MB", 1000'000},
                                                    {"GB", 1000'000'000}}};
  constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max();
  return apply_unit(text, "size", units, 1, limit, "B, KiB, MiB, GiB, KB, MB or GB");
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms == 0) return "0s";
  static constexpr std::array<std::pair<std::int64_t, const char*>, 4> units{
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}}};
  for (const auto& [factor, suffix] : units) {
    if (ms % factor == 0) return std::to_string(ms / factor) + suffix;
  }
  return std::to_string(ms) + "ms";
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0) return "0B";
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 3> units{
      {{1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}}};
  for (const auto& [factor, suffix] : units) {
    if (bytes % factor == 0) return std::to_string(bytes / factor) + suffix;
  }
  return std::to_string(bytes) + "B";
}

}  // namespace daemonize
