// Small text helpers of deploy: content hashes for the receipt and unified diffs for the plan.
#pragma once

#include <string>
#include <string_view>

namespace daemonize::deploy {

// SHA-256 of `data` as 64 lowercase hex digits (FIPS 180-4).
[[nodiscard]] std::string sha256_hex(std::string_view data);

// A unified diff (`--- old_label` / `+++ new_label` / `@@` hunks, 3 lines of context) from
// `old_text` to `new_text`, computed with dtl; "" when they are equal. A missing final newline
// is marked like diff(1) does.
[[nodiscard]] std::string unified_diff(std::string_view old_text, std::string_view new_text,
                                       const std::string& old_label, const std::string& new_label);

}  // namespace daemonize::deploy
