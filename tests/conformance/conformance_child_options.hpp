// What both conformance children (conformance_child.cpp, POSIX; conformance_child_windows.cpp)
// take from their command line, and which step of --plan the n-th start runs. Standard C++ only.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace conformance {

// How long one start runs and how it ends: an exit code, `kill` (SIGKILL itself) or `run`.
struct Step {
  double seconds = -1;
  std::string outcome = "run";
};

struct ChildOptions {
  std::string events_path;
  std::vector<Step> plan{Step{}};
  bool ignore_stop = false;
  std::vector<std::string> env_names;
  bool print = false;
  bool grandchild = false;
  // --grandchild-records: the grandchild records the stop signals it gets (and keeps running),
  // so a row can tell a signal to the main process from one to the whole group.
  bool grandchild_records = false;
  bool grandchild_sleep = false;  // Windows: this process is the grandchild
  int port = 0;
  double listen_after = 0;
  std::string hook;  // --hook NAME: record "hook NAME" and exit (a [hooks] command)
  // [service] type = "forking": fork away (setsid, double fork), write the daemon's pid here,
  // and let the launcher exit with launcher_exit once the file is written.
  std::string pid_file;
  int launcher_exit = 0;
  double pid_file_after = 0;      // the daemon writes the pid file this late
  bool launcher_no_wait = false;  // the launcher exits at once, before the pid file is written
  // [service] type = "notify": READY=1 on $NOTIFY_SOCKET this long after the start.
  double notify_after = -1;
};

inline std::vector<Step> parse_plan(const std::string& text) {
  std::vector<Step> plan;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto colon = item.find(':');
    Step step;
    step.seconds = std::atof(item.substr(0, colon).c_str());
    if (colon != std::string::npos) step.outcome = item.substr(colon + 1);
    plan.push_back(step);
  }
  return plan;
}

inline ChildOptions parse_options(int argc, char** argv) {
  ChildOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--events") {
      options.events_path = value();
    } else if (arg == "--plan") {
      options.plan = parse_plan(value());
    } else if (arg == "--stop") {
      options.ignore_stop = value() == "ignore";
    } else if (arg == "--env") {
      options.env_names.push_back(value());
    } else if (arg == "--print") {
      options.print = true;
    } else if (arg == "--listen") {
      options.port = std::atoi(value().c_str());
    } else if (arg == "--listen-after") {
      options.listen_after = std::atof(value().c_str());
    } else if (arg == "--pid-file") {
      options.pid_file = value();
    } else if (arg == "--launcher-exit") {
      options.launcher_exit = std::atoi(value().c_str());
    } else if (arg == "--pid-file-after") {
      options.pid_file_after = std::atof(value().c_str());
    } else if (arg == "--launcher-no-wait") {
      options.launcher_no_wait = true;
    } else if (arg == "--notify-after") {
      options.notify_after = std::atof(value().c_str());
    } else if (arg == "--grandchild") {
      options.grandchild = true;
    } else if (arg == "--grandchild-records") {
      options.grandchild = true;
      options.grandchild_records = true;
    } else if (arg == "--grandchild-sleep") {
      options.grandchild_sleep = true;
    } else if (arg == "--hook") {
      options.hook = value();
    }
  }
  return options;
}

// Earlier starts of this row, from its events file: this start is the next one.
inline int count_starts(const std::string& events_path) {
  std::ifstream in(events_path);
  std::string line;
  int starts = 0;
  while (std::getline(in, line)) {
    if (line.rfind("start ", 0) == 0) ++starts;
  }
  return starts;
}

// The n-th start (1-based) runs the n-th step; the last one repeats.
inline Step step_for_start(const std::vector<Step>& plan, int start) {
  if (plan.empty()) return Step{};
  return plan[std::min<std::size_t>(static_cast<std::size_t>(start - 1), plan.size() - 1)];
}

}  // namespace conformance
