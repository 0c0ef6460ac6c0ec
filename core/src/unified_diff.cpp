#include "daemonize/core/unified_diff.hpp"

#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace daemonize {
namespace {

// Lines without their terminator; `missing_newline` reports an unterminated last line.
std::vector<std::string> split_lines(std::string_view text, bool& missing_newline) {
  std::vector<std::string> lines;
  missing_newline = !text.empty() && text.back() != '\n';
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         const std::string& old_label, const std::string& new_label) {
  if (old_text == new_text) return "";
  bool old_unterminated = false;
  bool new_unterminated = false;
  auto old_lines = split_lines(old_text, old_unterminated);
  auto new_lines = split_lines(new_text, new_unterminated);
  // A last line that lost or gained its newline differs; mark it so dtl sees the change.
  if (old_unterminated != new_unterminated) {
    if (old_unterminated && !old_lines.empty())
      old_lines.back() += "\n\\ No newline at end of file";
    if (new_unterminated && !new_lines.empty())
      new_lines.back() += "\n\\ No newline at end of file";
  }
  dtl::Diff<std::string, std::vector<std::string>> diff(old_lines, new_lines);
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream out;
  out << "--- " << old_label << "\n+++ " << new_label << "\n";
  std::ostringstream hunks;
  diff.printUnifiedFormat(hunks);
  auto text = hunks.str();
  // diff(1) numbers an empty side's range from 0 ("@@ -0,0 +1,3 @@"); dtl starts at 1.
  if (old_lines.empty() && text.starts_with("@@ -1,0 ")) text.replace(0, 8, "@@ -0,0 ");
  if (new_lines.empty()) {
    const auto plus = text.find(" +1,0 @@");
    if (plus != std::string::npos) text.replace(plus, 8, " +0,0 @@");
  }
  out << text;
  return out.str();
}

}  // namespace daemonize
