#include <gtest/gtest.h>

#include "daemonize/core/units.hpp"

using namespace daemonize;
using namespace std::chrono_literals;

namespace {

std::chrono::milliseconds duration_ok(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<std::chrono::milliseconds>(parsed)) << text;
  return std::holds_alternative<std::chrono::milliseconds>(parsed)
             ? std::get<std::chrono::milliseconds>(parsed)
             : -1ms;
}

std::string duration_error(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<UnitError>(parsed)) << text;
  return std::holds_alternative<UnitError>(parsed) ? std::get<UnitError>(parsed).message : "";
}

std::uint64_t size_ok(std::string_view text) {
  auto parsed = parse_size(text);
  EXPECT_TRUE(std::holds_alternative<std::uint64_t>(parsed)) << text;
  return std::holds_alternative<std::uint64_t>(parsed) ? std::get<std::uint64_t>(parsed) : 0;
}

std::string size_error(std::string_view text) {
  auto parsed = parse_size(text);
  EXPECT_TRUE(std::holds_alternative<UnitError>(parsed)) << text;
  return std::holds_alternative<UnitError>(parsed) ? std::get<UnitError>(parsed).message : "";
}

}  // namespace

TEST(Durations, EveryUnit) {
  EXPECT_EQ(duration_ok("500ms"), 500ms);
  EXPECT_EQ(duration_ok("30s"), 30s);
  EXPECT_EQ(duration_ok("5m"), 5min);
  EXPECT_EQ(duration_ok("1h"), 1h);
  EXPECT_EQ(duration_ok("1d"), 24h);
  EXPECT_EQ(duration_ok("0s"), 0ms);
}

TEST(Durations, BareIntegerIsSeconds) { EXPECT_EQ(duration_ok("45"), 45s); }

TEST(Durations, Errors) {
  EXPECT_EQ(duration_error("-5s"), "duration must not be negative");
  EXPECT_EQ(duration_error("5x"), "unknown unit 'x' in duration '5x' (expected ms, s, m, h or d)");
  EXPECT_EQ(duration_error("5 s"),
            "unknown unit ' s' in duration '5 s' (expected ms, s, m, h or d)");
  EXPECT_EQ(duration_error("s"), "duration must start with a number, got 's'");
  EXPECT_EQ(duration_error(""), "empty duration");
  EXPECT_EQ(duration_error("1.5s"),
            "unknown unit '.5s' in duration '1.5s' (expected ms, s, m, h or d)");
  EXPECT_EQ(duration_error("99999999999999999999s"), "duration is too large");
  EXPECT_EQ(duration_error("9999999999999999d"), "duration '9999999999999999d' is too large");
}

TEST(Durations, UnknownUnitOffsetPointsAtTheUnit) {
  auto parsed = parse_duration("15sec");
  ASSERT_TRUE(std::holds_alternative<UnitError>(parsed));
  EXPECT_EQ(std::get<UnitError>(parsed).offset, 2U);
}

TEST(Durations, Format) {
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(5min), "5m");
  EXPECT_EQ(format_duration(48h), "2d");
  EXPECT_EQ(format_duration(0ms), "0s");
}

TEST(Sizes, BinaryAndDecimalUnitsMeanWhatTheySay) {
  EXPECT_EQ(size_ok("10MiB"), 10ULL * 1024 * 1024);
  EXPECT_EQ(size_ok("10MB"), 10'000'000ULL);
  EXPECT_EQ(size_ok("1KiB"), 1024ULL);
  EXPECT_EQ(size_ok("1KB"), 1000ULL);
  EXPECT_EQ(size_ok("2GiB"), 2ULL << 30);
  EXPECT_EQ(size_ok("3GB"), 3'000'000'000ULL);
  EXPECT_EQ(size_ok("512B"), 512ULL);
  EXPECT_EQ(size_ok("4096"), 4096ULL);
  EXPECT_EQ(size_ok("0"), 0ULL);
}

TEST(Sizes, Errors) {
  EXPECT_EQ(size_error("10mb"),
            "unknown unit 'mb' in size '10mb' (expected B, KiB, MiB, GiB, KB, MB or GB)");
  EXPECT_EQ(size_error("-1MiB"), "size must not be negative");
  EXPECT_EQ(size_error("99999999999GiB"), "size '99999999999GiB' is too large");
  EXPECT_EQ(size_error("MiB"), "size must start with a number, got 'MiB'");
}

TEST(Sizes, Format) {
  EXPECT_EQ(format_size(10ULL << 20), "10MiB");
  EXPECT_EQ(format_size(1500), "1500B");
  EXPECT_EQ(format_size(2048), "2KiB");
}
