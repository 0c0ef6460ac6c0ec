// `daemonize validate FILE [--target T]... [--json] [--quiet]`
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <iterator>
#include <set>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/model_json.hpp"
#include "manifest_loading.hpp"

namespace daemonize::cli {
namespace {

struct ValidateOptions {
  std::string file;
  std::vector<std::string> targets;
  bool json = false;
  bool quiet = false;  // only errors: no warnings, no "FILE: ok"
};

boost::json::value diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  boost::json::array array;
  std::set<std::string> seen;
  for (const auto& d : diagnostics) {
    if (!seen.insert(format_diagnostic(d)).second) continue;
    array.push_back(boost::json::object{{"severity", to_string(d.severity)},
                                        {"file", d.file},
                                        {"line", d.line},
                                        {"column", d.column},
                                        {"key", d.key},
                                        {"message", d.message}});
  }
  return array;
}

int run_validate(const ValidateOptions& options, const BackendRegistry& registry) {
  auto backends = select_backends(registry, options.targets);
  if (!backends) return exit_code::usage;
  const bool validate_all =
      std::find(options.targets.begin(), options.targets.end(), "all") != options.targets.end();
  // A target named on its own is explicit: its errors count even when `all` is also given.
  auto explicitly_named = [&](const Backend& backend) {
    return std::find(options.targets.begin(), options.targets.end(), backend.name()) !=
           options.targets.end();
  };

  ManifestCache cache(options.file);
  std::vector<Diagnostic> diagnostics;
  const Service* shown =
      nullptr;  // the model printed by --json: the first target's OS, else the host's
  bool unreadable = false;

  auto load = [&](TargetOs os) -> const Service* {
    const auto& result = cache.load(os);
    diagnostics.insert(diagnostics.end(), result.diagnostics.begin(), result.diagnostics.end());
    unreadable = unreadable || result.file_unreadable;
    return result.service ? &*result.service : nullptr;
  };

  if (backends->empty()) {
    shown = load(host_os());
  }
  for (const auto* backend : *backends) {
    const auto& loaded = cache.load(backend->os());
    unreadable = unreadable || loaded.file_unreadable;
    const Service* service = loaded.service ? &*loaded.service : nullptr;
    if (shown == nullptr) shown = service;
    if (service == nullptr) {
      append_load_diagnostics(diagnostics, loaded, *backend);
      continue;
    }
    // Under `all`, a target merely not chosen by default is not checked and not reported: it is
    // no problem of the manifest (an explicit --target checks it). A target that cannot serve the
    // manifest is skipped with a warning, like `render --target all` skips it; an explicitly
    // named target reports errors.
    const bool may_skip = validate_all && !explicitly_named(*backend);
    if (may_skip && backend->not_selected_reason(*service)) continue;
    if (auto reason = backend->unsupported_reason(*service); reason && may_skip) {
      diagnostics.push_back({Severity::warning, options.file, 0, 0, "",
                             std::string(backend->name()) + ": skipped: " + *reason});
      continue;
    }
    append_load_diagnostics(diagnostics, loaded, *backend);
    auto rendered = render_explicit(*backend, *service, RenderOptions{});
    const bool skipped = may_skip && has_errors(rendered.diagnostics);
    if (skipped) downgrade_to_warnings(rendered.diagnostics);
    diagnostics.insert(diagnostics.end(), rendered.diagnostics.begin(), rendered.diagnostics.end());
    if (skipped) {
      diagnostics.push_back({Severity::warning, options.file, 0, 0, "",
                             std::string(backend->name()) +
                                 ": skipped: it cannot express this manifest (see its warnings)"});
    }
  }

  const bool ok = !unreadable && !has_errors(diagnostics);
  if (options.json) {
    boost::json::object output{{"ok", ok}, {"diagnostics", diagnostics_json(diagnostics)}};
    output["service"] = shown != nullptr ? to_json(*shown) : boost::json::value(nullptr);
    std::cout << boost::json::serialize(output) << '\n';
  } else if (options.quiet) {
    std::vector<Diagnostic> errors;
    std::copy_if(diagnostics.begin(), diagnostics.end(), std::back_inserter(errors),
                 [](const Diagnostic& d) { return d.severity == Severity::error; });
    print_diagnostics(errors);
  } else {
    print_diagnostics(diagnostics);
    if (ok) std::cout << options.file << ": ok\n";
  }
  if (unreadable) return exit_code::no_input;
  return ok ? exit_code::success : exit_code::data_error;
}

}  // namespace

void add_validate_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ValidateOptions>();
  auto* command = app.add_subcommand("validate", "Check a manifest and print its diagnostics");
  command->add_option("file", options->file, "The manifest (service.toml)")->required();
  command->add_option("--target,-t", options->targets,
                      "Also check what this target cannot express (repeatable; 'all')");
  auto* json = command->add_flag("--json", options->json,
                                 "Print diagnostics and the normalized model as JSON");
  command->add_flag("--quiet,-q", options->quiet, "Print only errors; the exit code tells the rest")
      ->excludes(json);
  command->callback(
      [options, &context] { context.exit_code = run_validate(*options, context.registry); });
}

}  // namespace daemonize::cli
