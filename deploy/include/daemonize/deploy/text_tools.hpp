// Small text helpers of deploy: content hashes for the receipt and unified diffs for the plan.
#pragma once

#include <string>
#include <string_view>

#include "daemonize/core/unified_diff.hpp"  // unified_diff(), shared with the backends' installers

namespace daemonize::deploy {

// SHA-256 of `data` as 64 lowercase hex digits (FIPS 180-4).
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace daemonize::deploy
