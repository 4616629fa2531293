#include "i18n/language.h"

#include <gtest/gtest.h>

#include "i18n/catalog.h"
#include "i18n/po_file.h"

namespace portlens {
namespace {

TEST(Language, PosixPrecedence) {
  EXPECT_EQ(language_from_locale_variables("", "", "zh_CN.UTF-8"), Language::zh);
  EXPECT_EQ(language_from_locale_variables("en_US.UTF-8", "", "zh_CN.UTF-8"), Language::en);
  EXPECT_EQ(language_from_locale_variables("", "zh_TW", "en_US"), Language::zh);
  EXPECT_EQ(language_from_locale_variables("C", "", "zh_CN"), Language::en);
  EXPECT_EQ(language_from_locale_variables("", "", ""), Language::en);
}

TEST(Language, LocalizedTextFallsBack) {
  LocalizedText both{"port", "端口"};
  EXPECT_EQ(both.in(Language::zh), "端口");
  LocalizedText english_only{"port", ""};
  EXPECT_EQ(english_only.in(Language::zh), "port");
}

TEST(PoFile, ParsesContinuationsEscapesAndFuzzy) {
  auto messages = parse_po(
      "msgid \"\"\nmsgstr \"Header\\n\"\n\n"
      "msgid \"a \"\n\"b\"\nmsgstr \"甲\\\"乙\"\n\n"
      "#, fuzzy\nmsgid \"c\"\nmsgstr \"丙\"\n",
      "t.po");
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].msgid, "a b");
  EXPECT_EQ((*messages)[0].msgstr, "甲\"乙");
  EXPECT_TRUE((*messages)[1].fuzzy);
}

TEST(PoFile, RejectsBrokenLines) {
  EXPECT_FALSE(parse_po("msgid \"a\nmsgstr \"b\"\n", "t.po").ok());
  EXPECT_FALSE(parse_po("garbage\n", "t.po").ok());
  EXPECT_FALSE(parse_po("msgid \"a\\\"\n", "t.po").ok());
}

TEST(Catalog, IsSortedAndKeepsPlaceholders) {
  auto catalog = chinese_catalog();
  ASSERT_GT(catalog.size(), 50u);
  auto count = [](std::string_view text) {
    size_t n = 0;
    for (size_t at = text.find("{}"); at != std::string_view::npos; at = text.find("{}", at + 2)) ++n;
    return n;
  };
  for (size_t i = 0; i < catalog.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(catalog[i - 1].msgid, catalog[i].msgid);
    }
    EXPECT_EQ(count(catalog[i].msgid), count(catalog[i].msgstr)) << catalog[i].msgid;
  }
}

TEST(Catalog, TranslatesAndFormats) {
  Error error = make_error(N_("port {} is out of range (0-65535)"), "70000");
  EXPECT_EQ(render_error(error, Language::en), "port 70000 is out of range (0-65535)");
  std::string chinese = render_error(error, Language::zh);
  EXPECT_NE(chinese.find("70000"), std::string::npos);
  EXPECT_NE(chinese, render_error(error, Language::en));
  EXPECT_EQ(translate("no such message", Language::zh), "no such message");
}

}  // namespace
}  // namespace portlens
