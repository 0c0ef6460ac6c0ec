// Loading a manifest for one or more targets, shared by the commands that read manifests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/loader.hpp"

namespace daemonize::cli {

// Loads a manifest once per OS and remembers the results.
class ManifestCache {
 public:
  explicit ManifestCache(std::string path) : path_(std::move(path)) {}
  const LoadResult& load(TargetOs os);
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<TargetOs, LoadResult> results_;
};

// Renders with `backend`; prefixes renderer messages with the target name and fills positions.
RenderResult render_for(const Backend& backend, const Service& service,
                        const RenderOptions& options);

// Renders for an explicitly named target: the renderer's own errors (with their positions) win;
// when the backend has an unsupported reason but the renderer found no error, that reason is
// added as an error.
RenderResult render_explicit(const Backend& backend, const Service& service,
                             const RenderOptions& options);

// Appends the diagnostics of `loaded` (merged for `backend`'s OS) to `out`; those that depend on
// the OS merge (a path of the other OS and its fallback) are prefixed with the target's name.
void append_load_diagnostics(std::vector<Diagnostic>& out, const LoadResult& loaded,
                             const Backend& backend);

// For `--target all`: a target whose renderer found errors is skipped like an unsupported one,
// so its errors are reported as warnings (the other targets still render; exit 0).
void downgrade_to_warnings(std::vector<Diagnostic>& diagnostics);

// Prints diagnostics to stderr, each once (several OS loads may repeat a diagnostic).
void print_diagnostics(const std::vector<Diagnostic>& diagnostics);

// Exit code for a failed load: 66 (unreadable) or 65 (invalid).
int load_failure_exit_code(const LoadResult& result);

// "daemonize: unknown target 'windows'; did you mean 'windows-service' or 'windows-task'?", or
// with no close name the targets this build knows; `also` are the other words the option takes
// ("all", "auto").
std::string unknown_target_message(const BackendRegistry& registry, const std::string& name,
                                   const std::vector<std::string>& also);

// Targets named on the command line, expanded ("all") and checked; nullopt after printing an error.
std::optional<std::vector<const Backend*>> select_backends(const BackendRegistry& registry,
                                                           const std::vector<std::string>& names);

}  // namespace daemonize::cli
