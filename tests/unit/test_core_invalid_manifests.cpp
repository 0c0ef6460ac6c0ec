// Table-driven: every tests/manifests/invalid/<case>.toml must produce exactly the diagnostics in
// <case>.expected (one formatted line each, in order). Regenerate an expectation only after
// reading it: `daemonize validate <case>.toml 2> <case>.expected` from that directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemonize/core/loader.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<fs::path> invalid_cases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(fs::path(DAEMONIZE_TEST_MANIFESTS) / "invalid")) {
    if (entry.path().extension() == ".toml") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class InvalidManifest : public testing::TestWithParam<fs::path> {};

}  // namespace

TEST(InvalidManifests, AtLeastThirtyCases) { EXPECT_GE(invalid_cases().size(), 30U); }

TEST_P(InvalidManifest, ReportsExactlyTheExpectedDiagnostics) {
  const auto& manifest = GetParam();
  auto expected_path = manifest;
  expected_path.replace_extension(".expected");
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;

  const auto result = daemonize::load_manifest_text(
      read_file(manifest), manifest.filename().string(), daemonize::TargetOs::linux);
  std::string actual;
  for (const auto& diagnostic : result.diagnostics)
    actual += daemonize::format_diagnostic(diagnostic) + "\n";
  EXPECT_EQ(actual, read_file(expected_path));
  EXPECT_FALSE(result.service.has_value()) << "an invalid manifest must not produce a model";
}

INSTANTIATE_TEST_SUITE_P(Cases, InvalidManifest, testing::ValuesIn(invalid_cases()),
                         [](const testing::TestParamInfo<fs::path>& param_info) {
                           std::string name = param_info.param.stem().string();
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });
