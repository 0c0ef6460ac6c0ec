// The child in a Job Object: CreateProcessW suspended, AssignProcessToJobObject, ResumeThread.
#include <windows.h>

#include <memory>

#include "daemonize/core/command_line_quoting.hpp"
#include "daemonize/core/windows_text.hpp"
#include "windows_runtime.hpp"

namespace daemonize::windows {
namespace {

UniqueHandle inheritable_copy(HANDLE handle) {
  HANDLE copy = nullptr;
  if (!handle || handle == INVALID_HANDLE_VALUE) return UniqueHandle();
  if (!DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy, 0, TRUE,
                       DUPLICATE_SAME_ACCESS))
    return UniqueHandle();
  return UniqueHandle(copy);
}

UniqueHandle open_null_device() {
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  return UniqueHandle(CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0,
                                  nullptr));
}

UniqueHandle create_job(const SpawnRequest& request, std::vector<std::string>& warnings,
                        std::string& error) {
  UniqueHandle job(CreateJobObjectW(nullptr, nullptr));
  if (!job.valid()) {
    error = "CreateJobObjectW: " + last_error_text();
    return job;
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                               sizeof(limits))) {
    error = "SetInformationJobObject(KILL_ON_JOB_CLOSE): " + last_error_text();
    return UniqueHandle();
  }
  if (request.memory_limit) {
    limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_JOB_MEMORY;
    limits.JobMemoryLimit = static_cast<SIZE_T>(*request.memory_limit);
    if (!SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                                 sizeof(limits)))
      warnings.push_back("limits.memory: SetInformationJobObject(JOB_MEMORY): " +
                         last_error_text() + "; the memory limit is not enforced");
  }
  if (request.cpu_limit) {
    const auto processors = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    if (const auto rate = cpu_rate_for(*request.cpu_limit, processors)) {
      JOBOBJECT_CPU_RATE_CONTROL_INFORMATION cpu{};
      cpu.ControlFlags = JOB_OBJECT_CPU_RATE_CONTROL_ENABLE | JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP;
      cpu.CpuRate = *rate;
      if (!SetInformationJobObject(job.get(), JobObjectCpuRateControlInformation, &cpu,
                                   sizeof(cpu)))
        warnings.push_back("limits.cpu: SetInformationJobObject(CPU rate): " + last_error_text() +
                           "; the CPU limit is not enforced");
    }
  }
  return job;
}

}  // namespace

std::optional<ChildProcess> spawn_in_job(const SpawnRequest& request, std::string& error) {
  ChildProcess child;
  std::vector<std::string> warnings;
  child.job = create_job(request, warnings, error);
  if (!child.job.valid()) return std::nullopt;
  for (const auto& warning : warnings) error += (error.empty() ? "" : "; ") + warning;

  // Only these handles reach the child.
  UniqueHandle null_device = open_null_device();
  UniqueHandle out = inheritable_copy(request.stdout_handle);
  if (!out.valid()) out = inheritable_copy(null_device.get());
  // stderr: the same handle as stdout when it is one (an appended file), else its own, else NUL.
  const bool shared_err = request.stderr_handle == request.stdout_handle;
  UniqueHandle err = shared_err ? UniqueHandle() : inheritable_copy(request.stderr_handle);
  HANDLE err_handle = shared_err ? out.get() : err.valid() ? err.get() : null_device.get();
  std::vector<HANDLE> inherited{null_device.get(), out.get()};
  if (err.valid()) inherited.push_back(err.get());

  SIZE_T attribute_size = 0;
  InitializeProcThreadAttributeList(nullptr, 1, 0, &attribute_size);
  auto attribute_storage = std::make_unique<unsigned char[]>(attribute_size);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attribute_storage.get());
  if (!InitializeProcThreadAttributeList(attributes, 1, 0, &attribute_size) ||
      !UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                 inherited.size() * sizeof(HANDLE), nullptr, nullptr)) {
    error = "InitializeProcThreadAttributeList: " + last_error_text();
    return std::nullopt;
  }
  struct AttributeListGuard {
    LPPROC_THREAD_ATTRIBUTE_LIST list;
    ~AttributeListGuard() { DeleteProcThreadAttributeList(list); }
  } guard{attributes};

  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof(startup);
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
  startup.StartupInfo.wShowWindow = SW_HIDE;
  startup.StartupInfo.hStdInput = null_device.get();
  startup.StartupInfo.hStdOutput = out.get();
  startup.StartupInfo.hStdError = err_handle;
  startup.lpAttributeList = attributes;

  // A console of its own (its window hidden by SW_HIDE), not the watchdog's: Ctrl+C generated
  // there reaches the child's tree and nothing else. No CREATE_NEW_PROCESS_GROUP: it would start
  // the child with Ctrl+C disabled. The stop helper gets no console: it attaches to the child's.
  DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT |
                (request.own_console ? CREATE_NEW_CONSOLE : DETACHED_PROCESS);

  std::vector<std::string> arguments(request.argv.begin() + (request.argv.empty() ? 0 : 1),
                                     request.argv.end());
  std::wstring command_line_text = widen(command_line(request.executable, arguments));
  std::wstring environment = windows_text::environment_block(request.environment);
  const std::wstring executable = widen(request.executable);
  const std::wstring directory = widen(request.working_directory);

  PROCESS_INFORMATION info{};
  if (!CreateProcessW(executable.c_str(), command_line_text.data(), nullptr, nullptr, TRUE, flags,
                      environment.data(), directory.empty() ? nullptr : directory.c_str(),
                      &startup.StartupInfo, &info)) {
    error = "CreateProcessW: " + last_error_text();
    return std::nullopt;
  }
  UniqueHandle thread(info.hThread);
  child.process.reset(info.hProcess);
  child.pid = info.dwProcessId;
  if (!AssignProcessToJobObject(child.job.get(), child.process.get())) {
    error = "AssignProcessToJobObject: " + last_error_text();
    TerminateProcess(child.process.get(), 1);
    return std::nullopt;
  }
  if (ResumeThread(thread.get()) == static_cast<DWORD>(-1)) {
    error = "ResumeThread: " + last_error_text();
    TerminateJobObject(child.job.get(), 1);
    return std::nullopt;
  }
  return child;
}

std::uint64_t process_creation_ticks(HANDLE process) {
  FILETIME creation{};
  FILETIME exit{};
  FILETIME kernel{};
  FILETIME user{};
  if (!GetProcessTimes(process, &creation, &exit, &kernel, &user)) return 0;
  return (static_cast<std::uint64_t>(creation.dwHighDateTime) << 32) | creation.dwLowDateTime;
}

namespace {

bool is_console_host(DWORD pid) {
  UniqueHandle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
  if (!process.valid()) return false;  // gone, or not ours to ask: counted as the program's
  std::wstring image(MAX_PATH, L'\0');
  auto size = static_cast<DWORD>(image.size());
  if (!QueryFullProcessImageNameW(process.get(), 0, image.data(), &size)) return false;
  image.resize(size);
  const auto slash = image.find_last_of(L"\\/");
  const std::wstring name = slash == std::wstring::npos ? image : image.substr(slash + 1);
  return CompareStringOrdinal(name.c_str(), -1, L"conhost.exe", -1, TRUE) == CSTR_EQUAL;
}

}  // namespace

std::vector<DWORD> job_process_ids(HANDLE job) {
  constexpr DWORD kMaxProcesses = 1024;
  std::vector<unsigned char> buffer(sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) +
                                    kMaxProcesses * sizeof(ULONG_PTR));
  auto* list = reinterpret_cast<JOBOBJECT_BASIC_PROCESS_ID_LIST*>(buffer.data());
  if (!QueryInformationJobObject(job, JobObjectBasicProcessIdList, list,
                                 static_cast<DWORD>(buffer.size()), nullptr) &&
      GetLastError() != ERROR_MORE_DATA)
    return {};
  std::vector<DWORD> ids;
  for (DWORD index = 0; index < list->NumberOfProcessIdsInList && index < kMaxProcesses; ++index) {
    const auto pid = static_cast<DWORD>(list->ProcessIdList[index]);
    if (!is_console_host(pid)) ids.push_back(pid);
  }
  return ids;
}

}  // namespace daemonize::windows
