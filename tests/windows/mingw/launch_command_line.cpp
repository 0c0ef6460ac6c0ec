// launch_command_line FILE: reads a UTF-8 command line from FILE and starts it with
// CreateProcessW(NULL, line), as the SCM starts an ImagePath and Task Scheduler its action, so
// the child's argv comes from Windows' own parsing of exactly the rendered text.
#include <windows.h>

#include <cstdio>
#include <string>
#include <vector>

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) {
    std::fputs("usage: launch_command_line FILE\n", stderr);
    return 2;
  }
  FILE* in = _wfopen(argv[1], L"rb");
  if (in == nullptr) return 3;
  std::string utf8;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, in)) > 0;) utf8.append(buffer, n);
  std::fclose(in);
  while (!utf8.empty() && (utf8.back() == '\n' || utf8.back() == '\r')) utf8.pop_back();

  const int length =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::vector<wchar_t> line(static_cast<std::size_t>(length) + 1, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), line.data(), length);

  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process{};
  if (!CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup,
                      &process)) {
    std::fprintf(stderr, "launch_command_line: CreateProcessW failed: error %lu\n", GetLastError());
    return 120;
  }
  WaitForSingleObject(process.hProcess, INFINITE);
  DWORD exit_code = 0;
  GetExitCodeProcess(process.hProcess, &exit_code);
  CloseHandle(process.hThread);
  CloseHandle(process.hProcess);
  return static_cast<int>(exit_code);
}
