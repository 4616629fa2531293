#include "knowledge/entry_store.h"

#include <gtest/gtest.h>

#include "i18n/catalog.h"

namespace portlens {
namespace {

constexpr const char* kCompleteEntry = R"(
[[entry]]
port = 21
proto = ["tcp"]
service = "ftp"
risk = "high"
tags = ["cleartext"]
title = { en = "FTP", zh = "文件传输" }
description.en = "Files."
description.zh = "文件。"
advice.en = "Use SFTP."
advice.zh = "改用 SFTP。"
malware = ["Doly Trojan", { name = "SubSeven", aka = ["Sub7"] }]
sources = ["iana"]
)";

std::string message(const Error& error) { return render_error(error, Language::en); }

TEST(EntryStore, LoadsACompleteCuratedEntry) {
  auto store = load_entries(kCompleteEntry, "t.toml", LoadMode::curated);
  ASSERT_TRUE(store.ok()) << message(store.error());
  const PortEntry& entry = (*store)->entries.at(0);
  EXPECT_EQ(entry.ports, (PortRange{21, 21}));
  EXPECT_EQ(entry.protocols, bit(Protocol::tcp));
  EXPECT_EQ(entry.risk, Risk::high);
  EXPECT_EQ(entry.title.zh, "文件传输");
  ASSERT_EQ(entry.malware.size(), 2u);
  EXPECT_EQ(entry.malware[1].aka[0], "Sub7");
  EXPECT_EQ((*store)->entry_lines.at(0), 2u);
}

TEST(EntryStore, CuratedModeRequiresBothLanguages) {
  std::string text = kCompleteEntry;
  std::string line = "description.zh = \"文件。\"\n";
  text.replace(text.find(line), line.size(), "");
  auto store = load_entries(text, "t.toml", LoadMode::curated);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(message(store.error()).find("'description' needs both en and zh"), std::string::npos)
      << message(store.error());
}

TEST(EntryStore, ErrorsNameFileLineAndColumn) {
  auto store = load_entries("[[entry]]\nport = 70000\n", "user.toml", LoadMode::user);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().args.at(0), "user.toml:2:8");
  auto syntax = load_entries("[[entry]\n", "bad.toml", LoadMode::user);
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(message(syntax.error()).starts_with("bad.toml:1:")) << message(syntax.error());
}

TEST(EntryStore, RejectsUnknownKeysValuesAndControlCharacters) {
  for (const char* bad : {
           "[[entry]]\nport = 1\ndescripton = { en = \"typo\" }\n",
           "[[entry]]\nport = 1\nrisk = \"extreme\"\n",
           "[[entry]]\nport = 1\ntags = [\"nonsense\"]\n",
           "[[entry]]\nport = 1\nproto = [\"icmp\"]\n",
           "[[entry]]\nport = 1\nproto = [\"tcp\", \"tcp\"]\n",
           "[[entry]]\nport = 1\nrange = [1, 2]\n",
           "[[entry]]\nrange = [9, 2]\n",
           "[[entry]]\nport = 1.5\n",
           "[[entry]]\nport = 1\ntitle = { en = \"a\\u001b[31m\" }\n",
           "[[entry]]\nport = 1\ntitle = { fr = \"bonjour\" }\n",
           "[[entry]]\nport = 1\nmalware = [{ aka = [\"x\"] }]\n",
           "entry = 5\n",
           "[[entry]]\n",
       }) {
    EXPECT_FALSE(load_entries(bad, "u.toml", LoadMode::user).ok()) << bad;
  }
}

TEST(EntryStore, UserModeNeedsOnlyThePort) {
  auto store = load_entries("[[entry]]\nport = 8080\nrisk = \"low\"\n", "u.toml", LoadMode::user);
  ASSERT_TRUE(store.ok()) << message(store.error());
  const PortEntry& entry = (*store)->entries.at(0);
  EXPECT_EQ(entry.protocols, bit(Protocol::tcp) | bit(Protocol::udp));
  EXPECT_TRUE(entry.has_risk);
  EXPECT_TRUE(entry.title.empty());
  auto no_risk = load_entries("[[entry]]\nport = 8080\n", "u.toml", LoadMode::user);
  ASSERT_TRUE(no_risk.ok());
  EXPECT_FALSE((*no_risk)->entries.at(0).has_risk);
}

TEST(EntryStore, RejectsOverlapsAndNamesBothLines) {
  auto store = load_entries(
      "[[entry]]\nrange = [6000, 6063]\nproto = [\"tcp\"]\n"
      "[[entry]]\nport = 6010\nproto = [\"udp\", \"tcp\"]\n",
      "u.toml", LoadMode::user);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().args, (std::vector<std::string>{"u.toml", "1", "4"}));
  auto different_protocols = load_entries(
      "[[entry]]\nport = 514\nproto = [\"tcp\"]\n[[entry]]\nport = 514\nproto = [\"udp\"]\n",
      "u.toml", LoadMode::user);
  EXPECT_TRUE(different_protocols.ok());
}

TEST(EntryStore, LatinGreekAndCyrillicSurviveTheTomlWorkaround) {
  // These code points trip undefined behaviour in toml++ 3.3.0; see entry_store.cc.
  auto store = load_entries("[[entry]]\nport = 1\nadvice = { en = \"Café é ñ Ω Ж ¡\", zh = \"端口。﹏\" }\n",
                            "u.toml", LoadMode::user);
  ASSERT_TRUE(store.ok()) << message(store.error());
  EXPECT_EQ((*store)->entries.at(0).advice.en, "Café é ñ Ω Ж ¡");
  EXPECT_EQ((*store)->entries.at(0).advice.zh, "端口。﹏");
  auto bare = load_entries("[[entry]]\nport = 1 Ж\n", "u.toml", LoadMode::user);
  EXPECT_FALSE(bare.ok());
  auto reserved = load_entries("# \U000F00A1\n", "u.toml", LoadMode::user);
  EXPECT_FALSE(reserved.ok());
}

TEST(EntryStore, ReadsSources) {
  auto store = load_entries("[[source]]\nid = \"x\"\ntitle = \"X docs\"\nurl = \"https://x\"\n",
                            "s.toml", LoadMode::curated);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->sources.at(0).title, "X docs");
}

TEST(FindOverlap, FindsOverlapHiddenBehindALongRange) {
  PortEntry wide{{100, 200}, bit(Protocol::tcp)};
  PortEntry small{{110, 110}, bit(Protocol::udp)};
  PortEntry inside{{150, 150}, bit(Protocol::tcp)};
  auto overlap = find_overlap({&small, &inside, &wide});
  ASSERT_TRUE(overlap.has_value());
  EXPECT_EQ(overlap->first, &wide);
  EXPECT_EQ(overlap->second, &inside);
  EXPECT_FALSE(find_overlap({&wide, &small}).has_value());
}

}  // namespace
}  // namespace portlens
