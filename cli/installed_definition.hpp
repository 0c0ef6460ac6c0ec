// `daemonize import --service NAME`: the definition this host's service manager holds for NAME,
// read into the same text the importers take from files, so a live service and an exported file
// import alike. Platform files implement it: installed_definition_posix.cpp (systemd through
// `systemctl cat`, launchd through the plist it loaded) and installed_definition_windows.cpp (the
// SCM configuration, the registry Parameters of an NSSM-wrapped service, the WinSW XML next to
// its executable, the manifest of a service daemonize deployed).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemonize/import/import.hpp"

namespace daemonize::cli {

struct InstalledDefinition {
  import::Format format = import::Format::systemd;
  import::SourceText source;                // path names where it came from (unit file, key)
  std::vector<import::SourceText> dropins;  // systemd drop-ins, in the order systemd applies them
  // The source is the manifest of a service daemonize deployed (Windows: the image runs
  // `daemonize.exe run --service MANIFEST`): it is the definition already, written as it is.
  bool deployed_manifest = false;
};

// Where `from` is absent the manager of this host is asked. The error names the manager and the
// command or API that failed ("systemctl cat web.service: No files found for web.service.").
[[nodiscard]] std::variant<InstalledDefinition, std::string> read_installed_definition(
    const std::string& name, const std::optional<std::string>& from);

}  // namespace daemonize::cli
