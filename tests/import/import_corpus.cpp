// The import corpus check and its coverage figures. For every systemd unit of every package in
// the corpus list (fetched by scripts/prepare.d/import-corpus.sh): import it with its drop-ins,
// load the manifest with the real loader, render it back natively for systemd, and compare,
// directive by directive, everything the report says was carried. Prints carried /
// approximated / dropped per package and in total, and the dropped directives by key.
//
// usage: import_corpus CACHE_DIR PACKAGE_LIST [--verbose]
// exit: 0 all good; 1 a manifest that does not validate or render, or a carried directive the
// rendering does not reproduce; 77 (ctest skip) when the corpus was not fetched and CI != true.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"
#include "daemonize/systemd/backend.hpp"
#include "systemd_syntax.hpp"

namespace fs = std::filesystem;
using namespace daemonize;
using namespace daemonize::import;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Counts {
  int units = 0;
  int skipped = 0;  // not a service definition (no ExecStart=, ...)
  int carried = 0;
  int approximated = 0;
  int dropped = 0;
  int compared = 0;
  int waiting = 0;  // dropped for want of a manifest key that is not there yet
};

// Specifiers with a fixed value for a system unit, as the importer expands them.
std::string expand(std::string text, const std::string& unit) {
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

std::vector<std::string> words(const std::string& value) {
  std::vector<std::string> out;
  for (auto& word : split_unit_words(value).value_or(std::vector<UnitWord>{}))
    out.push_back(word.text);
  return out;
}

std::string strip_exec_prefixes(std::string value) {
  while (!value.empty() && std::string("-@:+!|").find(value.front()) != std::string::npos) {
    value.erase(0, 1);
  }
  return value;
}

std::string signal_name(std::string value) {
  if (value.starts_with("SIG")) value = value.substr(3);
  static const std::map<std::string, std::string> numbers{
      {"1", "HUP"},   {"2", "INT"},   {"3", "QUIT"}, {"9", "KILL"},
      {"10", "USR1"}, {"12", "USR2"}, {"15", "TERM"}};
  if (auto found = numbers.find(value); found != numbers.end()) return found->second;
  return value;
}

unsigned long long bytes(std::string value) {
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

std::string unit_suffixed(const std::string& name) {
  return name.find('.') == std::string::npos ? name + ".service" : name;
}

// Every value `key` has in the rendered unit (list settings joined in order).
std::vector<std::string> rendered_values(const std::vector<UnitDirective>& rendered,
                                         const std::string& key) {
  std::vector<std::string> values;
  for (const auto& d : rendered) {
    if (d.key == key) values.push_back(d.value);
  }
  return values;
}

bool contains_all(const std::vector<std::string>& haystack,
                  const std::vector<std::string>& needles) {
  return std::all_of(needles.begin(), needles.end(), [&](const std::string& needle) {
    return std::find(haystack.begin(), haystack.end(), needle) != haystack.end();
  });
}

std::vector<std::string> all_words(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    for (auto& word : words(value)) out.push_back(word);
  }
  return out;
}

// Whether the rendered unit says what the input directive said; nullopt = not compared here
// (a directive carried by the manifest's behaviour, not by a unit line).
std::optional<bool> reproduced(const UnitDirective& input,
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
  if (key == "RestrictAddressFamilies" && !input.value.starts_with("~")) {
    auto expected = words(input.value);
    if (expected.size() > 1) std::erase(expected, "none");
    return contains_all(all_words(values), expected);
  }
  if (key == "ReadWritePaths" || key == "ReadOnlyPaths") {
    return contains_all(all_words(values), words(expand(input.value, unit)));
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
  // [systemd].extra: written verbatim (list settings joined with spaces).
  std::string joined;
  for (const auto& value : values) joined += (joined.empty() ? "" : " ") + value;
  if (!values.empty()) return joined.find(input.value) != std::string::npos;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: import_corpus CACHE_DIR PACKAGE_LIST [--verbose]\n";
    return 2;
  }
  const fs::path cache = argv[1];
  const bool verbose = argc > 3 && std::string(argv[3]) == "--verbose";
  const bool ci = std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true";
  std::ifstream list(argv[2]);
  std::vector<std::pair<std::string, std::string>> packages;
  std::string line;
  while (std::getline(list, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    std::string package;
    std::string version;
    fields >> package >> version;
    packages.emplace_back(package, version);
  }
  const auto backend = make_systemd_backend();
  std::map<std::string, Counts> per_package;
  Counts total;
  std::map<std::string, int> dropped_keys;
  int failures = 0;
  for (const auto& [package, version] : packages) {
    const fs::path root = cache / (package + "_" + version);
    if (!fs::exists(root / ".complete")) {
      std::cerr << "import_corpus: " << root
                << " is missing: run scripts/prepare.d/import-corpus.sh\n";
      return ci ? 1 : 77;
    }
    std::vector<fs::path> units;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto text = entry.path().string();
      if (entry.is_regular_file() && text.ends_with(".service") &&
          text.find("/systemd/system/") != std::string::npos &&
          text.find(".service.d/") == std::string::npos) {
        units.push_back(entry.path());
      }
    }
    std::sort(units.begin(), units.end());
    auto& counts = per_package[package];
    for (const auto& unit_path : units) {
      ++counts.units;
      const std::string relative = fs::relative(unit_path, cache).string();
      std::vector<SourceText> dropins;
      for (const auto& dropin : systemd_dropin_paths(unit_path.string())) {
        dropins.push_back({fs::relative(dropin, cache).string(), read(dropin)});
      }
      // Paths relative to the cache, so the report names package/lib/systemd/system/x.service.
      auto result = import_systemd({relative, read(unit_path)}, dropins);
      if (!result.errors.empty()) {
        ++counts.skipped;
        if (verbose) {
          for (const auto& error : result.errors) {
            std::cout << "  skipped " << error.file << ":" << error.line << ": " << error.message
                      << "\n";
          }
        }
        continue;
      }
      auto parsed = parse_unit_file(relative, read(unit_path));
      std::vector<UnitDirective> input = parsed.directives;
      for (const auto& dropin : dropins) {
        auto more = parse_unit_file(dropin.path, dropin.text).directives;
        input.insert(input.end(), more.begin(), more.end());
      }
      const auto& service = result.services.front();
      auto loaded = load_manifest_text(service.manifest, service.name + ".toml", TargetOs::linux);
      if (!loaded.service) {
        ++failures;
        std::cout << "FAIL " << relative << ": the imported manifest does not validate\n";
        for (const auto& d : loaded.diagnostics) std::cout << "  " << format_diagnostic(d) << "\n";
        continue;
      }
      Service native = *loaded.service;
      native.supervisor = SupervisorMode::native;
      auto rendered = backend->render(native, RenderOptions{});
      if (has_errors(rendered.diagnostics)) {
        ++failures;
        std::cout << "FAIL " << relative << ": the manifest does not render for systemd\n";
        for (const auto& d : rendered.diagnostics)
          std::cout << "  " << format_diagnostic(d) << "\n";
        continue;
      }
      const auto& unit_text = rendered.artifacts.front().content;
      const auto rendered_directives = parse_unit_file("rendered", unit_text).directives;
      const std::string unit_name = unit_path.filename().string();
      for (const auto& report : result.report) {
        switch (report.outcome) {
          case Outcome::carried:
            ++counts.carried;
            break;
          case Outcome::approximated:
            ++counts.approximated;
            break;
          case Outcome::dropped:
            ++counts.dropped;
            ++dropped_keys[report.key];
            if (report.note.find("no manifest key") != std::string::npos ||
                report.note.find("has no manifest key yet") != std::string::npos ||
                report.note.find("no manifest form yet") != std::string::npos) {
              ++counts.waiting;
            }
            if (verbose) std::cout << "  " << format_report_line(report) << "\n";
            break;
        }
        if (report.outcome != Outcome::carried ||
            report.note.find(", as systemd ") != std::string::npos) {
          continue;
        }
        const auto directive = std::find_if(
            input.begin(), input.end(),
            [&](const UnitDirective& d) { return d.file == report.file && d.line == report.line; });
        if (directive == input.end()) continue;
        auto same = reproduced(*directive, rendered_directives, unit_name);
        if (!same) continue;
        ++counts.compared;
        if (!*same) {
          ++failures;
          std::cout << "FAIL " << report.file << ":" << report.line << ": carried " << report.key
                    << "=" << directive->value << " is not in the rendered unit:\n"
                    << unit_text << "\n";
        }
      }
    }
    total.units += counts.units;
    total.skipped += counts.skipped;
    total.carried += counts.carried;
    total.approximated += counts.approximated;
    total.dropped += counts.dropped;
    total.compared += counts.compared;
    total.waiting += counts.waiting;
  }

  auto row = [](const std::string& name, const Counts& c) {
    const int all = c.carried + c.approximated + c.dropped;
    std::ostringstream percent;
    percent << std::fixed << std::setprecision(1)
            << (all == 0 ? 0.0 : 100.0 * (c.carried + c.approximated) / all);
    std::cout << "| " << name << " | " << c.units << " | " << c.skipped << " | " << c.carried
              << " | " << c.approximated << " | " << c.dropped << " | " << percent.str()
              << " % |\n";
  };
  std::cout << "| package | units | not services | carried | approximated | dropped | carried or "
               "approximated |\n|---|---|---|---|---|---|---|\n";
  for (const auto& [package, counts] : per_package) row(package, counts);
  row("**total**", total);
  std::cout << "\ndropped, by directive:";
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [key, count] : dropped_keys) by_count.emplace_back(-count, key);
  std::sort(by_count.begin(), by_count.end());
  for (const auto& [count, key] : by_count) std::cout << " " << key << " " << -count << ";";
  const int all = total.carried + total.approximated + total.dropped;
  std::cout << "\n\n"
            << total.waiting << " of the " << total.dropped
            << " dropped directives wait for a manifest key that is not there yet; with them, "
            << std::fixed << std::setprecision(1)
            << (all == 0 ? 0.0 : 100.0 * (all - total.dropped + total.waiting) / all)
            << " % would be carried or approximated\n"
            << total.compared << " carried directives compared with the native "
            << "rendering, " << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
