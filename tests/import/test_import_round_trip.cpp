// Round trip: every manifest of examples/ and of the render tests, rendered by a backend that
// has a reader (systemd, launchd, windows-service, windows-task), imported back with that
// reader, is equivalent for the keys the rendered definition expresses (docs/import.md,
// "Round trip").
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "daemonize/launchd/backend.hpp"
#include "daemonize/systemd/backend.hpp"
#include "daemonize/windows/render.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

namespace fs = std::filesystem;

// The manifests of examples/ and of every target's render tests; each round trip takes those
// that load for its OS and that its target renders.
std::vector<std::string> manifests() {
  std::vector<std::string> paths;
  for (const char* directory : {"examples", "tests/manifests/systemd", "tests/manifests/launchd",
                                "tests/manifests/windows", "tests/manifests/kubernetes"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(DAEMONIZE_SOURCE_DIR) / directory)) {
      if (entry.path().extension() == ".toml") paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string relative(const std::string& path) {
  return fs::relative(path, DAEMONIZE_SOURCE_DIR).generic_string();
}

std::string show(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + item;
  return out + "]";
}
std::string show(const std::map<std::string, std::string>& items) {
  std::string out = "{";
  for (const auto& [key, value] : items) out += (out.size() > 1 ? ", " : "") + key + "=" + value;
  return out + "}";
}
std::string show(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : "unset";
}
std::string show(const std::optional<std::uint32_t>& value) {
  return value ? std::to_string(*value) : "unset";
}
std::string show(const LogStream& stream) {
  switch (stream.kind) {
    case LogStream::Kind::null:
      return "null";
    case LogStream::Kind::inherit:
      return "inherit";
    case LogStream::Kind::file:
      return "file " + stream.file_name;
  }
  return "?";
}
std::string show(Duration duration) { return std::to_string(duration.count()) + "ms"; }
std::string show(RestartPolicy policy) { return to_string(policy); }
std::string show(Signal signal) { return to_string(signal); }
std::string show(Scope scope) { return to_string(scope); }
std::string show(KillScope scope) { return to_string(scope); }
std::string show(WindowsStart start) { return to_string(start); }
std::string show(TaskTrigger trigger) { return to_string(trigger); }
std::string show(SupervisorMode mode) { return to_string(mode); }
std::string show(const std::vector<std::chrono::milliseconds>& delays) {
  std::string out = "[";
  for (const auto& delay : delays) out += (out.size() > 1 ? ", " : "") + show(delay);
  return out + "]";
}
std::string show(std::chrono::seconds seconds) { return std::to_string(seconds.count()) + "s"; }
std::string show(std::uint32_t number) { return std::to_string(number); }

// Collects "MANIFEST (TARGET): KEY: before BEFORE, after AFTER".
class Comparison {
 public:
  Comparison(std::string manifest, std::string target, std::vector<std::string>& failures)
      : manifest_(std::move(manifest)), target_(std::move(target)), failures_(failures) {}

  template <typename T>
  void same(const std::string& key, const T& before, const T& after) {
    if (before == after) return;
    failures_.push_back(manifest_ + " (" + target_ + "): " + key + ": before " + show(before) +
                        ", after " + show(after));
  }

 private:
  static std::string show(const std::string& text) { return "\"" + text + "\""; }
  template <typename T>
  static std::string show(const T& value) {
    return import::show(value);
  }

  std::string manifest_;
  std::string target_;
  std::vector<std::string>& failures_;
};

std::optional<Service> load_imported(const ImportResult& result, const std::string& what,
                                     TargetOs os, std::vector<std::string>& failures) {
  if (!result.errors.empty() || result.services.size() != 1) {
    failures.push_back(what + ": not imported back: " +
                       (result.errors.empty() ? "no service" : result.errors.front().message));
    return std::nullopt;
  }
  auto loaded = load_manifest_text(result.services.front().manifest, "imported.toml", os);
  if (!loaded.service) {
    failures.push_back(what + ": the imported manifest does not validate:\n" +
                       result.services.front().manifest);
  }
  return loaded.service;
}

Duration whole_seconds_at_least_one(Duration duration) {
  const auto seconds = std::max<std::int64_t>(1, (duration.count() + 999) / 1000);
  return Duration(seconds * 1000);
}

TEST(ImportRoundTrip, SystemdNativeAndDaemonizeMode) {
  std::vector<std::string> failures;
  int compared = 0;
  for (const auto& path : manifests()) {
    auto loaded = load_manifest_file(path, TargetOs::linux);
    if (!loaded.service) continue;  // a manifest for another OS, or an error case
    for (const bool native : {true, false}) {
      Service before = *loaded.service;
      if (native) before.supervisor = SupervisorMode::native;
      auto rendered = render_systemd(before, RenderOptions{});
      if (has_errors(rendered.diagnostics)) continue;  // not expressible in this mode
      const auto unit = std::find_if(
          rendered.artifacts.begin(), rendered.artifacts.end(),
          [](const Artifact& artifact) { return artifact.file_name.ends_with(".service"); });
      ASSERT_NE(unit, rendered.artifacts.end()) << path;
      const std::string target = native ? "systemd, native" : "systemd, daemonize mode";
      const std::string what = relative(path) + " (" + target + ")";
      const std::string directory =
          before.scope == Scope::user ? "/home/u/.config/systemd/user/" : "/etc/systemd/system/";
      auto after = load_imported(import_systemd({directory + unit->file_name, unit->content}, {}),
                                 what, TargetOs::linux, failures);
      if (!after) continue;
      ++compared;
      Comparison c(relative(path), target, failures);
      // Description= is the display name (by default the name) when there is no description.
      const std::string& shown = before.display_name.empty() ? before.name : before.display_name;
      c.same("service.description", before.description.empty() ? shown : before.description,
             after->description);
      c.same("service.scope", before.scope, after->scope);
      if (!native) continue;  // the unit runs the watchdog on the manifest: nothing more in it
      c.same("service.command", before.command, after->command);
      c.same("service.args", before.args, after->args);
      c.same("service.working_directory", before.working_directory, after->working_directory);
      if (before.scope == Scope::system) {  // a user unit runs as its user
        c.same("service.user", before.user, after->user);
        c.same("service.group", before.group, after->group);
      }
      c.same("service.umask", before.umask, after->umask);
      // With env_files, [env] goes to a file of its own next to the unit (EnvironmentFile=).
      if (before.env_files.empty()) c.same("env", before.env, after->env);
      c.same("restart.policy", before.restart.policy, after->restart.policy);
      c.same("restart.delay", before.restart.delay, after->restart.delay);
      c.same("stop.signal", before.stop.signal, after->stop.signal);
      c.same("stop.timeout", before.stop.timeout.count() == 0 ? Duration(1) : before.stop.timeout,
             after->stop.timeout);
      c.same("limits.nofile", before.limits.nofile, after->limits.nofile);
      c.same("limits.nproc", before.limits.nproc, after->limits.nproc);
    }
  }
  EXPECT_GE(compared, 20);
  std::string list;
  for (const auto& failure : failures) list += failure + "\n";
  EXPECT_TRUE(failures.empty()) << list;
}

TEST(ImportRoundTrip, LaunchdNative) {
  std::vector<std::string> failures;
  int compared = 0;
  for (const auto& path : manifests()) {
    auto loaded = load_manifest_file(path, TargetOs::macos);
    if (!loaded.service) continue;
    Service before = *loaded.service;
    // A job's plist has no KeepAlive ([schedule]); the importer reads no schedule back.
    if (before.schedule) continue;
    before.supervisor = SupervisorMode::native;
    auto rendered = launchd::render_launchd_plist(before, RenderOptions{});
    if (has_errors(rendered.diagnostics)) continue;  // not expressible natively
    ASSERT_EQ(rendered.artifacts.size(), 1U) << path;
    const std::string directory =
        before.scope == Scope::user ? "/Users/u/Library/LaunchAgents/" : "/Library/LaunchDaemons/";
    const std::string what = relative(path) + " (launchd, native)";
    auto after = load_imported(import_launchd({directory + rendered.artifacts.front().file_name,
                                               rendered.artifacts.front().content}),
                               what, TargetOs::macos, failures);
    if (!after) continue;
    ++compared;
    Comparison c(relative(path), "launchd, native", failures);
    c.same("service.name", before.name, after->name);
    c.same("launchd.label", launchd::job_label(before), launchd::job_label(*after));
    c.same("launchd.process_type", before.launchd.process_type, after->launchd.process_type);
    c.same("service.scope", before.scope, after->scope);
    c.same("service.command", before.command, after->command);
    c.same("service.args", before.args, after->args);
    c.same("service.working_directory", before.working_directory, after->working_directory);
    if (before.scope == Scope::system) {  // an agent runs as the user who loads it
      c.same("service.user", before.user, after->user);
      c.same("service.group", before.group, after->group);
    }
    c.same("service.umask", before.umask, after->umask);
    c.same("env", before.env, after->env);
    c.same("restart.policy", before.restart.policy, after->restart.policy);
    c.same("restart.delay", whole_seconds_at_least_one(before.restart.delay), after->restart.delay);
    c.same("stop.timeout", whole_seconds_at_least_one(before.stop.timeout), after->stop.timeout);
    c.same("stop.kill", before.stop.kill == KillScope::main ? KillScope::main : KillScope::group,
           after->stop.kill);
    c.same("limits.nofile", before.limits.nofile, after->limits.nofile);
    c.same("limits.nproc", before.limits.nproc, after->limits.nproc);
    // "inherit" has nowhere to go on launchd: the stream is not written, launchd discards it.
    const auto expressed = [](const LogStream& stream) {
      return stream.kind == LogStream::Kind::inherit ? LogStream{LogStream::Kind::null, ""}
                                                     : stream;
    };
    // launchd expands no `~`: a plist can hold only an absolute log directory (deploy writes
    // the user's home into it).
    if (!before.logs.directory.starts_with("~")) {
      c.same("logs.directory", before.logs.directory, after->logs.directory);
      c.same("logs.stdout", expressed(before.logs.stdout_stream), after->logs.stdout_stream);
      c.same("logs.stderr", expressed(before.logs.stderr_stream), after->logs.stderr_stream);
    }
  }
  EXPECT_GE(compared, 10);
  std::string list;
  for (const auto& failure : failures) list += failure + "\n";
  EXPECT_TRUE(failures.empty()) << list;
}

// The manifest a rendered Windows definition runs, as the round trip gives it to the reader: a
// stub that sets none of the keys the definition expresses, so each compared key comes from the
// script or the XML.
SourceText stub_manifest() {
  return {"C:\\ProgramData\\daemonize\\stub.toml",
          "[service]\nname = \"stub\"\ncommand = 'C:\\stub\\stub.exe'\n"};
}

TEST(ImportRoundTrip, WindowsServiceScript) {
  std::vector<std::string> failures;
  int compared = 0;
  for (const auto& path : manifests()) {
    auto loaded = load_manifest_file(path, TargetOs::windows);
    if (!loaded.service) continue;
    const Service& before = *loaded.service;
    auto rendered = windows::render_windows_service(before, RenderOptions{});
    if (has_errors(rendered.diagnostics)) continue;  // not expressible as a service
    ASSERT_EQ(rendered.artifacts.size(), 1U) << path;
    const std::string what = relative(path) + " (windows-service)";
    auto after = load_imported(
        import_windows_service({"C:\\install\\" + rendered.artifacts.front().file_name,
                                rendered.artifacts.front().content},
                               stub_manifest()),
        what, TargetOs::windows, failures);
    if (!after) continue;
    ++compared;
    Comparison c(relative(path), "windows-service", failures);
    c.same("service.name", before.name, after->name);
    c.same("service.display_name", before.display_name.empty() ? before.name : before.display_name,
           after->display_name);
    c.same("service.description", before.description, after->description);
    c.same("windows.start", before.windows.start, after->windows.start);
    c.same("restart.policy is never", show(before.restart.policy == RestartPolicy::never),
           show(after->restart.policy == RestartPolicy::never));
    c.same("restart.window", before.restart.window, after->restart.window);
    // What the SCM holds: the registration daemonize makes from each, key by key.
    std::vector<Diagnostic> ignored;
    const auto want = windows::service_registration(before, RenderOptions{}, ignored);
    const auto got = windows::service_registration(*after, RenderOptions{}, ignored);
    if (!want || !got) {
      failures.push_back(what + ": no registration for the imported manifest");
      continue;
    }
    c.same("registration.image_path", want->image_path, got->image_path);
    c.same("registration.account", want->account.scm_name, got->account.scm_name);
    c.same("registration.dependencies", want->dependencies, got->dependencies);
    c.same("registration.failure_reset_period", want->failure_reset_period,
           got->failure_reset_period);
    c.same("registration.restart_delays", want->restart_delays, got->restart_delays);
  }
  // Every manifest with a Windows program (the others are refused by the renderer).
  EXPECT_GE(compared, 8);
  std::string list;
  for (const auto& failure : failures) list += failure + "\n";
  EXPECT_TRUE(failures.empty()) << list;
}

TEST(ImportRoundTrip, WindowsTaskXmlNativeAndDaemonizeMode) {
  std::vector<std::string> failures;
  int compared = 0;
  int native_compared = 0;
  for (const auto& path : manifests()) {
    auto loaded = load_manifest_file(path, TargetOs::windows);
    if (!loaded.service) continue;
    // A job's calendar triggers are reported dropped: the importer reads no schedule back.
    if (loaded.service->schedule) continue;
    for (const bool native : {true, false}) {
      Service before = *loaded.service;
      before.supervisor = native ? SupervisorMode::native : SupervisorMode::daemonize;
      auto rendered = windows::render_windows_task(before, RenderOptions{});
      if (has_errors(rendered.diagnostics)) continue;  // not expressible in this mode
      const std::string target = native ? "windows-task, native" : "windows-task, daemonize mode";
      const std::string what = relative(path) + " (" + target + ")";
      const auto xml = std::find_if(
          rendered.artifacts.begin(), rendered.artifacts.end(),
          [](const Artifact& artifact) { return artifact.file_name.ends_with(".xml"); });
      ASSERT_NE(xml, rendered.artifacts.end()) << what;
      auto after =
          load_imported(import_windows_task({"C:\\tasks\\" + xml->file_name, xml->content},
                                            native ? std::nullopt : std::optional(stub_manifest())),
                        what, TargetOs::windows, failures);
      if (!after) continue;
      ++compared;
      Comparison c(relative(path), target, failures);
      c.same("service.name", before.name, after->name);
      c.same("service.description", before.description, after->description);
      c.same("service.scope", before.scope, after->scope);
      c.same("service.supervisor", before.supervisor, after->supervisor);
      c.same("windows.start", before.windows.start, after->windows.start);
      if (before.windows.start != WindowsStart::demand) {  // no trigger: nothing says which
        c.same("windows.task_trigger", before.windows.task_trigger, after->windows.task_trigger);
      }
      c.same("windows.account (the task's)", windows::task_account(before),
             windows::task_account(*after));
      if (!native) continue;  // the action runs the watchdog on the manifest
      ++native_compared;
      c.same("service.command", before.command, after->command);
      c.same("service.args", before.args, after->args);
      c.same("service.working_directory", before.working_directory, after->working_directory);
      // Task Scheduler retries a failed task at one interval (at least PT1M), up to 255 times.
      c.same("restart.policy is never", show(before.restart.policy == RestartPolicy::never),
             show(after->restart.policy == RestartPolicy::never));
      if (before.restart.policy != RestartPolicy::never) {
        c.same("restart.delay",
               whole_seconds_at_least_one(
                   std::max<Duration>(before.restart.delay, std::chrono::minutes(1))),
               after->restart.delay);
        const std::uint32_t count =
            before.restart.max_restarts == 0 || before.restart.max_restarts > 255
                ? 255U
                : before.restart.max_restarts;
        c.same("restart.max_restarts", count, after->restart.max_restarts);
      }
      // And the task rendered from the imported manifest is the same task, byte for byte.
      auto again = windows::render_windows_task(*after, RenderOptions{});
      const auto xml_again = std::find_if(
          again.artifacts.begin(), again.artifacts.end(),
          [](const Artifact& artifact) { return artifact.file_name.ends_with(".xml"); });
      if (xml_again == again.artifacts.end() || xml_again->content != xml->content) {
        failures.push_back(what + ": the task XML rendered from the imported manifest differs");
      }
    }
  }
  EXPECT_GE(compared, 14);
  EXPECT_GE(native_compared, 6);
  std::string list;
  for (const auto& failure : failures) list += failure + "\n";
  EXPECT_TRUE(failures.empty()) << list;
}

}  // namespace
}  // namespace daemonize::import
