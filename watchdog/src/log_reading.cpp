// Reading the log files the writer of log_rotation.cpp produces (docs/logs.md: naming scheme).
#include "daemonize/watchdog/log_reading.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include "daemonize/watchdog/log_rotation.hpp"

namespace daemonize::logs {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::size_t kStampLength = 23;  // YYYYMMDDTHHMMSS.uuuuuuZ (log_rotation.cpp)

bool read_digits(std::string_view text, std::size_t& at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[at + i];
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
    value = value * 10 + (c - '0');
  }
  at += count;
  return true;
}

bool expect(std::string_view text, std::size_t& at, char wanted) {
  if (at >= text.size() || text[at] != wanted) return false;
  ++at;
  return true;
}

struct ParsedInstant {
  std::chrono::sys_days day{};
  std::chrono::microseconds time_of_day{0};
  std::optional<std::chrono::minutes> offset;  // std::nullopt: no zone given (local time)
};

// YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:]MM]; `at` ends after what was read.
std::optional<ParsedInstant> parse_instant(std::string_view text, std::size_t& at, bool need_time) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, at, 4, year) || !expect(text, at, '-') ||
      !read_digits(text, at, 2, month) || !expect(text, at, '-') ||
      !read_digits(text, at, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  ParsedInstant parsed;
  parsed.day = std::chrono::sys_days(date);
  if (at < text.size() && (text[at] == 'T' || (text[at] == ' ' && !need_time))) {
    ++at;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(text, at, 2, hour) || !expect(text, at, ':') ||
        !read_digits(text, at, 2, minute) || hour > 23 || minute > 59) {
      return std::nullopt;
    }
    std::int64_t micros = 0;
    if (at < text.size() && text[at] == ':') {
      ++at;
      if (!read_digits(text, at, 2, second) || second > 60) return std::nullopt;
      if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
        ++at;
        std::int64_t scale = 100000;
        const std::size_t start = at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0) {
          micros += (text[at] - '0') * scale;
          scale /= 10;
          ++at;
        }
        if (at == start) return std::nullopt;
      }
    }
    parsed.time_of_day = std::chrono::hours(hour) + std::chrono::minutes(minute) +
                         std::chrono::seconds(second) + std::chrono::microseconds(micros);
    if (at < text.size() && text[at] == 'Z') {
      ++at;
      parsed.offset = std::chrono::minutes(0);
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
      const int sign = text[at] == '-' ? -1 : 1;
      ++at;
      int offset_hours = 0;
      int offset_minutes = 0;
      if (!read_digits(text, at, 2, offset_hours)) return std::nullopt;
      if (at < text.size() && text[at] == ':') ++at;
      if (!read_digits(text, at, 2, offset_minutes)) return std::nullopt;
      parsed.offset = std::chrono::minutes(sign * (offset_hours * 60 + offset_minutes));
    }
  } else if (need_time) {
    return std::nullopt;
  }
  return parsed;
}

Clock::time_point to_time_point(const ParsedInstant& parsed) {
  if (parsed.offset) {
    return Clock::time_point(parsed.day) + parsed.time_of_day - *parsed.offset;
  }
  // Local time: the zone rules of this host (TZ, /etc/localtime).
  const std::chrono::year_month_day date(parsed.day);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(parsed.time_of_day);
  std::tm local{};
  local.tm_year = static_cast<int>(date.year()) - 1900;
  local.tm_mon = static_cast<int>(static_cast<unsigned>(date.month())) - 1;
  local.tm_mday = static_cast<int>(static_cast<unsigned>(date.day()));
  local.tm_hour = static_cast<int>(seconds.count() / 3600);
  local.tm_min = static_cast<int>(seconds.count() % 3600 / 60);
  local.tm_sec = static_cast<int>(seconds.count() % 60);
  local.tm_isdst = -1;
  return Clock::from_time_t(std::mktime(&local)) + (parsed.time_of_day - seconds);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::optional<Clock::time_point> modification_time(const std::filesystem::path& path) {
  std::error_code error;
  const auto written = std::filesystem::last_write_time(path, error);
  if (error) return std::nullopt;
  return std::chrono::time_point_cast<Clock::duration>(std::chrono::file_clock::to_sys(written));
}

// The bytes of `path` from `offset` on; std::nullopt when it cannot be opened.
std::optional<std::string> read_from(const std::filesystem::path& path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in) return std::string();
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::vector<std::filesystem::path> log_file_chain(const std::filesystem::path& directory,
                                                  const std::string& file_name) {
  std::map<std::string, std::filesystem::path> rotated;  // stamp name -> the file to read
  std::error_code error;
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!is_rotated_file_name(file_name, name)) continue;
    const std::string base = name.substr(0, file_name.size() + 1 + kStampLength);
    // Both present: compression was interrupted; the uncompressed file is the complete one.
    if (name == base || !rotated.contains(base)) rotated[base] = it->path();
  }
  std::vector<std::filesystem::path> chain;
  chain.reserve(rotated.size() + 1);
  for (auto& [base, path] : rotated) chain.push_back(path);
  const auto live = directory / file_name;
  if (std::filesystem::exists(live, error)) chain.push_back(live);
  return chain;
}

std::optional<std::string> read_log_file(const std::filesystem::path& path) {
  if (path.extension() != ".gz") return read_from(path, 0);
  gzFile gz = ::gzopen(path.string().c_str(), "rb");
  if (gz == nullptr) return std::nullopt;
  std::string content;
  std::vector<char> buffer(std::size_t{64} * 1024);
  for (;;) {
    const int got = ::gzread(gz, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got < 0) {
      ::gzclose(gz);
      return std::nullopt;
    }
    if (got == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::gzclose(gz);
  return content;
}

std::optional<Clock::time_point> line_timestamp(std::string_view line) {
  std::size_t at = 0;
  const auto parsed = parse_instant(line, at, true);
  if (!parsed || !parsed->offset) return std::nullopt;
  if (at < line.size() && line[at] != ' ') return std::nullopt;
  return to_time_point(*parsed);
}

std::optional<Clock::time_point> parse_since(const std::string& text, Clock::time_point now,
                                             std::string& error) {
  const std::string_view view(text);
  if (!view.empty() && std::isdigit(static_cast<unsigned char>(view[0])) != 0 &&
      view.find('-') == std::string_view::npos) {
    // A duration: NUMBER UNIT pairs.
    std::chrono::seconds total{0};
    std::size_t at = 0;
    bool valid = true;
    while (valid && at < view.size()) {
      std::int64_t number = 0;
      const std::size_t start = at;
      while (at < view.size() && std::isdigit(static_cast<unsigned char>(view[at])) != 0 &&
             number < 100000000) {
        number = number * 10 + (view[at] - '0');
        ++at;
      }
      const char unit = at < view.size() ? view[at++] : '\0';
      const std::int64_t factor = unit == 's'   ? 1
                                  : unit == 'm' ? 60
                                  : unit == 'h' ? 3600
                                  : unit == 'd' ? 86400
                                  : unit == 'w' ? 604800
                                                : 0;
      valid = at > start + 1 && factor != 0;
      total += std::chrono::seconds(number * factor);
    }
    if (valid) return now - total;
  } else {
    std::size_t at = 0;
    if (auto parsed = parse_instant(view, at, false); parsed && at == view.size()) {
      return to_time_point(*parsed);
    }
  }
  error = "--since: '" + text +
          "' is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a date and time "
          "(2026-12-07T06:00:00Z, 2026-12-07 07:00, 2026-12-07)";
  return std::nullopt;
}

namespace {

// Puts the last lines of `content` in front of the `kept` ones, until `count` are kept; with
// `since`, a line stamped before it is dropped and so are the unstamped lines that follow it.
void keep_last_lines(std::deque<std::string>& kept, const std::string& content, std::size_t count,
                     std::optional<Clock::time_point> since) {
  auto lines = split_lines(content);
  if (since) {
    bool dropping = false;
    std::erase_if(lines, [&](const std::string& line) {
      if (const auto stamp = line_timestamp(line)) dropping = *stamp < *since;
      return dropping;
    });
  }
  const std::size_t wanted = count - kept.size();
  const std::size_t first = lines.size() > wanted ? lines.size() - wanted : 0;
  for (std::size_t i = lines.size(); i > first; --i) kept.push_front(std::move(lines[i - 1]));
}

// Reads `files` newest first into `kept` until `count` lines are kept (without `since`, older
// files are not read; with it, files last modified before it are skipped with all older ones).
void keep_last_lines_of_files(std::deque<std::string>& kept,
                              const std::vector<std::filesystem::path>& files, std::size_t count,
                              std::optional<Clock::time_point> since) {
  for (auto file = files.rbegin(); file != files.rend() && kept.size() < count; ++file) {
    if (since) {
      const auto written = modification_time(*file);
      if (written && *written < *since) break;  // older files are older still
    }
    if (const auto content = read_log_file(*file)) keep_last_lines(kept, *content, count, since);
  }
}

}  // namespace

std::vector<std::string> last_log_lines(const std::vector<std::filesystem::path>& files,
                                        std::size_t count, std::optional<Clock::time_point> since) {
  std::deque<std::string> kept;
  if (count == 0) return {};
  keep_last_lines_of_files(kept, files, count, since);
  return {kept.begin(), kept.end()};
}

LogFollower::Start LogFollower::after_last_lines(std::filesystem::path directory,
                                                 std::string file_name, std::size_t count,
                                                 std::optional<Clock::time_point> since) {
  LogFollower follower(std::move(directory), std::move(file_name));
  // The live file is read whole with the rotated names listed before and after: when they
  // differ, a rotation raced the read (the content may be the new file's), so read again.
  std::string live;
  for (int round = 0; round < 10; ++round) {
    follower.seen_rotated_ = follower.rotated_names();
    live = read_from(follower.live_path(), 0).value_or("");
    if (follower.rotated_names() == follower.seen_rotated_) break;
  }
  // Following starts after the last complete line; a partial one comes with the first poll().
  const auto end = live.rfind('\n');
  live.resize(end == std::string::npos ? 0 : end + 1);
  follower.offset_ = live.size();

  std::deque<std::string> kept;
  const auto live_written = modification_time(follower.live_path());
  const bool live_too_old = since && live_written && *live_written < *since;
  if (count > 0 && !live_too_old) {
    keep_last_lines(kept, live, count, since);
    // Only the rotated files listed with that read: a later one holds what poll() will return.
    auto chain = log_file_chain(follower.directory_, follower.file_name_);
    std::erase_if(chain, [&](const std::filesystem::path& path) {
      const std::string name = path.filename().string();
      return !follower.seen_rotated_.contains(
          name.substr(0, follower.file_name_.size() + 1 + kStampLength));
    });
    keep_last_lines_of_files(kept, chain, count, since);
  }
  return {std::move(follower), {kept.begin(), kept.end()}};
}

LogFollower::LogFollower(std::filesystem::path directory, std::string file_name)
    : directory_(std::move(directory)), file_name_(std::move(file_name)) {
  seen_rotated_ = rotated_names();
  std::error_code error;
  const auto size = std::filesystem::file_size(live_path(), error);
  offset_ = error ? 0 : size;
}

std::set<std::string> LogFollower::rotated_names() const {
  std::set<std::string> names;
  std::error_code error;
  for (std::filesystem::directory_iterator it(directory_, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (is_rotated_file_name(file_name_, name)) {
      names.insert(name.substr(0, file_name_.size() + 1 + kStampLength));
    }
  }
  return names;
}

std::vector<std::string> LogFollower::poll() {
  std::vector<std::string> out;
  // Up to a few rounds: a rotation between listing and reading is noticed and read again.
  for (int round = 0; round < 3; ++round) {
    const auto before = rotated_names();
    std::vector<std::string> fresh;
    std::set_difference(before.begin(), before.end(), seen_rotated_.begin(), seen_rotated_.end(),
                        std::back_inserter(fresh));
    // The oldest new rotated file was our live file: its rest from our offset; any later one
    // was written and rotated in between, read whole.
    for (const auto& name : fresh) {
      const auto plain = directory_ / name;
      auto content = read_from(plain, offset_);
      if (!content) {
        content = read_log_file(directory_ / (name + ".gz"));
        if (content) content = content->size() > offset_ ? content->substr(offset_) : "";
      }
      offset_ = 0;
      seen_rotated_.insert(name);
      if (!content) continue;  // already deleted by retention: nothing left to show
      for (auto& line : split_lines(*content)) out.push_back(std::move(line));
    }
    std::error_code error;
    const auto size = std::filesystem::file_size(live_path(), error);
    if (error) return out;  // no live file yet (the next write recreates it)
    // Smaller than what was read: truncated or replaced under the same name, unless a rotation
    // raced us, which the check below sees (and offset_ still belongs to the rotated file).
    const bool truncated = size < offset_;
    auto content = read_from(live_path(), truncated ? 0 : offset_);
    if (rotated_names() != before)
      continue;  // rotated while reading: read it from the rotated file
    if (truncated) offset_ = 0;
    if (!content) return out;
    const auto end = content->rfind('\n');
    if (end == std::string::npos) return out;  // a partial line waits for its end
    content->resize(end + 1);
    offset_ += content->size();
    for (auto& line : split_lines(*content)) out.push_back(std::move(line));
    return out;
  }
  return out;
}

}  // namespace daemonize::logs
