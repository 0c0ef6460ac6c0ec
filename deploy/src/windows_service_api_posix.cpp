// make_host_windows_service_api() outside Windows: there is no service control manager to talk
// to, so deploy has no windows-service installer on this host (the real one is
// windows_service_api.cpp, compiled for Windows only).
#include "daemonize/deploy/windows_service_api.hpp"

namespace daemonize::deploy {

std::unique_ptr<WindowsServiceApi> make_host_windows_service_api() { return nullptr; }

}  // namespace daemonize::deploy
