// `import --service`: the output of `systemctl cat` and `launchctl print` read back into files,
// from recorded text (launchd does not run on the test hosts).
#include <gtest/gtest.h>

#include <algorithm>

#include "daemonize/import/service_manager_output.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

// systemd 252's `systemctl cat web.service` for a unit with two drop-ins: a blank line before
// every file but the first; the second drop-in has no final newline.
constexpr std::string_view kSystemctlCat =
    "# /etc/systemd/system/web.service\n"
    "[Unit]\n"
    "Description=Web\n"
    "# /usr/share/doc/web/README is not a header\n"
    "\n"
    "[Service]\n"
    "ExecStart=/usr/bin/web\n"
    "\n"
    "# /etc/systemd/system/web.service.d/10-env.conf\n"
    "[Service]\n"
    "Environment=A=1\n"
    "\n"
    "# /run/systemd/system/web.service.d/20-restart.conf\n"
    "[Service]\n"
    "Restart=always";

TEST(ImportServiceOutput, SystemctlCatSplitsIntoTheRealFiles) {
  const auto files = split_systemctl_cat(kSystemctlCat);
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].path, "/etc/systemd/system/web.service");
  EXPECT_EQ(files[0].text,
            "[Unit]\nDescription=Web\n# /usr/share/doc/web/README is not a header\n\n[Service]\n"
            "ExecStart=/usr/bin/web\n");
  EXPECT_EQ(files[1].path, "/etc/systemd/system/web.service.d/10-env.conf");
  EXPECT_EQ(files[1].text, "[Service]\nEnvironment=A=1\n");
  EXPECT_EQ(files[2].path, "/run/systemd/system/web.service.d/20-restart.conf");
  EXPECT_EQ(files[2].text, "[Service]\nRestart=always");
}

TEST(ImportServiceOutput, SystemctlCatFilesImportWithTheirOwnLines) {
  const auto files = split_systemctl_cat(kSystemctlCat);
  ASSERT_EQ(files.size(), 3U);
  auto result = import_systemd(files[0], {files[1], files[2]});
  ASSERT_TRUE(result.errors.empty());
  const auto lines = test::report_lines(result);
  const auto has = [&](const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.starts_with(prefix); });
  };
  EXPECT_TRUE(has("/etc/systemd/system/web.service:6: carried: ExecStart"));
  EXPECT_TRUE(has("/etc/systemd/system/web.service.d/10-env.conf:2: carried: Environment"));
  EXPECT_TRUE(has("/run/systemd/system/web.service.d/20-restart.conf:2: carried: Restart"));
  auto services = test::load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].env.at("A"), "1");
  EXPECT_EQ(services[0].restart.policy, RestartPolicy::always);
}

TEST(ImportServiceOutput, SystemctlCatWithoutHeaderHasNoFiles) {
  EXPECT_TRUE(split_systemctl_cat("No files found for web.service.\n").empty());
  EXPECT_TRUE(split_systemctl_cat("").empty());
}

// `launchctl print system/com.example.webapp` on macOS 14, shortened.
constexpr std::string_view kLaunchctlPrint =
    "system/com.example.webapp = {\n"
    "\tactive count = 1\n"
    "\tpath = /Library/LaunchDaemons/com.example.webapp.plist\n"
    "\ttype = LaunchDaemon\n"
    "\tstate = running\n"
    "\n"
    "\tprogram = /usr/local/bin/webapp\n"
    "\targuments = {\n"
    "\t\t/usr/local/bin/webapp\n"
    "\t\t--listen\n"
    "\t}\n"
    "\n"
    "\tstdout path = /usr/local/var/log/webapp/webapp.log\n"
    "\tdefault environment = {\n"
    "\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin\n"
    "\t}\n"
    "}\n";

TEST(ImportServiceOutput, LaunchctlPrintNamesThePlist) {
  EXPECT_EQ(launchctl_print_path(kLaunchctlPrint),
            std::optional<std::string>("/Library/LaunchDaemons/com.example.webapp.plist"));
  EXPECT_EQ(launchctl_print_path("\t\tpath = /nested/only\n\tstdout path = /x\n"), std::nullopt);
  EXPECT_EQ(launchctl_print_path("Could not find service \"x\" in domain for system\n"),
            std::nullopt);
}

}  // namespace
}  // namespace daemonize::import
