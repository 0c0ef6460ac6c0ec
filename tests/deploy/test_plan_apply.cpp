// Deploy's decisions and side effects, end to end against the recording fake.
#include <gtest/gtest.h>

#include <sstream>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/deploy/text_tools.hpp"
#include "daemonize/launchd/install.hpp"
#include "daemonize/windows/install.hpp"
#include "systemd_deploy_fixture.hpp"

namespace daemonize::deploy {
namespace {

using testing::FakeSystemOps;

Service web_api() {
  Service service;
  service.name = "web-api";
  service.display_name = "web-api";
  service.command = "/usr/bin/python3";
  service.logs.directory = "/var/log/web-api";
  service.env_files = {"/etc/web-api/env", "-/etc/web-api/optional"};
  return service;
}

// A systemd deploy of web_api() with an env file and a daemonize binary to install.
struct DeployTest : testing::SystemdDeployFixture {
  void SetUp() override {
    service = web_api();
    binary = std::string(
        "\x7f"
        "ELF binary v1");
    ops.files["/etc/web-api/env"] = {"PORT=8080\n", 0600, {}};
  }
};

TEST_F(DeployTest, FirstDeployWritesEverythingAndStarts) {
  const auto planned = plan();
  ASSERT_TRUE(planned.errors.empty());
  ASSERT_EQ(planned.files.size(), 3U);
  for (const auto& file : planned.files) EXPECT_EQ(file.status, FileStatus::created);
  EXPECT_TRUE(planned.definitions_changed);
  EXPECT_TRUE(planned.log_directory_missing);

  const auto outcome = deploy();
  EXPECT_EQ(outcome.exit_code, 0) << err.str();
  EXPECT_EQ(systemctl_changes(),
            (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable web-api.service",
                                      "systemctl start web-api.service"}));
  EXPECT_EQ(ops.files.at("/usr/local/bin/daemonize").mode, 0755U);
  const auto& manifest = ops.files.at("/etc/daemonize/web-api.toml");
  EXPECT_EQ(manifest.mode, 0640U);
  EXPECT_EQ(manifest.owner.user, "root");
  EXPECT_EQ(ops.files.at("/etc/systemd/system/web-api.service").content, unit_text);
  // Every file is in place before the manager is told about it; the receipt comes last.
  EXPECT_EQ(ops.writes.back(), "/var/lib/daemonize/web-api.json");
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  ASSERT_TRUE(receipt) << error;
  ASSERT_EQ(receipt->files.size(), 2U);  // the shared binary is recorded apart, never removed
  EXPECT_EQ(receipt->daemonize_path, "/usr/local/bin/daemonize");
  // Keyed with the manifest (readable by root and the service only): never a plain hash of
  // the secrets, which anyone could guess against in the world-readable receipt.
  EXPECT_NE(receipt->env_files.at("/etc/web-api/env"), sha256_hex("PORT=8080\n"));
  EXPECT_EQ(receipt->env_files.at("/etc/web-api/env"),
            sha256_hex(sha256_hex(manifest_text) + "\nPORT=8080\n"));
  EXPECT_EQ(receipt->env_files.at("/etc/web-api/optional"), "");
  EXPECT_TRUE(ops.directories.count("/var/log/web-api"));
  EXPECT_EQ(ops.directory_modes.at("/var/log/web-api").mode, 0750U);
}

TEST_F(DeployTest, SecondDeployIsUpToDateAndRestartsNothing) {
  ASSERT_EQ(deploy().exit_code, 0);
  const auto pid = systemd.main_pid;
  ops.commands.clear();
  ops.writes.clear();
  const auto planned = plan();
  EXPECT_TRUE(planned.up_to_date());
  EXPECT_FALSE(planned.differs());
  out.str("");
  EXPECT_EQ(deploy().exit_code, 0);
  EXPECT_EQ(out.str(), "web-api: up to date\n");
  EXPECT_TRUE(systemctl_changes().empty());
  EXPECT_TRUE(ops.writes.empty());
  EXPECT_EQ(systemd.main_pid, pid);
}

TEST_F(DeployTest, AModeChangedByHandIsPutRightWithoutARestart) {
  ASSERT_EQ(deploy().exit_code, 0);
  const auto pid = systemd.main_pid;
  ops.files.at("/etc/daemonize/web-api.toml").mode = 0644;  // chmod 0644 by someone
  const auto planned = plan();
  EXPECT_FALSE(planned.up_to_date());
  EXPECT_FALSE(planned.restart);
  EXPECT_EQ(plan_diff(planned), "mode /etc/daemonize/web-api.toml: 0644 -> 0640\n");
  ops.writes.clear();
  EXPECT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(ops.writes, std::vector<std::string>(
                            {"/etc/daemonize/web-api.toml", "/var/lib/daemonize/web-api.json"}));
  EXPECT_EQ(ops.files.at("/etc/daemonize/web-api.toml").mode, 0640U);
  EXPECT_EQ(systemd.main_pid, pid) << "the program was not restarted";
  EXPECT_TRUE(plan().up_to_date());
}

TEST_F(DeployTest, AWorldReadableEnvFileIsAWarning) {
  EXPECT_TRUE(plan().warnings.empty());
  ops.files.at("/etc/web-api/env").mode = 0644;
  const auto warnings = plan().warnings;
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0],
            "env file /etc/web-api/env is readable by every user (mode 0644); its values are "
            "secrets: chmod o-r /etc/web-api/env");
}

TEST_F(DeployTest, AMissingEnvFileIsRefusedBeforeAnyChange) {
  ops.files.erase("/etc/web-api/env");  // "-/etc/web-api/optional" is missing too: allowed
  const auto outcome = deploy();
  EXPECT_EQ(outcome.exit_code, exit_code::config_error);
  EXPECT_NE(err.str().find("daemonize: env file /etc/web-api/env (service.env_files) does not "
                           "exist, and the service cannot start without it: create it, or mark "
                           "it optional (\"-/etc/web-api/env\")\n"),
            std::string::npos)
      << err.str();
  EXPECT_EQ(err.str().find("optional (\"-/etc/web-api/optional"), std::string::npos) << err.str();
  EXPECT_TRUE(ops.writes.empty());
  EXPECT_TRUE(systemctl_changes().empty());
}

// deploy reads each env file as whoever reads it at start: the user, for a user service (an
// error); for a system service an unprivileged deploy fails at its first write anyway (77), so
// there it stays a warning.
TEST_F(DeployTest, AnEnvFileDeployCannotReadIsAnErrorForAUserService) {
  ops.unreadable.insert("/etc/web-api/env");
  auto planned = plan();
  EXPECT_TRUE(planned.errors.empty());
  EXPECT_EQ(planned.warnings, std::vector<std::string>{"open /etc/web-api/env: Permission denied"});
  service.scope = Scope::user;
  planned = plan();
  EXPECT_EQ(planned.errors, std::vector<std::string>{"open /etc/web-api/env: Permission denied"});
}

TEST_F(DeployTest, ChangedEnvFileRestartsOnceWithoutWritingFiles) {
  ASSERT_EQ(deploy().exit_code, 0);
  ops.commands.clear();
  ops.writes.clear();
  ops.files["/etc/web-api/env"].content = "PORT=9090\n";
  const auto planned = plan();
  EXPECT_EQ(planned.changed_env_files, (std::vector<std::string>{"/etc/web-api/env"}));
  EXPECT_TRUE(planned.differs());
  EXPECT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(systemctl_changes(), (std::vector<std::string>{"systemctl restart web-api.service"}));
  EXPECT_EQ(ops.writes, (std::vector<std::string>{"/var/lib/daemonize/web-api.json"}));
  // Recorded: a third deploy is up to date again.
  EXPECT_TRUE(plan().up_to_date());
}

TEST_F(DeployTest, ChangedManifestRestartsWithoutDaemonReload) {
  ASSERT_EQ(deploy().exit_code, 0);
  ops.commands.clear();
  manifest_text += "description = \"x\"\n";
  const auto planned = plan();
  EXPECT_FALSE(planned.definitions_changed);
  const auto diff = plan_diff(planned);
  EXPECT_NE(diff.find("+description = \"x\""), std::string::npos) << diff;
  EXPECT_EQ(deploy().exit_code, 0);
  EXPECT_EQ(systemctl_changes(), (std::vector<std::string>{"systemctl restart web-api.service"}));
}

TEST_F(DeployTest, ChangedUnitReloadsDefinitionsThenRestarts) {
  ASSERT_EQ(deploy().exit_code, 0);
  ops.commands.clear();
  unit_text += "Environment=A=1\n";
  EXPECT_EQ(deploy().exit_code, 0);
  EXPECT_EQ(systemctl_changes(),
            (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable web-api.service",
                                      "systemctl restart web-api.service"}));
}

TEST_F(DeployTest, MissingUserStopsBeforeChangingAnything) {
  service.user = "payments";
  const auto planned = plan();
  ASSERT_EQ(planned.errors.size(), 1U);
  EXPECT_NE(planned.errors[0].find("create_user = true"), std::string::npos);
  EXPECT_EQ(deploy().exit_code, exit_code::config_error);
  EXPECT_TRUE(ops.writes.empty());
  EXPECT_TRUE(systemctl_changes().empty());
}

TEST_F(DeployTest, CreateUserMakesASystemAccountAndOwnsTheLogDirectory) {
  service.user = "payments";
  service.create_user = true;
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(ops.accounts_created, (std::vector<std::string>{"user payments"}));
  EXPECT_EQ(ops.directory_modes.at("/var/log/web-api").owner.user, "payments");
  // root:<service group> 0640: the user's own group, created with it.
  EXPECT_EQ(ops.files.at("/etc/daemonize/web-api.toml").owner, (FileOwner{"root", "payments"}));
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->users_created, (std::vector<std::string>{"payments"}));
  // A redeploy keeps what the first one created, for remove --purge.
  ops.files["/etc/web-api/env"].content = "PORT=1\n";
  ASSERT_EQ(deploy().exit_code, 0);
  const auto again =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  EXPECT_EQ(again->users_created, (std::vector<std::string>{"payments"}));
}

TEST_F(DeployTest, CreateUserJoinsTheNamedGroupCreatingItWhenMissing) {
  service.user = "payments";
  service.group = "shop";
  service.create_user = true;
  service.logs.stdout_stream.kind = LogStream::Kind::inherit;
  service.logs.stderr_stream.kind = LogStream::Kind::inherit;
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(ops.accounts_created, (std::vector<std::string>{"group shop", "user payments:shop"}));
  EXPECT_EQ(ops.files.at("/etc/daemonize/web-api.toml").owner, (FileOwner{"root", "shop"}));
  EXPECT_FALSE(ops.directories.count("/var/log/web-api"));  // no stream writes a file
}

TEST_F(DeployTest, FailedRestartRollsBackAndRestartsThePreviousVersion) {
  ASSERT_EQ(deploy().exit_code, 0);
  const auto old_unit = unit_text;
  ops.commands.clear();
  unit_text += "Environment=BROKEN=1\n";
  systemd.fail_next_starts = 1;
  const auto outcome = deploy();
  EXPECT_EQ(outcome.exit_code, exit_code::config_error);  // the watchdog's 78 comes through
  EXPECT_EQ(outcome.status, "rolled back");
  EXPECT_EQ(ops.files.at("/etc/systemd/system/web-api.service").content, old_unit);
  EXPECT_EQ(systemctl_changes(),
            (std::vector<std::string>{
                "systemctl daemon-reload", "systemctl enable web-api.service",
                "systemctl restart web-api.service",  // fails
                "systemctl daemon-reload", "systemctl enable web-api.service",
                "systemctl start web-api.service"}));  // the previous version, running again
  EXPECT_EQ(systemd.active_state, "active");
  EXPECT_NE(err.str().find("DATABASE_URL is not set"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("running again"), std::string::npos) << err.str();
  // The receipt still describes the previous install.
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  EXPECT_EQ(receipt->files[1].sha256, sha256_hex(old_unit));
}

TEST_F(DeployTest, FailedFirstInstallIsRemovedAgain) {
  systemd.fail_next_starts = 1;
  const auto outcome = deploy();
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_FALSE(ops.files.count("/etc/systemd/system/web-api.service"));
  EXPECT_FALSE(ops.files.count("/var/lib/daemonize/web-api.json"));
  EXPECT_NE(err.str().find("removed the failed first install"), std::string::npos);
}

TEST_F(DeployTest, WaitsWhileActivatingAndGivesUpAfterTheTimeout) {
  systemd.activating_polls = 2;
  int slept = 0;
  settings.sleep = [&](std::chrono::milliseconds) { ++slept; };
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(slept, 2);

  unit_text += "# never ready\n";
  systemd.activating_polls = 1000;
  settings.wait_timeout = std::chrono::seconds(2);
  settings.poll_interval = std::chrono::milliseconds(500);
  const auto outcome = deploy();
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(err.str().find("did not become active and ready within 2s"), std::string::npos)
      << err.str();
}

TEST_F(DeployTest, FailedWriteRestoresEarlierFiles) {
  ASSERT_EQ(deploy().exit_code, 0);
  manifest_text += "# changed\n";
  unit_text += "# changed\n";
  const auto old_manifest = ops.files.at("/etc/daemonize/web-api.toml").content;
  ops.fail_writes_to = "/etc/systemd/system/web-api.service";
  ops.commands.clear();
  const auto outcome = deploy();
  EXPECT_EQ(outcome.exit_code, exit_code::cannot_create);
  EXPECT_EQ(ops.files.at("/etc/daemonize/web-api.toml").content, old_manifest);
  EXPECT_TRUE(systemctl_changes().empty());
}

TEST_F(DeployTest, RootModeRunsNoManagerCommand) {
  settings.root_mode = true;
  auto planned = make_plan(input(), ops, nullptr, settings);
  EXPECT_EQ(apply_plan(planned, ops, nullptr, settings, out, err).exit_code, 0);
  EXPECT_TRUE(ops.commands.empty());
  EXPECT_TRUE(ops.files.count("/var/lib/daemonize/web-api.json"));
}

TEST_F(DeployTest, RemoveDeletesExactlyWhatTheReceiptLists) {
  service.user = "payments";
  service.create_user = true;
  ASSERT_EQ(deploy().exit_code, 0);
  ops.files["/etc/unrelated.conf"] = {"keep", 0644, {}};
  ops.commands.clear();
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  ASSERT_TRUE(receipt);

  // --dry-run changes nothing.
  ASSERT_EQ(remove_installed(*receipt, "/var/lib/daemonize/web-api.json", ops, installer.get(),
                             true, true, out, err)
                .exit_code,
            0);
  EXPECT_TRUE(ops.files.count("/etc/systemd/system/web-api.service"));
  EXPECT_TRUE(systemctl_changes().empty());

  ASSERT_EQ(remove_installed(*receipt, "/var/lib/daemonize/web-api.json", ops, installer.get(),
                             false, false, out, err)
                .exit_code,
            0);
  EXPECT_EQ(systemctl_changes(), (std::vector<std::string>{"systemctl stop web-api.service",
                                                           "systemctl disable web-api.service",
                                                           "systemctl daemon-reload"}));
  EXPECT_FALSE(ops.files.count("/etc/systemd/system/web-api.service"));
  EXPECT_FALSE(ops.files.count("/etc/daemonize/web-api.toml"));
  EXPECT_FALSE(ops.files.count("/var/lib/daemonize/web-api.json"));
  EXPECT_TRUE(ops.files.count("/usr/local/bin/daemonize"));  // shared by every service
  EXPECT_TRUE(ops.files.count("/etc/unrelated.conf"));
  EXPECT_TRUE(ops.directories.count("/var/log/web-api"));  // logs only with --purge
  EXPECT_TRUE(ops.accounts_deleted.empty());
}

TEST_F(DeployTest, PurgeAlsoDeletesLogsAndCreatedAccounts) {
  service.user = "payments";
  service.create_user = true;
  ASSERT_EQ(deploy().exit_code, 0);
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  ASSERT_EQ(remove_installed(*receipt, "/var/lib/daemonize/web-api.json", ops, installer.get(),
                             true, false, out, err)
                .exit_code,
            0);
  EXPECT_FALSE(ops.directories.count("/var/log/web-api"));
  EXPECT_EQ(ops.accounts_deleted.front(), "user payments");
}

TEST_F(DeployTest, UserScopeExpandsHomeAndKeepsOwnership) {
  service.scope = Scope::user;
  service.logs.directory = "~/.local/state/web-api/log";
  const auto layout = make_layout(service, *target, "/home/alice", "");
  EXPECT_EQ(layout.manifest_path, "/home/alice/.config/daemonize/web-api.toml");
  EXPECT_EQ(layout.daemonize_path, "/home/alice/.local/bin/daemonize");
  EXPECT_EQ(layout.receipt_path, "/home/alice/.local/state/daemonize/web-api.json");
  auto in = input();
  in.layout = layout;
  in.artifacts[0].install_path = "~/.config/systemd/user/web-api.service";
  auto user_installer = make_installer(*target, install_request(service, layout, 1000, "alice"));
  const auto planned = make_plan(in, ops, user_installer.get(), settings);
  EXPECT_EQ(planned.files.back().desired.path, "/home/alice/.config/systemd/user/web-api.service");
  for (const auto& file : planned.files) EXPECT_EQ(file.desired.owner, FileOwner{});
  EXPECT_EQ(planned.log_directory, "/home/alice/.local/state/web-api/log");
  ASSERT_FALSE(planned.warnings.empty());
  EXPECT_NE(planned.warnings[0].find("lingering"), std::string::npos);
  ASSERT_FALSE(planned.manager_steps.empty());
  EXPECT_EQ(shell_join(planned.manager_steps[0].argvs[0]), "systemctl --user daemon-reload");
}

// The targets that take part in --target auto, registered as the CLI registers them.
BackendRegistry host_targets() {
  BackendRegistry registry;
  registry.add(make_systemd_deployable_backend());
  registry.add(make_launchd_deployable_backend());
  registry.add(make_windows_service_deployable_backend());
  registry.add(make_windows_task_deployable_backend());
  return registry;
}

TEST(HostDetection, ExplainsItself) {
  const auto registry = host_targets();
  FakeSystemOps with_systemd;
  with_systemd.directories.insert("/run/systemd/system");
  const auto found = detect_host_target(registry, with_systemd, true);
  EXPECT_EQ(found.target, "systemd");
  EXPECT_NE(found.reasons.front().find("/run/systemd/system exists"), std::string::npos);

  FakeSystemOps without;
  const auto none = detect_host_target(registry, without, true);
  EXPECT_EQ(none.target, "");
  ASSERT_EQ(none.reasons.size(), 3U);
  EXPECT_NE(none.reasons[0].find("/run/systemd/system is missing"), std::string::npos);
  EXPECT_NE(none.reasons[1].find("not macOS"), std::string::npos);
  EXPECT_NE(none.reasons[2].find("not a Windows build"), std::string::npos);

  // --output-dir/--root need no running manager: the OS default.
  EXPECT_EQ(detect_host_target(registry, without, false).target, "systemd");
}

TEST_F(DeployTest, ReviewBundleHasEveryArtifactAndExactCommands) {
  service.user = "payments";
  service.create_user = true;
  FakeSystemOps bundle;
  const auto outcome = write_review_bundle(input(), "/tmp/out", bundle, out, err);
  ASSERT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(bundle.files.at("/tmp/out/web-api.service").content, unit_text);
  EXPECT_EQ(bundle.files.at("/tmp/out/web-api.toml").content, manifest_text);
  const auto& install = bundle.files.at("/tmp/out/INSTALL.md").content;
  for (const char* expected :
       {"useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "
        "--user-group payments",
        "install -d -m 0750 -o payments -g payments /var/log/web-api",
        "install -D -m 0640 -o root -g payments web-api.toml /etc/daemonize/web-api.toml",
        "install -D -m 0644 -o root -g root web-api.service /etc/systemd/system/web-api.service",
        "sudo systemctl daemon-reload", "sudo systemctl enable web-api.service",
        "sudo systemctl start web-api.service"}) {
    EXPECT_NE(install.find(expected), std::string::npos) << expected << "\n" << install;
  }
  EXPECT_TRUE(bundle.commands.empty());
  EXPECT_EQ(bundle.files.size(), 3U);
}

}  // namespace
}  // namespace daemonize::deploy

namespace daemonize::deploy {
namespace {

TEST(StatusView, AddsTheManagersViewAndFlagsAStaleWatchdog) {
  testing::FakeSystemOps ops;
  testing::FakeSystemd systemd;
  systemd.loaded = systemd.enabled = true;
  systemd.active_state = "active";
  systemd.sub_state = "running";
  systemd.main_pid = 77;
  systemd.attach(ops);
  std::ostringstream out;
  std::string json;
  BackendRegistry registry;
  registry.add(make_systemd_deployable_backend());
  EXPECT_FALSE(
      print_service_manager_view(registry, "web-api", "0.1.0", ops, "/root", 0, out, &json));
  EXPECT_EQ(out.str(), "");

  Receipt receipt;
  receipt.service = "web-api";
  receipt.target = "systemd";
  receipt.service_id = "web-api.service";
  receipt.daemonize_version = "0.2.0";
  ops.files["/var/lib/daemonize/web-api.json"] = {receipt_to_json(receipt), 0644, {}};
  const auto active =
      print_service_manager_view(registry, "web-api", "0.1.0", ops, "/root", 0, out, &json);
  ASSERT_TRUE(active);
  EXPECT_TRUE(*active);
  EXPECT_NE(out.str().find("systemd web-api.service: active (running), main pid 77, enabled"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("the running watchdog is version 0.1.0, the installed binary 0.2.0"),
            std::string::npos);
  EXPECT_NE(json.find("\"stale_watchdog\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"main_pid\":77"), std::string::npos) << json;
}

}  // namespace
}  // namespace daemonize::deploy
