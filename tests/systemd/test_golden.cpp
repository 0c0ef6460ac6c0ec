// Golden tests: tests/manifests/systemd/<case>.toml rendered with a fixed --daemonize-path must
// equal tests/golden/systemd/<case>.service (and <case>.logrotate, <case>.tmpfiles,
// <case>.diagnostics, <case>.timer when rendered).
// DAEMONIZE_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing.
//
// The fixed daemonize path is /bin/true: every golden also goes through `systemd-analyze
// verify` (tests/systemd/verify_goldens.sh), which fails when ExecStart='s binary does not
// exist, and /bin/true exists on every Debian host (CI included) at a path that never changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemonize/core/loader.hpp"
#include "daemonize/systemd/backend.hpp"

namespace daemonize {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGoldenDaemonizePath = "/bin/true";

const fs::path kManifests = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/manifests/systemd";
const fs::path kGoldens = fs::path(DAEMONIZE_SOURCE_DIR) / "tests/golden/systemd";

bool update_mode() {
  const char* value = std::getenv("DAEMONIZE_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  ASSERT_TRUE(file.good()) << "cannot write " << path;
}

// Diagnostics without the file name, so goldens do not depend on where the tree is checked out.
std::string format_for_golden(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) {
    text += std::to_string(diagnostic.line) + ":" + std::to_string(diagnostic.column) + ": " +
            to_string(diagnostic.severity) + ": [" + diagnostic.key + "] " + diagnostic.message +
            "\n";
  }
  return text;
}

// Compares `actual` with the golden file, or rewrites it in update mode. A golden that should
// not exist (empty `actual`) must not exist.
void check_golden(const fs::path& golden, const std::string& actual) {
  if (update_mode()) {
    if (actual.empty()) {
      fs::remove(golden);
    } else {
      write_file(golden, actual);
    }
    return;
  }
  if (actual.empty()) {
    EXPECT_FALSE(fs::exists(golden)) << golden << " exists but nothing was rendered for it";
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden
                                  << " is missing; run with DAEMONIZE_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(read_file(golden), actual)
      << "golden differs: " << golden << " (DAEMONIZE_UPDATE_GOLDEN=1 rewrites it)";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kManifests)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SystemdGolden : public testing::TestWithParam<std::string> {};

TEST_P(SystemdGolden, MatchesGolden) {
  const std::string name = GetParam();
  const auto loaded = load_manifest_file((kManifests / (name + ".toml")).string(), TargetOs::linux);
  ASSERT_TRUE(loaded.service.has_value()) << format_for_golden(loaded.diagnostics);

  RenderOptions options;
  options.daemonize_path = kGoldenDaemonizePath;
  auto result = render_systemd(*loaded.service, options);
  attach_positions(result.diagnostics, *loaded.service);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_for_golden(result.diagnostics);

  std::string unit;
  std::string logrotate;
  std::string tmpfiles;
  std::string env_file;
  std::string timer;  // [schedule]
  for (const auto& artifact : result.artifacts) {
    if (artifact.file_name == loaded.service->name + ".service") {
      unit = artifact.content;
    } else if (artifact.file_name == loaded.service->name + ".logrotate") {
      logrotate = artifact.content;
    } else if (artifact.file_name == loaded.service->name + ".tmpfiles.conf") {
      tmpfiles = artifact.content;
    } else if (artifact.file_name == loaded.service->name + ".env") {
      env_file = artifact.content;
    } else if (artifact.file_name == loaded.service->name + ".timer") {
      timer = artifact.content;
    } else {
      ADD_FAILURE() << "unexpected artifact " << artifact.file_name;
    }
  }
  ASSERT_FALSE(unit.empty()) << "no unit rendered";
  check_golden(kGoldens / (name + ".service"), unit);
  check_golden(kGoldens / (name + ".logrotate"), logrotate);
  check_golden(kGoldens / (name + ".tmpfiles"), tmpfiles);
  check_golden(kGoldens / (name + ".env"), env_file);
  check_golden(kGoldens / (name + ".timer"), timer);
  check_golden(kGoldens / (name + ".diagnostics"), format_for_golden(result.diagnostics));
}

INSTANTIATE_TEST_SUITE_P(Cases, SystemdGolden, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string test_name = param_info.param;
                           std::replace(test_name.begin(), test_name.end(), '-', '_');
                           return test_name;
                         });

TEST(SystemdGoldenSuite, HasAtLeastTwelveCases) { EXPECT_GE(case_names().size(), 12U); }

// Every golden file belongs to a manifest (no stale goldens after a case is renamed).
TEST(SystemdGoldenSuite, NoOrphanGoldens) {
  const auto names = case_names();
  for (const auto& entry : fs::directory_iterator(kGoldens)) {
    const auto stem = entry.path().stem().string();
    if (entry.path().extension() == ".md") continue;
    EXPECT_NE(std::find(names.begin(), names.end(), stem), names.end())
        << entry.path() << " has no manifest in " << kManifests;
  }
}

}  // namespace
}  // namespace daemonize
