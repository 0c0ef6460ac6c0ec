// A scripted systemctl/journalctl for FakeSystemOps: enough state to answer `systemctl show`.
#pragma once

#include <string>
#include <vector>

#include "fake_system_ops.hpp"

namespace daemonize::testing {

struct FakeSystemd {
  bool loaded = false;
  std::string active_state = "inactive";
  std::string sub_state = "dead";
  bool enabled = false;
  int main_pid = 0;
  int starts = 0;
  int exec_main_status = 0;
  // The next start/restart fails (the unit exits with this status), 0 = succeeds.
  int fail_next_starts = 0;
  int fail_status = 78;
  std::string fail_result = "exit-code";  // the unit's Result after a failed start
  std::string result = "success";
  // `show` answers "activating" this many times after a start before "active".
  int activating_polls = 0;
  int pending_activating = 0;

  void attach(FakeSystemOps& ops) {
    ops.respond = [this](const std::vector<std::string>& argv) { return answer(argv); };
  }

  CommandResult answer(std::vector<std::string> argv) {
    if (argv.empty()) return {127, ""};
    if (argv[0] == "journalctl") return {0, "Nov 28 web-api[42]: DATABASE_URL is not set\n"};
    if (argv[0] != "systemctl") return {127, argv[0] + ": not found"};
    argv.erase(argv.begin());
    if (!argv.empty() && argv[0] == "--user") argv.erase(argv.begin());
    if (!argv.empty() && argv[0] == "--no-block") argv.erase(argv.begin());
    const std::string verb = argv.empty() ? "" : argv[0];
    if (verb == "show") {
      std::string state = active_state;
      if (pending_activating > 0) {
        --pending_activating;
        state = "activating";
      }
      return {0, "LoadState=" + std::string(loaded ? "loaded" : "not-found") + "\nActiveState=" +
                     state + "\nSubState=" + sub_state + "\nMainPID=" + std::to_string(main_pid) +
                     "\nNRestarts=0\nExecMainStatus=" + std::to_string(exec_main_status) +
                     "\nUnitFileState=" + (enabled ? "enabled" : "disabled") +
                     "\nResult=" + result + "\n"};
    }
    if (verb == "daemon-reload") {
      loaded = true;
      return {0, ""};
    }
    if (verb == "enable") {
      enabled = true;
      return {0, ""};
    }
    if (verb == "disable") {
      enabled = false;
      return {0, ""};
    }
    if (verb == "start" || verb == "restart") {
      ++starts;
      if (fail_next_starts > 0) {
        --fail_next_starts;
        active_state = "failed";
        sub_state = "failed";
        main_pid = 0;
        exec_main_status = fail_status;
        result = fail_result;
        return {
            1,
            "Job for web-api.service failed because the control process exited with error code.\n"};
      }
      active_state = "active";
      sub_state = "running";
      main_pid = 1000 + starts;
      exec_main_status = 0;
      result = "success";
      pending_activating = activating_polls;
      return {0, ""};
    }
    if (verb == "stop") {
      active_state = "inactive";
      sub_state = "dead";
      main_pid = 0;
      return {0, ""};
    }
    if (verb == "reload") return {0, ""};
    return {1, "unknown verb " + verb};
  }
};

}  // namespace daemonize::testing
