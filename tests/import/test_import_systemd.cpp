// systemd units to manifests: the unit file syntax, the mapping of each directive with its
// exact report line, drop-ins, specifiers, and refusals with FILE:LINE.
#include <gtest/gtest.h>

#include "systemd_syntax.hpp"
#include "test_support.hpp"

namespace daemonize::import {
namespace {

using test::load_all;
using test::report_lines;

ImportResult import_unit(const std::string& text, const std::vector<SourceText>& dropins = {}) {
  return import_systemd({"/etc/systemd/system/web.service", text}, dropins);
}

TEST(ImportSystemdSyntax, SplitsWordsWithQuotesAndEscapes) {
  auto words = split_unit_words(R"(/bin/echo "a b" 'c d' e\x20f \"g\" "" h\ni)");
  ASSERT_TRUE(words.has_value());
  std::vector<std::string> texts;
  for (const auto& word : *words) texts.push_back(word.text);
  EXPECT_EQ(texts,
            (std::vector<std::string>{"/bin/echo", "a b", "c d", "e f", "\"g\"", "", "h\ni"}));
  EXPECT_FALSE(split_unit_words("/bin/echo \"unclosed").has_value());
  EXPECT_FALSE(split_unit_words("/bin/echo \\x4").has_value());
}

TEST(ImportSystemdSyntax, ContinuationLinesAndComments) {
  auto parse =
      parse_unit_file("u.service",
                      "[Service]\nExecStart=/bin/a \\\n# a comment inside\n  --b \\\n  --c\n"
                      "; another comment\nUser=x\n");
  ASSERT_FALSE(parse.error);
  ASSERT_EQ(parse.directives.size(), 2U);
  EXPECT_EQ(parse.directives[0].line, 2);
  EXPECT_EQ(parse.directives[0].value, "/bin/a  --b  --c");
  EXPECT_EQ(parse.directives[1].line, 7);
}

TEST(ImportSystemdSyntax, TimeSpans) {
  EXPECT_EQ(parse_time_span("90"), 90000);
  EXPECT_EQ(parse_time_span("1min 30s"), 90000);
  EXPECT_EQ(parse_time_span("100ms"), 100);
  EXPECT_EQ(parse_time_span("2h"), 7200000);
  EXPECT_FALSE(parse_time_span("infinity"));
  EXPECT_FALSE(parse_time_span("5 parsecs"));
}

TEST(ImportSystemd, MapsADirectivePerLineWithExactReport) {
  auto result = import_unit(
      "[Unit]\n"
      "Description=Web\n"
      "After=network-online.target\n"
      "Wants=network-online.target\n"
      "[Service]\n"
      "Type=simple\n"
      "ExecStart=/usr/bin/web --port 80\n"
      "Restart=always\n"
      "RestartSec=5\n"
      "KillSignal=SIGQUIT\n"
      "TimeoutStopSec=1min\n"
      "PIDFile=/run/web.pid\n"
      "StandardOutput=null\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "/etc/systemd/system/web.service:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: carried: Description — service.description",
          f + "3: carried: After — dependencies.after",
          f + "4: carried: Wants — dependencies.wants",
          f + "6: approximated: Type — as exec: the start fails when the program cannot be "
              "executed",
          f + "7: carried: ExecStart — service.command, service.args",
          f + "8: carried: Restart — restart.policy = \"always\"",
          f + "9: carried: RestartSec — restart.delay (multiplier 1.0: no backoff, as systemd)",
          f + "10: carried: KillSignal — stop.signal = \"QUIT\"",
          f + "11: carried: TimeoutStopSec — stop.timeout",
          f + "12: carried: PIDFile — [systemd].extra \"Service.PIDFile\" (without Type=forking "
              "systemd only removes the file after the stop)",
          f + "13: carried: StandardOutput — \"null\"",
          f + "15: carried: WantedBy — scope = \"system\"",
      }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "web");
  EXPECT_EQ(s.command, "/usr/bin/web");
  EXPECT_EQ(s.args, (std::vector<std::string>{"--port", "80"}));
  EXPECT_EQ(s.restart.policy, RestartPolicy::always);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(5));
  EXPECT_EQ(s.restart.multiplier, 1.0);
  EXPECT_EQ(s.stop.signal, Signal::quit);
  EXPECT_EQ(s.stop.timeout, std::chrono::minutes(1));
  // StandardError= follows StandardOutput= when not set.
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(s.logs.stderr_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(s.dependencies.after, (std::vector<std::string>{"network-online.target"}));
}

TEST(ImportSystemd, WritesSystemdDefaultsWhereTheManifestDiffers) {
  auto result = import_unit("[Service]\nExecStart=/usr/bin/web\n");
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.restart.policy, RestartPolicy::never);  // Restart=no
  EXPECT_EQ(s.restart.delay, std::chrono::milliseconds(100));
  EXPECT_EQ(s.restart.max_restarts, 4U);  // StartLimitBurst=5
  EXPECT_EQ(s.restart.window, std::chrono::seconds(10));
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(90));
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::inherit);
  EXPECT_EQ(s.logs.stderr_stream.kind, LogStream::Kind::inherit);
  EXPECT_NE(result.services.front().manifest.find(
                "# Imported by `daemonize import` from /etc/systemd/system/web.service\n"),
            std::string::npos);
}

TEST(ImportSystemd, ExecPrefixesAreReported) {
  auto result = import_unit("[Service]\nExecStart=+/usr/bin/web\n");
  EXPECT_EQ(report_lines(result).front(),
            "/etc/systemd/system/web.service:2: approximated: ExecStart — '+' (full privileges) "
            "dropped: the program runs as service.user");
  result = import_unit("[Service]\nExecStart=!!/usr/bin/web\n");
  EXPECT_EQ(report_lines(result).front(),
            "/etc/systemd/system/web.service:2: approximated: ExecStart — '!'/'!!' (privileges "
            "without the account switch) dropped");
  result = import_unit("[Service]\nExecStart=@/usr/bin/web web-main --x\n");
  ASSERT_EQ(load_all(result).front().args, (std::vector<std::string>{"--x"}));
  result = import_unit("[Service]\nExecStart=:/usr/bin/web $HOME ${X}\n");
  // ':' turns off variable expansion: both are literal, `$$` in the manifest (the model keeps it).
  EXPECT_EQ(load_all(result).front().args, (std::vector<std::string>{"$$HOME", "$${X}"}));
}

TEST(ImportSystemd, VariablesInExecStart) {
  auto result =
      import_unit("[Service]\nEnvironment=PORT=80\nExecStart=/usr/bin/web --port ${PORT} $OPTS\n");
  auto services = load_all(result);
  EXPECT_EQ(services.front().args, (std::vector<std::string>{"--port", "${PORT}", "$@{OPTS}"}));
  EXPECT_EQ(
      report_lines(result).back(),
      "/etc/systemd/system/web.service:3: carried: ExecStart — service.command, service.args");
  // Quoted, or inside a longer word, $OPTS stays one argument.
  result = import_unit("[Service]\nExecStart=/usr/bin/web \"$OPTS\" --o=$OPTS\n");
  EXPECT_EQ(load_all(result).front().args, (std::vector<std::string>{"${OPTS}", "--o=${OPTS}"}));
}

TEST(ImportSystemd, SpecifiersWithAFixedValueAreExpanded) {
  auto result = import_unit(
      "[Service]\nExecStart=/usr/bin/web --name %n --pid %t/%p.pid --state %S/%N --pct 100%%\n");
  EXPECT_EQ(load_all(result).front().args,
            (std::vector<std::string>{"--name", "web.service", "--pid", "/run/web.pid", "--state",
                                      "/var/lib/web", "--pct", "100%"}));
  EXPECT_EQ(
      report_lines(result).front(),
      "/etc/systemd/system/web.service:2: carried: ExecStart — service.command, service.args");
  result = import_unit("[Service]\nExecStart=/usr/bin/web --host %H\n");
  EXPECT_EQ(report_lines(result).front(),
            "/etc/systemd/system/web.service:2: approximated: ExecStart — specifier %H kept as "
            "text (no equivalent)");
}

TEST(ImportSystemd, EnvironmentFileStaysReferenced) {
  auto result = import_unit(
      "[Service]\nEnvironmentFile=/etc/web/secrets\nEnvironmentFile=-/etc/default/web\n"
      "ExecStart=/usr/bin/web\n");
  const auto& manifest = result.services.front().manifest;
  EXPECT_NE(manifest.find("env_files = [\"/etc/web/secrets\", \"-/etc/default/web\"]"),
            std::string::npos);
  EXPECT_EQ(manifest.find("[env]"), std::string::npos);
  EXPECT_EQ(report_lines(result)[1],
            "/etc/systemd/system/web.service:3: carried: EnvironmentFile — service.env_files "
            "(optional: \"-\" kept); referenced, not copied");
}

// Found by fuzz_import: a name set twice on one line once indexed a report line not yet written.
TEST(ImportSystemd, ANameTwiceInOneEnvironmentLineKeepsTheLast) {
  auto result =
      import_unit("[Service]\nEnvironment=A=1 A=2 B=3\nEnvironment=A=4\nExecStart=/usr/bin/web\n");
  const auto& manifest = result.services.front().manifest;
  EXPECT_NE(manifest.find("A = \"4\""), std::string::npos) << manifest;
  EXPECT_EQ(report_lines(result)[0],
            "/etc/systemd/system/web.service:2: approximated: Environment — env.A, env.B; A given "
            "twice, the last value wins as in systemd; A replaced by "
            "/etc/systemd/system/web.service:3, as systemd applies it");
}

TEST(ImportSystemd, DropInsApplyInOrderAndEmptyAssignmentsReset) {
  auto result =
      import_systemd({"/u/web.service",
                      "[Service]\nEnvironment=A=1 B=2\nExecStart=/usr/bin/web\nLimitNOFILE=1024\n"},
                     {{"/u/web.service.d/10.conf", "[Service]\nEnvironment=\nEnvironment=C=3\n"},
                      {"/u/web.service.d/20.conf",
                       "[Service]\nExecStart=\nExecStart=/usr/bin/web2 --x\nLimitNOFILE=4096\n"}});
  ASSERT_TRUE(result.errors.empty());
  auto services = load_all(result);
  const auto& s = services.front();
  EXPECT_EQ(s.env, (std::map<std::string, std::string>{{"C", "3"}}));
  EXPECT_EQ(s.command, "/usr/bin/web2");
  EXPECT_EQ(s.limits.nofile, 4096U);
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                "/u/web.service:2: carried: Environment — reset by /u/web.service.d/10.conf:2, as "
                "systemd applies it",
                "/u/web.service:3: carried: ExecStart — reset by /u/web.service.d/20.conf:2, as "
                "systemd applies it",
                "/u/web.service:4: carried: LimitNOFILE — replaced by /u/web.service.d/20.conf:4, "
                "as systemd applies it",
                "/u/web.service.d/10.conf:2: carried: Environment — empty: resets the list, as "
                "systemd does",
                "/u/web.service.d/10.conf:3: carried: Environment — env.C",
                "/u/web.service.d/20.conf:2: carried: ExecStart — empty: resets the list, as "
                "systemd does",
                "/u/web.service.d/20.conf:3: carried: ExecStart — service.command, service.args",
                "/u/web.service.d/20.conf:4: carried: LimitNOFILE — limits.nofile",
            }));
}

TEST(ImportSystemd, TemplatesAreReported) {
  auto result = import_systemd(
      {"/u/worker@.service", "[Service]\nExecStart=/usr/bin/worker --queue %i\n"}, {});
  auto lines = report_lines(result);
  EXPECT_EQ(lines.front(),
            "/u/worker@.service:1: dropped: @ (template) — imported as the single service "
            "\"worker\"; a template's instances have no manifest form yet");
  EXPECT_EQ(load_all(result).front().name, "worker");
}

TEST(ImportSystemd, ReloadSignalAndOtherReloadCommands) {
  auto result =
      import_unit("[Service]\nExecStart=/usr/bin/web\nExecReload=/bin/kill -s USR1 $MAINPID\n");
  EXPECT_EQ(load_all(result).front().reload.signal, Signal::usr1);
  result = import_unit("[Service]\nExecStart=/usr/bin/web\nExecReload=/usr/bin/web -s reload\n");
  EXPECT_EQ(report_lines(result).back(),
            "/etc/systemd/system/web.service:3: carried: ExecReload — hooks.reload");
  EXPECT_EQ(load_all(result).front().hooks.reload.at(0).argv,
            (std::vector<std::string>{"/usr/bin/web", "-s", "reload"}));
  // The signal comes after the hooks, never before them.
  result = import_unit(
      "[Service]\nExecStart=/usr/bin/web\nExecReload=/bin/kill -HUP $MAINPID\n"
      "ExecReload=/usr/bin/web -s reload\n");
  EXPECT_EQ(report_lines(result).back(),
            "/etc/systemd/system/web.service:4: dropped: ExecReload — reload.signal is already "
            "set: a manifest sends the signal after hooks.reload, never before");
  EXPECT_TRUE(load_all(result).front().hooks.reload.empty());
}

// sshd's and haproxy's reload: a configuration check, then the signal (only when it passed).
TEST(ImportSystemd, ReloadCheckThenSignalIsCarried) {
  auto result = import_unit(
      "[Service]\nExecStart=/usr/sbin/sshd -D\nExecReload=/usr/sbin/sshd -t\n"
      "ExecReload=/bin/kill -HUP $MAINPID\n");
  const std::string f = "/etc/systemd/system/web.service:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: ExecStart — service.command, service.args",
                f + "3: carried: ExecReload — hooks.reload",
                f + "4: carried: ExecReload — reload.signal = \"HUP\", sent after hooks.reload",
            }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services.front().hooks.reload.at(0).argv,
            (std::vector<std::string>{"/usr/sbin/sshd", "-t"}));
  EXPECT_EQ(services.front().reload.signal, Signal::hangup);
  EXPECT_TRUE(services.front().reload.signal_after_hooks);
}

// KillMode=mixed, TimeoutStopSec=0 / infinity, RestartPreventExitStatus=: carried as they are.
TEST(ImportSystemd, MixedKillInfiniteStopAndPreventedExitCodes) {
  auto result = import_unit(
      "[Service]\nExecStart=/usr/sbin/web\nKillMode=mixed\nTimeoutStopSec=0\n"
      "Restart=always\nSuccessExitStatus=3\nRestartPreventExitStatus=255 3 7\n");
  const std::string f = "/etc/systemd/system/web.service:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: ExecStart — service.command, service.args",
                f + "3: carried: KillMode — stop.kill = \"mixed\"",
                f + "4: carried: TimeoutStopSec — stop.timeout",
                f + "5: carried: Restart — restart.policy = \"always\"",
                f + "6: carried: SuccessExitStatus — restart.success_exit_codes",
                f + "7: approximated: RestartPreventExitStatus — restart.prevent_exit_codes; 3 "
                    "left out (a success code, never restarted anyway)",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services.front().stop.kill, KillScope::mixed);
  EXPECT_TRUE(is_infinite(services.front().stop.timeout));
  EXPECT_EQ(services.front().restart.prevent_exit_codes, (std::vector<int>{255, 7}));

  result = import_unit("[Service]\nExecStart=/usr/sbin/web\nTimeoutStopSec=infinity\n");
  EXPECT_EQ(report_lines(result).back(),
            "/etc/systemd/system/web.service:3: carried: TimeoutStopSec — stop.timeout");
  EXPECT_TRUE(is_infinite(load_all(result).front().stop.timeout));
  EXPECT_NE(result.services.front().manifest.find("timeout = \"infinity\""), std::string::npos);
}

TEST(ImportSystemd, ServiceTypesWithWhatTheyNeed) {
  const std::string f = "/etc/systemd/system/web.service:";
  auto result = import_unit(
      "[Service]\nType=forking\nPIDFile=%t/web.pid\nExecStart=/usr/sbin/web\n"
      "KillMode=process\n");
  EXPECT_EQ(report_lines(result), (std::vector<std::string>{
                                      f + "2: carried: Type — service.type = \"forking\"",
                                      f + "3: carried: PIDFile — service.pid_file",
                                      f + "4: carried: ExecStart — service.command, service.args",
                                      f + "5: carried: KillMode — stop.kill = \"main\"",
                                  }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services.front().type, ServiceType::forking);
  EXPECT_EQ(services.front().pid_file, "/run/web.pid");
  EXPECT_EQ(services.front().stop.kill, KillScope::main);

  // The loader refuses a forking service without a pid file and a oneshot always restarted.
  result = import_unit(
      "[Service]\nType=forking\nExecStart=/usr/sbin/web\nRemainAfterExit=yes\n"
      "KillMode=mixed\n");
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: dropped: Type — service.type = \"forking\" needs PIDFile= with an "
                    "absolute path (service.pid_file); started as a program that stays in the "
                    "foreground",
                f + "3: carried: ExecStart — service.command, service.args",
                f + "4: dropped: RemainAfterExit — service.remain_after_exit is only read with "
                    "Type=oneshot",
                f + "5: carried: KillMode — stop.kill = \"mixed\"",
            }));
  services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services.front().type, ServiceType::simple);

  result = import_unit(
      "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/sbin/web\n"
      "Restart=always\n");
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: Type — service.type = \"oneshot\"",
                f + "3: carried: RemainAfterExit — service.remain_after_exit = true",
                f + "4: carried: ExecStart — service.command, service.args",
                f + "5: approximated: Restart — restart.policy = \"on-failure\": a oneshot is "
                    "never restarted after a success",
            }));
  services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services.front().type, ServiceType::oneshot);
  EXPECT_TRUE(services.front().remain_after_exit);
  EXPECT_EQ(services.front().restart.policy, RestartPolicy::on_failure);

  result = import_unit("[Service]\nType=notify\nExecStart=/usr/sbin/web\n");
  EXPECT_EQ(report_lines(result).front(), f + "2: carried: Type — service.type = \"notify\"");
  EXPECT_EQ(load_all(result).front().type, ServiceType::notify);
}

TEST(ImportSystemd, DirectoriesShareOneMode) {
  const std::string f = "/etc/systemd/system/web.service:";
  auto result = import_unit(
      "[Unit]\nRequiresMountsFor=/srv/web %S/web\n"
      "[Service]\nExecStart=/usr/sbin/web\n"
      "RuntimeDirectory=%N web/sockets\nRuntimeDirectoryMode=0750\n"
      "StateDirectory=web\nLogsDirectory=../web\nCacheDirectoryMode=0700\n");
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: RequiresMountsFor — dependencies.requires_mounts_for",
                f + "4: carried: ExecStart — service.command, service.args",
                f + "5: carried: RuntimeDirectory — directories.runtime",
                f + "6: carried: RuntimeDirectoryMode — directories.mode",
                f + "7: approximated: StateDirectory — directories.state; created with "
                    "directories.mode = \"0750\", one mode for every kind",
                f + "8: dropped: LogsDirectory — directories.logs; \"../web\" left out (not a "
                    "relative name, or a specifier with no value here)",
                f + "9: dropped: CacheDirectoryMode — no directory of this kind is listed",
            }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.directories.runtime, (std::vector<std::string>{"web", "web/sockets"}));
  EXPECT_EQ(s.directories.state, (std::vector<std::string>{"web"}));
  EXPECT_TRUE(s.directories.logs.empty());
  EXPECT_EQ(s.directories.mode, 0750U);
  EXPECT_EQ(s.dependencies.requires_mounts_for,
            (std::vector<std::string>{"/srv/web", "/var/lib/web"}));
}

TEST(ImportSystemd, KernelSwitchesBecomeSandboxKeys) {
  const std::string f = "/etc/systemd/system/web.service:";
  auto result = import_unit(
      "[Service]\nExecStart=/usr/sbin/web\nProtectKernelTunables=yes\nProtectKernelModules=true\n"
      "ProtectKernelLogs=1\nProtectControlGroups=on\nProtectClock=no\nProtectHostname=yes\n"
      "RestrictNamespaces=true\nRestrictNamespaces=~net\nRestrictRealtime=yes\n"
      "RestrictSUIDSGID=yes\nLockPersonality=yes\nMemoryDenyWriteExecute=yes\n"
      "PrivateNetwork=yes\nRemoveIPC=yes\nSystemCallArchitectures=native\n"
      "DevicePolicy=closed\nDeviceAllow=/dev/null rw\nDeviceAllow=char-pts\n"
      "DeviceAllow=/dev/a /dev/b\nProtectProc=invisible\nProcSubset=pid\nProcSubset=maybe\n");
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: ExecStart — service.command, service.args",
                f + "3: carried: ProtectKernelTunables — sandbox.protect_kernel_tunables = true",
                f + "4: carried: ProtectKernelModules — sandbox.protect_kernel_modules = true",
                f + "5: carried: ProtectKernelLogs — sandbox.protect_kernel_logs = true",
                f + "6: carried: ProtectControlGroups — sandbox.protect_control_groups = true",
                f + "7: carried: ProtectClock — sandbox.protect_clock = false",
                f + "8: carried: ProtectHostname — sandbox.protect_hostname = true",
                f + "9: carried: RestrictNamespaces — replaced by "
                    "/etc/systemd/system/web.service:10, as systemd applies it",
                f + "10: carried: RestrictNamespaces — [systemd].extra "
                    "\"Service.RestrictNamespaces\" (systemd only)",
                f + "11: carried: RestrictRealtime — sandbox.restrict_realtime = true",
                f + "12: carried: RestrictSUIDSGID — sandbox.restrict_suid_sgid = true",
                f + "13: carried: LockPersonality — sandbox.lock_personality = true",
                f + "14: carried: MemoryDenyWriteExecute — sandbox.memory_deny_write_execute = "
                    "true",
                f + "15: carried: PrivateNetwork — sandbox.private_network = true",
                f + "16: carried: RemoveIPC — sandbox.remove_ipc = true",
                f + "17: carried: SystemCallArchitectures — sandbox.system_call_architectures",
                f + "18: carried: DevicePolicy — sandbox.device_policy = \"closed\"",
                f + "19: carried: DeviceAllow — sandbox.device_allow",
                f + "20: carried: DeviceAllow — sandbox.device_allow",
                f + "21: carried: DeviceAllow — [systemd].extra \"Service.DeviceAllow\" (systemd "
                    "only)",
                f + "22: carried: ProtectProc — sandbox.protect_proc = \"invisible\"",
                f + "23: carried: ProcSubset — replaced by /etc/systemd/system/web.service:24, as "
                    "systemd applies it",
                f + "24: dropped: ProcSubset — \"maybe\" is not a value of sandbox.proc_subset",
            }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& box = services.front().sandbox;
  EXPECT_EQ(box.protect_kernel_tunables, true);
  EXPECT_EQ(box.protect_clock, false);
  EXPECT_FALSE(box.restrict_namespaces.has_value());  // the list won, in [systemd].extra
  EXPECT_EQ(box.remove_ipc, true);
  EXPECT_EQ(box.system_call_architectures, (std::vector<std::string>{"native"}));
  EXPECT_EQ(box.device_policy, "closed");
  EXPECT_EQ(box.device_allow, (std::vector<std::string>{"/dev/null rw", "char-pts"}));
  EXPECT_EQ(box.protect_proc, "invisible");
  EXPECT_FALSE(box.proc_subset.has_value());  // the last line wins, and it is dropped
}

TEST(ImportSystemd, DocumentationRelationsAndAliasesBecomeManifestKeys) {
  const std::string f = "/etc/systemd/system/web.service:";
  auto result = import_unit(
      "[Unit]\nDocumentation=man:web(8) https://example.com/web\nDocumentation=web.txt "
      "file:/usr/share/doc/web\nBefore=nginx.service\nPartOf=web.target\nConflicts=old-web\n"
      "Before=apache2@%i.service\n[Service]\nExecStart=/usr/sbin/web\n[Install]\n"
      "Alias=webd.service\nAlias=web.socket\nAlso=web.socket\n");
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: carried: Documentation — service.documentation",
          f + "3: approximated: Documentation — service.documentation; web.txt left out (not an "
              "http(s)://, file:, man: or info: URL, or a specifier with no value here)",
          f + "4: carried: Before — dependencies.before",
          f + "5: carried: PartOf — dependencies.part_of",
          f + "6: carried: Conflicts — dependencies.conflicts",
          f + "7: carried: Before — [systemd].extra \"Unit.Before\" (systemd only)",
          f + "9: carried: ExecStart — service.command, service.args",
          f + "11: carried: Alias — service.aliases",
          f + "12: carried: Alias — [systemd].extra \"Install.Alias\" (systemd only)",
          f + "13: carried: Also — dependencies.also_enable",
      }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.documentation, (std::vector<std::string>{"man:web(8)", "https://example.com/web",
                                                       "file:/usr/share/doc/web"}));
  EXPECT_EQ(s.dependencies.before, (std::vector<std::string>{"nginx.service"}));
  EXPECT_EQ(s.dependencies.part_of, (std::vector<std::string>{"web.target"}));
  EXPECT_EQ(s.dependencies.conflicts, (std::vector<std::string>{"old-web"}));
  EXPECT_EQ(s.dependencies.also_enable, (std::vector<std::string>{"web.socket"}));
  EXPECT_EQ(s.aliases, (std::vector<std::string>{"webd.service"}));
}

TEST(ImportSystemd, SandboxDirectivesWithADirectKey) {
  const std::string f = "/etc/systemd/system/web.service:";
  auto result = import_unit(
      "[Service]\nExecStart=/usr/sbin/web\nPrivateTmp=true\nNoNewPrivileges=no\n"
      "ProtectSystem=full\nProtectHome=1\nReadWritePaths=-/var/lib/web %i/x\n"
      "ReadOnlyPaths=/srv\nProtectHome=maybe\nRestrictAddressFamilies=AF_UNIX AF_INET\n"
      "RestrictAddressFamilies=~AF_PACKET\n");
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: ExecStart — service.command, service.args",
                f + "3: carried: PrivateTmp — sandbox.private_tmp = true",
                f + "4: carried: NoNewPrivileges — sandbox.no_new_privileges = false",
                f + "5: carried: ProtectSystem — sandbox.protect_system = \"full\"",
                f + "6: carried: ProtectHome — replaced by /etc/systemd/system/web.service:9, as "
                    "systemd applies it",
                f + "7: approximated: ReadWritePaths — sandbox.read_write_paths; %i/x left out "
                    "(not an absolute path, or a specifier with no value here)",
                f + "8: carried: ReadOnlyPaths — sandbox.read_only_paths",
                f + "9: dropped: ProtectHome — \"maybe\" is not a value of sandbox.protect_home",
                f + "10: carried: RestrictAddressFamilies — sandbox.restrict_address_families",
                f + "11: carried: RestrictAddressFamilies — [systemd].extra "
                    "\"Service.RestrictAddressFamilies\" (systemd only)",
            }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& sandbox = services.front().sandbox;
  EXPECT_EQ(sandbox.private_tmp, true);
  EXPECT_EQ(sandbox.no_new_privileges, false);
  EXPECT_EQ(sandbox.read_write_paths, (std::vector<std::string>{"-/var/lib/web"}));
  EXPECT_EQ(sandbox.read_only_paths, (std::vector<std::string>{"/srv"}));
  EXPECT_EQ(sandbox.restrict_address_families, (std::vector<std::string>{"AF_UNIX", "AF_INET"}));
}

TEST(ImportSystemd, ExecStartPreAndTheOtherCommandsAreHooks) {
  auto result = import_unit(
      "[Service]\n"
      "ExecStartPre=/usr/sbin/web -t\n"
      "ExecStartPre=-/bin/mkdir -p /run/web\n"
      "ExecStart=/usr/sbin/web\n"
      "ExecStartPost=+/usr/bin/warm\n"
      "ExecStop=/usr/sbin/web -s quit\n"
      "ExecStopPost=rm -f /run/web/sock\n");
  const std::string f = "/etc/systemd/system/web.service:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: carried: ExecStartPre — hooks.pre_start",
          f + "3: carried: ExecStartPre — hooks.pre_start (ignore_failure = true)",
          f + "4: carried: ExecStart — service.command, service.args",
          f + "5: approximated: ExecStartPost — hooks.post_start; '+' (full privileges) dropped: "
              "the hook runs as service.user",
          f + "6: carried: ExecStop — hooks.stop",
          f + "7: approximated: ExecStopPost — hooks.post_stop; \"rm\" is looked up by systemd; "
              "written as /usr/bin/rm",
      }));
  const auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& hooks = services.front().hooks;
  ASSERT_EQ(hooks.pre_start.size(), 2U);
  EXPECT_EQ(hooks.pre_start[0].argv, (std::vector<std::string>{"/usr/sbin/web", "-t"}));
  EXPECT_FALSE(hooks.pre_start[0].ignore_failure);
  EXPECT_EQ(hooks.pre_start[1].argv, (std::vector<std::string>{"/bin/mkdir", "-p", "/run/web"}));
  EXPECT_TRUE(hooks.pre_start[1].ignore_failure);
  EXPECT_EQ(hooks.post_start.at(0).argv, (std::vector<std::string>{"/usr/bin/warm"}));
  EXPECT_EQ(hooks.stop.at(0).argv, (std::vector<std::string>{"/usr/sbin/web", "-s", "quit"}));
  EXPECT_EQ(hooks.post_stop.at(0).argv,
            (std::vector<std::string>{"/usr/bin/rm", "-f", "/run/web/sock"}));
}

TEST(ImportSystemd, RefusesWhatIsNotAService) {
  auto result = import_unit("[Unit]\nDescription=x\n[Service]\nType=oneshot\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors.front().line, 4);  // the first line of [Service]
  EXPECT_EQ(result.errors.front().message, "not a service definition: no ExecStart= in [Service]");
  result = import_systemd({"/u/backup.timer", "[Timer]\nOnCalendar=daily\n"}, {});
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors.front().message,
            "not a service definition: a timer unit (import the .service it activates)");
  result = import_unit("[Service]\nExecStart=/usr/bin/web\nthis is not a line\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors.front().line, 3);
  EXPECT_EQ(result.errors.front().message, "not a unit file line: expected [Section] or Key=Value");
  result = import_unit("[Service]\nExecStart=/usr/bin/web \"unclosed\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors.front().line, 2);
}

TEST(ImportSystemd, TheHandWrittenExampleValidates) {
  const std::string unit = test::example("systemd/payments.service");
  std::vector<SourceText> dropins;
  for (const auto& path : systemd_dropin_paths(unit))
    dropins.push_back({path, test::read_text(path)});
  ASSERT_EQ(dropins.size(), 2U);
  auto result = import_systemd({unit, test::read_text(unit)}, dropins);
  ASSERT_TRUE(result.errors.empty());
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.limits.memory, 512ULL * 1024 * 1024);
  EXPECT_EQ(s.limits.cpu, 1.5);
  EXPECT_EQ(s.limits.nofile, 131072U);
  EXPECT_EQ(s.logs.directory, "/var/log/payments");
  EXPECT_EQ(s.logs.stdout_stream.file_name, "out.log");
  EXPECT_EQ(s.logs.stderr_stream.file_name, "err.log");
  EXPECT_EQ(s.restart.success_exit_codes, (std::vector<int>{0, 143}));
  EXPECT_EQ(s.systemd.extra.at("Service.Nice"), "5");
  EXPECT_EQ(s.umask, 027U);
}

TEST(ImportDetect, FromExtensionThenContent) {
  EXPECT_EQ(detect_format("/x/web.service", ""), Format::systemd);
  EXPECT_EQ(detect_format("/x/web.timer", ""), Format::systemd);
  EXPECT_EQ(detect_format("/x/Procfile", ""), Format::procfile);
  EXPECT_EQ(detect_format("/x/app.conf", "[program:x]\ncommand=/bin/true\n"), Format::supervisord);
  EXPECT_EQ(detect_format("/x/unit", "[Service]\nExecStart=/bin/true\n"), Format::systemd);
  EXPECT_EQ(detect_format("/x/procs", "web: ./server\n"), Format::procfile);
  EXPECT_EQ(detect_format("/x/a.plist", ""), Format::launchd);
  EXPECT_EQ(detect_format("/x/svc.xml", "<service><id>x</id></service>"), Format::winsw);
  EXPECT_EQ(detect_format("/x/notes.txt", "hello world\n"), std::nullopt);
}

TEST(ImportSystemd, SandboxListsBecomeManifestKeys) {
  auto result = import_systemd({"/lib/systemd/system/kr.service",
                                "[Service]\n"
                                "Type=notify\n"
                                "NotifyAccess=all\n"
                                "ExecStart=/usr/sbin/kresd\n"
                                "User=knot-resolver\n"
                                "Restart=on-failure\n"
                                "RestartPreventExitStatus=255\n"
                                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETPCAP\n"
                                "AmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                                "SystemCallFilter=@system-service\n"
                                "SystemCallFilter=~ @privileged @resources\n"
                                "ReadWriteDirectories=-/var/lib/knot-resolver\n"
                                "ProtectProc=invisible\n"
                                "RestrictAddressFamilies=~AF_PACKET\n"
                                "RestrictAddressFamilies=~ AF_NETLINK\n"},
                               {});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "/lib/systemd/system/kr.service:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: carried: Type — service.type = \"notify\"",
          f + "3: approximated: NotifyAccess — service.type = \"notify\": NotifyAccess=main "
              "natively; the watchdog accepts READY=1 from every process of the service",
          f + "4: carried: ExecStart — service.command, service.args",
          f + "5: carried: User — service.user",
          f + "6: carried: Restart — restart.policy = \"on-failure\"",
          f + "7: carried: RestartPreventExitStatus — restart.prevent_exit_codes",
          f + "8: carried: CapabilityBoundingSet — sandbox.capabilities",
          f + "9: approximated: AmbientCapabilities — sandbox.capabilities: the ambient set is "
              "the whole CapabilityBoundingSet= list",
          f + "10: carried: SystemCallFilter — sandbox.system_call_filter",
          f + "11: carried: SystemCallFilter — sandbox.system_call_filter",
          f + "12: approximated: ReadWriteDirectories — sandbox.read_write_paths; rendered as "
              "ReadWritePaths=, its current name",
          f + "13: carried: ProtectProc — sandbox.protect_proc = \"invisible\"",
          f + "14: carried: RestrictAddressFamilies — [systemd].extra "
              "\"Service.RestrictAddressFamilies\" (systemd only)",
          f + "15: carried: RestrictAddressFamilies — [systemd].extra "
              "\"Service.RestrictAddressFamilies\" (systemd only)",
      }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.sandbox.capabilities,
            (std::vector<std::string>{"CAP_NET_BIND_SERVICE", "CAP_SETPCAP"}));
  EXPECT_EQ(s.sandbox.system_call_filter,
            (std::vector<std::string>{"@system-service", "~@privileged", "~@resources"}));
  EXPECT_EQ(s.sandbox.read_write_paths, (std::vector<std::string>{"-/var/lib/knot-resolver"}));
  EXPECT_EQ(s.restart.success_exit_codes, (std::vector<int>{0}));
  EXPECT_EQ(s.restart.prevent_exit_codes, (std::vector<int>{255}));
  EXPECT_EQ(s.systemd.extra.at("Service.RestrictAddressFamilies"), "~AF_PACKET AF_NETLINK");
}

TEST(ImportSystemd, CapabilityDenyListKeepsEveryLineInExtra) {
  auto result = import_systemd({"/lib/systemd/system/c.service",
                                "[Service]\nExecStart=/usr/sbin/c\n"
                                "CapabilityBoundingSet=CAP_SETUID\n"
                                "CapabilityBoundingSet=~CAP_SYS_ADMIN\n"},
                               {});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "/lib/systemd/system/c.service:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: ExecStart — service.command, service.args",
                f + "3: dropped: CapabilityBoundingSet — an allow-list and a ~deny-list of "
                    "CapabilityBoundingSet= do not fit one [systemd].extra value",
                f + "4: carried: CapabilityBoundingSet — [systemd].extra "
                    "\"Service.CapabilityBoundingSet\" (systemd only)",
            }));
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_FALSE(services.front().sandbox.capabilities.has_value());
}

TEST(ImportSystemd, UnquotedVariableInAHookSplitsLikeInExecStart) {
  auto result = import_systemd({"/lib/systemd/system/haproxy.service",
                                "[Service]\n"
                                "Environment=\"CONFIG=/etc/haproxy/haproxy.cfg\" "
                                "\"EXTRAOPTS=-S /run/haproxy-master.sock\"\n"
                                "ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG $EXTRAOPTS\n"
                                "ExecReload=/usr/sbin/haproxy -Ws -f $CONFIG -c -q $EXTRAOPTS\n"},
                               {});
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "/lib/systemd/system/haproxy.service:";
  EXPECT_EQ(report_lines(result).at(2), f + "4: carried: ExecReload — hooks.reload");
  auto services = load_all(result);
  ASSERT_EQ(services.size(), 1U);
  ASSERT_EQ(services.front().hooks.reload.size(), 1U);
  EXPECT_EQ(services.front().hooks.reload.front().argv,
            (std::vector<std::string>{"/usr/sbin/haproxy", "-Ws", "-f", "$@{CONFIG}", "-c", "-q",
                                      "$@{EXTRAOPTS}"}));
}

}  // namespace
}  // namespace daemonize::import
