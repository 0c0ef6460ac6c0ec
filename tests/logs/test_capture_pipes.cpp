// The capturing ChildOutput on real pipes: a child process writes numbered lines to both
// streams in odd-sized writes; the io_context drains them into rotating files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "daemonize/watchdog/log_rotation.hpp"
#include "log_file_checks.hpp"

namespace daemonize::logs {
namespace {

using testing::expect_every_line_once_in_order;
using testing::rotated_count;
using testing::segments;
using testing::TempDirectory;

constexpr int kLinesPerStream = 100000;

// Spawns the generator with the descriptors the output hands out and drains until it is done.
void run_generator(ChildOutput& output, boost::asio::io_context& io, int lines) {
  ChildStdio stdio;
  ASSERT_EQ(output.open_for_spawn(stdio), "");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (stdio.stdout_fd >= 0) ::dup2(stdio.stdout_fd, 1);
    if (stdio.stderr_fd >= 0) ::dup2(stdio.stderr_fd, 2);
    const std::string count = std::to_string(lines);
    ::execl(LOG_LINE_GENERATOR, "log_line_generator", count.c_str(), nullptr);
    ::_exit(127);
  }
  output.child_spawned();
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    io.run_for(std::chrono::milliseconds(20));
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
  }
  io.run_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

LogsConfig logs_in(const std::string& directory) {
  LogsConfig logs;
  logs.directory = directory + "/logs";
  logs.max_size = 128 * 1024;
  logs.max_files = 100000;
  return logs;
}

TEST(CapturePipes, BothStreamsIntoOneFileNoLineLostTornOrDoubled) {
  TempDirectory dir;
  LogsConfig logs = logs_in(dir.path());
  logs.stdout_stream = logs.stderr_stream = {LogStream::Kind::file, "service.log"};
  std::vector<std::string> reports;
  boost::asio::io_context io;
  auto output =
      make_rotating_child_output(logs, io, [&](const std::string& m) { reports.push_back(m); });
  run_generator(*output, io, kLinesPerStream);
  output.reset();  // drains and flushes
  EXPECT_TRUE(reports.empty());
  EXPECT_GE(rotated_count(logs.directory, "service.log"), 50u);
  expect_every_line_once_in_order(segments(logs.directory, "service.log"), kLinesPerStream, false);
}

TEST(CapturePipes, SeparateFilesCompressedAcrossTwoSpawns) {
  TempDirectory dir;
  LogsConfig logs = logs_in(dir.path());
  logs.compress = true;
  boost::asio::io_context io;
  auto output = make_rotating_child_output(logs, io, nullptr);
  run_generator(*output, io, kLinesPerStream / 4);
  run_generator(*output, io, kLinesPerStream / 4);  // a restart: numbering starts again
  output.reset();
  auto out = segments(logs.directory, "stdout.log");
  auto err = segments(logs.directory, "stderr.log");
  std::string all_out;
  for (const auto& part : out) all_out += part;
  std::string all_err;
  for (const auto& part : err) all_err += part;
  std::string expected_out;
  std::string expected_err;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kLinesPerStream / 4; ++i) {
      expected_out += testing::numbered_line("out", i);
      expected_err += testing::numbered_line("err", i);
    }
  }
  EXPECT_TRUE(all_out == expected_out) << all_out.size() << " vs " << expected_out.size();
  EXPECT_TRUE(all_err == expected_err) << all_err.size() << " vs " << expected_err.size();
  EXPECT_LE(rotated_count(logs.directory, "stdout.log"), 100000u);
  for (const auto& entry : std::filesystem::directory_iterator(logs.directory)) {
    const std::string name = entry.path().filename().string();
    if (is_rotated_file_name("stdout.log", name)) {
      EXPECT_TRUE(name.ends_with(".gz")) << name;
    }
  }
}

TEST(CapturePipes, NullAndInheritNeedNoDirectory) {
  LogsConfig logs;
  logs.directory = "/nonexistent/never/created";
  logs.stdout_stream = {LogStream::Kind::null, ""};
  logs.stderr_stream = {LogStream::Kind::inherit, ""};
  boost::asio::io_context io;
  auto output = make_rotating_child_output(logs, io, nullptr);
  ChildStdio stdio;
  ASSERT_EQ(output->open_for_spawn(stdio), "");
  EXPECT_GE(stdio.stdout_fd, 0);
  EXPECT_EQ(stdio.stderr_fd, -1);
  output->child_spawned();
  EXPECT_FALSE(std::filesystem::exists(logs.directory));
}

}  // namespace
}  // namespace daemonize::logs
