// Which format a file holds: the extension when it is telling, else the content.
#include <algorithm>
#include <filesystem>
#include <regex>

#include "daemonize/import/import.hpp"

namespace daemonize::import {
namespace {

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// `what` (ASCII) in `text` as UTF-8 or as UTF-16LE (a task XML as Windows writes it).
bool contains_either(std::string_view text, std::string_view what) {
  std::string wide;
  for (const char c : what) {
    wide += c;
    wide += '\0';
  }
  return contains(text, what) || contains(text, wide);
}

// Every non-blank, non-comment line is `name: command`.
bool looks_like_procfile(std::string_view text) {
  static const std::regex entry(R"(^[A-Za-z0-9_-]+:[ \t]*\S.*$)");
  bool any = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#') {
      if (!std::regex_match(line, entry)) return false;
      any = true;
    }
    start = end + 1;
  }
  return any;
}

}  // namespace

std::optional<Format> detect_format(const std::string& path, std::string_view text) {
  const std::string name = std::filesystem::path(path).filename().string();
  for (const std::string_view unit :
       {".service", ".socket", ".timer", ".target", ".mount", ".path"}) {
    if (ends_with(name, unit)) return Format::systemd;  // a non-service unit is refused by name
  }
  if (ends_with(name, ".plist")) return Format::launchd;
  // What daemonize renders for Windows: the task XML, the service's sc.exe install script.
  if (contains_either(text, "<Task ") &&
      contains_either(text, "http://schemas.microsoft.com/windows/2004/02/mit/task")) {
    return Format::windows_task;
  }
  if (contains(text, "\\System32\\sc.exe\" create ")) return Format::windows_service;
  if (ends_with(name, ".reg")) return Format::nssm;
  if (name == "Procfile" || name.starts_with("Procfile.") || ends_with(name, ".Procfile"))
    return Format::procfile;
  if (ends_with(name, ".xml") && contains(text, "<service")) return Format::winsw;
  if (contains(text, "[program:") || contains(text, "[supervisord]")) return Format::supervisord;
  if (contains(text, "[Service]") || (contains(text, "[Unit]") && contains(text, "ExecStart"))) {
    return Format::systemd;
  }
  if (text.starts_with("bplist00") || contains(text, "<!DOCTYPE plist") ||
      contains(text, "<plist")) {
    return Format::launchd;
  }
  if (contains(text, "Windows Registry Editor") || text.starts_with("\xFF\xFE")) {
    return Format::nssm;
  }
  if (contains(text, "<service>")) return Format::winsw;
  if (name.starts_with("ecosystem") &&
      (ends_with(name, ".js") || ends_with(name, ".cjs") || ends_with(name, ".mjs") ||
       ends_with(name, ".json") || ends_with(name, ".yaml") || ends_with(name, ".yml"))) {
    return Format::pm2;  // PM2's own file name; a .js one is refused with how to convert it
  }
  if ((ends_with(name, ".json") || ends_with(name, ".yaml") || ends_with(name, ".yml") ||
       ends_with(name, ".js") || ends_with(name, ".cjs")) &&
      contains(text, "apps")) {
    return Format::pm2;
  }
  if (looks_like_procfile(text)) return Format::procfile;
  return std::nullopt;
}

}  // namespace daemonize::import
