// The supervised programs of the stop and exec-probe e2e (wine_stop_health_e2e.py), one per mode.
// Each appends "started <pid>" to the marker file (argv[2]) and then waits to be stopped:
//   ctrl-c    handles Ctrl+C (and Ctrl+Break): appends "ctrl_c <pid>" ("ctrl_break <pid>") and
//             exits 0 (a shutdown hook that ran)
//   window    ignores Ctrl+C, owns a top-level window: WM_CLOSE appends "wm_close <pid>", exit 0
//   queue     ignores Ctrl+C, has a message queue but no window: WM_QUIT appends "wm_quit <pid>"
//   stubborn  ignores Ctrl+C, has no window and no message queue, and starts a grandchild
//             (mode `sleeper`, "sleeper <pid>") that ignores everything too
//   sleeper   as stubborn, without a grandchild
// and one mode that is the exec health probe itself:
//   probe FILE  exits 0 when FILE exists, 1 otherwise
//   probe-hang FILE  appends "probe <pid>" to FILE, starts a `sleeper` and never exits
// and one that ends by itself, a [service] type = "oneshot" task (wine_service_type_e2e.py):
//   oneshot FILE SECONDS CODE  appends "started <pid>", sleeps, appends "finished <pid>", exits
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
  if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT) {
    append(event == CTRL_C_EVENT ? "ctrl_c" : "ctrl_break");
    ExitProcess(0);
  }
  return FALSE;
}

LRESULT CALLBACK window_procedure(HWND window, UINT message, WPARAM wparam, LPARAM lparam) {
  if (message == WM_CLOSE) {
    append("wm_close");
    ExitProcess(0);
  }
  return DefWindowProcW(window, message, wparam, lparam);
}

int run_window() {
  WNDCLASSW window_class{};
  window_class.lpfnWndProc = window_procedure;
  window_class.hInstance = GetModuleHandleW(nullptr);
  window_class.lpszClassName = L"daemonize_stop_child";
  if (!RegisterClassW(&window_class)) {
    append("no_window_class");
    return 3;
  }
  HWND window = CreateWindowExW(0, window_class.lpszClassName, L"stop child", WS_OVERLAPPEDWINDOW,
                                0, 0, 100, 100, nullptr, nullptr, window_class.hInstance, nullptr);
  if (!window) {
    append("no_window");
    return 3;
  }
  append("window");
  MSG message;
  while (GetMessageW(&message, nullptr, 0, 0) > 0) {
    TranslateMessage(&message);
    DispatchMessageW(&message);
  }
  append("wm_quit");
  return 0;
}

void start_sleeper() {
  wchar_t self[MAX_PATH];
  GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring command_line = L"\"" + std::wstring(self) + L"\" sleeper \"" + g_marker + L"\"";
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION info{};
  if (CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                     &startup, &info)) {
    CloseHandle(info.hThread);
    CloseHandle(info.hProcess);
  }
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 3) return 2;
  const std::wstring mode = argv[1];
  if (mode == L"probe") return GetFileAttributesW(argv[2]) == INVALID_FILE_ATTRIBUTES ? 1 : 0;
  g_marker = argv[2];
  if (mode == L"oneshot" && argc >= 5) {
    append("started");
    Sleep(static_cast<DWORD>(_wtoi(argv[3])) * 1000);
    append("finished");
    return _wtoi(argv[4]);
  }
  if (mode == L"probe-hang") {
    append("probe");
    start_sleeper();
    for (;;) Sleep(1000);
  }
  if (mode == L"ctrl-c") {
    SetConsoleCtrlHandler(on_console_event, TRUE);
  } else {
    SetConsoleCtrlHandler(nullptr, TRUE);  // Ctrl+C does nothing here
  }
  append(mode == L"sleeper" ? "sleeper" : "started");
  std::printf("stop_child %ls %lu running\n", mode.c_str(), GetCurrentProcessId());
  std::fflush(stdout);
  if (mode == L"window") return run_window();
  if (mode == L"queue") {
    MSG message;
    PeekMessageW(&message, nullptr, 0, 0, PM_NOREMOVE);  // creates this thread's queue
    append("queue");
    while (GetMessageW(&message, nullptr, 0, 0) > 0) DispatchMessageW(&message);
    append("wm_quit");
    return 0;
  }
  if (mode == L"stubborn") start_sleeper();
  for (;;) Sleep(1000);
}
