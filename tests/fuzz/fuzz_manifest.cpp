// Fuzzes the manifest loader for every OS and, for each manifest that loads, every registered
// renderer: no crash, no leak, no hang, and render output is deterministic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "commands.hpp"
#include "daemonize/core/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto registry = [] {
    daemonize::BackendRegistry backends;
    daemonize::cli::register_backends(backends);
    return backends;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto os :
       {daemonize::TargetOs::linux, daemonize::TargetOs::macos, daemonize::TargetOs::windows}) {
    const auto loaded = daemonize::load_manifest_text(text, "fuzz.toml", os);
    if (!loaded.service) continue;
    for (const auto* backend : registry.all()) {
      if (backend->os() != os || backend->unsupported_reason(*loaded.service)) continue;
      const auto first = backend->render(*loaded.service, {});
      const auto second = backend->render(*loaded.service, {});
      if (first.artifacts.size() != second.artifacts.size()) __builtin_trap();
      for (std::size_t i = 0; i < first.artifacts.size(); ++i) {
        if (first.artifacts[i].content != second.artifacts[i].content) __builtin_trap();
      }
    }
  }
  return 0;
}
