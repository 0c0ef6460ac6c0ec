#include "windows_syntax.hpp"

#include <algorithm>

#include "import_common.hpp"
#include "manifest_draft.hpp"

namespace daemonize::import {

std::vector<std::string> split_windows_command_line(std::string_view text, bool program_first) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (program_first) {
    while (i < text.size() && blank(text[i])) ++i;
    if (i < text.size()) {
      std::string program;
      if (text[i] == '"') {
        const auto close = text.find('"', i + 1);
        program = std::string(text.substr(
            i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1));
        i = close == std::string_view::npos ? text.size() : close + 1;
      }
      while (i < text.size() && !blank(text[i])) program += text[i++];
      words.push_back(std::move(program));
    }
  }
  while (true) {
    while (i < text.size() && blank(text[i])) ++i;
    if (i >= text.size()) break;
    std::string word;
    bool quoted = false;
    while (i < text.size() && (quoted || !blank(text[i]))) {
      if (text[i] == '\\') {
        std::size_t count = 0;
        while (i < text.size() && text[i] == '\\') {
          ++count;
          ++i;
        }
        if (i < text.size() && text[i] == '"') {
          word.append(count / 2, '\\');
          if (count % 2 == 1) {
            word += '"';
            ++i;
          }
        } else {
          word.append(count, '\\');
        }
        continue;
      }
      if (text[i] == '"') {
        if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
          word += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        ++i;
        continue;
      }
      word += text[i++];
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::vector<std::string> split_image_path(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos || text[first] == '"') {
    return split_windows_command_line(text, true);
  }
  std::string lower(text.substr(first));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto exe = lower.find(".exe");
  while (exe != std::string::npos && exe + 4 < lower.size() && lower[exe + 4] != ' ' &&
         lower[exe + 4] != '\t') {
    exe = lower.find(".exe", exe + 1);
  }
  const auto blank = lower.find_first_of(" \t");
  if (exe == std::string::npos || blank >= exe) return split_windows_command_line(text, true);
  std::vector<std::string> words{std::string(text.substr(first, exe + 4))};
  for (auto& word : split_windows_command_line(text.substr(first + exe + 4), false)) {
    words.push_back(std::move(word));
  }
  return words;
}

std::string windows_to_manifest_text(std::string_view text, std::vector<std::string>& references) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$') {
      out += "$$";
      continue;
    }
    if (text[i] == '%') {
      const auto close = text.find('%', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, close - i - 1);
        if (is_variable_name(name)) {
          out += "${" + std::string(name) + "}";
          const std::string reference = "%" + std::string(name) + "%";
          if (std::find(references.begin(), references.end(), reference) == references.end()) {
            references.push_back(reference);
          }
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

bool is_windows_absolute_path(std::string_view path) {
  const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (path.size() >= 3 && letter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/'))
    return true;
  return path.size() >= 3 && path[0] == '\\' && path[1] == '\\' && path[2] != '\\';
}

std::string lowercase_file_name(std::string_view path) {
  const auto slash = path.find_last_of("\\/");
  std::string name(slash == std::string_view::npos ? path : path.substr(slash + 1));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

std::pair<std::string, std::string> split_windows_path(std::string_view path) {
  const auto slash = path.find_last_of("\\/");
  if (slash == std::string_view::npos) return {"", std::string(path)};
  std::string directory(path.substr(0, slash));
  if (directory.size() == 2 && directory[1] == ':') directory += '\\';  // "C:" → "C:\"
  return {directory, std::string(path.substr(slash + 1))};
}

std::string windows_references_note(const std::vector<std::string>& references) {
  std::vector<std::string> variables;
  variables.reserve(references.size());
  for (const auto& reference : references) {
    variables.push_back("${" + reference.substr(1, reference.size() - 2) + "}");
  }
  return join(references, ", ") + " as " + join(variables, ", ") +
         ": read from the watchdog's environment when the program starts";
}

}  // namespace daemonize::import

namespace daemonize::import {

std::string windows_program(std::string_view raw, bool expand, std::vector<std::string>& notes) {
  std::vector<std::string> references;
  std::string text =
      expand ? windows_to_manifest_text(raw, references) : escape_interpolation(std::string(raw));
  if (!references.empty()) notes.push_back(windows_references_note(references));
  if (is_windows_absolute_path(raw) || text.starts_with("${")) return text;
  std::string stem = lowercase_file_name(raw);
  if (stem.ends_with(".exe")) stem.resize(stem.size() - 4);
  std::string variable;
  for (const char c : stem) {
    variable += is_variable_name(std::string(1, c)) || (c >= '0' && c <= '9')
                    ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                    : '_';
  }
  if (variable.empty() || (variable.front() >= '0' && variable.front() <= '9'))
    variable = "PROGRAM";
  variable += "_EXE";
  notes.push_back("\"" + std::string(raw) + "\" was looked up in PATH; the manifest needs a full " +
                  "path: ${" + variable + "} (set it in the environment, or write the path)");
  return "${" + variable + "}";
}

}  // namespace daemonize::import
