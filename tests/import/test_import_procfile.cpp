// Procfiles: one manifest per process type, shell words, and lines that need `sh -c`.
#include <gtest/gtest.h>

#include "shell_words.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

using test::load_all;
using test::report_lines;

TEST(ImportShellWords, QuotesBackslashesAndFeatures) {
  auto split = split_shell_words(R"(run 'a b' "c $X d" e\ f ${Y})");
  ASSERT_FALSE(split.error);
  ASSERT_EQ(split.words.size(), 5U);
  EXPECT_EQ(split.words[1].text, "a b");
  EXPECT_EQ(split.words[2].interpolated, "c ${X} d");
  EXPECT_EQ(split.words[3].text, "e f");
  EXPECT_EQ(split.words[4].interpolated, "${Y}");
  EXPECT_TRUE(split.shell_features.empty());
  EXPECT_EQ(split_shell_words("a | b && c > d").shell_features,
            (std::vector<std::string>{"a pipe '|'", "'&' (a list or background job)",
                                      "a redirection '>'"}));
  EXPECT_EQ(split_shell_words("echo 'unclosed").error, "an unclosed single quote");
  EXPECT_EQ(split_shell_words("echo '$literal'").words[1].interpolated, "$$literal");
}

TEST(ImportProcfile, OneManifestPerProcessType) {
  auto result = import_procfile(
      {"/app/Procfile",
       "# comment\nweb: bundle exec puma -p $PORT\nworker: /app/bin/worker -q a\n"});
  ASSERT_TRUE(result.errors.empty());
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                "/app/Procfile:2: approximated: web — service \"web\"; $PORT as ${PORT}: one "
                "argument, not split; unset at start stops the watchdog; \"bundle\" is looked up "
                "in PATH by /usr/bin/env; PORT is not assigned by daemonize: set it in [env]",
                "/app/Procfile:3: carried: worker — service \"worker\"",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 2U);
  EXPECT_EQ(services[0].command, "/usr/bin/env");
  EXPECT_EQ(services[0].args,
            (std::vector<std::string>{"bundle", "exec", "puma", "-p", "${PORT}"}));
  EXPECT_EQ(services[0].working_directory, "/app");
  EXPECT_EQ(services[1].command, "/app/bin/worker");
  EXPECT_EQ(services[1].restart.policy, RestartPolicy::always);
}

TEST(ImportProcfile, ShellFeaturesRunThroughSh) {
  auto result = import_procfile({"/app/Procfile", "logs: tail -F log/app.log | grep ERROR\n"});
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].command, "/bin/sh");
  EXPECT_EQ(services[0].args, (std::vector<std::string>{"-c", "tail -F log/app.log | grep ERROR"}));
  EXPECT_EQ(report_lines(result).front(),
            "/app/Procfile:1: approximated: logs — service \"logs\"; runs through /bin/sh -c: a "
            "pipe '|'");
}

TEST(ImportProcfile, LeadingAssignmentsBecomeEnv) {
  auto result =
      import_procfile({"/app/Procfile", "web: NODE_ENV=production exec node server.js\n"});
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].env.at("NODE_ENV"), "production");
  EXPECT_EQ(services[0].args, (std::vector<std::string>{"node", "server.js"}));
}

TEST(ImportProcfile, MalformedLinesNameTheirLine) {
  auto result = import_procfile({"/app/Procfile", "web: ./server\nthis is not a process\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].message, "not a Procfile line: expected 'name: command'");
  result = import_procfile({"/app/Procfile", "web: ./server\nweb: ./other\n"});
  EXPECT_EQ(report_lines(result).back(),
            "/app/Procfile:2: dropped: web — the process type is already defined on line 1");
  result = import_procfile({"/app/Procfile", "web: ./server\nstats: ./stats > log/\xfe\xff\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].message, "not UTF-8 text");
  result = import_procfile({"/app/Procfile", "\n# only comments\n"});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].message, "not a service definition: no 'name: command' line");
}

TEST(ImportProcfile, EveryExampleValidates) {
  int services = 0;
  for (const char* name : {"rails", "django", "node", "shell-features", "go"}) {
    const std::string path = test::example(std::string("procfile/") + name + ".Procfile");
    auto result = import_procfile({path, test::read_text(path)});
    EXPECT_TRUE(result.errors.empty()) << path;
    services += static_cast<int>(load_all(result).size());
  }
  EXPECT_EQ(services, 13);
}

}  // namespace
}  // namespace daemonize::import
