#include <gtest/gtest.h>

#include "daemonize/core/interpolation.hpp"

using namespace daemonize;

namespace {

VariableLookup lookup_in(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    if (auto found = values.find(name); found != values.end()) return found->second;
    return std::nullopt;
  };
}

TemplateError parse_error(std::string_view text) {
  auto parsed = parse_template(text);
  EXPECT_TRUE(std::holds_alternative<TemplateError>(parsed)) << text;
  return std::holds_alternative<TemplateError>(parsed) ? std::get<TemplateError>(parsed)
                                                       : TemplateError{};
}

}  // namespace

TEST(Interpolation, LiteralWithDoubleDollar) {
  auto parsed = parse_template("cost: $$5");
  ASSERT_TRUE(std::holds_alternative<Template>(parsed));
  EXPECT_FALSE(std::get<Template>(parsed).has_references());
  EXPECT_EQ(std::get<Template>(parsed).literal(), "cost: $5");
}

TEST(Interpolation, AllReferenceForms) {
  const auto env = lookup_in({{"PORT", "9000"}, {"EMPTY", ""}});
  EXPECT_EQ(resolve_string("--port=${PORT}", env).value, "--port=9000");
  EXPECT_EQ(resolve_string("${MISSING:-8080}", env).value, "8080");
  EXPECT_EQ(resolve_string("${EMPTY:-fallback}", env).value, "fallback");
  EXPECT_EQ(resolve_string("${MISSING:8080}", env).value, "8080");
  EXPECT_EQ(resolve_string("${PORT:?needed}", env).value, "9000");
  EXPECT_EQ(resolve_string("${MISSING:-a$$b}", env).value, "a$b");
  EXPECT_EQ(resolve_string("${MISSING:-}", env).value, "");
}

TEST(Interpolation, EveryUnresolvedNameIsReported) {
  const auto result = resolve_string("${A}-${B:?set B to the bucket}-${C:-ok}", lookup_in({}));
  ASSERT_EQ(result.unresolved.size(), 2U);
  EXPECT_EQ(result.unresolved[0].name, "A");
  EXPECT_EQ(result.unresolved[0].message, "A is not set");
  EXPECT_EQ(result.unresolved[1].name, "B");
  EXPECT_EQ(result.unresolved[1].message, "B: set B to the bucket");
}

TEST(Interpolation, PlainReferenceToEmptyValueIsResolved) {
  const auto result = resolve_string("x${EMPTY}y", lookup_in({{"EMPTY", ""}}));
  EXPECT_TRUE(result.unresolved.empty());
  EXPECT_EQ(result.value, "xy");
}

TEST(Interpolation, SyntaxErrorsCarryTheOffset) {
  EXPECT_EQ(parse_error("abc$").offset, 3U);
  EXPECT_EQ(parse_error("abc$").message,
            "'$' at the end of the string; write '$$' for a literal '$'");
  EXPECT_EQ(parse_error("a$HOME").offset, 1U);
  EXPECT_EQ(parse_error("a$HOME").message,
            "'$' must be followed by '{' or '$' (write '$$' for a literal '$')");
  EXPECT_EQ(parse_error("${").message, "expected a variable name after '${'");
  EXPECT_EQ(parse_error("${1X}").offset, 2U);
  EXPECT_EQ(parse_error("x${NAME").message, "unterminated '${' (missing '}')");
  EXPECT_EQ(parse_error("${NA-ME}").offset, 4U);
  EXPECT_EQ(parse_error("${A:-${B}}").offset, 5U);
  EXPECT_EQ(parse_error("${A:-x").message, "unterminated '${' (missing '}')");
}

TEST(Interpolation, ReferenceOffsetsAreRecorded) {
  auto parsed = parse_template("ab${X}cd${Y:-1}");
  ASSERT_TRUE(std::holds_alternative<Template>(parsed));
  const auto& segments = std::get<Template>(parsed).segments;
  ASSERT_EQ(segments.size(), 4U);
  EXPECT_EQ(std::get<VariableReference>(segments[1]).offset, 2U);
  EXPECT_EQ(std::get<VariableReference>(segments[3]).offset, 8U);
  EXPECT_EQ(std::get<VariableReference>(segments[3]).kind, VariableReference::Kind::with_default);
}

TEST(LayeredEnvironment, ManifestEnvWinsOverEnvFilesWhichWinOverInherited) {
  LayeredEnvironment layers;
  layers.inherited = {
      {"PATH", "/usr/bin"}, {"A", "inherited"}, {"B", "inherited"}, {"C", "inherited"}};
  layers.from_env_files = {{"B", "file"}, {"C", "file"}};
  layers.manifest_env = {{"C", "manifest"}, {"D", "${B}-${A}"}};
  const auto result = layers.build();
  EXPECT_TRUE(result.unresolved.empty());
  EXPECT_EQ(result.environment.at("A"), "inherited");
  EXPECT_EQ(result.environment.at("B"), "file");
  EXPECT_EQ(result.environment.at("C"), "manifest");
  EXPECT_EQ(result.environment.at("D"), "file-inherited");
  EXPECT_EQ(result.environment.at("PATH"), "/usr/bin");
}

TEST(LayeredEnvironment, SelfReferenceReadsTheLowerLayers) {
  LayeredEnvironment layers;
  layers.from_env_files = {{"DATABASE_URL", "postgres://db"}};
  layers.manifest_env = {
      {"DATABASE_URL", "${DATABASE_URL}"}, {"SECRET", "${SECRET}"}, {"OTHER", "${NOPE:?x}"}};
  const auto result = layers.build();
  EXPECT_EQ(result.environment.at("DATABASE_URL"), "postgres://db");
  ASSERT_EQ(result.unresolved.size(), 2U);
  EXPECT_EQ(result.unresolved[0].name, "NOPE");
  EXPECT_EQ(result.unresolved[1].name, "SECRET");
}

TEST(SplitReference, OnlyAWholeElementSplits) {
  EXPECT_EQ(split_reference("$@{SSHD_OPTS}"), std::optional<std::string>("SSHD_OPTS"));
  EXPECT_EQ(split_reference("$@{_x1}"), std::optional<std::string>("_x1"));
  for (const char* not_split : {"${OPTS}", "$@{OPTS}x", "x$@{OPTS}", "$@{}", "$@{1A}", "$@{A-B}",
                                "$@{A:-b}", "$@OPTS", "$@{OPTS", ""}) {
    EXPECT_EQ(split_reference(not_split), std::nullopt) << not_split;
  }
}

TEST(SplitReference, ElsewhereItIsASyntaxErrorAtTheDollar) {
  auto parsed = parse_template("--opts=$@{OPTS}");
  ASSERT_TRUE(std::holds_alternative<TemplateError>(parsed));
  EXPECT_EQ(std::get<TemplateError>(parsed).offset, 7U);
  EXPECT_EQ(std::get<TemplateError>(parsed).message,
            "'$@{VAR}' (split into several arguments) must be a whole element of service.args or "
            "health.command");
}

TEST(SplitWords, SplitsAtRunsOfWhitespaceWithoutQuoting) {
  EXPECT_EQ(split_words("-o  Port=22\t-v\n"), (std::vector<std::string>{"-o", "Port=22", "-v"}));
  EXPECT_EQ(split_words("\"a b\" 'c'"), (std::vector<std::string>{"\"a", "b\"", "'c'"}));
  EXPECT_EQ(split_words("x\r\v\fy"), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(split_words("").empty());
  EXPECT_TRUE(split_words(" \t\n ").empty());
}

TEST(ResolveArguments, SplitElementsBecomeZeroOrMoreWords) {
  const VariableLookup lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "OPTS") return std::string(" -D  -p 2222 ");
    if (name == "EMPTY") return std::string("");
    if (name == "ONE") return std::string("a b");
    return std::nullopt;
  };
  const auto resolved =
      resolve_arguments({"-f", "$@{OPTS}", "$@{EMPTY}", "$@{UNSET}", "${ONE}", "$@{ONE}"}, lookup);
  EXPECT_TRUE(resolved.unresolved.empty());
  EXPECT_EQ(resolved.argv, (std::vector<std::string>{"-f", "-D", "-p", "2222", "a b", "a", "b"}));
  const auto missing = resolve_arguments({"${NOPE}"}, lookup);
  ASSERT_EQ(missing.unresolved.size(), 1U);
  EXPECT_EQ(missing.unresolved[0].name, "NOPE");
}
