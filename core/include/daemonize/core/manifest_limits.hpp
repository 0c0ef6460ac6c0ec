// Limits on what one manifest may hold (docs/manifest.md, "Limits"): far above what a real
// service needs, low enough that a runaway generator gets a clear error instead of a slow load,
// render or start.
#pragma once

#include <cstddef>

namespace daemonize::manifest_limits {

// The whole file: 4 MiB.
inline constexpr std::size_t file_bytes = std::size_t{4} * 1024 * 1024;
// One string value, anywhere in the file: 64 KiB.
inline constexpr std::size_t string_bytes = std::size_t{64} * 1024;
// [env] variables after the [os.*] merge.
inline constexpr std::size_t env_entries = 4096;
// Elements of service.args, entries of service.env_files, names of service.required_env.
inline constexpr std::size_t args = 4096;
inline constexpr std::size_t env_files = 256;
inline constexpr std::size_t required_env = 4096;

}  // namespace daemonize::manifest_limits
