#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include "editor.hpp"

namespace daemonize::cli {

const char* default_editor() { return "vi"; }

int run_editor(const std::string& command, const std::string& file) {
  const std::string script = command + " \"$@\"";
  std::vector<const char*> arguments = {"sh",         "-c",   script.c_str(), command.c_str(),
                                        file.c_str(), nullptr};
  // Like git: a Ctrl-C or Ctrl-\ typed in the editor is the editor's, not a reason for daemonize
  // to die with the terminal left to the editor.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction old_interrupt {};
  struct sigaction old_quit {};
  ::sigaction(SIGINT, &ignore, &old_interrupt);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  const pid_t child = ::fork();
  if (child == 0) {
    ::sigaction(SIGINT, &old_interrupt, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    ::execvp("sh", const_cast<char* const*>(arguments.data()));
    std::cerr << "daemonize: cannot start sh for the editor: " << std::strerror(errno) << '\n';
    ::_exit(127);
  }
  int status = 0;
  if (child < 0) {
    std::cerr << "daemonize: cannot start the editor: " << std::strerror(errno) << '\n';
    status = -1;
  } else {
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::sigaction(SIGINT, &old_interrupt, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  if (child < 0) return 127;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

std::optional<std::filesystem::path> make_private_directory() {
  auto pattern = (std::filesystem::temp_directory_path() / "daemonize-edit.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "daemonize: cannot create a directory for the copy to edit (" << pattern
              << "): " << std::strerror(errno) << '\n';
    return std::nullopt;
  }
  return std::filesystem::path(pattern);
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

}  // namespace daemonize::cli
