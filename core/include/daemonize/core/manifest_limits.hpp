// Limits on what one manifest may hold (docs/manifest.md, "Limits"): far above what a real
// service needs, low enough that a runaway generator gets a clear error instead of a slow load,
// render or start.
#pragma once

#include <cstddef>

namespace daemonize::manifest_limits {

inline constexpr std::size_t file_bytes = 4 * 1024 * 1024;  // the whole file: 4 MiB
inline constexpr std::size_t string_bytes = 64 * 1024;      // one string value: 64 KiB
inline constexpr std::size_t env_entries = 4096;            // [env] variables (merged)
inline constexpr std::size_t args = 4096;                   // service.args elements
inline constexpr std::size_t env_files = 256;               // service.env_files entries
inline constexpr std::size_t required_env = 4096;           // service.required_env names

}  // namespace daemonize::manifest_limits
