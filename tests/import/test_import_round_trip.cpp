// Round trip: every manifest of examples/ and of the systemd and launchd render tests, rendered
// by a backend that has a reader (systemd, launchd), imported back with that reader, is
// equivalent for the keys the rendered definition expresses (docs/import.md, "Round trip").
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "daemonize/launchd/backend.hpp"
#include "daemonize/systemd/backend.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> manifests() {
  std::vector<std::string> paths;
  for (const char* directory : {"examples", "tests/manifests/systemd", "tests/manifests/launchd"}) {
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
      // Description= is the name when the manifest has no description.
      c.same("service.description", before.description.empty() ? before.name : before.description,
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

}  // namespace
}  // namespace daemonize::import
