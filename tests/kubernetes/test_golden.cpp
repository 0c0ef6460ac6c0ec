// Golden tests: tests/manifests/kubernetes/<case>.toml, loaded like the CLI loads it, renders to
// tests/golden/kubernetes/<case>.yaml (when it renders) and <case>.diagnostics (always).
// DAEMONIZE_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/kubernetes/backend.hpp"
#include "daemonize/kubernetes/naming.hpp"

namespace daemonize::kubernetes {
namespace {

namespace fs = std::filesystem;

const fs::path kManifests = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/manifests/kubernetes";
const fs::path kGoldens = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/golden/kubernetes";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  if (!fs::is_directory(kManifests)) return names;
  for (const auto& entry : fs::directory_iterator(kManifests)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool updating() {
  const char* update = std::getenv("DAEMONIZE_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void check_golden(const fs::path& path, const std::string& actual) {
  if (updating()) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with DAEMONIZE_UPDATE_GOLDEN=1";
  EXPECT_EQ(read_file(path), actual)
      << "differs from " << path << " (DAEMONIZE_UPDATE_GOLDEN=1 rewrites it after review)";
}

// "LINE:COL: severity: [key] message" per diagnostic: positions prove the keys map back to
// the manifest, without embedding the checkout's absolute path.
std::string describe(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) {
    text += std::to_string(diagnostic.line) + ":" + std::to_string(diagnostic.column) + ": " +
            to_string(diagnostic.severity) + ": [" + diagnostic.key + "] " + diagnostic.message +
            "\n";
  }
  return text;
}

class KubernetesGolden : public testing::TestWithParam<std::string> {};

TEST_P(KubernetesGolden, RendersAsTheGolden) {
  const std::string name = GetParam();
  const auto loaded = load_manifest_file((kManifests / (name + ".toml")).string(), TargetOs::linux);
  ASSERT_TRUE(loaded.service.has_value()) << describe(loaded.diagnostics);
  const auto backend = make_kubernetes_backend();
  auto result = backend->render(*loaded.service, RenderOptions{});
  attach_positions(result.diagnostics, *loaded.service);
  std::vector<Diagnostic> diagnostics = loaded.diagnostics;
  diagnostics.insert(diagnostics.end(), result.diagnostics.begin(), result.diagnostics.end());
  check_golden(kGoldens / (name + ".diagnostics"), describe(diagnostics));

  const fs::path golden_yaml = kGoldens / (name + ".yaml");
  if (has_errors(result.diagnostics)) {
    EXPECT_TRUE(result.artifacts.empty());
    if (updating()) fs::remove(golden_yaml);
    EXPECT_FALSE(fs::exists(golden_yaml)) << golden_yaml << " is stale: the case does not render";
    return;
  }
  ASSERT_EQ(result.artifacts.size(), 1U);
  EXPECT_EQ(result.artifacts.front().install_path, "");
  EXPECT_EQ(result.artifacts.front().file_name, derive_object_name(loaded.service->name) + ".yaml");
  check_golden(golden_yaml, result.artifacts.front().content);
}

INSTANTIATE_TEST_SUITE_P(Cases, KubernetesGolden, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string test_name = param.param;
                           std::replace(test_name.begin(), test_name.end(), '-', '_');
                           return test_name;
                         });

TEST(KubernetesGoldenFiles, HaveCasesAndNoStrays) {
  const auto names = case_names();
  ASSERT_GE(names.size(), 5U) << "expected the kubernetes golden cases in " << kManifests;
  const std::set<std::string> cases(names.begin(), names.end());
  for (const auto& entry : fs::directory_iterator(kGoldens)) {
    std::string file = entry.path().filename().string();
    const auto dot = file.find('.');
    EXPECT_TRUE(cases.contains(file.substr(0, dot))) << entry.path() << " has no manifest";
  }
}

}  // namespace
}  // namespace daemonize::kubernetes
