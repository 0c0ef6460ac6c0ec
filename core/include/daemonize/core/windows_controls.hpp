// The service control codes `daemonize` sends a Windows service's watchdog through the SCM beyond
// the standard ones. The SCM has no reload control; user-defined codes (128-255) reach the
// service's HandlerEx unchanged, so `daemonize reload NAME` asks the watchdog with one of them.
#pragma once

namespace daemonize::windows_control {

// ControlService(service, reload, ...): the watchdog runs [reload] command or [hooks] reload.
inline constexpr unsigned long reload = 128;

}  // namespace daemonize::windows_control
