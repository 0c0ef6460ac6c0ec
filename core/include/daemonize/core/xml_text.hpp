// XML character data, shared by the targets that write XML (launchd plists, Task Scheduler XML).
#pragma once

#include <string>
#include <string_view>

namespace daemonize {

// Escapes `&`, `<`, `>` and CR (as "&#13;": every XML parser's end-of-line handling would turn
// a literal CR into LF) for element content; quotes stay as they are (no attributes are written).
[[nodiscard]] std::string escape_xml_text(std::string_view text);

}  // namespace daemonize
