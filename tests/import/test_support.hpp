// Helpers of the import unit tests: the report as lines, manifests through the real loader.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"

namespace daemonize::import::test {

inline std::vector<std::string> report_lines(const ImportResult& result) {
  std::vector<std::string> lines;
  for (const auto& line : result.report) lines.push_back(format_report_line(line));
  return lines;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loads every imported manifest with the real loader; returns the models.
inline std::vector<Service> load_all(const ImportResult& result) {
  std::vector<Service> services;
  for (const auto& imported : result.services) {
    auto loaded = load_manifest_text(imported.manifest, imported.name + ".toml", TargetOs::linux);
    std::string diagnostics;
    for (const auto& d : loaded.diagnostics) diagnostics += format_diagnostic(d) + "\n";
    EXPECT_TRUE(loaded.service.has_value()) << imported.manifest << diagnostics;
    if (loaded.service) services.push_back(*loaded.service);
  }
  return services;
}

inline std::string example(const std::string& relative) {
  return std::string(DAEMONIZE_IMPORT_EXAMPLES) + "/" + relative;
}

}  // namespace daemonize::import::test
