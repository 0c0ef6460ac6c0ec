// The toy target: `<name>.txt` with the program and its arguments. Pure.
#pragma once

#include <memory>

#include "daemonize/core/backend.hpp"

namespace daemonize {

[[nodiscard]] std::unique_ptr<Backend> make_toy_backend();

}  // namespace daemonize
