#include "daemonize/watchdog/final_marker.hpp"

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace daemonize {
namespace json = boost::json;

namespace {

std::string string_of(const json::object& object, const char* key) {
  if (const auto* value = object.if_contains(key); value && value->is_string()) {
    return std::string(value->as_string());
  }
  return "";
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string final_marker_to_json(const FinalMarker& marker) {
  json::object object;
  object["reason"] = marker.reason;
  object["exit_code"] = marker.exit_code;
  object["last_exit"] = marker.last_exit;
  object["at"] = marker.at;
  object["boot_id"] = marker.boot_id;
  object["manifest"] = marker.manifest;
  object["manifest_digest"] = marker.manifest_digest;
  return json::serialize(object) + "\n";
}

std::optional<FinalMarker> final_marker_from_json(const std::string& text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& object = value.as_object();
  FinalMarker marker;
  marker.reason = string_of(object, "reason");
  if (marker.reason.empty()) return std::nullopt;
  if (const auto* code = object.if_contains("exit_code"); code && code->is_int64()) {
    marker.exit_code = static_cast<int>(code->as_int64());
  }
  marker.last_exit = string_of(object, "last_exit");
  marker.at = string_of(object, "at");
  marker.boot_id = string_of(object, "boot_id");
  marker.manifest = string_of(object, "manifest");
  marker.manifest_digest = string_of(object, "manifest_digest");
  return marker;
}

std::string manifest_digest(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::string text = "fnv1a64:";
  for (int shift = 60; shift >= 0; shift -= 4) text += "0123456789abcdef"[(hash >> shift) & 0xfU];
  return text;
}

std::string manifest_file_digest(const std::filesystem::path& path) {
  const auto text = read_text(path);
  return text ? manifest_digest(*text) : "";
}

std::string current_boot_id() {
  // Linux; elsewhere the file does not exist and every marker is of "this boot" ("").
  std::string id;
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::getline(in, id);
  return id;
}

std::optional<std::string> final_marker_reason(const std::string& final_state,
                                               bool stop_requested) {
  if (final_state == "gave_up") return std::string("gave_up");
  if (final_state == "stopped" && !stop_requested) return std::string("exited");
  return std::nullopt;
}

bool final_marker_holds(const FinalMarker& marker, const std::string& boot_id,
                        const std::string& digest) {
  return marker.boot_id == boot_id && !marker.manifest_digest.empty() &&
         marker.manifest_digest == digest;
}

std::optional<FinalMarker> holding_final_marker(const std::filesystem::path& state_directory,
                                                const std::filesystem::path& manifest_path) {
  auto marker = read_final_marker(state_directory);
  if (!marker ||
      !final_marker_holds(*marker, current_boot_id(), manifest_file_digest(manifest_path))) {
    return std::nullopt;
  }
  return marker;
}

std::string describe_final_marker(const FinalMarker& marker) {
  std::string text;
  if (marker.reason == "gave_up") {
    text = "gave up (exit " + std::to_string(marker.exit_code) + ")";
  } else if (marker.reason == "exited") {
    text = "the program ended and is not restarted (exit " + std::to_string(marker.exit_code) + ")";
  } else if (marker.reason == "stopped") {
    text = "stopped by `daemonize stop`";
  } else {
    text = marker.reason;
  }
  if (!marker.at.empty()) text += " at " + marker.at;
  return text;
}

std::optional<FinalMarker> read_final_marker(const std::filesystem::path& directory) {
  const auto text = read_text(directory / kFinalMarkerName);
  if (!text) return std::nullopt;
  return final_marker_from_json(*text);
}

std::string write_final_marker(const std::filesystem::path& directory, const FinalMarker& marker) {
  const auto file = directory / kFinalMarkerName;
  auto temporary = file;
  temporary += ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << final_marker_to_json(marker);
    out.flush();
    if (!out) return "cannot write " + temporary.string();
  }
  std::filesystem::rename(temporary, file, ec);
  if (ec)
    return "cannot rename " + temporary.string() + " to " + file.string() + ": " + ec.message();
  return "";
}

bool remove_final_marker(const std::filesystem::path& directory) {
  std::error_code ec;
  return std::filesystem::remove(directory / kFinalMarkerName, ec);
}

}  // namespace daemonize
