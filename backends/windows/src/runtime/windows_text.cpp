// UTF-8 <-> UTF-16 at the Windows API boundary, error texts, handles, the environment.
#include <windows.h>

#include "windows_runtime.hpp"

namespace daemonize::windows {

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

std::filesystem::path to_path(const std::string& utf8) {
  return std::filesystem::path(widen(utf8));
}

std::string error_text(DWORD error) {
  wchar_t* buffer = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = length > 0 ? narrow(std::wstring_view(buffer, length)) : "";
  if (buffer) LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.'))
    text.pop_back();
  if (text.empty()) text = "unknown error";
  return text + " (error " + std::to_string(error) + ")";
}

std::string last_error_text() { return error_text(GetLastError()); }

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> environment;
  wchar_t* block = GetEnvironmentStringsW();
  if (!block) return environment;
  for (const wchar_t* entry = block; *entry; entry += wcslen(entry) + 1) {
    const std::string text = narrow(entry);
    // Entries like "=C:=C:\dir" (per-drive current directories) start with '='.
    const auto equals = text.find('=', 1);
    if (equals == std::string::npos || text.front() == '=') continue;
    environment.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  FreeEnvironmentStringsW(block);
  return environment;
}

UniqueHandle& UniqueHandle::operator=(UniqueHandle&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

HANDLE UniqueHandle::release() {
  HANDLE handle = handle_;
  handle_ = nullptr;
  return handle;
}

void UniqueHandle::reset(HANDLE handle) {
  if (valid()) CloseHandle(handle_);
  handle_ = handle;
}

}  // namespace daemonize::windows
