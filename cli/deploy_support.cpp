#include "deploy_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/paths.hpp"
#include "manifest_loading.hpp"

namespace daemonize::cli {
namespace {

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

bool names_a_file(const std::string& argument) {
  return argument.find('/') != std::string::npos || argument.ends_with(".toml") ||
         std::filesystem::is_regular_file(argument);
}

// The host's manager may not serve the manifest when another target of the same OS does (on
// Windows, windows-task for scope = "user" or [windows].backend = "task"): that one, with the
// reason on stderr; otherwise `chosen`, whose refusal is reported later.
std::string manifest_selected_target(const BackendRegistry& registry, const std::string& chosen,
                                     ManifestCache& cache, bool quiet) {
  const auto* backend = registry.find(chosen);
  if (backend == nullptr) return chosen;
  const auto& loaded = cache.load(backend->os());
  if (!loaded.service) return chosen;
  const auto refusal = backend->unsupported_reason(*loaded.service);
  if (!refusal) return chosen;
  for (const auto* other : registry.all()) {
    if (other == backend || other->os() != backend->os() || other->install_target() == nullptr ||
        other->unsupported_reason(*loaded.service) || other->not_selected_reason(*loaded.service)) {
      continue;
    }
    if (!quiet) {
      std::cerr << "daemonize: --target auto: " << other->name() << ", as the manifest selects ("
                << chosen << ": " << *refusal << ")\n";
    }
    return std::string(other->name());
  }
  return chosen;
}

}  // namespace

int prepare_deploy(const BackendRegistry& registry, const DeployTargetOptions& options,
                   bool needs_running_manager, bool with_binary, PreparedDeploy& prepared) {
  const auto host = make_host_system_ops();
  std::string target = options.target;
  ManifestCache cache(options.file);
  if (target == "auto") {
    const auto choice =
        deploy::detect_host_target(registry, *host, needs_running_manager && options.root.empty());
    if (choice.target.empty()) {
      std::cerr << "daemonize: no service manager for --target auto on this host:\n";
      for (const auto& reason : choice.reasons) std::cerr << "daemonize:   " << reason << '\n';
      std::cerr << "daemonize: use --output-dir DIR to only render the files, or --root DIR\n";
      return exit_code::unavailable;
    }
    if (!options.quiet) std::cerr << "daemonize: --target auto: " << choice.reasons.front() << '\n';
    target = manifest_selected_target(registry, choice.target, cache, options.quiet);
  }
  const auto* backend = registry.find(target);
  if (backend == nullptr || target == "all") {
    std::cerr << unknown_target_message(registry, target, {"auto"}) << '\n';
    return exit_code::usage;
  }

  const auto& loaded = cache.load(backend->os());
  print_diagnostics(loaded.diagnostics);
  if (!loaded.service) return load_failure_exit_code(loaded);
  prepared.service = *loaded.service;
  const Service& service = *prepared.service;
  if (auto reason = backend->unsupported_reason(service)) {
    std::cerr << "daemonize: " << target << ": cannot render this manifest: " << *reason << '\n';
    return exit_code::data_error;
  }

  auto& input = prepared.input;
  input.target = backend;
  input.layout = deploy::make_layout(service, *backend, invoking_home(), options.daemonize_path);
  RenderOptions render_options;
  // A path still starting with %LOCALAPPDATA% (files for a Windows user, written on another OS) is
  // the renderer's own default: it writes it as is, for Task Scheduler to expand.
  const auto unless_unexpanded = [](const std::string& path) {
    return path.starts_with(windows_local_app_data) ? std::string() : path;
  };
  render_options.daemonize_path = unless_unexpanded(input.layout.daemonize_path);
  render_options.installed_manifest_path = unless_unexpanded(input.layout.manifest_path);
  // This host's account names a Windows user only on Windows (files written here for another
  // machine cannot know who will register them there).
  if (backend->os() == host_os()) render_options.deploying_user = deploying_account();
  auto rendered = render_for(*backend, service, render_options);
  print_diagnostics(rendered.diagnostics);
  if (has_errors(rendered.diagnostics)) return exit_code::data_error;
  input.artifacts = std::move(rendered.artifacts);
  input.service = &*prepared.service;

  auto manifest_text = read_whole_file(options.file);
  if (!manifest_text) {
    std::cerr << "daemonize: cannot read " << options.file << '\n';
    return exit_code::no_input;
  }
  input.manifest_text = std::move(*manifest_text);
  std::error_code error;
  const auto absolute = std::filesystem::absolute(options.file, error);
  input.manifest_source = error ? options.file : absolute.lexically_normal().string();

  if (with_binary) {
    const auto executable = this_executable();
    auto binary = executable ? read_whole_file(executable->string()) : std::nullopt;
    if (!binary) {
      std::cerr << "daemonize: cannot read this executable ("
                << (executable ? executable->string() : "path unknown") << ") to install it\n";
      return exit_code::software;
    }
    input.daemonize_binary = std::move(*binary);
    // A second program the target runs (a task: daemonizew.exe, no console window), built
    // next to daemonize.exe.
    const auto* install = backend->install_target();
    const auto companion =
        install ? install->companion_binary(input.layout.daemonize_path) : std::nullopt;
    if (companion) {
      const auto path = executable->parent_path() / companion->file_name;
      input.companion_binary = read_whole_file(path.string());
      if (!input.companion_binary) {
        std::cerr << "daemonize: cannot read " << path.string() << " (" << companion->purpose
                  << ") to install it\n";
        return exit_code::software;
      }
    }
  }

  prepared.ops = make_host_system_ops(options.root);
  if (options.root.empty()) {
    auto request =
        deploy::install_request(service, input.layout, effective_user_id(), invoking_user_name());
    // Never written anywhere: handed to CreateServiceW/ChangeServiceConfigW only.
    if (const char* password = std::getenv("DAEMONIZE_SERVICE_PASSWORD")) {
      request.password = password;
    }
    prepared.installer = deploy::make_installer(*backend, request);
    if (needs_running_manager && !prepared.installer) {
      std::cerr << "daemonize: deploying to " << target
                << " is not supported by this build; use --output-dir DIR to render the files\n";
      return exit_code::unavailable;
    }
  }
  return exit_code::success;
}

int find_installed(SystemOps& ops, const std::string& file_or_name, InstalledService& found) {
  std::string name = file_or_name;
  std::vector<std::string> candidates;
  const auto home = invoking_home();
  if (names_a_file(file_or_name)) {
    const auto loaded = load_manifest_file(file_or_name, host_os());
    print_diagnostics(loaded.diagnostics);
    if (!loaded.service) return load_failure_exit_code(loaded);
    name = loaded.service->name;
    candidates.push_back(deploy::receipt_path(name, loaded.service->scope, home));
  } else {
    candidates.push_back(deploy::receipt_path(name, Scope::system, home));
    candidates.push_back(deploy::receipt_path(name, Scope::user, home));
  }
  for (const auto& candidate : candidates) {
    std::optional<std::string> text;
    try {
      text = ops.read_file(candidate);
    } catch (const SystemError& error) {
      std::cerr << "daemonize: " << error.what() << '\n';
      return error.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission
                                                                  : exit_code::no_input;
    }
    if (!text) continue;
    std::string error;
    auto receipt = deploy::receipt_from_json(*text, error);
    if (!receipt) {
      std::cerr << "daemonize: " << candidate << ": " << error << '\n';
      return exit_code::data_error;
    }
    found.receipt = std::move(*receipt);
    found.receipt_file = candidate;
    return exit_code::success;
  }
  std::cerr << "daemonize: " << name << " is not installed by daemonize (no receipt at";
  for (const auto& candidate : candidates) std::cerr << ' ' << candidate;
  std::cerr << ")\n";
  return exit_code::no_input;
}

std::unique_ptr<Installer> installer_for(const BackendRegistry& registry,
                                         const deploy::Receipt& receipt) {
  return deploy::installer_from_receipt(
      registry, receipt, {effective_user_id(), invoking_user_name(), invoking_home()});
}

}  // namespace daemonize::cli
