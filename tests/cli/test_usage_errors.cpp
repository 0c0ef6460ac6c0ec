// Command-line usage errors in the daemonize voice (cli/usage_errors.hpp).
#include "usage_errors.hpp"

#include <gtest/gtest.h>

namespace daemonize::cli {
namespace {

struct Commands {
  CLI::App app{"test", "daemonize"};
  std::string file;
  Commands() {
    app.require_subcommand(1);
    app.set_version_flag("--version", "1");
    app.add_subcommand("deploy", "Deploy")->add_option("file", file)->required();
    app.add_subcommand("status", "Status");
    app.add_subcommand("start", "Start");
    app.add_subcommand("internal-thing", "")->group("");  // hidden
  }
  std::string failure(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& error) {
      return usage_failure_message(&app, error);
    }
    return "";
  }
};

TEST(UnknownCommand, SuggestsTheCommandMeant) {
  Commands c;
  EXPECT_EQ(unknown_command_message(c.app, "deploi"),
            "daemonize: unknown command 'deploi'; did you mean 'deploy'?\n"
            "daemonize: hint: `daemonize --help` describes every command\n");
  EXPECT_EQ(unknown_command_message(c.app, "stauts")->substr(0, 60),
            "daemonize: unknown command 'stauts'; did you mean 'status'?\n");
}

TEST(UnknownCommand, ListsTheVisibleCommandsWhenNoneIsClose) {
  Commands c;
  EXPECT_EQ(unknown_command_message(c.app, "frobnicate")->substr(0, 73),
            "daemonize: unknown command 'frobnicate' (commands: deploy, status, start)");
}

TEST(UnknownCommand, KnownCommandsAndOptionsPass) {
  Commands c;
  EXPECT_FALSE(unknown_command_message(c.app, "deploy"));
  EXPECT_FALSE(unknown_command_message(c.app, "internal-thing")) << "hidden, but a command";
  EXPECT_FALSE(unknown_command_message(c.app, "--version"));
  EXPECT_FALSE(unknown_command_message(c.app, "--help"));
  EXPECT_FALSE(unknown_command_message(c.app, "-h"));
}

TEST(UnknownCommand, MisspeltTopLevelOption) {
  Commands c;
  EXPECT_EQ(unknown_command_message(c.app, "--versoin"),
            "daemonize: unknown option '--versoin'; did you mean '--version'?\n"
            "daemonize: hint: `daemonize --help` describes every command\n");
}

TEST(UsageFailure, NamesTheCommandItConcerns) {
  Commands c;
  EXPECT_EQ(c.failure({"deploy"}),
            "daemonize: file is required\n"
            "daemonize: hint: `daemonize deploy --help` lists what it takes\n");
}

TEST(UsageFailure, SentenceCaseAfterThePrefix) {
  Commands c;
  EXPECT_EQ(c.failure({"status", "--bogus"}),
            "daemonize: the following argument was not expected: --bogus\n"
            "daemonize: hint: `daemonize status --help` lists what it takes\n");
}

TEST(UsageFailure, NoCommandListsThem) {
  Commands c;
  EXPECT_EQ(c.failure({}),
            "daemonize: a command is required: deploy, status, start\n"
            "daemonize: hint: `daemonize --help` lists what it takes\n");
}

}  // namespace
}  // namespace daemonize::cli
