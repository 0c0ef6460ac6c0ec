#include "manifest_draft.hpp"

#include <algorithm>
#include <array>

namespace daemonize::import {
namespace {

// The order of the tables in a written manifest (docs/manifest.md's order).
constexpr std::array<std::string_view, 15> kTableOrder{
    "service", "env",     "restart",       "stop",         "reload",
    "hooks",   "logs",    "limits",        "dependencies", "directories",
    "sandbox", "systemd", "systemd.extra", "windows",      "os.windows.dependencies"};

std::size_t table_rank(std::string_view table) {
  return static_cast<std::size_t>(std::find(kTableOrder.begin(), kTableOrder.end(), table) -
                                  kTableOrder.begin());
}

}  // namespace

void ManifestDraft::comment(std::string line) {
  // A control character (a name read from the input) would end or break the TOML comment.
  for (auto& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  comments_.push_back(std::move(line));
}

void ManifestDraft::set(std::string_view table, std::string_view key, std::string value) {
  for (auto& entry : entries_) {
    if (entry.table == table && entry.key == key) {
      entry.value = std::move(value);
      return;
    }
  }
  entries_.push_back({std::string(table), std::string(key), std::move(value)});
}

bool ManifestDraft::has(std::string_view table, std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.table == table && entry.key == key; });
}

void ManifestDraft::erase(std::string_view table, std::string_view key) {
  std::erase_if(entries_,
                [&](const Entry& entry) { return entry.table == table && entry.key == key; });
}

std::string ManifestDraft::text() const {
  std::string out;
  for (const auto& line : comments_) out += line.empty() ? "#\n" : "# " + line + "\n";
  out += "schema = 1\n";
  std::vector<Entry> sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
    return table_rank(a.table) < table_rank(b.table);
  });
  std::string current;
  for (const auto& entry : sorted) {
    if (entry.table != current) {
      current = entry.table;
      out += "\n[" + current + "]\n";
    }
    out += toml_key(entry.key) + " = " + entry.value + "\n";
  }
  return out;
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          constexpr std::string_view kHex = "0123456789ABCDEF";
          out += "\\u00";
          out += kHex[byte >> 4U];
          out += kHex[byte & 0xFU];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string toml_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ", ") + toml_string(items[i]);
  }
  return out + "]";
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

std::string escape_interpolation(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '$' ? std::string("$$") : std::string(1, c);
  return out;
}

std::string manifest_duration(long long milliseconds) {
  if (milliseconds % 1000 != 0) return toml_string(std::to_string(milliseconds) + "ms");
  const long long seconds = milliseconds / 1000;
  if (seconds != 0 && seconds % 3600 == 0) return toml_string(std::to_string(seconds / 3600) + "h");
  if (seconds != 0 && seconds % 60 == 0) return toml_string(std::to_string(seconds / 60) + "m");
  return toml_string(std::to_string(seconds) + "s");
}

}  // namespace daemonize::import
