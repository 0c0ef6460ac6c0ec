#include <array>

#include "daemonize/import/import.hpp"

namespace daemonize::import {
namespace {

constexpr std::array kFormatNames{"systemd",  "launchd",         "nssm",
                                  "winsw",    "supervisord",     "pm2",
                                  "procfile", "windows-service", "windows-task"};

}  // namespace

const char* to_string(Format format) { return kFormatNames.at(static_cast<std::size_t>(format)); }

std::optional<Format> parse_format(std::string_view name) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) {
    if (name == kFormatNames.at(i)) return static_cast<Format>(i);
  }
  return std::nullopt;
}

bool is_supported(Format format) {
  return format == Format::systemd || format == Format::launchd || format == Format::nssm ||
         format == Format::winsw || format == Format::supervisord || format == Format::pm2 ||
         format == Format::procfile || format == Format::windows_service ||
         format == Format::windows_task;
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::carried:
      return "carried";
    case Outcome::approximated:
      return "approximated";
    case Outcome::dropped:
      return "dropped";
  }
  return "dropped";
}

std::string format_report_line(const ReportLine& line) {
  std::string out = line.file + ":" + std::to_string(line.line) + ": " + to_string(line.outcome) +
                    ": " + line.key;
  if (!line.note.empty()) out += " \xE2\x80\x94 " + line.note;  // U+2014 EM DASH
  return out;
}

ImportResult import_text(Format format, const SourceText& source,
                         const std::vector<SourceText>& dropins,
                         const std::optional<SourceText>& companion) {
  switch (format) {
    case Format::systemd:
      return import_systemd(source, dropins);
    case Format::launchd:
      return import_launchd(source);
    case Format::supervisord:
      return import_supervisord(source);
    case Format::procfile:
      return import_procfile(source);
    case Format::pm2:
      return import_pm2(source);
    case Format::nssm:
      return import_nssm(source);
    case Format::winsw:
      return import_winsw(source);
    case Format::windows_service:
      return import_windows_service(source, companion);
    case Format::windows_task:
      return import_windows_task(source, companion);
  }
  ImportResult result;
  result.errors.push_back(
      {source.path, 0, std::string("importing ") + to_string(format) + " is not supported yet"});
  return result;
}

}  // namespace daemonize::import
