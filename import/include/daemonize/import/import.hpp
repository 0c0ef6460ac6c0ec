// `daemonize import`: other service managers' definitions in, manifests and a report out.
// The importers are pure functions of the input text (the caller reads the files), so the same
// code serves the CLI, the tests, the corpus check and the fuzzers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

enum class Format {
  systemd,
  launchd,
  nssm,
  winsw,
  supervisord,
  pm2,
  procfile,
  windows_service,
  windows_task
};

// "systemd", "launchd", ... as `--from` spells them.
[[nodiscard]] const char* to_string(Format format);
[[nodiscard]] std::optional<Format> parse_format(std::string_view name);
// The formats this build reads; the others are "not supported yet".
[[nodiscard]] bool is_supported(Format format);

// The kind of `text` read from `path`, from its extension and then its content; nullopt when
// nothing matches.
[[nodiscard]] std::optional<Format> detect_format(const std::string& path, std::string_view text);

enum class Outcome { carried, approximated, dropped };
[[nodiscard]] const char* to_string(Outcome outcome);

// One directive of the input and what became of it.
struct ReportLine {
  std::string file;
  int line = 0;
  Outcome outcome = Outcome::carried;
  std::string key;   // as the input spells it ("ExecStart", "autorestart", "web")
  std::string note;  // what changes, or why it was dropped
};

// "FILE:LINE: carried|approximated|dropped: KEY — NOTE" (no " — NOTE" when the note is empty).
[[nodiscard]] std::string format_report_line(const ReportLine& line);

struct ImportedService {
  std::string name;      // the manifest's service.name; the file is NAME.toml
  std::string manifest;  // TOML text, with a header comment naming the source
};

// Input that is not a service definition (exit 65), at FILE:LINE.
struct ImportError {
  std::string file;
  int line = 0;
  std::string message;
};

struct ImportResult {
  std::vector<ImportedService> services;
  std::vector<ReportLine> report;
  std::vector<ImportError> errors;
};

// One input file's text, as read.
struct SourceText {
  std::string path;
  std::string text;
};

// A systemd unit and its drop-ins (`<unit>.d/*.conf`, already in the order systemd applies them).
[[nodiscard]] ImportResult import_systemd(const SourceText& unit,
                                          const std::vector<SourceText>& dropins);
// A Procfile: one manifest per process type.
[[nodiscard]] ImportResult import_procfile(const SourceText& procfile);
// A supervisord configuration: one manifest per [program:x].
[[nodiscard]] ImportResult import_supervisord(const SourceText& conf);
// A PM2 ecosystem file (JSON or YAML): one manifest per entry of `apps`. A JavaScript one
// (`.js`, `.cjs`, `.mjs`) is refused at line 1 with how to turn it into JSON.
[[nodiscard]] ImportResult import_pm2(const SourceText& ecosystem);

// A launchd job (launchd.plist(5)), XML or binary (`bplist00`). A binary plist has no lines:
// its report lines and errors say line 1.
[[nodiscard]] ImportResult import_launchd(const SourceText& plist);

// A registry export (`.reg`) of Services\NAME: an NSSM-wrapped service (ImagePath runs nssm.exe,
// the program in Parameters) or a plain one (ImagePath is the program). One manifest per service.
[[nodiscard]] ImportResult import_nssm(const SourceText& reg);
// A WinSW configuration (`<service>` XML, v2 or v3).
[[nodiscard]] ImportResult import_winsw(const SourceText& xml);

// What `daemonize render` writes for Windows: the windows-service install script
// (install-NAME.cmd, its sc.exe registration) and the windows-task XML (UTF-16 as rendered).
// Both run the daemonize watchdog on a manifest, `manifest` here (the file
// `referenced_manifest` names, found by the caller), which gives the program; without it the
// import fails at the line that names it. A native task runs the program itself and needs none.
[[nodiscard]] ImportResult import_windows_service(const SourceText& script,
                                                  const std::optional<SourceText>& manifest);
[[nodiscard]] ImportResult import_windows_task(const SourceText& xml,
                                               const std::optional<SourceText>& manifest);
// The manifest path a windows-service script or windows-task XML runs the watchdog on.
[[nodiscard]] std::optional<std::string> referenced_manifest(Format format, std::string_view text);

// The drop-ins systemd applies to the unit at `unit_path`: `<unit_path>.d/*.conf`, sorted by
// file name (the one place the importers look at the file system).
[[nodiscard]] std::vector<std::string> systemd_dropin_paths(const std::string& unit_path);

// Dispatches on `format` (a supported one); `companion` is the manifest a windows-service or
// windows-task definition runs.
[[nodiscard]] ImportResult import_text(Format format, const SourceText& source,
                                       const std::vector<SourceText>& dropins,
                                       const std::optional<SourceText>& companion = std::nullopt);

}  // namespace daemonize::import
