// The quoting rules of the Windows targets, from the documented rules of CommandLineToArgvW /
// the MSVC runtime ("Parsing C++ command-line arguments") and of cmd.exe batch files.
// wine_e2e.py proves the same strings through Windows' own parsers under Wine.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemonize/core/xml_text.hpp"
#include "daemonize/windows/quoting.hpp"

namespace daemonize::windows {
namespace {

// A reference parser written from the documented rules (2n backslashes + quote: n backslashes
// and a toggle; 2n+1 + quote: n backslashes and a literal quote; others literal).
std::vector<std::string> parse_msvc_arguments(const std::string& line) {
  std::vector<std::string> arguments;
  std::size_t index = 0;
  while (index < line.size()) {
    while (index < line.size() && (line[index] == ' ' || line[index] == '\t')) ++index;
    if (index >= line.size()) break;
    std::string argument;
    bool in_quotes = false;
    while (index < line.size() && (in_quotes || (line[index] != ' ' && line[index] != '\t'))) {
      std::size_t backslashes = 0;
      while (index < line.size() && line[index] == '\\') {
        ++backslashes;
        ++index;
      }
      if (index < line.size() && line[index] == '"') {
        argument.append(backslashes / 2, '\\');
        if (backslashes % 2 == 1) {
          argument += '"';
        } else {
          in_quotes = !in_quotes;
        }
        ++index;
      } else {
        argument.append(backslashes, '\\');
        if (index < line.size() && (in_quotes || (line[index] != ' ' && line[index] != '\t'))) {
          argument += line[index++];
        }
      }
    }
    arguments.push_back(argument);
  }
  return arguments;
}

TEST(WindowsQuoting, PlainArgumentsStayBare) {
  EXPECT_EQ(quote_argument("--port"), "--port");
  EXPECT_EQ(quote_argument("C:\\dir\\file"), "C:\\dir\\file");
  EXPECT_EQ(quote_argument("trailing\\"), "trailing\\");  // no quote follows: literal
}

TEST(WindowsQuoting, SpacesAndEmptyAreQuoted) {
  EXPECT_EQ(quote_argument("a b"), "\"a b\"");
  EXPECT_EQ(quote_argument(""), "\"\"");
  EXPECT_EQ(quote_argument("tab\there"), "\"tab\there\"");
}

TEST(WindowsQuoting, BackslashesBeforeQuotesAreDoubled) {
  // x\"y: one backslash then a quote -> 2*1+1 backslashes then \"
  EXPECT_EQ(quote_argument("x\\\"y"), "\"x\\\\\\\"y\"");
  // C:\dir with space\ : the trailing backslash precedes the closing quote -> doubled
  EXPECT_EQ(quote_argument("C:\\dir with space\\"), "\"C:\\dir with space\\\\\"");
  EXPECT_EQ(quote_argument("say \"hi\""), "\"say \\\"hi\\\"\"");
  // Backslashes not before a quote stay single even inside quotes.
  EXPECT_EQ(quote_argument("a\\\\b c"), "\"a\\\\b c\"");
}

TEST(WindowsQuoting, AlwaysQuote) {
  EXPECT_EQ(quote_argument("C:\\x.toml", true), "\"C:\\x.toml\"");
  EXPECT_EQ(quote_argument("C:\\dir\\", true), "\"C:\\dir\\\\\"");
}

TEST(WindowsQuoting, AcceptanceArgumentsRoundTrip) {
  const std::vector<std::string> arguments{"a b", "", "x\\\"y", "C:\\dir with space\\"};
  EXPECT_EQ(join_arguments(arguments), "\"a b\" \"\" \"x\\\\\\\"y\" \"C:\\dir with space\\\\\"");
  EXPECT_EQ(parse_msvc_arguments(join_arguments(arguments)), arguments);
}

TEST(WindowsQuoting, HostileArgumentsRoundTrip) {
  const std::vector<std::string> arguments{"\\",
                                           "\\\\",
                                           "\"",
                                           "\\\"",
                                           "a\\\\\"b",
                                           " ",
                                           "\t",
                                           "\"\"",
                                           "x y\\\\",
                                           "%PATH%",
                                           "a&b|c<d>e",
                                           "^",
                                           "()",
                                           "multi  space",
                                           "end\\\\\\",
                                           "\\\"\\",
                                           "C:\\Program Files\\x\\"};
  EXPECT_EQ(parse_msvc_arguments(join_arguments(arguments)), arguments);
  for (const auto& argument : arguments) {
    EXPECT_EQ(parse_msvc_arguments(quote_argument(argument, true)),
              std::vector<std::string>{argument})
        << argument;
  }
}

TEST(WindowsQuoting, ProgramIsAlwaysQuoted) {
  EXPECT_EQ(quote_program("C:\\Program Files\\My App\\app.exe"),
            "\"C:\\Program Files\\My App\\app.exe\"");
  EXPECT_EQ(quote_program("C:\\app.exe"), "\"C:\\app.exe\"");
  EXPECT_EQ(command_line("C:\\Program Files\\a.exe", {"x y", "z"}),
            "\"C:\\Program Files\\a.exe\" \"x y\" z");
  EXPECT_EQ(command_line("C:\\a.exe", {}), "\"C:\\a.exe\"");
}

TEST(WindowsCmdEscaping, PercentIsDoubledEverywhere) {
  EXPECT_EQ(escape_cmd_line("50% \"100%\""), "50%% \"100%%\"");
  EXPECT_EQ(escape_cmd_line("%PATH%"), "%%PATH%%");
}

TEST(WindowsCmdEscaping, MetacharactersAreCaretedOutsideQuotesOnly) {
  EXPECT_EQ(escape_cmd_line("a&b|c<d>e^f(g)"), "a^&b^|c^<d^>e^^f^(g^)");
  EXPECT_EQ(escape_cmd_line("\"a&b|c<d>e^f\""), "\"a&b|c<d>e^f\"");
}

TEST(WindowsCmdEscaping, QuoteStateFlipsAtEveryQuoteLikeCmd) {
  // cmd.exe does not know \" : the escaped quote closes its quoted region, so the & after it
  // is outside quotes for cmd and needs a caret, although the program sees it inside quotes.
  const std::string line = quote_argument("say \"&\" now");  // "say \"&\" now"
  EXPECT_EQ(line, "\"say \\\"&\\\" now\"");
  EXPECT_EQ(escape_cmd_line(line), "\"say \\\"^&\\\" now\"");
}

TEST(WindowsPaths, AbsoluteWindowsPaths) {
  EXPECT_TRUE(is_absolute_windows_path("C:\\Program Files\\My App\\app.exe"));
  EXPECT_TRUE(is_absolute_windows_path("d:/tools/app.exe"));
  EXPECT_TRUE(is_absolute_windows_path("\\\\server\\share\\app.exe"));
  EXPECT_FALSE(is_absolute_windows_path("/opt/payments/bin/server"));
  EXPECT_FALSE(is_absolute_windows_path("app.exe"));
  EXPECT_FALSE(is_absolute_windows_path("C:app.exe"));
  EXPECT_FALSE(is_absolute_windows_path("\\app.exe"));
  EXPECT_FALSE(is_absolute_windows_path("C:\\a\"b.exe"));
  EXPECT_FALSE(is_absolute_windows_path("C:\\a|b.exe"));
  EXPECT_FALSE(is_absolute_windows_path("C:\\a\nb.exe"));
  EXPECT_FALSE(is_absolute_windows_path("C:\\a.exe:stream"));
  EXPECT_FALSE(is_absolute_windows_path("\\\\server"));
}

TEST(WindowsPaths, PercentVariables) {
  EXPECT_TRUE(has_percent_variable("%PATH%"));
  EXPECT_TRUE(has_percent_variable("x%ProgramFiles(x86)%y"));
  EXPECT_FALSE(has_percent_variable("100%"));
  EXPECT_FALSE(has_percent_variable("%%"));
  EXPECT_FALSE(has_percent_variable("a=50% b=30%"));
  EXPECT_TRUE(has_percent_variable("50% %X%"));
}

TEST(WindowsXml, Escaping) {
  EXPECT_EQ(daemonize::escape_xml_text("a<b>&\"c'"), "a&lt;b&gt;&amp;\"c'");
}

TEST(WindowsEncoding, Utf16LittleEndianWithBom) {
  EXPECT_EQ(utf16le_with_bom("A"), std::string("\xFF\xFE"
                                               "A\0",
                                               4));
  // U+00E9 and U+1F600 (a surrogate pair).
  const std::string text = "\xC3\xA9\xF0\x9F\x98\x80";
  const std::string encoded = utf16le_with_bom(text);
  EXPECT_EQ(encoded, std::string("\xFF\xFE\xE9\x00\x3D\xD8\x00\xDE", 8));
  EXPECT_EQ(utf8_from_utf16le(encoded), text);
  // Invalid UTF-8 becomes U+FFFD.
  EXPECT_EQ(utf16le_with_bom("\xFF"), std::string("\xFF\xFE\xFD\xFF", 4));
}

}  // namespace
}  // namespace daemonize::windows
