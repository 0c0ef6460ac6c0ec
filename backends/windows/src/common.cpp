#include "common.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <variant>

#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/core/units.hpp"
#include "daemonize/core/windows_stop_budget.hpp"
#include "daemonize/windows/quoting.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize::windows {

namespace {

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char character) {
    return static_cast<char>(std::tolower(character));
  });
  return lower;
}

bool ends_with_case_insensitive(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         lowercase(text.substr(text.size() - suffix.size())) == lowercase(suffix);
}

}  // namespace

std::string default_watchdog_path(Scope scope) {
  return windows_program_directory(scope) + "\\daemonize.exe";
}

std::string installed_manifest_path(const Service& service, const RenderOptions& options) {
  if (!options.installed_manifest_path.empty()) return options.installed_manifest_path;
  return windows_data_directory(service.scope) + "\\" + service.name + ".toml";
}

std::string installed_task_xml_path(const Service& service) {
  return windows_data_directory(service.scope) + "\\tasks\\" + service.name + ".xml";
}

std::string watchdog_path(const RenderOptions& options, Scope scope) {
  return options.daemonize_path.empty() ? default_watchdog_path(scope) : options.daemonize_path;
}

std::string console_less_watchdog_path(const RenderOptions& options, Scope scope) {
  std::string path = watchdog_path(options, scope);
  constexpr std::string_view console_name = "daemonize.exe";
  const bool whole_name =
      path.size() == console_name.size() ||
      (path.size() > console_name.size() && (path[path.size() - console_name.size() - 1] == '\\' ||
                                             path[path.size() - console_name.size() - 1] == '/'));
  if (whole_name && ends_with_case_insensitive(path, console_name)) {
    path.replace(path.size() - std::string_view(".exe").size(), 0, "w");
  }
  return path;
}

std::string service_image_path(const Service& service, const RenderOptions& options) {
  return command_line(watchdog_path(options), {"run", "--service"}) + " " +
         quote_argument(installed_manifest_path(service, options), true);
}

ServiceAccount service_account(std::string_view account) {
  const std::string lower = lowercase(account);
  if (lower == "localsystem" || lower == "nt authority\\system" || lower == "system" ||
      lower == ".\\localsystem") {
    return {"LocalSystem", false};
  }
  if (lower == "localservice" || lower == "nt authority\\localservice" ||
      lower == "nt authority\\local service") {
    return {"NT AUTHORITY\\LocalService", false};
  }
  if (lower == "networkservice" || lower == "nt authority\\networkservice" ||
      lower == "nt authority\\network service") {
    return {"NT AUTHORITY\\NetworkService", false};
  }
  if (lower.rfind("nt service\\", 0) == 0) return {std::string(account), false};
  // A group managed service account (DOMAIN\name$) has its password managed by the domain.
  if (!account.empty() && account.back() == '$') return {std::string(account), false};
  return {std::string(account), true};
}

std::string xml_duration(Duration duration) {
  using namespace std::chrono;
  auto total = duration_cast<seconds>(duration).count();
  if (duration > duration_cast<milliseconds>(seconds(total))) ++total;  // round up
  if (total <= 0) return "PT0S";
  const auto days = total / 86400;
  const auto hours = (total % 86400) / 3600;
  const auto minutes = (total % 3600) / 60;
  const auto secs = total % 60;
  std::string text = "P";
  if (days > 0) text += std::to_string(days) + "D";
  if (hours > 0 || minutes > 0 || secs > 0) {
    text += "T";
    if (hours > 0) text += std::to_string(hours) + "H";
    if (minutes > 0) text += std::to_string(minutes) + "M";
    if (secs > 0) text += std::to_string(secs) + "S";
  }
  return text;
}

namespace detail {

void Diagnostics::error(std::string key, std::string message) {
  Diagnostic diagnostic;
  diagnostic.severity = Severity::error;
  diagnostic.key = std::move(key);
  diagnostic.message = std::move(message);
  diagnostics_.push_back(std::move(diagnostic));
}

void Diagnostics::warning(std::string key, std::string message) {
  Diagnostic diagnostic;
  diagnostic.severity = Severity::warning;
  diagnostic.key = std::move(key);
  diagnostic.message = std::move(message);
  diagnostics_.push_back(std::move(diagnostic));
}

bool Diagnostics::has_errors() const {
  return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

bool is_set(const Service& service, const std::string& key) {
  return service.positions.count(key) != 0;
}

LiteralText literal_text(std::string_view value) {
  auto parsed = parse_template(value);
  if (std::holds_alternative<TemplateError>(parsed)) return {std::string(value), false, true};
  const auto& parsed_template = std::get<Template>(parsed);
  if (parsed_template.has_references()) return {std::string(value), true, false};
  return {parsed_template.literal(), false, false};
}

namespace {

// A literal path (no ${...}) that is not an absolute Windows path is an error.
void check_windows_path(const std::string& key, const std::string& value,
                        Diagnostics& diagnostics) {
  const auto literal = literal_text(value);
  if (literal.has_references || literal.syntax_error) return;  // resolved at start
  if (!is_absolute_windows_path(literal.text)) {
    diagnostics.error(key, "'" + key + "' must be an absolute Windows path (like " +
                               "C:\\dir\\app.exe) without \" < > | ? *, got '" + value +
                               "'; set it in [os.windows]");
  }
}

// [hooks], [reload] command and stop.kill on Windows: the watchdog runs the hooks (a native task,
// which runs one program, refuses them: task_renderer.cpp), the reload ones when `daemonize
// reload` reaches it (a service's control code; a task has none: task_renderer.cpp), and the
// Job Object holds everything the program started.
void check_hooks(const Service& service, Diagnostics& diagnostics) {
  for (const auto phase : {HookPhase::pre_start, HookPhase::post_start, HookPhase::stop,
                           HookPhase::post_stop, HookPhase::reload}) {
    const auto& hooks = service.hooks.of(phase);
    const std::string key = "hooks." + std::string(to_string(phase));
    for (std::size_t i = 0; i < hooks.size(); ++i)
      check_windows_path(key + "[" + std::to_string(i) + "][0]", hooks[i].argv.front(),
                         diagnostics);
  }
  if (!service.reload.command.empty())
    check_windows_path("reload.command[0]", service.reload.command.front(), diagnostics);
  if (service.stop.kill == KillScope::main) {
    diagnostics.warning("stop.kill",
                        "stop.kill = \"main\" is not kept apart on Windows: the stop reaches the "
                        "program's whole Job Object, as for \"group\"");
  }
}

}  // namespace

void check_common(const Service& service, const std::string& account, Diagnostics& diagnostics) {
  check_hooks(service, diagnostics);
  if (is_infinite(service.stop.timeout)) {
    diagnostics.warning("stop.timeout",
                        "Windows cannot wait forever for a stop (the SCM needs a wait hint and a "
                        "pre-shutdown time): stop.timeout = \"infinity\" acts as \"" +
                            format_duration(windows::kInfiniteStopTimeout) + "\"");
  }
  check_windows_path("service.command", service.command, diagnostics);
  if (auto problem = service_type_problem(service.type, TargetOs::windows)) {
    diagnostics.error("service.type", *problem);
  }
  if (!service.working_directory.empty()) {
    check_windows_path("service.working_directory", service.working_directory, diagnostics);
  }
  for (const auto* key : {"service.display_name", "service.description"}) {
    const auto& value = std::string_view(key) == "service.display_name" ? service.display_name
                                                                        : service.description;
    if (has_control_characters(value)) {
      diagnostics.error(key,
                        std::string("'") + key + "' must be one line without control characters");
    }
  }
  if (!service.user.empty()) {
    diagnostics.warning("service.user",
                        "service.user is not used on Windows; the program runs as " + account +
                            " ([windows].account)");
  }
  if (!service.group.empty()) {
    diagnostics.warning("service.group", "service.group has no Windows equivalent and is ignored");
  }
  if (service.create_user) {
    diagnostics.warning("service.create_user",
                        "service.create_user: accounts are not created on Windows; the "
                        "program runs as " +
                            account + " ([windows].account)");
  }
  if (service.umask) {
    diagnostics.warning("service.umask", "service.umask: Windows has no umask; ignored");
  }
  if (service.limits.nofile) {
    diagnostics.warning("limits.nofile",
                        "limits.nofile: Windows has no per-process open-file limit; not enforced");
  }
  if (service.limits.nproc) {
    diagnostics.warning("limits.nproc", "limits.nproc is not enforced on Windows");
  }
}

void CmdScript::raw(std::string_view line) {
  text_ += line;
  text_ += "\r\n";
}

void CmdScript::command(std::string_view program, const std::vector<Part>& parts,
                        std::string_view suffix) {
  std::string arguments;
  for (const auto& part : parts) {
    arguments += ' ';
    arguments += quote_argument(part.text, part.quote);
  }
  std::string line(program);
  line += escape_cmd_line(arguments);
  line += suffix;
  raw(line);
}

void CmdScript::documentation(const Service& service) {
  if (service.documentation.empty()) return;
  std::string line = "rem Documentation:";
  for (const auto& url : service.documentation) {
    line += ' ';
    for (char c : url) line += c == '%' ? std::string("%%") : std::string(1, c);
  }
  raw(line);
}

}  // namespace detail
}  // namespace daemonize::windows
