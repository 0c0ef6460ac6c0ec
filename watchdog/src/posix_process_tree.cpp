// The supervised process tree on Linux: /proc walks, signalling, reaping, subreaper.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include "posix_process.hpp"

namespace daemonize::posix {
namespace {

struct ProcStat {
  int pid = 0;
  char state = '?';
  int parent = 0;
  int group = 0;
  std::uint64_t start_ticks = 0;
};

std::optional<ProcStat> read_stat(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  // The command name is in parentheses and may contain spaces or ')': cut at the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  ProcStat stat;
  stat.pid = pid;
  rest >> stat.state >> stat.parent >> stat.group;
  // Fields 6..21 are skipped; field 22 is starttime.
  std::string skipped;
  for (int field = 6; field <= 21; ++field) rest >> skipped;
  rest >> stat.start_ticks;
  if (!rest) return std::nullopt;
  return stat;
}

std::vector<ProcStat> all_processes() {
  std::vector<ProcStat> processes;
  DIR* proc = ::opendir("/proc");
  if (!proc) return processes;
  while (const dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    if (auto stat = read_stat(static_cast<int>(pid))) processes.push_back(*stat);
  }
  ::closedir(proc);
  return processes;
}

}  // namespace

bool become_child_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

std::optional<std::uint64_t> process_start_ticks(int pid) {
  if (auto stat = read_stat(pid)) return stat->start_ticks;
  return std::nullopt;
}

bool is_descendant_since(int root, int pid, std::uint64_t not_before) {
  if (pid <= 1 || pid == root) return false;
  const auto self = read_stat(pid);
  if (!self || self->start_ticks < not_before) return false;
  int current = self->parent;
  for (int depth = 0; depth < 4096 && current > 1; ++depth) {
    if (current == root) return true;
    const auto parent = read_stat(current);
    if (!parent) return false;
    current = parent->parent;
  }
  return false;
}

std::vector<int> list_descendants(int root) {
  std::multimap<int, const ProcStat*> children_of;
  const auto processes = all_processes();
  for (const auto& process : processes) children_of.emplace(process.parent, &process);
  std::vector<int> found;
  std::vector<int> pending{root};
  while (!pending.empty()) {
    const int parent = pending.back();
    pending.pop_back();
    auto [first, last] = children_of.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      pending.push_back(it->second->pid);
      if (it->second->state != 'Z') found.push_back(it->second->pid);
    }
  }
  return found;
}

std::vector<int> group_members(int group) {
  std::vector<int> members;
  for (const auto& process : all_processes()) {
    if (process.group == group && process.state != 'Z') members.push_back(process.pid);
  }
  return members;
}

bool has_children(int self, const std::set<int>& except) {
  for (const auto& process : all_processes()) {
    if (process.parent == self && !except.contains(process.pid)) return true;
  }
  return false;
}

int signal_tree(int self, int group, int signal, const std::set<int>& except) {
  int signalled = 0;
  if (group > 0) {
    const auto members = static_cast<int>(group_members(group).size());
    if (::kill(-group, signal) == 0) signalled += members;
  }
  for (const int pid : list_descendants(self)) {
    if (except.contains(pid)) continue;
    const auto stat = read_stat(pid);
    if (stat && group > 0 && stat->group == group) continue;  // reached through the group
    if (::kill(pid, signal) == 0) ++signalled;
  }
  return signalled;
}

int kill_tree(int self, int group, const std::set<int>& except) {
  std::set<int> killed;
  for (int round = 0; round < 16; ++round) {
    bool new_process = false;
    if (group > 0) {
      for (const int pid : group_members(group)) new_process |= killed.insert(pid).second;
      ::kill(-group, SIGKILL);
    }
    for (const int pid : list_descendants(self)) {
      if (except.contains(pid)) continue;
      new_process |= killed.insert(pid).second;
      ::kill(pid, SIGKILL);
    }
    if (!new_process) break;
  }
  return static_cast<int>(killed.size());
}

std::vector<Reaped> reap_all(bool& none_left) {
  std::vector<Reaped> reaped;
  none_left = false;
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      reaped.push_back({pid, status});
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    none_left = pid < 0 && errno == ECHILD;
    return reaped;
  }
}

}  // namespace daemonize::posix
