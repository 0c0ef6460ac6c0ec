// The cron target, for hosts without a service manager or without root: a crontab block with an
// @reboot line and an every-minute line, both running `daemonize run --detach` (a no-op while the
// watchdog holds its pidfile lock, a restart after a crash or a reboot). Pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemonize/core/backend.hpp"

namespace daemonize {

[[nodiscard]] std::unique_ptr<Backend> make_cron_backend();

namespace cron {

// The marker lines that delimit the managed block inside a crontab.
[[nodiscard]] std::string begin_marker(const std::string& service_name);
[[nodiscard]] std::string end_marker(const std::string& service_name);

// Quotes one word for /bin/sh (cron runs each line with sh -c) and escapes cron's '%'.
// A leading "$HOME/" stays expandable: cron sets HOME, and user-scope paths live under it.
[[nodiscard]] std::string quote_for_crontab(std::string_view word);

// Renders `<name>.crontab`: the managed block only (deploy merges it into `crontab -l`).
[[nodiscard]] RenderResult render_cron_block(const Service& service, const RenderOptions& options);

// Replaces the managed block of `service_name` in `crontab` with `block` (appends it when absent;
// removes it when `block` is empty). Lines outside the block are kept byte for byte.
[[nodiscard]] std::string merge_block(const std::string& crontab, const std::string& service_name,
                                      const std::string& block);

}  // namespace cron
}  // namespace daemonize
