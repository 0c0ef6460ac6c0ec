// The exec probe on Windows: CreateProcessW suspended, in a Job Object of its own
// (KILL_ON_JOB_CLOSE), then resumed; the child's environment; no inherited handles and no
// visible console (CREATE_NO_WINDOW: its output goes to a console nobody reads, as /dev/null on
// POSIX). The end of the process is awaited on the io_context (asio's object_handle); a timeout
// (abort()) terminates the job, so the probe's own children never outlive it.
#include <windows.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/windows/object_handle.hpp>
#include <vector>

#include "daemonize/core/windows_text.hpp"
#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize::detail {
namespace {

using windows_text::environment_block;
using windows_text::widen;

std::string last_error(const std::string& call) {
  const DWORD error = GetLastError();
  return windows_text::windows_error(call, "", error).message();
}

class ExecProbe final : public HealthProbe {
 public:
  ExecProbe(boost::asio::io_context& io, HealthTarget target, std::function<void(int)> on_spawn)
      : io_(io), process_(io), target_(std::move(target)), on_spawn_(std::move(on_spawn)) {}
  ~ExecProbe() override { abort(); }
  ExecProbe(const ExecProbe&) = delete;
  ExecProbe& operator=(const ExecProbe&) = delete;

  void start(Done done) override {
    abort();
    done_ = std::move(done);
    const auto generation = generation_;
    std::string error;
    const DWORD pid = spawn(error);
    if (pid == 0) {
      // Never complete from inside start().
      boost::asio::post(io_, [this, generation, error] {
        if (generation == generation_ && done_) finish({false, error});
      });
      return;
    }
    if (on_spawn_) on_spawn_(static_cast<int>(pid));
    process_.async_wait([this, generation](const boost::system::error_code& ec) {
      if (ec || generation != generation_) return;  // aborted
      DWORD code = 1;
      GetExitCodeProcess(process_.native_handle(), &code);
      process_.close();
      close_job();  // leftovers of the probe's own children must not outlive it
      finish({code == 0, "exit code " + std::to_string(code)});
    });
  }

  void abort() override {
    ++generation_;
    done_ = nullptr;
    boost::system::error_code ignored;
    process_.close(ignored);  // cancels the wait
    close_job();
  }

 private:
  // Returns the pid, or 0 with `error` set.
  DWORD spawn(std::string& error) {
    job_ = CreateJobObjectW(nullptr, nullptr);
    if (!job_) {
      error = last_error("CreateJobObjectW");
      return 0;
    }
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job_, JobObjectExtendedLimitInformation, &limits, sizeof(limits));
    std::wstring command_line = widen(target_.command_line);
    std::wstring environment = environment_block(target_.environment);
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    PROCESS_INFORMATION info{};
    if (!CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, FALSE,
                        CREATE_SUSPENDED | CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT,
                        environment.data(), nullptr, &startup, &info)) {
      error = "cannot run " + target_.argv.front() + ": " + last_error("CreateProcessW");
      close_job();
      return 0;
    }
    if (!AssignProcessToJobObject(job_, info.hProcess)) {
      error = last_error("AssignProcessToJobObject");
      TerminateProcess(info.hProcess, 1);
      CloseHandle(info.hThread);
      CloseHandle(info.hProcess);
      close_job();
      return 0;
    }
    ResumeThread(info.hThread);
    CloseHandle(info.hThread);
    process_.assign(info.hProcess);
    return info.dwProcessId;
  }

  void close_job() {
    if (!job_) return;
    TerminateJobObject(job_, 1);
    CloseHandle(job_);
    job_ = nullptr;
  }

  void finish(ProbeOutcome outcome) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(outcome));
  }

  boost::asio::io_context& io_;
  boost::asio::windows::object_handle process_;
  HealthTarget target_;
  std::function<void(int)> on_spawn_;
  Done done_;
  HANDLE job_ = nullptr;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<HealthProbe> make_exec_probe(boost::asio::io_context& io,
                                             const HealthTarget& target,
                                             std::function<void(int)> on_spawn) {
  return std::make_unique<ExecProbe>(io, target, std::move(on_spawn));
}

}  // namespace daemonize::detail
