// WindowsServiceApi on the host's service control manager (Windows builds only).
//
// Under Wine 8.0 (the e2e-windows tests) a registration reads back as written except:
// - failure actions: ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS) succeeds but Wine's
//   services.exe stores nothing, so the reset period and restart delays read back 0 and empty;
// - SERVICE_CONFIG_FAILURE_ACTIONS_FLAG and SERVICE_CONFIG_DELAYED_AUTO_START_INFO fail with
//   ERROR_INVALID_LEVEL (see apply_config2() for which of those are tolerated), so a delayed
//   start cannot be registered there;
// - QueryServiceConfigW reports no dependencies: they are read from the registry instead
//   (registry_dependencies()).
// Wine's LookupAccountNameW knows no "NT SERVICE\x" accounts (service_sid() computes their SID),
// and Wine keeps no file DACLs (SetNamedSecurityInfoW succeeds, the DACL read back is derived
// from the Unix mode), so grant_access() runs there but its effect is proven on Windows only.
#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <bcrypt.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "daemonize/core/windows_text.hpp"
#include "daemonize/windows/service_api.hpp"

namespace daemonize::windows {
namespace {

using windows_text::narrow;
using windows_text::throw_last_error;
using windows_text::throw_windows_error;
using windows_text::widen;

// A service or service-manager handle closed on scope exit.
class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE handle) : handle_(handle) {}
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ScHandle(ScHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  ScHandle& operator=(ScHandle&&) = delete;
  ~ScHandle() {
    if (handle_ != nullptr) CloseServiceHandle(handle_);
  }
  [[nodiscard]] SC_HANDLE get() const { return handle_; }
  [[nodiscard]] explicit operator bool() const { return handle_ != nullptr; }

 private:
  SC_HANDLE handle_;
};

// Memory freed with LocalFree (security descriptors and ACLs the security API allocates).
template <typename T>
class LocalMemory {
 public:
  LocalMemory() = default;
  LocalMemory(const LocalMemory&) = delete;
  LocalMemory& operator=(const LocalMemory&) = delete;
  ~LocalMemory() {
    if (pointer_ != nullptr) LocalFree(pointer_);
  }
  T** out() { return &pointer_; }
  [[nodiscard]] T* get() const { return pointer_; }

 private:
  T* pointer_ = nullptr;
};

// A byte buffer aligned for the structures the query functions place at its start.
class QueryBuffer {
 public:
  void resize(DWORD bytes) { storage_.resize((bytes + sizeof(std::uint64_t) - 1) / 8 + 1); }
  [[nodiscard]] BYTE* bytes() { return reinterpret_cast<BYTE*>(storage_.data()); }
  [[nodiscard]] DWORD size() const { return static_cast<DWORD>(storage_.size() * 8); }
  template <typename T>
  [[nodiscard]] const T& as() {
    return *reinterpret_cast<const T*>(storage_.data());
  }

 private:
  std::vector<std::uint64_t> storage_;
};

std::string state_name(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED:
      return "STOPPED";
    case SERVICE_START_PENDING:
      return "START_PENDING";
    case SERVICE_STOP_PENDING:
      return "STOP_PENDING";
    case SERVICE_RUNNING:
      return "RUNNING";
    case SERVICE_CONTINUE_PENDING:
      return "CONTINUE_PENDING";
    case SERVICE_PAUSE_PENDING:
      return "PAUSE_PENDING";
    case SERVICE_PAUSED:
      return "PAUSED";
    default:
      return "UNKNOWN";
  }
}

ScHandle open_manager(DWORD access, const std::string& name) {
  ScHandle manager(OpenSCManagerW(nullptr, nullptr, access));
  if (!manager) throw_last_error("OpenSCManagerW", name);
  return manager;
}

// The service, or an empty handle when `missing_ok` and no service of that name exists.
ScHandle open_service(SC_HANDLE manager, const std::string& name, DWORD access,
                      bool missing_ok = false) {
  ScHandle service(OpenServiceW(manager, widen(name).c_str(), access));
  if (!service) {
    const DWORD error = GetLastError();
    if (missing_ok && error == ERROR_SERVICE_DOES_NOT_EXIST) return service;
    throw_windows_error("OpenServiceW", name, error);
  }
  return service;
}

std::string text_or_empty(const wchar_t* text) { return text != nullptr ? narrow(text) : ""; }

// QueryServiceConfig2W at `level` into `buffer` with the two-call size pattern. Returns false
// when this system does not implement the level (Wine may not: see the top of this file).
bool query_config2(SC_HANDLE service, DWORD level, const char* level_name, const std::string& name,
                   QueryBuffer& buffer) {
  DWORD needed = 0;
  buffer.resize(0);
  if (!QueryServiceConfig2W(service, level, buffer.bytes(), buffer.size(), &needed)) {
    DWORD error = GetLastError();
    if (error == ERROR_INSUFFICIENT_BUFFER) {
      buffer.resize(needed);
      if (QueryServiceConfig2W(service, level, buffer.bytes(), buffer.size(), &needed)) return true;
      error = GetLastError();
    }
    if (error == ERROR_INVALID_LEVEL || error == ERROR_NOT_SUPPORTED ||
        error == ERROR_CALL_NOT_IMPLEMENTED) {
      return false;
    }
    throw_windows_error(std::string("QueryServiceConfig2W(") + level_name + ")", name, error);
  }
  return true;
}

// "a\0b\0\0": the dependency list of CreateServiceW/ChangeServiceConfigW. An empty list is the
// empty double-NUL string, which clears the dependencies on reconfigure (NULL would keep them).
std::wstring dependency_list(const std::vector<std::string>& dependencies) {
  std::wstring list;
  for (const auto& dependency : dependencies) {
    list += widen(dependency);
    list += L'\0';
  }
  list += L'\0';
  return list;
}

std::vector<std::string> parse_dependency_list(const wchar_t* list) {
  std::vector<std::string> dependencies;
  if (list == nullptr) return dependencies;
  for (const wchar_t* entry = list; *entry != L'\0'; entry += wcslen(entry) + 1) {
    // SC_GROUP_IDENTIFIER ('+') marks a load-order group; daemonize never registers those.
    if (*entry == SC_GROUP_IDENTIFIERW) continue;
    dependencies.push_back(narrow(entry));
  }
  return dependencies;
}

// The service dependencies as the SCM stores them in the registry (DependOnService). Wine's
// QueryServiceConfigW returns no dependencies at all (a gap in Wine 8's services.exe), though
// CreateServiceW and ChangeServiceConfigW store them there; on Windows this is the same list the
// SCM reports.
std::vector<std::string> registry_dependencies(const std::string& name) {
  const std::wstring key = L"SYSTEM\\CurrentControlSet\\Services\\" + widen(name);
  DWORD bytes = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), L"DependOnService", RRF_RT_REG_MULTI_SZ,
                   nullptr, nullptr, &bytes) != ERROR_SUCCESS) {
    return {};
  }
  std::wstring list(bytes / sizeof(wchar_t) + 2, L'\0');
  bytes = static_cast<DWORD>(list.size() * sizeof(wchar_t));
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), L"DependOnService", RRF_RT_REG_MULTI_SZ,
                   nullptr, list.data(), &bytes) != ERROR_SUCCESS) {
    return {};
  }
  return parse_dependency_list(list.c_str());
}

DWORD start_type(WindowsStart start) {
  switch (start) {
    case WindowsStart::automatic:
    case WindowsStart::delayed_automatic:
      return SERVICE_AUTO_START;
    case WindowsStart::demand:
      return SERVICE_DEMAND_START;
    case WindowsStart::disabled:
      return SERVICE_DISABLED;
  }
  return SERVICE_AUTO_START;
}

// lpPassword of CreateServiceW/ChangeServiceConfigW (documented there): the password for an
// ordinary account; NULL for virtual (NT SERVICE\x) and managed ($) accounts, which must not
// get one; "" for the built-in LocalSystem/LocalService/NetworkService, which have none.
const wchar_t* password_argument(const ServiceAccount& account, const std::wstring& password) {
  if (account.needs_password) return password.c_str();
  const auto& name = account.scm_name;
  if (name.rfind("NT SERVICE\\", 0) == 0 || (!name.empty() && name.back() == '$')) return nullptr;
  return L"";
}

// ChangeServiceConfig2W at one level; returns the error, 0 on success.
DWORD change_config2(SC_HANDLE service, DWORD level, void* info) {
  return ChangeServiceConfig2W(service, level, info) ? 0 : GetLastError();
}

// The ChangeServiceConfig2W settings shared by create() and reconfigure().
void apply_config2(SC_HANDLE service, const ServiceRegistration& registration) {
  const auto& name = registration.name;

  std::wstring description = widen(registration.description);
  SERVICE_DESCRIPTIONW description_info{description.data()};
  if (const DWORD error = change_config2(service, SERVICE_CONFIG_DESCRIPTION, &description_info)) {
    throw_windows_error("ChangeServiceConfig2W(SERVICE_CONFIG_DESCRIPTION)", name, error);
  }

  // lpsaActions must not be NULL even with no actions: NULL would keep the old actions and reset
  // period, a non-NULL pointer with cActions = 0 deletes them.
  std::vector<SC_ACTION> actions;
  for (const auto delay : registration.restart_delays) {
    actions.push_back({SC_ACTION_RESTART, static_cast<DWORD>(delay.count())});
  }
  SC_ACTION no_action{SC_ACTION_NONE, 0};
  SERVICE_FAILURE_ACTIONSW failure_actions{};
  failure_actions.dwResetPeriod = static_cast<DWORD>(registration.failure_reset_period.count());
  failure_actions.lpRebootMsg = nullptr;
  failure_actions.lpCommand = nullptr;
  failure_actions.cActions = static_cast<DWORD>(actions.size());
  failure_actions.lpsaActions = actions.empty() ? &no_action : actions.data();
  if (const DWORD error =
          change_config2(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure_actions)) {
    throw_windows_error("ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS)", name, error);
  }

  // An SCM that does not know a level (ERROR_INVALID_LEVEL; Wine implements only the
  // description, failure actions and preshutdown levels) is tolerated only where leaving the
  // setting out changes nothing daemonize relies on:
  // - delayed auto-start when it is to be off (a service there is never delayed anyway);
  // - the failure flag (0 is the default: only a crash triggers the recovery actions) and the
  //   preshutdown timeout (the service still gets SHUTDOWN), refinements that every supported
  //   Windows implements.
  // Any other error, and a requested delayed start, fail.
  auto level_missing = [](DWORD error) {
    return error == ERROR_INVALID_LEVEL || error == ERROR_CALL_NOT_IMPLEMENTED;
  };
  const bool delayed_start = registration.start == WindowsStart::delayed_automatic;
  SERVICE_DELAYED_AUTO_START_INFO delayed{delayed_start};
  if (const DWORD error =
          change_config2(service, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed)) {
    if (delayed_start || !level_missing(error)) {
      throw_windows_error("ChangeServiceConfig2W(SERVICE_CONFIG_DELAYED_AUTO_START_INFO)", name,
                          error);
    }
  }

  SERVICE_FAILURE_ACTIONS_FLAG failure_flag{FALSE};
  if (const DWORD error =
          change_config2(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &failure_flag)) {
    if (!level_missing(error)) {
      throw_windows_error("ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS_FLAG)", name,
                          error);
    }
  }
  SERVICE_PRESHUTDOWN_INFO preshutdown{
      static_cast<DWORD>(registration.preshutdown_timeout.count())};
  if (const DWORD error = change_config2(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown)) {
    if (!level_missing(error)) {
      throw_windows_error("ChangeServiceConfig2W(SERVICE_CONFIG_PRESHUTDOWN_INFO)", name, error);
    }
  }
}

// The SID of the virtual account "NT SERVICE\<service>" as Windows defines it: S-1-5-80-
// followed by the SHA-1 of the upper-cased UTF-16LE service name as five little-endian 32-bit
// numbers. std::nullopt for any other account name.
std::optional<std::vector<BYTE>> service_sid(const std::string& account) {
  constexpr std::string_view prefix = "NT SERVICE\\";
  if (account.size() <= prefix.size() ||
      CompareStringOrdinal(widen(account.substr(0, prefix.size())).c_str(), -1,
                           widen(prefix).c_str(), -1, TRUE) != CSTR_EQUAL) {
    return std::nullopt;
  }
  std::wstring service = widen(account.substr(prefix.size()));
  CharUpperBuffW(service.data(), static_cast<DWORD>(service.size()));

  BCRYPT_ALG_HANDLE algorithm = nullptr;
  if (BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA1_ALGORITHM, nullptr, 0) != 0) {
    return std::nullopt;
  }
  std::uint8_t digest[20]{};
  const NTSTATUS status =
      BCryptHash(algorithm, nullptr, 0, reinterpret_cast<PUCHAR>(service.data()),
                 static_cast<ULONG>(service.size() * sizeof(wchar_t)), digest, sizeof digest);
  BCryptCloseAlgorithmProvider(algorithm, 0);
  if (status != 0) return std::nullopt;

  SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
  DWORD parts[5]{};
  for (int i = 0; i < 5; ++i) {
    parts[i] = static_cast<DWORD>(digest[4 * i]) | static_cast<DWORD>(digest[4 * i + 1]) << 8 |
               static_cast<DWORD>(digest[4 * i + 2]) << 16 |
               static_cast<DWORD>(digest[4 * i + 3]) << 24;
  }
  PSID sid = nullptr;
  if (!AllocateAndInitializeSid(&nt_authority, 6, SECURITY_SERVICE_ID_BASE_RID, parts[0], parts[1],
                                parts[2], parts[3], parts[4], 0, 0, &sid)) {
    return std::nullopt;
  }
  const auto* bytes = static_cast<const BYTE*>(sid);
  std::vector<BYTE> copy(bytes, bytes + GetLengthSid(sid));
  FreeSid(sid);
  return copy;
}

// The SID of an account name (LookupAccountNameW). Virtual service accounts resolve there on
// Windows once the service exists; where they do not (Wine has no virtual accounts), their SID
// is computed (service_sid()).
std::vector<BYTE> account_sid(const std::string& account, const std::string& path) {
  const std::wstring wide_account = widen(account);
  // The SCM's names of the built-in accounts (service_account() spells them) are no names
  // LookupAccountNameW must know ("LocalSystem"; it knows "NT AUTHORITY\LOCAL SERVICE"):
  // their SIDs are well known.
  const std::array<std::pair<const wchar_t*, WELL_KNOWN_SID_TYPE>, 4> built_in{
      {{L"LocalSystem", WinLocalSystemSid},
       {L".\\LocalSystem", WinLocalSystemSid},
       {L"NT AUTHORITY\\LocalService", WinLocalServiceSid},
       {L"NT AUTHORITY\\NetworkService", WinNetworkServiceSid}}};
  for (const auto& [name, type] : built_in) {
    if (CompareStringOrdinal(wide_account.c_str(), -1, name, -1, TRUE) != CSTR_EQUAL) continue;
    std::vector<BYTE> sid(SECURITY_MAX_SID_SIZE);
    DWORD size = static_cast<DWORD>(sid.size());
    if (!CreateWellKnownSid(type, nullptr, sid.data(), &size)) {
      throw_last_error("CreateWellKnownSid", account);
    }
    sid.resize(size);
    return sid;
  }
  DWORD sid_size = 0;
  DWORD domain_size = 0;
  SID_NAME_USE use{};
  LookupAccountNameW(nullptr, wide_account.c_str(), nullptr, &sid_size, nullptr, &domain_size,
                     &use);
  DWORD error = GetLastError();
  if (error == ERROR_INSUFFICIENT_BUFFER) {
    std::vector<BYTE> sid(sid_size);
    std::wstring domain(domain_size, L'\0');
    if (LookupAccountNameW(nullptr, wide_account.c_str(), sid.data(), &sid_size, domain.data(),
                           &domain_size, &use)) {
      return sid;
    }
    error = GetLastError();
  }
  if (error == ERROR_NONE_MAPPED) {
    if (auto sid = service_sid(account)) return *sid;
  }
  throw_windows_error("LookupAccountNameW", account + " (granting access to " + path + ")", error);
}

// %VAR% references expanded as the service will see them (the text as is when it fails).
std::wstring expand_environment(const std::wstring& text) {
  const DWORD size = ExpandEnvironmentStringsW(text.c_str(), nullptr, 0);
  if (size == 0) return text;
  std::wstring expanded(size, L'\0');
  if (ExpandEnvironmentStringsW(text.c_str(), expanded.data(), size) == 0) return text;
  expanded.resize(size - 1);  // without the terminating NUL
  return expanded;
}

// The watchdog reports its start/stop/give-up events with the service name as the source: the
// Event Viewer finds their text in daemonize.exe's message table (cli/event_messages.mc)
// through EventLog\Application\<name>. The program is the quoted first word of the ImagePath.
constexpr std::wstring_view event_log_key =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

void register_event_source(const ServiceRegistration& registration) {
  const auto& image = registration.image_path;
  const auto closing = image.find('"', 1);
  const std::wstring program = widen(image.starts_with('"') && closing != std::string::npos
                                         ? image.substr(1, closing - 1)
                                         : image.substr(0, image.find(' ')));
  const std::wstring key_path = std::wstring(event_log_key) + widen(registration.name);
  HKEY key = nullptr;
  if (const LSTATUS error = RegCreateKeyExW(HKEY_LOCAL_MACHINE, key_path.c_str(), 0, nullptr, 0,
                                            KEY_SET_VALUE, nullptr, &key, nullptr)) {
    throw_windows_error("RegCreateKeyExW", "HKLM\\" + narrow(key_path), static_cast<DWORD>(error));
  }
  const DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  LSTATUS error = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                                 reinterpret_cast<const BYTE*>(program.c_str()),
                                 static_cast<DWORD>((program.size() + 1) * sizeof(wchar_t)));
  if (error == ERROR_SUCCESS) {
    error = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD,
                           reinterpret_cast<const BYTE*>(&types), sizeof types);
  }
  RegCloseKey(key);
  if (error != ERROR_SUCCESS) {
    throw_windows_error("RegSetValueExW", "HKLM\\" + narrow(key_path), static_cast<DWORD>(error));
  }
}

void unregister_event_source(const std::string& name) {
  const std::wstring key_path = std::wstring(event_log_key) + widen(name);
  const LSTATUS error = RegDeleteKeyW(HKEY_LOCAL_MACHINE, key_path.c_str());
  if (error != ERROR_SUCCESS && error != ERROR_FILE_NOT_FOUND) {
    throw_windows_error("RegDeleteKeyW", "HKLM\\" + narrow(key_path), static_cast<DWORD>(error));
  }
}

class HostWindowsServiceApi final : public WindowsServiceApi {
 public:
  // Wine's ntdll exports wine_get_version; its services.exe stores no failure actions.
  [[nodiscard]] bool keeps_failure_actions() const override {
    return GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") == nullptr;
  }

  std::optional<ScmServiceStatus> query_status(const std::string& name) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, SERVICE_QUERY_STATUS, true);
    if (!service) return std::nullopt;
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO,
                              reinterpret_cast<BYTE*>(&status), sizeof status, &needed)) {
      throw_last_error("QueryServiceStatusEx", name);
    }
    ScmServiceStatus result;
    result.state = state_name(status.dwCurrentState);
    result.pid = static_cast<int>(status.dwProcessId);
    result.win32_exit_code = status.dwWin32ExitCode;
    result.service_exit_code = status.dwServiceSpecificExitCode;
    return result;
  }

  std::optional<ServiceRegistration> query_registration(const std::string& name) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, SERVICE_QUERY_CONFIG, true);
    if (!service) return std::nullopt;

    ServiceRegistration registration;
    registration.name = name;
    QueryBuffer buffer;
    DWORD needed = 0;
    buffer.resize(0);
    if (!QueryServiceConfigW(service.get(),
                             reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.bytes()),
                             buffer.size(), &needed)) {
      if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        throw_last_error("QueryServiceConfigW", name);
      buffer.resize(needed);
      if (!QueryServiceConfigW(service.get(),
                               reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.bytes()),
                               buffer.size(), &needed)) {
        throw_last_error("QueryServiceConfigW", name);
      }
    }
    const auto& config = buffer.as<QUERY_SERVICE_CONFIGW>();
    registration.image_path = text_or_empty(config.lpBinaryPathName);
    registration.display_name = text_or_empty(config.lpDisplayName);
    registration.account.scm_name = text_or_empty(config.lpServiceStartName);
    registration.dependencies = parse_dependency_list(config.lpDependencies);
    if (registration.dependencies.empty()) registration.dependencies = registry_dependencies(name);
    const DWORD start = config.dwStartType;
    switch (start) {
      case SERVICE_DEMAND_START:
        registration.start = WindowsStart::demand;
        break;
      case SERVICE_DISABLED:
        registration.start = WindowsStart::disabled;
        break;
      default:  // SERVICE_AUTO_START (boot/system start are for drivers)
        registration.start = WindowsStart::automatic;
        break;
    }

    if (start == SERVICE_AUTO_START &&
        query_config2(service.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                      "SERVICE_CONFIG_DELAYED_AUTO_START_INFO", name, buffer) &&
        buffer.as<SERVICE_DELAYED_AUTO_START_INFO>().fDelayedAutostart) {
      registration.start = WindowsStart::delayed_automatic;
    }
    if (query_config2(service.get(), SERVICE_CONFIG_DESCRIPTION, "SERVICE_CONFIG_DESCRIPTION", name,
                      buffer)) {
      registration.description = text_or_empty(buffer.as<SERVICE_DESCRIPTIONW>().lpDescription);
    }
    read_failure_actions(service.get(), name, buffer, registration);
    if (query_config2(service.get(), SERVICE_CONFIG_PRESHUTDOWN_INFO,
                      "SERVICE_CONFIG_PRESHUTDOWN_INFO", name, buffer)) {
      registration.preshutdown_timeout =
          std::chrono::milliseconds(buffer.as<SERVICE_PRESHUTDOWN_INFO>().dwPreshutdownTimeout);
    }
    return registration;
  }

  void create(const ServiceRegistration& registration, const std::string& password) override {
    const auto& name = registration.name;
    const auto manager = open_manager(SC_MANAGER_CREATE_SERVICE, name);
    const std::wstring dependencies = dependency_list(registration.dependencies);
    const std::wstring account = widen(registration.account.scm_name);
    const std::wstring wide_password = widen(password);
    const ScHandle service(CreateServiceW(
        manager.get(), widen(name).c_str(), widen(registration.display_name).c_str(),
        SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, start_type(registration.start),
        SERVICE_ERROR_NORMAL, widen(registration.image_path).c_str(), nullptr, nullptr,
        dependencies.c_str(), account.c_str(),
        password_argument(registration.account, wide_password)));
    if (!service) throw_last_error("CreateServiceW", name);
    apply_config2(service.get(), registration);
    register_event_source(registration);
  }

  void reconfigure(const ServiceRegistration& registration, const std::string& password) override {
    const auto& name = registration.name;
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    // SERVICE_START: failure actions that restart the service need it (ChangeServiceConfig2W).
    const auto service = open_service(manager.get(), name,
                                      SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_START);
    const std::wstring dependencies = dependency_list(registration.dependencies);
    const std::wstring account = widen(registration.account.scm_name);
    const std::wstring wide_password = widen(password);
    if (!ChangeServiceConfigW(service.get(), SERVICE_NO_CHANGE, start_type(registration.start),
                              SERVICE_NO_CHANGE, widen(registration.image_path).c_str(), nullptr,
                              nullptr, dependencies.c_str(), account.c_str(),
                              password_argument(registration.account, wide_password),
                              widen(registration.display_name).c_str())) {
      throw_last_error("ChangeServiceConfigW", name);
    }
    apply_config2(service.get(), registration);
    register_event_source(registration);
  }

  void start(const std::string& name) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, SERVICE_START);
    if (!StartServiceW(service.get(), 0, nullptr)) {
      const DWORD error = GetLastError();
      if (error != ERROR_SERVICE_ALREADY_RUNNING) throw_windows_error("StartServiceW", name, error);
    }
  }

  void stop(const std::string& name) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, SERVICE_STOP | SERVICE_QUERY_STATUS);
    SERVICE_STATUS status{};
    if (ControlService(service.get(), SERVICE_CONTROL_STOP, &status)) return;
    const DWORD error = GetLastError();
    if (error == ERROR_SERVICE_NOT_ACTIVE) return;
    // A service already stopping cannot accept another stop: that stop is under way.
    if (error == ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
      SERVICE_STATUS_PROCESS current{};
      DWORD needed = 0;
      if (QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO,
                               reinterpret_cast<BYTE*>(&current), sizeof current, &needed) &&
          (current.dwCurrentState == SERVICE_STOP_PENDING ||
           current.dwCurrentState == SERVICE_STOPPED)) {
        return;
      }
    }
    throw_windows_error("ControlService(SERVICE_CONTROL_STOP)", name, error);
  }

  void send_control(const std::string& name, unsigned long code) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, SERVICE_USER_DEFINED_CONTROL);
    SERVICE_STATUS status{};
    if (!ControlService(service.get(), static_cast<DWORD>(code), &status)) {
      throw_windows_error("ControlService(" + std::to_string(code) + ")", name, GetLastError());
    }
  }

  void remove(const std::string& name) override {
    const auto manager = open_manager(SC_MANAGER_CONNECT, name);
    const auto service = open_service(manager.get(), name, DELETE);
    if (!DeleteService(service.get())) {
      const DWORD error = GetLastError();
      if (error != ERROR_SERVICE_MARKED_FOR_DELETE)
        throw_windows_error("DeleteService", name, error);
    }
    unregister_event_source(name);
  }

  void grant_access(const std::string& path, const std::string& account, bool write) override {
    auto sid = account_sid(account, path);
    std::wstring wide_path = expand_environment(widen(path));  // %ProgramData%\x\logs
    // A directory the account writes to (its logs) may not exist before the first start.
    if (write && GetFileAttributesW(wide_path.c_str()) == INVALID_FILE_ATTRIBUTES) {
      std::error_code error;
      std::filesystem::create_directories(std::filesystem::path(wide_path), error);
      if (error) {
        throw SystemError("create directory " + path + ": " + error.message(),
                          error == std::errc::permission_denied
                              ? SystemError::Kind::permission_denied
                              : SystemError::Kind::other);
      }
    }
    PACL old_dacl = nullptr;  // points into `descriptor`
    LocalMemory<void> descriptor;
    if (const DWORD error =
            GetNamedSecurityInfoW(wide_path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                  nullptr, nullptr, &old_dacl, nullptr, descriptor.out())) {
      throw_windows_error("GetNamedSecurityInfoW", path, error);
    }
    // Read and execute; "modify" (icacls M: read, write, execute, delete) with `write`.
    EXPLICIT_ACCESS_W entry{};
    entry.grfAccessPermissions = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
    if (write) entry.grfAccessPermissions |= FILE_GENERIC_WRITE | DELETE;
    entry.grfAccessMode = GRANT_ACCESS;
    entry.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
    entry.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    entry.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    entry.Trustee.ptstrName = reinterpret_cast<wchar_t*>(sid.data());
    LocalMemory<ACL> new_dacl;
    if (const DWORD error = SetEntriesInAclW(1, &entry, old_dacl, new_dacl.out())) {
      throw_windows_error("SetEntriesInAclW", path, error);
    }
    if (const DWORD error =
            SetNamedSecurityInfoW(wide_path.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                  nullptr, nullptr, new_dacl.get(), nullptr)) {
      throw_windows_error("SetNamedSecurityInfoW", path, error);
    }
  }

 private:
  // SERVICE_CONFIG_FAILURE_ACTIONS: the reset period and each restart's delay. Wine 8.0 accepts
  // the level on ChangeServiceConfig2W but stores nothing (Wine 8's services.exe lacks it), so
  // there the actions read back empty and the reset period 0.
  static void read_failure_actions(SC_HANDLE service, const std::string& name, QueryBuffer& buffer,
                                   ServiceRegistration& registration) {
    if (!query_config2(service, SERVICE_CONFIG_FAILURE_ACTIONS, "SERVICE_CONFIG_FAILURE_ACTIONS",
                       name, buffer)) {
      return;
    }
    const auto& actions = buffer.as<SERVICE_FAILURE_ACTIONSW>();
    // INFINITE: "never reset", not a number of seconds daemonize would have written.
    if (actions.dwResetPeriod != INFINITE) {
      registration.failure_reset_period = std::chrono::seconds(actions.dwResetPeriod);
    }
    for (DWORD i = 0; i < actions.cActions && actions.lpsaActions != nullptr; ++i) {
      if (actions.lpsaActions[i].Type == SC_ACTION_RESTART) {
        registration.restart_delays.emplace_back(actions.lpsaActions[i].Delay);
      }
    }
  }
};

}  // namespace

std::unique_ptr<WindowsServiceApi> make_host_windows_service_api() {
  return std::make_unique<HostWindowsServiceApi>();
}

}  // namespace daemonize::windows
