// Where a detached watchdog keeps its pidfile, log and state (pure).
#include <gtest/gtest.h>

#include <map>

#include "daemonize/watchdog/detached.hpp"

namespace daemonize {
namespace {

EnvironmentLookup environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(DetachedPaths, RootUsesVarLibVarLogAndRun) {
  const auto paths = detached_paths("worker", environment({{"HOME", "/root"}}), true);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->pidfile, "/var/lib/daemonize/worker.pid");
  EXPECT_EQ(paths->log_file, "/var/log/daemonize/worker.log");
  EXPECT_EQ(paths->state_directory, "/run/daemonize/worker");
}

TEST(DetachedPaths, UserWithoutXdgStateHomeUsesLocalState) {
  // Cron sets HOME but neither XDG_STATE_HOME nor XDG_RUNTIME_DIR.
  const auto paths = detached_paths("worker", environment({{"HOME", "/home/a"}}), false);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->pidfile, "/home/a/.local/state/daemonize/worker.pid");
  EXPECT_EQ(paths->log_file, "/home/a/.local/state/daemonize/worker.log");
  EXPECT_EQ(paths->state_directory, "/home/a/.local/state/daemonize/worker");
}

TEST(DetachedPaths, XdgStateHomeWinsAndXdgRuntimeDirIsIgnored) {
  const auto paths = detached_paths(
      "worker",
      environment(
          {{"HOME", "/home/a"}, {"XDG_STATE_HOME", "/s"}, {"XDG_RUNTIME_DIR", "/run/user/1"}}),
      false);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->pidfile, "/s/daemonize/worker.pid");
  EXPECT_EQ(paths->state_directory, "/s/daemonize/worker");
}

TEST(DetachedPaths, NoHomeNoPath) {
  EXPECT_FALSE(detached_paths("worker", environment({}), false));
}

TEST(DetachedPaths, ExplicitPidfileKeepsLogAndStateNextToIt) {
  auto paths = paths_for_pidfile("/x/svc.pid", environment({}), false);
  EXPECT_EQ(paths.log_file, "/x/svc.log");
  EXPECT_EQ(paths.state_directory, "/x/svc");
  paths = paths_for_pidfile("/x/svc.pid", environment({{"RUNTIME_DIRECTORY", "/r/a:/r/b"}}), true);
  EXPECT_EQ(paths.state_directory, "/r/a");
  EXPECT_EQ(paths_for_pidfile("/x/svc.pid", environment({}), true).state_directory,
            "/run/daemonize/svc");
}

}  // namespace
}  // namespace daemonize
