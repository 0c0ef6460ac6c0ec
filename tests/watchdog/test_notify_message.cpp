// The sd_notify datagrams a type = "notify" program sends the watchdog.
#include <gtest/gtest.h>

#include "daemonize/watchdog/notify_message.hpp"

namespace daemonize {
namespace {

TEST(NotifyMessage, ReadsReadyStatusAndMainPid) {
  const auto message = parse_notify_message("READY=1\nSTATUS=serving 3 clients\nMAINPID=4242\n");
  EXPECT_TRUE(message.ready);
  EXPECT_FALSE(message.stopping);
  EXPECT_EQ(message.status, "serving 3 clients");
  EXPECT_EQ(message.main_pid, 4242);
}

TEST(NotifyMessage, IgnoresWhatItDoesNotKnowAndBadValues) {
  const auto message =
      parse_notify_message("WATCHDOG=1\nREADY=0\nMAINPID=12x\nERRNO=2\nnonsense\nFDSTORE=1");
  EXPECT_FALSE(message.ready);
  EXPECT_FALSE(message.status);
  EXPECT_FALSE(message.main_pid);
  EXPECT_FALSE(parse_notify_message("MAINPID=0").main_pid);
  EXPECT_FALSE(parse_notify_message("MAINPID=-5").main_pid);
  EXPECT_FALSE(parse_notify_message("").ready);
}

TEST(NotifyMessage, LastLineNeedsNoNewlineAndStoppingIsRead) {
  EXPECT_TRUE(parse_notify_message("READY=1").ready);
  EXPECT_TRUE(parse_notify_message("STATUS=x\nSTOPPING=1").stopping);
  EXPECT_EQ(parse_notify_message("STATUS=").status, "");
  EXPECT_EQ(parse_notify_message("STATUS=a=b").status, "a=b");
}

}  // namespace
}  // namespace daemonize
