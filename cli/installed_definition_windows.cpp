// `daemonize import --service NAME` on Windows: the SCM's registration of NAME, read from the
// registry (HKLM\SYSTEM\CurrentControlSet\Services\NAME and its subkeys) and written out as the
// .reg text regedit exports, so the NSSM reader maps an NSSM-wrapped service and a plain one alike.
// A WinSW service is read from the XML next to its wrapper; a service daemonize deployed from the
// manifest its image runs.
#include <windows.h>
// After windows.h: shellapi.h needs its types.
#include <shellapi.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <cwctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "daemonize/core/windows_text.hpp"
#include "installed_definition.hpp"

namespace daemonize::cli {
namespace {

namespace fs = std::filesystem;
using windows_text::narrow;
using windows_text::widen;

constexpr const wchar_t* kServicesKey = L"SYSTEM\\CurrentControlSet\\Services\\";
constexpr int kMaxDepth = 4;

class Key {
 public:
  Key() = default;
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key() {
    if (handle_ != nullptr) RegCloseKey(handle_);
  }
  LSTATUS open(HKEY parent, const std::wstring& path) {
    return RegOpenKeyExW(parent, path.c_str(), 0, KEY_READ, &handle_);
  }
  [[nodiscard]] HKEY get() const { return handle_; }

 private:
  HKEY handle_ = nullptr;
};

std::string hex_bytes(const BYTE* data, DWORD size) {
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  for (DWORD i = 0; i < size; ++i) {
    if (i != 0) out += ',';
    out += kHex.at(data[i] >> 4U);
    out += kHex.at(data[i] & 0xFU);
  }
  return out;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One value as regedit writes it: "name"=... (@= for the default value).
std::string value_line(const std::wstring& name, DWORD type, const std::vector<BYTE>& data) {
  std::string line = name.empty() ? "@" : quoted(narrow(name));
  line += '=';
  const auto size = static_cast<DWORD>(data.size());
  if (type == REG_SZ) {
    std::wstring text(reinterpret_cast<const wchar_t*>(data.data()), size / sizeof(wchar_t));
    while (!text.empty() && text.back() == L'\0') text.pop_back();
    const std::string utf8 = narrow(text);
    if (utf8.find_first_of("\r\n") == std::string::npos) return line + quoted(utf8);
    return line + "hex(1):" + hex_bytes(data.data(), size);  // a line break: as bytes
  }
  if (type == REG_DWORD && size == 4) {
    DWORD number = 0;
    std::memcpy(&number, data.data(), 4);
    std::array<char, 16> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "dword:%08lx", static_cast<unsigned long>(number));
    return line + buffer.data();
  }
  if (type == REG_BINARY) return line + "hex:" + hex_bytes(data.data(), size);
  std::array<char, 16> prefix{};
  std::snprintf(prefix.data(), prefix.size(), "hex(%lx):", static_cast<unsigned long>(type));
  return line + prefix.data() + hex_bytes(data.data(), size);
}

// The key at `path` (below HKLM) and its subkeys, as regedit exports them. The SCM's own
// subkeys (Security, Enum) are left out: they describe the registration, not the service.
void export_key(HKEY parent, const std::wstring& relative, const std::wstring& path, int depth,
                std::string& out) {
  Key key;
  if (key.open(parent, relative) != ERROR_SUCCESS) return;
  out += "\r\n[HKEY_LOCAL_MACHINE\\" + narrow(path) + "]\r\n";
  for (DWORD index = 0;; ++index) {
    std::array<wchar_t, 16384> name{};
    auto name_size = static_cast<DWORD>(name.size());
    DWORD type = 0;
    DWORD data_size = 0;
    if (RegEnumValueW(key.get(), index, name.data(), &name_size, nullptr, &type, nullptr,
                      &data_size) != ERROR_SUCCESS) {
      break;
    }
    std::vector<BYTE> data(data_size);
    name_size = static_cast<DWORD>(name.size());
    if (RegEnumValueW(key.get(), index, name.data(), &name_size, nullptr, &type, data.data(),
                      &data_size) != ERROR_SUCCESS) {
      continue;
    }
    data.resize(data_size);
    out += value_line(std::wstring(name.data(), name_size), type, data) + "\r\n";
  }
  if (depth >= kMaxDepth) return;
  for (DWORD index = 0;; ++index) {
    std::array<wchar_t, 256> name{};
    auto name_size = static_cast<DWORD>(name.size());
    if (RegEnumKeyExW(key.get(), index, name.data(), &name_size, nullptr, nullptr, nullptr,
                      nullptr) != ERROR_SUCCESS) {
      break;
    }
    const std::wstring subkey(name.data(), name_size);
    if (depth == 0 &&
        (_wcsicmp(subkey.c_str(), L"Security") == 0 || _wcsicmp(subkey.c_str(), L"Enum") == 0)) {
      continue;
    }
    export_key(key.get(), subkey, path + L"\\" + subkey, depth + 1, out);
  }
}

std::wstring lowercase(std::wstring text);

// The SCM's reading of an ImagePath: CommandLineToArgvW, except that an unquoted program path
// with spaces ends at the first ".exe" followed by a space, as CreateProcess finds it.
std::vector<std::wstring> command_line_words(const std::wstring& command_line) {
  std::vector<std::wstring> words;
  if (command_line.empty()) return words;
  if (command_line.front() != L'"') {
    const std::wstring lower = lowercase(command_line);
    auto exe = lower.find(L".exe");
    while (exe != std::wstring::npos && exe + 4 < lower.size() && lower[exe + 4] != L' ') {
      exe = lower.find(L".exe", exe + 1);
    }
    if (exe != std::wstring::npos && lower.find(L' ') < exe) {
      return {command_line.substr(0, exe + 4)};  // only the program is looked at here
    }
  }
  int count = 0;
  LPWSTR* argv = CommandLineToArgvW(command_line.c_str(), &count);
  if (argv == nullptr) return words;
  for (int i = 0; i < count; ++i) words.emplace_back(argv[i]);
  LocalFree(argv);
  return words;
}

std::wstring lowercase(std::wstring text) {
  for (auto& c : text) c = static_cast<wchar_t>(towlower(c));
  return text;
}

std::optional<std::string> read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace

std::variant<InstalledDefinition, std::string> read_installed_definition(
    const std::string& name, const std::optional<std::string>& from) {
  if (from && *from != "scm") {
    return "--from " + *from + " reads another system's service manager; on Windows use --from scm";
  }
  const std::wstring path = std::wstring(kServicesKey) + widen(name);
  const std::string where = "HKEY_LOCAL_MACHINE\\" + narrow(path);
  Key key;
  if (const LSTATUS status = key.open(HKEY_LOCAL_MACHINE, path); status != ERROR_SUCCESS) {
    if (status == ERROR_FILE_NOT_FOUND) {
      return "the service control manager has no service '" + name + "' (" + where +
             " does not exist)";
    }
    return "cannot read " + where + ": " + windows_text::error_text(static_cast<DWORD>(status));
  }
  std::array<wchar_t, 32768> image{};
  DWORD image_size = sizeof(image);
  // RRF_NOEXPAND: the text as registered; the readers keep %NAME% as ${NAME}.
  const LSTATUS status = RegGetValueW(key.get(), nullptr, L"ImagePath",
                                      RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, nullptr,
                                      image.data(), &image_size);
  const std::wstring image_path = status == ERROR_SUCCESS ? std::wstring(image.data()) : L"";
  const auto words = command_line_words(image_path);
  const std::wstring program = words.empty() ? L"" : lowercase(fs::path(words[0]).filename());

  // A service daemonize deployed: `daemonize.exe run --service MANIFEST`. Its manifest is the
  // definition, taken as it is.
  if ((program == L"daemonize.exe" || program == L"daemonizew.exe") && words.size() >= 2 &&
      words[1] == L"run") {
    const std::string manifest = narrow(words.back());
    auto text = read_text_file(fs::path(words.back()));
    if (!text) {
      return "service '" + name + "' runs the manifest " + manifest +
             ", which cannot be read: " + windows_text::error_text(GetLastError());
    }
    InstalledDefinition definition;
    definition.format = import::Format::nssm;
    definition.source = {manifest, *text};
    definition.deployed_manifest = true;
    return definition;
  }

  // WinSW: the wrapper reads the XML of its own name next to it.
  if (!words.empty()) {
    fs::path xml = fs::path(words[0]).replace_extension(L".xml");
    std::error_code error;
    if (fs::is_regular_file(xml, error)) {
      auto text = read_text_file(xml);
      if (text && text->find("<service") != std::string::npos) {
        InstalledDefinition definition;
        definition.format = import::Format::winsw;
        definition.source = {narrow(xml.wstring()), *text};
        return definition;
      }
    }
  }

  std::string reg = "Windows Registry Editor Version 5.00\r\n";
  export_key(HKEY_LOCAL_MACHINE, path, path, 0, reg);
  InstalledDefinition definition;
  definition.format = import::Format::nssm;
  definition.source = {where, reg};
  return definition;
}

}  // namespace daemonize::cli
