// Prints the manifest key table (core/src/schema.cpp) as JSON, for check_docs_consistency.py:
// the docs are checked against the table the loader runs on, not against a parse of its source.
#include <boost/json.hpp>
#include <iostream>

#include "schema.hpp"

namespace {

using namespace daemonize;

boost::json::array strings(const std::vector<std::string_view>& values) {
  boost::json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return array;
}

boost::json::object section_json(const schema::Section& section, const Service& defaults);

boost::json::object key_json(const schema::Key& key, const Service& defaults) {
  boost::json::object object{{"name", key.name},
                             {"type", schema::to_string(key.type)},
                             {"docs", key.docs},
                             {"targets", key.targets}};
  if (key.default_text) object["default"] = key.default_text(defaults);
  if (key.type == schema::Type::enumeration) object["spellings"] = strings(key.spellings);
  if (key.type == schema::Type::integer || key.type == schema::Type::integer_array) {
    object["minimum"] = key.minimum;
    object["maximum"] = key.maximum;
  }
  if (key.type == schema::Type::string_array)
    object["allow_empty_entries"] = key.allow_empty_entries;
  if (key.nested != nullptr) object["table"] = section_json(*key.nested, defaults);
  return object;
}

boost::json::object section_json(const schema::Section& section, const Service& defaults) {
  boost::json::array keys;
  for (const auto& key : section.keys) keys.emplace_back(key_json(key, defaults));
  return {{"name", section.name},
          {"docs", section.docs},
          {"targets", section.targets},
          {"free_form", section.free_form.has_value()},
          {"keys", keys}};
}

}  // namespace

int main() {
  // The defaults of a model decoded from nothing; [health] keys read theirs from a HealthConfig.
  Service defaults;
  defaults.health.emplace();
  boost::json::array sections;
  for (const auto& section : schema::sections())
    sections.emplace_back(section_json(section, defaults));
  std::cout << boost::json::serialize(boost::json::object{{"sections", sections}}) << "\n";
  return 0;
}
