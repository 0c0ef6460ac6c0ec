// `daemonize edit NAME [--target T] [--root DIR] [--yes]`: the installed manifest in the
// operator's editor, checked on save (the editor reopens with the errors), then deployed as
// `deploy` does: plan, diff, confirmation, apply. A service only run with `run --detach`: its
// manifest file rewritten in place and its watchdog restarted.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/core/unified_diff.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "deploy_support.hpp"
#include "editor.hpp"
#include "host_facts.hpp"
#include "manifest_loading.hpp"
#include "service_overview.hpp"
#include "terminal.hpp"

namespace daemonize::cli {
namespace {

struct EditOptions {
  std::string name;
  std::string target;  // "" = the receipt's
  std::string root;
  bool yes = false;
};

// Declined at the prompt, or the editor failed: nothing applied (1, like a declined apt).
constexpr int kNotApplied = 1;

// The first line of the block of errors appended to the copy when the editor reopens; the block
// is removed again before the manifest is checked, so it never reaches the installed file.
constexpr std::string_view kErrorMarker = "# daemonize edit: ";

std::string with_errors(std::string text, const std::vector<Diagnostic>& diagnostics) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += std::string(kErrorMarker) +
          "this manifest is not valid, nothing was applied. Fix it and save, or empty\n"
          "# the file to cancel. These lines are removed before the manifest is checked again.\n";
  for (const auto& diagnostic : diagnostics) text += "#   " + format_diagnostic(diagnostic) + '\n';
  return text;
}

// `text` without the block with_errors() appended: the marker line and the comment lines after it.
std::string without_errors(const std::string& text) {
  std::size_t start = 0;
  if (!text.starts_with(kErrorMarker)) {
    const auto found = text.find("\n" + std::string(kErrorMarker));
    if (found == std::string::npos) return text;
    start = found + 1;
  }
  std::size_t end = start;
  while (end < text.size() && text[end] == '#') {
    const auto line_end = text.find('\n', end);
    end = line_end == std::string::npos ? text.size() : line_end + 1;
  }
  return text.substr(0, start) + text.substr(end);
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

// What deploy would refuse the edited manifest for, before anything is planned: the loader's
// diagnostics for the target's OS, a renamed service or another scope (another service, not an
// edit of this one), and what the target cannot render.
std::vector<Diagnostic> check_edit(const Backend& backend, const std::string& file,
                                   const deploy::Receipt& receipt) {
  const auto loaded = load_manifest_file(file, backend.os());
  auto diagnostics = loaded.diagnostics;
  if (!loaded.service) {
    if (!has_errors(diagnostics))
      diagnostics.push_back({Severity::error, file, 0, 0, "", "not a manifest"});
    return diagnostics;
  }
  const Service& service = *loaded.service;
  const auto error = [&](std::string message) {
    diagnostics.push_back({Severity::error, file, 0, 0, "", std::move(message)});
  };
  if (service.name != receipt.service) {
    error("the name must stay '" + receipt.service + "' (got '" + service.name +
          "'); to rename, deploy the manifest under the new name and remove '" + receipt.service +
          "'");
  }
  if (service.scope != receipt.scope) {
    error(std::string("the scope must stay '") + to_string(receipt.scope) +
          "'; another scope is another service: deploy it and remove this one");
  }
  if (auto reason = backend.unsupported_reason(service)) {
    error(std::string(backend.name()) + ": cannot render this manifest: " + *reason);
  } else {
    RenderOptions options;
    options.daemonize_path = receipt.daemonize_path;
    auto rendered = render_for(backend, service, options);
    for (auto& diagnostic : rendered.diagnostics) {
      if (diagnostic.severity == Severity::error) diagnostics.push_back(std::move(diagnostic));
    }
  }
  return diagnostics;
}

// Removes the directory of the copy on the way out, unless the copy is worth keeping.
struct EditDirectory {
  std::filesystem::path path;
  bool keep = false;
  EditDirectory() = default;
  EditDirectory(const EditDirectory&) = delete;
  EditDirectory& operator=(const EditDirectory&) = delete;
  ~EditDirectory() {
    std::error_code ignored;
    if (!keep && !path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

std::string editor_command() {
  for (const char* variable : {"VISUAL", "EDITOR"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && !blank(value)) return value;
  }
  return default_editor();
}

bool confirmed(const std::string& service, const std::string& target) {
  std::cerr << "Apply these changes to " << service << " (" << target << ")? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    std::cerr << '\n';
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes";
}

enum class EditResult { changed, unchanged, empty, failed };

// The edit loop: the editor until the copy is valid, unchanged, empty, or saved again with the
// same errors. Returns the outcome; on `failed`, `code` is the exit code.
using EditCheck = std::function<std::vector<Diagnostic>(const std::string& file)>;
EditResult edit_until_valid(const std::string& editor, const std::filesystem::path& copy,
                            const std::string& original, const EditCheck& check,
                            EditDirectory& directory, int& code) {
  std::string shown = original;
  std::optional<std::string> rejected;  // the last text that had errors
  for (;;) {
    if (!write_text(copy, shown)) {
      std::cerr << "daemonize: cannot write " << copy.string() << '\n';
      code = exit_code::cannot_create;
      return EditResult::failed;
    }
    const int status = run_editor(editor, copy.string());
    if (status != 0) {
      if (status == 127) {
        std::cerr << "daemonize: cannot run the editor '" << editor
                  << "' (set VISUAL or EDITOR); nothing applied\n";
        code = exit_code::unavailable;
      } else {
        std::cerr << "daemonize: the editor '" << editor << "' exited with status " << status
                  << "; nothing applied\n";
        code = kNotApplied;
      }
      return EditResult::failed;
    }
    const auto saved = read_text(copy);
    if (!saved) {
      std::cerr << "daemonize: cannot read " << copy.string()
                << " after editing; nothing applied\n";
      code = exit_code::no_input;
      return EditResult::failed;
    }
    const std::string edited = without_errors(*saved);
    if (blank(edited)) return EditResult::empty;
    if (edited == original) return EditResult::unchanged;
    if (edited != *saved && !write_text(copy, edited)) {
      std::cerr << "daemonize: cannot write " << copy.string() << '\n';
      code = exit_code::cannot_create;
      return EditResult::failed;
    }
    const auto diagnostics = check(copy.string());
    if (!has_errors(diagnostics)) return EditResult::changed;
    print_diagnostics(diagnostics);
    if (rejected && *rejected == edited) {
      // Saved again without a change: the editor would only show the same errors forever.
      directory.keep = true;
      std::cerr << "daemonize: the manifest is still not valid; nothing applied (the edited copy "
                   "is kept in "
                << copy.string() << ")\n";
      code = exit_code::data_error;
      return EditResult::failed;
    }
    rejected = edited;
    shown = with_errors(edited, diagnostics);
  }
}

// A service started with `daemonize run FILE --detach` and never deployed: the manifest its
// watchdog runs (from the watchdog's state file) and whether that watchdog still runs.
struct DetachedService {
  std::string manifest;
  bool running = false;
};

std::optional<DetachedService> find_detached(const std::string& name) {
  bool has_pidfile = false;
  for (const auto& directory : detached_pidfile_directories()) {
    std::error_code missing;
    if (std::filesystem::exists(directory / (name + ".pid"), missing)) has_pidfile = true;
  }
  if (!has_pidfile) return std::nullopt;
  std::string error;
  const auto state = read_watchdog_state(watchdog_state_files(name), error);
  if (!state || state->record.manifest.empty()) return std::nullopt;
  return DetachedService{state->record.manifest, state->alive};
}

// The loader's verdict for this host, and the name kept: another name is another service.
std::vector<Diagnostic> check_detached_edit(const std::string& file, const std::string& name) {
  const auto loaded = load_manifest_file(file, host_os());
  auto diagnostics = loaded.diagnostics;
  if (!loaded.service) {
    if (!has_errors(diagnostics))
      diagnostics.push_back({Severity::error, file, 0, 0, "", "not a manifest"});
    return diagnostics;
  }
  if (loaded.service->name != name) {
    diagnostics.push_back({Severity::error, file, 0, 0, "",
                           "the name must stay '" + name + "' (got '" + loaded.service->name +
                               "'); to rename, run the manifest under the new name and stop '" +
                               name + "'"});
  }
  return diagnostics;
}

// `edit NAME` of a detached watchdog: the manifest file it runs is edited in place (atomically,
// its mode kept), then the watchdog restarted as `daemonize restart NAME` does, so that the
// change takes effect.
int edit_detached(const std::string& name, bool yes, const DetachedService& detached) {
  std::error_code error;
  // Through a symlink, the file it points to is rewritten and the link kept.
  const auto path = std::filesystem::canonical(detached.manifest, error).string();
  if (error) {
    std::cerr << "daemonize: " << detached.manifest << ": the manifest the detached watchdog of "
              << name << " runs is gone (" << error.message() << ")\n";
    return exit_code::no_input;
  }
  const auto ops = make_host_system_ops();
  std::optional<std::string> original;
  try {
    original = ops->read_file(path);
  } catch (const SystemError& failure) {
    std::cerr << "daemonize: " << failure.what() << '\n';
    return failure.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission
                                                                  : exit_code::no_input;
  }
  if (!original) {
    std::cerr << "daemonize: " << path << ": the manifest the detached watchdog of " << name
              << " runs is gone\n";
    return exit_code::no_input;
  }

  EditDirectory directory;
  const auto made = make_private_directory();
  if (!made) return exit_code::cannot_create;
  directory.path = *made;
  const auto copy = directory.path / (name + ".toml");
  const EditCheck check = [&](const std::string& file) { return check_detached_edit(file, name); };
  int code = exit_code::success;
  switch (edit_until_valid(editor_command(), copy, *original, check, directory, code)) {
    case EditResult::failed:
      return code;
    case EditResult::unchanged:
      std::cout << name << ": no changes\n";
      return exit_code::success;
    case EditResult::empty:
      std::cout << name << ": the edited manifest is empty; no changes\n";
      return exit_code::success;
    case EditResult::changed:
      break;
  }
  const auto edited = read_text(copy);
  if (!edited) {
    std::cerr << "daemonize: cannot read " << copy.string() << '\n';
    return exit_code::no_input;
  }
  {
    StepOutput out(std::cout, colour_allowed_for_stdout());
    out.stream() << name << " (detached watchdog): " << path << '\n'
                 << unified_diff(*original, *edited, path, path) << '\n'
                 << std::flush;
  }
  if (!yes && !confirmed(name, "detached watchdog")) {
    std::cerr << "daemonize: nothing applied\n";
    return kNotApplied;
  }
  try {
    // As root, keep the owner too: the watchdog may run as the account that owns its manifest.
    const auto owner = running_privileged() ? ops->file_owner(path) : std::nullopt;
    ops->write_file_atomic(path, *edited, ops->file_mode(path).value_or(0644),
                           owner.value_or(FileOwner{}));
  } catch (const SystemError& failure) {
    directory.keep = true;
    std::cerr << "daemonize: " << failure.what()
              << "; nothing applied (the edited manifest is kept in " << copy.string() << ")\n";
    return failure.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission
                                                                  : exit_code::cannot_create;
  }
  std::cout << name << ": wrote " << path << '\n';
  if (detached.running) {
    // The same restart as `daemonize restart NAME`: stop, then `run --detach` on the manifest.
    if (auto restarted =
            control_detached_watchdog(name, ControlAction::restart, std::cout, std::cerr)) {
      return *restarted;
    }
  }
  std::cout << name << ": not running; the change takes effect when it starts (daemonize start "
            << name << ")\n";
  return exit_code::success;
}

int run_edit(const EditOptions& options, const BackendRegistry& registry) {
  if (!options.yes && !stdin_is_terminal()) {
    std::cerr << "daemonize: edit asks before applying, but standard input is not a terminal; "
                 "pass --yes to apply without asking\n";
    return exit_code::usage;
  }
  const auto ops = make_host_system_ops(options.root);
  // Never deployed, but running (or run) with `daemonize run FILE --detach`: its manifest file.
  if (!find_receipt(*ops, options.name)) {
    if (const auto detached = find_detached(options.name)) {
      if (!options.target.empty() || !options.root.empty()) {
        std::cerr << "daemonize: " << options.name
                  << " is a detached watchdog (daemonize run --detach), not an install; --target "
                     "and --root apply only to services deploy installed\n";
        return exit_code::usage;
      }
      return edit_detached(options.name, options.yes, *detached);
    }
  }
  InstalledService installed;
  if (int code = find_installed(*ops, options.name, installed)) return code;
  const auto& receipt = installed.receipt;

  const std::string target = options.target.empty() ? receipt.target : options.target;
  const auto* backend = registry.find(target);
  if (backend == nullptr || target == "all") {
    std::cerr << unknown_target_message(registry, target, {}) << '\n';
    return exit_code::usage;
  }

  std::string manifest_path;
  for (const auto& file : receipt.files) {
    if (file.kind == "manifest") manifest_path = file.path;
  }
  if (manifest_path.empty()) {
    std::cerr << "daemonize: " << installed.receipt_file << ": the receipt of " << receipt.service
              << " names no installed manifest\n";
    return exit_code::no_input;
  }
  std::optional<std::string> original;
  try {
    original = ops->read_file(manifest_path);
  } catch (const SystemError& error) {
    std::cerr << "daemonize: " << error.what() << '\n';
    return error.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission
                                                                : exit_code::no_input;
  }
  if (!original) {
    std::cerr << "daemonize: " << manifest_path << ": the installed manifest of " << receipt.service
              << " is missing; deploy it again\n";
    return exit_code::no_input;
  }

  EditDirectory directory;
  const auto made = make_private_directory();
  if (!made) return exit_code::cannot_create;
  directory.path = *made;
  const auto copy = directory.path / (receipt.service + ".toml");

  int code = exit_code::success;
  const EditCheck check = [&](const std::string& file) {
    return check_edit(*backend, file, receipt);
  };
  switch (edit_until_valid(editor_command(), copy, *original, check, directory, code)) {
    case EditResult::failed:
      return code;
    case EditResult::unchanged:
      std::cout << receipt.service << ": no changes\n";
      return exit_code::success;
    case EditResult::empty:
      std::cout << receipt.service << ": the edited manifest is empty; no changes\n";
      return exit_code::success;
    case EditResult::changed:
      break;
  }

  DeployTargetOptions deploy_options;
  deploy_options.file = copy.string();
  deploy_options.target = target;
  deploy_options.root = options.root;
  deploy_options.daemonize_path = receipt.daemonize_path;
  deploy_options.quiet = true;
  PreparedDeploy prepared;
  const auto keep_copy = [&] {
    directory.keep = true;
    std::cerr << "daemonize: the edited manifest is kept in " << copy.string() << '\n';
  };
  if (int failed = prepare_deploy(registry, deploy_options, true, true, prepared)) {
    keep_copy();
    return failed;
  }
  // The installed copy is now the manifest of record, not the file deploy was first given.
  prepared.input.manifest_source = manifest_path;

  deploy::DeploySettings settings;
  settings.root_mode = !options.root.empty();
  auto plan = deploy::make_plan(prepared.input, *prepared.ops, prepared.installer.get(), settings);
  StepOutput out(std::cout, colour_allowed_for_stdout());
  if (plan.errors.empty() && !plan.up_to_date()) {
    deploy::print_plan(plan, out.stream());
    out.stream() << '\n' << std::flush;
    if (!options.yes && !confirmed(plan.service, plan.target)) {
      std::cerr << "daemonize: nothing applied\n";
      return kNotApplied;
    }
  }
  const auto outcome = deploy::apply_plan(plan, *prepared.ops, prepared.installer.get(), settings,
                                          out.stream(), std::cerr);
  if (outcome.exit_code != exit_code::success) {
    out.stream() << std::flush;
    keep_copy();
    if (outcome.exit_code == exit_code::no_permission && options.root.empty() &&
        !running_privileged()) {
      std::cerr << "daemonize: hint: rerun with sudo\n";
    }
  }
  return outcome.exit_code;
}

}  // namespace

void add_edit_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<EditOptions>();
  auto* command = app.add_subcommand(
      "edit",
      "Edit a service's manifest in $VISUAL/$EDITOR, check it, then deploy the change "
      "(or restart its detached watchdog)");
  command
      ->add_option("name", options->name, "The service's name (deployed, or run with run --detach)")
      ->required();
  command->add_option("--target,-t", options->target,
                      "Deploy the edit to T (default: the target that installed it)");
  command->add_option("--root", options->root, "Edit an install made with deploy --root DIR");
  command->add_flag("--yes,-y", options->yes, "Apply without asking for confirmation");
  command->callback(
      [options, &context] { context.exit_code = run_edit(*options, context.registry); });
}

}  // namespace daemonize::cli
