// A minimal property-list value model and its XML writer (launchd.plist(5) files).
// Output is deterministic: dictionary keys are written in byte order, whatever the insertion
// order, so rendering the same model twice gives byte-identical text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::launchd {

class PlistValue {
 public:
  enum class Kind { boolean, integer, string, array, dictionary };

  [[nodiscard]] static PlistValue boolean(bool value);
  [[nodiscard]] static PlistValue integer(std::int64_t value);
  [[nodiscard]] static PlistValue string(std::string value);
  [[nodiscard]] static PlistValue array(std::vector<PlistValue> elements = {});
  [[nodiscard]] static PlistValue dictionary();

  // Dictionary only: adds or replaces `key`. Returns *this for chaining.
  PlistValue& set(std::string key, PlistValue value);
  // Array only.
  PlistValue& append(PlistValue value);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool boolean_value() const { return boolean_; }
  [[nodiscard]] std::int64_t integer_value() const { return integer_; }
  [[nodiscard]] const std::string& string_value() const { return string_; }
  [[nodiscard]] const std::vector<PlistValue>& elements() const { return elements_; }
  [[nodiscard]] const std::vector<std::string>& keys() const { return keys_; }
  // Dictionary only: the value of `key`, or nullptr.
  [[nodiscard]] const PlistValue* find(std::string_view key) const;

 private:
  explicit PlistValue(Kind kind) : kind_(kind) {}

  Kind kind_;
  bool boolean_ = false;
  std::int64_t integer_ = 0;
  std::string string_;
  std::vector<PlistValue> elements_;  // array elements, or dictionary values (parallel to keys_)
  std::vector<std::string> keys_;     // dictionary keys
};

// Why a string cannot be written into an XML 1.0 document.
struct XmlTextProblem {
  std::size_t byte_offset = 0;  // 0-based offset of the offending byte in the string
  std::string description;      // e.g. "U+0001 is not allowed in XML 1.0", "invalid UTF-8"
};

// Checks that `text` is valid UTF-8 made only of characters XML 1.0 allows
// (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]).
[[nodiscard]] std::optional<XmlTextProblem> find_xml_text_problem(std::string_view text);

// The complete XML plist document (UTF-8, the standard Apple DOCTYPE, tab indentation).
// Throws std::invalid_argument if a string or key fails find_xml_text_problem (callers validate
// first and report a diagnostic; reaching the throw is a bug).
[[nodiscard]] std::string write_xml_plist(const PlistValue& root);

}  // namespace daemonize::launchd
