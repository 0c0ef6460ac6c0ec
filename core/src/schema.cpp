#include "schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace daemonize::schema {
namespace {

const Section& systemd_extra() {
  static const Section section{"extra", {}, true};
  return section;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all{
      {"service",
       {{"name"},
        {"display_name"},
        {"description"},
        {"command"},
        {"args"},
        {"working_directory"},
        {"user"},
        {"group"},
        {"create_user"},
        {"scope"},
        {"supervisor"},
        {"umask"},
        {"env_files"},
        {"required_env"}}},
      {"env", {}, true},
      {"restart",
       {{"policy"},
        {"delay"},
        {"max_delay"},
        {"multiplier"},
        {"reset_after"},
        {"max_restarts"},
        {"window"},
        {"success_exit_codes"}}},
      {"stop", {{"signal"}, {"timeout"}}},
      {"reload", {{"signal"}}},
      {"logs",
       {{"directory"},
        {"stdout"},
        {"stderr"},
        {"max_size"},
        {"max_files"},
        {"rotate_every"},
        {"timezone"},
        {"compress"},
        {"timestamps"}}},
      {"health",
       {{"check"},
        {"url"},
        {"address"},
        {"command"},
        {"interval"},
        {"timeout"},
        {"retries"},
        {"start_period"}}},
      {"limits", {{"memory"}, {"cpu"}, {"nofile"}, {"nproc"}}},
      {"dependencies", {{"after"}, {"requires"}}},
      {"systemd", {{"hardening"}, {"extra", &systemd_extra()}}},
      {"launchd", {{"label"}, {"process_type"}}},
      {"windows", {{"backend"}, {"start"}, {"account"}, {"task_trigger"}}},
      {"kubernetes", {{"image"}, {"replicas"}, {"namespace"}, {"service_account"}, {"port"}}},
  };
  return all;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto lower_a = std::tolower(static_cast<unsigned char>(a[i - 1]));
      const auto lower_b = std::tolower(static_cast<unsigned char>(b[j - 1]));
      const std::size_t substitution = previous[j - 1] + (lower_a == lower_b ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

const Key* Section::find_key(std::string_view key) const {
  for (const auto& candidate : keys) {
    if (candidate.name == key) return &candidate;
  }
  return nullptr;
}

std::vector<std::string> Section::key_names() const {
  std::vector<std::string> names;
  for (const auto& key : keys) names.emplace_back(key.name);
  return names;
}

const Section* find_section(std::string_view name) {
  for (const auto& section : sections()) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::vector<std::string> top_level_names() {
  std::vector<std::string> names{"schema", "os"};
  for (const auto& section : sections()) names.emplace_back(section.name);
  return names;
}

std::string closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const auto distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // Close enough: at most 2 edits, and fewer than half of the name changed.
  if (best_distance == 0 || best_distance > 2 ||
      best_distance * 2 >= std::max<std::size_t>(name.size(), 2)) {
    return "";
  }
  return best;
}

}  // namespace daemonize::schema
