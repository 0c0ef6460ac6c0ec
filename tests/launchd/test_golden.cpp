// Golden files: every tests/manifests/launchd/<case>.toml is loaded for macOS and rendered with
// default options; the plist must equal tests/golden/launchd/<case>.plist and the renderer's
// diagnostics tests/golden/launchd/<case>.diagnostics (absent when there are none).
// DAEMONIZE_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/launchd/backend.hpp"

namespace daemonize::launchd {
namespace {

namespace fs = std::filesystem;

const fs::path manifest_directory = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/manifests/launchd";
const fs::path golden_directory = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/golden/launchd";

bool updating_goldens() {
  const char* value = std::getenv("DAEMONIZE_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  if (!fs::is_directory(manifest_directory)) return names;
  for (const auto& entry : fs::directory_iterator(manifest_directory)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// One line per diagnostic, with the file name relative so goldens do not depend on the checkout.
std::string format_diagnostics(std::vector<Diagnostic> diagnostics, const std::string& case_name) {
  std::string text;
  for (auto& diagnostic : diagnostics) {
    diagnostic.file = case_name + ".toml";
    text += format_diagnostic(diagnostic) + " [" + diagnostic.key + "]\n";
  }
  return text;
}

// Compares `actual` with the golden at `path`, or rewrites it; an empty `actual` means the
// golden must not exist.
void check_golden(const fs::path& path, const std::string& actual) {
  if (updating_goldens()) {
    if (actual.empty()) {
      fs::remove(path);
    } else {
      write_file(path, actual);
    }
    return;
  }
  if (actual.empty()) {
    EXPECT_FALSE(fs::exists(path)) << path << " is stale (rerun with DAEMONIZE_UPDATE_GOLDEN=1)";
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing (rerun with DAEMONIZE_UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, read_file(path)) << "golden " << path
                                     << " differs (rerun with DAEMONIZE_UPDATE_GOLDEN=1 and review "
                                        "the diff)";
}

class LaunchdGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(LaunchdGolden, MatchesGolden) {
  const std::string case_name = GetParam();
  const auto manifest = (manifest_directory / (case_name + ".toml")).string();
  const auto loaded = load_manifest_file(manifest, TargetOs::macos);
  ASSERT_TRUE(loaded.service.has_value()) << "the loader rejected " << manifest << ":\n"
                                          << format_diagnostics(loaded.diagnostics, case_name);

  auto rendered = render_launchd_plist(*loaded.service, {});
  attach_positions(rendered.diagnostics, *loaded.service);
  const auto again = render_launchd_plist(*loaded.service, {});
  ASSERT_EQ(rendered.artifacts.size(), again.artifacts.size());
  for (std::size_t i = 0; i < rendered.artifacts.size(); ++i) {
    EXPECT_EQ(rendered.artifacts[i].content, again.artifacts[i].content)
        << "rendering is not stable";
  }

  std::string plist;
  if (!has_errors(rendered.diagnostics)) {
    ASSERT_EQ(rendered.artifacts.size(), 1U);
    EXPECT_EQ(rendered.artifacts[0].file_name, job_label(*loaded.service) + ".plist");
    plist = rendered.artifacts[0].content;
  } else {
    EXPECT_TRUE(rendered.artifacts.empty()) << "an error must not produce a plist";
  }
  check_golden(golden_directory / (case_name + ".plist"), plist);
  check_golden(golden_directory / (case_name + ".diagnostics"),
               format_diagnostics(rendered.diagnostics, case_name));
}

INSTANTIATE_TEST_SUITE_P(Manifests, LaunchdGolden, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

TEST(LaunchdGoldenSet, HasAtLeastTenCasesAndNoOrphans) {
  const auto names = case_names();
  EXPECT_GE(names.size(), 10U);
  for (const auto& entry : fs::directory_iterator(golden_directory)) {
    const auto stem = entry.path().stem().string();
    EXPECT_TRUE(std::find(names.begin(), names.end(), stem) != names.end())
        << entry.path() << " has no manifest in " << manifest_directory;
  }
}

}  // namespace
}  // namespace daemonize::launchd
