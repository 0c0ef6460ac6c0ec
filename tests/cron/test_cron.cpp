#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemonize/cron/backend.hpp"

using namespace daemonize;

namespace {

Service make_service() {
  Service service;
  service.name = "worker";
  service.command = "/bin/true";
  return service;
}

// Runs one crontab command the way cron does: "\%" becomes "%", then `sh -c`.
std::string run_like_cron(const std::string& command) {
  std::string unescaped;
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i] == '\\' && i + 1 < command.size() && command[i + 1] == '%') continue;
    unescaped += command[i];
  }
  // One file per process: ctest -j runs the tests of this binary as parallel processes.
  const auto script = std::filesystem::temp_directory_path() /
                      ("daemonize-cron-line-" + std::to_string(getpid()) + ".sh");
  std::ofstream(script) << unescaped << '\n';
  std::string output;
  if (FILE* pipe = popen(("HOME=/home/op sh " + script.string()).c_str(), "r")) {
    std::array<char, 256> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
    pclose(pipe);
  }
  std::filesystem::remove(script);
  return output;
}

std::string minute_line(const std::string& block) {
  std::istringstream lines(block);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("* * * * * ", 0) == 0) return line.substr(10);
  }
  return "";
}

}  // namespace

TEST(CronRender, BlockHasRebootAndMinuteLinesBetweenMarkers) {
  const auto result = cron::render_cron_block(make_service(), {});
  ASSERT_EQ(result.artifacts.size(), 1U);
  EXPECT_EQ(result.artifacts[0].file_name, "worker.crontab");
  EXPECT_EQ(result.artifacts[0].content, cron::begin_marker("worker") + "\n" +
                                             "@reboot '/usr/local/bin/daemonize' run "
                                             "'/etc/daemonize/worker.toml' --detach >/dev/null\n"
                                             "* * * * * '/usr/local/bin/daemonize' run "
                                             "'/etc/daemonize/worker.toml' --detach >/dev/null\n" +
                                             cron::end_marker("worker") + "\n");
}

TEST(CronRender, UserScopeUsesHomeThatShExpands) {
  auto service = make_service();
  service.scope = Scope::user;
  RenderOptions options;
  options.daemonize_path = "/bin/echo";
  auto line = minute_line(cron::render_cron_block(service, options).artifacts[0].content);
  EXPECT_NE(line.find("\"$HOME\"/'.config/daemonize/worker.toml'"), std::string::npos) << line;
  line.resize(line.size() - std::string(" >/dev/null").size());
  EXPECT_EQ(run_like_cron(line), "run /home/op/.config/daemonize/worker.toml --detach\n");
}

TEST(CronRender, HostilePathsReachTheProgramExactly) {
  // printf prints each argument on its own line, so the test sees the exact argv.
  const auto directory = std::filesystem::temp_directory_path() / "daemonize cron 50% it's";
  std::filesystem::create_directories(directory);
  const auto printer = directory / "print argv";
  std::ofstream(printer) << "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n";
  std::filesystem::permissions(printer, std::filesystem::perms::owner_all);
  RenderOptions options;
  options.daemonize_path = printer.string();
  options.installed_manifest_path = "/etc/x y/a'b%c$HOME`id`.toml";
  const auto block = cron::render_cron_block(make_service(), options).artifacts[0].content;
  // The minute line ends in ">/dev/null"; drop it to see the output.
  auto line = minute_line(block);
  line.resize(line.size() - std::string(" >/dev/null").size());
  EXPECT_EQ(run_like_cron(line), "[run]\n[/etc/x y/a'b%c$HOME`id`.toml]\n[--detach]\n");
}

TEST(CronRender, NativeModeWarns) {
  auto service = make_service();
  service.supervisor = SupervisorMode::native;
  const auto result = cron::render_cron_block(service, {});
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(result.diagnostics[0].key, "service.supervisor");
  EXPECT_EQ(result.diagnostics[0].severity, Severity::warning);
}

TEST(CronMerge, AddsOnceUpdatesInPlaceRemovesCleanly) {
  const std::string others = "MAILTO=ops@example.com\n0 3 * * * /usr/bin/backup\n";
  const auto block_v1 =
      cron::begin_marker("worker") + "\n@reboot v1\n" + cron::end_marker("worker") + "\n";
  const auto block_v2 =
      cron::begin_marker("worker") + "\n@reboot v2\n" + cron::end_marker("worker") + "\n";

  const auto added = cron::merge_block(others, "worker", block_v1);
  EXPECT_EQ(added, others + block_v1);
  EXPECT_EQ(cron::merge_block(added, "worker", block_v1), added) << "idempotent";

  const auto with_tail = added + "15 * * * * /usr/bin/other\n";
  EXPECT_EQ(cron::merge_block(with_tail, "worker", block_v2),
            others + block_v2 + "15 * * * * /usr/bin/other\n");
  EXPECT_EQ(cron::merge_block(with_tail, "worker", ""), others + "15 * * * * /usr/bin/other\n");
}

TEST(CronMerge, OtherServicesBlocksAreUntouched) {
  const auto other =
      cron::begin_marker("worker-2") + "\n@reboot x\n" + cron::end_marker("worker-2") + "\n";
  const auto mine =
      cron::begin_marker("worker") + "\n@reboot y\n" + cron::end_marker("worker") + "\n";
  EXPECT_EQ(cron::merge_block(other, "worker", mine), other + mine);
  EXPECT_EQ(cron::merge_block(other + mine, "worker", ""), other);
}

TEST(CronMerge, CrontabWithoutTrailingNewline) {
  const auto mine =
      cron::begin_marker("worker") + "\n@reboot y\n" + cron::end_marker("worker") + "\n";
  EXPECT_EQ(cron::merge_block("0 1 * * * x", "worker", mine), "0 1 * * * x\n" + mine);
}

TEST(CronRender, DocumentationIsACommentLineInTheBlock) {
  auto service = make_service();
  service.documentation = {"man:worker(8)", "https://example.com/worker"};
  service.aliases = {"worker-legacy"};
  const auto result = cron::render_cron_block(service, {});
  ASSERT_EQ(result.artifacts.size(), 1U);
  const auto& block = result.artifacts[0].content;
  EXPECT_EQ(block.substr(0, block.find("@reboot")),
            cron::begin_marker("worker") +
                "\n# Documentation: man:worker(8) https://example.com/worker\n");
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(result.diagnostics[0].key, "service.aliases");
  EXPECT_EQ(result.diagnostics[0].message,
            "cron: a crontab entry has one name; 'service.aliases' is ignored");
}
