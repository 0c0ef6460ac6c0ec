// What the importers share: the report being written, name and account checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/import/import.hpp"

namespace daemonize::import {

// A manifest service name (`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`) made from `raw`: other
// characters become '-', at most 64 characters; "service" when nothing is left.
[[nodiscard]] std::string service_name_from(std::string_view raw);

// A POSIX account name as the manifest accepts it.
[[nodiscard]] bool is_account_name(std::string_view name);

// `text` in ASCII lower case.
[[nodiscard]] std::string lowercase(std::string text);

// `text` without leading and trailing spaces, tabs, CR and LF.
[[nodiscard]] std::string trimmed(std::string_view text);

// A variable name `[A-Za-z_][A-Za-z0-9_]*`.
[[nodiscard]] bool is_variable_name(std::string_view name);

// Report lines in input order: by file (in the order given), then line.
void sort_report(std::vector<ReportLine>& report, const std::vector<std::string>& files);

// The 1-based line of the first byte sequence that is not UTF-8, or 0 when `text` is UTF-8
// (manifests are TOML, which is UTF-8).
[[nodiscard]] int first_non_utf8_line(std::string_view text);

// `directory` + `file` fit logs.directory + logs.stdout: no control characters, a plain file
// name (no '\\', not "." or "..", not a keyword of logs.stdout).
[[nodiscard]] bool is_log_file(std::string_view directory, std::string_view file);

// The 1-based line of the first control character other than tab, CR and LF, or 0.
[[nodiscard]] int first_control_character_line(std::string_view text);

// The error for input that is not a text file (not UTF-8, or a control character), at its line;
// nullopt for text every reader can go on with.
[[nodiscard]] std::optional<ImportError> not_text_error(const SourceText& source);

// "a; b; c"
[[nodiscard]] std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace daemonize::import
