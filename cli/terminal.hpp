// Terminal presentation for human output: whether colour is allowed, and the colouring of step
// lines. The deploy library writes plain lines "  <step> ... <result>"; only the CLI decides,
// per stream, whether the result word gets a colour.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>

namespace daemonize::cli {

// Colour only on a terminal, never when NO_COLOR is set to anything non-empty
// (https://no-color.org) or TERM is "dumb". `no_color`/`term` are the variables' values, nullptr
// when unset.
[[nodiscard]] bool colour_allowed(bool is_terminal, const char* no_color, const char* term);

// colour_allowed() for this process's stdout and environment.
[[nodiscard]] bool colour_allowed_for_stdout();

// The [begin, end) span of the result word of a step line ("  write /x ... ok (new)" -> "ok"):
// the word after the last " ... "; std::nullopt when the line is no step line.
[[nodiscard]] std::optional<std::pair<std::size_t, std::size_t>> step_result_span(
    std::string_view line);

// `line` with its result word in colour: ok green, failed red, anything else yellow.
[[nodiscard]] std::string colour_step_line(std::string_view line);

// An ostream that forwards to `target`, colouring the result word of each step line when
// `colour` is true (else it is `target` itself). A flush passes the unfinished line on, so a
// terminal shows "  wait until x is ready ... " while that step runs.
class StepOutput {
 public:
  StepOutput(std::ostream& target, bool colour);
  StepOutput(const StepOutput&) = delete;
  StepOutput& operator=(const StepOutput&) = delete;
  ~StepOutput();

  [[nodiscard]] std::ostream& stream() { return colour_ ? styled_ : target_; }

 private:
  class Buffer : public std::streambuf {
   public:
    explicit Buffer(std::ostream& target) : target_(target) {}
    void finish();

   protected:
    int_type overflow(int_type character) override;
    std::streamsize xsputn(const char* text, std::streamsize count) override;
    int sync() override;

   private:
    void end_line();
    std::ostream& target_;
    std::string line_;           // the current line so far
    std::size_t forwarded_ = 0;  // how much of line_ a flush already passed on
  };

  std::ostream& target_;
  bool colour_;
  Buffer buffer_;
  std::ostream styled_;
};

// An ostream that discards everything (--quiet).
class NullOutput {
 public:
  NullOutput() : stream_(&buffer_) {}
  [[nodiscard]] std::ostream& stream() { return stream_; }

 private:
  class Buffer : public std::streambuf {
   protected:
    int_type overflow(int_type character) override { return traits_type::not_eof(character); }
    std::streamsize xsputn(const char* /*text*/, std::streamsize count) override { return count; }
  };
  Buffer buffer_;
  std::ostream stream_;
};

}  // namespace daemonize::cli
