// `daemonize list`: the table and the JSON of given rows, and the memory and uptime texts.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "service_overview.hpp"

namespace daemonize::cli {
namespace {

std::vector<ServiceRow> sample_rows() {
  ServiceRow web;
  web.name = "web-api";
  web.target = "systemd";
  web.scope = "system";
  web.state = "running";
  web.pid = 4242;
  web.uptime_seconds = 3 * 3600 + 5;
  web.restarts = 2;
  web.memory_bytes = 8 * 1024 * 1024 + 400 * 1024;
  web.health = "healthy";
  web.state_file = "/run/daemonize/web-api/state.json";
  web.receipt_file = "/var/lib/daemonize/web-api.json";
  ServiceRow worker;
  worker.name = "queue-worker";
  worker.target = "detached";
  worker.scope = "user";
  worker.state = "gave_up";
  worker.restarts = 5;
  worker.health = "-";
  return {web, worker};
}

TEST(ServiceTable, ColumnsAreAlignedAndMissingValuesAreDashes) {
  EXPECT_EQ(format_service_table(sample_rows()),
            "NAME          TARGET    SCOPE   STATE    PID   UPTIME  RESTARTS  MEMORY  HEALTH\n"
            "web-api       systemd   system  running  4242  3h0m5s  2         8.4M    healthy\n"
            "queue-worker  detached  user    gave_up  -     -       5         -       -\n");
}

TEST(ServiceTable, AStateWithItsReasonIsOneWordInTheTableAndWholeInJson) {
  auto rows = sample_rows();
  rows[1].state = "unknown (schtasks /Query printed no Status)";
  const auto table = format_service_table(rows);
  EXPECT_NE(
      table.find("\nqueue-worker  detached  user    unknown  -     -       5         -       -\n"),
      std::string::npos)
      << table;
  const auto json = boost::json::parse(services_to_json(rows));
  EXPECT_EQ(json.as_array().at(1).at("state"), "unknown (schtasks /Query printed no Status)");
}

TEST(ServiceTable, JsonHasOneObjectPerRowWithNullsForUnknowns) {
  const auto value = boost::json::parse(services_to_json(sample_rows()));
  const auto& rows = value.as_array();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(boost::json::serialize(rows[0]),
            R"({"name":"web-api","target":"systemd","scope":"system","state":"running",)"
            R"("pid":4242,"uptime_seconds":10805,"restarts":2,"memory_bytes":8798208,)"
            R"("health":"healthy","state_file":"/run/daemonize/web-api/state.json",)"
            R"("receipt":"/var/lib/daemonize/web-api.json"})");
  EXPECT_EQ(boost::json::serialize(rows[1]),
            R"({"name":"queue-worker","target":"detached","scope":"user","state":"gave_up",)"
            R"("pid":0,"uptime_seconds":null,"restarts":5,"memory_bytes":null,"health":"-",)"
            R"("state_file":null,"receipt":null})");
  EXPECT_EQ(services_to_json({}), "[]");
}

TEST(ServiceTable, MemoryIsInPowersOf1024LikePs) {
  EXPECT_EQ(describe_memory(0), "0K");
  EXPECT_EQ(describe_memory(812 * 1024), "812K");
  EXPECT_EQ(describe_memory(1024 * 1024), "1.0M");
  EXPECT_EQ(describe_memory(8806 * 1024), "8.6M");
  EXPECT_EQ(describe_memory(150ULL * 1024 * 1024), "150M");
  EXPECT_EQ(describe_memory(3ULL * 1024 * 1024 * 1024 / 2), "1.5G");
}

TEST(ServiceTable, UptimeNamesDaysHoursMinutesSeconds) {
  using std::chrono::seconds;
  EXPECT_EQ(describe_uptime(seconds(7)), "7s");
  EXPECT_EQ(describe_uptime(seconds(300)), "5m0s");
  EXPECT_EQ(describe_uptime(seconds(90061)), "1d1h1m1s");
  EXPECT_EQ(describe_uptime(seconds(-3)), "0s");
}

}  // namespace
}  // namespace daemonize::cli
