// The Windows LogFileSystem and the Windows side of log_platform.hpp. Paths are UTF-8 and go to
// the wide API; descriptors are C runtime descriptors over Win32 handles (what gzdopen takes).
// Files are opened with FILE_APPEND_DATA (every write lands at the end) and shared for reading,
// writing and deleting, so a reader of the log never blocks a rotation.
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "daemonize/core/windows_text.hpp"
#include "daemonize/watchdog/log_rotation.hpp"
#include "log_platform.hpp"
#include "windows_child_output.hpp"

namespace daemonize::logs {
namespace {

using windows_text::narrow;
// A path in UTF-8 for the W APIs.
std::wstring wide(const std::string& utf8) { return windows_text::widen(utf8); }

// The errno the writer understands for a Win32 error (its messages use strerror).
int errno_of(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
      return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
      return EACCES;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return ENOSPC;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
      return EEXIST;
    case ERROR_DIRECTORY:
      return ENOTDIR;
    case ERROR_FILENAME_EXCED_RANGE:
      return ENAMETOOLONG;
    default:
      return EIO;
  }
}

int last_errno() { return errno_of(GetLastError()); }

HANDLE handle_of(int fd) { return reinterpret_cast<HANDLE>(_get_osfhandle(fd)); }

class WindowsLogFileSystem final : public LogFileSystem {
 public:
  int open_append(const std::string& path) override {
    HANDLE file =
        CreateFileW(wide(path).c_str(), FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) return -last_errno();
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(file), _O_APPEND | _O_BINARY);
    if (fd < 0) {
      CloseHandle(file);
      return -EMFILE;
    }
    return fd;
  }
  long write(int fd, const char* data, std::size_t size) override {
    DWORD written = 0;
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(size, 1U << 30));
    if (!WriteFile(handle_of(fd), data, chunk, &written, nullptr)) return -last_errno();
    return static_cast<long>(written);
  }
  void close(int fd) override { _close(fd); }
  std::uint64_t size(int fd) override {
    LARGE_INTEGER size{};
    return GetFileSizeEx(handle_of(fd), &size) ? static_cast<std::uint64_t>(size.QuadPart) : 0;
  }
  int rename(const std::string& from, const std::string& to) override {
    return platform::rename(from, to);
  }
  void remove(const std::string& path) override { platform::remove(path); }
  bool exists(const std::string& path) override {
    return GetFileAttributesW(wide(path).c_str()) != INVALID_FILE_ATTRIBUTES;
  }
  std::vector<std::string> list(const std::string& directory) override {
    std::vector<std::string> names;
    WIN32_FIND_DATAW entry{};
    HANDLE find = FindFirstFileW((wide(directory) + L"\\*").c_str(), &entry);
    if (find == INVALID_HANDLE_VALUE) return names;
    do {
      names.push_back(narrow(entry.cFileName));
    } while (FindNextFileW(find, &entry));
    FindClose(find);
    return names;
  }
  int make_directory(const std::string& directory) override {
    const DWORD attributes = GetFileAttributesW(wide(directory).c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES)
      return (attributes & FILE_ATTRIBUTE_DIRECTORY) ? 0 : -ENOTDIR;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(wide(directory)), ec);
    return ec ? -EACCES : 0;
  }
};

}  // namespace

LogFileSystem& windows_log_file_system() {
  static WindowsLogFileSystem files;
  return files;
}

}  // namespace daemonize::logs

namespace daemonize::logs::platform {

bool local_time(std::time_t at, std::tm& out) { return localtime_s(&out, &at) == 0; }
bool utc_time(std::time_t at, std::tm& out) { return gmtime_s(&out, &at) == 0; }
long utc_offset(std::time_t at, const std::tm& local) {
  std::tm copy = local;
  return static_cast<long>(_mkgmtime(&copy) - at);  // the local wall time read as UTC
}
bool is_retryable_write_error(int error) { return error == ENOSPC || error == EAGAIN; }

int open_for_reading(const std::string& path) {
  const int fd = _wopen(wide(path).c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
  return fd < 0 ? -errno : fd;
}
int create_exclusive(const std::string& path) {
  const int fd =
      _wopen(wide(path).c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT,
             _S_IREAD | _S_IWRITE);
  return fd < 0 ? -errno : fd;
}
long read(int fd, char* buffer, std::size_t size) {
  const int got = _read(fd, buffer, static_cast<unsigned>(std::min<std::size_t>(size, 1U << 30)));
  return got < 0 ? -errno : got;
}
void close(int fd) { _close(fd); }
void remove(const std::string& path) { DeleteFileW(wide(path).c_str()); }
int rename(const std::string& from, const std::string& to) {
  if (MoveFileExW(wide(from).c_str(), wide(to).c_str(), MOVEFILE_REPLACE_EXISTING)) return 0;
  return -last_errno();
}

}  // namespace daemonize::logs::platform
