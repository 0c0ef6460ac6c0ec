// UTF-8 <-> UTF-16 at the Windows API boundary, and the system's text of an error code: what
// every Windows platform file (deploy, cli, the watchdog, the SCM host) needs. Implemented in
// core/src/windows_text.cpp, compiled for Windows only; this header has no <windows.h>.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "daemonize/core/host_error.hpp"

namespace daemonize::windows_text {

// Invalid UTF-8 becomes U+FFFD (no MB_ERR_INVALID_CHARS): an API then reports a path or name
// that does not exist rather than one that silently differs in valid characters.
[[nodiscard]] std::wstring widen(std::string_view utf8);
[[nodiscard]] std::string narrow(std::wstring_view utf16);

// FormatMessageW's text for a Win32 error code ("Access is denied."), without the trailing line
// break; "" when the system has none.
[[nodiscard]] std::string system_message(unsigned long error);

// The one text of a Win32 error code in messages: "Access is denied (error 5)".
[[nodiscard]] std::string error_text(unsigned long error);

// The HostError of a failed Win32 call; ERROR_ACCESS_DENIED is Kind::permission_denied.
[[nodiscard]] HostError windows_error(std::string operation, std::string subject,
                                      unsigned long error);

// Throws SystemError(windows_error(...)): for host operations that cannot go on (deploy's
// WindowsSystemOps, the SCM API). `throw_last_error` reads GetLastError().
[[noreturn]] void throw_windows_error(const std::string& operation, const std::string& subject,
                                      unsigned long error);
[[noreturn]] void throw_last_error(const std::string& operation, const std::string& subject);

// "NAME=value\0...\0\0", sorted by name without regard to case, as CreateProcessW expects for
// CREATE_UNICODE_ENVIRONMENT (the program's and the exec health probe's environment).
[[nodiscard]] std::wstring environment_block(const std::map<std::string, std::string>& environment);

}  // namespace daemonize::windows_text
