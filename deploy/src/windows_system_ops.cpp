#include "daemonize/deploy/windows_system_ops.hpp"

#include <windows.h>

#include <algorithm>
#include <array>
#include <cwctype>
#include <filesystem>

#include "daemonize/core/command_line_quoting.hpp"
#include "daemonize/core/windows_text.hpp"

namespace daemonize::deploy {
namespace {

using windows_text::error_text;
using windows_text::narrow;
using windows_text::throw_last_error;
using windows_text::throw_windows_error;
using windows_text::widen;

// A kernel handle closed on scope exit.
class Handle {
 public:
  Handle() = default;
  explicit Handle(HANDLE handle) : handle_(handle) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }
  [[nodiscard]] HANDLE get() const { return handle_; }
  [[nodiscard]] HANDLE* out() { return &handle_; }
  [[nodiscard]] bool valid() const { return handle_ != nullptr && handle_ != INVALID_HANDLE_VALUE; }
  void close() {
    if (valid()) CloseHandle(handle_);
    handle_ = nullptr;
  }

 private:
  HANDLE handle_ = nullptr;
};

// A FindFirstFileW search closed on scope exit.
class FindHandle {
 public:
  explicit FindHandle(HANDLE handle) : handle_(handle) {}
  FindHandle(const FindHandle&) = delete;
  FindHandle& operator=(const FindHandle&) = delete;
  ~FindHandle() {
    if (valid()) FindClose(handle_);
  }
  [[nodiscard]] HANDLE get() const { return handle_; }
  [[nodiscard]] bool valid() const { return handle_ != INVALID_HANDLE_VALUE; }

 private:
  HANDLE handle_;
};

bool is_separator(char c) { return c == '\\' || c == '/'; }

bool is_missing(DWORD error) {
  return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND;
}

std::wstring pid_text() { return std::to_wstring(GetCurrentProcessId()); }

bool all_digits(std::wstring_view text) {
  return !text.empty() && text.find_first_not_of(L"0123456789") == std::wstring_view::npos;
}

// Case-insensitive, as Windows compares file names.
bool starts_with_ignoring_case(std::wstring_view text, std::wstring_view prefix) {
  return text.size() >= prefix.size() &&
         CompareStringOrdinal(text.data(), static_cast<int>(prefix.size()), prefix.data(),
                              static_cast<int>(prefix.size()), TRUE) == CSTR_EQUAL;
}

bool process_alive(DWORD pid) {
  Handle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
  if (!process.valid()) return GetLastError() == ERROR_ACCESS_DENIED;  // exists, not ours
  DWORD exit_code = 0;
  return GetExitCodeProcess(process.get(), &exit_code) && exit_code == STILL_ACTIVE;
}

// The names of the entries of `directory` (without "." and ".."); empty when it cannot be listed.
std::vector<WIN32_FIND_DATAW> directory_entries(const std::wstring& directory) {
  std::vector<WIN32_FIND_DATAW> entries;
  WIN32_FIND_DATAW entry{};
  FindHandle search(FindFirstFileExW((directory + L"\\*").c_str(), FindExInfoBasic, &entry,
                                     FindExSearchNameMatch, nullptr, 0));
  if (!search.valid()) return entries;
  do {
    const std::wstring_view name = entry.cFileName;
    if (name != L"." && name != L"..") entries.push_back(entry);
  } while (FindNextFileW(search.get(), &entry));
  return entries;
}

constexpr std::wstring_view kTemporaryMarker = L".daemonize-tmp-";
constexpr std::wstring_view kOldMarker = L".old-";

// Best effort, before a write of `file_name` in `directory`: deletes temporaries whose writer
// died ("<any>.daemonize-tmp-<pid>" with no such process) and the renamed-away earlier versions
// of this file ("<file_name>.old-<pid>[-<n>]") that nothing runs any more (a running image
// cannot be deleted; it is tried again at the next write).
void remove_leftovers(const std::filesystem::path& directory, const std::wstring& file_name) {
  const std::wstring old_prefix = file_name + std::wstring(kOldMarker);
  for (const auto& entry : directory_entries(directory.wstring())) {
    if (entry.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
    const std::wstring_view name = entry.cFileName;
    const auto marker = name.rfind(kTemporaryMarker);
    bool stale = false;
    if (marker != std::wstring_view::npos && marker > 0) {
      const auto pid_digits = name.substr(marker + kTemporaryMarker.size());
      stale = all_digits(pid_digits) && pid_digits.size() <= 9 &&
              std::stoul(std::wstring(pid_digits)) != GetCurrentProcessId() &&
              !process_alive(static_cast<DWORD>(std::stoul(std::wstring(pid_digits))));
    } else if (starts_with_ignoring_case(name, old_prefix)) {
      auto suffix = name.substr(old_prefix.size());
      const auto dash = suffix.find(L'-');
      stale = all_digits(suffix.substr(0, dash)) &&
              (dash == std::wstring_view::npos || all_digits(suffix.substr(dash + 1)));
    }
    if (!stale) continue;
    const auto leftover = directory / name;
    // A read-only copy (the attribute survives the rename) could not be deleted otherwise.
    if (entry.dwFileAttributes & FILE_ATTRIBUTE_READONLY) {
      SetFileAttributesW(leftover.c_str(), entry.dwFileAttributes & ~FILE_ATTRIBUTE_READONLY);
    }
    DeleteFileW(leftover.c_str());
  }
}

// Creates `directory` and its missing parents.
void make_directories(const std::filesystem::path& directory) {
  const DWORD attributes = GetFileAttributesW(directory.c_str());
  if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) return;
  const auto parent = directory.parent_path();
  if (!parent.empty() && parent != directory && directory.has_relative_path()) {
    make_directories(parent);
  }
  if (!CreateDirectoryW(directory.c_str(), nullptr)) {
    const DWORD error = GetLastError();
    const DWORD now = GetFileAttributesW(directory.c_str());
    // Created meanwhile by someone else, or a drive root.
    if (now != INVALID_FILE_ATTRIBUTES && (now & FILE_ATTRIBUTE_DIRECTORY)) return;
    throw_windows_error("mkdir", narrow(directory.wstring()), error);
  }
}

void write_all(HANDLE file, std::string_view content, const std::string& shown) {
  while (!content.empty()) {
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(content.size(), 1u << 30));
    DWORD written = 0;
    if (!WriteFile(file, content.data(), chunk, &written, nullptr))
      throw_last_error("write", shown);
    content.remove_prefix(written);
  }
}

// Moves `target` out of the way to "<target>.old-<pid>" (or "-<n>" after that name when it is
// taken by a file still in use). Returns the new name, or "" when the rename failed.
std::wstring rename_away(const std::wstring& target) {
  const std::wstring base = target + std::wstring(kOldMarker) + pid_text();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::wstring candidate = attempt == 0 ? base : base + L"-" + std::to_wstring(attempt);
    DeleteFileW(candidate.c_str());  // an earlier leftover of ours, if nothing runs it any more
    if (MoveFileExW(target.c_str(), candidate.c_str(), 0)) return candidate;
    const DWORD error = GetLastError();
    if (error != ERROR_ALREADY_EXISTS && error != ERROR_FILE_EXISTS) break;
  }
  return {};
}

// Deletes `path` (a directory with everything below it). Junctions and directory symlinks are
// removed, never followed. Read-only files are made writable first (del /f does the same).
void remove_tree(const std::wstring& path, DWORD attributes) {
  const bool directory = attributes & FILE_ATTRIBUTE_DIRECTORY;
  const bool link = attributes & FILE_ATTRIBUTE_REPARSE_POINT;
  if (directory && !link) {
    for (const auto& entry : directory_entries(path)) {
      remove_tree(path + L"\\" + entry.cFileName, entry.dwFileAttributes);
    }
  }
  if (attributes & FILE_ATTRIBUTE_READONLY) {
    SetFileAttributesW(path.c_str(), attributes & ~FILE_ATTRIBUTE_READONLY);
  }
  if (!(directory ? RemoveDirectoryW(path.c_str()) : DeleteFileW(path.c_str()))) {
    const DWORD error = GetLastError();
    if (!is_missing(error)) throw_windows_error("remove", narrow(path), error);
  }
}

// The SID type of an account name; std::nullopt when LookupAccountNameW does not know it.
std::optional<SID_NAME_USE> account_type(const std::string& name) {
  const std::wstring wide = widen(name);
  DWORD sid_size = 0;
  DWORD domain_size = 0;
  SID_NAME_USE use{};
  LookupAccountNameW(nullptr, wide.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
  if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return std::nullopt;
  std::vector<BYTE> sid(sid_size);
  std::wstring domain(domain_size, L'\0');
  if (!LookupAccountNameW(nullptr, wide.c_str(), sid.data(), &sid_size, domain.data(), &domain_size,
                          &use)) {
    return std::nullopt;
  }
  return use;
}

// The full path of a program named without a directory, as CreateProcessW would search for it
// (SearchPathW: the program's directory, the current directory, the system directories, PATH).
std::optional<std::wstring> search_program(const std::wstring& program, DWORD& error) {
  std::wstring found(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = SearchPathW(nullptr, program.c_str(), L".exe",
                                     static_cast<DWORD>(found.size()), found.data(), nullptr);
    if (length == 0) {
      error = GetLastError();
      return std::nullopt;
    }
    if (length < found.size()) {
      found.resize(length);
      return found;
    }
    found.resize(length);
  }
}

}  // namespace

WindowsSystemOps::WindowsSystemOps(std::string root) : root_(std::move(root)) {
  while (!root_.empty() && is_separator(root_.back())) root_.pop_back();
}

std::string WindowsSystemOps::host_path(const std::string& path) const {
  if (root_.empty()) return path;
  std::string relative;
  if (path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0]))) {
    relative =
        std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(path[0])))) +
        "\\" + path.substr(2);
  } else if (path.size() >= 2 && is_separator(path[0]) && is_separator(path[1])) {
    relative = "UNC\\" + path.substr(2);
  } else {
    relative = path;
  }
  std::size_t start = 0;
  while (start < relative.size() && is_separator(relative[start])) ++start;
  std::string joined = root_ + "\\";
  for (std::size_t i = start; i < relative.size(); ++i) {
    const char c = relative[i];
    // "C:\x" gives "C\\x" above when the path had "C:\": keep one separator.
    if (is_separator(c) && is_separator(joined.back())) continue;
    joined += c == '/' ? '\\' : c;
  }
  while (joined.size() > root_.size() + 1 && is_separator(joined.back())) joined.pop_back();
  return joined;
}

std::optional<std::string> WindowsSystemOps::read_file(const std::string& path) const {
  const auto real = host_path(path);
  Handle file(CreateFileW(widen(real).c_str(), GENERIC_READ,
                          FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                          OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) {
    const DWORD error = GetLastError();
    if (is_missing(error)) return std::nullopt;
    // CreateFileW refuses directories with "access denied", which is not a permission problem.
    const DWORD attributes = GetFileAttributesW(widen(real).c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
      throw SystemError("open " + real + ": is a directory");
    }
    throw_windows_error("open", real, error);
  }
  std::string content;
  std::array<char, 65536> buffer{};
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(file.get(), buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr)) {
      throw_last_error("read", real);
    }
    if (got == 0) break;
    content.append(buffer.data(), got);
  }
  return content;
}

bool WindowsSystemOps::exists(const std::string& path) const {
  if (GetFileAttributesW(widen(host_path(path)).c_str()) != INVALID_FILE_ATTRIBUTES) return true;
  // Something is there that we may not look at (a locked system file).
  const DWORD error = GetLastError();
  return error == ERROR_ACCESS_DENIED || error == ERROR_SHARING_VIOLATION;
}

void WindowsSystemOps::write_file_atomic(const std::string& path, std::string_view content,
                                         unsigned /*mode*/, const FileOwner& /*owner*/) {
  const auto real = host_path(path);
  const std::filesystem::path target(widen(real));
  const auto directory = target.parent_path();
  make_directories(directory);
  remove_leftovers(directory, target.filename().wstring());
  // Next to the target, so that the rename stays on one volume.
  const std::wstring temporary = target.wstring() + std::wstring(kTemporaryMarker) + pid_text();
  const std::string shown_temporary = narrow(temporary);
  {
    Handle file(CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) throw_last_error("create", shown_temporary);
    try {
      write_all(file.get(), content, shown_temporary);
      if (!FlushFileBuffers(file.get())) throw_last_error("flush", shown_temporary);
    } catch (...) {
      file.close();
      DeleteFileW(temporary.c_str());
      throw;
    }
  }
  constexpr DWORD kReplace = MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH;
  if (MoveFileExW(temporary.c_str(), target.c_str(), kReplace)) return;
  DWORD error = GetLastError();
  // A running executable (daemonize.exe being upgraded) refuses the replace but can be renamed:
  // move it aside, then put the new file in its place.
  const DWORD target_attributes = GetFileAttributesW(target.c_str());
  if ((error == ERROR_ACCESS_DENIED || error == ERROR_SHARING_VIOLATION) &&
      target_attributes != INVALID_FILE_ATTRIBUTES &&
      !(target_attributes & FILE_ATTRIBUTE_DIRECTORY)) {
    const std::wstring old = rename_away(target.wstring());
    if (!old.empty()) {
      if (MoveFileExW(temporary.c_str(), target.c_str(), kReplace)) {
        DeleteFileW(old.c_str());  // succeeds when nothing was running it after all
        return;
      }
      error = GetLastError();
      MoveFileExW(old.c_str(), target.c_str(), 0);  // the old file back in place
    }
  }
  DeleteFileW(temporary.c_str());
  throw_windows_error("rename", real, error);
}

void WindowsSystemOps::create_directory(const std::string& path, unsigned /*mode*/,
                                        const FileOwner& /*owner*/) {
  make_directories(std::filesystem::path(widen(host_path(path))));
}

bool WindowsSystemOps::remove(const std::string& path, bool recursive) {
  const auto real = host_path(path);
  const std::wstring wide = widen(real);
  const DWORD attributes = GetFileAttributesW(wide.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) {
    const DWORD error = GetLastError();
    if (is_missing(error)) return false;
    throw_windows_error("remove", real, error);
  }
  const bool directory = attributes & FILE_ATTRIBUTE_DIRECTORY;
  if (directory && recursive) {
    remove_tree(wide, attributes);
  } else if (!(directory ? RemoveDirectoryW(wide.c_str()) : DeleteFileW(wide.c_str()))) {
    const DWORD error = GetLastError();
    if (is_missing(error)) return false;
    throw_windows_error("remove", real, error);
  }
  return true;
}

CommandResult WindowsSystemOps::run(const std::vector<std::string>& argv) {
  if (argv.empty()) return {127, "empty command"};
  std::wstring program = widen(argv[0]);
  if (program.find_first_of(L"\\/:") == std::wstring::npos) {
    DWORD error = 0;
    auto found = search_program(program, error);
    if (!found) return {127, argv[0] + ": " + error_text(error)};
    program = std::move(*found);
  }
  std::wstring command_line = widen(windows::command_line(
      narrow(program), std::vector<std::string>(argv.begin() + 1, argv.end())));

  // Only the two ends the child needs are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST): no other
  // inheritable handle of this process, which would also keep the pipe open, reaches it.
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  Handle output_read;
  Handle output_write;
  if (!CreatePipe(output_read.out(), output_write.out(), &inheritable, 0)) {
    return {127, "CreatePipe: " + error_text(GetLastError())};
  }
  SetHandleInformation(output_read.get(), HANDLE_FLAG_INHERIT, 0);
  Handle null_input(CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                &inheritable, OPEN_EXISTING, 0, nullptr));
  if (!null_input.valid()) return {127, "open NUL: " + error_text(GetLastError())};

  std::array<HANDLE, 2> inherited{null_input.get(), output_write.get()};
  SIZE_T list_size = 0;
  InitializeProcThreadAttributeList(nullptr, 1, 0, &list_size);
  std::vector<std::uint64_t> list_storage(list_size / 8 + 1);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(list_storage.data());
  if (!InitializeProcThreadAttributeList(attributes, 1, 0, &list_size)) {
    return {127, "InitializeProcThreadAttributeList: " + error_text(GetLastError())};
  }
  struct ListCleanup {
    LPPROC_THREAD_ATTRIBUTE_LIST list;
    ~ListCleanup() { DeleteProcThreadAttributeList(list); }
  } list_cleanup{attributes};
  if (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                 sizeof(HANDLE) * inherited.size(), nullptr, nullptr)) {
    return {127, "UpdateProcThreadAttribute: " + error_text(GetLastError())};
  }

  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof startup;
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = null_input.get();
  startup.StartupInfo.hStdOutput = output_write.get();
  startup.StartupInfo.hStdError = output_write.get();
  startup.lpAttributeList = attributes;
  PROCESS_INFORMATION process_info{};
  if (!CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, TRUE,
                      CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT,
                      nullptr, nullptr, &startup.StartupInfo, &process_info)) {
    return {127, argv[0] + ": " + error_text(GetLastError())};
  }
  Handle process(process_info.hProcess);
  Handle thread(process_info.hThread);
  // Our copy of the write end must go, or the read below never sees the end of the output.
  output_write.close();
  null_input.close();

  // Read while the program runs, and stop once it has exited and its output is drained: not at
  // the pipe's end, which a background process it started may hold open for good (Wine's
  // schtasks.exe wakes the task scheduler service that way).
  CommandResult result;
  std::array<char, 4096> buffer{};
  auto drain = [&] {
    for (;;) {
      DWORD available = 0;
      if (!PeekNamedPipe(output_read.get(), nullptr, 0, nullptr, &available, nullptr) ||
          available == 0) {
        return;
      }
      DWORD got = 0;
      const DWORD wanted = std::min<DWORD>(available, static_cast<DWORD>(buffer.size()));
      if (!ReadFile(output_read.get(), buffer.data(), wanted, &got, nullptr) || got == 0) return;
      result.output.append(buffer.data(), got);
    }
  };
  constexpr DWORD poll_milliseconds = 10;
  while (WaitForSingleObject(process.get(), poll_milliseconds) == WAIT_TIMEOUT) drain();
  drain();
  DWORD exit_code = 0;
  if (!GetExitCodeProcess(process.get(), &exit_code)) {
    return {127, result.output + "GetExitCodeProcess: " + error_text(GetLastError())};
  }
  result.exit_status = static_cast<int>(exit_code);
  return result;
}

std::optional<AccountInfo> WindowsSystemOps::find_user(const std::string& name) const {
  if (!account_type(name)) return std::nullopt;
  return AccountInfo{name, 0, 0, ""};
}

std::optional<unsigned> WindowsSystemOps::find_group(const std::string& name) const {
  const auto type = account_type(name);
  if (!type || (*type != SidTypeGroup && *type != SidTypeAlias && *type != SidTypeWellKnownGroup)) {
    return std::nullopt;
  }
  return 0u;
}

namespace {
[[noreturn]] void accounts_unsupported(const std::string& what) {
  throw SystemError("creating accounts is not supported on Windows: " + what +
                    " (use a built-in, virtual or existing account in [windows].account)");
}
}  // namespace

void WindowsSystemOps::create_system_group(const std::string& name) {
  accounts_unsupported("group " + name);
}

void WindowsSystemOps::create_system_user(const std::string& name, const std::string& /*group*/) {
  accounts_unsupported("user " + name);
}

void WindowsSystemOps::delete_user(const std::string& name) {
  throw SystemError("deleting accounts is not supported on Windows: user " + name);
}

void WindowsSystemOps::delete_group(const std::string& name) {
  throw SystemError("deleting accounts is not supported on Windows: group " + name);
}

}  // namespace daemonize::deploy
