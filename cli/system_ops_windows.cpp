// The host's SystemOps on Windows.
#include "daemonize/deploy/windows_system_ops.hpp"
#include "deploy_support.hpp"

namespace daemonize::cli {

std::unique_ptr<SystemOps> make_host_system_ops(const std::string& root) {
  return std::make_unique<deploy::WindowsSystemOps>(root);
}

}  // namespace daemonize::cli
