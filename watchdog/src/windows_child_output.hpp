// The child's output on Windows (the Windows watchdog, windows_run.cpp): the same
// RotatingLogWriter as on POSIX, fed by pipes. Every spawn gets fresh pipes whose write ends
// the child inherits as stdout/stderr; one reader thread per pipe drains it until end of file
// (every process of the child's tree closed it) into the writer of its file (one writer shared
// when stdout and stderr name the same file, each stream keeping its own partial line). A
// housekeeping thread rotates at time boundaries while the child is quiet. "inherit" and "null"
// streams bypass the pipes. Windows handles are passed as void* (HANDLE) so this header needs
// no <windows.h>.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/model.hpp"
#include "daemonize/watchdog/log_rotation.hpp"

namespace daemonize::logs {

// The handles the child gets as stdout and stderr (not inheritable: the spawn duplicates them
// into its handle list); nullptr = the NUL device.
struct ChildHandles {
  void* stdout_handle = nullptr;
  void* stderr_handle = nullptr;
};

class WindowsChildOutput {
 public:
  // Waits for the readers to reach end of file (bounded: `kDrainTimeout` for a tree that
  // somehow outlives the watchdog's job), then flushes partial lines and compresses what is
  // queued.
  virtual ~WindowsChildOutput() = default;
  // Before each spawn: fresh pipes (and readers) or the inherit/NUL handles. An error message
  // (empty = ok) when they cannot be made.
  [[nodiscard]] virtual std::string open_for_spawn(ChildHandles& handles) = 0;
  // After each spawn attempt: closes the watchdog's copies of the write ends, so the readers see
  // end of file once the child's tree has exited.
  virtual void child_spawned() = 0;
};

// Throws std::runtime_error when the log directory cannot be created.
[[nodiscard]] std::unique_ptr<WindowsChildOutput> make_windows_child_output(const LogsConfig& logs,
                                                                            LogReporter report);

// The Windows LogFileSystem (CreateFileW with FILE_APPEND_DATA, MoveFileExW, FindFirstFileW...).
[[nodiscard]] LogFileSystem& windows_log_file_system();

}  // namespace daemonize::logs
