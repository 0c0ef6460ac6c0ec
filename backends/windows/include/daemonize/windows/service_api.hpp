// The Windows service control manager as the windows-service and windows-task installers see it:
// the few SCM and security calls that `deploy`, `remove`, `start`/`stop` and `status` make on
// Windows. The real implementation (src/install/service_api_windows.cpp, Windows builds only) calls
// OpenSCManagerW, CreateServiceW, ChangeServiceConfigW/2W, QueryServiceConfigW/2W,
// QueryServiceStatusEx, StartServiceW, ControlService, DeleteService and SetNamedSecurityInfoW; the
// installer's decisions (src/install/service_installer.cpp) are unit-tested on every host against a
// fake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "daemonize/windows/render.hpp"

namespace daemonize::windows {

// What QueryServiceStatusEx reports.
struct ScmServiceStatus {
  std::string state;  // "STOPPED", "START_PENDING", "STOP_PENDING", "RUNNING", ...
  int pid = 0;        // 0 when not running
  unsigned win32_exit_code = 0;
  unsigned service_exit_code = 0;  // meaningful when win32_exit_code is 1066
};

// Every call throws SystemError naming the API and the service or path ("OpenServiceW web-api:
// Access is denied."); access denied is SystemError::Kind::permission_denied (exit 77).
class WindowsServiceApi {
 public:
  virtual ~WindowsServiceApi() = default;

  // std::nullopt when no service of that name is registered.
  [[nodiscard]] virtual std::optional<ScmServiceStatus> query_status(const std::string& name) = 0;
  // The registration as the SCM holds it (QueryServiceConfigW and QueryServiceConfig2W for the
  // description, failure actions and preshutdown timeout); std::nullopt when not registered.
  // account.needs_password is not read back (always false).
  [[nodiscard]] virtual std::optional<ServiceRegistration> query_registration(
      const std::string& name) = 0;
  // CreateServiceW (own process, error normal) and then the ChangeServiceConfig2W settings:
  // description, failure actions with failure flag 0, delayed auto-start, preshutdown timeout.
  // `password` is used only for accounts that need one.
  virtual void create(const ServiceRegistration& registration, const std::string& password) = 0;
  // ChangeServiceConfigW + the same ChangeServiceConfig2W settings on an existing service.
  virtual void reconfigure(const ServiceRegistration& registration,
                           const std::string& password) = 0;
  // StartServiceW; returns without waiting for RUNNING. Starting a running service is not an
  // error.
  virtual void start(const std::string& name) = 0;
  // ControlService(SERVICE_CONTROL_STOP); returns without waiting for STOPPED. Stopping a
  // stopped service is not an error.
  virtual void stop(const std::string& name) = 0;
  // ControlService with a user-defined code (128-255; windows_control::reload): the running
  // service's watchdog receives it. A service that is not running is an error.
  virtual void send_control(const std::string& name, unsigned long code) = 0;
  // DeleteService (the SCM deletes it once no handle is open and it is stopped).
  virtual void remove(const std::string& name) = 0;
  // False where the SCM accepts failure actions but does not keep them (Wine's services.exe
  // reads them back empty): deploy then leaves them out of its comparison, or it would
  // reconfigure the service on every run.
  [[nodiscard]] virtual bool keeps_failure_actions() const { return true; }
  // Adds an allow entry for `account` to the DACL of `path` (inherited by children of a
  // directory): read and execute, plus modify when `write`.
  virtual void grant_access(const std::string& path, const std::string& account, bool write) = 0;
};

// The host's SCM; nullptr in builds for other systems (where deploy has no windows-service
// installer and says so).
[[nodiscard]] std::unique_ptr<WindowsServiceApi> make_host_windows_service_api();

}  // namespace daemonize::windows
