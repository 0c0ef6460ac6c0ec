// The supervised program of the Wine e2e (wine_runtime_e2e.py): appends "started <pid>" to the
// marker file named by argv[1], writes five numbered lines to stdout and two to stderr (read back
// by `daemonize logs`), then sleeps until it is stopped. A CTRL_BREAK is recorded as
// "ctrl_break <pid>" before a clean exit; Ctrl+C (the watchdog's first stop step) ends it through
// the default handler.
#include <windows.h>

#include <cstdio>
#include <string>

namespace {

std::wstring g_marker;

void append(const char* what) {
  HANDLE file = CreateFileW(g_marker.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                            nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return;
  char line[64];
  const int length = std::snprintf(line, sizeof(line), "%s %lu\n", what, GetCurrentProcessId());
  DWORD written = 0;
  WriteFile(file, line, static_cast<DWORD>(length), &written, nullptr);
  CloseHandle(file);
}

BOOL WINAPI on_console_event(DWORD event) {
  if (event == CTRL_BREAK_EVENT) {
    append("ctrl_break");
    ExitProcess(0);
  }
  return FALSE;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 2) return 2;
  g_marker = argv[1];
  SetConsoleCtrlHandler(on_console_event, TRUE);
  append("started");
  for (int line = 1; line <= 5; ++line) {
    std::printf("marker_child %lu out %d\n", GetCurrentProcessId(), line);
  }
  std::fflush(stdout);
  for (int line = 1; line <= 2; ++line) {
    std::fprintf(stderr, "marker_child %lu err %d\n", GetCurrentProcessId(), line);
  }
  std::fflush(stderr);
  for (;;) Sleep(1000);
}
