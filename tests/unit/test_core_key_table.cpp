// The manifest key table (core/src/schema.cpp) drives the loader: every key in it is decoded,
// and every enum spelling it lists round-trips through the loader and to_string().
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

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
        if (section.name == "schedule") text += "cron = \"* * * * *\"\n";
        if (section.name == "service" && spelling == "forking")
          text += "pid_file = \"/run/a.pid\"\n";
        const auto loaded = load_manifest_text(text, "e.toml", TargetOs::linux);
        ASSERT_TRUE(loaded.service) << text;
        const auto json = to_json(*loaded.service);
        const auto& value = json.at(section.name).at(key.name);
        EXPECT_EQ(value.as_string(), spelling) << section.name << "." << key.name;
      }
    }
  }
}

// The normalized JSON (validate --json, the deploy receipt's model) names each key of the table
// in its section, durations with a "_ms" suffix: a key added to the table without its JSON
// field fails here.
TEST(KeyTable, EveryKeyIsInTheNormalizedJson) {
  // One manifest per health check kind: each shows the target key of its kind only.
  std::vector<boost::json::value> models;
  for (const char* health :
       {"check = \"http\"\nurl = \"http://x/\"\n", "check = \"tcp\"\naddress = \"127.0.0.1:1\"\n",
        "check = \"exec\"\ncommand = [\"/bin/check\"]\n"}) {
    const auto loaded = load_manifest_text(base + "[health]\n" + health, "j.toml", TargetOs::linux);
    ASSERT_TRUE(loaded.service) << health;
    models.push_back(to_json(*loaded.service));
  }
  // [schedule] appears in the JSON only when the manifest has one.
  for (const char* schedule : {"cron = \"* * * * *\"\n", "every = \"1h\"\n"}) {
    const auto loaded =
        load_manifest_text(base + "[schedule]\n" + schedule, "j.toml", TargetOs::linux);
    ASSERT_TRUE(loaded.service) << schedule;
    models.push_back(to_json(*loaded.service));
  }
  for (const auto& section : schema::sections()) {
    if (section.free_form) continue;
    for (const auto& key : section.keys) {
      const std::string name(key.name);
      bool present = false;
      for (const auto& model : models) {
        const auto* object = model.as_object().if_contains(section.name);
        if (object == nullptr || !object->is_object()) continue;
        present =
            present || object->as_object().contains(name) ||
            (key.type == schema::Type::duration && object->as_object().contains(name + "_ms"));
      }
      EXPECT_TRUE(present) << section.name << "." << name;
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
