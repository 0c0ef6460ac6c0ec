// Writes the arguments it received as JSON to the file named by DAEMONIZE_ARGV_OUT:
// {"command_line": ..., "crt": [argv from the C runtime], "shell32": [CommandLineToArgvW]}.
// Run under Wine with a rendered command line, it shows what a Windows program really gets.
// windows.h must come before shellapi.h.
#include <windows.h>

#include <shellapi.h>

#include <cstdio>
#include <string>

namespace {

std::string json_string(const wchar_t* text) {
  std::string out = "\"";
  for (const wchar_t* p = text; *p != L'\0'; ++p) {
    const auto unit = static_cast<unsigned>(*p);
    if (unit == '"' || unit == '\\') {
      out += '\\';
      out += static_cast<char>(unit);
    } else if (unit >= 0x20 && unit < 0x7f) {
      out += static_cast<char>(unit);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unit);
      out += escaped;
    }
  }
  return out + "\"";
}

std::string json_array(int count, wchar_t** values, int first) {
  std::string out = "[";
  for (int i = first; i < count; ++i) {
    if (i > first) out += ", ";
    out += json_string(values[i]);
  }
  return out + "]";
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  const wchar_t* output_path = _wgetenv(L"DAEMONIZE_ARGV_OUT");
  if (output_path == nullptr) {
    std::fputs("argv_printer: set DAEMONIZE_ARGV_OUT\n", stderr);
    return 2;
  }
  int shell_count = 0;
  wchar_t** shell_argv = CommandLineToArgvW(GetCommandLineW(), &shell_count);
  std::string json = "{\"command_line\": " + json_string(GetCommandLineW()) +
                     ", \"crt\": " + json_array(argc, argv, 1) +
                     ", \"shell32\": " + json_array(shell_count, shell_argv, 1) + "}\n";
  LocalFree(shell_argv);
  FILE* out = _wfopen(output_path, L"wb");
  if (out == nullptr) return 3;
  std::fwrite(json.data(), 1, json.size(), out);
  std::fclose(out);
  return 0;
}
