// How a directive of a corpus unit is compared with daemonize's native rendering of the
// imported manifest (shared by the corpus check and the replacement check).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "systemd_syntax.hpp"

namespace daemonize::import::corpus {

// Specifiers with a fixed value for a system unit, as the importer expands them.
inline std::string expand(std::string text, const std::string& unit) {
  const std::string stem = unit.substr(0, unit.size() - 8);
  const std::map<char, std::string> values{
      {'n', unit},       {'N', stem},         {'p', stem},       {'t', "/run"},
      {'S', "/var/lib"}, {'C', "/var/cache"}, {'L', "/var/log"}, {'E', "/etc"},
      {'T', "/tmp"},     {'V', "/var/tmp"},   {'%', "%"}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && values.contains(text[i + 1])) {
      out += values.at(text[++i]);
    } else {
      out += text[i];
    }
  }
  return out;
}

inline std::vector<std::string> words(const std::string& value) {
  std::vector<std::string> out;
  for (auto& word : split_unit_words(value).value_or(std::vector<UnitWord>{}))
    out.push_back(word.text);
  return out;
}

inline std::string strip_exec_prefixes(std::string value) {
  while (!value.empty() && std::string("-@:+!|").find(value.front()) != std::string::npos) {
    value.erase(0, 1);
  }
  return value;
}

inline std::string signal_name(std::string value) {
  if (value.starts_with("SIG")) value = value.substr(3);
  static const std::map<std::string, std::string> numbers{
      {"1", "HUP"},   {"2", "INT"},   {"3", "QUIT"}, {"9", "KILL"},
      {"10", "USR1"}, {"12", "USR2"}, {"15", "TERM"}};
  if (auto found = numbers.find(value); found != numbers.end()) return found->second;
  return value;
}

inline unsigned long long bytes(std::string value) {
  unsigned long long factor = 1;
  const std::string suffixes = "KMGTPE";
  if (!value.empty()) {
    if (auto at = suffixes.find(value.back()); at != std::string::npos) {
      for (std::size_t i = 0; i <= at; ++i) factor *= 1024;
      value.pop_back();
    }
  }
  return std::stoull(value) * factor;
}

inline std::string unit_suffixed(const std::string& name) {
  return name.find('.') == std::string::npos ? name + ".service" : name;
}

// Every value `key` has in the rendered unit (list settings joined in order).
inline std::vector<std::string> rendered_values(const std::vector<UnitDirective>& rendered,
                                                const std::string& key) {
  std::vector<std::string> values;
  for (const auto& d : rendered) {
    if (d.key == key) values.push_back(d.value);
  }
  return values;
}

inline bool contains_all(const std::vector<std::string>& haystack,
                         const std::vector<std::string>& needles) {
  return std::all_of(needles.begin(), needles.end(), [&](const std::string& needle) {
    return std::find(haystack.begin(), haystack.end(), needle) != haystack.end();
  });
}

inline std::vector<std::string> all_words(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    for (auto& word : words(value)) out.push_back(word);
  }
  return out;
}

// Whether the rendered unit says what the input directive said; nullopt = not compared here
// (a directive carried by the manifest's behaviour, not by a unit line).
inline std::optional<bool> reproduced(const UnitDirective& input,
                                      const std::vector<UnitDirective>& rendered,
                                      const std::string& unit) {
  const auto& key = input.key;
  const auto values = rendered_values(rendered, key);
  auto last = [&]() { return values.empty() ? std::string("\x01") : values.back(); };
  if (key == "ExecStart") {
    auto expected = words(expand(strip_exec_prefixes(input.value), unit));
    auto got = words(last());
    for (auto& word : got) word = expand(word, unit);  // %% in the rendering
    return expected == got;
  }
  if (key == "Description") return expand(input.value, unit) == expand(last(), unit);
  if (key == "User" || key == "Group" || key == "WorkingDirectory" || key == "Restart" ||
      key == "Type" || key == "StartLimitBurst") {
    return input.value == last();
  }
  if (key == "UMask") return std::stoul(input.value, nullptr, 8) == std::stoul(last(), nullptr, 8);
  if (key == "TimeoutStopSec" && (input.value == "0" || input.value == "infinity")) {
    return last() == "0" || last() == "infinity";  // both: never SIGKILL
  }
  if (key == "RestartSec" || key == "TimeoutStopSec" || key == "StartLimitIntervalSec") {
    return parse_time_span(input.value) == parse_time_span(last());
  }
  if (key == "KillSignal") return signal_name(input.value) == signal_name(last());
  if (key == "LimitNOFILE" || key == "LimitNPROC" || key == "CPUQuota")
    return input.value == last();
  if (key == "MemoryMax") return bytes(input.value) == bytes(last());
  if (key == "Environment") {
    auto expected = words(expand(input.value, unit));
    auto got = all_words(values);
    for (auto& word : got) word = expand(word, unit);
    return contains_all(got, expected);
  }
  if (key == "EnvironmentFile") return contains_all(values, {expand(input.value, unit)});
  if (key == "After" || key == "Requires" || key == "Wants") {
    auto expected = words(input.value);
    for (auto& name : expected) name = unit_suffixed(name);
    return contains_all(all_words(values), expected);
  }
  if (key == "SuccessExitStatus") {
    auto expected = words(input.value);
    std::erase(expected, "0");
    return contains_all(all_words(values), expected);
  }
  if (key == "StandardOutput" || key == "StandardError") return input.value == last();
  if (key == "PIDFile") return expand(input.value, unit) == last();
  auto flag = [](const std::string& v) -> std::string {
    if (v == "yes" || v == "true" || v == "on" || v == "1") return "yes";
    if (v == "no" || v == "false" || v == "off" || v == "0") return "no";
    return v;
  };
  if (key == "PrivateTmp" || key == "NoNewPrivileges" || key == "PrivateDevices" ||
      key == "PrivateUsers" || key == "ProtectSystem" || key == "ProtectHome") {
    return flag(input.value) == flag(last());
  }
  static const std::vector<std::string> kKernelSwitches{"ProtectKernelTunables",
                                                        "ProtectKernelModules",
                                                        "ProtectKernelLogs",
                                                        "ProtectControlGroups",
                                                        "ProtectClock",
                                                        "ProtectHostname",
                                                        "RestrictNamespaces",
                                                        "RestrictRealtime",
                                                        "RestrictSUIDSGID",
                                                        "LockPersonality",
                                                        "MemoryDenyWriteExecute",
                                                        "PrivateNetwork",
                                                        "RemoveIPC"};
  if (std::find(kKernelSwitches.begin(), kKernelSwitches.end(), key) != kKernelSwitches.end())
    return flag(input.value) == flag(last());
  if (key == "Before" || key == "PartOf" || key == "Conflicts" || key == "Also" || key == "Alias") {
    auto expected = words(input.value);
    for (auto& name : expected) name = unit_suffixed(name);
    return contains_all(all_words(values), expected);
  }
  if (key == "Documentation" || key == "SystemCallArchitectures")
    return contains_all(all_words(values), words(expand(input.value, unit)));
  if (key == "RestrictAddressFamilies" && !input.value.starts_with("~")) {
    auto expected = words(input.value);
    if (expected.size() > 1) std::erase(expected, "none");
    return contains_all(all_words(values), expected);
  }
  if (key == "ReadWritePaths" || key == "ReadOnlyPaths") {
    return contains_all(all_words(values), words(expand(input.value, unit)));
  }
  if (key == "ReadWriteDirectories" || key == "ReadOnlyDirectories") {  // the old names
    const auto current = rendered_values(
        rendered, key == "ReadWriteDirectories" ? "ReadWritePaths" : "ReadOnlyPaths");
    return contains_all(all_words(current), words(expand(input.value, unit)));
  }
  if (key == "RuntimeDirectory" || key == "StateDirectory" || key == "CacheDirectory" ||
      key == "LogsDirectory" || key == "ConfigurationDirectory" || key == "RequiresMountsFor") {
    return contains_all(all_words(values), words(expand(input.value, unit)));
  }
  if (key.ends_with("DirectoryMode")) {
    return std::stoul(input.value, nullptr, 8) ==
           (values.empty() ? 0755UL : std::stoul(last(), nullptr, 8));
  }
  if (key == "RemainAfterExit") {
    const bool yes =
        input.value == "yes" || input.value == "true" || input.value == "on" || input.value == "1";
    return yes ? last() == "yes" : values.empty();
  }
  if (key == "KillMode") {
    return input.value == "control-group" ? values.empty() : input.value == last();
  }
  // Hooks: one of the rendered lines runs the same argv, with the same '-' prefix.
  auto same_command = [&]() {
    const std::string command = strip_exec_prefixes(input.value);
    const bool ignore =
        input.value.substr(0, input.value.size() - command.size()).find('-') != std::string::npos;
    auto expected = words(expand(command, unit));
    return std::any_of(values.begin(), values.end(), [&](const std::string& value) {
      auto got = words(expand(strip_exec_prefixes(value), unit));
      return got == expected && value.starts_with("-") == ignore;
    });
  };
  if (key == "ExecStartPre" || key == "ExecStartPost" || key == "ExecStop" ||
      key == "ExecStopPost") {
    return same_command();
  }
  if (key == "ExecReload") {
    const auto argv = words(strip_exec_prefixes(input.value));
    if (!argv.empty() && !argv.front().ends_with("kill")) return same_command();
  }
  if (key == "ExecReload") {
    auto expected = words(strip_exec_prefixes(input.value));
    auto got = words(last());
    if (expected.size() < 2 || got.size() < 2) return false;
    return signal_name(expected[expected.size() - 2].substr(
               expected[expected.size() - 2] == "-s" ? 0 : 1)) ==
               signal_name(got[got.size() - 2].substr(1)) &&
           got.back() == "$MAINPID";
  }
  if (key == "WantedBy") return contains_all(all_words(values), words(input.value));
  if (key == "TimeoutSec") {
    return parse_time_span(input.value) ==
           parse_time_span(rendered_values(rendered, "TimeoutStopSec").back());
  }
  if (key == "SystemCallFilter" || key == "CapabilityBoundingSet" || key == "AmbientCapabilities") {
    // The same entries in the same mode (allowed, or `~` denied), however the lines are split.
    auto entries = [](std::string value) {
      const bool deny = value.starts_with("~");
      if (deny) value.erase(0, 1);
      std::vector<std::string> out;
      for (auto& word : words(value)) out.push_back((deny ? "~" : "") + word);
      return out;
    };
    const auto expected = entries(input.value);
    std::vector<std::string> got;
    for (const auto& value : values) {
      for (auto& entry : entries(value)) got.push_back(entry);
    }
    if (expected.empty()) return !values.empty() && got.empty();
    return contains_all(got, expected);
  }
  // [systemd].extra: written verbatim (list settings joined with spaces).
  std::string joined;
  for (const auto& value : values) joined += (joined.empty() ? "" : " ") + value;
  if (!values.empty()) return joined.find(input.value) != std::string::npos;
  return false;
}

}  // namespace daemonize::import::corpus
