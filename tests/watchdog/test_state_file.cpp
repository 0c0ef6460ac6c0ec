#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemonize/watchdog/state_file.hpp"

namespace daemonize {
namespace {

TEST(StateFile, RoundTripsThroughJsonAndAtomicWrite) {
  StateRecord record;
  record.service = "demo";
  record.state = "running";
  record.pid = 123;
  record.process_group = 123;
  record.child_start_ticks = 987654;
  record.restarts = 2;
  record.last_exit = "signal 11 (SEGV)";
  record.last_exit_signal = 11;
  record.recent_delays_ms = {100, 200};
  record.exit_code = 75;

  const auto directory =
      std::filesystem::temp_directory_path() / ("dz-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const auto file = directory / kStateFileName;
  ASSERT_FALSE(write_state_file(file, record));
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  const auto parsed = state_from_json(text.str(), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->service, "demo");
  EXPECT_EQ(parsed->pid, 123);
  EXPECT_EQ(parsed->child_start_ticks, 987654U);
  EXPECT_EQ(parsed->last_exit_signal, 11);
  EXPECT_FALSE(parsed->last_exit_code);
  EXPECT_EQ(parsed->recent_delays_ms, (std::vector<std::int64_t>{100, 200}));
  EXPECT_EQ(parsed->exit_code, 75);
  std::filesystem::remove_all(directory);
}

TEST(StateFile, DirectoryPrecedence) {
  std::map<std::string, std::string> env{{"RUNTIME_DIRECTORY", "/run/svc:/run/other"},
                                         {"XDG_RUNTIME_DIR", "/run/user/1000"}};
  const EnvironmentLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto found = env.find(name); found != env.end()) return found->second;
    return std::nullopt;
  };
  EXPECT_EQ(state_directory("svc", lookup, true), std::filesystem::path("/run/svc"));
  env.erase("RUNTIME_DIRECTORY");
  EXPECT_EQ(state_directory("svc", lookup, true), std::filesystem::path("/run/daemonize/svc"));
  EXPECT_EQ(state_directory("svc", lookup, false),
            std::filesystem::path("/run/user/1000/daemonize/svc"));
  env.clear();
  EXPECT_FALSE(state_directory("svc", lookup, false));
}

TEST(StateFile, RejectsGarbage) {
  std::string error;
  EXPECT_FALSE(state_from_json("{", error));
  EXPECT_FALSE(state_from_json("{\"x\":1}", error));
}

TEST(StateFile, Rfc3339) {
  EXPECT_EQ(
      format_rfc3339(std::chrono::system_clock::time_point{} + std::chrono::milliseconds(1500)),
      "1970-01-01T00:00:01.500Z");
}

}  // namespace
}  // namespace daemonize
