// deploy's Windows files (windows_*.cpp): UTF-8 <-> UTF-16 at the API boundary and SystemError
// from a Windows error code. Header-only so that it needs no build change; Windows builds only.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>

#include "daemonize/core/system_ops.hpp"

namespace daemonize::deploy::windows_text {

// Invalid UTF-8 becomes U+FFFD (no MB_ERR_INVALID_CHARS): the API then reports a path or name
// that does not exist rather than one that silently differs in valid characters.
inline std::wstring widen(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int size =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), size);
  return wide;
}

inline std::string narrow(std::wstring_view utf16) {
  if (utf16.empty()) return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()),
                                       nullptr, 0, nullptr, nullptr);
  std::string text(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), text.data(), size,
                      nullptr, nullptr);
  return text;
}

// FormatMessageW's text for `error` ("Access is denied."), without the trailing CR LF;
// "error N" when the system has no text for it.
inline std::string error_message(DWORD error) {
  wchar_t* buffer = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = length > 0 ? narrow(std::wstring_view(buffer, length)) : "";
  if (buffer) LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text.empty() ? "error " + std::to_string(error) : text;
}

// "<operation> <subject>: <message>"; access denied is Kind::permission_denied (exit 77).
[[noreturn]] inline void fail(const std::string& operation, const std::string& subject,
                              DWORD error) {
  throw SystemError(operation + " " + subject + ": " + error_message(error),
                    error == ERROR_ACCESS_DENIED ? SystemError::Kind::permission_denied
                                                 : SystemError::Kind::other);
}

[[noreturn]] inline void fail_last(const std::string& operation, const std::string& subject) {
  fail(operation, subject, GetLastError());
}

}  // namespace daemonize::deploy::windows_text
