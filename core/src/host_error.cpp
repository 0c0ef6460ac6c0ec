#include "daemonize/core/host_error.hpp"

#include <cerrno>
#include <cstring>

namespace daemonize {

std::string HostError::message() const {
  std::string text = operation;
  if (!subject.empty()) text += " " + subject;
  if (!detail.empty()) text += ": " + detail;
  return text;
}

void throw_exception_from_error(const HostError& error,
                                const boost::source_location& /*location*/) {
  throw SystemError(error);
}

HostError errno_error(std::string operation, std::string subject, int code) {
  return HostError{std::move(operation), std::move(subject), std::strerror(code), code,
                   code == EACCES || code == EPERM ? HostError::Kind::permission_denied
                                                   : HostError::Kind::other};
}

}  // namespace daemonize
