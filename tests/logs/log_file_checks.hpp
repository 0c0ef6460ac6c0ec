// Shared by the integration tests: temporary directories and reading rotated logs back.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/watchdog/log_rotation.hpp"
#include "numbered_lines.hpp"

namespace daemonize::logs::testing {

namespace fs = std::filesystem;

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = (fs::temp_directory_path() / "dz-logs-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string gunzip(const fs::path& path) {
  gzFile gz = ::gzopen(path.c_str(), "rb");
  EXPECT_NE(gz, nullptr) << path;
  if (gz == nullptr) return "";
  std::string out;
  char buffer[65536];
  int got = 0;
  while ((got = ::gzread(gz, buffer, sizeof buffer)) > 0) {
    out.append(buffer, static_cast<std::size_t>(got));
  }
  EXPECT_EQ(got, 0);
  ::gzclose(gz);
  return out;
}

// Rotated files of `name` in name order (decompressed), then the live file.
inline std::vector<std::string> segments(const std::string& directory, const std::string& name) {
  std::vector<std::string> rotated;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string file = entry.path().filename().string();
    if (is_rotated_file_name(name, file)) rotated.push_back(file);
  }
  std::sort(rotated.begin(), rotated.end());
  std::vector<std::string> out;
  for (const auto& file : rotated) {
    const fs::path path = fs::path(directory) / file;
    out.push_back(file.ends_with(".gz") ? gunzip(path) : read_file(path));
  }
  const fs::path live = fs::path(directory) / name;
  if (fs::exists(live)) out.push_back(read_file(live));
  return out;
}

inline std::size_t rotated_count(const std::string& directory, const std::string& name) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (is_rotated_file_name(name, entry.path().filename().string())) ++count;
  }
  return count;
}

// Every line of the concatenated segments is whole, and each stream's numbers run 0..n-1.
inline void expect_every_line_once_in_order(const std::vector<std::string>& parts, int per_stream,
                                            bool timestamps) {
  int next_out = 0;
  int next_err = 0;
  std::size_t torn = 0;
  for (const auto& part : parts) {
    ASSERT_TRUE(part.empty() || part.back() == '\n') << "a file ends inside a line";
    std::size_t start = 0;
    while (start < part.size()) {
      const std::size_t end = part.find('\n', start);
      std::string line = part.substr(start, end - start + 1);
      start = end + 1;
      if (timestamps) {
        if (line.size() < 28 || line[4] != '-' || line[26] != 'Z' || line[27] != ' ') {
          ++torn;
          continue;
        }
        line = line.substr(28);
      }
      const bool is_out = line.starts_with("out ");
      const bool is_err = line.starts_with("err ");
      const std::size_t space = line.find(' ', 4);
      if ((!is_out && !is_err) || space == std::string::npos) {
        ++torn;
        continue;
      }
      const int number = std::atoi(line.c_str() + 4);
      if (line != numbered_line(is_out ? "out" : "err", number)) {
        ++torn;
        continue;
      }
      int& expected = is_out ? next_out : next_err;
      ASSERT_EQ(number, expected) << (is_out ? "stdout" : "stderr") << " out of order";
      ++expected;
    }
  }
  EXPECT_EQ(torn, 0u);
  EXPECT_EQ(next_out, per_stream);
  EXPECT_EQ(next_err, per_stream);
}

}  // namespace daemonize::logs::testing
