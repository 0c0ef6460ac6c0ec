// Giving back what only the start-up needed (manifest parsing, CLI, logging set-up).
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>

#include <bit>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "posix_process.hpp"

namespace daemonize::posix {
namespace {

using Ranges = std::vector<std::pair<std::uintptr_t, std::size_t>>;

// Clean file-backed ranges: the code and read-only data of the binary and its libraries.
Ranges file_backed_read_only_ranges() {
  Ranges ranges;
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, permissions, offset, device, inode, path;
    fields >> range >> permissions >> offset >> device >> inode >> path;
    if (path.empty() || path.front() != '/' || permissions.find('w') != std::string::npos) continue;
    const auto dash = range.find('-');
    const auto begin = std::stoull(range.substr(0, dash), nullptr, 16);
    const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
    ranges.emplace_back(static_cast<std::uintptr_t>(begin), static_cast<std::size_t>(end - begin));
  }
  return ranges;
}

void* page_out(void* argument) {
  const std::unique_ptr<Ranges> ranges(static_cast<Ranges*>(argument));
  // Let the loop return to epoll_wait first: every page it touches after the pageout comes back
  // together with its neighbours (fault-around), which undid most of an in-line pageout.
  const timespec pause{0, 100'000'000};
  ::nanosleep(&pause, nullptr);
  for (const auto& [begin, length] : *ranges) {
    void* const start = std::bit_cast<void*>(begin);
    // Advice only: a range the kernel refuses keeps its pages, which is harmless. MADV_RANDOM:
    // a later fault reads one page, not a read-ahead window.
    static_cast<void>(::madvise(start, length, MADV_RANDOM));
    static_cast<void>(::madvise(start, length, MADV_PAGEOUT));
  }
  return nullptr;
}

}  // namespace

void release_startup_memory() {
  ::malloc_trim(0);
  // The pages are reclaimed now instead of under memory pressure; the kernel skips pages other
  // processes map too. Done by a short-lived thread (a small stack, detached, gone 0.1 s later)
  // so that the loop is idle when it happens.
  auto ranges = std::make_unique<Ranges>(file_backed_read_only_ranges());
  pthread_attr_t attributes;
  if (::pthread_attr_init(&attributes) != 0) return;
  ::pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  ::pthread_attr_setstacksize(&attributes, std::size_t{256} * 1024);  // room for a sanitizer build
  pthread_t thread{};
  if (::pthread_create(&thread, &attributes, page_out, ranges.get()) == 0) {
    static_cast<void>(ranges.release());  // page_out owns it now
  }
  ::pthread_attr_destroy(&attributes);
}

}  // namespace daemonize::posix
