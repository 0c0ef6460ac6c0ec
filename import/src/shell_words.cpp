#include "shell_words.hpp"

#include <cctype>
#include <set>

namespace daemonize::import {
namespace {

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)) != 0);
}

}  // namespace

ShellSplit split_shell_words(std::string_view text) {
  ShellSplit split;
  std::set<std::string> features;
  auto feature = [&](std::string what) {
    if (features.insert(what).second) split.shell_features.push_back(std::move(what));
  };
  std::size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  // `$...` at text[i] (unquoted or in double quotes): appends to the word, advances i.
  auto dollar = [&](ShellWord& word) {
    if (i + 1 < text.size() && text[i + 1] == '{') {
      const auto close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        const std::string name(text.substr(i + 2, close - i - 2));
        bool plain = !name.empty() && name_char(name[0], true);
        for (char c : name) plain = plain && name_char(c, false);
        if (plain) {
          word.text += "${" + name + "}";
          word.interpolated += "${" + name + "}";
          word.has_variable = true;
          i = close + 1;
          return;
        }
      }
      feature("a parameter expansion '${...}'");
    } else if (i + 1 < text.size() && text[i + 1] == '(') {
      feature("a command substitution '$(...)'");
    } else if (i + 1 < text.size() && name_char(text[i + 1], true)) {
      std::size_t end = i + 1;
      while (end < text.size() && name_char(text[end], false)) ++end;
      const std::string name(text.substr(i + 1, end - i - 1));
      word.text += "$" + name;
      word.interpolated += "${" + name + "}";
      word.has_variable = true;
      i = end;
      return;
    } else if (i + 1 < text.size() &&
               std::string_view("0123456789@*#?$!-").find(text[i + 1]) != std::string_view::npos) {
      feature("a special parameter '$" + std::string(1, text[i + 1]) + "'");
    }
    word.text += '$';
    word.interpolated += "$$";
    ++i;
  };
  while (true) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size()) break;
    if (text[i] == '#') break;  // a comment to the end
    ShellWord word;
    bool started = false;
    while (i < text.size() && !is_space(text[i])) {
      const char c = text[i];
      if (c == '\'') {
        const auto close = text.find('\'', i + 1);
        if (close == std::string_view::npos) {
          split.error = "an unclosed single quote";
          return split;
        }
        const std::string literal(text.substr(i + 1, close - i - 1));
        word.text += literal;
        for (char l : literal)
          word.interpolated += l == '$' ? std::string("$$") : std::string(1, l);
        i = close + 1;
      } else if (c == '"') {
        ++i;
        bool closed = false;
        while (i < text.size()) {
          const char d = text[i];
          if (d == '"') {
            closed = true;
            ++i;
            break;
          }
          if (d == '\\' && i + 1 < text.size() &&
              std::string_view("$`\"\\\n").find(text[i + 1]) != std::string_view::npos) {
            const char escaped = text[i + 1];
            word.text += escaped;
            word.interpolated += escaped == '$' ? std::string("$$") : std::string(1, escaped);
            i += 2;
          } else if (d == '$') {
            dollar(word);
          } else {
            if (d == '`') feature("a command substitution '`...`'");
            word.text += d;
            word.interpolated += d;
            ++i;
          }
        }
        if (!closed) {
          split.error = "an unclosed double quote";
          return split;
        }
      } else if (c == '\\') {
        if (i + 1 < text.size()) {
          const char escaped = text[i + 1];
          word.text += escaped;
          word.interpolated += escaped == '$' ? std::string("$$") : std::string(1, escaped);
        }
        i += 2;
      } else if (c == '$') {
        dollar(word);
      } else {
        if (c == '|') feature("a pipe '|'");
        if (c == '&') feature("'&' (a list or background job)");
        if (c == ';') feature("a command list ';'");
        if (c == '<' || c == '>') feature("a redirection '" + std::string(1, c) + "'");
        if (c == '(' || c == ')') feature("a subshell '( )'");
        if (c == '`') feature("a command substitution '`...`'");
        if (c == '*' || c == '?' || c == '[') feature("a glob '" + std::string(1, c) + "'");
        if (c == '~' && !started) feature("a tilde '~'");
        word.text += c;
        word.interpolated += c;
        ++i;
      }
      started = true;
    }
    split.words.push_back(std::move(word));
  }
  return split;
}

}  // namespace daemonize::import
