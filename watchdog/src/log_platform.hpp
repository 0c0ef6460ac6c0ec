// What log_rotation.cpp needs from the operating system besides LogFileSystem: calendar
// conversions and the plain file calls of gzip_file(). posix_log_files.cpp implements it for
// POSIX, windows_log_file_system.cpp for Windows. Errors are -errno values.
#pragma once

#include <cstddef>
#include <ctime>
#include <string>

namespace daemonize::logs::platform {

bool local_time(std::time_t at, std::tm& out);  // localtime_r
bool utc_time(std::time_t at, std::tm& out);    // gmtime_r
// Seconds east of UTC of the local time `local` (the result of local_time(at)).
long utc_offset(std::time_t at, const std::tm& local);
// Write errors that keep the file open and are retried on it (disk full, quota).
bool is_retryable_write_error(int error);

// The file calls of gzip_file(): descriptors that gzdopen() accepts.
int open_for_reading(const std::string& path);  // no symlinks followed on POSIX
int create_exclusive(const std::string& path);  // O_EXCL, 0640 on POSIX
long read(int fd, char* buffer, std::size_t size);
void close(int fd);
void remove(const std::string& path);
int rename(const std::string& from, const std::string& to);  // 0 or -errno; replaces `to`

}  // namespace daemonize::logs::platform
