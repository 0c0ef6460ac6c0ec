// The exec probe on POSIX: posix_spawn in its own process group, stdio on /dev/null, the child's
// environment. The driver's SIGCHLD handler reaps it (waitpid(-1) would steal the status from
// anyone else) and reports it through child_reaped(); a timeout SIGKILLs the whole group.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstring>
#include <set>

#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize::detail {
namespace {

class ExecProbe final : public HealthProbe {
 public:
  ExecProbe(boost::asio::io_context& io, HealthTarget target, std::function<void(int)> on_spawn)
      : io_(io), target_(std::move(target)), on_spawn_(std::move(on_spawn)) {}
  ~ExecProbe() override { abort(); }

  void start(Done done) override {
    abort();
    done_ = std::move(done);
    std::vector<std::string> environment_text;
    environment_text.reserve(target_.environment.size());
    for (const auto& [name, value] : target_.environment)
      environment_text.push_back(name + "=" + value);
    std::vector<char*> argv;
    argv.reserve(target_.argv.size() + 1);
    for (auto& argument : target_.argv) argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    envp.reserve(environment_text.size() + 1);
    for (auto& entry : environment_text) envp.push_back(entry.data());
    envp.push_back(nullptr);

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all;
    sigset_t none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);  // its own group: a timeout kills its children too
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);

    pid_t pid = 0;
    const bool search_path = target_.argv.front().find('/') == std::string::npos;
    const int error =
        search_path ? ::posix_spawnp(&pid, argv[0], &files, &attributes, argv.data(), envp.data())
                    : ::posix_spawn(&pid, argv[0], &files, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
    if (error != 0) {
      const std::string detail = "cannot run " + target_.argv.front() + ": " + std::strerror(error);
      // Never complete from inside start().
      boost::asio::post(io_, [this, generation = generation_, detail] {
        if (generation == generation_ && done_) finish({false, detail});
      });
      return;
    }
    pid_ = pid;
    ours_.insert(pid);
    if (on_spawn_) on_spawn_(pid);
  }

  void abort() override {
    ++generation_;
    done_ = nullptr;
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      pid_ = 0;  // still in ours_ until reaped
    }
  }

  bool child_reaped(int pid, int wait_status) override {
    if (!ours_.erase(pid)) return false;
    if (pid != pid_) return true;  // an aborted attempt
    pid_ = 0;
    // Leftovers of the probe's own children must not outlive it.
    ::kill(-pid, SIGKILL);
    if (WIFEXITED(wait_status)) {
      const int code = WEXITSTATUS(wait_status);
      finish({code == 0, "exit code " + std::to_string(code)});
    } else {
      finish({false, "killed by signal " + std::to_string(WTERMSIG(wait_status))});
    }
    return true;
  }

 private:
  void finish(ProbeOutcome outcome) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(outcome));
  }

  boost::asio::io_context& io_;
  HealthTarget target_;
  std::function<void(int)> on_spawn_;
  Done done_;
  int pid_ = 0;
  std::set<int> ours_;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<HealthProbe> make_exec_probe(boost::asio::io_context& io,
                                             const HealthTarget& target,
                                             std::function<void(int)> on_spawn) {
  return std::make_unique<ExecProbe>(io, target, std::move(on_spawn));
}

}  // namespace daemonize::detail
