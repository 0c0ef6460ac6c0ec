// Diagnostics: what validate/render/deploy report about a manifest, always with FILE:LINE:COL.
#pragma once

#include <string>
#include <vector>

namespace daemonize {

enum class Severity { warning, error };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;     // 1-based; 0 = the file as a whole
  int column = 0;   // 1-based
  std::string key;  // dotted key path the diagnostic is about ("restart.polcy"), may be empty
  std::string message;
};

// "FILE:LINE:COL: error: message" (or "FILE: error: message" without a position).
[[nodiscard]] std::string format_diagnostic(const Diagnostic& diagnostic);

[[nodiscard]] bool has_errors(const std::vector<Diagnostic>& diagnostics);

[[nodiscard]] const char* to_string(Severity severity);

}  // namespace daemonize
