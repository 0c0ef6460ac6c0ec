// A failed Windows call as SystemError ("<operation> <subject>: <system message>"), and core's
// UTF-8 <-> UTF-16, for the platform files that call host APIs for deploy and the installers
// (deploy's WindowsSystemOps, the SCM API of backends/windows). They keep this text until they
// move to windows_text::windows_error() (HostError), whose text differs. Header-only; Windows
// builds only.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>

#include "daemonize/core/system_ops.hpp"
#include "daemonize/core/windows_text.hpp"

namespace daemonize::windows_call {

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

}  // namespace daemonize::windows_call
