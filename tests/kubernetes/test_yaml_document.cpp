#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>
#include <string>
#include <vector>

#include "daemonize/kubernetes/yaml_document.hpp"

namespace daemonize::kubernetes {
namespace {

// Strings a YAML 1.1 or 1.2 reader would take for something else than a string, or that are
// not plain scalars at all.
const std::vector<std::string> kHostile = {
    "yes",  "Yes",        "NO",   "no",       "on",        "ON",   "off",      "y",
    "n",    "Y",          "true", "False",    "null",      "Null", "~",        "0x10",
    "1e3",  "012",        "0o12", "1_000",    "1:20",      "3.14", "-1",       ".inf",
    ".NaN", "2024-01-01", "",     " ",        "a: b",      "a:",   "#x",       "a #b",
    "-a",   "- a",        "*a",   "&a",       "!a",        "%a",   "@a",       "`a",
    "|",    ">",          "'q'",  "\"q\"",    "[a]",       "{a}",  "?",        "?a",
    "<<",   "=",          "a b",  "tab\tbed", "new\nline", "é",    "$$(HOME)", "$(HOME)"};

TEST(YamlStringNeedsQuotes, QuotesEveryHostileString) {
  for (const auto& text : kHostile)
    EXPECT_TRUE(yaml_string_needs_quotes(text)) << "'" << text << "'";
}

TEST(YamlStringNeedsQuotes, LeavesPlainWordsPlain) {
  for (const std::string text :
       {"payments", "Deployment", "apps/v1", "app.kubernetes.io/name", "/opt/payments/bin/server",
        "my-app_1", "HTTP", "yesterday", "only"}) {
    EXPECT_FALSE(yaml_string_needs_quotes(text)) << text;
  }
}

TEST(EmitYaml, HostileStringsComeBackAsQuotedIdenticalStrings) {
  YamlNode items = YamlNode::sequence();
  for (const auto& text : kHostile) items.push(YamlNode::string(text));
  const std::string text = emit_yaml(YamlNode::map().set("items", std::move(items)));
  const YAML::Node parsed = YAML::Load(text);
  ASSERT_TRUE(parsed["items"].IsSequence()) << text;
  ASSERT_EQ(parsed["items"].size(), kHostile.size()) << text;
  for (std::size_t i = 0; i < kHostile.size(); ++i) {
    const auto item = parsed["items"][i];
    EXPECT_EQ(item.as<std::string>(), kHostile[i]) << text;
    EXPECT_EQ(item.Tag(), "!") << "not quoted: '" << kHostile[i] << "' in\n"
                               << text;  // "!" = non-plain
  }
}

TEST(EmitYaml, KeepsKeyOrderAndTypes) {
  const std::string text = emit_yaml(YamlNode::map()
                                         .set("kind", YamlNode::string("Deployment"))
                                         .set("replicas", YamlNode::integer(3))
                                         .set("runAsNonRoot", YamlNode::boolean(true))
                                         .set("apiVersion", YamlNode::string("apps/v1")));
  EXPECT_EQ(text, "kind: Deployment\nreplicas: 3\nrunAsNonRoot: true\napiVersion: apps/v1\n");
}

TEST(EmitYaml, EscapesControlCharactersAndQuotes) {
  const std::string value = "say \"hi\"\\\n\tend";
  const std::string text = emit_yaml(YamlNode::map().set("v", YamlNode::string(value)));
  EXPECT_EQ(text.find('\t'), std::string::npos) << text;
  EXPECT_EQ(YAML::Load(text)["v"].as<std::string>(), value);
}

TEST(EmitYaml, RandomStringsRoundTripExactly) {
  // Characters with a meaning somewhere in YAML, plus letters that spell y/n/on/off/null.
  const std::string alphabet = "yYnNoOfFeEtTuUlLx0123456789 .:-#*&!|>'\"%@`{}[],?~=<\t\n\\/_$";
  std::mt19937 random(20261128);
  std::uniform_int_distribution<std::size_t> length(0, 8);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    for (std::size_t i = length(random); i > 0; --i) value += alphabet[pick(random)];
    const std::string text = emit_yaml(YamlNode::map().set("v", YamlNode::string(value)));
    const YAML::Node parsed = YAML::Load(text);
    ASSERT_EQ(parsed["v"].as<std::string>(), value) << text;
    if (yaml_string_needs_quotes(value)) {
      EXPECT_EQ(parsed["v"].Tag(), "!") << text;
    }
  }
}

}  // namespace
}  // namespace daemonize::kubernetes
