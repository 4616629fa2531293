#include "util/text.h"

#include <gtest/gtest.h>

namespace portlens {
namespace {

TEST(FoldName, IgnoresCaseSpacesAndPunctuationButKeepsChinese) {
  EXPECT_EQ(fold_name("Back Orifice"), "backorifice");
  EXPECT_EQ(fold_name("back-orifice!"), "backorifice");
  EXPECT_EQ(fold_name("SubSeven1.0/1.9"), "subseven1019");
  EXPECT_EQ(fold_name("冰河 v2"), "冰河v2");
}

TEST(Split, KeepsEmptyPieces) {
  auto pieces = split("a,,b,", ',');
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[1], "");
  EXPECT_EQ(pieces[3], "");
  EXPECT_EQ(split_whitespace("  a \t b  ").size(), 2u);
}

TEST(Utf8, DecodesAndRejectsInvalidSequences) {
  EXPECT_TRUE(is_valid_utf8("端口 port"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xe7\xab"));          // truncated
  size_t pos = 0;
  EXPECT_EQ(next_code_point("冰", &pos), 0x51B0);
  EXPECT_EQ(pos, 3u);
}

TEST(DisplayWidth, ChineseIsDoubleWidth) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width("端口"), 4);
  EXPECT_EQ(display_width("端口 22"), 7);
}

}  // namespace
}  // namespace portlens
