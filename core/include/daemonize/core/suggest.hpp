// "Did you mean ...?": the words a misspelt one most likely meant, for the manifest's keys and
// values and the command line's commands and targets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace daemonize {

// The candidates `word` most likely meant, in candidate order; empty when none is close:
//  1. those equal to it but for letter case ("Always" -> "always");
//  2. else those fewest edits away (a letter added, dropped, changed, or two swapped), at most
//     2 edits and fewer than half of the word ("systemdd" -> "systemd", "deploi" -> "deploy");
//  3. else those it begins, for a word of 3 letters or more ("windows" -> "windows-service",
//     "windows-task").
[[nodiscard]] std::vector<std::string> suggestions(std::string_view word,
                                                   const std::vector<std::string>& candidates);

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'", each word between `quote`s.
[[nodiscard]] std::string or_list(const std::vector<std::string>& words, char quote = '\'');

// "; did you mean 'a' or 'b'?" for the suggestions of `word`, or "" when there are none.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates,
                                       char quote = '\'');

}  // namespace daemonize
