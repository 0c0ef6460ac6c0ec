// Atomic state-file writes on POSIX: write STATE.tmp (O_NOFOLLOW), then rename over STATE.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "daemonize/watchdog/state_file.hpp"

namespace daemonize {

std::error_code write_state_file(const std::filesystem::path& file, const StateRecord& record) {
  const std::string text = state_to_json(record);
  const std::string temporary = file.string() + ".tmp";
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return {errno, std::generic_category()};
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::error_code ec{errno, std::generic_category()};
      ::close(fd);
      return ec;
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) return {errno, std::generic_category()};
  return {};
}

}  // namespace daemonize
