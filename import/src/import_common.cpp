#include "import_common.hpp"

#include <cctype>

#include <algorithm>

namespace daemonize::import {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}
namespace {

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string service_name_from(std::string_view raw) {
  std::string name;
  for (const char c : raw) {
    if (name.size() == 64) break;
    const bool ok = is_alnum(c) || (!name.empty() && (c == '_' || c == '.' || c == '-'));
    if (ok) {
      name += c;
    } else if (!name.empty()) {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "service" : name;
}

bool is_account_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  const char first = name.front();
  if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || first == '_')) {
    return false;
  }
  for (std::size_t i = 1; i < name.size(); ++i) {
    const char c = name[i];
    if (is_alnum(c) || c == '_' || c == '.' || c == '-') continue;
    if (c == '$' && i + 1 == name.size()) continue;
    return false;
  }
  return true;
}

bool is_variable_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

void sort_report(std::vector<ReportLine>& report, const std::vector<std::string>& files) {
  auto rank = [&](const std::string& file) {
    return std::find(files.begin(), files.end(), file) - files.begin();
  };
  std::stable_sort(report.begin(), report.end(), [&](const ReportLine& a, const ReportLine& b) {
    const auto ra = rank(a.file);
    const auto rb = rank(b.file);
    return ra != rb ? ra < rb : a.line < b.line;
  });
}

int first_non_utf8_line(std::string_view text) {
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') ++line;
    std::size_t length = 1;
    unsigned long code = 0;
    if (byte >= 0x80) {
      if (byte >= 0xC2 && byte <= 0xDF) {
        length = 2;
        code = byte & 0x1FU;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        length = 3;
        code = byte & 0x0FU;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        length = 4;
        code = byte & 0x07U;
      } else {
        return line;
      }
      if (i + length > text.size()) return line;
      for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0U) != 0x80U) return line;
        code = (code << 6U) | (next & 0x3FU);
      }
      const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
      if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return line;
    }
    i += length;
  }
  return 0;
}

std::optional<ImportError> not_text_error(const SourceText& source) {
  if (const int line = first_non_utf8_line(source.text); line != 0) {
    return ImportError{source.path, line, "not UTF-8 text"};
  }
  if (const int line = first_control_character_line(source.text); line != 0) {
    return ImportError{source.path, line, "a control character: not a text file"};
  }
  return std::nullopt;
}

int first_control_character_line(std::string_view text) {
  int line = 1;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') ++line;
    if ((byte < 0x20 && c != '\t' && c != '\r' && c != '\n') || byte == 0x7f) return line;
  }
  return 0;
}

bool is_log_file(std::string_view directory, std::string_view file) {
  const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (std::any_of(directory.begin(), directory.end(), control) ||
      std::any_of(file.begin(), file.end(), control)) {
    return false;
  }
  return !file.empty() && file != "." && file != ".." && file != "inherit" && file != "null" &&
         file.find('\\') == std::string_view::npos;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace daemonize::import
