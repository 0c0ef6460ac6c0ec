// "Did you mean": which candidates a misspelt word is taken for (core/suggest.hpp).
#include "daemonize/core/suggest.hpp"

#include <gtest/gtest.h>

namespace daemonize {
namespace {

using Words = std::vector<std::string>;

const Words targets{"systemd",    "launchd", "windows-service", "windows-task", "cron",
                    "kubernetes", "all"};
const Words commands{"validate", "render",  "deploy", "diff", "remove", "start",
                     "stop",     "restart", "reload", "run",  "status", "init"};

TEST(Suggestions, LetterCaseAloneWinsOverEverythingElse) {
  EXPECT_EQ(suggestions("Always", {"always", "on-failure", "never"}), Words{"always"});
  EXPECT_EQ(suggestions("term", {"TERM", "INT", "HUP"}), Words{"TERM"});
  EXPECT_EQ(suggestions("Service", {"schema", "os", "service", "restart"}), Words{"service"});
}

TEST(Suggestions, FewEditsAway) {
  EXPECT_EQ(suggestions("systemdd", targets), Words{"systemd"});
  EXPECT_EQ(suggestions("deploi", commands), Words{"deploy"});
  EXPECT_EQ(suggestions("polcy", {"policy", "delay"}), Words{"policy"});
}

TEST(Suggestions, ASwapOfNeighboursIsOneEdit) {
  EXPECT_EQ(suggestions("stauts", commands), Words{"status"});
  EXPECT_EQ(suggestions("dpeloy", commands), Words{"deploy"});
}

TEST(Suggestions, TiesAreAllNamedInCandidateOrder) {
  // One edit from both.
  EXPECT_EQ(suggestions("stat", {"start", "state", "stop"}), (Words{"start", "state"}));
}

TEST(Suggestions, APrefixNamesEveryCandidateItBegins) {
  EXPECT_EQ(suggestions("windows", targets), (Words{"windows-service", "windows-task"}));
  EXPECT_EQ(suggestions("kube", targets), Words{"kubernetes"});
  EXPECT_EQ(suggestions("max", {"policy", "max_delay", "max_restarts"}),
            (Words{"max_delay", "max_restarts"}));
  EXPECT_TRUE(suggestions("wi", targets).empty()) << "two letters say too little";
}

TEST(Suggestions, NothingCloseIsNothing) {
  EXPECT_TRUE(suggestions("frobnicate", commands).empty());
  EXPECT_TRUE(suggestions("x", {"os"}).empty());
  // Half the word changed is a different word.
  EXPECT_TRUE(suggestions("log", {"run"}).empty());
  EXPECT_TRUE(suggestions("anything", {}).empty());
}

TEST(Suggestions, TheWordItselfIsNoSuggestion) {
  EXPECT_TRUE(suggestions("deploy", {"deploy"}).empty());
}

TEST(OrList, JoinsWithCommasAndOr) {
  EXPECT_EQ(or_list({}), "");
  EXPECT_EQ(or_list({"a"}), "'a'");
  EXPECT_EQ(or_list({"a", "b"}), "'a' or 'b'");
  EXPECT_EQ(or_list({"a", "b", "c"}, '"'), R"("a", "b" or "c")");
}

TEST(DidYouMean, SentenceTailOrNothing) {
  EXPECT_EQ(did_you_mean("windows", targets),
            "; did you mean 'windows-service' or 'windows-task'?");
  EXPECT_EQ(did_you_mean("Always", {"always"}, '"'), R"(; did you mean "always"?)");
  EXPECT_EQ(did_you_mean("zzz", targets), "");
}

}  // namespace
}  // namespace daemonize
