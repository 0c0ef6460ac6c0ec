#include "terminal.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "host_facts.hpp"

namespace daemonize::cli {
namespace {

constexpr std::string_view kStepSeparator = " ... ";
constexpr std::string_view kGreen = "\033[32m";
constexpr std::string_view kRed = "\033[1;31m";
constexpr std::string_view kYellow = "\033[33m";
constexpr std::string_view kReset = "\033[0m";

}  // namespace

bool colour_allowed(bool is_terminal, const char* no_color, const char* term) {
  if (!is_terminal) return false;
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return true;
}

bool colour_allowed_for_stdout() {
  return colour_allowed(stdout_is_terminal(), std::getenv("NO_COLOR"), std::getenv("TERM"));
}

std::optional<std::pair<std::size_t, std::size_t>> step_result_span(std::string_view line) {
  if (!line.starts_with("  ")) return std::nullopt;
  const auto separator = line.rfind(kStepSeparator);
  if (separator == std::string_view::npos) return std::nullopt;
  const auto begin = separator + kStepSeparator.size();
  auto end = line.find(' ', begin);
  if (end == std::string_view::npos) end = line.size();
  if (end == begin) return std::nullopt;
  return std::pair{begin, end};
}

std::string colour_step_line(std::string_view line) {
  const auto span = step_result_span(line);
  if (!span) return std::string(line);
  const auto [begin, end] = *span;
  const auto word = line.substr(begin, end - begin);
  const auto colour = word == "ok" ? kGreen : word == "failed" ? kRed : kYellow;
  std::string result(line.substr(0, begin));
  result.append(colour).append(word).append(kReset).append(line.substr(end));
  return result;
}

StepOutput::StepOutput(std::ostream& target, bool colour)
    : target_(target), colour_(colour), buffer_(target), styled_(&buffer_) {}

StepOutput::~StepOutput() { buffer_.finish(); }

void StepOutput::Buffer::finish() {
  if (!line_.empty()) {
    target_ << std::string_view(line_).substr(forwarded_);
    line_.clear();
    forwarded_ = 0;
  }
  target_.flush();
}

void StepOutput::Buffer::end_line() {
  // Colour codes go in only at the result word; when a flush already passed that part on,
  // the rest goes out plain.
  const auto span = step_result_span(line_);
  if (span && span->first >= forwarded_) {
    target_ << std::string_view(colour_step_line(line_)).substr(forwarded_);
  } else {
    target_ << std::string_view(line_).substr(forwarded_);
  }
  target_ << '\n';
  line_.clear();
  forwarded_ = 0;
}

StepOutput::Buffer::int_type StepOutput::Buffer::overflow(int_type character) {
  if (traits_type::eq_int_type(character, traits_type::eof()))
    return traits_type::not_eof(character);
  const char text = traits_type::to_char_type(character);
  if (text == '\n') {
    end_line();
  } else {
    line_.push_back(text);
  }
  return character;
}

std::streamsize StepOutput::Buffer::xsputn(const char* text, std::streamsize count) {
  for (std::streamsize i = 0; i < count; ++i) overflow(traits_type::to_int_type(text[i]));
  return count;
}

int StepOutput::Buffer::sync() {
  target_ << std::string_view(line_).substr(forwarded_);
  forwarded_ = line_.size();
  target_.flush();
  return target_ ? 0 : -1;
}

}  // namespace daemonize::cli
