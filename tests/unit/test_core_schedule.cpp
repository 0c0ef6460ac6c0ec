// [schedule]: the cron expression parser, its systemd/launchd forms, and what the loader
// accepts and reports at FILE:LINE:COL.
#include <gtest/gtest.h>

#include <variant>

#include "daemonize/core/loader.hpp"
#include "daemonize/core/schedule.hpp"

using namespace daemonize;

namespace {

CronExpression parsed(std::string_view text) {
  auto result = parse_cron(text);
  if (const auto* error = std::get_if<CronError>(&result)) {
    ADD_FAILURE() << text << ": " << error->message;
    return {};
  }
  return std::get<CronExpression>(result);
}

CronError refused(std::string_view text) {
  auto result = parse_cron(text);
  EXPECT_TRUE(std::holds_alternative<CronError>(result)) << text << " was accepted";
  return std::holds_alternative<CronError>(result) ? std::get<CronError>(result) : CronError{};
}

std::vector<int> values(std::string_view text, CronFieldKind kind) {
  return parsed(text).field(kind).values;
}

std::vector<std::string> messages(std::string_view text) {
  std::vector<std::string> lines;
  for (const auto& d : load_manifest_text(text, "job.toml", TargetOs::linux).diagnostics)
    lines.push_back(format_diagnostic(d));
  return lines;
}

constexpr std::string_view head = R"([service]
name = "backup"
command = "/usr/bin/backup"
)";

}  // namespace

TEST(CronExpression, ListsRangesStepsAndNames) {
  EXPECT_EQ(values("*/15 * * * *", CronFieldKind::minute), (std::vector<int>{0, 15, 30, 45}));
  EXPECT_EQ(values("0 8-18/5 * * *", CronFieldKind::hour), (std::vector<int>{8, 13, 18}));
  EXPECT_EQ(values("0 0 1,15,31 * *", CronFieldKind::day_of_month), (std::vector<int>{1, 15, 31}));
  EXPECT_EQ(values("0 0 * JAN-mar,dec *", CronFieldKind::month), (std::vector<int>{1, 2, 3, 12}));
  EXPECT_EQ(values("0 0 * * mon-fri", CronFieldKind::day_of_week),
            (std::vector<int>{1, 2, 3, 4, 5}));
  // 7 is Sunday as 0 is.
  EXPECT_EQ(values("0 0 * * 5-7", CronFieldKind::day_of_week), (std::vector<int>{0, 5, 6}));
  EXPECT_TRUE(parsed("0 0 * * 0-7").field(CronFieldKind::day_of_week).all);
  EXPECT_TRUE(parsed("* * * * *").field(CronFieldKind::minute).all);
}

TEST(CronExpression, ErrorsNameTheFieldAndItsOffset) {
  auto error = refused("30 25 * * *");
  EXPECT_EQ(error.message, "the hour field has 25, outside 0-23");
  EXPECT_EQ(error.offset, 3U);
  error = refused("0 0 * jab *");
  EXPECT_EQ(error.message,
            "the month field has 'jab' where a number or a month name (jan..dec) belongs");
  EXPECT_EQ(error.offset, 6U);
  error = refused("*/0 * * * *");
  EXPECT_EQ(error.message, "the minute field has step '0' (a step is a number from 1)");
  EXPECT_EQ(error.offset, 2U);
  error = refused("0 0 * * fri-mon");
  EXPECT_EQ(error.message,
            "the day of week field has the range 'fri-mon', whose start is after "
            "its end");
  EXPECT_EQ(error.offset, 8U);
  EXPECT_EQ(refused("5/10 * * * *").message,
            "the minute field has '5/10': a step follows '*' or a range (\"*/n\", \"a-b/n\")");
  EXPECT_EQ(refused("1,,2 * * * *").message, "the minute field has an empty list element");
  error = refused("0 0 * *");
  EXPECT_EQ(error.message, "needs 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(error.offset, 7U);
  error = refused("0 0 * * * /bin/true");
  EXPECT_EQ(error.offset, 10U);
  EXPECT_EQ(refused("@daily").message, "'@daily' is not a 5-field expression; write \"0 0 * * *\"");
  EXPECT_EQ(refused("0 0 32 * *").message, "the day of month field has 32, outside 1-31");
  EXPECT_EQ(refused("0 0 * 0 *").message, "the month field has 0, outside 1-12");
}

TEST(CronExpression, SystemdCalendarsAreFaithful) {
  EXPECT_EQ(systemd_calendars(parsed("30 2 * * *")), (std::vector<std::string>{"*-*-* 02:30:00"}));
  EXPECT_EQ(systemd_calendars(parsed("*/20 8-10 * * mon-fri")),
            (std::vector<std::string>{"Mon,Tue,Wed,Thu,Fri *-*-* 08,09,10:00,20,40:00"}));
  // Both day fields restricted: cron runs on either, a calendar line says both; two lines.
  EXPECT_EQ(systemd_calendars(parsed("0 4 1,15 * sun")),
            (std::vector<std::string>{"*-*-01,15 04:00:00", "Sun *-*-* 04:00:00"}));
  // A day field starting with '*' ("*/2") leaves the other one to decide as well: both hold.
  EXPECT_EQ(systemd_calendars(parsed("0 4 */10 * sat")),
            (std::vector<std::string>{"Sat *-*-01,11,21,31 04:00:00"}));
  EXPECT_EQ(systemd_calendars(parsed("0 0 1 jan,jul *")),
            (std::vector<std::string>{"*-01,07-01 00:00:00"}));
}

TEST(CronExpression, LaunchdIntervalsAreFaithful) {
  auto intervals = launchd_calendar_intervals(parsed("30 2 * * *"), 100);
  ASSERT_TRUE(intervals);
  EXPECT_EQ(*intervals, (std::vector<CalendarInterval>{{{"Hour", 2}, {"Minute", 30}}}));
  intervals = launchd_calendar_intervals(parsed("0 4 1 * sun,sat"), 100);
  ASSERT_TRUE(intervals);
  EXPECT_EQ(*intervals,
            (std::vector<CalendarInterval>{{{"Day", 1}, {"Hour", 4}, {"Minute", 0}},
                                           {{"Hour", 4}, {"Minute", 0}, {"Weekday", 0}},
                                           {{"Hour", 4}, {"Minute", 0}, {"Weekday", 6}}}));
  intervals = launchd_calendar_intervals(parsed("*/30 9-10 * * *"), 100);
  ASSERT_TRUE(intervals);
  EXPECT_EQ(intervals->size(), 4U);
  EXPECT_FALSE(launchd_calendar_intervals(parsed("*/5 */2 * * *"), 100));  // 12 x 12 > 100
}

TEST(CronExpression, IntervalsCronCanRepeat) {
  using namespace std::chrono_literals;
  EXPECT_EQ(cron_for_interval(15min), "*/15 * * * *");
  EXPECT_EQ(cron_for_interval(1min), "* * * * *");
  EXPECT_EQ(cron_for_interval(1h), "0 * * * *");
  EXPECT_EQ(cron_for_interval(6h), "0 */6 * * *");
  EXPECT_EQ(cron_for_interval(24h), "0 0 * * *");
  EXPECT_FALSE(cron_for_interval(7min));
  EXPECT_FALSE(cron_for_interval(90s));
  EXPECT_FALSE(cron_for_interval(5h));
  EXPECT_FALSE(cron_for_interval(48h));
}

TEST(ScheduleManifest, MakesTheServiceAOneshotJob) {
  auto result = load_manifest_text(std::string(head) + R"(
[schedule]
cron = "0 3 * * *"
randomized_delay = "10m"
persistent = true
overlap = "queue"
)",
                                   "job.toml", TargetOs::linux);
  ASSERT_TRUE(result.service) << (result.diagnostics.empty()
                                      ? ""
                                      : format_diagnostic(result.diagnostics.front()));
  const auto& s = *result.service;
  ASSERT_TRUE(s.schedule);
  EXPECT_EQ(s.type, ServiceType::oneshot);
  EXPECT_EQ(s.schedule->cron, "0 3 * * *");
  EXPECT_EQ(s.schedule->randomized_delay, std::chrono::minutes(10));
  EXPECT_TRUE(s.schedule->persistent);
  EXPECT_EQ(s.schedule->overlap, ScheduleOverlap::queue);
  EXPECT_FALSE(load_manifest_text(head, "job.toml", TargetOs::linux).service->schedule);
}

TEST(ScheduleManifest, ErrorsAtTheBadField) {
  EXPECT_EQ(
      messages(std::string(head) + "\n[schedule]\ncron = \"0 3 * * 8\"\n"),
      (std::vector<std::string>{
          "job.toml:6:17: error: 'schedule.cron': the day of week field has 8, outside 0-7"}));
  EXPECT_EQ(messages(std::string(head) + "\n[schedule]\npersistent = true\n"),
            (std::vector<std::string>{"job.toml:5:1: error: [schedule] needs 'cron' (a 5-field "
                                      "cron expression) or 'every' (an interval)"}));
  EXPECT_EQ(messages(std::string(head) + "\n[schedule]\ncron = \"* * * * *\"\nevery = \"1h\"\n"),
            (std::vector<std::string>{"job.toml:7:9: error: 'schedule.every' conflicts with "
                                      "'schedule.cron' (a schedule has one of them)"}));
  EXPECT_EQ(
      messages(std::string(head) + "\n[schedule]\nevery = \"0s\"\n"),
      (std::vector<std::string>{"job.toml:6:9: error: 'schedule.every' must be longer than 0"}));
  EXPECT_EQ(messages(std::string(head) + "type = \"simple\"\n\n[schedule]\nevery = \"1h\"\n"),
            (std::vector<std::string>{"job.toml:4:8: error: [schedule] runs the service as a job: "
                                      "its type is \"oneshot\" (the type is \"simple\")"}));
  EXPECT_EQ(messages(std::string(head) + "\n[schedule]\nevery = \"1h\"\n\n[restart]\npolicy = "
                                         "\"always\"\n"),
            (std::vector<std::string>{
                "job.toml:9:10: error: policy = \"always\" cannot restart a oneshot (it would run "
                "again after every success); use \"on-failure\" or \"never\""}));
  EXPECT_EQ(messages(std::string(head) + "\n[schedule]\nevery = \"1h\"\noverlap = \"twice\"\n"),
            (std::vector<std::string>{"job.toml:7:11: error: 'schedule.overlap' must be one of "
                                      "\"skip\", \"queue\", \"allow\", got \"twice\""}));
}
