// launchd jobs, XML and binary: every key reported with its line, manifests through the loader,
// malformed plists refused with FILE:LINE.
#include <gtest/gtest.h>

#include "plist_parse.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

using test::example;
using test::load_all;
using test::read_text;
using test::report_lines;

ImportResult import_example(const std::string& relative) {
  return import_launchd({relative, read_text(example("launchd/" + relative))});
}

// A binary plist from its object bytes: one-byte offsets and references, object 0 on top.
std::string binary_plist(const std::vector<std::string>& objects) {
  std::string out = "bplist00";
  std::string table;
  for (const auto& object : objects) {
    table += static_cast<char>(out.size());
    out += object;
  }
  const auto table_offset = static_cast<char>(out.size());
  out += table;
  out += std::string(6, '\0') + '\x01' + '\x01';
  out += std::string(7, '\0') + static_cast<char>(objects.size());
  out += std::string(8, '\0');
  out += std::string(7, '\0') + table_offset;
  return out;
}

std::string error_of(const ImportResult& result) {
  if (result.errors.empty()) return "(no error)";
  const auto& e = result.errors.front();
  return e.file + ":" + std::to_string(e.line) + ": " + e.message;
}

TEST(ImportLaunchd, MapsADaemonWithExactReport) {
  auto result = import_example("com.example.webapp.plist");
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  const std::string f = "com.example.webapp.plist:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "5: carried: Label — service.name \"com.example.webapp\", launchd.label",
                f + "7: carried: ProgramArguments — service.command, service.args",
                f + "14: carried: RunAtLoad — a deployed service starts",
                f + "16: carried: KeepAlive — restart.policy = \"always\"",
                f + "18: carried: UserName — service.user",
                f + "20: carried: GroupName — service.group",
                f + "22: carried: WorkingDirectory — service.working_directory",
                f + "24: carried: EnvironmentVariables — env.WEBAPP_ENV, env.PATH",
                f + "31: carried: StandardOutPath — logs.directory + logs.stdout",
                f + "33: carried: StandardErrorPath — logs.directory + logs.stderr",
                f + "35: approximated: ThrottleInterval — restart.delay: the manifest waits this "
                    "long after an exit, launchd spaced starts this far apart",
                f + "37: carried: ExitTimeOut — stop.timeout",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "com.example.webapp");
  EXPECT_EQ(s.launchd.label, "com.example.webapp");
  EXPECT_EQ(s.command, "/usr/local/bin/webapp");
  EXPECT_EQ(s.args, (std::vector<std::string>{"--listen", "127.0.0.1:8080",
                                              "--config=/usr/local/etc/webapp/config.yml"}));
  EXPECT_EQ(s.user, "_webapp");
  EXPECT_EQ(s.group, "_webapp");
  EXPECT_EQ(s.working_directory, "/usr/local/var/webapp");
  EXPECT_EQ(s.env.at("WEBAPP_ENV"), "production");
  EXPECT_EQ(s.restart.policy, RestartPolicy::always);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(5));
  EXPECT_EQ(s.restart.multiplier, 1.0);
  EXPECT_EQ(s.restart.max_restarts, 0U);
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(30));
  EXPECT_EQ(s.logs.directory, "/usr/local/var/log/webapp");
  EXPECT_EQ(s.logs.stdout_stream.file_name, "webapp.log");
  EXPECT_EQ(s.logs.stderr_stream.file_name, "webapp.err");
  EXPECT_EQ(s.scope, Scope::system);
}

TEST(ImportLaunchd, ProgramKeepAliveDictionaryAndLimits) {
  auto result = import_example("org.example.worker.plist");
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  const std::string f = "org.example.worker.plist:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "5: carried: Label — service.name \"org.example.worker\", launchd.label",
                f + "8: carried: Program — service.command",
                f + "10: carried: ProgramArguments — service.args",
                f + "18: carried: KeepAlive.SuccessfulExit — restart.policy = \"on-failure\": "
                    "restarted after a non-zero exit",
                f + "20: dropped: KeepAlive.NetworkState — the manifest has no conditions on the "
                    "network, paths or other jobs; the service runs unconditionally",
                f + "23: carried: ProcessType — launchd.process_type",
                f + "25: approximated: Nice — [systemd].extra Nice=: other targets ignore it",
                f + "27: carried: Umask — service.umask = \"0027\"",
                f + "31: carried: SoftResourceLimits.NumberOfFiles — limits.nofile (soft and "
                    "hard are equal)",
                f + "36: carried: HardResourceLimits.NumberOfFiles — limits.nofile (soft and "
                    "hard are equal)",
                f + "38: dropped: HardResourceLimits.Core — the manifest limits open files and "
                    "processes only",
                f + "41: carried: StandardErrorPath — logs.directory + logs.stderr",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.command, "/opt/worker/bin/worker");
  EXPECT_EQ(s.args, (std::vector<std::string>{"--queue", "default & mail"}));
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.launchd.process_type, "Background");
  EXPECT_EQ(s.umask, 027U);  // Umask is decimal in a plist: 23
  EXPECT_EQ(s.limits.nofile, 4096U);
  EXPECT_EQ(s.systemd.extra.at("Service.Nice"), "5");
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(s.logs.stderr_stream.file_name, "worker.log");
}

TEST(ImportLaunchd, ScheduleIsDroppedAndSaysWhy) {
  auto result = import_example("com.example.backup.plist");
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  const auto lines = report_lines(result);
  ASSERT_EQ(lines.size(), 7U);
  EXPECT_EQ(lines[2],
            "com.example.backup.plist:13: dropped: StartCalendarInterval — schedules are not "
            "supported yet: the manifest describes a service that runs until stopped");
  EXPECT_EQ(lines[3],
            "com.example.backup.plist:20: dropped: LowPriorityIO — no equivalent in "
            "the manifest");
  EXPECT_EQ(lines[4],
            "com.example.backup.plist:22: dropped: RunAtLoad — a deployed service starts at once "
            "(launchd waited for KeepAlive or a demand); use `deploy --no-start`");
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].restart.policy, RestartPolicy::never);
  EXPECT_EQ(services[0].logs.stdout_stream.file_name, "backup-home.log");
  EXPECT_EQ(services[0].logs.stderr_stream.file_name, "backup-home.log");
  EXPECT_EQ(services[0].stop.timeout, std::chrono::seconds(20));
}

TEST(ImportLaunchd, AgentIsAUserServiceAndDollarsStayLiteral) {
  auto result = import_example("LaunchAgents/com.example.sync-agent.plist");
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  const auto lines = report_lines(result);
  ASSERT_EQ(lines.size(), 8U);
  EXPECT_EQ(lines[1],
            "LaunchAgents/com.example.sync-agent.plist:7: approximated: ProgramArguments — "
            "service.command, service.args; \"node\" is looked up in PATH by /usr/bin/env, as "
            "launchd searched PATH");
  EXPECT_EQ(lines[2],
            "LaunchAgents/com.example.sync-agent.plist:15: approximated: KeepAlive.Crashed — "
            "restart.policy = \"on-failure\": launchd restarted only after a signal ended the "
            "program, the manifest also after a non-zero exit");
  EXPECT_EQ(lines[3],
            "LaunchAgents/com.example.sync-agent.plist:18: dropped: WatchPaths — the "
            "manifest has no start on file-system events");
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.scope, Scope::user);
  EXPECT_EQ(s.command, "/usr/bin/env");
  // launchd expands nothing: the manifest keeps `$` literal ($$).
  EXPECT_EQ(s.args, (std::vector<std::string>{"node", "/Users/Shared/sync/agent.js",
                                              "--cache=$$TMPDIR/sync"}));
  EXPECT_EQ(s.launchd.process_type, "Interactive");
}

TEST(ImportLaunchd, BinaryPlistImportsLikeItsXmlForm) {
  auto binary = import_example("com.example.cache.plist");
  auto xml = import_launchd(
      {"com.example.cache.plist", read_text(example("launchd/com.example.cache.xml"))});
  ASSERT_TRUE(binary.errors.empty()) << error_of(binary);
  ASSERT_TRUE(xml.errors.empty()) << error_of(xml);
  ASSERT_EQ(binary.report.size(), xml.report.size());
  for (std::size_t i = 0; i < xml.report.size(); ++i) {
    EXPECT_EQ(binary.report[i].line, 1) << binary.report[i].key;  // no lines in a binary plist
    EXPECT_EQ(binary.report[i].key, xml.report[i].key);
    EXPECT_EQ(binary.report[i].outcome, xml.report[i].outcome);
    EXPECT_EQ(binary.report[i].note, xml.report[i].note);
  }
  ASSERT_EQ(binary.services.size(), 1U);
  EXPECT_EQ(binary.services[0].manifest, xml.services[0].manifest);
  auto services = load_all(binary);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  // Non-ASCII text is UTF-16 in a binary plist.
  EXPECT_EQ(s.args, (std::vector<std::string>{"/opt/cache/etc/cache.conf", "--banner=Café ☕"}));
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(1));
  EXPECT_EQ(s.stop.timeout, std::chrono::minutes(5));
  EXPECT_EQ(s.stop.kill, KillScope::main);
  EXPECT_EQ(s.limits.nofile, 65536U);
  EXPECT_EQ(s.limits.nproc, 512U);
  EXPECT_EQ(s.env.at("PRICE"), "$$5");
  EXPECT_EQ(s.user, "_cache");
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(binary.report[2].key, "KeepAlive.SuccessfulExit");
  EXPECT_EQ(format_report_line(binary.report[6]),
            "com.example.cache.plist:1: approximated: HardResourceLimits.NumberOfFiles — "
            "limits.nofile: the manifest sets one limit, soft = hard");
}

std::string job(const std::string& body) {
  return "<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict>\n" + body +
         "</dict>\n</plist>\n";
}

TEST(ImportLaunchd, ProgramArgumentZeroAndKeepAliveForms) {
  auto result = import_launchd(
      {"/j.plist", job("<key>Label</key><string>org.daemonize.api</string>\n"
                       "<key>Program</key><string>/usr/bin/python3</string>\n"
                       "<key>ProgramArguments</key><array><string>api-server</string>"
                       "<string>-m</string><string>api</string></array>\n"
                       "<key>KeepAlive</key><dict><key>SuccessfulExit</key><true/>"
                       "<key>PathState</key><dict/></dict>\n"
                       "<key>Disabled</key><true/>\n"
                       "<key>Umask</key><string>077</string>\n"
                       "<key>SoftResourceLimits</key><dict><key>NumberOfProcesses</key>"
                       "<integer>100</integer></dict>\n"
                       "<key>ExitTimeOut</key><string>soon</string>\n")});
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                "/j.plist:4: carried: Label — service.name \"api\" (the default label)",
                "/j.plist:5: approximated: Program — service.command; argv[0] \"api-server\" is "
                "not kept: the program sees its path",
                "/j.plist:6: approximated: ProgramArguments — service.args; argv[0] "
                "\"api-server\" is not kept: the program sees its path",
                "/j.plist:7: approximated: KeepAlive.SuccessfulExit — restart.policy = "
                "\"always\": launchd restarted only after a successful exit, the manifest "
                "restarts after any exit",
                "/j.plist:7: dropped: KeepAlive.PathState — the manifest has no conditions on the "
                "network, paths or other jobs; the service runs unconditionally",
                "/j.plist:8: dropped: Disabled — a deployed service is enabled; remove it to "
                "disable it",
                "/j.plist:9: carried: Umask — service.umask = \"0077\"",
                "/j.plist:10: approximated: SoftResourceLimits.NumberOfProcesses — limits.nproc: "
                "the manifest sets one limit, so the hard limit becomes 100 too",
                "/j.plist:11: dropped: ExitTimeOut — a string where launchd expects an integer",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].name, "api");
  EXPECT_EQ(services[0].launchd.label, "org.daemonize.api");
  EXPECT_EQ(services[0].args, (std::vector<std::string>{"-m", "api"}));
  EXPECT_EQ(services[0].restart.policy, RestartPolicy::always);
  EXPECT_EQ(services[0].limits.nproc, 100U);
}

TEST(ImportLaunchd, AJobDaemonizeDeployedPointsAtItsManifest) {
  auto result = import_launchd(
      {"/Library/LaunchDaemons/org.daemonize.web.plist",
       job("<key>Label</key><string>org.daemonize.web</string>\n"
           "<key>ProgramArguments</key><array><string>/usr/local/bin/daemonize</string>"
           "<string>run</string><string>/usr/local/etc/daemonize/web.toml</string></array>\n")});
  ASSERT_TRUE(result.errors.empty()) << error_of(result);
  ASSERT_EQ(result.report.size(), 2U);
  EXPECT_EQ(format_report_line(result.report[1]),
            "/Library/LaunchDaemons/org.daemonize.web.plist:5: approximated: ProgramArguments — "
            "service.command, service.args; a job daemonize deployed: its manifest is "
            "/usr/local/etc/daemonize/web.toml, import nothing and use that file");
}

TEST(ImportLaunchd, ALongThrottleIntervalRaisesTheMaximumDelay) {
  // Found by fuzz_import: a delay above the default restart.max_delay did not validate.
  auto result =
      import_launchd({"/j.plist", job("<key>Label</key><string>slow</string>\n"
                                      "<key>Program</key><string>/bin/true</string>\n"
                                      "<key>ThrottleInterval</key><integer>91</integer>\n")});
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].restart.delay, std::chrono::seconds(91));
  EXPECT_EQ(services[0].restart.max_delay, std::chrono::seconds(91));
}

TEST(ImportLaunchd, LimitsOutsideTheManifestsRangeAreDropped) {
  // Found by fuzz_import: NumberOfFiles 0 made a manifest that did not validate.
  auto result = import_launchd({"/j.plist", job("<key>Label</key><string>l</string>\n"
                                                "<key>Program</key><string>/bin/true</string>\n"
                                                "<key>HardResourceLimits</key><dict>"
                                                "<key>NumberOfFiles</key><integer>0</integer>"
                                                "<key>NumberOfProcesses</key>"
                                                "<integer>2000000000</integer></dict>\n")});
  const auto lines = report_lines(result);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[2],
            "/j.plist:6: dropped: HardResourceLimits.NumberOfFiles — 0 is outside the "
            "manifest's range (1 to 1073741824)");
  EXPECT_EQ(lines[3],
            "/j.plist:6: dropped: HardResourceLimits.NumberOfProcesses — 2000000000 is "
            "outside 0 to 1073741824");
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_FALSE(services[0].limits.nofile.has_value());
}

TEST(ImportLaunchd, MalformedXmlIsRefusedWithItsLine) {
  const auto refused = [](const std::string& text) {
    return error_of(import_launchd({"/x.plist", text}));
  };
  EXPECT_EQ(refused("<plist><dict>\n<key>Label</key>\n<string>a</string>\n"),
            "/x.plist:4: not a property list: the file ends before the plist does");
  EXPECT_EQ(
      refused(job("<key>Label</key><string>a</string>\n<key>Label</key><string>b</string>\n")),
      "/x.plist:5: not a property list: the key \"Label\" is already set on line 4");
  EXPECT_EQ(refused(job("<key>Program</key><string>/bin/true</string>\n")),
            "/x.plist:3: not a launchd job: the plist has no Label");
  EXPECT_EQ(refused("<plist>\n<array/>\n</plist>\n"),
            "/x.plist:2: not a launchd job: the plist holds an array, not a dictionary");
  EXPECT_EQ(
      refused(job("<key>Label</key><string>a</string>\n<key>Nice</key><integer>x1</integer>\n")),
      "/x.plist:5: not a property list: <integer> \"x1\" is not an integer");
  EXPECT_EQ(refused(job("<key>Label</key><string>a&bogus;</string>\n")),
            "/x.plist:4: not a property list: &bogus; is not an XML entity");
  EXPECT_EQ(refused(job("<key>Label</key><string>a</string>\n")),
            "/x.plist:4: not a launchd job: it has neither Program nor ProgramArguments");
  EXPECT_EQ(refused(job("<key>Label</key><string>a</string>\n<key>ProgramArguments</key>"
                        "<array>\n<integer>1</integer></array>\n")),
            "/x.plist:6: ProgramArguments must hold strings of text");
  EXPECT_EQ(refused("<plist><dict><key>Label</key><strin>a</strin></dict></plist>"),
            "/x.plist:1: not a property list: <strin> is not a plist element");
  EXPECT_EQ(refused("Label = a;\n"), "/x.plist:1: not a property list: expected an element");
  EXPECT_EQ(refused("<plist>\xC3(</plist>"), "/x.plist:1: not UTF-8 text");
  std::string deep = "<plist>";
  for (int i = 0; i < 100; ++i) deep += "<array>";
  EXPECT_EQ(refused(deep), "/x.plist:1: not a property list: nested deeper than 64 levels");
}

TEST(ImportLaunchd, MalformedBinaryIsRefusedAtLineOne) {
  const auto refused = [](const std::string& bytes) {
    return error_of(import_launchd({"/b.plist", bytes}));
  };
  EXPECT_EQ(refused("bplist00"),
            "/b.plist:1: not a property list: a binary plist shorter than its header and trailer");
  EXPECT_EQ(refused("bplist15" + std::string(40, '\0')),
            "/b.plist:1: not a property list: binary plist version \"15\" (only bplist00 is read)");
  // An array that contains itself.
  EXPECT_EQ(refused(binary_plist({std::string("\xA1\x00", 2)})),
            "/b.plist:1: not a property list: object #0 contains itself");
  // A reference past the object table.
  EXPECT_EQ(refused(binary_plist({std::string("\xA1\x05", 2)})),
            "/b.plist:1: not a property list: a reference to object #5 of 1");
  // A string longer than the file.
  EXPECT_EQ(refused(binary_plist({"\x5F\x10\x7F"
                                  "abc"})),
            "/b.plist:1: not a property list: a binary plist object runs into the offset table");
  EXPECT_EQ(refused(binary_plist({std::string("\x80\x01", 2)})),
            "/b.plist:1: not a property list: object #0 has the marker 0x80, which is not a "
            "plist value launchd reads");
  EXPECT_EQ(refused(binary_plist({"\x51"
                                  "a"})),
            "/b.plist:1: not a launchd job: the plist holds a string, not a dictionary");
  // A dictionary {Label: "x", Program: "/bin/true"} written by hand parses.
  auto parsed = parse_plist(binary_plist({std::string("\xD2\x01\x02\x03\x04", 5), "\x55Label",
                                          "\x57Program", "\x51x", "\x59/bin/true"}));
  ASSERT_TRUE(parsed.root.has_value()) << parsed.error;
  ASSERT_EQ(parsed.root->keys, (std::vector<std::string>{"Label", "Program"}));
  EXPECT_EQ(parsed.root->find("Program")->text, "/bin/true");
}

TEST(ImportLaunchd, BinaryScalarsAndUtf16) {
  // {n: -2 (8 bytes), r: 1.5 (double), t: true, s: "é" as UTF-16BE, d: a date}
  auto parsed = parse_plist(binary_plist({
      std::string("\xD5\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A", 11),
      "\x51n",
      "\x51r",
      "\x51t",
      "\x51s",
      "\x51"
      "d",
      std::string("\x13\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFE", 9),
      std::string("\x23\x3F\xF8\x00\x00\x00\x00\x00\x00", 9),
      "\x09",
      std::string("\x61\x00\xE9", 3),
      std::string("\x33\x41\xC0\x00\x00\x00\x00\x00\x00", 9),
  }));
  ASSERT_TRUE(parsed.root.has_value()) << parsed.error;
  EXPECT_EQ(parsed.root->find("n")->integer, -2);
  EXPECT_EQ(parsed.root->find("r")->real, 1.5);
  EXPECT_TRUE(parsed.root->find("t")->boolean);
  EXPECT_EQ(parsed.root->find("s")->text, "\xC3\xA9");
  EXPECT_EQ(parsed.root->find("d")->kind, PlistNode::Kind::date);
}

}  // namespace
}  // namespace daemonize::import
