// deploy's Windows files (windows_*.cpp): core's UTF-8 <-> UTF-16 and SystemError from a Windows
// error code. Header-only; Windows builds only.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>

#include "daemonize/core/system_ops.hpp"
#include "daemonize/core/windows_text.hpp"

namespace daemonize::deploy::windows_text {

using daemonize::windows_text::narrow;
using daemonize::windows_text::widen;

// The system's text for `error` ("Access is denied."); "error N" when it has none.
inline std::string error_message(DWORD error) {
  const auto text = daemonize::windows_text::system_message(error);
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
