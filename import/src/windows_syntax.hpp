// What the NSSM and WinSW readers share: Windows command lines (CommandLineToArgvW's rules),
// %VAR% references and Windows paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

// The arguments of a command line as CommandLineToArgvW splits it. With `program_first` the first
// word is read the way CreateProcess reads a program name (quotes delimit it, backslashes are
// literal); the other words follow the MSVC rules (2n backslashes + `"` → n backslashes and a
// quote toggle, 2n+1 → n backslashes and a literal `"`, `""` inside quotes → `"`).
[[nodiscard]] std::vector<std::string> split_windows_command_line(std::string_view text,
                                                                  bool program_first);

// A service's ImagePath as the SCM runs it: like `split_windows_command_line(text, true)`, but an
// unquoted program path with spaces ("C:\Program Files\x\x.exe -a") ends at the first ".exe"
// followed by a space, as CreateProcess's search for the program finds it.
[[nodiscard]] std::vector<std::string> split_image_path(std::string_view text);

// Text with Windows %NAME% references as manifest text: `%NAME%` → `${NAME}` (the watchdog reads
// it from its environment when the program starts), `$` doubled. Each reference is noted once in
// `references` ("%NAME%"); `%` that starts no reference is kept.
[[nodiscard]] std::string windows_to_manifest_text(std::string_view text,
                                                   std::vector<std::string>& references);

// `C:\…`, `C:/…` or `\\server\share…`.
[[nodiscard]] bool is_windows_absolute_path(std::string_view path);

// The file name of a Windows or POSIX path, lowercased ("NSSM.EXE" → "nssm.exe").
[[nodiscard]] std::string lowercase_file_name(std::string_view path);

// A Windows path split at its last separator: {directory, file}; {"", path} when there is none.
[[nodiscard]] std::pair<std::string, std::string> split_windows_path(std::string_view path);

// "%a, %b and %c" for the notes.
[[nodiscard]] std::string windows_references_note(const std::vector<std::string>& references);

}  // namespace daemonize::import

namespace daemonize::import {

// A program path from a Windows definition as manifest text. A path that is not absolute (the
// tool searched PATH) becomes `${STEM_EXE}` ("java" → `${JAVA_EXE}`), which the watchdog reads
// from its environment; `notes` says so.
[[nodiscard]] std::string windows_program(std::string_view raw, bool expand,
                                          std::vector<std::string>& notes);

}  // namespace daemonize::import
