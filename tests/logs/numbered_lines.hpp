// The line format shared by the generator and the checks: "out 17 xxxx|\n", 8..99 bytes.
#pragma once

#include <string>

namespace daemonize::logs::testing {

inline std::string numbered_line(const char* stream, long number) {
  std::string line = std::string(stream) + " " + std::to_string(number) + " ";
  line.append(static_cast<std::size_t>(number * 7919 % 80), 'x');
  line += "|\n";
  return line;
}

}  // namespace daemonize::logs::testing
