// The normalized model as JSON (validate --json, deploy receipts, status).
// Durations are numbers of milliseconds (keys end in "_ms"), sizes numbers of bytes.
#pragma once

#include <boost/json/value.hpp>

#include "daemonize/core/model.hpp"

namespace daemonize {

[[nodiscard]] boost::json::value to_json(const Service& service);

}  // namespace daemonize
