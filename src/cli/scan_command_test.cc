// nmap's two-letter spellings become long options only after "scan".

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/command.h"

namespace portlens {
namespace {

using Args = std::vector<std::string>;

TEST(RewriteNmapArguments, SpellingsAfterScanBecomeLongOptions) {
  EXPECT_EQ(rewrite_nmap_arguments({"scan", "-sV", "-oX", "a.xml", "-oG", "-", "-iL", "t.txt", "-Pn", "-sT", "-n", "-p-",
                                    "10.0.0.1"}),
            (Args{"scan", "--banners", "--xml-out", "a.xml", "--grepable-out", "-", "--input-file", "t.txt",
                  "--no-ping", "--ports=-", "10.0.0.1"}));
}

TEST(RewriteNmapArguments, GlobalOptionsBeforeTheCommandAreSkipped) {
  EXPECT_EQ(rewrite_nmap_arguments({"--lang", "zh", "scan", "-Pn"}), (Args{"--lang", "zh", "scan", "--no-ping"}));
  EXPECT_EQ(rewrite_nmap_arguments({"--json", "scan", "-n"}), (Args{"--json", "scan"}));
}

TEST(RewriteNmapArguments, OtherCommandsAreLeftAlone) {
  // "scan" as the value of ls's --netns does not make ls's -n disappear.
  EXPECT_EQ(rewrite_nmap_arguments({"ls", "--netns", "scan", "-n"}), (Args{"ls", "--netns", "scan", "-n"}));
  EXPECT_EQ(rewrite_nmap_arguments({"--color", "scan", "info", "-n"}), (Args{"--color", "scan", "info", "-n"}));
  EXPECT_EQ(rewrite_nmap_arguments({"info", "scan", "-sV"}), (Args{"info", "scan", "-sV"}));
}

}  // namespace
}  // namespace portlens
