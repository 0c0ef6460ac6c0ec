// The real POSIX SystemOps in a temporary directory (as --root uses it).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemonize/deploy/posix_system_ops.hpp"

namespace daemonize::deploy {
namespace {

struct TemporaryDirectory {
  std::filesystem::path path;
  TemporaryDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "daemonize-ops-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path); }
};

TEST(PosixSystemOps, WritesAtomicallyUnderTheRootWithMode) {
  TemporaryDirectory root;
  PosixSystemOps ops(root.path.string());
  EXPECT_FALSE(ops.read_file("/etc/x/y.conf"));
  EXPECT_FALSE(ops.exists("/etc/x/y.conf"));
  ops.write_file_atomic("/etc/x/y.conf", "first\n", 0640, {"root", "root"});
  EXPECT_EQ(ops.read_file("/etc/x/y.conf"), "first\n");
  struct stat info {};
  ASSERT_EQ(::stat((root.path / "etc/x/y.conf").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640U);
  ops.write_file_atomic("/etc/x/y.conf", "second\n", 0644, {});
  EXPECT_EQ(ops.read_file("/etc/x/y.conf"), "second\n");
  // No temporary file is left next to it.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(root.path / "etc/x")) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
  EXPECT_TRUE(ops.remove("/etc/x/y.conf", false));
  EXPECT_FALSE(ops.remove("/etc/x/y.conf", false));
}

TEST(PosixSystemOps, CreatesDirectoriesAndRemovesTrees) {
  TemporaryDirectory root;
  PosixSystemOps ops(root.path.string() + "/");
  ops.create_directory("/var/log/app", 0750, {});
  struct stat info {};
  ASSERT_EQ(::stat((root.path / "var/log/app").c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0750U);
  ops.write_file_atomic("/var/log/app/a.log", "x", 0644, {});
  EXPECT_TRUE(ops.remove("/var/log/app", true));
  EXPECT_FALSE(ops.exists("/var/log/app"));
}

TEST(PosixSystemOps, UnreadableFileIsAnErrorNotAbsence) {
  TemporaryDirectory root;
  PosixSystemOps ops(root.path.string());
  ops.create_directory("/etc/app.conf", 0755, {});  // a directory where a file is expected
  EXPECT_THROW((void)ops.read_file("/etc/app.conf"), SystemError);
}

TEST(PosixSystemOps, RunReportsExitStatusAndOutput) {
  PosixSystemOps ops;
  const auto result = ops.run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_EQ(result.output, "out\nerr\n");
  EXPECT_EQ(ops.run({"daemonize-no-such-program"}).exit_status, 127);
  EXPECT_EQ(ops.run({"sh", "-c", "kill -TERM $$"}).exit_status, 128 + 15);
}

TEST(PosixSystemOps, LooksUpAccounts) {
  PosixSystemOps ops;
  const auto root = ops.find_user("root");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->uid, 0U);
  EXPECT_EQ(ops.find_group("root"), 0U);
  EXPECT_EQ(ops.find_group("0"), 0U);  // a primary group known only by its gid
  EXPECT_FALSE(ops.find_user("daemonize-no-such-user"));
  // Accounts are never created inside a --root directory.
  TemporaryDirectory directory;
  PosixSystemOps rooted(directory.path.string());
  EXPECT_THROW(rooted.create_system_user("x", ""), SystemError);
}

}  // namespace
}  // namespace daemonize::deploy
