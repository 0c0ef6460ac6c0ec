#include "daemonize/core/schedule.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace daemonize {
namespace {

struct FieldRule {
  const char* name;
  int minimum;
  int maximum;
  std::array<std::string_view, 12> names;  // names[i] stands for minimum + i ("" = none)
};

constexpr std::array<FieldRule, 5> kRules{{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month",
     1,
     12,
     {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    // 7 is Sunday too (cron(5)); folded to 0 once parsed.
    {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kShortcuts{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

class FieldParser {
 public:
  FieldParser(const FieldRule& rule, std::string_view text, std::size_t offset)
      : rule_(rule), text_(text), offset_(offset) {}

  std::optional<CronError> parse(CronField& field) {
    field.star = text_.front() == '*';
    std::set<int> values;
    std::size_t start = 0;
    while (true) {
      const auto comma = text_.find(',', start);
      const auto item =
          text_.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (auto error = parse_item(item, start, values)) return error;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (rule_.maximum == 7 && values.erase(7) != 0) values.insert(0);  // Sunday
    field.values.assign(values.begin(), values.end());
    const int span = (rule_.maximum == 7 ? 6 : rule_.maximum) - rule_.minimum + 1;
    field.all = static_cast<int>(field.values.size()) == span;
    return std::nullopt;
  }

 private:
  CronError error_at(std::size_t at, const std::string& message) const {
    return {"the " + std::string(rule_.name) + " field " + message, offset_ + at};
  }

  // A number or a name of the field; std::nullopt when neither.
  std::optional<int> value(std::string_view word) const {
    if (word.empty()) return std::nullopt;
    if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      if (word.size() > 2) return 1000;  // out of every range, reported as such
      return std::stoi(std::string(word));
    }
    const auto lower = lowercase(word);
    for (std::size_t i = 0; i < rule_.names.size(); ++i) {
      if (!rule_.names[i].empty() && rule_.names[i] == lower)
        return rule_.minimum + static_cast<int>(i);
    }
    return std::nullopt;
  }

  std::optional<CronError> checked(std::string_view word, std::size_t at, int& out) const {
    const auto number = value(word);
    if (!number) {
      std::string expected = "a number";
      if (!rule_.names[0].empty())
        expected +=
            rule_.maximum == 7 ? " or a day name (sun..sat)" : " or a month name (jan..dec)";
      return error_at(at, "has '" + std::string(word) + "' where " + expected + " belongs");
    }
    if (*number < rule_.minimum || *number > rule_.maximum) {
      return error_at(at, "has " + std::string(word) + ", outside " +
                              std::to_string(rule_.minimum) + "-" + std::to_string(rule_.maximum));
    }
    out = *number;
    return std::nullopt;
  }

  std::optional<CronError> parse_item(std::string_view item, std::size_t at,
                                      std::set<int>& values) const {
    if (item.empty()) return error_at(at, "has an empty list element");
    int low = rule_.minimum;
    int high = rule_.maximum == 7 ? 6 : rule_.maximum;
    int step = 1;
    const auto slash = item.find('/');
    const auto range = item.substr(0, slash);
    if (slash != std::string_view::npos) {
      const auto step_text = item.substr(slash + 1);
      const bool digits = !step_text.empty() && step_text.size() <= 2 &&
                          std::all_of(step_text.begin(), step_text.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
      step = digits ? std::stoi(std::string(step_text)) : 0;
      if (step < 1) {
        return error_at(at + slash + 1,
                        "has step '" + std::string(step_text) + "' (a step is a number from 1)");
      }
      if (range != "*" && range.find('-') == std::string_view::npos) {
        return error_at(at, "has '" + std::string(item) +
                                "': a step follows '*' or a range (\"*/n\", \"a-b/n\")");
      }
    }
    if (range == "*") {
      // every value
    } else if (const auto dash = range.find('-'); dash != std::string_view::npos) {
      if (auto error = checked(range.substr(0, dash), at, low)) return error;
      if (auto error = checked(range.substr(dash + 1), at + dash + 1, high)) return error;
      if (low > high) {
        return error_at(at,
                        "has the range '" + std::string(range) + "', whose start is after its end");
      }
    } else {
      if (auto error = checked(range, at, low)) return error;
      high = low;
    }
    for (int v = low; v <= high; v += step) values.insert(v);
    return std::nullopt;
  }

  const FieldRule& rule_;
  std::string_view text_;
  std::size_t offset_;
};

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// A field as an OnCalendar component: "*" or a comma list.
std::string calendar_list(const CronField& field, bool padded) {
  if (field.all) return "*";
  std::string list;
  for (int value : field.values) {
    if (!list.empty()) list += ',';
    list += padded ? two_digits(value) : std::to_string(value);
  }
  return list;
}

std::string weekday_list(const CronField& field) {
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
  std::string list;
  for (int value : field.values) {
    if (!list.empty()) list += ',';
    list += kDays[static_cast<std::size_t>(value)];
  }
  return list;
}

}  // namespace

std::variant<CronExpression, CronError> parse_cron(std::string_view text) {
  if (!text.empty() && text.front() == '@') {
    for (const auto& [shortcut, fields] : kShortcuts) {
      if (lowercase(text) == shortcut) {
        return CronError{"'" + std::string(shortcut) + "' is not a 5-field expression; write \"" +
                             std::string(fields) + "\"",
                         0};
      }
    }
  }
  std::vector<std::pair<std::string_view, std::size_t>> words;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] == ' ' || text[at] == '\t') {
      ++at;
      continue;
    }
    const auto end = text.find_first_of(" \t", at);
    const auto length = (end == std::string_view::npos ? text.size() : end) - at;
    words.emplace_back(text.substr(at, length), at);
    at += length;
  }
  if (words.size() != 5) {
    const std::size_t offset = words.size() > 5 ? words[5].second : text.size();
    return CronError{"needs 5 fields (minute hour day-of-month month day-of-week), got " +
                         std::to_string(words.size()),
                     offset};
  }
  CronExpression expression;
  for (std::size_t i = 0; i < 5; ++i) {
    FieldParser parser(kRules[i], words[i].first, words[i].second);
    if (auto error = parser.parse(expression.fields[i])) return *error;
  }
  return expression;
}

std::vector<std::string> systemd_calendars(const CronExpression& e) {
  const auto& dom = e.field(CronFieldKind::day_of_month);
  const auto& dow = e.field(CronFieldKind::day_of_week);
  const std::string time = calendar_list(e.field(CronFieldKind::hour), true) + ":" +
                           calendar_list(e.field(CronFieldKind::minute), true) + ":00";
  const std::string month = calendar_list(e.field(CronFieldKind::month), true);
  auto spec = [&](bool weekdays, bool days) {
    std::string text;
    if (weekdays && !dow.all) text += weekday_list(dow) + " ";
    text += "*-" + month + "-" + (days ? calendar_list(dom, true) : std::string("*"));
    return text + " " + time;
  };
  if (e.days_either()) {
    // cron(5): day of month OR day of week; the timer elapses at the union of its lines.
    if (dom.all || dow.all) return {spec(false, false)};
    return {spec(false, true), spec(true, false)};
  }
  return {spec(true, true)};
}

std::optional<std::vector<CalendarInterval>> launchd_calendar_intervals(const CronExpression& e,
                                                                        std::size_t limit) {
  // One dictionary per combination of the restricted fields' values (launchd matches a
  // dictionary when all its keys match; the job runs when any dictionary matches).
  auto expand = [&](std::vector<CalendarInterval> from, const CronField& field,
                    const char* key) -> std::optional<std::vector<CalendarInterval>> {
    if (field.all) return from;
    std::vector<CalendarInterval> out;
    for (const auto& partial : from) {
      for (int value : field.values) {
        if (out.size() >= limit) return std::nullopt;
        auto next = partial;
        next[key] = value;
        out.push_back(std::move(next));
      }
    }
    return out;
  };
  auto product = [&](bool days, bool weekdays) -> std::optional<std::vector<CalendarInterval>> {
    std::optional<std::vector<CalendarInterval>> all = std::vector<CalendarInterval>{{}};
    const std::array<std::pair<CronFieldKind, const char*>, 3> common{
        {{CronFieldKind::minute, "Minute"},
         {CronFieldKind::hour, "Hour"},
         {CronFieldKind::month, "Month"}}};
    for (const auto& [kind, key] : common) {
      all = expand(std::move(*all), e.field(kind), key);
      if (!all) return std::nullopt;
    }
    if (days) all = expand(std::move(*all), e.field(CronFieldKind::day_of_month), "Day");
    if (all && weekdays)
      all = expand(std::move(*all), e.field(CronFieldKind::day_of_week), "Weekday");
    return all;
  };
  const auto& dom = e.field(CronFieldKind::day_of_month);
  const auto& dow = e.field(CronFieldKind::day_of_week);
  if (e.days_either() && !dom.all && !dow.all) {
    auto by_day = product(true, false);
    auto by_weekday = product(false, true);
    if (!by_day || !by_weekday || by_day->size() + by_weekday->size() > limit) return std::nullopt;
    by_day->insert(by_day->end(), by_weekday->begin(), by_weekday->end());
    return by_day;
  }
  const bool either_all = e.days_either() && (dom.all || dow.all);
  auto all = product(!either_all, !either_all);
  return all;
}

std::optional<std::string> cron_for_interval(std::chrono::milliseconds every) {
  using std::chrono::minutes;
  if (every.count() <= 0 || every % minutes(1) != std::chrono::milliseconds(0)) return std::nullopt;
  const auto total = every / minutes(1);
  if (total < 60 && 60 % total == 0)
    return total == 1 ? "* * * * *" : "*/" + std::to_string(total) + " * * * *";
  if (total % 60 != 0) return std::nullopt;
  const auto hours = total / 60;
  if (hours < 24 && 24 % hours == 0)
    return hours == 1 ? "0 * * * *" : "0 */" + std::to_string(hours) + " * * *";
  if (hours == 24) return "0 0 * * *";
  return std::nullopt;
}

}  // namespace daemonize
