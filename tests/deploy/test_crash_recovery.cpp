// What a deploy killed half-way leaves behind, and how the next deploy finishes the work
// (the end-to-end kill test is crash_safe_deploy.py; these are the decisions behind it).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemonize/deploy/deploy.hpp"
#include "daemonize/deploy/posix_system_ops.hpp"
#include "systemd_deploy_fixture.hpp"

namespace daemonize::deploy {
namespace {

struct CrashRecoveryTest : testing::SystemdDeployFixture {
  void SetUp() override {
    service.name = "crash";
    service.display_name = "crash";
    service.command = "/bin/true";
    service.logs.stdout_stream.kind = LogStream::Kind::null;
    service.logs.stderr_stream.kind = LogStream::Kind::null;
    unit_text = "[Service]\nExecStart=/usr/local/bin/daemonize run x\n";
    manifest_text = "[service]\nname = \"crash\"\n";
    binary = std::string("ELF v1");
  }
};

TEST_F(CrashRecoveryTest, FilesWrittenButReceiptNotReloadsRestartsAndRecords) {
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  const auto old_receipt = ops.files.at("/var/lib/daemonize/crash.json").content;
  // The next deploy wrote every new file, then was killed before daemon-reload, restart and
  // its receipt.
  unit_text += "Environment=A=1\n";
  manifest_text += "description = \"new\"\n";
  ops.files["/etc/systemd/system/crash.service"].content = unit_text;
  ops.files["/etc/daemonize/crash.toml"].content = manifest_text;
  ops.commands.clear();

  const auto planned = plan();
  for (const auto& file : planned.files) EXPECT_EQ(file.status, FileStatus::unchanged);
  EXPECT_FALSE(planned.up_to_date());
  EXPECT_TRUE(planned.definitions_changed);
  EXPECT_TRUE(planned.restart);
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(systemctl_changes(),
            (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable crash.service",
                                      "systemctl restart crash.service"}));
  EXPECT_NE(ops.files.at("/var/lib/daemonize/crash.json").content, old_receipt);
  ops.commands.clear();
  EXPECT_TRUE(plan().up_to_date());
}

TEST_F(CrashRecoveryTest, ManifestWrittenButReceiptNotRestartsWithoutReload) {
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  manifest_text += "description = \"new\"\n";
  ops.files["/etc/daemonize/crash.toml"].content = manifest_text;
  ops.commands.clear();
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(systemctl_changes(), (std::vector<std::string>{"systemctl restart crash.service"}));
}

TEST_F(CrashRecoveryTest, FirstDeployKilledBeforeItsReceiptLoadsTheDefinitions) {
  // Every file in place, no receipt, the manager never told.
  ops.files["/etc/systemd/system/crash.service"] = {unit_text, 0644, {}};
  ops.files["/etc/daemonize/crash.toml"] = {manifest_text, 0640, {}};
  ops.files["/usr/local/bin/daemonize"] = {"ELF v1", 0755, {}};
  const auto planned = plan();
  EXPECT_FALSE(planned.up_to_date());
  EXPECT_TRUE(planned.definitions_changed);
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(systemctl_changes(),
            (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable crash.service",
                                      "systemctl start crash.service"}));
  EXPECT_TRUE(ops.files.count("/var/lib/daemonize/crash.json"));
}

TEST_F(CrashRecoveryTest, ModeRecordedDifferentlyIsRewritten) {
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  // An earlier version installed the manifest world-readable and recorded that.
  auto receipt_text = ops.files.at("/var/lib/daemonize/crash.json").content;
  std::string error;
  auto receipt = receipt_from_json(receipt_text, error);
  ASSERT_TRUE(receipt) << error;
  for (auto& file : receipt->files) {
    if (file.kind == "manifest") file.mode = 0644;
  }
  ops.files["/var/lib/daemonize/crash.json"].content = receipt_to_json(*receipt);
  ops.files["/etc/daemonize/crash.toml"].mode = 0644;
  ops.writes.clear();
  const auto planned = plan();
  EXPECT_FALSE(planned.up_to_date());
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(ops.files.at("/etc/daemonize/crash.toml").mode, 0640U);
  EXPECT_EQ(ops.writes, (std::vector<std::string>{"/etc/daemonize/crash.toml",
                                                  "/var/lib/daemonize/crash.json"}));
  EXPECT_TRUE(plan().up_to_date());
}

struct TemporaryDirectory {
  std::filesystem::path path;
  TemporaryDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "daemonize-crash-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path); }
};

std::vector<std::string> entries(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PosixSystemOpsCrashLeftovers, AWriteRemovesTemporariesOfDeadWritersOnly) {
  TemporaryDirectory root;
  const auto directory = root.path / "etc";
  std::filesystem::create_directories(directory);
  // A pid that is surely gone: a child we reaped.
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  int status = 0;
  ::waitpid(gone, &status, 0);
  const auto dead = ".unit.service.daemonize-" + std::to_string(gone) + "-12345";
  const auto earlier_version = ".unit.service.daemonize-987654321";
  const auto alive = ".other.conf.daemonize-" + std::to_string(::getppid()) + "-1";
  const auto unrelated = ".unit.service.daemonize-backup";
  for (const auto& name : {dead, std::string(earlier_version), alive, std::string(unrelated)}) {
    std::ofstream(directory / name) << "partial";
  }
  PosixSystemOps ops(root.path.string());
  ops.write_file_atomic("/etc/unit.service", "new\n", 0644, {});
  EXPECT_EQ(entries(directory), (std::vector<std::string>{alive, unrelated, "unit.service"}));
}

}  // namespace
}  // namespace daemonize::deploy
