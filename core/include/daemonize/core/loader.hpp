// Loads service.toml into the normalized model, collecting every diagnostic of the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize {

struct LoadResult {
  std::optional<Service> service;  // set when there is no error (warnings may exist)
  std::vector<Diagnostic> diagnostics;
  bool file_unreadable = false;  // the file could not be read at all (exit 66)
  // The subset of `diagnostics` that depends on the OS the manifest was merged for (a path of the
  // other OS and its fallback), so that a caller rendering several targets can name the target.
  std::vector<Diagnostic> os_specific;
};

// Parses `text` as if read from `path`, merging [os.<os>] and applying defaults.
[[nodiscard]] LoadResult load_manifest_text(std::string_view text, const std::string& path,
                                            TargetOs os);

// Reads and parses the file at `path`.
[[nodiscard]] LoadResult load_manifest_file(const std::string& path, TargetOs os);

// The OS this binary runs on.
[[nodiscard]] TargetOs host_os();

}  // namespace daemonize
