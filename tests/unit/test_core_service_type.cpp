// [service] type, pid_file and remain_after_exit: what the loader accepts and the errors it
// reports at FILE:LINE:COL.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include "daemonize/core/loader.hpp"

#include "daemonize/core/model_json.hpp"

using namespace daemonize;

namespace {

std::vector<std::string> messages(std::string_view text, TargetOs os = TargetOs::linux) {
  std::vector<std::string> lines;
  for (const auto& d : load_manifest_text(text, "service.toml", os).diagnostics)
    lines.push_back(format_diagnostic(d));
  return lines;
}

Service load_ok(std::string_view text, TargetOs os = TargetOs::linux) {
  auto result = load_manifest_text(text, "service.toml", os);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  EXPECT_TRUE(result.service.has_value());
  return result.service.value_or(Service{});
}

constexpr std::string_view head = R"([service]
name = "legacy"
command = "/usr/sbin/legacyd"
)";
constexpr std::string_view windows_head = R"([service]
name = "legacy"
command = 'C:\legacy\legacyd.exe'
)";

}  // namespace

TEST(ServiceType, DefaultIsSimple) {
  const auto s = load_ok(head);
  EXPECT_EQ(s.type, ServiceType::simple);
  EXPECT_EQ(s.pid_file, "");
  EXPECT_FALSE(s.remain_after_exit);
}

TEST(ServiceType, ForkingWithItsPidFile) {
  const auto s =
      load_ok(std::string(head) + "type = \"forking\"\npid_file = \"/run/legacyd.pid\"\n");
  EXPECT_EQ(s.type, ServiceType::forking);
  EXPECT_EQ(s.pid_file, "/run/legacyd.pid");
  const auto json = boost::json::serialize(to_json(s));
  EXPECT_NE(json.find(R"("type":"forking","pid_file":"/run/legacyd.pid")"), std::string::npos)
      << json;
}

TEST(ServiceType, OneshotAndNotify) {
  const auto oneshot =
      load_ok(std::string(head) + "type = \"oneshot\"\nremain_after_exit = true\n");
  EXPECT_EQ(oneshot.type, ServiceType::oneshot);
  EXPECT_TRUE(oneshot.remain_after_exit);
  EXPECT_EQ(load_ok(std::string(head) + "type = \"notify\"\n").type, ServiceType::notify);
}

TEST(ServiceType, UnknownTypeListsTheChoices) {
  const auto lines = messages(std::string(head) + "type = \"daemon\"\n");
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].substr(0, 17), "service.toml:4:8:") << lines[0];
  EXPECT_NE(lines[0].find("\"simple\", \"forking\", \"oneshot\", \"notify\""), std::string::npos)
      << lines[0];
}

TEST(ServiceType, PidFileWithoutForkingIsAnErrorAtThePidFile) {
  EXPECT_EQ(messages(std::string(head) + "pid_file = \"/run/legacyd.pid\"\n"),
            std::vector<std::string>{
                "service.toml:4:12: error: 'service.pid_file' needs type = \"forking\" (the type "
                "is \"simple\")"});
  EXPECT_EQ(messages(std::string(head) + "type = \"notify\"\npid_file = \"/run/x.pid\"\n"),
            std::vector<std::string>{
                "service.toml:5:12: error: 'service.pid_file' needs type = \"forking\" (the type "
                "is \"notify\")"});
}

TEST(ServiceType, ForkingNeedsAPidFile) {
  EXPECT_EQ(messages(std::string(head) + "type = \"forking\"\n"),
            std::vector<std::string>{
                "service.toml:4:8: error: type = \"forking\" needs 'service.pid_file' (where the "
                "daemon writes its pid)"});
}

TEST(ServiceType, PidFileMustBeAbsolute) {
  const auto lines =
      messages(std::string(head) + "type = \"forking\"\npid_file = \"run/legacyd.pid\"\n");
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0],
            "service.toml:5:12: error: 'service.pid_file' must be an absolute path, got "
            "'run/legacyd.pid'");
}

TEST(ServiceType, RemainAfterExitNeedsOneshot) {
  EXPECT_EQ(messages(std::string(head) + "remain_after_exit = true\n"),
            std::vector<std::string>{
                "service.toml:4:21: error: 'service.remain_after_exit' needs type = \"oneshot\" "
                "(the type is \"simple\")"});
}

TEST(ServiceType, OneshotRefusesPolicyAlways) {
  EXPECT_EQ(messages(std::string(head) + "type = \"oneshot\"\n[restart]\npolicy = \"always\"\n"),
            std::vector<std::string>{
                "service.toml:6:10: error: policy = \"always\" cannot restart a oneshot (it would "
                "run again after every success); use \"on-failure\" or \"never\""});
  load_ok(std::string(head) + "type = \"oneshot\"\n[restart]\npolicy = \"on-failure\"\n");
}

TEST(ServiceType, OneshotRefusesHealthChecks) {
  EXPECT_EQ(
      messages(std::string(head) +
               "type = \"oneshot\"\n[health]\ncheck = \"tcp\"\naddress = \"127.0.0.1:80\"\n"),
      std::vector<std::string>{"service.toml:5:1: error: [health] cannot check a oneshot, which "
                               "ends by design; its success is its readiness"});
}

TEST(ServiceType, ForkingAndNotifyAreLinuxOnly) {
  // The loader accepts them for every OS (render --target all then skips the Windows targets);
  // the Windows targets and the Windows watchdog refuse them with this text.
  EXPECT_EQ(load_ok(std::string(windows_head) + "type = \"notify\"\n", TargetOs::windows).type,
            ServiceType::notify);
  EXPECT_EQ(service_type_problem(ServiceType::forking, TargetOs::windows),
            "type = \"forking\" is not available on Windows (no pid file to adopt a daemon from); "
            "set it for Linux only, in [os.linux.service]");
  EXPECT_EQ(service_type_problem(ServiceType::notify, TargetOs::windows),
            "type = \"notify\" is not available on Windows (no sd_notify); set it for Linux only, "
            "in [os.linux.service]");
  EXPECT_FALSE(service_type_problem(ServiceType::oneshot, TargetOs::windows));
  EXPECT_FALSE(service_type_problem(ServiceType::forking, TargetOs::linux));
  // Set for Linux only, the manifest serves Windows too.
  const std::string portable = std::string(head) +
                               "[os.linux.service]\ntype = \"notify\"\n"
                               "[os.windows]\ncommand = 'C:\\legacy\\legacyd.exe'\n";
  EXPECT_EQ(load_ok(portable, TargetOs::linux).type, ServiceType::notify);
  EXPECT_EQ(load_ok(portable, TargetOs::windows).type, ServiceType::simple);
  // A oneshot works on Windows (the watchdog under the SCM).
  load_ok(std::string(windows_head) + "type = \"oneshot\"\nremain_after_exit = true\n",
          TargetOs::windows);
}
