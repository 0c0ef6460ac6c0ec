// Atomic state-file writes on Windows: write STATE.tmp, then MoveFileExW over STATE.
#include <windows.h>

#include <fstream>

#include "daemonize/watchdog/state_file.hpp"

namespace daemonize {

std::error_code write_state_file(const std::filesystem::path& file, const StateRecord& record) {
  const std::string text = state_to_json(record);
  auto temporary = file;
  temporary += L".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return {static_cast<int>(GetLastError()), std::system_category()};
  }
  if (!MoveFileExW(temporary.c_str(), file.c_str(), MOVEFILE_REPLACE_EXISTING))
    return {static_cast<int>(GetLastError()), std::system_category()};
  return {};
}

}  // namespace daemonize
