// Pieces shared by the windows-service and windows-task renderers (private to this library).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize::windows::detail {

// Collects a renderer's diagnostics; messages name the key, the CLI adds the target and position.
class Diagnostics {
 public:
  void error(std::string key, std::string message);
  void warning(std::string key, std::string message);
  [[nodiscard]] std::vector<Diagnostic> take() { return std::move(diagnostics_); }
  [[nodiscard]] bool has_errors() const;

 private:
  std::vector<Diagnostic> diagnostics_;
};

// True when the manifest itself sets `key` (the loader records positions of keys it read).
[[nodiscard]] bool is_set(const Service& service, const std::string& key);

// The text of `value` when it holds no ${...} reference (with `$$` turned into `$`);
// `has_references` reports whether it does (then the returned text is the raw value).
struct LiteralText {
  std::string text;
  bool has_references = false;
  bool syntax_error = false;
};
[[nodiscard]] LiteralText literal_text(std::string_view value);

// Checks both Windows targets share: Windows paths, keys Windows has no equivalent for.
// `account` names who the program runs as, for the warnings that say so.
void check_common(const Service& service, const std::string& account, Diagnostics& diagnostics);

// A .cmd batch file with CRLF line endings (cmd.exe mis-reads labels in LF-only files).
class CmdScript {
 public:
  // A line written as is (template text that holds no manifest value).
  void raw(std::string_view line);
  // One command: `program` and `suffix` (redirections) are template text written as is; each
  // part is quoted for the program's argv parser (always when `quote`, else when the text needs
  // it), then the parts are escaped for cmd.exe.
  struct Part {
    std::string text;
    bool quote = false;
  };
  void command(std::string_view program, const std::vector<Part>& parts,
               std::string_view suffix = {});
  [[nodiscard]] const std::string& text() const { return text_; }
  // `rem Documentation: …` with service.documentation, when it is set ('%' doubled: cmd.exe
  // expands variables in a rem line too).
  void documentation(const Service& service);

 private:
  std::string text_;
};

}  // namespace daemonize::windows::detail
