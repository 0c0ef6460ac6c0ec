// A registry export as regedit writes it (`.reg`): "Windows Registry Editor Version 5.00" in
// UTF-16LE with a BOM (or UTF-8), or REGEDIT4. Keys with their values, each with its line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

struct RegValue {
  enum class Kind { string, expand_string, multi_string, dword, qword, binary, deletion };
  int line = 0;
  std::string name;  // "" for the default value (`@`)
  Kind kind = Kind::string;
  std::string text;                  // string, expand_string (UTF-8)
  std::vector<std::string> strings;  // multi_string
  std::uint64_t number = 0;          // dword, qword
  std::vector<std::uint8_t> bytes;   // binary (hex: and hex(N): of other types)
  unsigned hex_type = 3;             // N of hex(N):
};

struct RegKey {
  int line = 0;
  std::string path;  // as written, without the brackets
  bool deleted = false;
  std::vector<RegValue> values;
};

struct RegError {
  int line = 0;
  std::string message;
};

struct RegFile {
  std::vector<RegKey> keys;
  std::optional<RegError> error;
};

[[nodiscard]] RegFile parse_reg_file(std::string_view bytes);

// UTF-16LE (no BOM) to UTF-8; nullopt on an odd length or a lone surrogate, whose line (the
// newlines before it + 1) goes to `error_line` when given.
[[nodiscard]] std::optional<std::string> utf16le_to_utf8(std::string_view bytes,
                                                         int* error_line = nullptr);

}  // namespace daemonize::import
