// PM2 ecosystem files (JSON and YAML): one manifest per app, every key reported at its line.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace daemonize::import {
namespace {

using test::example;
using test::load_all;
using test::read_text;
using test::report_lines;

TEST(ImportPm2, JsonAppWithExactReportAndManifest) {
  const std::string path = "/srv/orders/api.ecosystem.json";
  auto result = import_pm2({path, read_text(example("pm2/api.ecosystem.json"))});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = path + ":";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "4: carried: name — service.name",
                f + "5: approximated: script — service.command, service.args; run with node, "
                    "PM2's interpreter for .js scripts; \"node\" is looked up in PATH by "
                    "/usr/bin/env (PM2 used the node it runs on)",
                f + "6: carried: cwd — service.working_directory",
                f + "7: carried: args — service.args, split into words as a shell does (no "
                    "shell runs)",
                f + "8: carried: node_args — service.args, before the script",
                f + "10: carried: env.NODE_ENV — env.NODE_ENV",
                f + "11: carried: env.PORT — env.PORT",
                f + "13: dropped: env_staging — the variables of `pm2 start --env staging`; the "
                    "manifest has one environment (copy them into [env] to use them)",
                f + "16: dropped: instances — run 4 copies: not expressible yet; imported as one",
                f + "17: dropped: exec_mode — PM2's Node.js cluster (workers sharing a port) has "
                    "no equivalent; imported as one process",
                f + "18: approximated: max_memory_restart — limits.memory: a hard limit (the "
                    "program is killed when it reaches it, then restarted per restart.policy), "
                    "where PM2 checked every 30s and restarted it gracefully",
                f + "19: carried: kill_timeout — stop.timeout",
                f + "20: carried: out_file — logs.directory + logs.stdout",
                f + "21: carried: error_file — logs.directory + logs.stderr",
                f + "22: approximated: log_date_format — logs.timestamps = true: an RFC 3339 "
                    "time on each line, not this format",
                f + "23: carried: merge_logs — one process: its logs have no instance suffix "
                    "anyway",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "orders-api");
  EXPECT_EQ(s.command, "/usr/bin/env");
  EXPECT_EQ(s.args, (std::vector<std::string>{"node", "--max-old-space-size=512",
                                              "/srv/orders/dist/server.js", "--port", "8080",
                                              "--log-level", "info"}));
  EXPECT_EQ(s.env.at("PORT"), "8080");
  EXPECT_EQ(s.restart.policy, RestartPolicy::always);
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(5));
  EXPECT_EQ(s.limits.memory, 300ULL * 1024 * 1024);
  EXPECT_TRUE(s.logs.timestamps);
}

TEST(ImportPm2, YamlAppsWithBackoffAndStopExitCodes) {
  const std::string path = "/opt/mailer/worker.ecosystem.yaml";
  auto result = import_pm2({path, read_text(example("pm2/worker.ecosystem.yaml"))});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = path + ":";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "3: carried: name — service.name",
          f + "4: carried: script — service.command, service.args",
          f + "5: carried: interpreter — service.command",
          f + "6: carried: interpreter_args — service.args, before the script",
          f + "7: carried: args — service.args",
          f + "8: carried: cwd — service.working_directory",
          f + "9: carried: user — service.user",
          f + "11: carried: env.PYTHONUNBUFFERED — env.PYTHONUNBUFFERED",
          f + "12: carried: env.SMTP_HOST — env.SMTP_HOST",
          f + "13: carried: autorestart — restart.policy = \"on-failure\" with stop_exit_codes",
          f + "14: approximated: max_restarts — restart.max_restarts: counts every restart "
              "within restart.window, not only runs shorter than min_uptime",
          f + "15: dropped: min_uptime — no minimum run time for a start to count as stable; "
              "restart.max_restarts counts restarts within restart.window",
          f + "16: carried: exp_backoff_restart_delay — restart.delay, multiplier 1.5 up to 15s, "
              "reset after 30s up (as PM2)",
          f + "17: carried: stop_exit_codes — restart.success_exit_codes with restart.policy = "
              "\"on-failure\": these exits are not restarted, every other one is",
          f + "18: carried: name — service.name",
          f + "19: carried: script — service.command, service.args",
          f + "20: carried: interpreter — the script is the program",
          f + "21: dropped: cron_restart — restarts on a schedule have no equivalent (use a timer "
              "or cron job that runs `daemonize restart NAME`)",
          f + "22: carried: restart_delay — restart.delay, multiplier 1.0 (a fixed delay, as PM2)",
          f + "23: carried: watch — no restart on file changes, as the manifest",
      }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 2U);
  const auto& worker = services[0];
  EXPECT_EQ(worker.command, "/usr/bin/python3");
  EXPECT_EQ(worker.args, (std::vector<std::string>{"-u", "/opt/mailer/worker.py", "--queue",
                                                   "outbound", "--concurrency", "4"}));
  EXPECT_EQ(worker.user, "mailer");
  EXPECT_EQ(worker.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(worker.restart.success_exit_codes, (std::vector<int>{0}));
  EXPECT_EQ(worker.restart.delay, std::chrono::milliseconds(100));
  EXPECT_DOUBLE_EQ(worker.restart.multiplier, 1.5);
  EXPECT_EQ(worker.restart.max_delay, std::chrono::seconds(15));
  EXPECT_EQ(worker.restart.max_restarts, 10);
  const auto& scheduler = services[1];
  EXPECT_EQ(scheduler.name, "mail-scheduler");
  EXPECT_EQ(scheduler.command, "/opt/mailer/bin/scheduler");
  EXPECT_EQ(scheduler.restart.delay, std::chrono::seconds(3));
  EXPECT_DOUBLE_EQ(scheduler.restart.multiplier, 1.0);
  EXPECT_EQ(scheduler.stop.timeout, std::chrono::milliseconds(1600));
}

TEST(ImportPm2, EveryExampleImportsAndValidates) {
  for (const auto* name : {"api.ecosystem.json", "worker.ecosystem.yaml", "next.ecosystem.json",
                           "gateway.ecosystem.yml", "bot.ecosystem.json"}) {
    auto result = import_pm2({std::string("/srv/") + name, read_text(example("pm2/") + name)});
    EXPECT_TRUE(result.errors.empty()) << name;
    EXPECT_FALSE(result.services.empty()) << name;
    for (const auto& line : result.report) EXPECT_GE(line.line, 1) << name;
    load_all(result);
  }
}

TEST(ImportPm2, GatewayKeepsChildrenAndDiscardsStdout) {
  auto result = import_pm2(
      {"/etc/pm2/gateway.ecosystem.yml", read_text(example("pm2/gateway.ecosystem.yml"))});
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.args, (std::vector<std::string>{"run", "--config", "/etc/caddy/Caddyfile",
                                              "--adapter", "caddyfile"}));
  EXPECT_EQ(s.stop.kill, KillScope::main);
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(10));
  EXPECT_EQ(s.limits.memory, 1024ULL * 1024 * 1024);
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(s.user, "caddy");
  EXPECT_EQ(s.group, "caddy");
}

TEST(ImportPm2, JavaScriptIsRefusedWithTheWayToJson) {
  auto result = import_pm2({"/srv/app/ecosystem.config.js", "module.exports = { apps: [] }\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 1);
  EXPECT_EQ(result.errors[0].message,
            "a JavaScript ecosystem file is a program, not data: write it out as JSON first, "
            "e.g. node -e 'console.log(JSON.stringify(require(\"./ecosystem.config.js\"), null, "
            "2))' > ecosystem.json, and import ecosystem.json");
  EXPECT_TRUE(result.services.empty());
}

TEST(ImportPm2, MalformedInputGetsItsLine) {
  auto json = import_pm2({"/e.json", "{\n  \"apps\": [\n    {\"script\": \"/a\",}\n  ]\n}\n"});
  ASSERT_EQ(json.errors.size(), 1U);
  EXPECT_EQ(json.errors[0].line, 3);
  EXPECT_TRUE(json.errors[0].message.starts_with("not valid JSON: ")) << json.errors[0].message;

  auto yaml = import_pm2({"/e.yaml", "apps:\n  - script: /a\n    args: [unclosed\n"});
  ASSERT_EQ(yaml.errors.size(), 1U);
  EXPECT_GE(yaml.errors[0].line, 3);
  EXPECT_TRUE(yaml.errors[0].message.starts_with("not valid YAML: ")) << yaml.errors[0].message;

  auto no_script = import_pm2({"/e.json", "{\"apps\": [\n  {\"name\": \"x\"}\n]}\n"});
  ASSERT_EQ(no_script.errors.size(), 1U);
  EXPECT_EQ(no_script.errors[0].line, 2);
  EXPECT_EQ(no_script.errors[0].message, "apps[0] has no script");

  for (const auto* empty : {"/e.json", "/e.yaml"}) {
    auto nothing = import_pm2({empty, ""});
    ASSERT_EQ(nothing.errors.size(), 1U) << empty;
    EXPECT_EQ(nothing.errors[0].line, 1) << empty;  // found by fuzz_import
  }

  auto not_pm2 = import_pm2({"/e.yaml", "services:\n  web: {}\n"});
  ASSERT_EQ(not_pm2.errors.size(), 1U);
  EXPECT_EQ(not_pm2.errors[0].message,
            "not a PM2 ecosystem file: expected an \"apps\" list of processes");
}

TEST(ImportPm2, InstancesSayHowManyCopiesAreLost) {
  auto result = import_pm2({"/e.yml",
                            "apps:\n"
                            "  - {script: /a, name: a, instances: max}\n"
                            "  - {script: /b, name: b, instances: -1}\n"
                            "  - {script: /c, name: c, instances: 0}\n"
                            "  - {script: /d, name: d, instances: 1}\n"});
  ASSERT_TRUE(result.errors.empty());
  std::vector<std::string> instances;
  for (const auto& line : report_lines(result)) {
    if (line.find(": instances — ") != std::string::npos) instances.push_back(line);
  }
  EXPECT_EQ(instances,
            (std::vector<std::string>{
                "/e.yml:2: dropped: instances — run one copy per CPU core: not expressible yet; "
                "imported as one",
                "/e.yml:3: dropped: instances — run one copy per CPU core but one: not "
                "expressible yet; imported as one",
                "/e.yml:4: dropped: instances — run one copy per CPU core: not expressible yet; "
                "imported as one",
                "/e.yml:5: carried: instances — one process",
            }));
  EXPECT_EQ(load_all(result).size(), 4U);
}

TEST(ImportPm2, DetectedByNameAndContent) {
  EXPECT_EQ(detect_format("/srv/ecosystem.config.js", "module.exports = {}"), Format::pm2);
  EXPECT_EQ(detect_format("/srv/ecosystem.yml", "apps: []"), Format::pm2);
  EXPECT_EQ(detect_format("/srv/procs.json", "{\"apps\": []}"), Format::pm2);
  EXPECT_TRUE(is_supported(Format::pm2));
}

}  // namespace
}  // namespace daemonize::import
