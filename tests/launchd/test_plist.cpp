// The plist writer: escaping, XML 1.0 character checks, deterministic key order.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "daemonize/core/xml_text.hpp"
#include "daemonize/launchd/plist.hpp"

namespace daemonize::launchd {
namespace {

TEST(PlistEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(escape_xml_text("<a&b>"), "&lt;a&amp;b&gt;");
  EXPECT_EQ(escape_xml_text("]]>"), "]]&gt;");
  EXPECT_EQ(escape_xml_text("say \"hi\" 'there'"), "say \"hi\" 'there'");
}

TEST(PlistEscape, CarriageReturnBecomesCharacterReference) {
  // A raw CR would be normalized to LF by the XML parser.
  EXPECT_EQ(escape_xml_text("a\r\nb"), "a&#13;\nb");
}

TEST(PlistXmlText, AcceptsWhatXmlAllows) {
  EXPECT_FALSE(find_xml_text_problem("plain ascii"));
  EXPECT_FALSE(find_xml_text_problem("tab\there\nnewline\rcr"));
  EXPECT_FALSE(find_xml_text_problem("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_FALSE(find_xml_text_problem("\xEF\xBF\xBD"));                               // U+FFFD
  EXPECT_FALSE(find_xml_text_problem("\xF4\x8F\xBF\xBF"));                           // U+10FFFF
  EXPECT_FALSE(find_xml_text_problem(""));
}

TEST(PlistXmlText, RejectsControlCharactersWithOffset) {
  const auto problem = find_xml_text_problem(
      "ab\x01"
      "cd");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->byte_offset, 2U);
  EXPECT_EQ(problem->description, "U+0001 is not allowed in XML 1.0");
  ASSERT_TRUE(find_xml_text_problem(std::string("a\0b", 3)));
  EXPECT_EQ(find_xml_text_problem(std::string("a\0b", 3))->byte_offset, 1U);
  EXPECT_TRUE(find_xml_text_problem("\x1B[0m"));
  EXPECT_TRUE(find_xml_text_problem("\x7F") == std::nullopt);  // DEL is allowed in XML 1.0
}

TEST(PlistXmlText, RejectsNonCharacters) {
  EXPECT_EQ(find_xml_text_problem("x\xEF\xBF\xBE")->description,
            "U+FFFE is not allowed in XML 1.0");
  EXPECT_EQ(find_xml_text_problem("\xEF\xBF\xBF")->description, "U+FFFF is not allowed in XML 1.0");
}

TEST(PlistXmlText, RejectsInvalidUtf8) {
  EXPECT_EQ(find_xml_text_problem("ok\xFF")->byte_offset, 2U);
  EXPECT_TRUE(find_xml_text_problem("\xC3"));              // truncated
  EXPECT_TRUE(find_xml_text_problem("\xC0\x80"));          // overlong NUL
  EXPECT_TRUE(find_xml_text_problem("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_TRUE(find_xml_text_problem("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(find_xml_text_problem("\xC3("));             // bad continuation
}

TEST(PlistWriter, WritesTheStandardDocument) {
  auto root = PlistValue::dictionary();
  root.set("Label", PlistValue::string("org.example.a&b"));
  root.set("RunAtLoad", PlistValue::boolean(true));
  root.set("Umask", PlistValue::integer(23));
  root.set("Empty", PlistValue::array());
  root.set("KeepAlive", PlistValue::dictionary().set("Crashed", PlistValue::boolean(false)));
  EXPECT_EQ(write_xml_plist(root),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            "<plist version=\"1.0\">\n"
            "<dict>\n"
            "\t<key>Empty</key>\n"
            "\t<array/>\n"
            "\t<key>KeepAlive</key>\n"
            "\t<dict>\n"
            "\t\t<key>Crashed</key>\n"
            "\t\t<false/>\n"
            "\t</dict>\n"
            "\t<key>Label</key>\n"
            "\t<string>org.example.a&amp;b</string>\n"
            "\t<key>RunAtLoad</key>\n"
            "\t<true/>\n"
            "\t<key>Umask</key>\n"
            "\t<integer>23</integer>\n"
            "</dict>\n"
            "</plist>\n");
}

TEST(PlistWriter, KeyOrderDoesNotDependOnInsertionOrder) {
  auto first = PlistValue::dictionary();
  first.set("b", PlistValue::integer(2))
      .set("a", PlistValue::integer(1))
      .set("B", PlistValue::integer(3));
  auto second = PlistValue::dictionary();
  second.set("B", PlistValue::integer(3))
      .set("a", PlistValue::integer(1))
      .set("b", PlistValue::integer(2));
  EXPECT_EQ(write_xml_plist(first), write_xml_plist(second));
  EXPECT_LT(write_xml_plist(first).find("<key>B</key>"),
            write_xml_plist(first).find("<key>a</key>"));
}

TEST(PlistWriter, SetReplacesAnExistingKey) {
  auto root = PlistValue::dictionary();
  root.set("Key", PlistValue::integer(1)).set("Key", PlistValue::integer(2));
  ASSERT_EQ(root.keys().size(), 1U);
  EXPECT_EQ(root.find("Key")->integer_value(), 2);
  EXPECT_EQ(root.find("Missing"), nullptr);
}

TEST(PlistWriter, ArraysKeepTheirOrderAndNegativeIntegers) {
  auto root = PlistValue::array({PlistValue::string("z"), PlistValue::string("a")});
  root.append(PlistValue::integer(-5));
  const auto text = write_xml_plist(root);
  EXPECT_NE(
      text.find(
          "<array>\n\t<string>z</string>\n\t<string>a</string>\n\t<integer>-5</integer>\n</array>"),
      std::string::npos);
}

TEST(PlistWriter, RefusesTextXmlCannotHold) {
  auto root = PlistValue::dictionary();
  root.set("Bad", PlistValue::string("\x01"));
  EXPECT_THROW((void)write_xml_plist(root), std::invalid_argument);
  auto bad_key = PlistValue::dictionary();
  bad_key.set("\x02", PlistValue::boolean(true));
  EXPECT_THROW((void)write_xml_plist(bad_key), std::invalid_argument);
}

}  // namespace
}  // namespace daemonize::launchd
