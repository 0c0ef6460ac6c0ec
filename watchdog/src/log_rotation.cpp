// RotatingLogWriter, time boundaries, naming, retention and gzip (issue 7; docs/logs.md).
#include "daemonize/watchdog/log_rotation.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <set>

#include "daemonize/core/paths.hpp"
#include "log_platform.hpp"

namespace daemonize::logs {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::seconds;

constexpr std::size_t kStampLength = 23;  // YYYYMMDDTHHMMSS.uuuuuuZ
constexpr auto kReportInterval = std::chrono::minutes(1);
constexpr auto kReopenInterval = std::chrono::seconds(1);

bool same_local_day(const std::tm& a, const std::tm& b) {
  return a.tm_year == b.tm_year && a.tm_yday == b.tm_yday;
}

// The first instant of the local day `days_ahead` days after `local`'s day. Midnight may not
// exist (zones that switch DST at 00:00): then the first existing hour of that day.
std::optional<std::time_t> local_day_start(const std::tm& local, int days_ahead, std::time_t now) {
  for (int hour = 0; hour < 4; ++hour) {
    std::tm target{};
    target.tm_year = local.tm_year;
    target.tm_mon = local.tm_mon;
    target.tm_mday = local.tm_mday + days_ahead;
    target.tm_hour = hour;
    target.tm_isdst = -1;
    std::tm wanted = target;
    const std::time_t candidate = std::mktime(&target);  // normalises `target` to the result
    if (candidate == static_cast<std::time_t>(-1) || candidate <= now) continue;
    std::tm check{};
    if (!platform::local_time(candidate, check)) continue;
    // Must land on the wanted day (mktime can move a nonexistent 00:00 back into the day before).
    std::tm wanted_day{};
    wanted_day.tm_year = wanted.tm_year;
    wanted_day.tm_mon = wanted.tm_mon;
    wanted_day.tm_mday = wanted.tm_mday;
    wanted_day.tm_hour = 12;  // noon always exists: normalise the date only
    wanted_day.tm_isdst = -1;
    const std::time_t noon = std::mktime(&wanted_day);
    std::tm noon_local{};
    if (noon == static_cast<std::time_t>(-1) || !platform::local_time(noon, noon_local)) {
      continue;
    }
    if (same_local_day(check, noon_local)) return candidate;
  }
  return std::nullopt;
}

}  // namespace

std::optional<TimePoint> next_rotation_boundary(TimePoint now, RotateEvery every,
                                                LogTimezone timezone) {
  if (every == RotateEvery::none) return std::nullopt;
  if (timezone == LogTimezone::utc) {
    const auto day = floor<days>(now);
    switch (every) {
      case RotateEvery::hourly:
        return floor<hours>(now) + hours(1);
      case RotateEvery::daily:
        return TimePoint(day + days(1));
      case RotateEvery::weekly: {
        const std::chrono::weekday weekday{std::chrono::sys_days(day)};
        const unsigned since_monday = (weekday.c_encoding() + 6) % 7;
        return TimePoint(day + days(7 - since_monday));
      }
      case RotateEvery::none:
        break;
    }
    return std::nullopt;
  }
  // Local time: the zone's real rules through localtime_r/mktime (TZ, /etc/localtime; the
  // system's time zone on Windows).
  const std::time_t now_t = std::chrono::system_clock::to_time_t(floor<seconds>(now));
  std::tm local{};
  if (!platform::local_time(now_t, local))
    return next_rotation_boundary(now, every, LogTimezone::utc);
  if (every == RotateEvery::hourly) {
    // Seconds to the next local full hour at the current offset: a DST change inside the hour
    // moves the wall clock, not the elapsed time, so every real hour gets exactly one rotation.
    const int into_hour = local.tm_min * 60 + local.tm_sec;
    return floor<seconds>(now) + seconds(3600 - into_hour);
  }
  const int days_ahead = every == RotateEvery::daily ? 1 : 7 - (local.tm_wday + 6) % 7;
  if (auto start = local_day_start(local, days_ahead, now_t)) {
    return std::chrono::system_clock::from_time_t(*start);
  }
  return floor<seconds>(now) + hours(24 * days_ahead);  // unreachable with sane tz data
}

std::string rotated_file_name(const std::string& file_name, TimePoint at) {
  const auto micros = floor<microseconds>(at);
  const auto secs = floor<seconds>(micros);
  const std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm utc{};
  platform::utc_time(t, utc);
  char buffer[64];
  (void)std::snprintf(buffer, sizeof buffer, ".%04d%02d%02dT%02d%02d%02d.%06lldZ",
                      utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                      utc.tm_sec, static_cast<long long>((micros - secs).count()));
  return file_name + buffer;
}

bool is_rotated_file_name(const std::string& file_name, const std::string& name) {
  if (name.size() < file_name.size() + 1 + kStampLength) return false;
  if (name.compare(0, file_name.size(), file_name) != 0 || name[file_name.size()] != '.') {
    return false;
  }
  const std::string_view stamp = std::string_view(name).substr(file_name.size() + 1);
  const std::string_view rest = stamp.substr(kStampLength);
  if (!rest.empty() && rest != ".gz") return false;
  for (std::size_t i = 0; i < kStampLength; ++i) {
    const char c = stamp[i];
    const bool ok = i == 8    ? c == 'T'
                    : i == 15 ? c == '.'
                    : i == 22 ? c == 'Z'
                              : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void enforce_retention(LogFileSystem& files, const std::string& directory,
                       const std::string& file_name, std::uint32_t max_files) {
  std::set<std::string> rotated;  // names without ".gz"
  for (const std::string& name : files.list(directory)) {
    if (!is_rotated_file_name(file_name, name)) continue;
    rotated.insert(name.substr(0, file_name.size() + 1 + kStampLength));
  }
  while (rotated.size() > max_files) {
    const std::string oldest = *rotated.begin();
    files.remove(join_path(directory, oldest));
    files.remove(join_path(directory, oldest + ".gz"));
    rotated.erase(rotated.begin());
  }
}

std::string format_line_timestamp(TimePoint at, LogTimezone timezone) {
  const auto micros = floor<microseconds>(at);
  const auto secs = floor<seconds>(micros);
  const std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm parts{};
  if (timezone == LogTimezone::local) {
    platform::local_time(t, parts);
  } else {
    platform::utc_time(t, parts);
  }
  char buffer[64];
  int n =
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld",
                    parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                    parts.tm_min, parts.tm_sec, static_cast<long long>((micros - secs).count()));
  std::string out(buffer, static_cast<std::size_t>(n));
  if (timezone == LogTimezone::local) {
    const long offset = platform::utc_offset(t, parts);
    const long magnitude = offset < 0 ? -offset : offset;
    n = std::snprintf(buffer, sizeof buffer, "%c%02ld:%02ld ", offset < 0 ? '-' : '+',
                      magnitude / 3600, (magnitude % 3600) / 60);
    out.append(buffer, static_cast<std::size_t>(n));
  } else {
    out += "Z ";
  }
  return out;
}

std::string gzip_file(const std::string& path) {
  const std::string target = path + ".gz";
  const std::string temporary = target + ".tmp";
  const int source = platform::open_for_reading(path);
  if (source < 0) return path + ": " + std::strerror(-source);
  platform::remove(temporary);  // left over by an interrupted run
  const int output = platform::create_exclusive(temporary);
  if (output < 0) {
    std::string error = temporary + ": " + std::strerror(-output);
    platform::close(source);
    return error;
  }
  gzFile gz = ::gzdopen(output, "wb6");
  std::string error;
  if (gz == nullptr) {
    platform::close(output);
    error = temporary + ": gzdopen failed";
  } else {
    std::vector<char> buffer(std::size_t{128} * 1024);
    for (;;) {
      const long got = platform::read(source, buffer.data(), buffer.size());
      if (got == -EINTR) continue;
      if (got < 0) {
        error = path + ": " + std::strerror(static_cast<int>(-got));
        break;
      }
      if (got == 0) break;
      if (::gzwrite(gz, buffer.data(), static_cast<unsigned>(got)) != static_cast<int>(got)) {
        int code = 0;
        const char* message = ::gzerror(gz, &code);
        error = temporary + ": " + (code == Z_ERRNO ? std::strerror(errno) : message);
        break;
      }
    }
    const int closed = ::gzclose(gz);  // also closes `output`
    if (error.empty() && closed != Z_OK) {
      error = temporary + ": " + (closed == Z_ERRNO ? std::strerror(errno) : "gzclose failed");
    }
  }
  platform::close(source);
  if (error.empty()) {
    if (const int renamed = platform::rename(temporary, target); renamed != 0)
      error = target + ": " + std::strerror(-renamed);
  }
  if (!error.empty()) {
    platform::remove(temporary);
    return error;
  }
  platform::remove(path);
  return "";
}

// ---------------------------------------------------------------------------------------------

CompressionWorker::CompressionWorker(LogFileSystem& files, RotationSettings settings,
                                     LogReporter report)
    : files_(files), settings_(std::move(settings)), report_(std::move(report)) {
  thread_ = std::thread([this] { run(); });
}

CompressionWorker::~CompressionWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CompressionWorker::rotated(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(path);
  }
  wake_.notify_one();
}

void CompressionWorker::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void CompressionWorker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything queued is done
    const std::string path = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const std::string error = gzip_file(path);
    if (!error.empty() && report_) report_("cannot compress rotated log: " + error);
    enforce_retention(files_, settings_.directory, settings_.file_name, settings_.max_files);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

// ---------------------------------------------------------------------------------------------

RotatingLogWriter::RotatingLogWriter(RotationSettings settings, LogFileSystem& files,
                                     LogClock clock, LogReporter report,
                                     RotatedFileHandler* handler)
    : settings_(std::move(settings)),
      files_(files),
      clock_(std::move(clock)),
      report_(std::move(report)),
      handler_(handler) {
  now_ = clock_();
  next_boundary_ = next_rotation_boundary(now_, settings_.rotate_every, settings_.timezone);
  ensure_open(now_);
}

RotatingLogWriter::~RotatingLogWriter() {
  std::vector<int> streams;
  for (const auto& [stream, pending] : pending_) streams.push_back(stream);
  for (const int stream : streams) finish_stream(stream);  // erases from pending_
  close_file();
}

std::string RotatingLogWriter::path() const {
  return join_path(settings_.directory, settings_.file_name);
}

void RotatingLogWriter::append(int stream, std::string_view bytes) {
  now_ = clock_();
  maybe_rotate_by_time(now_);
  Pending& pending = pending_[stream];
  while (!bytes.empty()) {
    const std::size_t last_newline = bytes.rfind('\n');
    if (last_newline == std::string_view::npos) {
      if (pending.partial.size() + bytes.size() > kMaxPendingLine) {
        // Too long to hold: write what we have as a chunk of the open line.
        pending.partial.append(bytes);
        std::string chunk;
        chunk.swap(pending.partial);
        write_block(stream, chunk, false);
      } else {
        pending.partial.append(bytes);
      }
      return;
    }
    if (!pending.partial.empty()) {
      // Complete the held line first, then the rest of the block in one go.
      const std::size_t first_newline = bytes.find('\n');
      pending.partial.append(bytes.substr(0, first_newline + 1));
      std::string line;
      line.swap(pending.partial);
      write_block(stream, line, true);
      bytes.remove_prefix(first_newline + 1);
      continue;
    }
    write_block(stream, bytes.substr(0, last_newline + 1), true);
    bytes.remove_prefix(last_newline + 1);
  }
}

void RotatingLogWriter::finish_stream(int stream) {
  auto found = pending_.find(stream);
  if (found == pending_.end()) return;
  now_ = clock_();
  std::string rest;
  rest.swap(found->second.partial);
  if (!rest.empty()) write_block(stream, rest, false);
  pending_.erase(found);
  if (line_owner_ == stream) line_owner_ = -1;  // the next line starts on a new line
}

void RotatingLogWriter::append_timestamp(std::string& out) {
  const auto secs = floor<seconds>(now_);
  const std::int64_t second = secs.time_since_epoch().count();
  if (second != cached_second_) {
    const std::string full = format_line_timestamp(secs, settings_.timezone);
    cached_date_time_ = full.substr(0, 19);  // YYYY-MM-DDTHH:MM:SS
    cached_zone_ = full.substr(26);          // after ".uuuuuu"
    cached_second_ = second;
  }
  char fraction[16];
  const int n = std::snprintf(fraction, sizeof fraction, ".%06lld",
                              static_cast<long long>((floor<microseconds>(now_) - secs).count()));
  out += cached_date_time_;
  out.append(fraction, static_cast<std::size_t>(n));
  out += cached_zone_;
}

// `block` holds whole lines of `stream`, except the last one when !ends_line (a chunk of a line
// too long to hold). A line of another stream that is still open in the file is ended first, so
// bytes of two streams never share a line.
void RotatingLogWriter::write_block(int stream, std::string_view block, bool ends_line) {
  Pending& pending = pending_[stream];
  const bool continues_own_line = pending.continuing && line_owner_ == stream;
  if (file_mid_line_ && !continues_own_line && fd_ >= 0) {
    write_raw("\n", false);
    line_owner_ = -1;
  }
  std::string_view data = block;
  if (settings_.timestamps) {
    out_.clear();
    prefix_.clear();
    append_timestamp(prefix_);  // every line of one read shares the time it was read
    std::size_t start = 0;
    bool line_start = !continues_own_line;
    while (start < block.size()) {
      const std::size_t newline = block.find('\n', start);
      const std::size_t end = newline == std::string_view::npos ? block.size() : newline + 1;
      if (line_start) out_ += prefix_;
      out_.append(block.substr(start, end - start));
      start = end;
      line_start = true;
    }
    data = out_;
  }
  write_sized(data);
  pending.continuing = !ends_line;
  line_owner_ = ends_line ? -1 : stream;
}

// Writes whole lines, rotating by size between lines. A single line larger than max_size goes
// into a fresh file whole (the only way a file exceeds max_size).
void RotatingLogWriter::write_sized(std::string_view data) {
  while (!data.empty()) {
    if (!ensure_open(now_)) {
      record_failure(last_error_, data.size());
      return;
    }
    if (file_mid_line_) {
      // Finish the open line in this file before any size decision.
      const std::size_t newline = data.find('\n');
      if (newline == std::string_view::npos) {
        write_raw(data);
        return;
      }
      write_raw(data.substr(0, newline + 1));
      data.remove_prefix(newline + 1);
      continue;
    }
    const std::uint64_t max = settings_.max_size;
    if (max > 0 && size_ + data.size() > max) {
      const std::uint64_t room = size_ < max ? max - size_ : 0;
      const std::size_t cut =
          room > 0 ? data.rfind('\n', static_cast<std::size_t>(room - 1)) : std::string_view::npos;
      if (cut != std::string_view::npos) {  // the lines that still fit
        write_raw(data.substr(0, cut + 1));
        data.remove_prefix(cut + 1);
        continue;
      }
      if (size_ == 0) {  // one line longer than max_size: alone in its own file
        const std::size_t newline = data.find('\n');
        const std::size_t line = newline == std::string_view::npos ? data.size() : newline + 1;
        write_raw(data.substr(0, line));
        data.remove_prefix(line);
        continue;
      }
      if (!rotate(now_)) {
        write_raw(data);  // could not rename: keep the data rather than the limit
        return;
      }
      continue;
    }
    write_raw(data);
    return;
  }
}

void RotatingLogWriter::write_raw(std::string_view bytes, bool count_drops) {
  while (!bytes.empty()) {
    if (fd_ < 0) {
      record_failure(last_error_ ? last_error_ : EBADF, count_drops ? bytes.size() : 0);
      return;
    }
    const long written = files_.write(fd_, bytes.data(), bytes.size());
    if (written == -EINTR) continue;
    if (written <= 0) {
      const int error = written == 0 ? EIO : static_cast<int>(-written);
      record_failure(error, count_drops ? bytes.size() : 0);
      // Disk full is retried on the same file; anything else reopens by name (throttled).
      if (!platform::is_retryable_write_error(error)) close_file();
      return;
    }
    const auto count = static_cast<std::size_t>(written);
    size_ += count;
    file_mid_line_ = bytes[count - 1] != '\n';
    bytes.remove_prefix(count);
  }
  if (failing_) {
    failing_ = false;
    resume_pending_report_ = true;
  }
  if (resume_pending_report_ && (!last_report_ || now_ - *last_report_ >= kReportInterval)) {
    if (report_) {
      report_("writing " + path() + " again; " + std::to_string(dropped_unreported_) +
              " bytes dropped since the last report, " + std::to_string(dropped_total_) +
              " in total");
    }
    last_report_ = now_;
    dropped_unreported_ = 0;
    resume_pending_report_ = false;
  }
}

void RotatingLogWriter::record_failure(int error, std::uint64_t lost) {
  dropped_total_ += lost;
  dropped_unreported_ += lost;
  last_error_ = error;
  failing_ = true;
  resume_pending_report_ = false;
  if (last_report_ && now_ - *last_report_ < kReportInterval) return;
  if (report_) {
    report_("cannot write " + path() + ": " + std::strerror(error) + "; " +
            std::to_string(dropped_unreported_) + " bytes dropped since the last report (" +
            std::to_string(dropped_total_) + " in total); still draining the child's output");
  }
  last_report_ = now_;
  dropped_unreported_ = 0;
}

int probe_log_file(LogFileSystem& files, const std::string& directory,
                   const std::string& file_name) {
  const int made = files.make_directory(directory);
  const int fd = made == 0 ? files.open_append(join_path(directory, file_name)) : made;
  if (fd < 0) return -fd;
  files.close(fd);
  return 0;
}

bool RotatingLogWriter::ensure_open(TimePoint now) {
  if (fd_ >= 0) return true;
  if (last_open_attempt_ && now - *last_open_attempt_ < kReopenInterval && failing_) return false;
  last_open_attempt_ = now;
  const int made = files_.make_directory(settings_.directory);
  int fd = made == 0 ? files_.open_append(path()) : made;
  if (fd < 0) {
    const int error = -fd;
    const bool first = !failing_;
    last_error_ = error;
    if (first) record_failure(error, 0);
    failing_ = true;
    return false;
  }
  fd_ = fd;
  size_ = files_.size(fd_);
  file_mid_line_ = false;
  return true;
}

void RotatingLogWriter::close_file() {
  if (fd_ >= 0) files_.close(fd_);
  fd_ = -1;
}

void RotatingLogWriter::maybe_rotate_by_time(TimePoint now) {
  if (!next_boundary_ || now < *next_boundary_) return;
  if (line_owner_ >= 0) return;            // a long line is open: rotate once it ends
  if (fd_ >= 0 && size_ > 0) rotate(now);  // an empty file is not worth a rotated copy
  next_boundary_ = next_rotation_boundary(now, settings_.rotate_every, settings_.timezone);
}

bool RotatingLogWriter::rotate(TimePoint now) {
  close_file();
  // Names are unique and increasing even when two rotations share a microsecond.
  TimePoint stamp =
      std::max<TimePoint>(floor<microseconds>(now), last_rotation_name_ + microseconds(1));
  std::string target =
      join_path(settings_.directory, rotated_file_name(settings_.file_name, stamp));
  while (files_.exists(target) || files_.exists(target + ".gz")) {
    stamp += microseconds(1);
    target = join_path(settings_.directory, rotated_file_name(settings_.file_name, stamp));
  }
  const int renamed = files_.rename(path(), target);
  last_open_attempt_.reset();
  if (renamed != 0) {
    record_failure(-renamed, 0);
    ensure_open(now);
    return false;
  }
  last_rotation_name_ = stamp;
  ++rotations_;
  if (handler_ != nullptr) {
    handler_->rotated(target);
  } else {
    enforce_retention(files_, settings_.directory, settings_.file_name, settings_.max_files);
  }
  ensure_open(now);
  return true;
}

void RotatingLogWriter::reopen() {
  now_ = clock_();
  close_file();
  last_open_attempt_.reset();
  ensure_open(now_);
}

void RotatingLogWriter::tick() {
  now_ = clock_();
  maybe_rotate_by_time(now_);
  // The directory or the file was removed under us: writes would vanish into an unlinked
  // inode, so reopen by name (which recreates them).
  if (fd_ >= 0 && !files_.exists(path())) {
    close_file();
    last_open_attempt_.reset();
    ensure_open(now_);
  } else if (fd_ < 0) {
    ensure_open(now_);
  }
}

}  // namespace daemonize::logs
