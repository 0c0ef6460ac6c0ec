// RotatingLogWriter event by event: an in-memory file system and a clock the test moves.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "daemonize/watchdog/log_rotation.hpp"
#include "fake_files.hpp"

namespace daemonize::logs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::FakeFiles;

TimePoint utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
              int second = 0) {
  const std::chrono::sys_days date =
      std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day);
  return TimePoint(date) + hours(hour) + minutes(minute) + seconds(second);
}

// Sets TZ for one test and restores it afterwards.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> saved_;
};

class WriterTest : public ::testing::Test {
 protected:
  RotationSettings settings(std::uint64_t max_size = 0, std::uint32_t max_files = 5) {
    RotationSettings s;
    s.directory = "/logs";
    s.file_name = "out.log";
    s.max_size = max_size;
    s.max_files = max_files;
    return s;
  }
  std::unique_ptr<RotatingLogWriter> make(const RotationSettings& s) {
    return std::make_unique<RotatingLogWriter>(
        s, files, [this] { return now; }, [this](const std::string& m) { reports.push_back(m); });
  }
  std::string live() { return *files.files.at("/logs/out.log"); }

  FakeFiles files;
  TimePoint now = utc(2026, 11, 28, 6, 15);
  std::vector<std::string> reports;
};

TEST_F(WriterTest, WritesCompleteLinesAndHoldsAPartialLine) {
  auto writer = make(settings());
  writer->append(1, "one\ntw");
  EXPECT_EQ(live(), "one\n");
  writer->append(1, "o\nthree");
  EXPECT_EQ(live(), "one\ntwo\n");
  writer->finish_stream(1);
  EXPECT_EQ(live(), "one\ntwo\nthree");
  writer->append(1, "four\n");  // the unterminated line is ended before the next one
  EXPECT_EQ(live(), "one\ntwo\nthree\nfour\n");
}

TEST_F(WriterTest, TwoStreamsNeverShareALine) {
  auto writer = make(settings());
  writer->append(1, "out-a");
  writer->append(2, "err-a");
  writer->append(1, "-end\nout-b");
  writer->append(2, "-end\n");
  writer->append(1, "-end\n");
  EXPECT_EQ(live(), "out-a-end\nerr-a-end\nout-b-end\n");
}

TEST_F(WriterTest, RotatesBySizeAtLineBoundaries) {
  auto writer = make(settings(10, 100));
  writer->append(1, "aaaa\nbbbb\ncccc\n");  // 15 bytes: two lines fit in 10
  writer->append(1, "dd\nee\n");            // "dd" still fits after "cccc", "ee" does not
  const auto parts = files.contents_in_order("/logs", "out.log");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "aaaa\nbbbb\n");
  EXPECT_EQ(parts[1], "cccc\ndd\n");
  EXPECT_EQ(parts[2], "ee\n");
  EXPECT_EQ(writer->rotations(), 2u);
}

TEST_F(WriterTest, ALineLongerThanMaxSizeGoesWholeIntoItsOwnFile) {
  auto writer = make(settings(10, 100));
  writer->append(1, "ab\n");
  writer->append(1, std::string(25, 'x') + "\n");
  writer->append(1, "cd\n");
  const auto parts = files.contents_in_order("/logs", "out.log");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "ab\n");
  EXPECT_EQ(parts[1], std::string(25, 'x') + "\n");
  EXPECT_EQ(parts[2], "cd\n");
}

TEST_F(WriterTest, AVeryLongLineIsWrittenInChunksNotHeld) {
  auto writer = make(settings(1024, 100));
  writer->append(1, "first\n");
  const std::string piece(4096, 'y');
  std::size_t fed = 0;
  while (fed < 4 * RotatingLogWriter::kMaxPendingLine) {
    writer->append(1, piece);
    fed += piece.size();
  }
  // Most of the unterminated line is already on "disk": at most one chunk is held.
  const auto on_disk = files.contents_in_order("/logs", "out.log");
  std::size_t written = 0;
  for (const auto& part : on_disk) written += part.size();
  EXPECT_GE(written + RotatingLogWriter::kMaxPendingLine + piece.size(), fed + 6);
  writer->append(1, "\nnext\n");
  const auto parts = files.contents_in_order("/logs", "out.log");
  ASSERT_EQ(parts.size(), 3u);  // "first", the long line alone, "next"
  EXPECT_EQ(parts[0], "first\n");
  EXPECT_EQ(parts[1], std::string(fed, 'y') + "\n");
  EXPECT_EQ(parts[2], "next\n");
}

TEST_F(WriterTest, RotatedNamesSortByTimeAndStayUniqueWithinAMicrosecond) {
  auto writer = make(settings(4, 100));
  for (int i = 0; i < 12; ++i) writer->append(1, "abc\n");  // clock never moves
  std::vector<std::string> names;
  for (const auto& name : files.list("/logs")) {
    if (is_rotated_file_name("out.log", name)) names.push_back(name);
  }
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names.front(), "out.log.20261128T061500.000000Z");
  EXPECT_EQ(names.back(), "out.log.20261128T061500.000010Z");
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(WriterTest, NamingHelpers) {
  EXPECT_EQ(
      rotated_file_name("stdout.log", utc(2026, 1, 2, 3, 4, 5) + std::chrono::microseconds(42)),
      "stdout.log.20260102T030405.000042Z");
  EXPECT_TRUE(is_rotated_file_name("stdout.log", "stdout.log.20260102T030405.000042Z"));
  EXPECT_TRUE(is_rotated_file_name("stdout.log", "stdout.log.20260102T030405.000042Z.gz"));
  EXPECT_FALSE(is_rotated_file_name("stdout.log", "stdout.log.20260102T030405.000042Z.gz.tmp"));
  EXPECT_FALSE(is_rotated_file_name("stdout.log", "stderr.log.20260102T030405.000042Z"));
  EXPECT_FALSE(is_rotated_file_name("stdout.log", "stdout.log"));
  EXPECT_FALSE(is_rotated_file_name("stdout.log", "stdout.log.2026010XT030405.000042Z"));
}

TEST_F(WriterTest, RetentionKeepsTheNewestMaxFilesBySize) {
  auto writer = make(settings(4, 3));
  for (int i = 0; i < 10; ++i) {
    writer->append(1, "l" + std::to_string(i) + "\n");
    now += seconds(1);
  }
  EXPECT_EQ(files.rotated_count("/logs", "out.log"), 3u);
  const auto parts = files.contents_in_order("/logs", "out.log");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "l6\n");
  EXPECT_EQ(parts[3], "l9\n");
}

TEST_F(WriterTest, RetentionCountsAFileAndItsGzOnceAndIgnoresOthers) {
  files.files["/logs/out.log.20260101T000000.000000Z"] = std::make_shared<std::string>("a");
  files.files["/logs/out.log.20260101T000000.000000Z.gz"] = std::make_shared<std::string>("a");
  files.files["/logs/out.log.20260102T000000.000000Z.gz"] = std::make_shared<std::string>("b");
  files.files["/logs/out.log.20260103T000000.000000Z"] = std::make_shared<std::string>("c");
  files.files["/logs/other.log.20250101T000000.000000Z"] = std::make_shared<std::string>("x");
  enforce_retention(files, "/logs", "out.log", 2);
  EXPECT_FALSE(files.exists("/logs/out.log.20260101T000000.000000Z"));
  EXPECT_FALSE(files.exists("/logs/out.log.20260101T000000.000000Z.gz"));
  EXPECT_TRUE(files.exists("/logs/out.log.20260102T000000.000000Z.gz"));
  EXPECT_TRUE(files.exists("/logs/out.log.20260103T000000.000000Z"));
  EXPECT_TRUE(files.exists("/logs/other.log.20250101T000000.000000Z"));
  enforce_retention(files, "/logs", "out.log", 0);
  EXPECT_EQ(files.rotated_count("/logs", "out.log"), 0u);
}

TEST_F(WriterTest, RotatesHourlyAtTheUtcBoundaryWithRetention) {
  auto s = settings(0, 2);
  s.rotate_every = RotateEvery::hourly;
  auto writer = make(s);
  ASSERT_TRUE(writer->next_time_rotation());
  EXPECT_EQ(*writer->next_time_rotation(), utc(2026, 11, 28, 7));
  writer->append(1, "six\n");
  now = utc(2026, 11, 28, 6, 59, 59);
  writer->append(1, "still six\n");
  EXPECT_EQ(writer->rotations(), 0u);
  now = utc(2026, 11, 28, 7);
  writer->append(1, "seven\n");
  EXPECT_EQ(writer->rotations(), 1u);
  EXPECT_TRUE(files.exists("/logs/out.log.20261128T070000.000000Z"));
  EXPECT_EQ(*files.files.at("/logs/out.log.20261128T070000.000000Z"), "six\nstill six\n");
  EXPECT_EQ(live(), "seven\n");
  // tick() rotates at the boundary without new output; an empty file is not rotated.
  now = utc(2026, 11, 28, 8, 0, 1);
  writer->tick();
  EXPECT_EQ(writer->rotations(), 2u);
  now = utc(2026, 11, 28, 9, 0, 1);
  writer->tick();
  EXPECT_EQ(writer->rotations(), 2u);
  for (int hour = 10; hour < 16; ++hour) {
    now = utc(2026, 11, 28, hour, 30);
    writer->append(1, "h" + std::to_string(hour) + "\n");
  }
  EXPECT_EQ(files.rotated_count("/logs", "out.log"), 2u);
}

TEST_F(WriterTest, SizeAndTimeTogetherRotateOnEitherAndKeepMaxFiles) {
  auto s = settings(10, 3);
  s.rotate_every = RotateEvery::daily;
  auto writer = make(s);
  writer->append(1, "aaaa\nbbbb\ncccc\n");  // size: rotates within the day
  EXPECT_EQ(writer->rotations(), 1u);
  now = utc(2026, 11, 29, 0, 0, 1);
  writer->append(1, "dd\n");  // the day changed: rotates although the file is small
  EXPECT_EQ(writer->rotations(), 2u);
  EXPECT_EQ(live(), "dd\n");
  for (int i = 0; i < 10; ++i) writer->append(1, "eeee\n");
  EXPECT_EQ(files.rotated_count("/logs", "out.log"), 3u);
}

TEST_F(WriterTest, TimeRotationWaitsForAnOpenLongLineToEnd) {
  auto s = settings(0, 5);
  s.rotate_every = RotateEvery::hourly;
  auto writer = make(s);
  writer->append(1, std::string(RotatingLogWriter::kMaxPendingLine + 10, 'z'));
  now = utc(2026, 11, 28, 7, 0, 1);
  writer->append(1, "zz\n");
  EXPECT_EQ(writer->rotations(), 0u);
  writer->append(1, "after\n");
  EXPECT_EQ(writer->rotations(), 1u);
  EXPECT_EQ(live(), "after\n");
}

TEST(Boundaries, UtcDailyAndWeekly) {
  const TimePoint saturday = utc(2026, 11, 28, 6, 15);
  EXPECT_EQ(next_rotation_boundary(saturday, RotateEvery::daily, LogTimezone::utc),
            utc(2026, 11, 29));
  EXPECT_EQ(next_rotation_boundary(saturday, RotateEvery::weekly, LogTimezone::utc),
            utc(2026, 11, 30));  // Monday
  EXPECT_EQ(next_rotation_boundary(utc(2026, 11, 30), RotateEvery::weekly, LogTimezone::utc),
            utc(2026, 12, 7));
  EXPECT_EQ(next_rotation_boundary(saturday, RotateEvery::none, LogTimezone::utc), std::nullopt);
}

// Walks boundaries from `start` and returns them up to `end`.
std::vector<TimePoint> walk(TimePoint start, TimePoint end, RotateEvery every) {
  std::vector<TimePoint> out;
  TimePoint at = start;
  while (true) {
    const auto next = next_rotation_boundary(at, every, LogTimezone::local);
    if (!next || *next > end) break;
    EXPECT_GT(*next, at);
    out.push_back(*next);
    at = *next;
  }
  return out;
}

TEST(Boundaries, LocalHourlyAcrossBothDstChangesNeitherSkipsNorDoubles) {
  ScopedTimeZone zone("Europe/Berlin");
  // Spring forward 2026-03-29 01:00Z (02:00 CET -> 03:00 CEST): 24 real hours, 24 rotations.
  auto spring = walk(utc(2026, 3, 28, 12, 30), utc(2026, 3, 29, 12, 30), RotateEvery::hourly);
  ASSERT_EQ(spring.size(), 24u);
  for (std::size_t i = 1; i < spring.size(); ++i) EXPECT_EQ(spring[i] - spring[i - 1], hours(1));
  // Fall back 2026-10-25 01:00Z (03:00 CEST -> 02:00 CET): the repeated hour gets its own file.
  auto fall = walk(utc(2026, 10, 24, 12, 30), utc(2026, 10, 25, 12, 30), RotateEvery::hourly);
  ASSERT_EQ(fall.size(), 24u);
  for (std::size_t i = 1; i < fall.size(); ++i) EXPECT_EQ(fall[i] - fall[i - 1], hours(1));
}

TEST(Boundaries, LocalDailyFollowsLocalMidnightAcrossDst) {
  ScopedTimeZone zone("Europe/Berlin");
  auto days = walk(utc(2026, 3, 27, 12), utc(2026, 3, 31, 12), RotateEvery::daily);
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0], utc(2026, 3, 27, 23));  // 00:00 CET
  EXPECT_EQ(days[1], utc(2026, 3, 28, 23));  // 00:00 CET on the day of the change
  EXPECT_EQ(days[2], utc(2026, 3, 29, 22));  // 00:00 CEST: a 23-hour day
  EXPECT_EQ(days[3], utc(2026, 3, 30, 22));
  auto autumn = walk(utc(2026, 10, 24, 12), utc(2026, 10, 26, 12), RotateEvery::daily);
  ASSERT_EQ(autumn.size(), 2u);
  EXPECT_EQ(autumn[0], utc(2026, 10, 24, 22));  // 00:00 CEST
  EXPECT_EQ(autumn[1], utc(2026, 10, 25, 23));  // 00:00 CET: a 25-hour day
  auto weeks = walk(utc(2026, 3, 25, 12), utc(2026, 4, 7), RotateEvery::weekly);
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0], utc(2026, 3, 29, 22));  // Monday 30 March 00:00 CEST
  EXPECT_EQ(weeks[1], utc(2026, 4, 5, 22));
}

TEST(Boundaries, LocalDailyWhenMidnightDoesNotExist) {
  // Chile starts DST at 24:00 on the first Saturday of September: 2026-09-06 00:00 is skipped.
  ScopedTimeZone zone("America/Santiago");
  auto days = walk(utc(2026, 9, 4, 16), utc(2026, 9, 8, 12), RotateEvery::daily);
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0], utc(2026, 9, 5, 4));  // 00:00 -04
  EXPECT_EQ(days[1], utc(2026, 9, 6, 4));  // 00:00 does not exist: 01:00 -03, once
  EXPECT_EQ(days[2], utc(2026, 9, 7, 3));  // 00:00 -03
  EXPECT_EQ(days[3], utc(2026, 9, 8, 3));
}

TEST_F(WriterTest, TimestampsPrefixEveryLineButNotAContinuedChunk) {
  auto s = settings();
  s.timestamps = true;
  auto writer = make(s);
  now = utc(2026, 11, 28, 6, 15, 7) + std::chrono::microseconds(1234);
  writer->append(1, "a\nb\n");
  EXPECT_EQ(live(),
            "2026-11-28T06:15:07.001234Z a\n"
            "2026-11-28T06:15:07.001234Z b\n");
  writer->append(2, std::string(RotatingLogWriter::kMaxPendingLine + 1, 'q'));
  writer->append(2, "q\n");
  const std::string all = live();
  EXPECT_EQ(all.substr(all.size() - 3), "qq\n");
  EXPECT_EQ(all.find("Z q"), 86u);
  EXPECT_EQ(all.find("Z q", 87), std::string::npos);  // one prefix for the whole long line
}

TEST(Timestamps, LocalCarriesTheOffset) {
  ScopedTimeZone zone("Europe/Berlin");
  EXPECT_EQ(format_line_timestamp(utc(2026, 7, 1, 12), LogTimezone::local),
            "2026-07-01T14:00:00.000000+02:00 ");
  EXPECT_EQ(format_line_timestamp(utc(2026, 7, 1, 12), LogTimezone::utc),
            "2026-07-01T12:00:00.000000Z ");
}

TEST_F(WriterTest, DiskFullDropsCountsReportsOnceAMinuteAndResumes) {
  auto writer = make(settings());
  files.space_left = 10;
  writer->append(1, "0123456789abc\n");  // 10 bytes fit, 4 dropped, the line is torn
  for (int i = 0; i < 100; ++i) {
    now += seconds(1);
    EXPECT_NO_THROW(writer->append(1, "line\n"));
  }
  EXPECT_EQ(writer->dropped_bytes(), 4u + 100u * 5u);
  ASSERT_EQ(reports.size(), 2u);  // at t=0 and t=60s
  EXPECT_NE(reports[0].find("No space left"), std::string::npos);
  files.space_left.reset();
  now += minutes(2);
  writer->append(1, "back\n");
  EXPECT_EQ(live(), "0123456789\nback\n");  // the torn line is ended before new lines
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_NE(reports[2].find("again"), std::string::npos);
}

TEST_F(WriterTest, OpenFailuresAreRetriedAtMostOnceASecond) {
  files.fail_open_errno = EACCES;
  auto writer = make(settings());
  const int opens_after_start = files.opens;
  for (int i = 0; i < 50; ++i) writer->append(1, "x\n");
  EXPECT_EQ(files.opens, opens_after_start);
  EXPECT_EQ(writer->dropped_bytes(), 100u);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("Permission denied"), std::string::npos);
  files.fail_open_errno = 0;
  now += seconds(2);
  writer->append(1, "ok\n");
  EXPECT_EQ(live(), "ok\n");
}

TEST_F(WriterTest, ProbeSaysWhyAFileCannotBeOpenedAndCreatesItAsTheWriterWould) {
  files.fail_open_errno = EACCES;
  EXPECT_EQ(probe_log_file(files, "/logs", "out.log"), EACCES);
  files.fail_open_errno = 0;
  EXPECT_EQ(probe_log_file(files, "/logs", "out.log"), 0);
  EXPECT_EQ(live(), "") << "created as the writer would";
  auto writer = make(settings());
  writer->append(1, "first\n");
  EXPECT_EQ(live(), "first\n");
  EXPECT_TRUE(reports.empty());
}

TEST_F(WriterTest, ReopenFollowsAnExternalRename) {
  auto writer = make(settings());
  writer->append(1, "before\n");
  ASSERT_EQ(files.rename("/logs/out.log", "/logs/out.log.1"), 0);
  writer->append(1, "still old\n");
  writer->reopen();
  writer->append(1, "after\n");
  EXPECT_EQ(*files.files.at("/logs/out.log.1"), "before\nstill old\n");
  EXPECT_EQ(live(), "after\n");
}

TEST_F(WriterTest, TickReopensWhenTheFileVanished) {
  auto writer = make(settings());
  writer->append(1, "before\n");
  files.remove("/logs/out.log");
  writer->tick();
  writer->append(1, "after\n");
  EXPECT_EQ(live(), "after\n");
}

}  // namespace
}  // namespace daemonize::logs
