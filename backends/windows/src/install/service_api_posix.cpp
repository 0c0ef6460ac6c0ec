// make_host_windows_service_api() outside Windows: there is no service control manager to talk
// to, so deploy has no windows-service installer on this host (the real one is
// service_api_windows.cpp, compiled for Windows only).
#include "daemonize/windows/service_api.hpp"

namespace daemonize::windows {

std::unique_ptr<WindowsServiceApi> make_host_windows_service_api() { return nullptr; }

}  // namespace daemonize::windows
