// The host's SystemOps on Linux and macOS.
#include "daemonize/deploy/posix_system_ops.hpp"
#include "deploy_support.hpp"

namespace daemonize::cli {

std::unique_ptr<SystemOps> make_host_system_ops(const std::string& root) {
  return std::make_unique<deploy::PosixSystemOps>(root);
}

}  // namespace daemonize::cli
