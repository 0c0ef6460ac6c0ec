// Spawning the child with Boost.Process v1, extended for what a supervisor needs.
//
// Boost.Process provides fork/exec with exec-error reporting (a CLOEXEC pipe: the constructor
// returns only once the child exec'd or failed) and argv/env handling. It cannot set up a
// process group, rlimits, a user switch or PR_SET_PDEATHSIG, so ChildSetup does that in its
// on_exec_setup hook. Waiting is NOT left to Boost.Process: the watchdog is a subreaper and
// reaps with waitpid(-1) itself, so the child object is detached right away.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "posix_process.hpp"

namespace daemonize::posix {
namespace {

// Writes "daemonize: STEP: strerror" to the child's stderr (still the watchdog's at that point
// for every step but the last) with async-signal-safe calls.
void report_child_failure(const char* step, int error) {
  const char* prefix = "daemonize: cannot start the child: ";
  const char* reason = std::strerror(error);
  [[maybe_unused]] auto a = ::write(2, prefix, std::strlen(prefix));
  [[maybe_unused]] auto b = ::write(2, step, std::strlen(step));
  [[maybe_unused]] auto c = ::write(2, ": ", 2);
  [[maybe_unused]] auto d = ::write(2, reason, std::strlen(reason));
  [[maybe_unused]] auto e = ::write(2, "\n", 1);
}

// Fallback for kernels before 5.11 (no CLOSE_RANGE_CLOEXEC).
void mark_cloexec_from_proc() {
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds) return;
  const int own = ::dirfd(fds);
  while (const dirent* entry = ::readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    if (fd > 2 && fd != own) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  ::closedir(fds);
}

// NAME=value strings and the null-terminated array execve takes, built in one pass
// (bp::environment's operator[] searches and rebuilds its array on every insertion: quadratic).
struct EnvironmentBlock {
  explicit EnvironmentBlock(const std::map<std::string, std::string>& environment) {
    entries.reserve(environment.size());
    for (const auto& [name, value] : environment) entries.push_back(name + "=" + value);
    pointers.reserve(entries.size() + 1);
    for (auto& entry : entries) pointers.push_back(entry.data());
    pointers.push_back(nullptr);
  }
  std::vector<std::string> entries;
  std::vector<char*> pointers;
};

struct ChildSetup : boost::process::extend::handler {
  const LaunchPlan* plan = nullptr;
  char** environment = nullptr;
  ChildStdio stdio;
  pid_t parent = 0;
  sigset_t saved_mask{};

  // Parent, before fork: block every signal so that no handler of the watchdog (Asio's
  // self-pipe) can run in the child between fork and exec.
  template <typename Executor>
  void on_setup(Executor& exec) {
    exec.env = environment;  // what execve gets (the default would be the watchdog's environ)
    parent = ::getpid();
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &saved_mask);
  }
  template <typename Executor>
  void on_error(Executor&, const std::error_code&) {
    ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  }
  template <typename Executor>
  void on_success(Executor&) {
    ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  }

  template <typename Executor>
  void fail(Executor& exec, const char* step) {
    const int error = errno;
    report_child_failure(step, error);
    exec.set_error(std::error_code(error, std::system_category()), step);
    ::_exit(127);
  }

  // Child, after fork, before exec.
  template <typename Executor>
  void on_exec_setup(Executor& exec) {
    for (int signal = 1; signal < NSIG; ++signal) {
      // Fails only for numbers that are not signals; nothing to do about those.
      if (signal != SIGKILL && signal != SIGSTOP) static_cast<void>(::signal(signal, SIG_DFL));
    }
    if (::setpgid(0, 0) != 0) fail(exec, "setpgid");
    if (plan->nofile) {
      const rlimit limit{static_cast<rlim_t>(*plan->nofile), static_cast<rlim_t>(*plan->nofile)};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) fail(exec, "setrlimit(RLIMIT_NOFILE)");
    }
    if (plan->nproc) {
      const rlimit limit{static_cast<rlim_t>(*plan->nproc), static_cast<rlim_t>(*plan->nproc)};
      if (::setrlimit(RLIMIT_NPROC, &limit) != 0) fail(exec, "setrlimit(RLIMIT_NPROC)");
    }
    if (!plan->working_directory.empty() && ::chdir(plan->working_directory.c_str()) != 0) {
      fail(exec, "chdir");
    }
    if (plan->umask) ::umask(static_cast<mode_t>(*plan->umask));
    if (plan->user) {
      const auto& user = *plan->user;
      std::vector<gid_t> groups(user.groups.begin(), user.groups.end());
      if (::setgroups(groups.size(), groups.data()) != 0) fail(exec, "setgroups");
      if (::setgid(user.gid) != 0) fail(exec, "setgid");
      if (::setuid(user.uid) != 0) fail(exec, "setuid");
    }
    // After setuid, which clears it. If the watchdog already died, do not run at all.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(exec, "prctl(PR_SET_PDEATHSIG)");
    if (::getppid() != parent) ::_exit(127);
    if (stdio.stdout_fd >= 0 && ::dup2(stdio.stdout_fd, 1) < 0) fail(exec, "dup2(stdout)");
    if (stdio.stderr_fd >= 0 && ::dup2(stdio.stderr_fd, 2) < 0) fail(exec, "dup2(stderr)");
    // Nothing but 0, 1 and 2 crosses exec. bp::limit_handles cannot be used for this: it
    // computes its keep-list before fork, when Boost's exec-error pipe is not known yet, and
    // closes that pipe (exec failures would then look like exit code 1). Marking everything
    // close-on-exec keeps the pipe working until the exec itself.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) mark_cloexec_from_proc();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
  }
};

}  // namespace

SpawnOutcome spawn_child(const LaunchPlan& plan, const ChildStdio& stdio) {
  namespace bp = boost::process;
  EnvironmentBlock environment(plan.environment);
  std::vector<std::string> args(plan.argv.begin() + 1, plan.argv.end());

  ChildSetup setup;
  setup.plan = &plan;
  setup.environment = environment.pointers.data();
  setup.stdio = stdio;
  std::error_code error;
  bp::child child(bp::exe(plan.executable), bp::args(args), setup, error);
  if (error || !child.valid()) {
    return {0, error ? error.message() : std::string("spawn failed")};
  }
  const int pid = child.id();
  child.detach();  // reaped by the watchdog's own SIGCHLD handling
  return {pid, ""};
}

}  // namespace daemonize::posix
