#include "daemonize/watchdog/state_file.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

namespace daemonize {
namespace json = boost::json;

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t whole = seconds.count();
  std::tm utc{};
  ::gmtime_r(&whole, &utc);
  char buffer[40];
  const auto length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string fraction = std::to_string(1000 + millis.count());  // "1007" for 7 ms
  return std::string(buffer, length) + "." + fraction.substr(1) + "Z";
}

std::string state_to_json(const StateRecord& r) {
  json::object o;
  o["service"] = r.service;
  o["manifest"] = r.manifest;
  o["watchdog_version"] = r.watchdog_version;
  o["watchdog_pid"] = r.watchdog_pid;
  o["watchdog_started_at"] = r.watchdog_started_at;
  o["state"] = r.state;
  o["pid"] = r.pid;
  o["process_group"] = r.process_group;
  o["child_start_ticks"] = r.child_start_ticks;
  o["ready"] = r.ready;
  o["restarts"] = r.restarts;
  o["restarts_in_window"] = r.restarts_in_window;
  o["last_exit"] = r.last_exit;
  o["last_exit_code"] = r.last_exit_code ? json::value(*r.last_exit_code) : json::value(nullptr);
  o["last_exit_signal"] =
      r.last_exit_signal ? json::value(*r.last_exit_signal) : json::value(nullptr);
  o["last_restart_reason"] = r.last_restart_reason;
  o["next_delay_ms"] = r.next_delay_ms;
  json::array delays;
  for (auto delay : r.recent_delays_ms) delays.emplace_back(delay);
  o["recent_delays_ms"] = std::move(delays);
  o["child_started_at"] = r.child_started_at;
  o["last_exit_at"] = r.last_exit_at;
  o["updated_at"] = r.updated_at;
  o["exit_code"] = r.exit_code ? json::value(*r.exit_code) : json::value(nullptr);
  return json::serialize(o) + "\n";
}

namespace {

std::string get_string(const json::object& o, const char* key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return "";
}

template <typename T>
T get_number(const json::object& o, const char* key) {
  if (auto* v = o.if_contains(key); v && v->is_number()) return v->to_number<T>();
  return T{};
}

std::optional<int> get_optional_int(const json::object& o, const char* key) {
  if (auto* v = o.if_contains(key); v && v->is_number()) return v->to_number<int>();
  return std::nullopt;
}

}  // namespace

std::optional<StateRecord> read_state_file_in(const std::filesystem::path& directory) {
  std::ifstream in(directory / kStateFileName);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  return state_from_json(text.str(), error);
}

std::optional<StateRecord> state_from_json(const std::string& text, std::string& error) {
  std::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (!parsed.is_object() || !parsed.as_object().contains("state")) {
    error = "not a daemonize state file";
    return std::nullopt;
  }
  const auto& o = parsed.as_object();
  StateRecord r;
  try {
    r.service = get_string(o, "service");
    r.manifest = get_string(o, "manifest");
    r.watchdog_version = get_string(o, "watchdog_version");
    r.watchdog_pid = get_number<int>(o, "watchdog_pid");
    r.watchdog_started_at = get_string(o, "watchdog_started_at");
    r.state = get_string(o, "state");
    r.pid = get_number<int>(o, "pid");
    r.process_group = get_number<int>(o, "process_group");
    r.child_start_ticks = get_number<std::uint64_t>(o, "child_start_ticks");
    if (auto* v = o.if_contains("ready"); v && v->is_bool()) r.ready = v->as_bool();
    r.restarts = get_number<std::uint64_t>(o, "restarts");
    r.restarts_in_window = get_number<std::uint64_t>(o, "restarts_in_window");
    r.last_exit = get_string(o, "last_exit");
    r.last_exit_code = get_optional_int(o, "last_exit_code");
    r.last_exit_signal = get_optional_int(o, "last_exit_signal");
    r.last_restart_reason = get_string(o, "last_restart_reason");
    r.next_delay_ms = get_number<std::int64_t>(o, "next_delay_ms");
    if (auto* v = o.if_contains("recent_delays_ms"); v && v->is_array()) {
      for (const auto& delay : v->as_array()) {
        if (delay.is_number()) r.recent_delays_ms.push_back(delay.to_number<std::int64_t>());
      }
    }
    r.child_started_at = get_string(o, "child_started_at");
    r.last_exit_at = get_string(o, "last_exit_at");
    r.updated_at = get_string(o, "updated_at");
    r.exit_code = get_optional_int(o, "exit_code");
  } catch (const std::exception& bad_number) {
    error = bad_number.what();
    return std::nullopt;
  }
  return r;
}

std::optional<std::filesystem::path> state_directory(const std::string& name,
                                                     const EnvironmentLookup& env,
                                                     bool running_as_root) {
  auto candidates = state_directory_candidates(name, env, running_as_root);
  if (candidates.empty()) return std::nullopt;
  return candidates.front();
}

std::vector<std::filesystem::path> state_directory_candidates(const std::string& name,
                                                              const EnvironmentLookup& env,
                                                              bool running_as_root) {
  std::vector<std::filesystem::path> candidates;
  if (auto runtime = env("RUNTIME_DIRECTORY"); runtime && !runtime->empty()) {
    // systemd joins several RuntimeDirectory= entries with ':'; the first is the service's own.
    candidates.emplace_back(runtime->substr(0, runtime->find(':')));
  }
  if (running_as_root) candidates.push_back(std::filesystem::path("/run/daemonize") / name);
  if (auto xdg = env("XDG_RUNTIME_DIR"); xdg && !xdg->empty()) {
    candidates.push_back(std::filesystem::path(*xdg) / "daemonize" / name);
  }
  return candidates;
}

}  // namespace daemonize
