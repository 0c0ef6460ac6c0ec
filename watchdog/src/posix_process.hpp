// Process control on POSIX (Linux): spawning, the process tree, reaping. Private to the watchdog.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemonize/watchdog/child_output.hpp"
#include "daemonize/watchdog/launch_plan.hpp"

namespace daemonize::posix {

// PR_SET_CHILD_SUBREAPER: orphaned descendants (double-forked, setsid) are re-parented to us.
[[nodiscard]] bool become_child_subreaper();

struct SpawnOutcome {
  int pid = 0;        // > 0 on success: the child exec'd (its own process group = pid)
  std::string error;  // on failure: which step failed and why
};

// Forks and execs `plan` through Boost.Process v1, extended with the child-side setup Boost
// cannot do: reset signals, setpgid, rlimits, user switch, umask, chdir, PR_SET_PDEATHSIG,
// stdio. Call from the thread that runs the event loop (PDEATHSIG follows the forking thread).
[[nodiscard]] SpawnOutcome spawn_child(const LaunchPlan& plan, const ChildStdio& stdio);

// Field 22 of /proc/PID/stat (start time in clock ticks since boot), to tell reused pids apart.
[[nodiscard]] std::optional<std::uint64_t> process_start_ticks(int pid);

// Whether `pid` is a process of the service: a descendant of `root` (the watchdog, a subreaper)
// that started no earlier than `not_before` (start ticks of its launcher), so a stale pid file
// or a reused pid never names an unrelated process. Zombies count: their exit is still ours.
[[nodiscard]] bool is_descendant_since(int root, int pid, std::uint64_t not_before);

// Living (non-zombie) descendants of `root`, found through /proc parent links.
[[nodiscard]] std::vector<int> list_descendants(int root);

// Members of process group `group` (any parent), from /proc.
[[nodiscard]] std::vector<int> group_members(int group);

// True when `self` has a child other than those in `except` (zombies included).
[[nodiscard]] bool has_children(int self, const std::set<int>& except);

// Sends `signal` to process group `group` (if > 0) and to every descendant of `self` outside
// it, except `except`. Returns how many processes were signalled.
int signal_tree(int self, int group, int signal, const std::set<int>& except);

// SIGKILL to the group and every descendant, repeated until no new process shows up (a
// forking process cannot escape). Returns how many distinct processes were killed.
int kill_tree(int self, int group, const std::set<int>& except);

// One reaped child.
struct Reaped {
  int pid = 0;
  int wait_status = 0;
};
// waitpid(-1, WNOHANG) until nothing is left to reap; `none_left` = ECHILD (no child at all).
[[nodiscard]] std::vector<Reaped> reap_all(bool& none_left);

// A second after the first child started: malloc_trim, and MADV_PAGEOUT of clean file-backed
// mappings (from a short-lived thread, once the loop is idle), so an idle watchdog keeps resident
// only what its loop uses.
void release_startup_memory();

}  // namespace daemonize::posix
