// Reading what the log writer leaves: the file chain (rotated, gzipped, live), the last N lines
// across it, --since parsing and filtering, and following across rotations. Real files in a
// temporary directory; gzip through the writer's own gzip_file().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "daemonize/watchdog/log_reading.hpp"
#include "daemonize/watchdog/log_rotation.hpp"

namespace daemonize::logs {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Clock::time_point utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                      int second = 0) {
  const std::chrono::sys_days date =
      std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day);
  return Clock::time_point(date) + hours(hour) + minutes(minute) + seconds(second);
}

class LogReading : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("daemonize-log-reading-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  void write(const std::string& name, const std::string& content, bool append = false) {
    std::ofstream out(directory_ / name, append ? std::ios::app : std::ios::trunc);
    out << content;
  }
  // Lines "prefix first".."prefix last", one per line.
  static std::string numbered(const std::string& prefix, int first, int last) {
    std::string text;
    for (int i = first; i <= last; ++i) text += prefix + std::to_string(i) + "\n";
    return text;
  }
  std::string rotated(int second) const {
    return rotated_file_name("out.log", utc(2026, 12, 7, 6, 0, second));
  }
  void gzip(const std::string& name) { ASSERT_EQ(gzip_file((directory_ / name).string()), ""); }

  fs::path directory_;
};

TEST_F(LogReading, ChainIsRotatedOldestFirstThenLiveAndIgnoresOtherFiles) {
  write(rotated(2), "b\n");
  write(rotated(1), "a\n");
  gzip(rotated(1));
  write(rotated(3), "c\n");
  // An interrupted compression: both the file and its .gz; the complete plain file counts.
  write(rotated(3) + ".gz", "partial");
  write(rotated(4) + ".gz.tmp", "in progress");
  write("out.log", "d\n");
  write("out.log.1", "logrotate's, not ours\n");
  write("other.log", "x\n");
  const auto chain = log_file_chain(directory_, "out.log");
  ASSERT_EQ(chain.size(), 4U);
  EXPECT_EQ(chain[0].filename().string(), rotated(1) + ".gz");
  EXPECT_EQ(chain[1].filename().string(), rotated(2));
  EXPECT_EQ(chain[2].filename().string(), rotated(3));
  EXPECT_EQ(chain[3].filename().string(), "out.log");
}

TEST_F(LogReading, LastLinesSpanRotatedAndGzippedFiles) {
  write(rotated(1), numbered("line ", 1, 100));
  gzip(rotated(1));
  write(rotated(2), numbered("line ", 101, 150));
  write("out.log", numbered("line ", 151, 160));
  const auto chain = log_file_chain(directory_, "out.log");
  EXPECT_EQ(read_log_file(chain[0]), numbered("line ", 1, 100));

  const auto last = last_log_lines(chain, 75);
  ASSERT_EQ(last.size(), 75U);
  for (int i = 0; i < 75; ++i)
    EXPECT_EQ(last[static_cast<std::size_t>(i)], "line " + std::to_string(86 + i));
  EXPECT_EQ(last_log_lines(chain, 3),
            (std::vector<std::string>{"line 158", "line 159", "line 160"}));
  EXPECT_EQ(last_log_lines(chain, 1000).size(), 160U);
  EXPECT_TRUE(last_log_lines(chain, 0).empty());
}

TEST_F(LogReading, LastLinesKeepAPartialLastLineAndEmptyFiles) {
  write(rotated(1), "a\nb\n");
  write("out.log", "");
  write("out.log", "c\nhalf", true);
  EXPECT_EQ(last_log_lines(log_file_chain(directory_, "out.log"), 3),
            (std::vector<std::string>{"b", "c", "half"}));
}

TEST(LogSince, DurationsCountBackFromNow) {
  const auto now = utc(2026, 12, 7, 12);
  std::string error;
  EXPECT_EQ(parse_since("90s", now, error), now - seconds(90));
  EXPECT_EQ(parse_since("10m", now, error), now - minutes(10));
  EXPECT_EQ(parse_since("2h", now, error), now - hours(2));
  EXPECT_EQ(parse_since("1d", now, error), now - hours(24));
  EXPECT_EQ(parse_since("1w", now, error), now - hours(24 * 7));
  EXPECT_EQ(parse_since("1h30m", now, error), now - minutes(90));
  EXPECT_EQ(error, "");
}

TEST(LogSince, IsoInstantsWithAZoneAreExact) {
  const auto now = utc(2026, 12, 7, 12);
  std::string error;
  EXPECT_EQ(parse_since("2026-12-07T06:00:00Z", now, error), utc(2026, 12, 7, 6));
  EXPECT_EQ(parse_since("2026-12-07T07:00:00+01:00", now, error), utc(2026, 12, 7, 6));
  EXPECT_EQ(parse_since("2026-12-07T01:30-0430", now, error), utc(2026, 12, 7, 6));
  EXPECT_EQ(parse_since("2026-12-07T06:00:00.250Z", now, error),
            utc(2026, 12, 7, 6) + std::chrono::milliseconds(250));
  EXPECT_EQ(error, "");
}

TEST(LogSince, WithoutAZoneMeansLocalTime) {
  const char* saved = std::getenv("TZ");
  const std::string old = saved ? saved : "";
  ::setenv("TZ", "Europe/Berlin", 1);
  ::tzset();
  std::string error;
  const auto now = utc(2026, 12, 7, 12);
  EXPECT_EQ(parse_since("2026-12-07 07:00", now, error), utc(2026, 12, 7, 6));
  EXPECT_EQ(parse_since("2026-12-07T07:00:00", now, error), utc(2026, 12, 7, 6));
  EXPECT_EQ(parse_since("2026-12-07", now, error), utc(2026, 12, 6, 23));
  EXPECT_EQ(parse_since("2026-07-01", now, error), utc(2026, 6, 30, 22));  // summer time
  if (saved) {
    ::setenv("TZ", old.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST(LogSince, AnythingElseIsRefusedWithTheAcceptedForms) {
  const auto now = utc(2026, 12, 7, 12);
  for (const std::string bad : {"yesterday", "10", "10x", "5m3", "", "2026-13-01",
                                "2026-12-07T25:00", "2026-12-07T06:00:00Zjunk", "-5m"}) {
    std::string error;
    EXPECT_FALSE(parse_since(bad, now, error)) << bad;
    EXPECT_EQ(error, "--since: '" + bad +
                         "' is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a date and time "
                         "(2026-12-07T06:00:00Z, 2026-12-07 07:00, 2026-12-07)");
  }
}

TEST(LogSince, LineTimestampsAreTheWritersAndTheWatchdogsPrefixes) {
  EXPECT_EQ(line_timestamp("2026-11-28T06:15:00.123456Z hello"),
            utc(2026, 11, 28, 6, 15) + std::chrono::microseconds(123456));
  EXPECT_EQ(line_timestamp("2026-11-28T07:15:00.000001+01:00 hello"),
            utc(2026, 11, 28, 6, 15) + std::chrono::microseconds(1));
  EXPECT_EQ(line_timestamp("2026-11-28T06:15:00.123Z daemonize[web] info: spawned pid 7"),
            utc(2026, 11, 28, 6, 15) + std::chrono::milliseconds(123));
  EXPECT_FALSE(line_timestamp("hello 2026-11-28T06:15:00Z"));
  EXPECT_FALSE(line_timestamp("2026-11-28T06:15:00 no zone"));
  EXPECT_FALSE(line_timestamp("2026-11-28 06:15:00Z"));
  EXPECT_FALSE(line_timestamp(""));
}

TEST_F(LogReading, SinceDropsStampedLinesBeforeItAndTheirContinuations) {
  write("out.log",
        "2026-12-07T05:59:59.000000Z old\n"
        "  continuation of old\n"
        "2026-12-07T06:00:00.000000Z new\n"
        "  continuation of new\n"
        "2026-12-07T06:00:01.000000Z newer\n");
  const auto lines =
      last_log_lines(log_file_chain(directory_, "out.log"), 100, utc(2026, 12, 7, 6));
  EXPECT_EQ(lines,
            (std::vector<std::string>{"2026-12-07T06:00:00.000000Z new", "  continuation of new",
                                      "2026-12-07T06:00:01.000000Z newer"}));
}

TEST_F(LogReading, SinceSkipsFilesLastWrittenBeforeIt) {
  write(rotated(1), "old file\n");
  write("out.log", "live file\n");
  const auto old_time = fs::file_time_type::clock::now() - hours(2);
  fs::last_write_time(directory_ / rotated(1), old_time);
  const auto chain = log_file_chain(directory_, "out.log");
  EXPECT_EQ(last_log_lines(chain, 10, Clock::now() - hours(1)),
            (std::vector<std::string>{"live file"}));
  EXPECT_EQ(last_log_lines(chain, 10, Clock::now() - hours(3)),
            (std::vector<std::string>{"old file", "live file"}));
}

TEST_F(LogReading, FollowerStartsAtTheEndAndReturnsOnlyCompleteLines) {
  write("out.log", "before\n");
  LogFollower follower(directory_, "out.log");
  EXPECT_TRUE(follower.poll().empty());
  write("out.log", "one\ntw", true);
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"one"}));
  write("out.log", "o\n", true);
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"two"}));
}

TEST_F(LogReading, FollowerReadsTheRestOfARotatedFileThenTheNewOne) {
  write("out.log", "1\n");
  LogFollower follower(directory_, "out.log");
  write("out.log", "2\n3\n", true);
  // The writer rotates: renames the live file, then creates a new one on the next write.
  fs::rename(directory_ / "out.log", directory_ / rotated(1));
  EXPECT_TRUE(follower.poll() == (std::vector<std::string>{"2", "3"}));
  write("out.log", "4\n");
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"4"}));
}

TEST_F(LogReading, FollowerReadsARotatedFileThatWasCompressedMeanwhile) {
  write("out.log", "1\n");
  LogFollower follower(directory_, "out.log");
  write("out.log", "2\n", true);
  fs::rename(directory_ / "out.log", directory_ / rotated(1));
  gzip(rotated(1));
  write("out.log", "3\n");
  fs::rename(directory_ / "out.log", directory_ / rotated(2));  // a second rotation, unseen
  write("out.log", "4\n");
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"2", "3", "4"}));
}

TEST_F(LogReading, FollowerStartsOverOnATruncatedFile) {
  write("out.log", "a long first line\n");
  LogFollower follower(directory_, "out.log");
  write("out.log", "x\n");  // truncated and rewritten (copytruncate)
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"x"}));
}

TEST_F(LogReading, FollowerWaitsForAFileThatDoesNotExistYet) {
  LogFollower follower(directory_, "out.log");
  EXPECT_TRUE(follower.poll().empty());
  write("out.log", "first\n");
  EXPECT_EQ(follower.poll(), (std::vector<std::string>{"first"}));
}

TEST_F(LogReading, AfterLastLinesSpansRotatedFilesAndFollowsRightAfterThem) {
  write(rotated(1), numbered("", 1, 3));
  gzip(rotated(1));
  write("out.log", "4\n5\n6");  // "6" is still being written
  auto start = LogFollower::after_last_lines(directory_, "out.log", 4, std::nullopt);
  EXPECT_EQ(start.last_lines, (std::vector<std::string>{"2", "3", "4", "5"}));
  write("out.log", "\n7\n", true);
  EXPECT_EQ(start.follower.poll(), (std::vector<std::string>{"6", "7"}));
  EXPECT_TRUE(
      LogFollower::after_last_lines(directory_, "out.log", 0, std::nullopt).last_lines.empty());
}

// `logs -n 1 -f` against a writer that appends and rotates as fast as it can: every line after
// the first one printed comes exactly once, in order (nothing falls between the two steps).
TEST_F(LogReading, AfterLastLinesLosesNothingToAConcurrentWriter) {
  for (int trial = 0; trial < 20; ++trial) {
    write("out.log", "0\n");
    std::atomic<bool> done = false;
    std::atomic<int> written = 0;
    std::thread writer([&] {
      for (int i = 1; i <= 400; ++i) {
        write("out.log", std::to_string(i) + "\n", true);
        if (i % 50 == 0) fs::rename(directory_ / "out.log", directory_ / rotated(i / 50));
        written = i;
      }
      done = true;
    });
    while (written < 20 + trial * 5) std::this_thread::yield();  // start in the middle of it
    auto start = LogFollower::after_last_lines(directory_, "out.log", 1, std::nullopt);
    std::vector<std::string> lines = start.last_lines;
    for (bool last = false; !last;) {
      last = done;
      for (auto& line : start.follower.poll()) lines.push_back(std::move(line));
    }
    writer.join();
    ASSERT_EQ(lines.empty() ? -1 : std::stoi(lines.back()), 400) << "trial " << trial;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      ASSERT_EQ(std::stoi(lines[i]), std::stoi(lines[i - 1]) + 1) << "trial " << trial;
    }
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
}

}  // namespace
}  // namespace daemonize::logs
