// UTF-8 <-> UTF-16 at the Windows API boundary, error texts, handles, the environment.
#include <windows.h>

#include "daemonize/core/windows_text.hpp"
#include "windows_runtime.hpp"

namespace daemonize::windows {

std::wstring widen(std::string_view utf8) { return windows_text::widen(utf8); }

std::string narrow(std::wstring_view utf16) { return windows_text::narrow(utf16); }

std::filesystem::path to_path(const std::string& utf8) {
  return std::filesystem::path(widen(utf8));
}

std::string error_text(DWORD error) { return windows_text::error_text(error); }

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
