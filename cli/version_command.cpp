#include "commands.hpp"

namespace daemonize::cli {

std::string version_text(const BackendRegistry& registry) {
  std::string text = "daemonize " DAEMONIZE_VERSION "\nbackends:";
  for (const auto& name : registry.names()) text += " " + name;
  return text;
}

}  // namespace daemonize::cli
