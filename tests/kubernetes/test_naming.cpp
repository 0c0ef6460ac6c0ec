#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "daemonize/kubernetes/naming.hpp"

namespace daemonize::kubernetes {
namespace {

using namespace std::chrono_literals;

TEST(Dns1123, AcceptsAndRejectsLabels) {
  EXPECT_TRUE(is_dns1123_label("payments"));
  EXPECT_TRUE(is_dns1123_label("1password"));
  EXPECT_TRUE(is_dns1123_label("a-b-9"));
  EXPECT_TRUE(is_dns1123_label(std::string(63, 'a')));
  EXPECT_FALSE(is_dns1123_label(std::string(64, 'a')));
  EXPECT_FALSE(is_dns1123_label(""));
  EXPECT_FALSE(is_dns1123_label("-a"));
  EXPECT_FALSE(is_dns1123_label("a-"));
  EXPECT_FALSE(is_dns1123_label("A"));
  EXPECT_FALSE(is_dns1123_label("a_b"));
  EXPECT_FALSE(is_dns1123_label("a.b"));
  EXPECT_TRUE(is_dns1035_label("payments"));
  EXPECT_FALSE(is_dns1035_label("1password"));
}

TEST(DeriveObjectName, LowercasesAndReplacesUnderscoreAndDot) {
  EXPECT_EQ(derive_object_name("payments"), "payments");
  EXPECT_EQ(derive_object_name("Payments_API.v2"), "payments-api-v2");
  EXPECT_EQ(derive_object_name("app_"), "app-");  // invalid, the caller rejects it
}

TEST(CpuQuantity, UsesMillicores) {
  EXPECT_EQ(cpu_quantity(1.5), "1500m");
  EXPECT_EQ(cpu_quantity(0.25), "250m");
  EXPECT_EQ(cpu_quantity(2.0), "2");
  EXPECT_EQ(cpu_quantity(0.001), "1m");
  EXPECT_EQ(cpu_quantity(0.0001), std::nullopt);
  EXPECT_EQ(cpu_quantity(1e300), std::nullopt);
  EXPECT_EQ(cpu_quantity(0), std::nullopt);
}

TEST(MemoryQuantity, PrefersExactBinaryUnits) {
  EXPECT_EQ(memory_quantity(512ULL * 1024 * 1024), "512Mi");
  EXPECT_EQ(memory_quantity(2ULL * 1024 * 1024 * 1024), "2Gi");
  EXPECT_EQ(memory_quantity(1536ULL * 1024 * 1024), "1536Mi");
  EXPECT_EQ(memory_quantity(64ULL * 1024), "64Ki");
  EXPECT_EQ(memory_quantity(1'000'000'000ULL), "1G");
  EXPECT_EQ(memory_quantity(500'000'000ULL), "500M");
  EXPECT_EQ(memory_quantity(1500), "1500");
}

TEST(WholeSeconds, RoundsUpAndReportsIt) {
  EXPECT_EQ(whole_seconds(30s).seconds, 30);
  EXPECT_FALSE(whole_seconds(30s).rounded);
  EXPECT_EQ(whole_seconds(500ms).seconds, 1);
  EXPECT_TRUE(whole_seconds(500ms).rounded);
  EXPECT_EQ(whole_seconds(1500ms).seconds, 2);
  EXPECT_EQ(whole_seconds(0ms).seconds, 0);
}

}  // namespace
}  // namespace daemonize::kubernetes
