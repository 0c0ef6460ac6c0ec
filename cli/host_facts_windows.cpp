#include <io.h>
#include <windows.h>
// After windows.h:
#include <psapi.h>
#include <tlhelp32.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>
#include <iostream>
#include <map>
#include <set>

#include "daemonize/core/system_ops.hpp"
#include "daemonize/core/windows_text.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "daemonize/windows/service_api.hpp"
#include "host_facts.hpp"

namespace daemonize::cli {
namespace {

std::optional<std::wstring> environment_value(const wchar_t* name) {
  const DWORD size = GetEnvironmentVariableW(name, nullptr, 0);
  if (size == 0) return std::nullopt;
  std::wstring value(size, L'\0');
  const DWORD written = GetEnvironmentVariableW(name, value.data(), size);
  if (written == 0 || written >= size) return std::nullopt;
  value.resize(written);
  return value;
}

}  // namespace

unsigned effective_user_id() { return 0; }

bool running_privileged() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  TOKEN_ELEVATION elevation{};
  DWORD size = 0;
  const bool elevated =
      GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size) &&
      elevation.TokenIsElevated != 0;
  CloseHandle(token);
  return elevated;
}

std::string invoking_home() {
  if (auto profile = environment_value(L"USERPROFILE")) {
    return windows_text::narrow(*profile);
  }
  return "C:\\";
}

std::string expand_path_variables(const std::string& path) {
  if (path.find('%') == std::string::npos) return path;
  const std::wstring wide = windows_text::widen(path);
  const DWORD size = ExpandEnvironmentStringsW(wide.c_str(), nullptr, 0);
  if (size == 0) return path;
  std::wstring expanded(size, L'\0');
  if (ExpandEnvironmentStringsW(wide.c_str(), expanded.data(), size) == 0) return path;
  expanded.resize(wcslen(expanded.c_str()));
  return windows_text::narrow(expanded);
}

std::string deploying_account() {
  // DOMAIN\user, as Task Scheduler names the user of a logon trigger.
  const auto domain = environment_value(L"USERDOMAIN");
  return domain ? windows_text::narrow(*domain) + "\\" + invoking_user_name()
                : invoking_user_name();
}

std::string invoking_user_name() {
  wchar_t name[257]{};
  DWORD size = 257;
  if (!GetUserNameW(name, &size)) return "unknown";
  return windows_text::narrow(name);
}

bool process_alive(int pid) {
  if (pid <= 0) return false;
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
  if (process == nullptr) return GetLastError() == ERROR_ACCESS_DENIED;
  DWORD exit_code = 0;
  const bool running = GetExitCodeProcess(process, &exit_code) && exit_code == STILL_ACTIVE;
  CloseHandle(process);
  return running;
}

std::optional<std::filesystem::path> this_executable() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return std::nullopt;
    if (length < path.size()) {
      path.resize(length);
      return std::filesystem::path(path);
    }
    path.resize(path.size() * 2);
  }
}

bool stdout_is_terminal() { return _isatty(_fileno(stdout)) != 0; }

std::time_t utc_to_time_t(std::tm utc) { return _mkgmtime(&utc); }

std::vector<std::filesystem::path> watchdog_state_files(const std::string& name) {
  // Service names are ASCII (manifest.md), so the narrow name converts losslessly.
  std::vector<std::filesystem::path> files;
  for (const auto& root : watchdog_state_roots()) files.push_back(root / name / kStateFileName);
  return files;
}

std::optional<ServiceManagerView> service_manager_view(const std::string& name, std::string& note) {
  // The SCM through the same API the windows-service installer uses (backends/windows).
  try {
    const auto status = windows::make_host_windows_service_api()->query_status(name);
    if (!status) {
      note = "no service " + name + " is registered with the SCM";
      return std::nullopt;
    }
    ServiceManagerView view;
    view.manager = "scm";
    view.state = status->state;
    view.pid = status->pid;
    view.win32_exit_code = status->win32_exit_code;
    view.service_exit_code = status->service_exit_code;
    return view;
  } catch (const SystemError& error) {
    note = error.what();
    return std::nullopt;
  }
}

}  // namespace daemonize::cli

namespace daemonize::cli {

std::optional<std::uint64_t> process_tree_memory(int root_pid) {
  // Parent links from a Toolhelp snapshot, working sets from GetProcessMemoryInfo.
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return std::nullopt;
  std::multimap<DWORD, DWORD> children;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more;
       more = Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID != entry.th32ParentProcessID) {
      children.emplace(entry.th32ParentProcessID, entry.th32ProcessID);
    }
  }
  CloseHandle(snapshot);
  std::uint64_t total = 0;
  bool any = false;
  std::vector<DWORD> pending{static_cast<DWORD>(root_pid)};
  std::set<DWORD> visited;
  while (!pending.empty()) {
    const DWORD pid = pending.back();
    pending.pop_back();
    if (!visited.insert(pid).second) continue;
    if (HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid)) {
      PROCESS_MEMORY_COUNTERS counters{};
      if (K32GetProcessMemoryInfo(process, &counters, sizeof counters)) {
        total += counters.WorkingSetSize;
        any = true;
      }
      CloseHandle(process);
    }
    const auto [first, last] = children.equal_range(pid);
    for (auto it = first; it != last; ++it) pending.push_back(it->second);
  }
  if (!any) return std::nullopt;
  return total;
}

std::vector<std::filesystem::path> watchdog_state_roots() {
  // Where the Windows watchdog writes <name>\state.json (watchdog/src/windows_run.cpp): the
  // machine's %ProgramData%\daemonize, and this user's %LOCALAPPDATA%\daemonize (user scope).
  std::vector<std::filesystem::path> roots{
      std::filesystem::path(environment_value(L"ProgramData").value_or(L"C:\\ProgramData")) /
      L"daemonize"};
  if (auto local = environment_value(L"LOCALAPPDATA")) {
    roots.push_back(std::filesystem::path(*local) / L"daemonize");
  }
  return roots;
}

std::vector<std::filesystem::path> detached_pidfile_directories() { return {}; }

std::optional<std::filesystem::path> detached_log_file(const std::string& /*name*/) {
  return std::nullopt;
}

int run_in_foreground(const std::vector<std::string>& argv) {
  std::cerr << "daemonize: cannot run " << argv.front() << " on Windows\n";
  return 127;
}

}  // namespace daemonize::cli
