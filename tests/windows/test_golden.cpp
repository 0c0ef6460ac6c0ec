// Golden files: every tests/manifests/windows/<case>.toml rendered for windows-service
// (tests/golden/windows-service/<case>.cmd) and windows-task (tests/golden/windows-task/
// <case>.xml, exact UTF-16LE bytes, and <case>.cmd). A target that refuses the manifest must
// have no golden. DAEMONIZE_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing.
// The goldens are then checked by the targets' own tools: xmllint + XSD (check_task_xml.sh) and
// Wine's sc.exe / reg.exe / CreateProcess (wine_e2e.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/windows/backend.hpp"
#include "daemonize/windows/quoting.hpp"

namespace daemonize {
namespace {

namespace fs = std::filesystem;

const fs::path source_dir = DAEMONIZE_SOURCE_DIR;

bool update_mode() {
  const char* value = std::getenv("DAEMONIZE_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Golden file name of an artifact: <case>.<extension of the artifact>.
fs::path golden_path(const std::string& target, const std::string& case_name,
                     const Artifact& artifact) {
  return source_dir / "tests" / "golden" / target /
         (case_name + fs::path(artifact.file_name).extension().string());
}

std::vector<fs::path> manifests() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(source_dir / "tests/manifests/windows")) {
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Readable form of an artifact for failure messages (task XML is UTF-16).
std::string readable(const std::string& content) {
  if (content.size() >= 2 && content.substr(0, 2) == "\xFF\xFE") {
    return windows::utf8_from_utf16le(content);
  }
  return content;
}

class WindowsGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(WindowsGolden, MatchesRenderedArtifacts) {
  const std::string target = GetParam();
  const auto backend =
      target == "windows-service" ? make_windows_service_backend() : make_windows_task_backend();
  const auto all = manifests();
  ASSERT_FALSE(all.empty());
  std::vector<fs::path> expected_goldens;
  for (const auto& manifest : all) {
    const std::string case_name = manifest.stem().string();
    SCOPED_TRACE(manifest.string());
    const auto loaded = load_manifest_file(manifest.string(), TargetOs::windows);
    ASSERT_TRUE(loaded.service.has_value()) << "manifest does not load";
    // Rendered as for an explicit --target (render_explicit in the CLI): `render all` skips a
    // target the manifest does not select, but the renderer must still be exact for it.
    auto result = backend->render(*loaded.service, RenderOptions{});
    attach_positions(result.diagnostics, *loaded.service);
    if (has_errors(result.diagnostics)) continue;
    for (const auto& diagnostic : result.diagnostics) {
      std::cout << "  [" << target << " " << case_name << "] " << format_diagnostic(diagnostic)
                << '\n';
    }
    for (const auto& artifact : result.artifacts) {
      const auto path = golden_path(target, case_name, artifact);
      expected_goldens.push_back(path);
      if (update_mode()) {
        write_file(path, artifact.content);
        continue;
      }
      ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with DAEMONIZE_UPDATE_GOLDEN=1";
      const auto golden = read_file(path);
      EXPECT_EQ(golden, artifact.content)
          << path << " differs (DAEMONIZE_UPDATE_GOLDEN=1 rewrites it); rendered:\n"
          << readable(artifact.content);
    }
  }
  // No stale goldens: every file in the golden folder belongs to a rendered artifact.
  for (const auto& entry : fs::directory_iterator(source_dir / "tests" / "golden" / target)) {
    if (entry.path().filename().string().starts_with(".")) continue;
    const bool expected = std::find(expected_goldens.begin(), expected_goldens.end(),
                                    entry.path()) != expected_goldens.end();
    if (!expected && update_mode()) {
      fs::remove(entry.path());
      continue;
    }
    EXPECT_TRUE(expected) << entry.path() << " is not rendered from any manifest";
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, WindowsGolden,
                         ::testing::Values("windows-service", "windows-task"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param == "windows-service" ? std::string("service")
                                                                        : std::string("task");
                         });

}  // namespace
}  // namespace daemonize
