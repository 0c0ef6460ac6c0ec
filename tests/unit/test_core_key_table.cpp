// The manifest key table (core/src/schema.cpp) drives the loader: every key in it is decoded,
// and every enum spelling it lists round-trips through the loader and to_string().
#include <gtest/gtest.h>

#include "daemonize/core/dns_label.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/model_json.hpp"
#include "schema.hpp"

namespace daemonize {
namespace {

const std::string base = "[service]\nname = \"app\"\ncommand = \"/bin/app\"\n";

// `base` with `line` added to `section` (replacing the base's own line for the key).
std::string with_line(const schema::Section& section, std::string_view key,
                      const std::string& line) {
  if (section.name != "service") return base + "[" + std::string(section.name) + "]\n" + line;
  std::string text = "[service]\n" + line;
  if (key != "name") text += "name = \"app\"\n";
  if (key != "command") text += "command = \"/bin/app\"\n";
  return text;
}

TEST(KeyTable, EveryKeyIsReadByTheLoader) {
  for (const auto& section : schema::sections()) {
    for (const auto& key : section.keys) {
      const std::string path = std::string(section.name) + "." + std::string(key.name);
      // A date is no key's type: each key reports it under its own path.
      const auto loaded = load_manifest_text(
          with_line(section, key.name, std::string(key.name) + " = 2024-01-01\n"), "k.toml",
          TargetOs::linux);
      bool reported = false;
      for (const auto& diagnostic : loaded.diagnostics)
        reported = reported || (diagnostic.key == path && diagnostic.line > 0);
      EXPECT_TRUE(reported) << path;
    }
  }
}

TEST(KeyTable, EveryEnumSpellingLoadsAndPrintsTheSame) {
  for (const auto& section : schema::sections()) {
    for (const auto& key : section.keys) {
      if (key.type != schema::Type::enumeration) continue;
      for (const auto spelling : key.spellings) {
        std::string text = with_line(
            section, key.name, std::string(key.name) + " = \"" + std::string(spelling) + "\"\n");
        if (section.name == "health" && spelling != "exec") {
          text += spelling == "tcp" ? "address = \"127.0.0.1:1\"\n" : "url = \"http://x/\"\n";
        } else if (section.name == "health") {
          text += "command = [\"/bin/check\"]\n";
        }
        const auto loaded = load_manifest_text(text, "e.toml", TargetOs::linux);
        ASSERT_TRUE(loaded.service) << text;
        const auto json = to_json(*loaded.service);
        const auto& value = json.at(section.name).at(key.name);
        EXPECT_EQ(value.as_string(), spelling) << section.name << "." << key.name;
      }
    }
  }
}

TEST(DnsLabel, OneRuleForTheLoaderAndTheKubernetesRenderer) {
  EXPECT_TRUE(is_dns1123_label("payments-1"));
  EXPECT_FALSE(is_dns1123_label("-payments"));
  EXPECT_FALSE(is_dns1123_label("Payments"));
  EXPECT_EQ(dns1123_label_from("My_App.v2"), "my-app-v2");
}

}  // namespace
}  // namespace daemonize
