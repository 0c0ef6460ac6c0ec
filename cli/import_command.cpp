// `daemonize import PATH... [--from F] [-o DIR] [--json] [--strict]`: other service managers'
// definitions to manifests, with a report of every directive on stderr (or as JSON on stdout).
// `daemonize import --service NAME [--from systemd|launchd|scm]` reads the definition this
// host's manager holds (installed_definition.hpp) and imports it the same way.
//
// Nothing is written unless every input imported: an unreadable input is exit 66, input that is
// not a service definition exit 65, and `--strict` with a dropped directive exit 65. Every
// manifest is checked with the real loader before it is written.
#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <variant>

#include "commands.hpp"
#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"
#include "installed_definition.hpp"

namespace daemonize::cli {
namespace {

namespace fs = std::filesystem;

struct ImportOptions {
  std::vector<std::string> paths;
  std::string service;  // --service NAME instead of paths
  std::string from;
  std::string output_directory;
  bool json = false;
  bool strict = false;
};

// The file's bytes, or the reason it cannot be read.
struct ReadResult {
  std::optional<std::string> text;
  std::string reason;
};

ReadResult read_file(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) return {std::nullopt, "Is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return {std::nullopt, std::strerror(errno)};
  return {std::move(text).str(), ""};
}

std::string supported_list() {
  std::string list;
  for (int i = 0; i <= static_cast<int>(import::Format::windows_task); ++i) {
    const auto format = static_cast<import::Format>(i);
    if (!import::is_supported(format)) continue;
    list += std::string(list.empty() ? "" : ", ") + import::to_string(format);
  }
  return list;
}

boost::json::object report_json(const std::vector<import::ReportLine>& report,
                                const std::vector<std::pair<std::string, std::string>>& written) {
  boost::json::array lines;
  std::map<std::string, int> counts{{"carried", 0}, {"approximated", 0}, {"dropped", 0}};
  for (const auto& line : report) {
    lines.push_back(boost::json::object{{"file", line.file},
                                        {"line", line.line},
                                        {"outcome", import::to_string(line.outcome)},
                                        {"key", line.key},
                                        {"note", line.note}});
    ++counts[import::to_string(line.outcome)];
  }
  boost::json::array services;
  for (const auto& [name, file] : written) {
    services.push_back(boost::json::object{{"name", name}, {"file", file}});
  }
  boost::json::object summary;
  for (const auto& [outcome, count] : counts) summary[outcome] = count;
  return {{"services", services}, {"report", lines}, {"summary", summary}};
}

int run_import(const ImportOptions& options) {
  if (options.json && options.output_directory.empty()) {
    std::cerr << "daemonize: --json needs -o DIR: the manifests go to files, the report to "
                 "stdout\n";
    return exit_code::usage;
  }
  if (options.paths.empty() == options.service.empty()) {
    std::cerr << "daemonize: import needs PATH... or --service NAME\n";
    return exit_code::usage;
  }
  import::ImportResult all;
  if (!options.service.empty()) {
    auto installed = read_installed_definition(
        options.service,
        options.from.empty() ? std::nullopt : std::optional<std::string>(options.from));
    if (const auto* why = std::get_if<std::string>(&installed)) {
      std::cerr << "daemonize: " << *why << "\n";
      return exit_code::no_input;
    }
    const auto& definition = std::get<InstalledDefinition>(installed);
    if (definition.deployed_manifest) {
      // daemonize's own manifest: nothing to convert.
      auto loaded =
          load_manifest_text(definition.source.text, definition.source.path, TargetOs::linux);
      if (!loaded.service) {
        for (const auto& diagnostic : loaded.diagnostics) {
          std::cerr << format_diagnostic(diagnostic) << "\n";
        }
        return exit_code::data_error;
      }
      all.services.push_back(
          {loaded.service->name, "# Imported by `daemonize import` from the service " +
                                     options.service + ", deployed by daemonize from " +
                                     definition.source.path + "\n" + definition.source.text});
      all.report.push_back({definition.source.path, 1, import::Outcome::carried, "manifest",
                            "deployed by daemonize: written as it is"});
    } else if (!import::is_supported(definition.format)) {
      std::cerr << "daemonize: " << definition.source.path << ": importing "
                << import::to_string(definition.format) << " is not supported yet\n";
      return exit_code::unavailable;
    } else {
      all = import::import_text(definition.format, definition.source, definition.dropins);
    }
  }
  if (options.from == "scm" && options.service.empty()) {
    std::cerr << "daemonize: --from scm reads the Windows service control manager: it needs "
                 "--service NAME\n";
    return exit_code::usage;
  }
  std::optional<import::Format> forced;
  if (!options.from.empty() && options.service.empty()) {
    forced = import::parse_format(options.from);
    if (forced && !import::is_supported(*forced)) {
      std::cerr << "daemonize: importing " << options.from
                << " is not supported yet; this build reads " << supported_list() << "\n";
      return exit_code::unavailable;
    }
  }

  std::vector<std::string> unreadable;
  for (const auto& path : options.paths) {
    auto read = read_file(path);
    if (!read.text) {
      std::cerr << path << ": error: cannot read it: " << read.reason << "\n";
      unreadable.push_back(path);
      continue;
    }
    const std::string& content = *read.text;
    auto format = forced ? forced : import::detect_format(path, content);
    if (!format) {
      all.errors.push_back({path, 1,
                            "not a service definition daemonize can read (systemd unit, launchd "
                            "plist, NSSM registry export, WinSW XML, supervisord configuration, "
                            "PM2 ecosystem file, Procfile, or a windows-service script or "
                            "windows-task XML daemonize rendered); name its kind with --from"});
      continue;
    }
    if (!import::is_supported(*format)) {
      std::cerr << "daemonize: " << path << " looks like a " << import::to_string(*format)
                << " definition; importing " << import::to_string(*format)
                << " is not supported yet; this build reads " << supported_list() << "\n";
      return exit_code::unavailable;
    }
    std::vector<import::SourceText> dropins;
    if (*format == import::Format::systemd) {
      for (const auto& dropin : import::systemd_dropin_paths(path)) {
        auto dropin_text = read_file(dropin);
        if (!dropin_text.text) {
          std::cerr << dropin << ": error: cannot read it: " << dropin_text.reason << "\n";
          unreadable.push_back(dropin);
          continue;
        }
        dropins.push_back({dropin, *dropin_text.text});
      }
    }
    // A rendered Windows definition runs the watchdog on a manifest: the one it names, else the
    // file of that name next to it (where `daemonize render -o` puts both).
    std::optional<import::SourceText> companion;
    if (auto named = import::referenced_manifest(*format, content)) {
      const std::string file_name = named->substr(named->find_last_of("\\/") + 1);
      for (const auto& candidate : {*named, (fs::path(path).parent_path() / file_name).string()}) {
        std::error_code error;
        if (!fs::is_regular_file(candidate, error)) continue;
        auto companion_text = read_file(candidate);
        if (companion_text.text) companion = import::SourceText{candidate, *companion_text.text};
        break;
      }
    }
    auto result = import::import_text(*format, {path, content}, dropins, companion);
    all.services.insert(all.services.end(), result.services.begin(), result.services.end());
    all.report.insert(all.report.end(), result.report.begin(), result.report.end());
    all.errors.insert(all.errors.end(), result.errors.begin(), result.errors.end());
  }
  if (!unreadable.empty()) return exit_code::no_input;

  if (!options.json) {
    for (const auto& line : all.report) std::cerr << import::format_report_line(line) << "\n";
  }
  for (const auto& error : all.errors) {
    std::cerr << error.file << ":" << error.line << ": error: " << error.message << "\n";
  }
  if (!all.errors.empty()) return exit_code::data_error;

  std::map<std::string, int> names;
  for (const auto& service : all.services) {
    if (++names[service.name] == 2) {
      std::cerr << "daemonize: two services are named '" << service.name
                << "'; import them into separate -o directories\n";
      return exit_code::data_error;
    }
    // The importers write manifests the loader accepts; anything else is a bug.
    auto loaded = load_manifest_text(service.manifest, service.name + ".toml", TargetOs::linux);
    if (!loaded.service) {
      for (const auto& diagnostic : loaded.diagnostics) {
        std::cerr << format_diagnostic(diagnostic) << "\n";
      }
      std::cerr << "daemonize: internal error: the manifest imported for '" << service.name
                << "' does not validate; please report it with the input\n";
      return exit_code::software;
    }
  }
  const auto dropped = std::count_if(all.report.begin(), all.report.end(), [](const auto& line) {
    return line.outcome == import::Outcome::dropped;
  });
  if (options.strict && dropped > 0) {
    std::cerr << "daemonize: --strict: " << dropped << " directive" << (dropped == 1 ? "" : "s")
              << " dropped; nothing written\n";
    return exit_code::data_error;
  }

  if (options.output_directory.empty()) {
    if (all.services.size() > 1) {
      std::string list;
      for (const auto& service : all.services) list += (list.empty() ? "" : ", ") + service.name;
      std::cerr << "daemonize: " << all.services.size() << " services (" << list
                << "): write them with -o DIR, one NAME.toml each\n";
      return exit_code::usage;
    }
    if (!all.services.empty()) std::cout << all.services.front().manifest;
    return exit_code::success;
  }

  std::error_code error;
  fs::create_directories(options.output_directory, error);
  if (error) {
    std::cerr << "daemonize: cannot create " << options.output_directory << ": " << error.message()
              << "\n";
    return exit_code::cannot_create;
  }
  for (const auto& service : all.services) {
    const std::string file =
        (fs::path(options.output_directory) / (service.name + ".toml")).string();
    if (fs::exists(file, error)) {
      std::cerr << "daemonize: " << file
                << " already exists; nothing written (remove it, or "
                   "pick another -o DIR)\n";
      return exit_code::cannot_create;
    }
  }
  std::vector<std::pair<std::string, std::string>> written;
  for (const auto& service : all.services) {
    const std::string file =
        (fs::path(options.output_directory) / (service.name + ".toml")).string();
    std::ofstream out(file, std::ios::binary);
    out << service.manifest;
    out.close();
    if (!out) {
      std::cerr << "daemonize: cannot write " << file << ": " << std::strerror(errno) << "\n";
      return exit_code::cannot_create;
    }
    written.emplace_back(service.name, file);
    if (!options.json) std::cerr << "daemonize: wrote " << file << "\n";
  }
  if (options.json) {
    std::cout << boost::json::serialize(report_json(all.report, written)) << "\n";
  }
  return exit_code::success;
}

}  // namespace

void add_import_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ImportOptions>();
  auto* command = app.add_subcommand(
      "import",
      "Write manifests from systemd units, launchd plists, NSSM and WinSW services, supervisord "
      "and PM2 programs or a Procfile");
  auto* paths = command->add_option("path", options->paths, "The definitions to import");
  command
      ->add_option("--service", options->service,
                   "Import the definition this host's service manager holds for NAME")
      ->excludes(paths);
  command
      ->add_option("--from", options->from,
                   "Their kind (default: detected): systemd, launchd, nssm, winsw, supervisord, "
                   "pm2, procfile, windows-service, windows-task; with --service: systemd, launchd "
                   "or scm")
      ->check(CLI::IsMember({"systemd", "launchd", "nssm", "winsw", "supervisord", "pm2",
                             "procfile", "windows-service", "windows-task", "scm"}));
  command->add_option("-o,--output-dir", options->output_directory,
                      "Write one NAME.toml per service into DIR (default: stdout, one service)");
  command->add_flag("--json", options->json, "Print the report as JSON on stdout (needs -o)");
  command->add_flag("--strict", options->strict,
                    "Fail (exit 65, nothing written) when a directive is dropped");
  command->callback([options, &context] { context.exit_code = run_import(*options); });
}

}  // namespace daemonize::cli
