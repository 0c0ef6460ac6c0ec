// Giving back what only the start-up needed (manifest parsing, CLI, Boost.Log set-up).
#include <malloc.h>
#include <sys/mman.h>

#include <bit>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "posix_process.hpp"

namespace daemonize::posix {

void release_startup_memory() {
  ::malloc_trim(0);
#ifdef MADV_PAGEOUT
  // Clean file-backed pages (code and read-only data of the binary and its libraries) are
  // reclaimed now instead of under memory pressure; the kernel skips pages other processes
  // map too. Whatever the loop touches again is faulted back in from the page cache or disk.
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, permissions, offset, device, inode, path;
    fields >> range >> permissions >> offset >> device >> inode >> path;
    if (path.empty() || path.front() != '/' || permissions.find('w') != std::string::npos) continue;
    const auto dash = range.find('-');
    const auto begin = std::stoull(range.substr(0, dash), nullptr, 16);
    const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
    // Advice only: a range the kernel refuses keeps its pages, which is harmless.
    static_cast<void>(::madvise(std::bit_cast<void*>(static_cast<std::uintptr_t>(begin)),
                                end - begin, MADV_PAGEOUT));
  }
#endif
}

}  // namespace daemonize::posix
