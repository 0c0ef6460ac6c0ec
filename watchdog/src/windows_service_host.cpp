// The SCM service host: StartServiceCtrlDispatcherW, RegisterServiceCtrlHandlerExW and the
// SERVICE_STATUS reports decided by ServiceStatusTracker. The watchdog loop runs as the body of
// ServiceMain; STOP, PRESHUTDOWN and SHUTDOWN set its stop event, daemonize's reload control its
// reload event.
#include <windows.h>

#include <mutex>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/windows_controls.hpp"
#include "windows_runtime.hpp"

namespace daemonize::windows {
namespace {

// ServiceMain has no user pointer: the one service of this process lives here.
struct HostState : ServiceStatusSink {
  explicit HostState(Duration stop_timeout) : tracker(stop_timeout) {}

  void report(const ServiceStatusReport& report) {
    SERVICE_STATUS status{};
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = report.state;
    status.dwControlsAccepted = report.controls_accepted;
    status.dwWin32ExitCode = report.win32_exit_code;
    status.dwServiceSpecificExitCode = report.service_specific_exit_code;
    status.dwCheckPoint = report.checkpoint;
    status.dwWaitHint = report.wait_hint_ms;
    SetServiceStatus(handle, &status);
  }
  void starting() override {
    std::lock_guard lock(mutex);
    report(tracker.starting());
  }
  void running() override {
    std::lock_guard lock(mutex);
    if (!stop_requested) report(tracker.running());
  }
  void stopping() override {
    std::lock_guard lock(mutex);
    report(tracker.stopping());
  }
  void tick() override {
    std::lock_guard lock(mutex);
    report(tracker.tick());
  }

  std::mutex mutex;
  ServiceStatusTracker tracker;
  SERVICE_STATUS_HANDLE handle = nullptr;
  UniqueHandle stop_event;
  UniqueHandle reload_event;
  bool stop_requested = false;
  ServiceBody body;
  int exit_code = exit_code::software;
};

HostState* g_host = nullptr;

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID context) {
  auto& host = *static_cast<HostState*>(context);
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_PRESHUTDOWN:
    case SERVICE_CONTROL_SHUTDOWN: {
      std::lock_guard lock(host.mutex);
      host.stop_requested = true;
      host.report(host.tracker.stopping());
      SetEvent(host.stop_event.get());
      return NO_ERROR;
    }
    case windows_control::reload:
      SetEvent(host.reload_event.get());
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE: {
      std::lock_guard lock(host.mutex);
      host.report(host.tracker.current());
      return NO_ERROR;
    }
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  HostState& host = *g_host;
  // The name is ignored for SERVICE_WIN32_OWN_PROCESS services.
  host.handle = RegisterServiceCtrlHandlerExW(L"", control_handler, &host);
  if (!host.handle) return;
  host.starting();
  host.exit_code = host.body(host.stop_event.get(), host.reload_event.get(), host);
  std::lock_guard lock(host.mutex);
  host.report(host.tracker.stopped(host.exit_code));
  // After SERVICE_STOPPED the SCM may end the process at any moment: nothing follows here.
}

}  // namespace

int run_service_host(Duration stop_timeout, ServiceBody body) {
  static HostState host(stop_timeout);
  host.body = std::move(body);
  host.stop_event.reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  host.reload_event.reset(CreateEventW(nullptr, FALSE, FALSE, nullptr));  // auto-reset
  g_host = &host;
  wchar_t empty_name[] = L"";
  SERVICE_TABLE_ENTRYW table[] = {{empty_name, service_main}, {nullptr, nullptr}};
  if (!StartServiceCtrlDispatcherW(table)) {
    return GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT ? exit_code::unavailable
                                                                     : exit_code::software;
  }
  return host.exit_code;
}

}  // namespace daemonize::windows
