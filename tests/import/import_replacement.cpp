// Five corpus services replaced by imported manifests: nginx, redis-server, openssh-server,
// memcached and haproxy. Each unit (with its drop-ins) is imported, the manifest is loaded and
// rendered natively for systemd, and every directive of the original is looked for in the
// rendering. A directive that is not reproduced is a loss; the losses the manifest cannot avoid
// yet are listed below with why, and the check fails on any other loss, and on a listed one that
// went away (so the list, and docs/import.md, stay true). Environment= may also be found in the
// env file the renderer writes next to the unit (where [env] goes when there are env_files).
//
// The manifests are published in docs/replaced/: `--check DIR` fails when one there differs from
// what the importer writes now, `--write DIR` writes them.
//
// usage: import_replacement CACHE_DIR PACKAGE_LIST [--check DIR | --write DIR]
// exit: 0 as listed; 1 otherwise; 77 (ctest skip) when the corpus was not fetched and CI != true.
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
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

namespace {

struct Replaced {
  const char* package;
  const char* unit;
};
constexpr Replaced kUnits[] = {{"nginx-common", "nginx.service"},
                               {"redis-server", "redis-server.service"},
                               {"openssh-server", "ssh.service"},
                               {"memcached", "memcached.service"},
                               {"haproxy", "haproxy.service"}};

// unit, directive key: what the rendering does not say, and why. Empty: the five are replaced
// without losses; a loss that comes back must be listed here with its reason (and in
// docs/import.md).
struct KnownLoss {
  const char* unit;
  const char* key;
  const char* why;
};
constexpr std::array<KnownLoss, 0> kKnownLosses{};

// The NAME=value pairs of the env file the renderer writes next to the unit (`[env]` with
// env_files: the last EnvironmentFile=), in Environment= syntax.
std::vector<std::string> env_file_assignments(const RenderResult& rendered) {
  std::vector<std::string> out;
  for (const auto& artifact : rendered.artifacts) {
    if (!artifact.file_name.ends_with(".env")) continue;
    std::istringstream lines(artifact.content);
    std::string line;
    while (std::getline(lines, line)) {
      const auto equals = line.find('=');
      if (line.empty() || line.front() == '#' || equals == std::string::npos) continue;
      std::string value = line.substr(equals + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        std::string unquoted;
        for (std::size_t i = 1; i + 1 < value.size(); ++i) {
          if (value[i] == '\\' && i + 2 < value.size()) ++i;
          unquoted += value[i];
        }
        value = unquoted;
      }
      out.push_back(line.substr(0, equals) + "=" + value);
    }
  }
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: import_replacement CACHE_DIR PACKAGE_LIST [--check DIR | --write DIR]\n";
    return 2;
  }
  const std::string mode = argc > 4 ? argv[3] : "";
  const fs::path published = argc > 4 ? argv[4] : "";
  const fs::path cache = argv[1];
  const bool ci = std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true";
  std::map<std::string, std::string> versions;
  {
    std::ifstream list(argv[2]);
    std::string line;
    while (std::getline(list, line)) {
      if (line.empty() || line.front() == '#') continue;
      std::istringstream fields(line);
      std::string package;
      std::string version;
      fields >> package >> version;
      versions[package] = version;
    }
  }
  const auto backend = make_systemd_backend();
  std::set<std::string> losses_seen;
  int failures = 0;
  for (const auto& replaced : kUnits) {
    if (!versions.contains(replaced.package)) {
      std::cout << "FAIL " << replaced.package << " is not in the package list\n";
      ++failures;
      continue;
    }
    const fs::path root =
        cache / (std::string(replaced.package) + "_" + versions[replaced.package]);
    if (!fs::exists(root / ".complete")) {
      std::cerr << "import_replacement: " << root
                << " is missing: run scripts/prepare.d/import-corpus.sh\n";
      return ci ? 1 : 77;
    }
    fs::path unit_path;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().filename() == replaced.unit &&
          entry.path().string().find("/systemd/system/") != std::string::npos) {
        unit_path = entry.path();
      }
    }
    if (unit_path.empty()) {
      std::cout << "FAIL " << replaced.package << " has no " << replaced.unit << "\n";
      ++failures;
      continue;
    }
    const std::string relative = fs::relative(unit_path, cache).string();
    std::vector<SourceText> dropins;
    for (const auto& dropin : systemd_dropin_paths(unit_path.string())) {
      dropins.push_back({fs::relative(dropin, cache).string(), read(dropin)});
    }
    auto result = import_systemd({relative, read(unit_path)}, dropins);
    if (!result.errors.empty() || result.services.empty()) {
      std::cout << "FAIL " << relative << ": not imported\n";
      ++failures;
      continue;
    }
    const auto& service = result.services.front();
    const fs::path manifest_file = published / (service.name + ".toml");
    if (mode == "--write") {
      fs::create_directories(published);
      std::ofstream(manifest_file, std::ios::binary) << service.manifest;
    } else if (mode == "--check" && read(manifest_file) != service.manifest) {
      ++failures;
      std::cout << "FAIL " << manifest_file.string()
                << " is not what the importer writes now; rewrite it with import_replacement "
                   "CACHE_DIR PACKAGE_LIST --write "
                << published.string() << "\n";
    }
    auto loaded = load_manifest_text(service.manifest, service.name + ".toml", TargetOs::linux);
    if (!loaded.service) {
      std::cout << "FAIL " << relative << ": the manifest does not validate\n";
      ++failures;
      continue;
    }
    Service native = *loaded.service;
    native.supervisor = SupervisorMode::native;
    auto rendered = backend->render(native, RenderOptions{});
    if (has_errors(rendered.diagnostics)) {
      std::cout << "FAIL " << relative << ": the manifest does not render for systemd\n";
      ++failures;
      continue;
    }
    const auto rendered_directives =
        parse_unit_file("rendered", rendered.artifacts.front().content).directives;
    std::vector<UnitDirective> input = parse_unit_file(relative, read(unit_path)).directives;
    for (const auto& dropin : dropins) {
      auto more = parse_unit_file(dropin.path, dropin.text).directives;
      input.insert(input.end(), more.begin(), more.end());
    }
    int same = 0;
    for (const auto& directive : input) {
      auto reproduced =
          corpus::reproduced(directive, rendered_directives, unit_path.filename().string());
      if (!reproduced.value_or(false) && directive.key == "Environment") {
        reproduced = corpus::contains_all(
            env_file_assignments(rendered),
            corpus::words(corpus::expand(directive.value, unit_path.filename().string())));
      }
      if (reproduced.value_or(false)) {
        ++same;
        continue;
      }
      const std::string id = std::string(replaced.unit) + " " + directive.key;
      const auto* known = std::find_if(
          std::begin(kKnownLosses), std::end(kKnownLosses), [&](const KnownLoss& loss) {
            return replaced.unit == std::string(loss.unit) && directive.key == loss.key;
          });
      if (known != std::end(kKnownLosses)) {
        losses_seen.insert(id);
        std::cout << "  known loss " << directive.file << ":" << directive.line << ": "
                  << directive.key << "=" << directive.value << " — " << known->why << "\n";
        continue;
      }
      ++failures;
      std::cout << "FAIL " << directive.file << ":" << directive.line << ": " << directive.key
                << "=" << directive.value << " is not reproduced by the rendering\n";
    }
    std::cout << replaced.package << " " << replaced.unit << ": " << same << " of " << input.size()
              << " directives reproduced\n";
  }
  for (const auto& loss : kKnownLosses) {
    if (!losses_seen.contains(std::string(loss.unit) + " " + loss.key)) {
      ++failures;
      std::cout << "FAIL the known loss " << loss.unit << " " << loss.key
                << " is gone: remove it from the list and docs/import.md\n";
    }
  }
  std::cout << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
