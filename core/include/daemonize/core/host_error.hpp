// The one error value at host boundaries: files, processes, accounts, the service manager's
// commands and APIs. Manifest problems are Diagnostics instead (diagnostics.hpp).
#pragma once

#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace daemonize {

struct HostError {
  // What the caller decides on: permission_denied is exit 77 (deploy needs root or the right
  // account), everything else 74.
  enum class Kind { other, permission_denied };

  // Not an aggregate, and no one-argument constructor: HostResult<std::string> then takes a
  // string as its value without ambiguity.
  HostError() = default;
  HostError(std::string operation_done, std::string subject_of, std::string why, long code = 0,
            Kind error_kind = Kind::other)
      : operation(std::move(operation_done)),
        subject(std::move(subject_of)),
        detail(std::move(why)),
        os_code(code),
        kind(error_kind) {}

  std::string operation;  // what was done: "rename", "OpenServiceW", "spawn", "useradd"
  std::string subject;    // to what: a path, a command line, a service name; may be ""
  std::string detail;     // why: the system's text for os_code, or the tool's own words
  long os_code = 0;       // errno or GetLastError(); 0 when the failure is not the OS's
  Kind kind = Kind::other;

  // "<operation> <subject>: <detail>", the text every command prints after "daemonize: ".
  [[nodiscard]] std::string message() const;
};

// A value or the HostError that prevented it. `.value()` on an error throws SystemError.
template <class T>
using HostResult = boost::system::result<T, HostError>;

// A HostError thrown where the caller cannot go on (SystemOps, installers, deploy's apply).
class SystemError : public std::runtime_error {
 public:
  using Kind = HostError::Kind;
  explicit SystemError(HostError error)
      : std::runtime_error(error.message()), error_(std::move(error)) {}
  // For a failure that is not a single OS call: the whole text, no code.
  explicit SystemError(const std::string& message, Kind kind = Kind::other)
      : SystemError(HostError{message, "", "", 0, kind}) {}
  [[nodiscard]] Kind kind() const { return error_.kind; }
  [[nodiscard]] const HostError& error() const { return error_; }

 private:
  HostError error_;
};

// What HostResult<T>::value() throws on an error (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(const HostError& error,
                                             const boost::source_location& location);

// The HostError of a failed POSIX call: `detail` is strerror(code).
[[nodiscard]] HostError errno_error(std::string operation, std::string subject, int code);

}  // namespace daemonize
