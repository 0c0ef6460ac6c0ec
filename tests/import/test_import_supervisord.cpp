// supervisord configurations: one manifest per [program:x], every key reported.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace daemonize::import {
namespace {

using test::load_all;
using test::report_lines;

TEST(ImportSupervisord, MapsAProgramWithExactReport) {
  auto result = import_supervisord({"/etc/supervisor/conf.d/api.conf",
                                    "[program:api]\n"
                                    "command=/opt/api/bin/api --port %(ENV_PORT)s ; the program\n"
                                    "directory=/opt/api\n"
                                    "user=api\n"
                                    "environment=A=\"1\",B='two words'\n"
                                    "autorestart=unexpected\n"
                                    "exitcodes=0,2\n"
                                    "stopsignal=QUIT\n"
                                    "stopwaitsecs=20\n"
                                    "stdout_logfile=/var/log/api/out.log\n"
                                    "redirect_stderr=true\n"
                                    "stdout_logfile_maxbytes=1MB\n"
                                    "stdout_logfile_backups=3\n"
                                    "numprocs=2\n"
                                    "priority=10\n"});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "/etc/supervisor/conf.d/api.conf:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: approximated: command — service.command, service.args; %(ENV_PORT)s as "
                    "${PORT}: read when the program starts, not when supervisord loads its "
                    "configuration",
                f + "3: carried: directory — service.working_directory",
                f + "4: carried: user — service.user",
                f + "5: carried: environment — env.A, env.B",
                f + "6: carried: autorestart — restart.policy = \"on-failure\" (exitcodes are "
                    "the expected ones)",
                f + "7: carried: exitcodes — restart.success_exit_codes",
                f + "8: carried: stopsignal — stop.signal = \"QUIT\"",
                f + "9: carried: stopwaitsecs — stop.timeout",
                f + "10: carried: stdout_logfile — logs.directory + logs.stdout",
                f + "11: carried: redirect_stderr — logs.stderr = logs.stdout",
                f + "12: carried: stdout_logfile_maxbytes — logs.max_size",
                f + "13: carried: stdout_logfile_backups — logs.max_files",
                f + "14: dropped: numprocs — imported as one process: several instances have no "
                    "manifest form yet",
                f + "15: dropped: priority — no start order; use [dependencies] after",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "api");
  EXPECT_EQ(s.args, (std::vector<std::string>{"--port", "${PORT}"}));
  EXPECT_EQ(s.env.at("B"), "two words");
  EXPECT_EQ(s.restart.success_exit_codes, (std::vector<int>{0, 2}));
  EXPECT_EQ(s.stop.signal, Signal::quit);
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(20));
  EXPECT_EQ(s.logs.stdout_stream.file_name, "out.log");
  EXPECT_EQ(s.logs.stderr_stream.file_name, "out.log");
  EXPECT_EQ(s.logs.max_size, 1024U * 1024U);
  EXPECT_EQ(s.logs.max_files, 3U);
}

TEST(ImportSupervisord, DefaultsOfSupervisordAreWritten) {
  auto result = import_supervisord({"/s.conf", "[program:x]\ncommand=/bin/sleep 100\n"});
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].stop.timeout, std::chrono::seconds(10));
  EXPECT_EQ(services[0].logs.max_size, 50U * 1024U * 1024U);
  EXPECT_EQ(services[0].logs.max_files, 10U);
  EXPECT_EQ(services[0].restart.policy, RestartPolicy::on_failure);
}

TEST(ImportSupervisord, OtherSectionsAreDroppedKeyByKey) {
  auto result =
      import_supervisord({"/s.conf",
                          "[supervisord]\nlogfile=/var/log/s.log\n[program:x]\ncommand=/bin/true\n"
                          "[include]\nfiles=conf.d/*.conf\n"});
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                "/s.conf:2: dropped: [supervisord] logfile — supervisord's own settings",
                "/s.conf:4: carried: command — service.command, service.args",
                "/s.conf:6: dropped: [include] files — included files are not followed: import "
                "them by name",
            }));
}

TEST(ImportSupervisord, RefusalsNameTheirLine) {
  auto result = import_supervisord({"/s.conf", "[supervisord]\nlogfile=/x\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 1);
  EXPECT_EQ(result.errors[0].message, "not a service definition: no [program:NAME] section");
  result = import_supervisord({"/s.conf", "[program:x]\ndirectory=/tmp\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].message, "[program:x] has no command");
  result = import_supervisord({"/s.conf", "[program:x]\ncommand=/bin/true\ncommand=/bin/false\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 3);
  EXPECT_EQ(result.errors[0].message, "'command' is already set in [program:x] on line 2");
  result = import_supervisord({"/s.conf", "[program:x\ncommand=/bin/true\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 1);
}

TEST(ImportSupervisord, EveryExampleValidates) {
  int services = 0;
  for (const char* name : {"celery", "gunicorn", "full", "env-expansion", "numprocs"}) {
    const std::string path = test::example(std::string("supervisord/") + name + ".conf");
    auto result = import_supervisord({path, test::read_text(path)});
    EXPECT_TRUE(result.errors.empty()) << path;
    services += static_cast<int>(load_all(result).size());
  }
  EXPECT_EQ(services, 7);
}

}  // namespace
}  // namespace daemonize::import
