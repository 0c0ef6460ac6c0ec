#include <algorithm>
#include <filesystem>

#include "daemonize/import/import.hpp"

namespace daemonize::import {

std::vector<std::string> systemd_dropin_paths(const std::string& unit_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  const fs::path directory = unit_path + ".d";
  std::error_code error;
  if (!fs::is_directory(directory, error)) return paths;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".conf") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  return paths;
}

}  // namespace daemonize::import
