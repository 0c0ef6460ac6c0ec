#include <gtest/gtest.h>

#include "daemonize/core/utf16le.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/deploy/text_tools.hpp"

namespace daemonize::deploy {
namespace {

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks after padding (56 bytes).
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "x", "x"), "");
}

TEST(UnifiedDiff, ShowsChangedLinesWithContext) {
  const auto diff = unified_diff("one\ntwo\nthree\n", "one\nTWO\nthree\n", "/etc/x", "/etc/x");
  EXPECT_EQ(diff, "--- /etc/x\n+++ /etc/x\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n");
}

TEST(UnifiedDiff, NewFileCountsFromZeroLikeDiff) {
  const auto diff = unified_diff("", "a\nb\n", "/dev/null", "/etc/x");
  EXPECT_EQ(diff, "--- /dev/null\n+++ /etc/x\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

TEST(UnifiedDiff, MissingFinalNewlineIsADifference) {
  const auto diff = unified_diff("a\n", "a", "x", "x");
  EXPECT_NE(diff, "");
  EXPECT_NE(diff.find("No newline at end of file"), std::string::npos);
}

}  // namespace
}  // namespace daemonize::deploy

TEST(PlanDiff, Utf16TaskXmlIsDiffedAsText) {
  // Task Scheduler XML is UTF-16LE: byte by byte, every character would be a line of its own.
  daemonize::deploy::Plan plan;
  daemonize::deploy::PlannedFile file;
  file.desired.path = "C:\\ProgramData\\daemonize\\tasks\\api.xml";
  file.desired.content = daemonize::utf16le_with_bom("<Task>\n  <Priority>7</Priority>\n</Task>\n");
  file.installed = daemonize::utf16le_with_bom("<Task>\n  <Priority>5</Priority>\n</Task>\n");
  file.status = daemonize::deploy::FileStatus::changed;
  plan.files.push_back(file);
  const auto diff = daemonize::deploy::plan_diff(plan);
  EXPECT_NE(diff.find("\n-  <Priority>5</Priority>\n+  <Priority>7</Priority>\n"),
            std::string::npos)
      << diff;
  EXPECT_EQ(diff.find('\0'), std::string::npos) << "no UTF-16 bytes in the diff";
}
