#include <io.h>
#include <windows.h>

#include <cstdio>
#include <iostream>
#include <random>

#include "daemonize/core/windows_text.hpp"
#include "editor.hpp"

namespace daemonize::cli {

const char* default_editor() { return "notepad"; }

int run_editor(const std::string& command, const std::string& file) {
  // CreateProcessW splits the program from its arguments itself, so "code --wait" works.
  std::wstring command_line = windows_text::widen(command + " \"" + file + "\"");
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION process{};
  if (!CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                      &startup, &process)) {
    std::cerr << "daemonize: cannot start the editor '" << command
              << "': " << windows_text::error_text(GetLastError()) << '\n';
    return 127;
  }
  WaitForSingleObject(process.hProcess, INFINITE);
  DWORD status = 1;
  GetExitCodeProcess(process.hProcess, &status);
  CloseHandle(process.hThread);
  CloseHandle(process.hProcess);
  return static_cast<int>(status);
}

std::optional<std::filesystem::path> make_private_directory() {
  // %TEMP% is the user's own (C:\Users\<user>\AppData\Local\Temp); a fresh name in it.
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 16; ++attempt) {
    const auto candidate = base / ("daemonize-edit." + std::to_string(random()));
    std::error_code error;
    if (std::filesystem::create_directory(candidate, error)) return candidate;
  }
  std::cerr << "daemonize: cannot create a directory for the copy to edit in " << base.string()
            << '\n';
  return std::nullopt;
}

bool stdin_is_terminal() { return _isatty(_fileno(stdin)) != 0; }

}  // namespace daemonize::cli
