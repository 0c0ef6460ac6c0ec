// `daemonize render FILE --target T [-o DIR] [--daemonize-path PATH]`
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "manifest_loading.hpp"

namespace daemonize::cli {
namespace {

struct RenderCommandOptions {
  std::string file;
  std::string target;
  std::string output_directory;
  std::string daemonize_path;
};

// Writes one artifact below `directory`; returns an error message or "".
std::string write_artifact(const std::filesystem::path& directory, const Artifact& artifact) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return "cannot create directory " + directory.string() + ": " + error.message();
  const auto path = directory / artifact.file_name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << artifact.content;
  out.close();
  if (!out) return "cannot write " + path.string();
  return "";
}

int run_render(const RenderCommandOptions& options, const BackendRegistry& registry) {
  auto backends = select_backends(registry, {options.target});
  if (!backends) return exit_code::usage;
  const bool render_all = options.target == "all";

  ManifestCache cache(options.file);
  RenderOptions render_options;
  render_options.daemonize_path = options.daemonize_path;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::pair<const Backend*, std::vector<Artifact>>> outputs;
  int failure = exit_code::success;

  // `all` writes every target that renders: one that cannot serve the manifest (unsupported, or
  // its renderer reports errors) is skipped with a note. Only an invalid manifest, or an error of
  // the one target named with --target, fails the command (and then nothing is written).
  std::vector<std::string> notes;
  for (const auto* backend : *backends) {
    const auto& loaded = cache.load(backend->os());
    if (!loaded.service) {
      append_load_diagnostics(diagnostics, loaded, *backend);
      failure = load_failure_exit_code(loaded);
      continue;
    }
    // A target merely not chosen by default is a note (an explicit --target renders it).
    if (auto reason = backend->not_selected_reason(*loaded.service); reason && render_all) {
      std::cerr << "daemonize: skipped " << backend->name() << ": " << *reason << '\n';
      continue;
    }
    if (auto reason = backend->unsupported_reason(*loaded.service); reason && render_all) {
      notes.push_back("skipped " + std::string(backend->name()) + ": " + *reason);
      continue;
    }
    append_load_diagnostics(diagnostics, loaded, *backend);
    auto rendered = render_explicit(*backend, *loaded.service, render_options);
    if (has_errors(rendered.diagnostics)) {
      if (render_all) {
        downgrade_to_warnings(rendered.diagnostics);
        notes.push_back("skipped " + std::string(backend->name()) +
                        ": it cannot express this manifest (see its warnings)");
      } else {
        failure = exit_code::data_error;
      }
      diagnostics.insert(diagnostics.end(), rendered.diagnostics.begin(),
                         rendered.diagnostics.end());
      continue;
    }
    diagnostics.insert(diagnostics.end(), rendered.diagnostics.begin(), rendered.diagnostics.end());
    outputs.emplace_back(backend, std::move(rendered.artifacts));
  }
  print_diagnostics(diagnostics);
  for (const auto& note : notes) std::cerr << "daemonize: " << note << '\n';
  if (failure != exit_code::success) return failure;

  for (const auto& [backend, artifacts] : outputs) {
    for (const auto& artifact : artifacts) {
      const std::string relative = std::string(backend->name()) + "/" + artifact.file_name;
      if (options.output_directory.empty()) {
        std::cout << "# --- " << relative << " ---\n" << artifact.content;
        if (!artifact.content.empty() && artifact.content.back() != '\n') std::cout << '\n';
        continue;
      }
      const auto directory = std::filesystem::path(options.output_directory) / backend->name();
      if (auto error = write_artifact(directory, artifact); !error.empty()) {
        std::cerr << "daemonize: " << error << '\n';
        return exit_code::cannot_create;
      }
      std::cout << "wrote " << (directory / artifact.file_name).string() << '\n';
    }
  }
  return exit_code::success;
}

}  // namespace

void add_render_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<RenderCommandOptions>();
  auto* command =
      app.add_subcommand("render", "Render native service definitions without touching the system");
  command->add_option("file", options->file, "The manifest (service.toml)")->required();
  command
      ->add_option("--target,-t", options->target,
                   "systemd, launchd, windows-service, windows-task, kubernetes, cron or all")
      ->required();
  command->add_option("-o,--output-dir", options->output_directory,
                      "Write DIR/<target>/<file> instead of printing");
  command->add_option("--daemonize-path", options->daemonize_path,
                      "The watchdog path units execute (default: the install location)");
  command->callback(
      [options, &context] { context.exit_code = run_render(*options, context.registry); });
}

}  // namespace daemonize::cli
