#include "task_schedule.hpp"

#include <array>
#include <variant>

#include "daemonize/core/schedule.hpp"
#include "daemonize/core/units.hpp"

namespace daemonize::windows {
namespace {

// Task Scheduler's schema: at most 48 triggers; repetition intervals from PT1M to P31D.
constexpr std::size_t kMostTriggers = 48;
constexpr auto kLongestInterval = std::chrono::hours(24 * 31);

std::string minutes_duration(int minutes) { return "PT" + std::to_string(minutes) + "M"; }

std::string xml_seconds(Duration duration) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(duration).count();
  return "PT" + std::to_string(seconds) + "S";
}

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// Evenly spaced times of day (minutes since midnight): one trigger each.
struct TimeRun {
  int first = 0;
  int count = 1;
  int interval = 0;  // minutes; 0 when count == 1
};

std::vector<TimeRun> time_runs(const CronExpression& e) {
  std::vector<int> times;
  for (int hour : e.field(CronFieldKind::hour).values)
    for (int minute : e.field(CronFieldKind::minute).values) times.push_back(hour * 60 + minute);
  std::vector<TimeRun> runs;
  for (std::size_t i = 0; i < times.size();) {
    TimeRun run{times[i], 1, 0};
    if (i + 1 < times.size()) {
      run.interval = times[i + 1] - times[i];
      run.count = 2;
      while (i + run.count < times.size() &&
             times[i + run.count] - times[i + run.count - 1] == run.interval)
        ++run.count;
    }
    runs.push_back(run);
    i += static_cast<std::size_t>(run.count);
  }
  return runs;
}

const std::array<const char*, 12> kMonths{"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
const std::array<const char*, 7> kDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};

std::vector<std::string> months_lines(const CronField& months) {
  std::vector<std::string> lines{"<Months>"};
  for (int month : months.values)
    lines.push_back("  <" + std::string(kMonths[static_cast<std::size_t>(month - 1)]) + " />");
  lines.emplace_back("</Months>");
  return lines;
}

std::vector<std::string> weekdays_lines(const CronField& weekdays) {
  std::vector<std::string> lines{"<DaysOfWeek>"};
  for (int day : weekdays.values)
    lines.push_back("  <" + std::string(kDays[static_cast<std::size_t>(day)]) + " />");
  lines.emplace_back("</DaysOfWeek>");
  return lines;
}

std::vector<std::string> month_days_lines(const CronField& days) {
  std::vector<std::string> lines{"<DaysOfMonth>"};
  for (int day : days.values) lines.push_back("  <Day>" + std::to_string(day) + "</Day>");
  lines.emplace_back("</DaysOfMonth>");
  return lines;
}

std::vector<std::string> wrapped(const std::string& element,
                                 const std::vector<std::string>& inner) {
  std::vector<std::string> lines{"<" + element + ">"};
  for (const auto& line : inner) lines.push_back("  " + line);
  lines.push_back("</" + element + ">");
  return lines;
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Each day rule: the lines of one ScheduleBy... element.
std::vector<std::vector<std::string>> day_rules(const CronExpression& e, bool& expressible) {
  const auto& dom = e.field(CronFieldKind::day_of_month);
  const auto& dow = e.field(CronFieldKind::day_of_week);
  const auto& months = e.field(CronFieldKind::month);
  CronField every_day;
  for (int day = 1; day <= 31; ++day) every_day.values.push_back(day);
  auto by_month_days = [&](const CronField& days) {
    return wrapped("ScheduleByMonth", joined(month_days_lines(days), months_lines(months)));
  };
  auto by_weekdays = [&]() {
    if (months.all) {
      return wrapped("ScheduleByWeek",
                     joined({"<WeeksInterval>1</WeeksInterval>"}, weekdays_lines(dow)));
    }
    return wrapped(
        "ScheduleByMonthDayOfWeek",
        joined(joined({"<Weeks>", "  <Week>1</Week>", "  <Week>2</Week>", "  <Week>3</Week>",
                       "  <Week>4</Week>", "  <Week>Last</Week>", "</Weeks>"},
                      weekdays_lines(dow)),
               months_lines(months)));
  };
  auto every_day_rule = [&]() {
    if (months.all) return wrapped("ScheduleByDay", {"<DaysInterval>1</DaysInterval>"});
    return by_month_days(every_day);
  };
  expressible = true;
  if (e.days_either()) {
    if (dom.all || dow.all) return {every_day_rule()};
    return {by_month_days(dom), by_weekdays()};  // cron's OR: triggers add up
  }
  if (dom.all && dow.all) return {every_day_rule()};
  if (dom.all) return {by_weekdays()};
  if (dow.all) return {by_month_days(dom)};
  expressible = false;  // "*/2" days AND certain weekdays: no Task Scheduler rule says both
  return {};
}

}  // namespace

std::vector<std::string> schedule_trigger_lines(const Service& service,
                                                detail::Diagnostics& diagnostics) {
  if (!service.schedule) return {};
  const auto& schedule = *service.schedule;
  std::vector<std::string> lines;
  const std::string random_delay =
      schedule.randomized_delay.count() > 0
          ? "      <RandomDelay>" + xml_seconds(schedule.randomized_delay) + "</RandomDelay>"
          : "";
  if (schedule.cron.empty()) {
    if (schedule.every < std::chrono::minutes(1) || schedule.every > kLongestInterval ||
        schedule.every % std::chrono::seconds(1) != Duration(0)) {
      diagnostics.error("schedule.every",
                        "every = \"" + format_duration(schedule.every) +
                            "\" is not expressible: Task Scheduler repeats a task every 1 minute "
                            "to 31 days, in whole seconds");
      return {};
    }
    lines = {"    <TimeTrigger>",
             "      <Enabled>true</Enabled>",
             "      <StartBoundary>2000-01-01T00:00:00</StartBoundary>",
             "      <Repetition>",
             "        <Interval>" + xml_seconds(schedule.every) + "</Interval>",
             "        <StopAtDurationEnd>false</StopAtDurationEnd>",
             "      </Repetition>"};
    if (!random_delay.empty()) lines.push_back(random_delay);
    lines.emplace_back("    </TimeTrigger>");
    return lines;
  }
  const auto parsed = parse_cron(schedule.cron);
  const auto* expression = std::get_if<CronExpression>(&parsed);
  if (expression == nullptr) return {};
  bool expressible = true;
  const auto rules = day_rules(*expression, expressible);
  if (!expressible) {
    diagnostics.error("schedule.cron",
                      "cron = \"" + schedule.cron +
                          "\" is not expressible: its day of month starts with '*' but is "
                          "restricted, so cron wants both days and weekdays to match, and no "
                          "Task Scheduler rule says both; list the days or use '*'");
    return {};
  }
  const auto runs = time_runs(*expression);
  if (runs.size() * rules.size() > kMostTriggers) {
    diagnostics.error("schedule.cron",
                      "cron = \"" + schedule.cron + "\" takes " +
                          std::to_string(runs.size() * rules.size()) +
                          " triggers and Task Scheduler allows 48; use evenly spaced times");
    return {};
  }
  for (const auto& rule : rules) {
    for (const auto& run : runs) {
      lines.emplace_back("    <CalendarTrigger>");
      lines.emplace_back("      <Enabled>true</Enabled>");
      lines.push_back("      <StartBoundary>2000-01-01T" + two_digits(run.first / 60) + ":" +
                      two_digits(run.first % 60) + ":00</StartBoundary>");
      if (run.count > 1) {
        // Half a minute past the last time: that run is in, the next slot is not.
        lines.emplace_back("      <Repetition>");
        lines.push_back("        <Interval>" + minutes_duration(run.interval) + "</Interval>");
        lines.push_back("        <Duration>PT" + std::to_string(run.interval * (run.count - 1)) +
                        "M30S</Duration>");
        lines.emplace_back("        <StopAtDurationEnd>false</StopAtDurationEnd>");
        lines.emplace_back("      </Repetition>");
      }
      if (!random_delay.empty()) lines.push_back(random_delay);
      for (const auto& line : rule) lines.push_back("      " + line);
      lines.emplace_back("    </CalendarTrigger>");
    }
  }
  return lines;
}

const char* multiple_instances_policy(const Service& service, detail::Diagnostics& diagnostics) {
  if (!service.schedule) return "IgnoreNew";
  switch (service.schedule->overlap) {
    case ScheduleOverlap::skip:
      return "IgnoreNew";
    case ScheduleOverlap::queue:
      return "Queue";
    case ScheduleOverlap::allow:
      if (service.supervisor == SupervisorMode::daemonize) {
        diagnostics.warning("schedule.overlap",
                            "overlap = \"allow\" starts a second run (Parallel), but one watchdog "
                            "runs a service at a time; use supervisor = \"native\" for runs side "
                            "by side");
      }
      return "Parallel";
  }
  return "IgnoreNew";
}

}  // namespace daemonize::windows
