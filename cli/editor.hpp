// Running the operator's editor for `daemonize edit`, one implementation per platform
// (editor_posix.cpp, editor_windows.cpp): the default editor, a private directory for the copy
// being edited, and whether standard input is a terminal to confirm on.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace daemonize::cli {

// The editor when neither VISUAL nor EDITOR is set: vi, on Windows notepad.
[[nodiscard]] const char* default_editor();

// Runs `command` (VISUAL/EDITOR, possibly with arguments: "code --wait") on `file` with this
// process's terminal, as git does (POSIX: sh -c 'COMMAND "$@"' COMMAND FILE). Returns the
// editor's exit status; 127 when it cannot be started.
int run_editor(const std::string& command, const std::string& file);

// A new directory only the calling user can read, under the temporary directory; std::nullopt
// (the reason on stderr) when it cannot be created.
[[nodiscard]] std::optional<std::filesystem::path> make_private_directory();

[[nodiscard]] bool stdin_is_terminal();

}  // namespace daemonize::cli
