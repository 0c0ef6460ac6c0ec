#include "daemonize/watchdog/dotenv.hpp"

#include <cctype>

namespace daemonize {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::variant<DotenvEntries, DotenvError> run() {
    DotenvEntries entries;
    while (!at_end()) {
      skip_blanks();
      if (at_end()) break;
      if (peek() == '\n') {
        advance();
        continue;
      }
      if (peek() == '#') {
        skip_to_line_end();
        continue;
      }
      const int entry_line = line_;
      if (text_.substr(pos_).starts_with("export") && pos_ + 6 < text_.size() &&
          is_blank(text_[pos_ + 6])) {
        pos_ += 6;
        skip_blanks();
      }
      if (!is_name_start(peek())) return error(entry_line, "expected a variable name");
      std::string name;
      while (!at_end() && is_name_char(peek())) name += advance();
      skip_blanks();
      if (at_end() || peek() != '=') return error(entry_line, "expected '=' after " + name);
      advance();
      skip_blanks();
      std::string value;
      if (!at_end() && (peek() == '\'' || peek() == '"')) {
        const char quote = advance();
        bool closed = false;
        while (!at_end()) {
          char c = advance();
          if (c == quote) {
            closed = true;
            break;
          }
          if (quote == '"' && c == '\\' && !at_end()) {
            const char escaped = advance();
            switch (escaped) {
              case 'n':
                value += '\n';
                break;
              case 't':
                value += '\t';
                break;
              case 'r':
                value += '\r';
                break;
              case '"':
              case '\\':
              case '$':
                value += escaped;
                break;
              default:
                value += '\\';
                value += escaped;
                break;
            }
            continue;
          }
          value += c;
        }
        if (!closed)
          return error(entry_line, std::string("unterminated ") + quote + " quote in " + name);
        skip_blanks();
        if (!at_end() && peek() == '#') skip_to_line_end();
        if (!at_end() && peek() != '\n') {
          return error(line_, "unexpected text after the closing quote of " + name);
        }
      } else {
        while (!at_end() && peek() != '\n') {
          // " #" starts a comment; a '#' inside a word is part of the value.
          if (peek() == '#' && (value.empty() || is_blank(value.back()))) {
            skip_to_line_end();
            break;
          }
          value += advance();
        }
        while (!value.empty() && is_blank(value.back())) value.pop_back();
      }
      entries.emplace_back(std::move(name), std::move(value));
    }
    return entries;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  char advance() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void skip_blanks() {
    while (!at_end() && is_blank(peek())) ++pos_;
  }
  void skip_to_line_end() {
    while (!at_end() && peek() != '\n') ++pos_;
  }
  static DotenvError error(int line, std::string message) { return {line, std::move(message)}; }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::variant<DotenvEntries, DotenvError> parse_dotenv(std::string_view text) {
  return Parser(text).run();
}

}  // namespace daemonize
