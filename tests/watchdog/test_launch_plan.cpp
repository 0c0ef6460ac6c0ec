// Start-up checks against a fake host: env files, precedence, required_env, command, user.
#include <gtest/gtest.h>

#include <cerrno>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/launch_plan.hpp"

namespace daemonize {
namespace {

class FakeHost final : public HostQueries {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> executables{"/bin/server"};
  std::set<std::string> directories{"/srv"};
  std::map<std::string, UserAccount> users{{"svc", {"svc", 1000, 1000, "/home/svc", "/bin/sh"}},
                                           {"root", {"root", 0, 0, "/root", "/bin/sh"}}};
  unsigned euid = 0;
  std::optional<std::string> home;

  HostResult<std::string> read_file(const std::string& path) const override {
    if (auto found = files.find(path); found != files.end()) return found->second;
    return errno_error("open", path, ENOENT);
  }
  std::string executable_problem(const std::string& path) const override {
    return executables.contains(path) ? "" : "No such file or directory";
  }
  bool is_directory(const std::string& path) const override { return directories.contains(path); }
  std::optional<UserAccount> find_user(const std::string& name) const override {
    if (auto found = users.find(name); found != users.end()) return found->second;
    return std::nullopt;
  }
  std::optional<unsigned> find_group(const std::string& name) const override {
    if (name == "svc") return 1000;
    return std::nullopt;
  }
  std::vector<unsigned> supplementary_groups(const UserAccount&, unsigned gid) const override {
    return {gid, 27};
  }
  unsigned effective_uid() const override { return euid; }
  std::optional<std::string> own_home() const override { return home; }
};

Service basic_service() {
  Service service;
  service.name = "demo";
  service.manifest_path = "demo.toml";
  service.command = "/bin/server";
  return service;
}

std::string all_messages(const StartupResult& result) {
  std::string text;
  for (const auto& problem : result.problems) text += problem.message + "\n";
  return text;
}

TEST(LaunchPlan, ExactArgvAndPrecedence) {
  FakeHost host;
  host.files["/etc/a.env"] = "FROM_FILE=file\nOVERRIDDEN=file\nPORT=9000\n";
  host.files["/etc/b.env"] = "FROM_FILE=later-file\n";
  auto service = basic_service();
  service.args = {"--port", "${PORT:-8080}", "", "a b", "$$literal"};
  service.env_files = {"/etc/a.env", "/etc/b.env", "-/etc/missing.env"};
  service.env = {{"OVERRIDDEN", "manifest"}, {"COMBINED", "${FROM_FILE}-${INHERITED}"}};
  const std::map<std::string, std::string> inherited{{"INHERITED", "inh"},
                                                     {"FROM_FILE", "inherited"},
                                                     {"NOTIFY_SOCKET", "/run/notify"},
                                                     {"WATCHDOG_USEC", "1000"},
                                                     {"PATH", "/usr/bin"}};

  const auto result = prepare_launch(service, inherited, host);
  ASSERT_TRUE(result.plan) << all_messages(result);
  const auto& plan = *result.plan;
  EXPECT_EQ(plan.argv,
            (std::vector<std::string>{"/bin/server", "--port", "9000", "", "a b", "$literal"}));
  EXPECT_EQ(plan.environment.at("FROM_FILE"), "later-file");
  EXPECT_EQ(plan.environment.at("OVERRIDDEN"), "manifest");
  EXPECT_EQ(plan.environment.at("COMBINED"), "later-file-inh");
  EXPECT_EQ(plan.environment.at("PATH"), "/usr/bin");
  EXPECT_FALSE(plan.environment.contains("NOTIFY_SOCKET"));
  EXPECT_FALSE(plan.environment.contains("WATCHDOG_USEC"));
  EXPECT_FALSE(plan.user);
}

TEST(LaunchPlan, HookArgumentsSplitLikeTheProgramsArguments) {
  FakeHost host;
  auto service = basic_service();
  service.env = {{"CONFIG", "/etc/app.cfg"}, {"OPTS", " -S  /run/app.sock "}, {"EMPTY", ""}};
  service.hooks.reload = {
      {{"/bin/server", "-c", "${CONFIG}", "$@{OPTS}", "$@{EMPTY}", "$@{UNSET}", "${OPTS}"}}};
  const auto result = prepare_launch(service, {}, host);
  ASSERT_TRUE(result.plan) << all_messages(result);
  ASSERT_EQ(result.plan->hooks.reload.size(), 1U);
  EXPECT_EQ(result.plan->hooks.reload.front().argv,
            (std::vector<std::string>{"/bin/server", "-c", "/etc/app.cfg", "-S", "/run/app.sock",
                                      " -S  /run/app.sock "}));
}

TEST(LaunchPlan, EveryMissingVariableIsNamedOnItsOwnLine) {
  FakeHost host;
  auto service = basic_service();
  service.required_env = {"A", "B", "PRESENT", "EMPTY"};
  service.args = {"${C}"};
  const auto result = prepare_launch(service, {{"PRESENT", "x"}, {"EMPTY", ""}}, host);
  EXPECT_FALSE(result.plan);
  EXPECT_EQ(result.exit_code(), exit_code::config_error);
  const auto text = all_messages(result);
  EXPECT_EQ(result.problems.size(), 4U) << text;
  EXPECT_NE(text.find("required environment variable A "), std::string::npos) << text;
  EXPECT_NE(text.find("required environment variable B "), std::string::npos) << text;
  EXPECT_NE(text.find("required environment variable EMPTY "), std::string::npos) << text;
  EXPECT_NE(text.find("C"), std::string::npos) << text;
  EXPECT_EQ(text.find("PRESENT"), std::string::npos) << text;
}

TEST(LaunchPlan, MissingEnvFileCommandAndDirectory) {
  FakeHost host;
  auto service = basic_service();
  service.command = "/bin/missing";
  service.working_directory = "/nope";
  service.env_files = {"/etc/absent.env"};
  const auto result = prepare_launch(service, {}, host);
  EXPECT_EQ(result.exit_code(), exit_code::config_error);
  const auto text = all_messages(result);
  EXPECT_NE(text.find("/etc/absent.env"), std::string::npos) << text;
  EXPECT_NE(text.find("/bin/missing"), std::string::npos) << text;
  EXPECT_NE(text.find("/nope"), std::string::npos) << text;
}

// Under systemd with User= the unit hands env file N over as credential daemonize-env-N
// (LoadCredential=, read by systemd as root): the copy wins over the path, which the
// unprivileged watchdog may not be allowed to read; a file without a copy is read at its path.
TEST(LaunchPlan, EnvFilesComeFromTheCredentialsDirectoryWhenPresent) {
  FakeHost host;
  host.files["/run/credentials/demo.service/daemonize-env-0"] = "SECRET=from-credential\n";
  host.files["/etc/root-only.env"] = "SECRET=unreadable-path-copy\n";  // never read
  host.files["/etc/plain.env"] = "PLAIN=from-path\n";
  // An optional file that was missing at unit start: the unit's SetCredential= fallback.
  host.files["/run/credentials/demo.service/daemonize-env-2"] = "# optional env file not found";
  auto service = basic_service();
  service.env_files = {"/etc/root-only.env", "/etc/plain.env", "-/etc/absent.env"};
  const std::map<std::string, std::string> inherited{
      {"CREDENTIALS_DIRECTORY", "/run/credentials/demo.service"}};

  const auto result = prepare_launch(service, inherited, host);
  ASSERT_TRUE(result.plan) << all_messages(result);
  EXPECT_EQ(result.plan->environment.at("SECRET"), "from-credential");
  EXPECT_EQ(result.plan->environment.at("PLAIN"), "from-path");

  // Without CREDENTIALS_DIRECTORY (cron, launchd, a manual run) the path is read.
  const auto without = prepare_launch(service, {}, host);
  ASSERT_TRUE(without.plan) << all_messages(without);
  EXPECT_EQ(without.plan->environment.at("SECRET"), "unreadable-path-copy");
}

TEST(LaunchPlan, EnvFileCredentialPath) {
  EXPECT_EQ(env_file_credential_path(3, {{"CREDENTIALS_DIRECTORY", "/run/credentials/x.service"}}),
            "/run/credentials/x.service/daemonize-env-3");
  EXPECT_EQ(env_file_credential_path(0, {}), std::nullopt);
  EXPECT_EQ(env_file_credential_path(0, {{"CREDENTIALS_DIRECTORY", ""}}), std::nullopt);
}

TEST(LaunchPlan, BadEnvFileReportsFileAndLine) {
  FakeHost host;
  host.files["/etc/bad.env"] = "OK=1\n=oops\n";
  auto service = basic_service();
  service.env_files = {"/etc/bad.env"};
  const auto text = all_messages(prepare_launch(service, {}, host));
  EXPECT_NE(text.find("/etc/bad.env:2:"), std::string::npos) << text;
}

TEST(LaunchPlan, UserSwitchOnlyAsRoot) {
  FakeHost host;
  auto service = basic_service();
  service.user = "svc";
  auto as_root = prepare_launch(service, {{"HOME", "/root"}}, host);
  ASSERT_TRUE(as_root.plan) << all_messages(as_root);
  ASSERT_TRUE(as_root.plan->user);
  EXPECT_EQ(as_root.plan->user->uid, 1000U);
  EXPECT_EQ(as_root.plan->user->groups, (std::vector<unsigned>{1000, 27}));
  EXPECT_EQ(as_root.plan->environment.at("HOME"), "/home/svc");

  host.euid = 1000;  // already the service account: nothing to switch
  auto as_user = prepare_launch(service, {}, host);
  ASSERT_TRUE(as_user.plan);
  EXPECT_FALSE(as_user.plan->user);

  host.euid = 1234;
  auto other = prepare_launch(service, {}, host);
  EXPECT_EQ(other.exit_code(), exit_code::no_permission);
  EXPECT_NE(all_messages(other).find("svc"), std::string::npos);

  service.user = "ghost";
  auto unknown = prepare_launch(service, {}, host);
  EXPECT_EQ(unknown.exit_code(), exit_code::config_error);
  EXPECT_NE(all_messages(unknown).find("unknown user ghost"), std::string::npos);
}

TEST(LaunchPlan, RelativeCommandIsRejected) {
  FakeHost host;
  auto service = basic_service();
  service.command = "server";
  EXPECT_EQ(prepare_launch(service, {}, host).exit_code(), exit_code::config_error);
}

TEST(LaunchPlan, HomeRelativeWorkingDirectoryIsInTheServiceUsersHome) {
  FakeHost host;
  host.directories.insert("/home/svc/app");
  auto service = basic_service();
  service.user = "svc";
  service.working_directory = "~/app";
  const auto result = prepare_launch(service, {{"HOME", "/root"}}, host);
  ASSERT_TRUE(result.plan) << all_messages(result);
  EXPECT_EQ(result.plan->working_directory, "/home/svc/app");

  // No user switch and no HOME (a systemd system service without User=): the watchdog's own
  // account's home; when that is unknown too, one problem naming the key.
  service.user.clear();
  host.directories.insert("/root/app");
  host.home = "/root";
  const auto own_home = prepare_launch(service, {}, host);
  ASSERT_TRUE(own_home.plan) << all_messages(own_home);
  EXPECT_EQ(own_home.plan->working_directory, "/root/app");
  host.home.reset();
  const auto without_home = prepare_launch(service, {}, host);
  EXPECT_FALSE(without_home.plan);
  EXPECT_EQ(all_messages(without_home),
            "daemonize: working directory ~/app starts with ~ but HOME is not set\n");
}

}  // namespace
}  // namespace daemonize
