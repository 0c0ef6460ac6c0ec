// The import corpus check and its coverage figures. For every systemd unit of every package in
// the corpus list (fetched by scripts/prepare.d/import-corpus.sh): import it with its drop-ins,
// load the manifest with the real loader, render it back natively for systemd, and compare,
// directive by directive, everything the report says was carried. Prints carried /
// approximated / dropped per package and in total, the share carried by the manifest's own keys
// (without the [systemd].extra passthrough), and the dropped directives by key.
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

#include "corpus_compare.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"
#include "daemonize/systemd/backend.hpp"
#include "systemd_syntax.hpp"

namespace fs = std::filesystem;
using namespace daemonize;
using namespace daemonize::import;
using daemonize::import::corpus::reproduced;

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
  int own = 0;      // carried by the manifest's own keys (not the [systemd].extra passthrough)
  int own_approximated = 0;
};

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
  std::map<std::string, int> passthrough_keys;  // carried or approximated by [systemd].extra
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
            if (report.note.find("[systemd].extra") == std::string::npos) {
              ++counts.own;
            } else {
              ++passthrough_keys[report.key];
            }
            break;
          case Outcome::approximated:
            ++counts.approximated;
            if (report.note.find("[systemd].extra") == std::string::npos) {
              ++counts.own_approximated;
            } else {
              ++passthrough_keys[report.key];
            }
            if (verbose) std::cout << "  " << format_report_line(report) << "\n";
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
    total.own += counts.own;
    total.own_approximated += counts.own_approximated;
  }

  auto row = [](const std::string& name, const Counts& c) {
    const int all = c.carried + c.approximated + c.dropped;
    std::ostringstream percent;
    percent << std::fixed << std::setprecision(1)
            << (all == 0 ? 0.0 : 100.0 * (c.carried + c.approximated) / all);
    std::cout << "| " << name << " | " << c.units << " | " << c.skipped << " | " << c.carried
              << " | " << c.approximated << " | " << c.dropped << " | " << percent.str() << " % | "
              << std::fixed << std::setprecision(1) << (all == 0 ? 0.0 : 100.0 * c.own / all)
              << " % |\n";
  };
  std::cout << "| package | units | not services | carried | approximated | dropped | carried or "
               "approximated | own keys |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& [package, counts] : per_package) row(package, counts);
  row("**total**", total);
  std::cout << "\ndropped, by directive:";
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [key, count] : dropped_keys) by_count.emplace_back(-count, key);
  std::sort(by_count.begin(), by_count.end());
  for (const auto& [count, key] : by_count) std::cout << " " << key << " " << -count << ";";
  std::cout << "\n\ncarried by the [systemd].extra passthrough, by directive:";
  by_count.clear();
  for (const auto& [key, count] : passthrough_keys) by_count.emplace_back(-count, key);
  std::sort(by_count.begin(), by_count.end());
  for (const auto& [count, key] : by_count) std::cout << " " << key << " " << -count << ";";
  const int all = total.carried + total.approximated + total.dropped;
  std::cout << "\n\n"
            << total.waiting << " of the " << total.dropped
            << " dropped directives wait for a manifest key that is not there yet; with them, "
            << std::fixed << std::setprecision(1)
            << (all == 0 ? 0.0 : 100.0 * (all - total.dropped + total.waiting) / all)
            << " % would be carried or approximated\n"
            << std::setprecision(1) << (all == 0 ? 0.0 : 100.0 * total.own / all)
            << " % carried by the manifest's own keys (without [systemd].extra), "
            << (all == 0 ? 0.0 : 100.0 * (total.own + total.own_approximated) / all)
            << " % carried or approximated by them\n"
            << total.compared << " carried directives compared with the native "
            << "rendering, " << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
