// [schedule] cron expressions: the 5-field syntax of cron(5) parsed into the sets of values each
// field matches, and the forms the targets need (systemd OnCalendar=, launchd
// StartCalendarInterval dictionaries, a cron line for an `every` interval).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace daemonize {

enum class CronFieldKind { minute, hour, day_of_month, month, day_of_week };

struct CronField {
  std::vector<int> values;  // sorted, unique; day_of_week uses 0..6 (0 = Sunday, 7 folded in)
  bool star = false;        // the field starts with '*' ("*" or "*/n"): cron(5)'s day rule
  bool all = false;         // matches every value of its range
};

struct CronExpression {
  std::array<CronField, 5> fields;  // indexed by CronFieldKind

  [[nodiscard]] const CronField& field(CronFieldKind kind) const {
    return fields[static_cast<std::size_t>(kind)];
  }
  // cron(5): when both day fields are restricted (neither starts with '*'), a day matches when
  // EITHER matches; otherwise both must.
  [[nodiscard]] bool days_either() const {
    return !field(CronFieldKind::day_of_month).star && !field(CronFieldKind::day_of_week).star;
  }
};

struct CronError {
  std::string message;
  std::size_t offset = 0;  // 0-based, in the expression text
};

// Parses "M H DoM Mon DoW": numbers, '*', lists (a,b), ranges (a-b), steps (*/n, a-b/n), month
// names jan..dec and day names sun..sat (any case). The @-shortcuts are refused with the five
// fields they stand for.
[[nodiscard]] std::variant<CronExpression, CronError> parse_cron(std::string_view text);

// systemd OnCalendar= values matching exactly the expression's times (one per line; two when
// both day fields are restricted, since one calendar spec cannot say "day OR weekday").
[[nodiscard]] std::vector<std::string> systemd_calendars(const CronExpression& expression);

// launchd StartCalendarInterval dictionaries (Minute, Hour, Day, Month, Weekday; a missing key
// is a wildcard) matching exactly the expression's times; std::nullopt when more than `limit`.
using CalendarInterval = std::map<std::string, int>;
[[nodiscard]] std::optional<std::vector<CalendarInterval>> launchd_calendar_intervals(
    const CronExpression& expression, std::size_t limit);

// A 5-field expression running at exactly the times of `every` counted from midnight ("*/15 * *
// * *" for 15m), or std::nullopt when the interval does not divide a minute, hour or day.
[[nodiscard]] std::optional<std::string> cron_for_interval(std::chrono::milliseconds every);

}  // namespace daemonize
