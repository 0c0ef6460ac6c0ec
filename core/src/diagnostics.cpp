#include "daemonize/core/diagnostics.hpp"

#include <algorithm>

namespace daemonize {

const char* to_string(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string text = diagnostic.file;
  if (diagnostic.line > 0) {
    text += ':' + std::to_string(diagnostic.line) + ':' + std::to_string(diagnostic.column);
  }
  text += ": ";
  text += to_string(diagnostic.severity);
  text += ": ";
  text += diagnostic.message;
  return text;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace daemonize
