// What deploy and remove print: one line per step with its result, and what to do next after a
// failed start (deploy/src/apply.cpp), against the recording fakes of tests/deploy.
#include <gtest/gtest.h>

#include <sstream>

#include "daemonize/deploy/deploy.hpp"
#include "systemd_deploy_fixture.hpp"

namespace daemonize::deploy {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// web-api deployed to systemd without a daemonize binary (tests/deploy/systemd_deploy_fixture.hpp).
using StepLinesTest = testing::SystemdDeployFixture;

TEST_F(StepLinesTest, DeployPrintsOneLinePerStepWithItsResult) {
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  EXPECT_EQ(lines_of(out.str()),
            (std::vector<std::string>{
                "  create directory /var/log/web-api ... ok",
                "  write /etc/daemonize/web-api.toml (new) ... ok",
                "  write /etc/systemd/system/web-api.service (new) ... ok",
                "  daemon-reload ... ok",
                "  enable web-api.service ... ok",
                "  start web-api.service ... ok",
                "  wait until web-api.service is active and ready ... ok",
                "  write receipt /var/lib/daemonize/web-api.json ... ok",
                "web-api: deployed; web-api.service active (running), main pid 1001",
            }));
  EXPECT_EQ(err.str(), "");
}

TEST_F(StepLinesTest, AFailedStartSaysFailedAndWhereToLook) {
  systemd.fail_next_starts = 1;
  EXPECT_NE(deploy().exit_code, 0);
  const auto printed = lines_of(out.str());
  ASSERT_FALSE(printed.empty());
  EXPECT_EQ(printed.back(), "  start web-api.service ... failed");
  EXPECT_NE(err.str().find("daemonize: hint: see `journalctl -u web-api.service -n 50`"),
            std::string::npos)
      << err.str();
  // Not a start-limit failure: no reset-failed advice.
  EXPECT_EQ(err.str().find("reset-failed"), std::string::npos) << err.str();
}

TEST_F(StepLinesTest, StartLimitHitSaysRunResetFailed) {
  systemd.fail_next_starts = 1;
  systemd.fail_result = "start-limit-hit";  // systemctl show -p Result, not the journal's words
  EXPECT_NE(deploy().exit_code, 0);
  EXPECT_NE(err.str().find("daemonize: hint: systemd hit the start limit: run `systemctl "
                           "reset-failed web-api.service`, then deploy again"),
            std::string::npos)
      << err.str();
}

TEST_F(StepLinesTest, UserScopeHintsUseTheUserManager) {
  service.scope = Scope::user;
  systemd.fail_next_starts = 1;
  EXPECT_NE(deploy().exit_code, 0);
  EXPECT_NE(err.str().find("`journalctl --user -u web-api.service -n 50`"), std::string::npos)
      << err.str();
}

TEST_F(StepLinesTest, RemovePrintsStepLinesAndDryRunPrintsWouldLines) {
  ASSERT_EQ(deploy().exit_code, 0) << err.str();
  std::string error;
  const auto receipt =
      receipt_from_json(ops.files.at("/var/lib/daemonize/web-api.json").content, error);
  ASSERT_TRUE(receipt) << error;

  std::ostringstream dry;
  EXPECT_EQ(remove_installed(*receipt, "/var/lib/daemonize/web-api.json", ops, installer.get(),
                             false, true, dry, err)
                .exit_code,
            0);
  for (const auto& line : lines_of(dry.str())) EXPECT_TRUE(line.starts_with("would ")) << line;

  std::ostringstream removed;
  EXPECT_EQ(remove_installed(*receipt, "/var/lib/daemonize/web-api.json", ops, installer.get(),
                             false, false, removed, err)
                .exit_code,
            0);
  const auto printed = lines_of(removed.str());
  ASSERT_GE(printed.size(), 3U);
  EXPECT_EQ(printed.front(), "  stop web-api.service ... ok");
  EXPECT_EQ(printed.back(), "web-api: removed");
  for (std::size_t i = 0; i + 1 < printed.size(); ++i) {
    EXPECT_TRUE(printed[i].starts_with("  ") && printed[i].find(" ... ok") != std::string::npos)
        << printed[i];
  }
}

}  // namespace
}  // namespace daemonize::deploy
