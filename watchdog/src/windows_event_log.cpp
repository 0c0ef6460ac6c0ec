// The watchdog's own start/stop/give-up events in the Application log (ReportEventW). The
// source is the service name; deploy registers it (EventLog\Application\<name>) so the Event
// Viewer shows the text without a "description cannot be found" preamble.
#include <windows.h>

#include "windows_runtime.hpp"

namespace daemonize::windows {

EventLog::EventLog(const std::string& source)
    : source_(RegisterEventSourceW(nullptr, widen(source).c_str())) {}

EventLog::~EventLog() {
  if (source_) DeregisterEventSource(source_);
}

void EventLog::report(WORD type, const std::string& message) {
  if (!source_) return;
  const std::wstring text = widen(message);
  const wchar_t* strings[] = {text.c_str()};
  // Event id 1 with one insertion string; there is no message file with other texts.
  ReportEventW(source_, type, 0, 1, nullptr, 1, 0, strings, nullptr);
}

}  // namespace daemonize::windows
