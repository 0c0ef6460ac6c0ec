// Windows builds only (core/CMakeLists.txt): see windows_text.hpp.
#include "daemonize/core/windows_text.hpp"

#include <windows.h>

#include <algorithm>
#include <vector>

namespace daemonize::windows_text {

std::wstring widen(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int size =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), size);
  return wide;
}

std::string narrow(std::wstring_view utf16) {
  if (utf16.empty()) return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()),
                                       nullptr, 0, nullptr, nullptr);
  std::string text(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), text.data(), size,
                      nullptr, nullptr);
  return text;
}

std::string system_message(unsigned long error) {
  wchar_t* buffer = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = length > 0 ? narrow(std::wstring_view(buffer, length)) : "";
  if (buffer) LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string error_text(unsigned long error) {
  std::string text = system_message(error);
  while (!text.empty() && text.back() == '.') text.pop_back();
  if (text.empty()) text = "unknown error";
  return text + " (error " + std::to_string(error) + ")";
}

HostError windows_error(std::string operation, std::string subject, unsigned long error) {
  return HostError{
      std::move(operation), std::move(subject), error_text(error), static_cast<long>(error),
      error == ERROR_ACCESS_DENIED ? HostError::Kind::permission_denied : HostError::Kind::other};
}

void throw_windows_error(const std::string& operation, const std::string& subject,
                         unsigned long error) {
  throw SystemError(windows_error(operation, subject, error));
}

void throw_last_error(const std::string& operation, const std::string& subject) {
  throw_windows_error(operation, subject, GetLastError());
}

std::wstring environment_block(const std::map<std::string, std::string>& environment) {
  std::vector<std::wstring> entries;
  entries.reserve(environment.size());
  for (const auto& [name, value] : environment) entries.push_back(widen(name + "=" + value));
  std::sort(entries.begin(), entries.end(), [](const std::wstring& a, const std::wstring& b) {
    return CompareStringOrdinal(a.c_str(), -1, b.c_str(), -1, TRUE) == CSTR_LESS_THAN;
  });
  std::wstring block;
  for (const auto& entry : entries) {
    block += entry;
    block.push_back(L'\0');
  }
  block.push_back(L'\0');
  return block;
}

}  // namespace daemonize::windows_text
