// The final state of a detached watchdog (final_marker.hpp): when it is written, when it holds,
// and its file round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemonize/watchdog/final_marker.hpp"

namespace daemonize {
namespace {

TEST(FinalMarker, WrittenWhenTheWatchdogEndsForGoodNotOnAStopRequest) {
  EXPECT_EQ(final_marker_reason("gave_up", false), "gave_up");
  EXPECT_EQ(final_marker_reason("gave_up", true), "gave_up");  // gave up before the stop came
  // policy never, or on-failure after a success exit code: the program ended, nobody restarts it
  EXPECT_EQ(final_marker_reason("stopped", false), "exited");
  // SIGTERM/SIGINT: `daemonize stop` writes its own marker; a shutdown leaves none
  EXPECT_EQ(final_marker_reason("stopped", true), std::nullopt);
}

FinalMarker marker(const std::string& boot, const std::string& digest) {
  FinalMarker value;
  value.reason = "gave_up";
  value.exit_code = 75;
  value.boot_id = boot;
  value.manifest_digest = digest;
  return value;
}

TEST(FinalMarker, HoldsOnlyInTheSameBootForTheSameManifest) {
  const auto digest = manifest_digest("[service]\nname = \"a\"\n");
  EXPECT_TRUE(final_marker_holds(marker("boot-1", digest), "boot-1", digest));
  EXPECT_FALSE(final_marker_holds(marker("boot-1", digest), "boot-2", digest)) << "a reboot";
  const auto redeployed = manifest_digest("[service]\nname = \"a\"\n# new\n");
  EXPECT_NE(redeployed, digest);
  EXPECT_FALSE(final_marker_holds(marker("boot-1", digest), "boot-1", redeployed))
      << "a changed manifest";
  EXPECT_FALSE(final_marker_holds(marker("boot-1", digest), "boot-1", ""))
      << "an unreadable manifest";
  EXPECT_FALSE(final_marker_holds(marker("boot-1", ""), "boot-1", "")) << "no digest recorded";
}

TEST(FinalMarker, DigestIsStableAndNamed) {
  EXPECT_EQ(manifest_digest(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(manifest_digest("a"), "fnv1a64:af63dc4c8601ec8c");
}

TEST(FinalMarker, FileRoundTripAndRemoval) {
  const auto directory =
      std::filesystem::temp_directory_path() /
      ("dz-final-marker-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(directory);
  EXPECT_FALSE(read_final_marker(directory));
  auto written = marker("boot-1", "fnv1a64:0000000000000001");
  written.last_exit = "exit code 3";
  written.at = "2026-12-07T04:00:00.000Z";
  written.manifest = "/etc/daemonize/a.toml";
  ASSERT_EQ(write_final_marker(directory, written), "");
  const auto read = read_final_marker(directory);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->reason, "gave_up");
  EXPECT_EQ(read->exit_code, 75);
  EXPECT_EQ(read->last_exit, "exit code 3");
  EXPECT_EQ(read->at, written.at);
  EXPECT_EQ(read->boot_id, "boot-1");
  EXPECT_EQ(read->manifest, written.manifest);
  EXPECT_EQ(read->manifest_digest, written.manifest_digest);
  EXPECT_EQ(describe_final_marker(*read), "gave up (exit 75) at 2026-12-07T04:00:00.000Z");
  EXPECT_TRUE(remove_final_marker(directory));
  EXPECT_FALSE(read_final_marker(directory));
  std::filesystem::remove_all(directory);
}

TEST(FinalMarker, HoldingMarkerComparesWithTheManifestFileAndThisBoot) {
  const auto directory = std::filesystem::temp_directory_path() / "dz-final-marker-holding";
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  const auto manifest = directory / "a.toml";
  std::ofstream(manifest) << "[service]\nname = \"a\"\n";
  FinalMarker written = marker(current_boot_id(), manifest_file_digest(manifest));
  written.manifest = manifest.string();
  ASSERT_EQ(write_final_marker(directory, written), "");
  EXPECT_TRUE(holding_final_marker(directory, manifest));
  std::ofstream(manifest, std::ios::app) << "# deployed again\n";
  EXPECT_FALSE(holding_final_marker(directory, manifest));
  std::filesystem::remove_all(directory);
}

TEST(FinalMarker, NotAMarker) {
  EXPECT_FALSE(final_marker_from_json("{}"));
  EXPECT_FALSE(final_marker_from_json("not json"));
}

}  // namespace
}  // namespace daemonize
