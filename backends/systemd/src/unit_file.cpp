#include "daemonize/systemd/unit_file.hpp"

#include <algorithm>
#include <stdexcept>

namespace daemonize::systemd {
namespace {

void require_single_line(std::string_view what, std::string_view text) {
  const bool breaks_line = std::any_of(text.begin(), text.end(),
                                       [](char c) { return c == '\n' || c == '\r' || c == '\0'; });
  std::size_t trailing_backslashes = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '\\'; ++it) ++trailing_backslashes;
  if (breaks_line || trailing_backslashes % 2 == 1) {
    throw std::logic_error("systemd unit writer: " + std::string(what) +
                           " would span lines; the renderer must escape or reject it");
  }
}

}  // namespace

UnitFile::Section& UnitFile::section(std::string_view name) {
  for (auto& existing : sections_) {
    if (existing.name == name) return existing;
  }
  require_single_line("section name", name);
  sections_.push_back({std::string(name), {}});
  return sections_.back();
}

void UnitFile::add(std::string_view section_name, std::string_view key, std::string value) {
  require_single_line(key, key);
  require_single_line(key, value);
  section(section_name).lines.emplace_back(std::string(key), std::move(value));
}

void UnitFile::set(std::string_view section_name, std::string_view key, std::string value) {
  auto& lines = section(section_name).lines;
  for (auto& [existing_key, existing_value] : lines) {
    if (existing_key == key) {
      require_single_line(key, value);
      existing_value = std::move(value);
      return;
    }
  }
  add(section_name, key, std::move(value));
}

bool UnitFile::has(std::string_view section_name, std::string_view key) const {
  for (const auto& existing : sections_) {
    if (existing.name != section_name) continue;
    return std::any_of(existing.lines.begin(), existing.lines.end(),
                       [&](const auto& line) { return line.first == key; });
  }
  return false;
}

std::string UnitFile::text(const std::vector<std::string>& header) const {
  std::string out;
  for (const auto& comment : header) {
    require_single_line("header", comment);
    out += "# " + comment + "\n";
  }
  for (const auto& current : sections_) {
    if (!out.empty()) out += '\n';
    out += '[' + current.name + "]\n";
    for (const auto& [key, value] : current.lines) out += key + '=' + value + '\n';
  }
  return out;
}

}  // namespace daemonize::systemd
