#include <gtest/gtest.h>

#include <cstdlib>

#include "daemonize/core/installer.hpp"
#include "daemonize/launchd/install.hpp"
#include "daemonize/systemd/install.hpp"
#include "fake_system_ops.hpp"
#include "fake_systemd.hpp"

namespace daemonize::deploy {
namespace {

using testing::FakeSystemd;
using testing::FakeSystemOps;

std::vector<std::string> descriptions(const std::vector<ManagerStep>& steps) {
  std::vector<std::string> lines;
  for (const auto& step : steps) {
    for (const auto& argv : step.argvs) lines.push_back(shell_join(argv));
  }
  return lines;
}

systemd::InstallerSpec systemd_spec(Scope scope = Scope::system) {
  systemd::InstallerSpec spec;
  spec.name = "web-api";
  spec.scope = scope;
  spec.service_id = "web-api.service";
  spec.user_name = "alice";
  return spec;
}

TEST(SystemdInstaller, FreshInstallReloadsEnablesAndStarts) {
  FakeSystemOps ops;
  FakeSystemd systemd;
  systemd.attach(ops);
  auto installer = systemd::make_installer(systemd_spec());
  Activation activation;
  activation.definitions_changed = true;
  activation.restart = true;
  EXPECT_EQ(descriptions(installer->activation_steps(ops, activation)),
            (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable web-api.service",
                                      "systemctl start web-api.service"}));
}

TEST(SystemdInstaller, RunningServiceIsRestartedOnlyWhenAsked) {
  FakeSystemOps ops;
  FakeSystemd systemd;
  systemd.loaded = systemd.enabled = true;
  systemd.active_state = "active";
  systemd.attach(ops);
  auto installer = systemd::make_installer(systemd_spec());
  Activation activation;
  EXPECT_TRUE(installer->activation_steps(ops, activation).empty());
  activation.restart = true;
  EXPECT_EQ(descriptions(installer->activation_steps(ops, activation)),
            (std::vector<std::string>{"systemctl restart web-api.service"}));
  activation.wait = false;
  EXPECT_EQ(descriptions(installer->activation_steps(ops, activation)),
            (std::vector<std::string>{"systemctl --no-block restart web-api.service"}));
  activation.start = false;
  EXPECT_TRUE(installer->activation_steps(ops, activation).empty());
}

TEST(SystemdInstaller, UserScopeUsesUserManagerAndWarnsWithoutLingering) {
  FakeSystemOps ops;
  FakeSystemd systemd;
  systemd.attach(ops);
  auto installer = systemd::make_installer(systemd_spec(Scope::user));
  Activation activation;
  activation.definitions_changed = true;
  const auto lines = descriptions(installer->activation_steps(ops, activation));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "systemctl --user daemon-reload");
  const auto warnings = installer->host_warnings(ops);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].find("loginctl enable-linger alice"), std::string::npos);
  ops.files["/var/lib/systemd/linger/alice"] = {};
  EXPECT_TRUE(installer->host_warnings(ops).empty());
  EXPECT_NE(shell_join(ops.commands.back()).find("--user"), std::string::npos);
}

TEST(SystemdInstaller, StatusParsesSystemctlShow) {
  FakeSystemOps ops;
  ops.respond = [](const std::vector<std::string>& argv) -> CommandResult {
    EXPECT_EQ(shell_join(argv),
              "systemctl show -p "
              "LoadState,ActiveState,SubState,MainPID,NRestarts,ExecMainStatus,UnitFileState,"
              "Result web-api.service");
    return {0,
            "LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nNRestarts=3\n"
            "ExecMainStatus=0\nUnitFileState=enabled\nResult=success\n"};
  };
  const auto status = systemd::make_installer(systemd_spec())->status(ops);
  EXPECT_TRUE(status.known);
  EXPECT_TRUE(status.active);
  EXPECT_TRUE(status.enabled);
  EXPECT_EQ(status.main_pid, 4242);
  EXPECT_EQ(status.restarts, 3);
  EXPECT_EQ(status.state, "active (running)");
  EXPECT_EQ(status.result, "success");
}

TEST(SystemdInstaller, RemovalStopsDisablesThenReloads) {
  FakeSystemOps ops;
  FakeSystemd systemd;
  systemd.loaded = systemd.enabled = true;
  systemd.active_state = "active";
  systemd.attach(ops);
  auto installer = systemd::make_installer(systemd_spec());
  EXPECT_EQ(descriptions(installer->deactivation_steps(ops)),
            (std::vector<std::string>{"systemctl stop web-api.service",
                                      "systemctl disable web-api.service"}));
  EXPECT_EQ(descriptions(installer->after_removal_steps()),
            (std::vector<std::string>{"systemctl daemon-reload"}));
  EXPECT_EQ(descriptions({installer->control_step(ops, ControlAction::reload)}),
            (std::vector<std::string>{"systemctl reload web-api.service"}));
}

// `daemonize start` clears a give-up on every target: under systemd a unit that hit its start
// limit refuses a plain start, so the failed state is reset first.
TEST(SystemdInstaller, StartAndRestartResetAFailedUnitFirst) {
  FakeSystemOps ops;
  auto installer = systemd::make_installer(systemd_spec());
  for (const auto action : {ControlAction::start, ControlAction::restart}) {
    const auto step = installer->control_step(ops, action);
    const std::string verb = action == ControlAction::start ? "start" : "restart";
    EXPECT_EQ(step.argvs, (std::vector<std::vector<std::string>>{
                              {"systemctl", "reset-failed", "web-api.service"},
                              {"systemctl", verb, "web-api.service"}}));
  }
}

// ---- launchd ---------------------------------------------------------------------------------

launchd::InstallerSpec launchd_spec(Scope scope = Scope::system) {
  launchd::InstallerSpec spec;
  spec.name = "web-api";
  spec.scope = scope;
  spec.service_id = "org.daemonize.web-api";
  spec.definition_path = "/Library/LaunchDaemons/org.daemonize.web-api.plist";
  spec.uid = 501;
  return spec;
}

// `launchctl print` answers: not loaded, loaded (state), as scripted.
struct FakeLaunchd {
  bool loaded = false;
  std::string state = "running";
  void attach(FakeSystemOps& ops) {
    ops.respond = [this](const std::vector<std::string>& argv) -> CommandResult {
      if (argv.size() >= 2 && argv[1] == "print") {
        if (!loaded) return {113, "Could not find service in domain for port\n"};
        return {0, argv[2] + " = {\n\tactive count = 1\n\tstate = " + state +
                       "\n\tpid = 321\n\truns = 3\n\tlast exit code = 0\n\tendpoints = "
                       "{\n\t\tstate = x\n\t}\n}\n"};
      }
      return {0, ""};
    };
  }
};

TEST(LaunchdInstaller, FreshInstallBootstrapsEnablesAndKickstarts) {
  FakeSystemOps ops;
  FakeLaunchd launchd;
  launchd.attach(ops);
  auto installer = launchd::make_installer(launchd_spec());
  Activation activation;
  activation.definitions_changed = true;
  EXPECT_EQ(descriptions(installer->activation_steps(ops, activation)),
            (std::vector<std::string>{
                "launchctl bootstrap system /Library/LaunchDaemons/org.daemonize.web-api.plist",
                "launchctl enable system/org.daemonize.web-api",
                "launchctl kickstart system/org.daemonize.web-api"}));
  EXPECT_EQ(installer->service_id(), "system/org.daemonize.web-api");
}

TEST(LaunchdInstaller, ChangedPlistIsBootedOutFirstWhenLoaded) {
  FakeSystemOps ops;
  FakeLaunchd launchd;
  launchd.loaded = true;
  launchd.attach(ops);
  auto installer = launchd::make_installer(launchd_spec());
  Activation activation;
  activation.definitions_changed = true;
  activation.restart = true;
  const auto lines = descriptions(installer->activation_steps(ops, activation));
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[0], "launchctl bootout system/org.daemonize.web-api");
  EXPECT_EQ(lines[1],
            "launchctl bootstrap system /Library/LaunchDaemons/org.daemonize.web-api.plist");
}

TEST(LaunchdInstaller, UnchangedPlistRestartsWithKickstartK) {
  FakeSystemOps ops;
  FakeLaunchd launchd;
  launchd.loaded = true;
  launchd.attach(ops);
  auto installer = launchd::make_installer(launchd_spec());
  Activation activation;
  activation.restart = true;
  EXPECT_EQ(descriptions(installer->activation_steps(ops, activation)),
            (std::vector<std::string>{"launchctl enable system/org.daemonize.web-api",
                                      "launchctl kickstart -k system/org.daemonize.web-api"}));
}

TEST(LaunchdInstaller, UserScopeUsesTheGuiDomain) {
  FakeSystemOps ops;
  FakeLaunchd launchd;
  launchd.attach(ops);
  auto spec = launchd_spec(Scope::user);
  spec.definition_path = "/Users/a/Library/LaunchAgents/org.daemonize.web-api.plist";
  auto installer = launchd::make_installer(spec);
  Activation activation;
  activation.definitions_changed = true;
  EXPECT_EQ(
      descriptions(installer->activation_steps(ops, activation)).front(),
      "launchctl bootstrap gui/501 /Users/a/Library/LaunchAgents/org.daemonize.web-api.plist");
}

TEST(LaunchdInstaller, StatusAndControlUseModernVerbs) {
  FakeSystemOps ops;
  FakeLaunchd launchd;
  launchd.loaded = true;
  launchd.attach(ops);
  auto installer = launchd::make_installer(launchd_spec());
  const auto status = installer->status(ops);
  EXPECT_TRUE(status.active);
  EXPECT_EQ(status.main_pid, 321);
  EXPECT_EQ(status.restarts, 2);
  EXPECT_EQ(status.state, "running");
  EXPECT_EQ(descriptions({installer->control_step(ops, ControlAction::stop)}),
            (std::vector<std::string>{"launchctl bootout system/org.daemonize.web-api"}));
  EXPECT_EQ(descriptions({installer->control_step(ops, ControlAction::restart)}),
            (std::vector<std::string>{"launchctl kickstart -k system/org.daemonize.web-api"}));
  EXPECT_EQ(descriptions({installer->control_step(ops, ControlAction::reload)}),
            (std::vector<std::string>{"launchctl kill SIGHUP system/org.daemonize.web-api"}));
  EXPECT_EQ(descriptions(installer->deactivation_steps(ops)),
            (std::vector<std::string>{"launchctl bootout system/org.daemonize.web-api",
                                      "launchctl disable system/org.daemonize.web-api"}));
  launchd.loaded = false;
  EXPECT_EQ(descriptions({installer->control_step(ops, ControlAction::start)}),
            (std::vector<std::string>{
                "launchctl bootstrap system /Library/LaunchDaemons/org.daemonize.web-api.plist",
                "launchctl kickstart system/org.daemonize.web-api"}));
}

}  // namespace
}  // namespace daemonize::deploy

namespace daemonize {
namespace {

// %LOCALAPPDATA% becomes this user's folder on Windows; written elsewhere for a Windows user (a
// POSIX home, no LOCALAPPDATA) it stays for that machine to expand.
TEST(ExpandHome, LocalAppDataOnlyWhereItMeansSomething) {
  ::unsetenv("LOCALAPPDATA");
  EXPECT_EQ(expand_home("%LOCALAPPDATA%\\daemonize\\web.toml", "/home/alice"),
            "%LOCALAPPDATA%\\daemonize\\web.toml");
  EXPECT_EQ(expand_home("%LOCALAPPDATA%\\daemonize\\web.toml", "C:\\Users\\alice"),
            "C:\\Users\\alice\\AppData\\Local\\daemonize\\web.toml");
  ::setenv("LOCALAPPDATA", "D:\\Profiles\\alice\\Local", 1);
  EXPECT_EQ(expand_home("%LOCALAPPDATA%\\daemonize\\web.toml", "/home/alice"),
            "D:\\Profiles\\alice\\Local\\daemonize\\web.toml");
  ::unsetenv("LOCALAPPDATA");
  EXPECT_EQ(expand_home("~/.config/daemonize/web.toml", "/home/alice"),
            "/home/alice/.config/daemonize/web.toml");
}

}  // namespace
}  // namespace daemonize
