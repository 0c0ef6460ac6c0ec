#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "daemonize/deploy/receipt.hpp"

namespace daemonize::deploy {
namespace {

TEST(Receipt, RoundTripsThroughJson) {
  Receipt receipt;
  receipt.service = "payments";
  receipt.target = "systemd";
  receipt.scope = Scope::user;
  receipt.service_id = "payments.service";
  receipt.daemonize_version = "0.1.0";
  receipt.deployed_at = "2026-11-28T05:00:00Z";
  receipt.manifest_source = "/srv/payments.toml";
  receipt.files = {{"/etc/systemd/system/payments.service", "unit", "abc", 0644},
                   {"/etc/daemonize/payments.toml", "manifest", "def", 0640}};
  receipt.daemonize_path = "/usr/local/bin/daemonize";
  receipt.daemonize_sha256 = "123";
  receipt.env_files = {{"/etc/payments/env", "fff"}, {"/etc/payments/optional", ""}};
  receipt.log_directory = "/var/log/payments";
  receipt.log_directory_created = true;
  receipt.users_created = {"payments"};
  receipt.groups_created = {"payments"};

  std::string error;
  const auto parsed = receipt_from_json(receipt_to_json(receipt), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->service, "payments");
  EXPECT_EQ(parsed->scope, Scope::user);
  ASSERT_EQ(parsed->files.size(), 2U);
  EXPECT_EQ(parsed->files[1].path, "/etc/daemonize/payments.toml");
  EXPECT_EQ(parsed->files[1].mode, 0640U);
  EXPECT_EQ(parsed->env_files, receipt.env_files);
  EXPECT_TRUE(parsed->log_directory_created);
  EXPECT_EQ(parsed->users_created, receipt.users_created);
  EXPECT_EQ(parsed->daemonize_sha256, "123");
}

TEST(Receipt, RejectsOtherJson) {
  std::string error;
  EXPECT_FALSE(receipt_from_json("{\"schema\":1}", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(receipt_from_json("not json", error));
  EXPECT_FALSE(receipt_from_json(
      "{\"schema\":2,\"service\":\"x\",\"target\":\"systemd\",\"files\":[]}", error));
  EXPECT_NE(error.find("newer"), std::string::npos);
}

TEST(Receipt, LivesInVarLibOrTheUsersStateDirectory) {
  EXPECT_EQ(receipt_path("web", Scope::system, "/home/a"), "/var/lib/daemonize/web.json");
  EXPECT_EQ(receipt_path("web", Scope::user, "/home/a"), "/home/a/.local/state/daemonize/web.json");
}

// Windows: the machine's next to the installed manifests, a user's in that user's
// %LOCALAPPDATA% (no administrator rights needed to write it).
TEST(Receipt, OnWindowsInProgramDataOrTheUsersLocalAppData) {
  EXPECT_EQ(windows_receipt_path("web", Scope::system, "C:\\Users\\a"),
            "C:\\ProgramData\\daemonize\\receipts\\web.json");
  const char* saved = std::getenv("LOCALAPPDATA");
  const std::string previous = saved != nullptr ? saved : "";
  ::setenv("LOCALAPPDATA", "D:\\Profiles\\a\\Local", 1);
  EXPECT_EQ(windows_receipt_path("web", Scope::user, "C:\\Users\\a"),
            "D:\\Profiles\\a\\Local\\daemonize\\receipts\\web.json");
  ::unsetenv("LOCALAPPDATA");
  EXPECT_EQ(windows_receipt_path("web", Scope::user, "C:\\Users\\a"),
            "C:\\Users\\a\\AppData\\Local\\daemonize\\receipts\\web.json");
  if (saved != nullptr) ::setenv("LOCALAPPDATA", previous.c_str(), 1);
}

}  // namespace
}  // namespace daemonize::deploy
