// Text rules of the Windows targets: how a command line is split (CommandLineToArgvW and the
// MSVC runtime), how cmd.exe reads a line of a .cmd file, XML text, and UTF-16LE output.
// Pure functions; every rule is unit-tested and proven under Wine (tests/windows). The command-line
// quoting the watchdog shares (CreateProcessW) is core's (command_line_quoting.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/command_line_quoting.hpp"
#include "daemonize/core/utf16le.hpp"

namespace daemonize::windows {

// Escapes a command line for one line of a .cmd batch file so that cmd.exe passes exactly
// `line` to the program: '%' becomes "%%" everywhere (percent expansion ignores quotes), and
// outside cmd's quote state (which flips at every '"') the metacharacters ^ & | < > ( ) get a
// caret. The file must run with delayed expansion disabled (the scripts say so). Precondition:
// no CR, LF or NUL in `line` (has_control_characters()).
[[nodiscard]] std::string escape_cmd_line(std::string_view line);

// True when `text` holds a %NAME% pattern that Windows would expand (Task Scheduler expands
// environment variables in an action's Command, Arguments and WorkingDirectory).
[[nodiscard]] bool has_percent_variable(std::string_view text);

// UTF-16LE output (core's, which deploy's diff also reads).
using daemonize::utf16le_with_bom;
using daemonize::utf8_from_utf16le;

}  // namespace daemonize::windows
