// How a Windows command line is built (CommandLineToArgvW and the MSVC runtime) and what an
// absolute Windows path is: rules the windows-service/task renderers (backends/windows) and the
// Windows watchdog (CreateProcessW of the child and the exec probe) must agree on. Pure
// functions, compiled on every host; unit-tested in tests/windows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace daemonize::windows {

// Quotes one argument so that CommandLineToArgvW and the MSVC runtime give back exactly
// `argument`: backslashes before a quote (and before the closing quote) are doubled and the
// quote is escaped as \". Plain arguments stay bare unless `always_quote`.
[[nodiscard]] std::string quote_argument(std::string_view argument, bool always_quote = false);

// Quotes the program (argv[0]) of a command line. argv[0] has no escapes at all: everything
// between the quotes is taken literally, so it is always quoted (an unquoted path with spaces is
// the CWE-428 "unquoted service path" hole). Precondition: `program` holds no '"' (not a legal
// character in Windows paths; is_absolute_windows_path() rejects it).
[[nodiscard]] std::string quote_program(std::string_view program);

// The arguments quoted and joined by single spaces (what Task Scheduler's <Arguments> holds).
[[nodiscard]] std::string join_arguments(const std::vector<std::string>& arguments);

// The full command line: quote_program(program) followed by join_arguments(arguments).
[[nodiscard]] std::string command_line(std::string_view program,
                                       const std::vector<std::string>& arguments);

// True for "C:\dir\app.exe", "C:/dir/app.exe" and UNC "\\server\share\app.exe", with none of
// the characters Windows forbids in paths (" < > | ? * and control characters).
[[nodiscard]] bool is_absolute_windows_path(std::string_view path);

// True when `text` holds a character below 0x20 or DEL (none can be written into a .cmd line).
[[nodiscard]] bool has_control_characters(std::string_view text);

}  // namespace daemonize::windows
