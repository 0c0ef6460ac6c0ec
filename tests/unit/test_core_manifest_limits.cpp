// docs/manifest.md, "Limits": a manifest just at each limit loads, one just over it fails with
// the exact message at the first thing over the limit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemonize/core/loader.hpp"
#include "daemonize/core/manifest_limits.hpp"

using namespace daemonize;

namespace {

constexpr std::string_view base = "[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\n";

std::vector<std::string> lines(const LoadResult& result) {
  std::vector<std::string> text;
  for (const auto& d : result.diagnostics) text.push_back(format_diagnostic(d));
  return text;
}

LoadResult load(const std::string& text) {
  return load_manifest_text(text, "service.toml", TargetOs::linux);
}

// `key = ["a0", "a1", ...]` on line 4, one element per line after it.
std::string array_of(const std::string& key, std::size_t count, const std::string& element) {
  std::string text = std::string(base) + key + " = [\n";
  for (std::size_t i = 0; i < count; ++i) text += "  \"" + element + std::to_string(i) + "\",\n";
  return text + "]\n";
}

}  // namespace

TEST(ManifestLimits, Args) {
  EXPECT_TRUE(load(array_of("args", manifest_limits::args, "a")).service);
  const auto over = load(array_of("args", manifest_limits::args + 1, "a"));
  EXPECT_FALSE(over.service);
  // Line 4 holds `args = [`, element i is on line 5 + i.
  EXPECT_EQ(lines(over), std::vector<std::string>{
                             "service.toml:4101:3: error: 'service.args' has 4097 elements, more "
                             "than the limit of 4096"});
}

TEST(ManifestLimits, EnvFiles) {
  EXPECT_TRUE(load(array_of("env_files", manifest_limits::env_files, "/etc/x/")).service);
  const auto over = load(array_of("env_files", manifest_limits::env_files + 1, "/etc/x/"));
  EXPECT_EQ(lines(over), std::vector<std::string>{
                             "service.toml:261:3: error: 'service.env_files' has 257 entries, "
                             "more than the limit of 256"});
}

TEST(ManifestLimits, RequiredEnv) {
  EXPECT_TRUE(load(array_of("required_env", manifest_limits::required_env, "V")).service);
  const auto over = load(array_of("required_env", manifest_limits::required_env + 1, "V"));
  EXPECT_EQ(lines(over), std::vector<std::string>{
                             "service.toml:4101:3: error: 'service.required_env' has 4097 names, "
                             "more than the limit of 4096"});
}

TEST(ManifestLimits, EnvEntriesCountedAfterTheOsMerge) {
  auto env = [](std::size_t count) {
    std::string text = std::string(base) + "[env]\n";
    for (std::size_t i = 0; i < count; ++i) text += "V" + std::to_string(i) + " = \"x\"\n";
    return text;
  };
  EXPECT_TRUE(load(env(manifest_limits::env_entries)).service);
  const auto over = load(env(manifest_limits::env_entries + 1));
  // [env] is line 4, variable i on line 5 + i: the first one over the limit is V4096.
  EXPECT_EQ(lines(over), std::vector<std::string>{
                             "service.toml:4101:1: error: [env] has 4097 variables, more than "
                             "the limit of 4096"});
  // An [os.linux.env] variable that is new adds to the count; one that overrides does not.
  EXPECT_TRUE(load(env(manifest_limits::env_entries) + "[os.linux.env]\nV0 = \"y\"\n").service);
  EXPECT_FALSE(load(env(manifest_limits::env_entries) + "[os.linux.env]\nNEW = \"y\"\n").service);
}

TEST(ManifestLimits, OneString) {
  const std::string at(manifest_limits::string_bytes, 'a');
  EXPECT_TRUE(load(std::string(base) + "[env]\nBIG = \"" + at + "\"\n").service);
  const auto over = load(std::string(base) + "[env]\nBIG = \"" + at + "a\"\n");
  EXPECT_EQ(lines(over), std::vector<std::string>{
                             "service.toml:5:7: error: 'env.BIG' is 65537 bytes long, more than "
                             "the limit of 65536 bytes for one string"});
  // Everywhere, also in array elements and in the tables of another OS.
  const auto in_array = load(std::string(base) + "[os.windows]\nargs = [\"\", \"" + at + "a\"]\n");
  EXPECT_EQ(lines(in_array), std::vector<std::string>{
                                 "service.toml:5:13: error: 'os.windows.args[1]' is 65537 bytes "
                                 "long, more than the limit of 65536 bytes for one string"});
}

TEST(ManifestLimits, FileSize) {
  const auto path = std::filesystem::path(testing::TempDir()) / "daemonize-limits-file-size.toml";
  auto write = [&](std::size_t size) {
    std::string text(base);
    text += '#';
    text += std::string(size - text.size() - 1, 'c');
    text += '\n';
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  };
  write(manifest_limits::file_bytes);
  const auto at = load_manifest_file(path.string(), TargetOs::linux);
  EXPECT_TRUE(at.service) << testing::PrintToString(lines(at));
  write(manifest_limits::file_bytes + 1);
  const auto over = load_manifest_file(path.string(), TargetOs::linux);
  EXPECT_FALSE(over.service);
  EXPECT_FALSE(over.file_unreadable);
  EXPECT_EQ(lines(over),
            std::vector<std::string>{path.string() +
                                     ": error: the manifest is larger than the limit of 4194304 "
                                     "bytes (4 MiB)"});
  std::filesystem::remove(path);
}
