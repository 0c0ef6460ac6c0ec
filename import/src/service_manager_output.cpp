#include "daemonize/import/service_manager_output.hpp"

namespace daemonize::import {
namespace {

// A line systemctl prints before each file: "# " and the absolute path of a unit or drop-in
// (a comment of the file itself rarely names one).
bool is_file_header(std::string_view line) {
  if (!line.starts_with("# /") || line.find(' ', 2) != std::string_view::npos) return false;
  return line.ends_with(".conf") || line.ends_with(".service");
}

}  // namespace

std::vector<SourceText> split_systemctl_cat(std::string_view output) {
  std::vector<SourceText> files;
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = output.size();
    const std::string_view line = output.substr(start, end - start);
    if (is_file_header(line)) {
      // The blank line before this header is systemctl's separator, not the file's.
      if (!files.empty() && files.back().text.ends_with("\n\n")) files.back().text.pop_back();
      files.push_back({std::string(line.substr(2)), ""});
    } else if (!files.empty()) {
      files.back().text += std::string(line) + (last ? "" : "\n");
    }
    start = end + 1;
  }
  return files;
}

std::optional<std::string> launchctl_print_path(std::string_view output) {
  // The service's own properties are indented by one tab; nested blocks by more.
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with("\tpath = ")) continue;
    line.remove_prefix(8);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) return std::string(line);
  }
  return std::nullopt;
}

}  // namespace daemonize::import
