// Where the child's stdout and stderr go. The watchdog asks for descriptors before every spawn.
//
// This is the seam for log capture and rotation (issue 7): a rotating writer implements
// ChildOutput by handing out pipe write ends in open_for_spawn(), closing them in
// child_spawned(), and reading the read ends on the watchdog's io_context, which
// make_child_output() receives for that purpose. The simple implementation here appends to
// files in logs.directory (or inherits / discards) and does no rotation.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/model.hpp"

namespace boost::asio {
class io_context;
}

namespace daemonize {

// Descriptors the child gets as 1 and 2; -1 keeps the watchdog's own (inherit).
struct ChildStdio {
  int stdout_fd = -1;
  int stderr_fd = -1;
};

class ChildOutput {
 public:
  virtual ~ChildOutput() = default;
  // Called before each spawn; an error message (empty = ok) when the outputs cannot be opened.
  [[nodiscard]] virtual std::string open_for_spawn(ChildStdio& stdio) = 0;
  // Called after each spawn attempt (success or not): release the child's side.
  virtual void child_spawned() = 0;
  // SIGUSR1: reopen files (external logrotate). No-op where nothing is open.
  virtual void reopen() = 0;
};

// Appends to logs.directory/<file> (created 0750, files 0640, O_NOFOLLOW), or inherit / null.
// Throws std::runtime_error naming the path when the directory cannot be created.
[[nodiscard]] std::unique_ptr<ChildOutput> make_child_output(const LogsConfig& logs,
                                                             boost::asio::io_context& io);

}  // namespace daemonize
