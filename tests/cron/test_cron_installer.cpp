// The cron installer against a recording fake SystemOps: which crontab it writes, when it
// starts, restarts and stops the detached watchdog, and how it reads the pidfile lock.
#include <gtest/gtest.h>

#include "daemonize/cron/backend.hpp"
#include "daemonize/cron/install.hpp"
#include "fake_system_ops.hpp"

namespace daemonize::cron {
namespace {

using testing::FakeSystemOps;
using Argv = std::vector<std::string>;

constexpr const char* kPidfile = "/home/alice/.local/state/daemonize/worker.pid";

InstallerSpec cron_spec() {
  InstallerSpec spec;
  spec.name = "worker";
  spec.scope = Scope::user;
  spec.uid = 1000;
  spec.user_name = "alice";
  spec.home = "/home/alice";
  spec.daemonize_path = "/home/alice/.local/bin/daemonize";
  spec.manifest_path = "/home/alice/.config/daemonize/worker.toml";
  return spec;
}

std::string rendered_block() {
  Service service;
  service.name = "worker";
  service.scope = Scope::user;
  RenderOptions options;
  options.daemonize_path = "/home/alice/.local/bin/daemonize";
  options.installed_manifest_path = "/home/alice/.config/daemonize/worker.toml";
  return render_cron_block(service, options).artifacts.at(0).content;
}

// A host with a crontab (nullopt: "no crontab for alice") and a watchdog that holds its lock
// or not.
struct Host {
  FakeSystemOps ops;
  std::optional<std::string> crontab;
  bool watchdog_alive = false;

  Host() {
    ops.respond = [this](const Argv& argv) -> CommandResult {
      if (argv == Argv{"crontab", "-l"}) {
        if (!crontab) return {1, "no crontab for alice\n"};
        return {0, *crontab};
      }
      if (!argv.empty() && argv[0] == "flock") return {watchdog_alive ? 1 : 0, ""};
      return {};
    };
  }
  void with_pidfile(bool alive) {
    ops.files[kPidfile] = {"4242\n", 0644, {}};
    watchdog_alive = alive;
  }
};

Argv start_argv() {
  return {"env",
          "-i",
          "HOME=/home/alice",
          "PATH=/usr/bin:/bin",
          "SHELL=/bin/sh",
          "LOGNAME=alice",
          "/home/alice/.local/bin/daemonize",
          "run",
          "/home/alice/.config/daemonize/worker.toml",
          "--detach"};
}

Argv clear_argv() { return {"rm", "-f", "/home/alice/.local/state/daemonize/worker/final.json"}; }

Argv stop_argv() {
  return {"env",
          "-i",
          "HOME=/home/alice",
          "PATH=/usr/bin:/bin",
          "SHELL=/bin/sh",
          "LOGNAME=alice",
          "/home/alice/.local/bin/daemonize",
          "stop",
          "worker"};
}

// The crontab an install step writes ($1 of its sh -c script) and the one it expects ($2).
std::pair<std::string, std::string> written_crontab(const ManagerStep& step) {
  const auto& argv = step.argvs.at(0);
  EXPECT_EQ(argv.at(0), "sh");
  EXPECT_EQ(argv.at(1), "-c");
  return {argv.at(4), argv.at(5)};
}

TEST(CronInstaller, FirstDeployWithoutCrontabAddsTheBlockAndStarts) {
  Host host;
  auto installer = make_installer(cron_spec());
  ASSERT_TRUE(installer);
  EXPECT_EQ(installer->service_id(), "cron:worker");
  const auto steps = installer->activation_steps(host.ops, {});
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[0].description, "add the crontab block of worker (alice's crontab)");
  const auto [written, expected] = written_crontab(steps[0]);
  EXPECT_EQ(written, rendered_block());
  EXPECT_EQ(expected, "");
  EXPECT_EQ(steps[1].argvs, (std::vector<Argv>{clear_argv(), start_argv()}));
}

TEST(CronInstaller, OtherLinesAreKeptAndTheBlockIsAppendedOnce) {
  Host host;
  host.crontab = "MAILTO=ops@example.com\n0 3 * * * /usr/bin/backup\n";
  auto installer = make_installer(cron_spec());
  const auto steps = installer->activation_steps(host.ops, {});
  const auto [written, expected] = written_crontab(steps.at(0));
  EXPECT_EQ(written, *host.crontab + rendered_block());
  EXPECT_EQ(expected, *host.crontab);
}

TEST(CronInstaller, InstalledBlockAndLiveWatchdogNeedNothing) {
  Host host;
  host.crontab = "0 3 * * * /usr/bin/backup\n" + rendered_block();
  host.with_pidfile(true);
  auto installer = make_installer(cron_spec());
  EXPECT_TRUE(installer->activation_steps(host.ops, {}).empty());
}

TEST(CronInstaller, DiffShowsTheCrontabChangeOnlyWhenThereIsOne) {
  Host host;
  host.crontab = "0 3 * * * /usr/bin/backup\n";
  auto installer = make_installer(cron_spec());
  const auto diff = installer->managed_definition_diff(host.ops);
  EXPECT_NE(diff.find("--- crontab of alice's crontab (installed)"), std::string::npos) << diff;
  EXPECT_NE(diff.find(" 0 3 * * * /usr/bin/backup\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("\n+* * * * * '/home/alice/.local/bin/daemonize' run"), std::string::npos)
      << diff;
  host.crontab = *host.crontab + rendered_block();
  EXPECT_EQ(installer->managed_definition_diff(host.ops), "");
}

TEST(CronInstaller, ChangedBlockIsUpdatedInPlaceAndRestartStopsThenStarts) {
  Host host;
  const std::string old_block = cron::begin_marker("worker") + "\n@reboot /old/daemonize run x\n" +
                                cron::end_marker("worker") + "\n";
  host.crontab = "A=1\n" + old_block + "15 * * * * /usr/bin/other\n";
  host.with_pidfile(true);
  auto installer = make_installer(cron_spec());
  Activation activation;
  activation.restart = true;
  const auto steps = installer->activation_steps(host.ops, activation);
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[0].description, "update the crontab block of worker (alice's crontab)");
  EXPECT_EQ(written_crontab(steps[0]).first,
            "A=1\n" + rendered_block() + "15 * * * * /usr/bin/other\n");
  EXPECT_EQ(steps[1].argvs, (std::vector<Argv>{stop_argv(), clear_argv(), start_argv()}));
}

TEST(CronInstaller, NoStartInstallsTheBlockOnly) {
  Host host;
  auto installer = make_installer(cron_spec());
  Activation activation;
  activation.start = false;
  const auto steps = installer->activation_steps(host.ops, activation);
  ASSERT_EQ(steps.size(), 1U);
  EXPECT_EQ(written_crontab(steps[0]).first, rendered_block());
}

TEST(CronInstaller, UnreadableCrontabIsAFailingStepNotAnOverwrite) {
  Host host;
  host.ops.respond = [](const Argv& argv) -> CommandResult {
    if (argv == Argv{"crontab", "-l"}) return {1, "crontab: your UID isn't in the passwd file.\n"};
    return {};
  };
  auto installer = make_installer(cron_spec());
  const auto steps = installer->activation_steps(host.ops, {});
  ASSERT_EQ(steps.size(), 1U);
  const auto& argv = steps[0].argvs.at(0);
  EXPECT_EQ(argv.at(0), "sh");
  EXPECT_NE(argv.back().find("passwd file"), std::string::npos);
  EXPECT_EQ(argv.at(2).find("crontab"), std::string::npos) << "the script writes nothing";
}

TEST(CronInstaller, RemovalTakesOutTheBlockFirstThenStops) {
  Host host;
  host.crontab = "A=1\n" + rendered_block() + "15 * * * * /usr/bin/other\n";
  host.with_pidfile(true);
  auto installer = make_installer(cron_spec());
  const auto steps = installer->deactivation_steps(host.ops);
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(written_crontab(steps[0]).first, "A=1\n15 * * * * /usr/bin/other\n");
  EXPECT_EQ(steps[1].argvs, std::vector<Argv>{stop_argv()});
  EXPECT_TRUE(installer->after_removal_steps().empty());
}

TEST(CronInstaller, RemovalOfTheOnlyBlockWritesAnEmptyCrontab) {
  Host host;
  host.crontab = rendered_block();
  auto installer = make_installer(cron_spec());
  const auto steps = installer->deactivation_steps(host.ops);
  ASSERT_EQ(steps.size(), 1U) << "no live watchdog: nothing to stop";
  EXPECT_EQ(written_crontab(steps[0]).first, "");
}

TEST(CronInstaller, StatusAsksTheLockNotThePid) {
  Host host;
  auto installer = make_installer(cron_spec());
  auto status = installer->status(host.ops);
  EXPECT_FALSE(status.active);
  EXPECT_FALSE(status.known);

  host.crontab = rendered_block();
  host.with_pidfile(true);
  status = installer->status(host.ops);
  EXPECT_TRUE(status.active);
  EXPECT_TRUE(status.enabled);
  EXPECT_EQ(status.main_pid, 4242);
  EXPECT_EQ(host.ops.commands.back(), (Argv{"flock", "--nonblock", "--shared", kPidfile, "true"}));

  host.watchdog_alive = false;  // the pid in the file means nothing once the lock is free
  host.ops.files["/home/alice/.local/state/daemonize/worker/state.json"] = {
      R"({"state":"gave_up","exit_code":78})", 0644, {}};
  status = installer->status(host.ops);
  EXPECT_FALSE(status.active);
  EXPECT_TRUE(status.failed);
  EXPECT_EQ(status.last_exit_status, 78);
}

TEST(CronInstaller, RootUsesTheSystemPidfile) {
  Host host;
  auto spec = cron_spec();
  spec.uid = 0;
  host.ops.files["/var/lib/daemonize/worker.pid"] = {"7\n", 0644, {}};
  host.watchdog_alive = true;
  EXPECT_EQ(make_installer(spec)->status(host.ops).main_pid, 7);
}

TEST(CronInstaller, ControlNeverAsksDaemonizeToStopWhatIsNotRunning) {
  Host host;
  auto installer = make_installer(cron_spec());
  EXPECT_TRUE(installer->control_step(host.ops, ControlAction::stop).argvs.empty());
  EXPECT_EQ(installer->control_step(host.ops, ControlAction::start).argvs,
            (std::vector<Argv>{clear_argv(), start_argv()}));
  EXPECT_EQ(installer->control_step(host.ops, ControlAction::restart).argvs,
            (std::vector<Argv>{clear_argv(), start_argv()}));
  host.with_pidfile(true);
  EXPECT_EQ(installer->control_step(host.ops, ControlAction::restart).argvs,
            (std::vector<Argv>{stop_argv(), clear_argv(), start_argv()}));
}

TEST(CronInstaller, RecentLogIsTheWatchdogLogTail) {
  Host host;
  host.ops.files["/home/alice/.local/state/daemonize/worker.log"] = {"a\nb\nc\n", 0644, {}};
  auto installer = make_installer(cron_spec());
  EXPECT_EQ(installer->recent_log(host.ops, 2), "b\nc\n");
  EXPECT_EQ(installer->recent_log(host.ops, 10), "a\nb\nc\n");
}

TEST(CronInstaller, WarnsWithoutACronDaemon) {
  Host host;
  auto installer = make_installer(cron_spec());
  EXPECT_EQ(installer->host_warnings(host.ops).size(), 1U);
  host.ops.files["/run/crond.pid"] = {"1\n", 0644, {}};
  EXPECT_TRUE(installer->host_warnings(host.ops).empty());
}

TEST(CronInstaller, TheRegisteredBackendInstallsCron) {
  const auto backend = make_cron_deployable_backend();
  ASSERT_NE(backend->install_target(), nullptr);
  Service service;
  service.name = "worker";
  service.scope = Scope::user;
  InstallRequest request;
  request.service = &service;
  request.daemonize_path = "/home/alice/.local/bin/daemonize";
  request.manifest_path = "/home/alice/.config/daemonize/worker.toml";
  request.user = {1000, "alice", "/home/alice"};
  EXPECT_TRUE(backend->install_target()->installer(request));
}

}  // namespace
}  // namespace daemonize::cron
