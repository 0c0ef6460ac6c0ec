#include <dirent.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "daemonize/core/installer.hpp"  // expand_home()
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "host_facts.hpp"

namespace daemonize::cli {

unsigned effective_user_id() { return static_cast<unsigned>(::geteuid()); }

bool running_privileged() { return ::geteuid() == 0; }

std::string invoking_home() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (const auto* entry = ::getpwuid(::geteuid())) return entry->pw_dir;
  return "/";
}

std::string deploying_account() { return invoking_user_name(); }

std::string expand_path_variables(const std::string& path) {
  return expand_home(path, invoking_home());
}

std::string invoking_user_name() {
  if (const auto* entry = ::getpwuid(::geteuid())) return entry->pw_name;
  return std::to_string(::geteuid());
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::optional<std::filesystem::path> this_executable() {
  return std::filesystem::path("/proc/self/exe");
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

std::time_t utc_to_time_t(std::tm utc) { return ::timegm(&utc); }

std::vector<std::filesystem::path> watchdog_state_files(const std::string& name) {
  const auto environment_value = [](const std::string& variable) -> std::optional<std::string> {
    if (const char* value = std::getenv(variable.c_str())) return std::string(value);
    return std::nullopt;
  };
  std::vector<std::filesystem::path> files;
  for (const auto& directory :
       state_directory_candidates(name, environment_value, running_privileged())) {
    files.push_back(directory / kStateFileName);
  }
  const auto system_file = std::filesystem::path("/run/daemonize") / name / kStateFileName;
  if (std::find(files.begin(), files.end(), system_file) == files.end()) {
    files.push_back(system_file);
  }
  // A `run --detach` watchdog of a non-root user keeps its state next to its pidfile.
  if (const auto detached = detached_paths(name, environment_value, running_privileged())) {
    const auto detached_file = detached->state_directory / kStateFileName;
    if (std::find(files.begin(), files.end(), detached_file) == files.end()) {
      files.push_back(detached_file);
    }
  }
  return files;
}

std::optional<ServiceManagerView> service_manager_view(const std::string& /*name*/,
                                                       std::string& /*note*/) {
  return std::nullopt;
}

}  // namespace daemonize::cli

namespace daemonize::cli {
namespace {

std::optional<std::string> environment(const std::string& variable) {
  if (const char* value = std::getenv(variable.c_str())) return std::string(value);
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> process_tree_memory(int root_pid) {
  // Parent links from /proc/PID/stat, resident pages from /proc/PID/statm.
  std::multimap<int, int> children;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  while (const dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) continue;
    const auto close = text.rfind(')');  // the command name may contain spaces and ')'
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    char state = '?';
    int parent = 0;
    if (rest >> state >> parent) children.emplace(parent, static_cast<int>(pid));
  }
  ::closedir(proc);
  const long page = ::sysconf(_SC_PAGESIZE);
  std::uint64_t total = 0;
  bool any = false;
  std::vector<int> pending{root_pid};
  std::set<int> visited;
  while (!pending.empty()) {
    const int pid = pending.back();
    pending.pop_back();
    if (!visited.insert(pid).second) continue;
    std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if (statm >> size >> resident) {
      total += resident * static_cast<std::uint64_t>(page);
      any = true;
    }
    const auto [first, last] = children.equal_range(pid);
    for (auto it = first; it != last; ++it) pending.push_back(it->second);
  }
  if (!any) return std::nullopt;
  return total;
}

std::vector<std::filesystem::path> watchdog_state_roots() {
  std::vector<std::filesystem::path> roots{"/run/daemonize"};
  if (auto runtime = environment("XDG_RUNTIME_DIR"); runtime && !runtime->empty()) {
    roots.emplace_back(std::filesystem::path(*runtime) / "daemonize");
  }
  // A non-root `run --detach` keeps <name>/state.json next to its pidfile.
  for (auto& directory : detached_pidfile_directories()) {
    if (std::find(roots.begin(), roots.end(), directory) == roots.end()) {
      roots.push_back(directory);
    }
  }
  return roots;
}

std::vector<std::filesystem::path> detached_pidfile_directories() {
  std::vector<std::filesystem::path> directories;
  for (const bool as_root : {true, false}) {
    if (!as_root && running_privileged()) continue;
    if (auto paths = detached_paths("x", environment, as_root)) {
      const auto directory = paths->pidfile.parent_path();
      if (std::find(directories.begin(), directories.end(), directory) == directories.end()) {
        directories.push_back(directory);
      }
    }
  }
  return directories;
}

std::optional<std::filesystem::path> detached_log_file(const std::string& name) {
  if (auto paths = detached_paths(name, environment, running_privileged())) return paths->log_file;
  return std::nullopt;
}

int run_in_foreground(const std::vector<std::string>& argv) {
  std::vector<char*> arguments;
  arguments.reserve(argv.size() + 1);
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) {
    std::cerr << "daemonize: cannot start " << argv.front() << ": " << std::strerror(errno) << '\n';
    return 127;
  }
  if (child == 0) {
    ::execvp(arguments.front(), arguments.data());
    std::cerr << "daemonize: cannot start " << argv.front() << ": " << std::strerror(errno) << '\n';
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace daemonize::cli
