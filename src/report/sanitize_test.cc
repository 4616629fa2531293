#include "report/sanitize.h"

#include <gtest/gtest.h>

#include "report/csv.h"
#include "util/text.h"
#include "report/style.h"
#include "report/table.h"

namespace portlens {
namespace {

TEST(TerminalSafe, EscapesControlSequences) {
  EXPECT_EQ(terminal_safe("ok\x1b[2Jbad"), "ok\\x1b[2Jbad");
  EXPECT_EQ(terminal_safe("a\rb\bc\x7f"), "a\\x0db\\x08c\\x7f");
  EXPECT_EQ(terminal_safe("line\nnext"), "line\\x0anext");
  EXPECT_EQ(terminal_safe("line\nnext", true), "line\nnext");
}

TEST(TerminalSafe, EscapesC1BidiAndInvalidUtf8) {
  EXPECT_EQ(terminal_safe("\xc2\x9b" "31m"), "\\u009b31m");  // 8-bit CSI
  EXPECT_EQ(terminal_safe("evil\xe2\x80\xae" "txt"), "evil\\u202etxt");
  EXPECT_EQ(terminal_safe("\xff\xfe"), "\\xff\\xfe");
}

TEST(TerminalSafe, KeepsPrintableUnicode) {
  EXPECT_EQ(terminal_safe("冰河 — Glacier"), "冰河 — Glacier");
}

TEST(TerminalSafe, ExcerptCutsToColumns) {
  std::string long_text(5000, 'a');
  std::string excerpt = terminal_safe_excerpt(long_text, 20);
  EXPECT_EQ(display_width(excerpt), 20);
  EXPECT_TRUE(excerpt.ends_with("…"));
  EXPECT_EQ(terminal_safe_excerpt("short", 20), "short");
}

TEST(Style, ColourDecision) {
  EXPECT_TRUE(should_color(ColorMode::automatic, true, "", false, "xterm"));
  EXPECT_FALSE(should_color(ColorMode::automatic, false, "", false, "xterm"));
  EXPECT_FALSE(should_color(ColorMode::automatic, true, "1", true, "xterm"));
  EXPECT_TRUE(should_color(ColorMode::automatic, true, "", true, "xterm"));  // empty NO_COLOR
  EXPECT_FALSE(should_color(ColorMode::automatic, true, "", false, "dumb"));
  EXPECT_TRUE(should_color(ColorMode::always, false, "1", true, "dumb"));
  EXPECT_FALSE(should_color(ColorMode::never, true, "", false, "xterm"));
  EXPECT_EQ(Style(false).risk(Risk::high, "x"), "x");
  EXPECT_EQ(Style(true).risk(Risk::high, "x"), "\x1b[1;31mx\x1b[0m");
}

TEST(TextTable, AlignsChineseAndColouredCells) {
  TextTable table({"A", "B"});
  table.add_row({"端口", "x"});
  table.add_row({Style(true).bold("ab"), "y"});
  std::string out = table.render();
  EXPECT_EQ(out, "A     B\n端口  x\n\x1b[1mab\x1b[0m    y\n");
}

TEST(WrapText, WrapsLatinAtSpacesAndChineseAnywhere) {
  auto lines = wrap_text("alpha beta gamma", 11);
  EXPECT_EQ(lines, (std::vector<std::string>{"alpha beta", "gamma"}));
  auto chinese = wrap_text("一二三四五六", 6);
  EXPECT_EQ(chinese, (std::vector<std::string>{"一二三", "四五六"}));
  auto punctuation = wrap_text("一二三；四五", 6);  // "；" never starts a line
  EXPECT_EQ(punctuation, (std::vector<std::string>{"一二三；", "四五"}));
}

TEST(Csv, QuotesWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_row({"1", "x\ny"}), "1,\"x\ny\"\r\n");
}

}  // namespace
}  // namespace portlens
