#include <gtest/gtest.h>

#include "daemonize/watchdog/dotenv.hpp"

namespace daemonize {
namespace {

DotenvEntries parse_ok(std::string_view text) {
  auto result = parse_dotenv(text);
  if (auto* error = std::get_if<DotenvError>(&result)) {
    ADD_FAILURE() << "line " << error->line << ": " << error->message;
    return {};
  }
  return std::get<DotenvEntries>(result);
}

TEST(Dotenv, CommentsExportQuotesAndBlankLines) {
  const auto entries = parse_ok(
      "# a comment\n"
      "\n"
      "PLAIN=value\n"
      "  export EXPORTED = spaced value   \n"
      "SINGLE='lit $HOME \\n'\n"
      "DOUBLE=\"a\\nb \\\"q\\\" \\$x\"\n"
      "EMPTY=\n"
      "HASH=a#b # trailing comment\n"
      "QUOTED_HASH=\"x # y\" # comment\n"
      "MULTI=\"line1\nline2\"\n");
  const DotenvEntries expected{
      {"PLAIN", "value"},
      {"EXPORTED", "spaced value"},
      {"SINGLE", "lit $HOME \\n"},
      {"DOUBLE", "a\nb \"q\" $x"},
      {"EMPTY", ""},
      {"HASH", "a#b"},
      {"QUOTED_HASH", "x # y"},
      {"MULTI", "line1\nline2"},
  };
  EXPECT_EQ(entries, expected);
}

TEST(Dotenv, CrLfLinesAreAccepted) {
  EXPECT_EQ(parse_ok("A=1\r\nB=2\r\n"), (DotenvEntries{{"A", "1"}, {"B", "2"}}));
}

TEST(Dotenv, ErrorsCarryTheLine) {
  auto bad = parse_dotenv("A=1\nnot a line\n");
  ASSERT_TRUE(std::holds_alternative<DotenvError>(bad));
  EXPECT_EQ(std::get<DotenvError>(bad).line, 2);

  auto unterminated = parse_dotenv("A=1\nB=\"open\n");
  ASSERT_TRUE(std::holds_alternative<DotenvError>(unterminated));
  EXPECT_EQ(std::get<DotenvError>(unterminated).line, 2);

  auto trailing = parse_dotenv("A='x' y\n");
  ASSERT_TRUE(std::holds_alternative<DotenvError>(trailing));
}

}  // namespace
}  // namespace daemonize
