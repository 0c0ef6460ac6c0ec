// HostError: the message every command prints, the kind the exit code follows, and the bridge
// from HostResult to SystemError.
#include <gtest/gtest.h>

#include <cerrno>

#include "daemonize/core/host_error.hpp"

namespace daemonize {
namespace {

TEST(HostError, MessageNamesOperationSubjectAndDetail) {
  const HostError error{"rename", "/etc/x.service", "Permission denied", EACCES,
                        HostError::Kind::permission_denied};
  EXPECT_EQ(error.message(), "rename /etc/x.service: Permission denied");
  EXPECT_EQ((HostError{"useradd failed", "", "", 0, HostError::Kind::other}).message(),
            "useradd failed");
}

TEST(HostError, ErrnoErrorUsesTheSystemTextAndKind) {
  const auto denied = errno_error("open", "/root/x", EACCES);
  EXPECT_EQ(denied.kind, HostError::Kind::permission_denied);
  EXPECT_EQ(denied.os_code, EACCES);
  EXPECT_EQ(denied.message(), "open /root/x: Permission denied");
  EXPECT_EQ(errno_error("open", "/x", EPERM).kind, HostError::Kind::permission_denied);
  EXPECT_EQ(errno_error("open", "/x", ENOENT).kind, HostError::Kind::other);
  EXPECT_EQ(errno_error("open", "/x", ENOENT).message(), "open /x: No such file or directory");
}

HostResult<int> parse(bool ok) {
  if (ok) return 7;
  return errno_error("read", "/nowhere", ENOENT);
}

TEST(HostResult, ValueOrTheErrorAsSystemError) {
  EXPECT_EQ(parse(true).value(), 7);
  const auto failed = parse(false);
  ASSERT_TRUE(failed.has_error());
  EXPECT_EQ(failed.error().subject, "/nowhere");
  try {
    (void)failed.value();
    FAIL() << "value() of an error must throw";
  } catch (const SystemError& error) {
    EXPECT_STREQ(error.what(), "read /nowhere: No such file or directory");
    EXPECT_EQ(error.kind(), SystemError::Kind::other);
    EXPECT_EQ(error.error().os_code, ENOENT);
  }
}

}  // namespace
}  // namespace daemonize
