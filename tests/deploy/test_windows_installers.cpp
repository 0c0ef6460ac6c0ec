// The Windows installers' decisions on every host: windows-service against a fake SCM (what is
// created, reconfigured, started, restarted, stopped and deleted, and how failures read),
// windows-task against the recording SystemOps (the schtasks.exe commands).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/windows/install.hpp"
#include "daemonize/windows/service_api.hpp"
#include "fake_system_ops.hpp"

namespace daemonize::windows {
namespace {

using testing::FakeSystemOps;

// An SCM in memory: services with a registration and a state; every call recorded.
struct FakeScm {
  struct Entry {
    ServiceRegistration registration;
    ScmServiceStatus status{"STOPPED", 0, 0, 0};
  };
  std::map<std::string, Entry> services;
  std::vector<std::string> calls;
  std::string deny;             // this API throws "Access is denied."
  int polls_until_stopped = 0;  // query_status answers STOP_PENDING this many times
  bool stop_never_finishes = false;
  bool keeps_failure_actions = true;
};

class FakeScmApi final : public WindowsServiceApi {
 public:
  explicit FakeScmApi(FakeScm& scm) : scm_(scm) {}

  std::optional<ScmServiceStatus> query_status(const std::string& name) override {
    check("QueryServiceStatusEx", name);
    const auto found = scm_.services.find(name);
    if (found == scm_.services.end()) return std::nullopt;
    auto& status = found->second.status;
    if (status.state == "STOP_PENDING" && !scm_.stop_never_finishes &&
        scm_.polls_until_stopped-- <= 0) {
      status = {"STOPPED", 0, 0, 0};
    }
    return status;
  }
  std::optional<ServiceRegistration> query_registration(const std::string& name) override {
    check("QueryServiceConfigW", name);
    const auto found = scm_.services.find(name);
    if (found == scm_.services.end()) return std::nullopt;
    auto registration = found->second.registration;
    registration.account.needs_password = false;  // never read back
    return registration;
  }
  void create(const ServiceRegistration& registration, const std::string& password) override {
    check("CreateServiceW", registration.name);
    if (!password.empty()) scm_.calls.back() += " with password";
    scm_.services[registration.name].registration = registration;
  }
  void reconfigure(const ServiceRegistration& registration, const std::string& /*pw*/) override {
    check("ChangeServiceConfigW", registration.name);
    scm_.services.at(registration.name).registration = registration;
  }
  void start(const std::string& name) override {
    check("StartServiceW", name);
    scm_.services.at(name).status = {"RUNNING", 4242, 0, 0};
  }
  void stop(const std::string& name) override {
    check("ControlService", name);
    auto& status = scm_.services.at(name).status;
    if (status.state != "STOPPED") status = {"STOP_PENDING", status.pid, 0, 0};
  }
  void send_control(const std::string& name, unsigned long code) override {
    check("ControlService", name + " " + std::to_string(code));
    if (scm_.services.at(name).status.state != "RUNNING") {
      throw SystemError("ControlService(" + std::to_string(code) + ") " + name +
                        ": The service has not been started.");
    }
  }
  void remove(const std::string& name) override {
    check("DeleteService", name);
    scm_.services.erase(name);
  }
  bool keeps_failure_actions() const override { return scm_.keeps_failure_actions; }
  void grant_access(const std::string& path, const std::string& account, bool write) override {
    check("SetNamedSecurityInfoW", path + " " + account + (write ? " write" : " read"));
  }

 private:
  void check(const std::string& api, const std::string& what) {
    scm_.calls.push_back(api + " " + what);
    if (api == scm_.deny) {
      throw SystemError(api + " " + what + ": Access is denied.",
                        SystemError::Kind::permission_denied);
    }
  }
  FakeScm& scm_;
};

ServiceRegistration web_registration(std::string account = "LocalSystem") {
  ServiceRegistration registration;
  registration.name = "web";
  registration.display_name = "Web";
  registration.description = "serves";
  registration.image_path =
      R"("C:\Program Files\daemonize\daemonize.exe" run --service "C:\ProgramData\daemonize\web.toml")";
  registration.account = windows::service_account(account);
  registration.failure_reset_period = std::chrono::seconds(300);
  registration.restart_delays = {std::chrono::milliseconds(500), std::chrono::milliseconds(1000)};
  registration.preshutdown_timeout = std::chrono::milliseconds(40'000);
  return registration;
}

struct Harness {
  FakeScm scm;
  FakeSystemOps ops;
  std::vector<std::chrono::milliseconds> sleeps;
  std::unique_ptr<Installer> installer;

  explicit Harness(std::optional<ServiceRegistration> registration = web_registration(),
                   std::vector<std::string> env_files = {}) {
    ServiceInstallerSpec spec;
    spec.name = "web";
    spec.manifest_path = R"(C:\ProgramData\daemonize\web.toml)";
    spec.log_directory = R"(%ProgramData%\web\logs)";
    spec.env_files = std::move(env_files);
    spec.registration = std::move(registration);
    installer = make_service_installer(
        spec, std::make_unique<FakeScmApi>(scm),
        [this](std::chrono::milliseconds duration) { sleeps.push_back(duration); });
  }
  std::vector<std::string> run(const std::vector<ManagerStep>& steps) {
    std::vector<std::string> failures;
    for (const auto& step : steps) {
      EXPECT_TRUE(step.argvs.empty()) << step.description;
      const auto result = run_step(ops, step);
      if (!result.ok()) {  // apply stops at the first failed step
        failures.push_back(std::to_string(result.exit_status) + " " + result.output);
        break;
      }
    }
    return failures;
  }
  std::vector<std::string> descriptions(const std::vector<ManagerStep>& steps) {
    std::vector<std::string> names;
    for (const auto& step : steps) names.push_back(step.description);
    return names;
  }
};

Activation fresh_activation() {
  Activation activation;
  activation.definitions_changed = true;
  activation.restart = true;
  return activation;
}

TEST(WindowsServiceInstaller, FreshInstallCreatesThenStartsThroughTheApi) {
  Harness harness;
  const auto steps = harness.installer->activation_steps(harness.ops, fresh_activation());
  EXPECT_EQ(harness.descriptions(steps),
            (std::vector<std::string>{"create service web (CreateServiceW, ChangeServiceConfig2W)",
                                      "start service web (StartServiceW)"}));
  harness.scm.calls.clear();
  EXPECT_TRUE(harness.run(steps).empty());
  EXPECT_EQ(harness.scm.calls,
            (std::vector<std::string>{"CreateServiceW web", "StartServiceW web"}));
  EXPECT_EQ(harness.scm.services.at("web").registration, web_registration());
  EXPECT_TRUE(harness.ops.commands.empty()) << "no sc.exe, no shell";
  const auto status = harness.installer->status(harness.ops);
  EXPECT_TRUE(status.known && status.active && status.enabled);
  EXPECT_EQ(status.main_pid, 4242);
}

TEST(WindowsServiceInstaller, UnchangedRunningServiceNeedsNoStep) {
  Harness harness;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  Activation nothing_changed;
  EXPECT_TRUE(harness.installer->activation_steps(harness.ops, nothing_changed).empty());
}

TEST(WindowsServiceInstaller, ChangedImagePathReconfiguresAndRestarts) {
  Harness harness;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  harness.scm.services.at("web").registration.image_path = R"("C:\old\daemonize.exe" run)";
  harness.scm.polls_until_stopped = 3;
  Activation files_unchanged;
  const auto steps = harness.installer->activation_steps(harness.ops, files_unchanged);
  EXPECT_EQ(harness.descriptions(steps),
            (std::vector<std::string>{
                "reconfigure service web (image path; ChangeServiceConfigW, ChangeServiceConfig2W)",
                "restart service web (stop, wait for STOPPED, StartServiceW)"}));
  EXPECT_TRUE(harness.run(steps).empty());
  EXPECT_EQ(harness.scm.services.at("web").registration, web_registration());
  EXPECT_EQ(harness.sleeps.size(), 3U) << "polled until STOPPED";
  EXPECT_EQ(harness.scm.services.at("web").status.state, "RUNNING");
}

TEST(WindowsServiceInstaller, ChangedDescriptionReconfiguresWithoutRestart) {
  Harness harness;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  harness.scm.services.at("web").registration.description = "old words";
  const auto steps = harness.installer->activation_steps(harness.ops, Activation{});
  EXPECT_EQ(harness.descriptions(steps),
            (std::vector<std::string>{"reconfigure service web (description; ChangeServiceConfigW, "
                                      "ChangeServiceConfig2W)"}));
}

TEST(WindowsServiceInstaller, FailureActionsAreComparedOnlyWhereTheScmKeepsThem) {
  Harness harness;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  harness.scm.services.at("web").registration.restart_delays.clear();  // what Wine reads back
  harness.scm.services.at("web").registration.failure_reset_period = {};
  EXPECT_EQ(harness.descriptions(harness.installer->activation_steps(harness.ops, Activation{})),
            (std::vector<std::string>{"reconfigure service web (failure actions; "
                                      "ChangeServiceConfigW, ChangeServiceConfig2W)"}));
  harness.scm.keeps_failure_actions = false;
  EXPECT_TRUE(harness.installer->activation_steps(harness.ops, Activation{}).empty());
}

TEST(WindowsServiceInstaller, DiffListsTheRegistrationSettingsThatChange) {
  Harness harness;
  const auto before = harness.installer->managed_definition_diff(harness.ops);
  EXPECT_NE(before.find("+ObjectName: LocalSystem\n"), std::string::npos) << before;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  EXPECT_EQ(harness.installer->managed_definition_diff(harness.ops), "");
  harness.scm.services.at("web").registration.description = "old words";
  const auto changed = harness.installer->managed_definition_diff(harness.ops);
  EXPECT_NE(changed.find("-Description: old words\n+Description: serves\n"), std::string::npos)
      << changed;
}

TEST(WindowsServiceInstaller, NoStartOnlyRegisters) {
  Harness harness;
  Activation activation = fresh_activation();
  activation.start = false;
  const auto steps = harness.installer->activation_steps(harness.ops, activation);
  ASSERT_EQ(steps.size(), 1U);
  EXPECT_TRUE(harness.run(steps).empty());
  EXPECT_EQ(harness.scm.services.at("web").status.state, "STOPPED");
}

TEST(WindowsServiceInstaller, VirtualAccountIsGrantedTheManifestAndTheLogDirectory) {
  Harness harness(web_registration("NT SERVICE\\web"));
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  EXPECT_EQ(harness.scm.calls,
            (std::vector<std::string>{
                "QueryServiceStatusEx web", "CreateServiceW web",
                R"(SetNamedSecurityInfoW C:\ProgramData\daemonize\web.toml NT SERVICE\web read)",
                R"(SetNamedSecurityInfoW %ProgramData%\web\logs NT SERVICE\web write)",
                "StartServiceW web"}));
}

// The watchdog reads env files as the service account: each existing one is granted read
// access like the manifest (an optional file only when it exists), on install and whenever a
// changed manifest or env file restarts the service.
TEST(WindowsServiceInstaller, VirtualAccountIsGrantedItsEnvFiles) {
  Harness harness(
      web_registration("NT SERVICE\\web"),
      {R"(C:\secrets\web.env)", R"(-C:\secrets\absent.env)", R"(-C:\secrets\local.env)"});
  harness.ops.files[R"(C:\secrets\web.env)"] = {"TOKEN=x\n", 0, {}};
  harness.ops.files[R"(C:\secrets\local.env)"] = {"DEBUG=1\n", 0, {}};
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  EXPECT_EQ(harness.scm.calls,
            (std::vector<std::string>{
                "QueryServiceStatusEx web", "CreateServiceW web",
                R"(SetNamedSecurityInfoW C:\ProgramData\daemonize\web.toml NT SERVICE\web read)",
                R"(SetNamedSecurityInfoW %ProgramData%\web\logs NT SERVICE\web write)",
                R"(SetNamedSecurityInfoW C:\secrets\web.env NT SERVICE\web read)",
                R"(SetNamedSecurityInfoW C:\secrets\local.env NT SERVICE\web read)",
                "StartServiceW web"}));

  // Registration unchanged, manifest or env file changed: grant again, then restart.
  harness.scm.calls.clear();
  Activation files_changed;
  files_changed.restart = true;
  const auto steps = harness.installer->activation_steps(harness.ops, files_changed);
  EXPECT_EQ(
      harness.descriptions(steps),
      (std::vector<std::string>{"grant NT SERVICE\\web read access to the env files",
                                "restart service web (stop, wait for STOPPED, StartServiceW)"}));
  EXPECT_TRUE(harness.run(steps).empty());
  EXPECT_NE(std::find(harness.scm.calls.begin(), harness.scm.calls.end(),
                      R"(SetNamedSecurityInfoW C:\secrets\web.env NT SERVICE\web read)"),
            harness.scm.calls.end());
  // Nothing changed: no step at all (deploy stays "up to date").
  EXPECT_TRUE(harness.installer->activation_steps(harness.ops, Activation{}).empty());
}

TEST(WindowsServiceInstaller, LocalSystemIsGrantedNothing) {
  Harness harness(web_registration(), {R"(C:\secrets\web.env)"});
  harness.ops.files[R"(C:\secrets\web.env)"] = {"TOKEN=x\n", 0, {}};
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  for (const auto& call : harness.scm.calls) {
    EXPECT_FALSE(call.starts_with("SetNamedSecurityInfoW")) << call;
  }
}

TEST(WindowsServiceInstaller, AccessDeniedIsExit77NamingTheApi) {
  Harness harness;
  harness.scm.deny = "CreateServiceW";
  const auto failures =
      harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  ASSERT_FALSE(failures.empty());
  EXPECT_EQ(failures.front(),
            std::to_string(exit_code::no_permission) + " CreateServiceW web: Access is denied.");
}

TEST(WindowsServiceInstaller, RemovalStopsWaitsThenDeletes) {
  Harness harness(std::nullopt);  // from a receipt: no registration
  harness.scm.services["web"].registration = web_registration();
  harness.scm.services["web"].status = {"RUNNING", 77, 0, 0};
  harness.scm.polls_until_stopped = 2;
  const auto steps = harness.installer->deactivation_steps(harness.ops);
  EXPECT_EQ(harness.descriptions(steps),
            (std::vector<std::string>{"stop service web (ControlService STOP, wait for STOPPED)",
                                      "delete service web (DeleteService)"}));
  EXPECT_TRUE(harness.run(steps).empty());
  EXPECT_EQ(harness.scm.services.count("web"), 0U);
  EXPECT_TRUE(harness.installer->deactivation_steps(harness.ops).empty()) << "already gone";
  EXPECT_FALSE(harness.installer->status(harness.ops).known);
}

TEST(WindowsServiceInstaller, AStopThatNeverFinishesFailsAfterItsBudget) {
  Harness harness;
  (void)harness.run(harness.installer->activation_steps(harness.ops, fresh_activation()));
  harness.scm.stop_never_finishes = true;
  const auto result =
      run_step(harness.ops, harness.installer->control_step(harness.ops, ControlAction::stop));
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.output.find("web is still STOP_PENDING 50 s after the stop request"),
            std::string::npos)
      << result.output;  // preshutdown_timeout 40 s + 10 s
}

TEST(WindowsServiceInstaller, GiveUpReadsAsFailedWithTheWatchdogsExitCode) {
  Harness harness;
  harness.scm.services["web"].registration = web_registration();
  harness.scm.services["web"].status = {"STOPPED", 0, 1066, 75};
  const auto status = harness.installer->status(harness.ops);
  EXPECT_TRUE(status.failed);
  EXPECT_EQ(status.last_exit_status, 75);
  EXPECT_EQ(status.state, "STOPPED (exit 1066/75)");
}

// The SCM has no reload control: daemonize's own control code reaches the watchdog.
TEST(WindowsServiceInstaller, ReloadSendsTheWatchdogItsControlCode) {
  Harness harness;
  harness.scm.services["web"].status = {"RUNNING", 4242, 0, 0};
  const auto step = harness.installer->control_step(harness.ops, ControlAction::reload);
  EXPECT_EQ(step.description, "reload service web (ControlService 128)");
  const auto result = run_step(harness.ops, step);
  EXPECT_EQ(result.exit_status, 0) << result.output;
  EXPECT_EQ(harness.scm.calls.back(), "ControlService web 128");
}

TEST(WindowsServiceInstaller, ReloadOfAStoppedServiceFailsNamingIt) {
  Harness harness;
  harness.scm.services["web"].status = {"STOPPED", 0, 0, 0};
  const auto result =
      run_step(harness.ops, harness.installer->control_step(harness.ops, ControlAction::reload));
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_EQ(result.output, "ControlService(128) web: The service has not been started.");
}

TEST(WindowsServiceInstaller, AMissingDependencyIsAHostErrorNamingIt) {
  auto registration = web_registration();
  registration.dependencies = {"Tcpip", "postgresql-x64-16", "+NetworkProvider"};
  Harness harness(registration);
  harness.scm.services["Tcpip"].registration.name = "Tcpip";
  const auto errors = harness.installer->host_errors(harness.ops);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_NE(errors.front().find("'postgresql-x64-16'"), std::string::npos) << errors.front();
  EXPECT_NE(errors.front().find("[os.windows.dependencies] requires"), std::string::npos)
      << errors.front();
  harness.scm.services["postgresql-x64-16"].registration.name = "postgresql-x64-16";
  EXPECT_TRUE(harness.installer->host_errors(harness.ops).empty());
}

TEST(WindowsServiceInstaller, DeployRefusesAMissingDependencyBeforeChangingAnything) {
  Service service;
  service.name = "web";
  service.command = R"(C:\web.exe)";
  service.os = TargetOs::windows;
  service.windows.account = "LocalSystem";
  service.dependencies.requires_units = {"postgresql"};
  const auto backend = make_windows_service_deployable_backend();
  deploy::DeployInput input;
  input.service = &service;
  input.target = backend.get();
  input.manifest_text = "[service]\n";
  input.layout = deploy::make_layout(service, *backend, "", "");
  auto spec = service_installer_spec(deploy::install_request(service, input.layout, 0, ""));
  FakeScm scm;
  FakeSystemOps ops;
  auto installer = make_service_installer(spec, std::make_unique<FakeScmApi>(scm),
                                          [](std::chrono::milliseconds) {});
  deploy::DeploySettings settings;
  auto plan = deploy::make_plan(input, ops, installer.get(), settings);
  ASSERT_EQ(plan.errors.size(), 1U);
  EXPECT_NE(plan.errors.front().find("'postgresql'"), std::string::npos) << plan.errors.front();
  std::ostringstream out;
  std::ostringstream err;
  const auto outcome = deploy::apply_plan(plan, ops, installer.get(), settings, out, err);
  EXPECT_EQ(outcome.exit_code, exit_code::config_error) << err.str();
  EXPECT_TRUE(ops.writes.empty());
  EXPECT_EQ(scm.calls, (std::vector<std::string>{"QueryServiceStatusEx postgresql",
                                                 "QueryServiceStatusEx web"}))
      << "nothing but queries";
}

TEST(WindowsServiceInstaller, NoApiNoInstaller) {
  EXPECT_EQ(make_service_installer(ServiceInstallerSpec{}, nullptr), nullptr);
}

// ---- windows-task ----------------------------------------------------------------------------

struct TaskHarness {
  FakeSystemOps ops;
  std::unique_ptr<Installer> installer;
  std::string query_output;  // "" = not registered
  FakeScm scm;               // only its access-control call is used
  explicit TaskHarness(std::string account = "") {
    TaskInstallerSpec spec;
    spec.name = "web";
    spec.task_xml_path = R"(C:\ProgramData\daemonize\tasks\web.xml)";
    spec.manifest_path = R"(C:\ProgramData\daemonize\web.toml)";
    spec.log_directory = R"(%ProgramData%\web\logs)";
    spec.task_account = std::move(account);
    installer = make_task_installer(spec, std::make_unique<FakeScmApi>(scm));
    ops.respond = [this](const std::vector<std::string>& argv) {
      if (argv.size() > 1 && argv[1] == "/Query") {
        return query_output.empty() ? CommandResult{1, "ERROR: The system cannot find the file"}
                                    : CommandResult{0, query_output};
      }
      return CommandResult{};
    };
  }
};

TEST(WindowsTaskInstaller, FreshInstallCreatesFromTheXmlThenRuns) {
  TaskHarness harness;
  const auto steps = harness.installer->activation_steps(harness.ops, fresh_activation());
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[0].argvs.front(),
            (std::vector<std::string>{"schtasks.exe", "/Create", "/TN", "web", "/XML",
                                      R"(C:\ProgramData\daemonize\tasks\web.xml)", "/F"}));
  EXPECT_EQ(steps[1].argvs.front(),
            (std::vector<std::string>{"schtasks.exe", "/Run", "/TN", "web"}));
}

TEST(WindowsTaskInstaller, TheTasksAccountIsGrantedTheManifestAndTheLogDirectory) {
  TaskHarness harness("NT AUTHORITY\\LocalService");
  const auto steps = harness.installer->activation_steps(harness.ops, fresh_activation());
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_TRUE(steps[0].argvs.empty());
  EXPECT_NE(steps[0].description.find("NT AUTHORITY\\LocalService"), std::string::npos)
      << steps[0].description;
  EXPECT_EQ(steps[1].argvs.front()[1], "/Create") << "access first, then the task";
  ASSERT_TRUE(run_step(harness.ops, steps[0]).ok());
  EXPECT_EQ(
      harness.scm.calls,
      (std::vector<std::string>{
          R"(SetNamedSecurityInfoW C:\ProgramData\daemonize\web.toml NT AUTHORITY\LocalService read)",
          R"(SetNamedSecurityInfoW %ProgramData%\web\logs NT AUTHORITY\LocalService write)"}));
}

TEST(WindowsTaskInstaller, DeployGivesTheInstallerTheTasksAccount) {
  Service service;
  service.name = "web";
  service.command = R"(C:\web.exe)";
  service.os = TargetOs::windows;
  service.windows.account = "NT SERVICE\\web";  // the loader's default, not written
  service.logs.directory = R"(C:\logs\web)";
  const auto backend = make_windows_task_deployable_backend();
  const auto layout = deploy::make_layout(service, *backend, "", "");
  auto spec = task_installer_spec(deploy::install_request(service, layout, 0, ""));
  EXPECT_EQ(spec.task_account, "NT AUTHORITY\\LocalService");
  EXPECT_EQ(spec.log_directory, R"(C:\logs\web)");
  EXPECT_EQ(spec.manifest_path, R"(C:\ProgramData\daemonize\web.toml)");
  service.windows.account = "LocalSystem";
  service.positions["windows.account"] = {1, 1};  // written
  EXPECT_EQ(task_installer_spec(deploy::install_request(service, layout, 0, "")).task_account,
            "LocalSystem");
}

TEST(WindowsTaskInstaller, LocalSystemAndTheRegisteringUserNeedNoGrant) {
  for (const auto* account : {"LocalSystem", ""}) {
    TaskHarness harness(account);
    const auto steps = harness.installer->activation_steps(harness.ops, fresh_activation());
    ASSERT_EQ(steps.size(), 2U) << account;
    EXPECT_EQ(steps[0].argvs.front()[1], "/Create") << account;
  }
}

TEST(WindowsTaskInstaller, StatusReadsTheListFormat) {
  TaskHarness harness;
  harness.query_output =
      "\r\nFolder: \\\r\nHostName:      HOST\r\nTaskName:      \\web\r\n"
      "Status:        Running\r\nLast Result:   267009\r\n";
  const auto status = harness.installer->status(harness.ops);
  EXPECT_TRUE(status.known && status.active && status.enabled);
  EXPECT_EQ(status.state, "Running");
  EXPECT_EQ(status.last_exit_status, 267009);
  // Running and unchanged: nothing to do; changed: re-create and restart.
  EXPECT_TRUE(harness.installer->activation_steps(harness.ops, Activation{}).empty());
  const auto steps = harness.installer->activation_steps(harness.ops, fresh_activation());
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[1].description, "restart task web");
}

TEST(WindowsTaskInstaller, RemovalEndsAndDeletesOnlyWhenRegistered) {
  TaskHarness harness;
  EXPECT_TRUE(harness.installer->deactivation_steps(harness.ops).empty());
  harness.query_output = "Status:        Ready\r\n";
  const auto steps = harness.installer->deactivation_steps(harness.ops);
  ASSERT_EQ(steps.size(), 1U);
  EXPECT_EQ(steps[0].argvs.front(),
            (std::vector<std::string>{"schtasks.exe", "/Delete", "/TN", "web", "/F"}));
}

}  // namespace
}  // namespace daemonize::windows
