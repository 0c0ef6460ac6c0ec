// Log capture through the real `daemonize run`: numbered lines across many rotations, and a
// child that writes without pause into a full 1 MiB tmpfs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "log_file_checks.hpp"

namespace daemonize::logs {
namespace {

namespace fs = std::filesystem;
using testing::expect_every_line_once_in_order;
using testing::read_file;
using testing::rotated_count;
using testing::segments;
using testing::TempDirectory;

constexpr int kLinesPerStream = 100000;

void write_manifest(const std::string& path, const std::string& args, const std::string& logs,
                    const std::string& command = LOG_LINE_GENERATOR) {
  std::ofstream out(path);
  out << "[service]\nname = \"numbered\"\ncommand = \"" << command << "\"\n"
      << "args = [" << args << "]\n[restart]\npolicy = \"never\"\n[logs]\n"
      << logs;
}

// Starts `daemonize run MANIFEST` with its stderr in `stderr_path`.
pid_t start_watchdog(const std::string& manifest, const std::string& runtime,
                     const std::string& stderr_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("RUNTIME_DIRECTORY", runtime.c_str(), 1);
    std::FILE* err = std::freopen(stderr_path.c_str(), "w", stderr);
    if (err == nullptr) ::_exit(126);
    ::execl(DAEMONIZE_BINARY, "daemonize", "run", manifest.c_str(), nullptr);
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                   "/children");
  pid_t child = 0;
  while (in >> child) out.push_back(child);
  return out;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// For failure messages: each file with its size and first bytes.
std::string describe(const std::string& directory) {
  std::string out;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string content = read_file(entry.path());
    out += entry.path().filename().string() + " " + std::to_string(content.size()) +
           " bytes: " + content.substr(0, 60) + "\n";
  }
  return out;
}

// Highest line number of either stream in the log files (rotated and live).
long highest_line(const std::string& directory) {
  long highest = -1;
  for (const auto& part : segments(directory, "service.log")) {
    std::size_t start = 0;
    while (start < part.size()) {
      if (part.compare(start, 4, "out ") == 0 || part.compare(start, 4, "err ") == 0) {
        highest = std::max(highest, std::atol(&part[start + 4]));
      }
      const std::size_t newline = part.find('\n', start);
      if (newline == std::string::npos) break;
      start = newline + 1;
    }
  }
  return highest;
}

TEST(DaemonizeRun, NumberedLinesOnBothStreamsRotatedNoneLostTornOrDoubled) {
  TempDirectory dir;
  const std::string logs = dir.path() + "/logs";
  write_manifest(dir.path() + "/service.toml", "\"" + std::to_string(kLinesPerStream) + "\"",
                 "directory = \"" + logs +
                     "\"\nstdout = \"service.log\"\n"
                     "stderr = \"service.log\"\nmax_size = \"128KiB\"\nmax_files = 10000\n");
  const pid_t watchdog =
      start_watchdog(dir.path() + "/service.toml", dir.path(), dir.path() + "/watchdog.err");
  ASSERT_EQ(wait_exit(watchdog, std::chrono::seconds(120)), 0)
      << read_file(dir.path() + "/watchdog.err");
  EXPECT_GE(rotated_count(logs, "service.log"), 50u);
  expect_every_line_once_in_order(segments(logs, "service.log"), kLinesPerStream, false);
}

TEST(DaemonizeRun, Sigusr1ReopensTheFileAfterAnExternalRename) {
  TempDirectory dir;
  const std::string logs = dir.path() + "/logs";
  write_manifest(dir.path() + "/service.toml",
                 "\"-c\", \"i=0; while :; do echo line $$i; i=$$((i+1)); sleep 0.01; done\"",
                 "directory = \"" + logs + "\"\nstdout = \"service.log\"\nstderr = \"null\"\n",
                 "/bin/sh");
  const std::string err_path = dir.path() + "/watchdog.err";
  const pid_t watchdog = start_watchdog(dir.path() + "/service.toml", dir.path(), err_path);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_TRUE(fs::exists(logs + "/service.log")) << read_file(err_path);
  fs::rename(logs + "/service.log", logs + "/moved.log");  // what logrotate with `create` does
  ::kill(watchdog, SIGUSR1);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const std::string moved = read_file(logs + "/moved.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(read_file(logs + "/moved.log"), moved) << "still writing to the renamed file";
  const std::string fresh = read_file(logs + "/service.log");
  EXPECT_FALSE(fresh.empty());
  EXPECT_TRUE(fresh.starts_with("line ")) << fresh.substr(0, 40);
  ::kill(watchdog, SIGTERM);
  EXPECT_EQ(wait_exit(watchdog, std::chrono::seconds(30)), 0) << read_file(err_path);
}

TEST(DaemonizeRun, FullTmpfsNeitherStopsTheChildNorTheWatchdogAndWritingResumes) {
  TempDirectory dir;
  const std::string mount_point = dir.path() + "/tmpfs";
  fs::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "cannot mount a tmpfs under CI";
    GTEST_SKIP() << "cannot mount tmpfs (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};
  const std::string ballast = mount_point + "/ballast";
  { std::ofstream(ballast, std::ios::binary) << std::string(1000 * 1024, 'b'); }
  const std::string logs = mount_point + "/logs";
  write_manifest(dir.path() + "/service.toml", "\"0\"",  // 0 = write forever, no pause
                 "directory = \"" + logs +
                     "\"\nstdout = \"service.log\"\n"
                     "stderr = \"service.log\"\nmax_size = \"32KiB\"\nmax_files = 2\n");
  const std::string err_path = dir.path() + "/watchdog.err";
  const pid_t watchdog = start_watchdog(dir.path() + "/service.toml", dir.path(), err_path);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(alive(watchdog)) << read_file(err_path);
  const auto children = children_of(watchdog);
  ASSERT_EQ(children.size(), 1u) << read_file(err_path);
  EXPECT_NE(read_file(err_path).find("No space left"), std::string::npos) << read_file(err_path);
  const long before = highest_line(logs);

  fs::remove(ballast);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(alive(watchdog));
  EXPECT_TRUE(alive(children[0]));
  ::kill(watchdog, SIGTERM);
  EXPECT_EQ(wait_exit(watchdog, std::chrono::seconds(30)), 0) << read_file(err_path);
  // Read once everything stopped: while it runs, rotation renames and deletes under us.
  const long after = highest_line(logs);
  EXPECT_GT(after, before + 1000) << "writing did not resume after space was freed\n"
                                  << describe(logs) << read_file(err_path);
}

}  // namespace
}  // namespace daemonize::logs
