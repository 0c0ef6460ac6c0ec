// [directories] outside systemd: base directories per OS and scope, creation with mode and
// owner, removal of the runtime ones — behind a fake file system.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "daemonize/watchdog/service_directories.hpp"

namespace daemonize {
namespace {

EnvironmentLookup environment_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    if (auto found = values.find(name); found != values.end()) return found->second;
    return std::nullopt;
  };
}

Service service_with_directories(TargetOs os, Scope scope) {
  Service service;
  service.name = "payments";
  service.os = os;
  service.scope = scope;
  service.directories.runtime = {"payments"};
  service.directories.state = {"payments"};
  service.directories.cache = {"payments/http"};
  service.directories.logs = {"payments"};
  service.directories.configuration = {"payments"};
  return service;
}

std::vector<std::string> paths_of(const ResolvedDirectories& resolved) {
  std::vector<std::string> paths;
  for (const auto& directory : resolved.directories) paths.push_back(directory.path);
  return paths;
}

TEST(ServiceDirectories, LinuxSystemScopeUsesSystemdsBases) {
  const auto resolved = resolve_service_directories(
      service_with_directories(TargetOs::linux, Scope::system), environment_of({}));
  EXPECT_TRUE(resolved.problems.empty());
  EXPECT_EQ(paths_of(resolved), (std::vector<std::string>{"/run/payments", "/var/lib/payments",
                                                          "/var/cache/payments/http",
                                                          "/var/log/payments", "/etc/payments"}));
  EXPECT_EQ(resolved.directories[2].key, "directories.cache[0]");
}

TEST(ServiceDirectories, LinuxUserScopeUsesXdgDirectories) {
  const auto service = service_with_directories(TargetOs::linux, Scope::user);
  const auto with_xdg =
      resolve_service_directories(service, environment_of({{"XDG_RUNTIME_DIR", "/run/user/1000"},
                                                           {"XDG_STATE_HOME", "/h/state"},
                                                           {"XDG_CACHE_HOME", "/h/cache"},
                                                           {"XDG_CONFIG_HOME", "/h/config"},
                                                           {"HOME", "/home/ann"}}));
  EXPECT_EQ(paths_of(with_xdg),
            (std::vector<std::string>{"/run/user/1000/payments", "/h/state/payments",
                                      "/h/cache/payments/http", "/h/state/log/payments",
                                      "/h/config/payments"}));
  const auto home_only = resolve_service_directories(
      service, environment_of({{"XDG_RUNTIME_DIR", "/run/user/1000"}, {"HOME", "/home/ann"}}));
  EXPECT_EQ(paths_of(home_only),
            (std::vector<std::string>{"/run/user/1000/payments", "/home/ann/.local/state/payments",
                                      "/home/ann/.cache/payments/http",
                                      "/home/ann/.local/state/log/payments",
                                      "/home/ann/.config/payments"}));
}

TEST(ServiceDirectories, UserScopeWithoutRuntimeDirIsAProblem) {
  const auto resolved = resolve_service_directories(
      service_with_directories(TargetOs::linux, Scope::user), environment_of({{"HOME", "/h"}}));
  ASSERT_EQ(resolved.problems.size(), 1U);
  EXPECT_EQ(resolved.problems[0],
            "daemonize: 'directories.runtime' needs a base directory: XDG_RUNTIME_DIR is not set");
}

TEST(ServiceDirectories, MacosBases) {
  EXPECT_EQ(paths_of(resolve_service_directories(
                service_with_directories(TargetOs::macos, Scope::system), environment_of({}))),
            (std::vector<std::string>{"/var/run/payments", "/Library/Application Support/payments",
                                      "/Library/Caches/payments/http", "/Library/Logs/payments",
                                      "/Library/Preferences/payments"}));
  EXPECT_EQ(paths_of(resolve_service_directories(
                service_with_directories(TargetOs::macos, Scope::user),
                environment_of({{"HOME", "/Users/ann"}, {"TMPDIR", "/var/folders/x/T"}}))),
            (std::vector<std::string>{
                "/var/folders/x/T/payments", "/Users/ann/Library/Application Support/payments",
                "/Users/ann/Library/Caches/payments/http", "/Users/ann/Library/Logs/payments",
                "/Users/ann/Library/Preferences/payments"}));
}

TEST(ServiceDirectories, WindowsBasesAreTheProgramDataFolder) {
  EXPECT_EQ(
      paths_of(
          resolve_service_directories(service_with_directories(TargetOs::windows, Scope::system),
                                      environment_of({{"ProgramData", "C:\\ProgramData"}}))),
      (std::vector<std::string>{"C:\\ProgramData\\daemonize\\run\\payments",
                                "C:\\ProgramData\\payments", "C:\\ProgramData\\payments\\http",
                                "C:\\ProgramData\\payments", "C:\\ProgramData\\payments"}));
  EXPECT_EQ(paths_of(resolve_service_directories(
                service_with_directories(TargetOs::windows, Scope::user),
                environment_of({{"LOCALAPPDATA", "C:\\Users\\ann\\AppData\\Local"}})))[0],
            "C:\\Users\\ann\\AppData\\Local\\daemonize\\run\\payments");
}

TEST(ServiceDirectories, EnvironmentAsSystemdSetsIt) {
  auto service = service_with_directories(TargetOs::linux, Scope::system);
  service.directories.runtime = {"a", "b/c"};
  const auto variables =
      directory_environment(resolve_service_directories(service, environment_of({})).directories);
  EXPECT_EQ(variables.at("RUNTIME_DIRECTORY"), "/run/a:/run/b/c");
  EXPECT_EQ(variables.at("CONFIGURATION_DIRECTORY"), "/etc/payments");
  EXPECT_EQ(variables.size(), 5U);
}

TEST(ServiceDirectories, SystemdMadeThemWhenItListsThem) {
  auto service = service_with_directories(TargetOs::linux, Scope::system);
  service.directories.cache.clear();
  service.directories.logs.clear();
  service.directories.configuration.clear();
  const auto directories = resolve_service_directories(service, environment_of({})).directories;
  // A unit with RuntimeDirectory=daemonize/payments payments and StateDirectory=payments.
  EXPECT_TRUE(directories_made_by_service_manager(
      directories, environment_of({{"RUNTIME_DIRECTORY", "/run/daemonize/payments:/run/payments"},
                                   {"STATE_DIRECTORY", "/var/lib/payments"}})));
  // `run --detach` sets RUNTIME_DIRECTORY to the watchdog's own state directory only.
  EXPECT_FALSE(directories_made_by_service_manager(
      directories, environment_of({{"RUNTIME_DIRECTORY", "/run/daemonize/payments"}})));
  EXPECT_FALSE(directories_made_by_service_manager(
      directories, environment_of({{"RUNTIME_DIRECTORY", "/run/payments"}})));  // no STATE_
  EXPECT_FALSE(directories_made_by_service_manager(directories, environment_of({})));
}

// A file system of directories with modes and owners; every call is logged.
class FakeDirectories final : public DirectoryOperations {
 public:
  struct Entry {
    std::uint32_t mode = 0700;
    unsigned uid = 0;
    unsigned gid = 0;
  };
  std::map<std::string, Entry> entries{{"/run", {0755}}, {"/var/lib", {0755}}};
  std::vector<std::string> calls;
  std::string fail_make;  // a path whose creation fails

  [[nodiscard]] bool exists(const std::string& path) const override {
    return entries.count(path) != 0;
  }
  std::string make_directory(const std::string& path) override {
    calls.push_back("mkdir " + path);
    if (path == fail_make) return "Permission denied";
    entries[path] = Entry{};
    return "";
  }
  std::string set_mode(const std::string& path, std::uint32_t mode) override {
    calls.push_back("chmod " + path);
    entries[path].mode = mode;
    return "";
  }
  std::string set_owner(const std::string& path, unsigned uid, unsigned gid) override {
    calls.push_back("chown " + path);
    entries[path].uid = uid;
    entries[path].gid = gid;
    return "";
  }
  std::string remove_tree(const std::string& path) override {
    calls.push_back("rm -r " + path);
    for (auto it = entries.begin(); it != entries.end();) {
      it = (it->first == path || it->first.starts_with(path + "/")) ? entries.erase(it)
                                                                    : std::next(it);
    }
    return "";
  }
};

std::vector<ServiceDirectory> two_directories() {
  return {{DirectoryKind::runtime, "directories.runtime[0]", "/run/payments/sockets"},
          {DirectoryKind::state, "directories.state[0]", "/var/lib/payments"}};
}

TEST(ServiceDirectories, CreatesWithModeAndOwnerParentsAt0755) {
  FakeDirectories fake;
  EXPECT_EQ(create_service_directories(two_directories(), 0750, DirectoryOwner{1001, 1002}, fake),
            "");
  EXPECT_EQ(fake.entries.at("/run/payments").mode, 0755U);  // a parent, as systemd makes it
  EXPECT_EQ(fake.entries.at("/run/payments").uid, 0U);
  EXPECT_EQ(fake.entries.at("/run/payments/sockets").mode, 0750U);
  EXPECT_EQ(fake.entries.at("/run/payments/sockets").uid, 1001U);
  EXPECT_EQ(fake.entries.at("/run/payments/sockets").gid, 1002U);
  EXPECT_EQ(fake.entries.at("/var/lib/payments").mode, 0750U);
  EXPECT_EQ(fake.entries.at("/var/lib/payments").uid, 1001U);
}

TEST(ServiceDirectories, AnExistingDirectoryGetsModeAndOwnerToo) {
  FakeDirectories fake;
  fake.entries["/var/lib/payments"] = {0777, 0, 0};
  EXPECT_EQ(create_service_directories({two_directories()[1]}, 0700, DirectoryOwner{5, 6}, fake),
            "");
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"chmod /var/lib/payments", "chown /var/lib/payments"}));
  EXPECT_EQ(fake.entries.at("/var/lib/payments").mode, 0700U);
}

TEST(ServiceDirectories, WithoutAUserSwitchTheOwnerStaysTheWatchdogs) {
  FakeDirectories fake;
  EXPECT_EQ(create_service_directories({two_directories()[1]}, 0755, std::nullopt, fake), "");
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"mkdir /var/lib/payments", "chmod /var/lib/payments"}));
}

TEST(ServiceDirectories, AFailureNamesTheKeyAndThePath) {
  FakeDirectories fake;
  fake.fail_make = "/run/payments";
  EXPECT_EQ(create_service_directories(two_directories(), 0755, std::nullopt, fake),
            "daemonize: cannot create directories.runtime[0] '/run/payments': Permission denied");
}

TEST(ServiceDirectories, OnlyRuntimeDirectoriesAreRemoved) {
  FakeDirectories fake;
  ASSERT_EQ(create_service_directories(two_directories(), 0755, std::nullopt, fake), "");
  fake.entries["/run/payments/sockets/s.sock"] = {};
  EXPECT_TRUE(remove_runtime_directories(two_directories(), fake).empty());
  EXPECT_EQ(fake.entries.count("/run/payments/sockets"), 0U);
  EXPECT_EQ(fake.entries.count("/run/payments/sockets/s.sock"), 0U);
  EXPECT_EQ(fake.entries.count("/run/payments"), 1U);  // the parent stays, as with systemd
  EXPECT_EQ(fake.entries.count("/var/lib/payments"), 1U);
}

}  // namespace
}  // namespace daemonize
