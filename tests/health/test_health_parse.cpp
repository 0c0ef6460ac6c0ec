// [health] targets: URL and address parsing, interpolation against the child's environment.
#include <gtest/gtest.h>

#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize {
namespace {

HttpTarget url_ok(const std::string& url) {
  auto parsed = parse_http_url(url);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << url << ": " << *error;
    return {};
  }
  return std::get<HttpTarget>(parsed);
}

std::string url_error(const std::string& url) {
  auto parsed = parse_http_url(url);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << url << " parsed";
  return "";
}

TEST(HealthParse, HttpUrlWithIpv4PortAndPath) {
  const auto target = url_ok("http://127.0.0.1:8080/healthz?deep=1");
  EXPECT_EQ(target.host, "127.0.0.1");
  EXPECT_EQ(target.port, "8080");
  EXPECT_EQ(target.path, "/healthz?deep=1");
  EXPECT_EQ(target.host_header, "127.0.0.1:8080");
}

TEST(HealthParse, HttpUrlDefaultsToPort80AndRootPath) {
  const auto target = url_ok("http://example.internal");
  EXPECT_EQ(target.host, "example.internal");
  EXPECT_EQ(target.port, "80");
  EXPECT_EQ(target.path, "/");
  EXPECT_EQ(url_ok("http://h:81?x").path, "/?x");
  EXPECT_EQ(url_ok("http://h/a#fragment").path, "/a");
}

TEST(HealthParse, HttpUrlWithIpv6Literal) {
  const auto target = url_ok("http://[::1]:9000/ready");
  EXPECT_EQ(target.host, "::1");
  EXPECT_EQ(target.port, "9000");
  EXPECT_EQ(target.host_header, "[::1]:9000");
  EXPECT_EQ(url_ok("http://[fe80::1]/").port, "80");
}

TEST(HealthParse, HttpUrlErrors) {
  EXPECT_NE(url_error("https://h/").find("https"), std::string::npos);
  EXPECT_NE(url_error("ftp://h/").find("http://"), std::string::npos);
  EXPECT_NE(url_error("http://h:0/").find("port"), std::string::npos);
  EXPECT_NE(url_error("http://h:99999/").find("port"), std::string::npos);
  EXPECT_NE(url_error("http://h:x/").find("port"), std::string::npos);
  EXPECT_NE(url_error("http://::1:80/").find("brackets"), std::string::npos);
  EXPECT_NE(url_error("http://[zz]:80/").find("IPv6"), std::string::npos);
  EXPECT_NE(url_error("http://u:p@h/").find("user"), std::string::npos);
  EXPECT_NE(url_error("http:///x").find("host"), std::string::npos);
  EXPECT_NE(url_error("http://h/a b").find("spaces"), std::string::npos);
}

TEST(HealthParse, TcpAddressNeedsAPort) {
  auto parsed = parse_host_port("db.internal:5432");
  ASSERT_TRUE(std::holds_alternative<HostPort>(parsed));
  EXPECT_EQ(std::get<HostPort>(parsed).host, "db.internal");
  EXPECT_EQ(std::get<HostPort>(parsed).port, "5432");
  parsed = parse_host_port("[::1]:5432");
  ASSERT_TRUE(std::holds_alternative<HostPort>(parsed));
  EXPECT_EQ(std::get<HostPort>(parsed).host, "::1");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_host_port("db.internal")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_host_port(":5432")));
}

TEST(HealthParse, TargetIsInterpolatedAgainstTheChildEnvironment) {
  HealthConfig config;
  config.check = HealthCheckKind::http;
  config.url = "http://127.0.0.1:${PORT}/healthz";
  auto resolved = resolve_health_target(config, {{"PORT", "9123"}});
  ASSERT_TRUE(std::holds_alternative<HealthTarget>(resolved));
  EXPECT_EQ(std::get<HealthTarget>(resolved).http.port, "9123");

  resolved = resolve_health_target(config, {});
  ASSERT_TRUE(std::holds_alternative<std::string>(resolved));
  EXPECT_NE(std::get<std::string>(resolved).find("health.url"), std::string::npos);
  EXPECT_NE(std::get<std::string>(resolved).find("PORT"), std::string::npos);

  config.check = HealthCheckKind::exec;
  config.command = {"/bin/check", "--port=${PORT}"};
  resolved = resolve_health_target(config, {{"PORT", "1"}});
  ASSERT_TRUE(std::holds_alternative<HealthTarget>(resolved));
  EXPECT_EQ(std::get<HealthTarget>(resolved).argv,
            (std::vector<std::string>{"/bin/check", "--port=1"}));

  config.check = HealthCheckKind::tcp;
  config.address = "${HOST}:5432";
  resolved = resolve_health_target(config, {{"HOST", "[::1]"}});
  ASSERT_TRUE(std::holds_alternative<HealthTarget>(resolved));
  EXPECT_EQ(std::get<HealthTarget>(resolved).tcp.host, "::1");
}

}  // namespace
}  // namespace daemonize
