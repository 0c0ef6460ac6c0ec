// A path of the other OS (docs/manifest.md, "Paths of the other OS"): each path key falls back to
// what the OS does without it, with a warning naming the key, the value and the fallback, and
// [os.<os>] overrides it without a warning.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemonize/core/loader.hpp"

using namespace daemonize;

namespace {

LoadResult load(std::string_view text, TargetOs os) {
  return load_manifest_text(text, "service.toml", os);
}

std::vector<std::string> lines(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> result;
  result.reserve(diagnostics.size());
  for (const auto& d : diagnostics) result.push_back(format_diagnostic(d));
  return result;
}

constexpr std::string_view linux_logs = R"([service]
name = "x"
command = "/usr/bin/x"
[os.windows]
command = 'C:\x\x.exe'
[logs]
directory = "/var/log/x"
)";

constexpr std::string_view linux_env_files = R"([service]
name = "x"
command = "/usr/bin/x"
env_files = ["-/etc/x/env", 'C:\x\env', "/etc/x/more"]
[os.windows]
command = 'C:\x\x.exe'
)";

}  // namespace

TEST(OtherOsPaths, PosixLogDirectoryFallsBackToTheWindowsDefault) {
  const auto result = load(linux_logs, TargetOs::windows);
  ASSERT_TRUE(result.service) << testing::PrintToString(lines(result.diagnostics));
  EXPECT_EQ(result.service->logs.directory, "%ProgramData%\\x\\logs");
  const std::vector<std::string> expected{
      "service.toml:7:13: warning: 'logs.directory' = '/var/log/x' is a POSIX path, which Windows "
      "cannot use: the logs go to the Windows default '%ProgramData%\\x\\logs' instead (set "
      "logs.directory in [os.windows] to choose)"};
  EXPECT_EQ(lines(result.diagnostics), expected);
  EXPECT_EQ(lines(result.os_specific), expected);

  const auto on_linux = load(linux_logs, TargetOs::linux);
  ASSERT_TRUE(on_linux.service);
  EXPECT_EQ(on_linux.service->logs.directory, "/var/log/x");
  EXPECT_TRUE(on_linux.diagnostics.empty()) << testing::PrintToString(lines(on_linux.diagnostics));
}

TEST(OtherOsPaths, WindowsLogDirectoryFallsBackToTheLinuxAndMacosDefaults) {
  const std::string text =
      "[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\n[logs]\ndirectory = 'D:\\logs'\n";
  const auto on_linux = load(text, TargetOs::linux);
  ASSERT_TRUE(on_linux.service);
  EXPECT_EQ(on_linux.service->logs.directory, "/var/log/x");
  EXPECT_EQ(lines(on_linux.diagnostics),
            (std::vector<std::string>{
                "service.toml:5:13: warning: 'logs.directory' = 'D:\\logs' is a Windows path, "
                "which Linux cannot use: the logs go to the Linux default '/var/log/x' instead "
                "(set logs.directory in [os.linux] to choose)"}));
  EXPECT_EQ(load(text, TargetOs::macos).service->logs.directory, "/Library/Logs/x");
  const auto user = load(text + "[os.linux.service]\nscope = \"user\"\n", TargetOs::linux);
  ASSERT_TRUE(user.service);
  EXPECT_EQ(user.service->logs.directory, "~/.local/state/x/log");
}

TEST(OtherOsPaths, AnOverrideOfTheRightKindIsUsedWithoutWarning) {
  const std::string text = std::string(linux_logs) +
                           "[os.windows.logs]\ndirectory = 'D:\\x\\logs'\n"
                           "[os.windows.service]\nenv_files = ['C:\\x\\env']\n"
                           "working_directory = 'C:\\x'\n";
  const auto result = load(text + "[os.linux]\nenv_files = [\"/etc/x/env\"]\n", TargetOs::windows);
  ASSERT_TRUE(result.service);
  EXPECT_EQ(result.service->logs.directory, "D:\\x\\logs");
  EXPECT_EQ(result.service->env_files, std::vector<std::string>{"C:\\x\\env"});
  EXPECT_EQ(result.service->working_directory, "C:\\x");
  EXPECT_TRUE(result.diagnostics.empty()) << testing::PrintToString(lines(result.diagnostics));
}

TEST(OtherOsPaths, EnvFilesOfTheOtherKindAreDroppedAndTheRestKeepTheirPositions) {
  const auto on_windows = load(linux_env_files, TargetOs::windows);
  ASSERT_TRUE(on_windows.service);
  EXPECT_EQ(on_windows.service->env_files, std::vector<std::string>{"C:\\x\\env"});
  EXPECT_EQ(on_windows.service->position_of("service.env_files[0]").column, 29);
  EXPECT_EQ(lines(on_windows.diagnostics),
            (std::vector<std::string>{
                "service.toml:4:14: warning: 'service.env_files[0]' = '-/etc/x/env' is a POSIX "
                "path, which Windows cannot use: this env file is not read (required_env still "
                "names every variable that is then missing) (set env_files in [os.windows] to "
                "choose)",
                "service.toml:4:41: warning: 'service.env_files[2]' = '/etc/x/more' is a POSIX "
                "path, which Windows cannot use: this env file is not read (required_env still "
                "names every variable that is then missing) (set env_files in [os.windows] to "
                "choose)"}));

  const auto on_linux = load(linux_env_files, TargetOs::linux);
  ASSERT_TRUE(on_linux.service);
  EXPECT_EQ(on_linux.service->env_files, (std::vector<std::string>{"-/etc/x/env", "/etc/x/more"}));
  EXPECT_EQ(on_linux.service->position_of("service.env_files[1]").column, 41);
  EXPECT_EQ(on_linux.diagnostics.size(), 1U);
  EXPECT_FALSE(on_linux.service->positions.contains("service.env_files[2]"));
}

TEST(OtherOsPaths, WorkingDirectoryOfTheOtherKindIsNotSet) {
  const std::string text =
      "[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\nworking_directory = 'C:\\x'\n";
  const auto result = load(text, TargetOs::linux);
  ASSERT_TRUE(result.service);
  EXPECT_TRUE(result.service->working_directory.empty());
  EXPECT_EQ(lines(result.diagnostics),
            (std::vector<std::string>{
                "service.toml:4:21: warning: 'service.working_directory' = 'C:\\x' is a Windows "
                "path, which Linux cannot use: no working directory is set (the service "
                "manager's default) (set working_directory in [os.linux] to choose)"}));
}

TEST(OtherOsPaths, HomeRelativeWorkingDirectoryIsAcceptedOnPosixOnly) {
  const std::string text = R"([service]
name = "x"
command = "/usr/bin/x"
working_directory = "~/app"
[os.windows]
command = 'C:\x\x.exe'
)";
  for (auto os : {TargetOs::linux, TargetOs::macos}) {
    const auto result = load(text, os);
    ASSERT_TRUE(result.service) << testing::PrintToString(lines(result.diagnostics));
    EXPECT_EQ(result.service->working_directory, "~/app");
    EXPECT_TRUE(result.diagnostics.empty());
  }
  const auto on_windows = load(text, TargetOs::windows);
  ASSERT_TRUE(on_windows.service);
  EXPECT_TRUE(on_windows.service->working_directory.empty());
  EXPECT_EQ(lines(on_windows.diagnostics),
            (std::vector<std::string>{
                "service.toml:4:21: warning: 'service.working_directory' = '~/app' is a path in "
                "a home directory, which Windows cannot use: no working directory is set (the "
                "service manager's default) (set working_directory in [os.windows] to choose)"}));
}

TEST(OtherOsPaths, RelativePathsAreStillErrors) {
  const std::string base = "[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\n";
  const auto relative_dir = load(base + "working_directory = \"app\"\n", TargetOs::linux);
  EXPECT_FALSE(relative_dir.service);
  EXPECT_EQ(lines(relative_dir.diagnostics),
            (std::vector<std::string>{
                "service.toml:4:21: error: 'service.working_directory' must be an absolute path "
                "(or start with ~/ on Linux and macOS), got 'app'"}));
  EXPECT_FALSE(load(base + "env_files = [\"-etc/env\"]\n", TargetOs::windows).service);
  EXPECT_FALSE(load(base + "env_files = [\"~/env\"]\n", TargetOs::linux).service);
  EXPECT_FALSE(load(base + "[logs]\ndirectory = \"logs\"\n", TargetOs::windows).service);
  EXPECT_FALSE(load(base + "[logs]\ndirectory = \"~/logs\"\n", TargetOs::linux).service);
}

TEST(OtherOsPaths, InterpolatedPathsAreLeftToTheWatchdog) {
  const std::string text =
      "[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\n"
      "working_directory = \"${APP_DIR}/run\"\n";
  for (auto os : {TargetOs::linux, TargetOs::windows}) {
    const auto result = load(text, os);
    ASSERT_TRUE(result.service);
    EXPECT_EQ(result.service->working_directory, "${APP_DIR}/run");
  }
}

TEST(OtherOsPaths, CommandOfTheOtherKindOnlyWarnsAsBefore) {
  const auto result = load("[service]\nname = \"x\"\ncommand = 'C:\\x.exe'\n", TargetOs::linux);
  ASSERT_TRUE(result.service);
  EXPECT_EQ(result.service->command, "C:\\x.exe");
  ASSERT_EQ(result.os_specific.size(), 1U);
  EXPECT_EQ(result.os_specific[0].key, "service.command");
}
