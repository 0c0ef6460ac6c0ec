// Fuzzes the importers (systemd unit + a drop-in, launchd plist, NSSM .reg, WinSW XML,
// supervisord, PM2 JSON and YAML, Procfile, the windows-service script and windows-task XML
// daemonize renders, each with the manifest they run): no crash, leak or hang; malformed input is
// refused with a line (>= 1); and whatever they write loads with the real loader, so `daemonize
// import` never writes a manifest that does not validate.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemonize/core/loader.hpp"
#include "daemonize/import/import.hpp"

namespace {

void check(const daemonize::import::ImportResult& result,
           daemonize::TargetOs os = daemonize::TargetOs::linux) {
  for (const auto& error : result.errors) {
    if (error.line < 1 || error.message.empty()) __builtin_trap();
  }
  if (!result.errors.empty()) return;
  for (const auto& service : result.services) {
    const auto loaded = daemonize::load_manifest_text(service.manifest, "fuzz.toml", os);
    if (!loaded.service) __builtin_trap();
  }
  for (const auto& line : result.report) {
    if (line.line < 1) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace daemonize::import;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The second half of a split at the first form feed is the drop-in.
  const auto split = text.find('\f');
  const std::string unit = split == std::string::npos ? text : text.substr(0, split);
  std::vector<SourceText> dropins;
  if (split != std::string::npos)
    dropins.push_back({"/u/fuzz.service.d/a.conf", text.substr(split + 1)});
  check(import_systemd({"/u/fuzz.service", unit}, dropins));
  check(import_systemd({"/u/fuzz@.service", unit}, {}));
  check(import_launchd({"/u/fuzz.plist", text}));
  check(import_supervisord({"/u/fuzz.conf", text}));
  check(import_procfile({"/u/Procfile", text}));
  check(import_pm2({"/u/ecosystem.json", text}));
  check(import_pm2({"/u/ecosystem.yaml", text}));
  check(import_nssm({"/u/fuzz.reg", text}));
  check(import_winsw({"/u/fuzz.xml", text}));
  check(import_winsw({"C:\\u\\fuzz.xml", text}));
  // The rendered Windows definitions: the part after the form feed is the manifest they run.
  const std::optional<SourceText> manifest =
      split == std::string::npos ? std::optional<SourceText>()
                                 : SourceText{"C:\\d\\fuzz.toml", text.substr(split + 1)};
  using daemonize::TargetOs;
  check(import_windows_service({"C:\\d\\install-fuzz.cmd", unit}, manifest), TargetOs::windows);
  check(import_windows_task({"C:\\d\\fuzz.xml", unit}, manifest), TargetOs::windows);
  check(import_windows_task({"C:\\d\\fuzz.xml", text}, std::nullopt), TargetOs::windows);
  (void)referenced_manifest(Format::windows_service, text);
  (void)referenced_manifest(Format::windows_task, text);
  (void)detect_format("/u/fuzz", text);
  return 0;
}
