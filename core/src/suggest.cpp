#include "daemonize/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace daemonize {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// Edits between `a` and `b` ignoring letter case; a swap of two neighbours counts as one
// ("stauts" is one edit from "status").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t change = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + change});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() > prefix.size() && equal_ignoring_case(text.substr(0, prefix.size()), prefix);
}

}  // namespace

std::vector<std::string> suggestions(std::string_view word,
                                     const std::vector<std::string>& candidates) {
  std::vector<std::string> found;
  for (const auto& candidate : candidates) {
    if (candidate != word && equal_ignoring_case(candidate, word)) found.push_back(candidate);
  }
  if (!found.empty()) return found;

  std::size_t best = std::string::npos;
  for (const auto& candidate : candidates) {
    if (candidate == word) continue;
    const auto distance = edit_distance(word, candidate);
    if (distance > best) continue;
    if (distance < best) found.clear();
    best = distance;
    found.push_back(candidate);
  }
  // Close enough: at most 2 edits, and fewer than half of the word changed.
  if (best <= 2 && best * 2 < std::max<std::size_t>(word.size(), 2)) return found;
  found.clear();

  if (word.size() >= 3) {
    for (const auto& candidate : candidates) {
      if (starts_with_ignoring_case(candidate, word)) found.push_back(candidate);
    }
  }
  return found;
}

std::string or_list(const std::vector<std::string>& words, char quote) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? " or " : ", ";
    text += quote + words[i] + quote;
  }
  return text;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         char quote) {
  const auto found = suggestions(word, candidates);
  return found.empty() ? std::string() : "; did you mean " + or_list(found, quote) + "?";
}

}  // namespace daemonize
