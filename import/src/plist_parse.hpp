// Property lists as launchd reads them: XML (`<plist>`) and binary (`bplist00`) parsed into one
// value tree, so the launchd importer does not care which form it was given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::import {

struct PlistNode {
  enum class Kind { boolean, integer, real, string, date, data, array, dictionary };
  Kind kind = Kind::string;
  // The line of the value in an XML plist; 1 in a binary plist, which has no lines.
  int line = 1;
  bool boolean = false;
  long long integer = 0;
  double real = 0;
  std::string text;                 // string; date as written (XML) or seconds since 2001 (binary)
  std::vector<PlistNode> elements;  // array elements, or dictionary values (parallel to keys)
  std::vector<std::string> keys;    // dictionary keys, in file order
  std::vector<int> key_lines;       // the line of each key

  [[nodiscard]] const PlistNode* find(std::string_view key) const;
};

struct PlistParse {
  std::optional<PlistNode> root;
  int error_line = 1;
  std::string error;
};

// `bytes` as an XML or binary plist; on failure `error` says why, at `error_line`.
[[nodiscard]] PlistParse parse_plist(std::string_view bytes);

// "string", "integer", ... as the plist spells the element.
[[nodiscard]] const char* to_string(PlistNode::Kind kind);

}  // namespace daemonize::import
