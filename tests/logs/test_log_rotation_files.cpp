// RotatingLogWriter on real files: numbered lines across many rotations, retention in every
// mode, gzip round trip, and a full 1 MiB tmpfs.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemonize/watchdog/log_rotation.hpp"
#include "log_file_checks.hpp"

namespace daemonize::logs {
namespace {

namespace fs = std::filesystem;
using testing::expect_every_line_once_in_order;
using testing::numbered_line;
using testing::read_file;
using testing::rotated_count;
using testing::segments;
using testing::TempDirectory;

// Feeds both streams in random-sized reads (as pipes deliver them), interleaved at random.
void feed_numbered_lines(RotatingLogWriter& out, RotatingLogWriter& err, int per_stream,
                         unsigned seed) {
  std::mt19937 random(seed);
  std::string streams[2];
  for (int i = 0; i < per_stream; ++i) {
    streams[0] += numbered_line("out", i);
    streams[1] += numbered_line("err", i);
  }
  std::size_t offsets[2] = {0, 0};
  std::uniform_int_distribution<std::size_t> size(1, 16384);
  while (offsets[0] < streams[0].size() || offsets[1] < streams[1].size()) {
    int which = static_cast<int>(random() % 2);
    if (offsets[which] == streams[which].size()) which = 1 - which;
    const std::size_t take = std::min(size(random), streams[which].size() - offsets[which]);
    (which == 0 ? out : err)
        .append(which + 1, std::string_view(streams[which]).substr(offsets[which], take));
    offsets[which] += take;
  }
  out.finish_stream(1);
  err.finish_stream(2);
}

const LogClock real_clock = [] { return std::chrono::system_clock::now(); };

RotationSettings settings(const std::string& directory, const std::string& file) {
  RotationSettings s;
  s.directory = directory;
  s.file_name = file;
  s.max_size = 128 * 1024;
  s.max_files = 100000;  // keep everything: the test reads it all back
  return s;
}

constexpr int kLinesPerStream = 100000;  // 200 000 numbered lines in all

TEST(NumberedLines, BothStreamsIntoOneFileAcrossManyRotations) {
  TempDirectory dir;
  std::vector<std::string> reports;
  RotatingLogWriter writer(settings(dir.path(), "both.log"), posix_log_file_system(), real_clock,
                           [&](const std::string& m) { reports.push_back(m); });
  feed_numbered_lines(writer, writer, kLinesPerStream, 7);
  EXPECT_GE(writer.rotations(), 50u);
  EXPECT_EQ(writer.dropped_bytes(), 0u);
  EXPECT_TRUE(reports.empty());
  expect_every_line_once_in_order(segments(dir.path(), "both.log"), kLinesPerStream, false);
}

TEST(NumberedLines, SeparateFilesWithTimestamps) {
  TempDirectory dir;
  auto s_out = settings(dir.path(), "stdout.log");
  auto s_err = settings(dir.path(), "stderr.log");
  s_out.timestamps = s_err.timestamps = true;
  RotatingLogWriter out(s_out, posix_log_file_system(), real_clock, nullptr);
  RotatingLogWriter err(s_err, posix_log_file_system(), real_clock, nullptr);
  feed_numbered_lines(out, err, kLinesPerStream, 11);
  EXPECT_GE(out.rotations(), 50u);
  EXPECT_GE(err.rotations(), 50u);
  auto parts = segments(dir.path(), "stdout.log");
  auto err_parts = segments(dir.path(), "stderr.log");
  parts.insert(parts.end(), err_parts.begin(), err_parts.end());
  expect_every_line_once_in_order(parts, kLinesPerStream, true);
}

TEST(NumberedLines, CompressedRotationsDecompressToExactlyWhatWasWritten) {
  TempDirectory dir;
  auto s = settings(dir.path(), "both.log");
  s.compress = true;
  std::vector<std::string> reports;
  {
    CompressionWorker worker(posix_log_file_system(), s,
                             [&](const std::string& m) { reports.push_back(m); });
    RotatingLogWriter writer(s, posix_log_file_system(), real_clock, nullptr, &worker);
    feed_numbered_lines(writer, writer, kLinesPerStream / 4, 5);
    EXPECT_GE(writer.rotations(), 10u);
    worker.wait_idle();
  }
  EXPECT_TRUE(reports.empty()) << reports.front();
  std::size_t gz = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (is_rotated_file_name("both.log", name)) {
      EXPECT_TRUE(name.ends_with(".gz")) << name;
      ++gz;
      struct stat info {};
      ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
      EXPECT_EQ(info.st_mode & 0777, 0640u);
    }
    EXPECT_FALSE(name.ends_with(".tmp")) << name;
  }
  EXPECT_GE(gz, 10u);
  expect_every_line_once_in_order(segments(dir.path(), "both.log"), kLinesPerStream / 4, false);
}

TEST(Retention, HonouredBySizeByTimeAndWithCompression) {
  for (int mode = 0; mode < 3; ++mode) {
    SCOPED_TRACE(mode);
    TempDirectory dir;
    auto s = settings(dir.path(), "svc.log");
    s.max_files = 3;
    TimePoint now = std::chrono::sys_days(std::chrono::year(2026) / 11 / 28);
    LogClock clock = [&] { return now; };
    if (mode == 1) {
      s.max_size = 0;
      s.rotate_every = RotateEvery::hourly;
    }
    s.compress = mode == 2;
    std::optional<CompressionWorker> worker;
    if (s.compress) worker.emplace(posix_log_file_system(), s, nullptr);
    RotatingLogWriter writer(s, posix_log_file_system(), clock, nullptr,
                             worker ? &*worker : nullptr);
    for (int i = 0; i < 40; ++i) {
      writer.append(1, std::string(50 * 1024, 'a' + static_cast<char>(i % 26)) + "\n");
      now += std::chrono::minutes(30);
    }
    if (worker) worker->wait_idle();
    EXPECT_GE(writer.rotations(), 15u);
    EXPECT_EQ(rotated_count(dir.path(), "svc.log"), 3u);
  }
}

TEST(Files, CreatedWithoutFollowingSymlinksAndNotWorldReadable) {
  TempDirectory dir;
  const fs::path target = fs::path(dir.path()) / "target";
  { std::ofstream(target) << "secret\n"; }
  fs::create_symlink(target, fs::path(dir.path()) / "link.log");
  std::vector<std::string> reports;
  {
    RotatingLogWriter writer(settings(dir.path(), "link.log"), posix_log_file_system(), real_clock,
                             [&](const std::string& m) { reports.push_back(m); });
    writer.append(1, "must not reach the target\n");
    EXPECT_GT(writer.dropped_bytes(), 0u);
  }
  EXPECT_EQ(read_file(target), "secret\n");
  ASSERT_FALSE(reports.empty());
  RotatingLogWriter writer(settings(dir.path(), "plain.log"), posix_log_file_system(), real_clock,
                           nullptr);
  writer.append(1, "x\n");
  struct stat info {};
  ASSERT_EQ(::stat((fs::path(dir.path()) / "plain.log").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
}

TEST(Files, DirectoryRemovedThenRecreated) {
  TempDirectory dir;
  const std::string logs = dir.path() + "/logs";
  RotatingLogWriter writer(settings(logs, "svc.log"), posix_log_file_system(), real_clock, nullptr);
  writer.append(1, "one\n");
  fs::remove_all(logs);
  writer.tick();  // notices the vanished file and reopens (recreating the directory)
  writer.append(1, "two\n");
  EXPECT_EQ(read_file(logs + "/svc.log"), "two\n");
}

// A 1 MiB tmpfs: writes fail with ENOSPC, the writer keeps accepting (so the pipes drain),
// counts what it drops, and writes again once space is freed.
TEST(DiskFull, TmpfsFillsAndWritingResumesAfterSpaceIsFreed) {
  TempDirectory dir;
  const std::string mount_point = dir.path() + "/tmpfs";
  fs::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "cannot mount a tmpfs under CI";
    GTEST_SKIP() << "cannot mount tmpfs (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};
  const fs::path ballast = fs::path(mount_point) / "ballast";
  {
    std::ofstream out(ballast, std::ios::binary);
    out << std::string(512 * 1024, 'b');
  }
  auto s = settings(mount_point, "svc.log");
  s.max_size = 64 * 1024;
  s.max_files = 100;
  std::vector<std::string> reports;
  RotatingLogWriter writer(s, posix_log_file_system(), real_clock,
                           [&](const std::string& m) { reports.push_back(m); });
  for (int i = 0; i < 40000; ++i) {
    ASSERT_NO_THROW(writer.append(1, numbered_line("out", i)));
  }
  EXPECT_GT(writer.dropped_bytes(), 1000000u);
  ASSERT_GE(reports.size(), 1u);
  EXPECT_LE(reports.size(), 2u);  // at most once a minute (plus a possible resume)
  EXPECT_NE(reports[0].find("No space left"), std::string::npos) << reports[0];
  fs::remove(ballast);
  for (const auto& entry : fs::directory_iterator(mount_point)) {
    if (is_rotated_file_name("svc.log", entry.path().filename().string())) fs::remove(entry);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // reopen throttle
  writer.append(1, "after the disk was freed\n");
  writer.append(1, "and more\n");
  const std::string live = read_file(fs::path(mount_point) / "svc.log");
  EXPECT_TRUE(live.ends_with("after the disk was freed\nand more\n")) << live.size();
}

}  // namespace
}  // namespace daemonize::logs
