// The colour decision and the colouring of step lines (cli/terminal.hpp).
#include "terminal.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace daemonize::cli {
namespace {

TEST(ColourAllowed, OnlyOnATerminal) {
  EXPECT_TRUE(colour_allowed(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(colour_allowed(true, nullptr, nullptr));
  EXPECT_FALSE(colour_allowed(false, nullptr, "xterm-256color"));
}

TEST(ColourAllowed, AnyNonEmptyNoColorDisablesIt) {
  EXPECT_FALSE(colour_allowed(true, "1", "xterm"));
  EXPECT_FALSE(colour_allowed(true, "0", "xterm"));  // the value does not matter
  EXPECT_FALSE(colour_allowed(true, "false", "xterm"));
  EXPECT_TRUE(colour_allowed(true, "", "xterm"));  // set but empty: as if unset
}

TEST(ColourAllowed, DumbTerminalGetsNone) {
  EXPECT_FALSE(colour_allowed(true, nullptr, "dumb"));
  EXPECT_TRUE(colour_allowed(true, nullptr, "dumb-but-not-quite"));
}

TEST(StepResultSpan, FindsTheWordAfterTheLastSeparator) {
  const std::string line = "  write /etc/systemd/system/x.service (new) ... ok";
  const auto span = step_result_span(line);
  ASSERT_TRUE(span);
  EXPECT_EQ(line.substr(span->first, span->second - span->first), "ok");

  const std::string with_note = "  remove /etc/x ... ok (already gone)";
  const auto note_span = step_result_span(with_note);
  ASSERT_TRUE(note_span);
  EXPECT_EQ(with_note.substr(note_span->first, note_span->second - note_span->first), "ok");
}

TEST(StepResultSpan, IgnoresOtherLines) {
  EXPECT_FALSE(step_result_span("web-api: deployed; web-api.service active (running)"));
  EXPECT_FALSE(step_result_span("plan for web-api (systemd):"));
  EXPECT_FALSE(step_result_span("  wait until x is ready ... "));  // no result yet
  EXPECT_FALSE(step_result_span("no indent ... ok"));
}

TEST(ColourStepLine, GreenOkRedFailedYellowOtherwise) {
  EXPECT_EQ(colour_step_line("  daemon-reload ... ok"), "  daemon-reload ... \033[32mok\033[0m");
  EXPECT_EQ(colour_step_line("  start x.service ... failed"),
            "  start x.service ... \033[1;31mfailed\033[0m");
  EXPECT_EQ(colour_step_line("  remove /x ... skipped (dry run)"),
            "  remove /x ... \033[33mskipped\033[0m (dry run)");
  EXPECT_EQ(colour_step_line("plan for x:"), "plan for x:");
}

TEST(StepOutput, PlainWhenColourIsOff) {
  std::ostringstream target;
  {
    StepOutput out(target, false);
    EXPECT_EQ(&out.stream(), &target);
    out.stream() << "  daemon-reload ... ok\n";
  }
  EXPECT_EQ(target.str(), "  daemon-reload ... ok\n");
}

TEST(StepOutput, ColoursResultsAndPassesOtherLinesOnUnchanged) {
  std::ostringstream target;
  {
    StepOutput out(target, true);
    out.stream() << "plan for x (systemd):\n  daemon-reload ... ok\nx: deployed\n";
  }
  EXPECT_EQ(target.str(),
            "plan for x (systemd):\n  daemon-reload ... \033[32mok\033[0m\nx: deployed\n");
}

TEST(StepOutput, AFlushShowsTheRunningStepAndTheResultIsStillColoured) {
  std::ostringstream target;
  StepOutput out(target, true);
  out.stream() << "  wait until x.service is active and ready ... " << std::flush;
  EXPECT_EQ(target.str(), "  wait until x.service is active and ready ... ");
  out.stream() << "failed\n";
  EXPECT_EQ(target.str(),
            "  wait until x.service is active and ready ... \033[1;31mfailed\033[0m\n");
}

TEST(StepOutput, AnUnfinishedLineIsPassedOnAtTheEnd) {
  std::ostringstream target;
  {
    StepOutput out(target, true);
    out.stream() << "no newline";
  }
  EXPECT_EQ(target.str(), "no newline");
}

TEST(NullOutput, SwallowsEverything) {
  NullOutput nothing;
  nothing.stream() << "  daemon-reload ... ok\n" << 42 << std::flush;
  EXPECT_TRUE(nothing.stream().good());
}

}  // namespace
}  // namespace daemonize::cli
