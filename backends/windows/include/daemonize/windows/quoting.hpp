// Text rules of the Windows targets: how a command line is split (CommandLineToArgvW and the
// MSVC runtime), how cmd.exe reads a line of a .cmd file, XML text, and UTF-16LE output.
// Pure functions; every rule is unit-tested and proven under Wine (tests/windows).
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

// Escapes a command line for one line of a .cmd batch file so that cmd.exe passes exactly
// `line` to the program: '%' becomes "%%" everywhere (percent expansion ignores quotes), and
// outside cmd's quote state (which flips at every '"') the metacharacters ^ & | < > ( ) get a
// caret. The file must run with delayed expansion disabled (the scripts say so). Precondition:
// no CR, LF or NUL in `line` (has_control_characters()).
[[nodiscard]] std::string escape_cmd_line(std::string_view line);

// True for "C:\dir\app.exe", "C:/dir/app.exe" and UNC "\\server\share\app.exe", with none of
// the characters Windows forbids in paths (" < > | ? * and control characters).
[[nodiscard]] bool is_absolute_windows_path(std::string_view path);

// True when `text` holds a %NAME% pattern that Windows would expand (Task Scheduler expands
// environment variables in an action's Command, Arguments and WorkingDirectory).
[[nodiscard]] bool has_percent_variable(std::string_view text);

// True when `text` holds a character below 0x20 or DEL (none can be written into a .cmd line).
[[nodiscard]] bool has_control_characters(std::string_view text);


// UTF-8 to UTF-16LE bytes with a byte order mark, as Windows writes exported task XML.
// Invalid UTF-8 sequences become U+FFFD.
[[nodiscard]] std::string utf16le_with_bom(std::string_view utf8);

// The reverse (for tests and diffs): UTF-16LE with or without a BOM to UTF-8.
[[nodiscard]] std::string utf8_from_utf16le(std::string_view utf16le);

}  // namespace daemonize::windows
