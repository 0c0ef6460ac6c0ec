// An ordered systemd unit file: sections of `Key=value` lines. Values arrive already escaped;
// the writer refuses (std::logic_error) any value that could end its line, so no value can add
// a key, a section or a line whatever a renderer bug lets through.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daemonize::systemd {

class UnitFile {
 public:
  // Appends `Key=value` to `section` (created at the end on first use).
  void add(std::string_view section, std::string_view key, std::string value);
  // Replaces the value of the first `Key=` in `section`, or appends it when absent.
  void set(std::string_view section, std::string_view key, std::string value);
  [[nodiscard]] bool has(std::string_view section, std::string_view key) const;

  // The file: `header` comment lines first ("# " added), then each section.
  [[nodiscard]] std::string text(const std::vector<std::string>& header) const;

 private:
  struct Section {
    std::string name;
    std::vector<std::pair<std::string, std::string>> lines;
  };
  Section& section(std::string_view name);

  std::vector<Section> sections_;
};

}  // namespace daemonize::systemd
