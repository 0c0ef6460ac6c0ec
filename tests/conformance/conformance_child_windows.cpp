// The program every conformance row supervises, for Windows (cross-built with mingw-w64 and run
// under Wine's SCM by the watchdog). Same arguments and events as conformance_child.cpp:
//
//   conformance_child.exe --events FILE [--plan SECS:OUTCOME,...] [--stop exit|ignore]
//                         [--env NAME]... [--print] [--listen PORT --listen-after SECS]
//                         [--grandchild]
//
// Windows has no signals: a console control event is reported as `signal INT` (CTRL_C_EVENT) or
// `signal BREAK` (CTRL_BREAK_EVENT), WM_CLOSE to its window as `signal CLOSE`. The grandchild is
// this program again (`--grandchild-sleep`), started in the same Job.
// winsock2.h must come before windows.h.
#include <winsock2.h>
// (keep this order)
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "conformance_child_options.hpp"

namespace {

std::string events_path;
bool ignore_stop = false;
volatile LONG stop_requested = 0;

void append_event(const std::string& line) {
  FILETIME now{};
  GetSystemTimePreciseAsFileTime(&now);
  const unsigned long long ticks =
      (static_cast<unsigned long long>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
  const unsigned long long micros = ticks / 10 - 11644473600ULL * 1000000ULL;
  char stamp[48];
  const int length =
      std::snprintf(stamp, sizeof stamp, " t=%llu.%06llu\n", micros / 1000000, micros % 1000000);
  const std::string text = line + std::string(stamp, static_cast<size_t>(length));
  HANDLE file =
      CreateFileA(events_path.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                  nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return;
  DWORD written = 0;
  WriteFile(file, text.data(), static_cast<DWORD>(text.size()), &written, nullptr);
  CloseHandle(file);
}

void on_stop(const char* what) {
  append_event(std::string("signal ") + what + " " + std::to_string(GetCurrentProcessId()));
  if (!ignore_stop) InterlockedExchange(&stop_requested, 1);
}

BOOL WINAPI on_console_event(DWORD event) {
  if (event == CTRL_C_EVENT)
    on_stop("INT");
  else if (event == CTRL_BREAK_EVENT)
    on_stop("BREAK");
  else
    return FALSE;
  return TRUE;
}

LRESULT CALLBACK window_procedure(HWND window, UINT message, WPARAM w, LPARAM l) {
  if (message == WM_CLOSE) {
    on_stop("CLOSE");
    return 0;
  }
  return DefWindowProcA(window, message, w, l);
}

// A hidden top-level window, so that WM_CLOSE has somewhere to go; its thread pumps messages.
DWORD WINAPI window_thread(void*) {
  WNDCLASSA window_class{};
  window_class.lpfnWndProc = window_procedure;
  window_class.hInstance = GetModuleHandleA(nullptr);
  window_class.lpszClassName = "conformance_child";
  RegisterClassA(&window_class);
  CreateWindowA("conformance_child", "conformance_child", 0, 0, 0, 0, 0, nullptr, nullptr,
                window_class.hInstance, nullptr);
  MSG message;
  while (GetMessageA(&message, nullptr, 0, 0) > 0) DispatchMessageA(&message);
  on_stop("QUIT");
  return 0;
}

bool sleep_unless_stopped(double seconds) {
  for (double slept = 0; seconds < 0 || slept < seconds; slept += 0.05) {
    if (stop_requested) return false;
    Sleep(50);
  }
  return true;
}

SOCKET listen_on(int port) {
  WSADATA data;
  WSAStartup(MAKEWORD(2, 2), &data);
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<u_short>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 16) != 0) {
    append_event("listen-failed " + std::to_string(port));
    return INVALID_SOCKET;
  }
  return listener;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = conformance::parse_options(argc, argv);
  events_path = options.events_path;
  ignore_stop = options.ignore_stop;
  if (options.grandchild_sleep) {
    SetConsoleCtrlHandler(nullptr, TRUE);  // ignores Ctrl+C: only the Job ends it
    for (;;) Sleep(1000);
  }
  if (events_path.empty()) {
    std::fputs("conformance_child: --events FILE is required\n", stderr);
    return 64;
  }
  if (!options.hook.empty()) {  // a [hooks] command: no start of the program
    append_event("hook " + options.hook);
    return 0;
  }
  SetConsoleCtrlHandler(on_console_event, TRUE);
  CreateThread(nullptr, 0, window_thread, nullptr, 0, nullptr);
  const int start = conformance::count_starts(events_path) + 1;
  append_event("start " + std::to_string(GetCurrentProcessId()) + " " + std::to_string(start));
  append_event("uid 0");
  for (const auto& name : options.env_names) {
    const char* value = std::getenv(name.c_str());
    append_event(value ? "env " + name + "=" + value : "env " + name + " unset");
  }
  if (options.print) {
    std::printf("stdout-line %d\n", start);
    std::fflush(stdout);
    std::fprintf(stderr, "stderr-line %d\n", start);
    std::fflush(stderr);
  }
  if (options.grandchild) {
    char self[MAX_PATH];
    GetModuleFileNameA(nullptr, self, MAX_PATH);
    std::string command =
        "\"" + std::string(self) + "\" --grandchild-sleep --events \"" + events_path + "\"";
    STARTUPINFOA startup{};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION process{};
    if (CreateProcessA(nullptr, command.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                       &startup, &process)) {
      append_event("grandchild " + std::to_string(process.dwProcessId));
      CloseHandle(process.hThread);
      CloseHandle(process.hProcess);
    }
  }
  const auto step = conformance::step_for_start(options.plan, start);
  SOCKET listener = INVALID_SOCKET;
  if (options.port > 0) {
    if (!sleep_unless_stopped(options.listen_after)) return 0;
    listener = listen_on(options.port);
    if (listener != INVALID_SOCKET) append_event("listening " + std::to_string(options.port));
  }
  if (!sleep_unless_stopped(step.outcome == "run" ? -1 : step.seconds)) return 0;
  if (listener != INVALID_SOCKET) closesocket(listener);
  append_event("exit " + step.outcome);
  return std::atoi(step.outcome.c_str());
}
