// The stop steps on a real child (JobStopControl) and the stop helper's body. Which step comes
// when is decided by StopSequence (runtime_decisions.hpp); this file only carries a step out.
#include <windows.h>
// <tlhelp32.h> needs <windows.h> first.
#include <tlhelp32.h>

#include <algorithm>
#include <string>
#include <vector>

#include "windows_runtime.hpp"

namespace daemonize::windows {
namespace {

// How long the helper may take before it counts as failed (it normally needs milliseconds).
constexpr DWORD kHelperTimeoutMs = 5000;

std::wstring this_executable() {
  std::wstring path(MAX_PATH, L'\0');
  while (true) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return L"";
    if (length < path.size()) {
      path.resize(length);
      return path;
    }
    path.resize(path.size() * 2);
  }
}

std::string read_all(HANDLE pipe) {
  std::string text;
  char buffer[512];
  DWORD read = 0;
  while (ReadFile(pipe, buffer, sizeof(buffer), &read, nullptr) && read > 0)
    text.append(buffer, read);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The processes of the job, the main child first while it runs (main_only: the main child
// alone, none once it is gone).
std::vector<DWORD> stop_targets(const ChildProcess& child, bool main_only) {
  if (main_only) {
    if (!child.process.valid() || WaitForSingleObject(child.process.get(), 0) == WAIT_OBJECT_0)
      return {};
    return {child.pid};
  }
  auto ids = job_process_ids(child.job.get());
  if (child.process.valid()) {
    ids.erase(std::remove(ids.begin(), ids.end(), child.pid), ids.end());
    ids.insert(ids.begin(), child.pid);
  }
  return ids;
}

struct WindowSearch {
  const std::vector<DWORD>* pids;
  int posted = 0;
};

BOOL CALLBACK post_close(HWND window, LPARAM context) {
  auto& search = *reinterpret_cast<WindowSearch*>(context);
  DWORD pid = 0;
  GetWindowThreadProcessId(window, &pid);
  if (std::find(search.pids->begin(), search.pids->end(), pid) != search.pids->end() &&
      PostMessageW(window, WM_CLOSE, 0, 0))
    ++search.posted;
  return TRUE;
}

}  // namespace

StopStepResult JobStopControl::perform(StopStep step) {
  switch (step) {
    case StopStep::ctrl_c:
      return console_event(false);
    case StopStep::ctrl_break:
      return console_event(true);
    case StopStep::close_windows:
      return close_windows();
    case StopStep::quit_threads:
      return quit_threads();
    case StopStep::terminate_job:
      return terminate_job();
  }
  return {};
}

// `daemonize.exe internal-ctrl-c PID [--break]`: the running executable again, without a
// console, in a job of its own; its stderr comes back through a pipe.
StopStepResult JobStopControl::console_event(bool ctrl_break) {
  const auto targets = stop_targets(child_, main_only_);
  if (targets.empty()) return {false, "no process left in the job"};
  const DWORD pid = targets.front();
  SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
  HANDLE read_end = nullptr;
  HANDLE write_end = nullptr;
  if (!CreatePipe(&read_end, &write_end, &attributes, 0))
    return {false, "CreatePipe: " + last_error_text()};
  UniqueHandle reader(read_end);
  UniqueHandle writer(write_end);
  SpawnRequest request;
  request.executable = narrow(this_executable());
  request.argv = {request.executable, "internal-ctrl-c", std::to_string(pid)};
  if (ctrl_break) request.argv.emplace_back("--break");
  request.environment = current_environment();
  request.stdout_handle = writer.get();
  request.stderr_handle = writer.get();
  request.own_console = false;
  std::string error;
  auto helper = spawn_in_job(request, error);
  writer.reset();  // the helper holds the only write end: its exit ends our read
  if (!helper) return {false, "cannot start the stop helper: " + error};
  if (WaitForSingleObject(helper->process.get(), kHelperTimeoutMs) != WAIT_OBJECT_0) {
    TerminateJobObject(helper->job.get(), 1);
    return {false, "the stop helper did not finish within 5s"};
  }
  DWORD code = 1;
  GetExitCodeProcess(helper->process.get(), &code);
  const std::string output = read_all(reader.get());
  if (code != 0)
    return {false, output.empty() ? "helper exit code " + std::to_string(code) : output};
  return {true, "generated on the console of pid " + std::to_string(pid)};
}

StopStepResult JobStopControl::close_windows() {
  const auto pids = stop_targets(child_, main_only_);
  WindowSearch search{&pids};
  EnumWindows(post_close, reinterpret_cast<LPARAM>(&search));
  if (search.posted == 0) return {false, "no top-level window"};
  return {true, "posted to " + std::to_string(search.posted) + " top-level window(s)"};
}

StopStepResult JobStopControl::quit_threads() {
  const auto pids = stop_targets(child_, main_only_);
  UniqueHandle snapshot(CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0));
  if (!snapshot.valid()) return {false, "CreateToolhelp32Snapshot: " + last_error_text()};
  THREADENTRY32 entry{};
  entry.dwSize = sizeof(entry);
  int posted = 0;
  for (BOOL more = Thread32First(snapshot.get(), &entry); more;
       more = Thread32Next(snapshot.get(), &entry)) {
    if (std::find(pids.begin(), pids.end(), entry.th32OwnerProcessID) == pids.end()) continue;
    // Fails (ERROR_INVALID_THREAD_ID) for a thread without a message queue.
    if (PostThreadMessageW(entry.th32ThreadID, WM_QUIT, 0, 0)) ++posted;
  }
  if (posted == 0) return {false, "no thread with a message queue"};
  return {true, "posted to " + std::to_string(posted) + " thread(s)"};
}

StopStepResult JobStopControl::terminate_job() {
  if (TerminateJobObject(child_.job.get(), 1)) return {true, "terminated the job"};
  return {false, "failed (" + last_error_text() + ")"};
}

int console_ctrl_helper(DWORD pid, bool ctrl_break) {
  // Our stderr is the watchdog's pipe: keep it, AttachConsole may reset the standard handles.
  const HANDLE report = GetStdHandle(STD_ERROR_HANDLE);
  const auto fail = [report](const std::string& what, DWORD error) {
    const std::string line = what + ": " + error_text(error) + "\n";
    DWORD written = 0;
    WriteFile(report, line.data(), static_cast<DWORD>(line.size()), &written, nullptr);
    return 1;
  };
  FreeConsole();
  if (!AttachConsole(pid)) {
    const DWORD error = GetLastError();
    return fail("AttachConsole(" + std::to_string(pid) + ")", error);
  }
  SetConsoleCtrlHandler(nullptr, TRUE);  // the event must not end the helper itself
  const DWORD event = ctrl_break ? CTRL_BREAK_EVENT : CTRL_C_EVENT;
  if (!GenerateConsoleCtrlEvent(event, 0)) {
    const DWORD error = GetLastError();
    const int code = fail(std::string("GenerateConsoleCtrlEvent(") +
                              (ctrl_break ? "CTRL_BREAK_EVENT" : "CTRL_C_EVENT") + ")",
                          error);
    FreeConsole();
    return code;
  }
  FreeConsole();
  return 0;
}

}  // namespace daemonize::windows
