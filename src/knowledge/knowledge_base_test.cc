#include "knowledge/knowledge_base.h"

#include <gtest/gtest.h>

namespace portlens {
namespace {

TEST(KnowledgeBaseLookup, DescribeMergesCuratedAndIana) {
  KnowledgeBase base;
  PortAnswer ssh = base.describe(22, kAnyProtocol);
  ASSERT_TRUE(ssh.has_entry);
  EXPECT_EQ(ssh.entry.service, "ssh");
  bool iana = false;
  for (const NameFact& name : ssh.names) iana |= name.origin == Origin::iana && name.name == "ssh";
  EXPECT_TRUE(iana);
  EXPECT_EQ(port_class(22), PortClass::well_known);
  EXPECT_EQ(port_class(1024), PortClass::registered);
  EXPECT_EQ(port_class(49152), PortClass::dynamic);
}

TEST(KnowledgeBaseLookup, QuickNoteAgreesWithDescribe) {
  KnowledgeBase base;
  for (uint16_t port : {21, 22, 80, 445, 3389, 6001, 6379, 12345, 31337, 7626}) {
    PortAnswer answer = base.describe(port, bit(Protocol::tcp));
    auto note = base.quick_note(port, Protocol::tcp);
    ASSERT_TRUE(answer.has_entry) << port;
    EXPECT_EQ(note.service, answer.entry.service) << port;
    EXPECT_EQ(note.risk, answer.entry.risk) << port;
  }
  auto unknown_entry = base.quick_note(3, Protocol::udp);  // IANA only
  EXPECT_EQ(unknown_entry.service, "compressnet");
  EXPECT_FALSE(unknown_entry.has_risk);
}

TEST(KnowledgeBaseLookup, UserEntriesOverrideQuickNotes) {
  ExtraKnowledge extra;
  auto store = load_entries("[[entry]]\nport = 6379\nproto = [\"tcp\"]\nrisk = \"low\"\n", "u.toml", LoadMode::user);
  ASSERT_TRUE(store.ok());
  extra.user_entries = std::move(*store);
  KnowledgeBase base(std::move(extra));
  auto note = base.quick_note(6379, Protocol::tcp);
  EXPECT_EQ(note.risk, Risk::low);
  EXPECT_EQ(note.service, "redis");
}

TEST(KnowledgeBaseLookup, QuickNoteFallsBackToSystemThenNmapNames) {
  ExtraKnowledge extra;
  extra.nmap_services = parse_services_file("made-up\t40001/tcp\t0.0001\n").services;
  extra.system_services = parse_services_file("ours 40002/tcp\n").services;
  KnowledgeBase base(std::move(extra));
  EXPECT_EQ(base.quick_note(40001, Protocol::tcp).service, "made-up");
  EXPECT_EQ(base.quick_note(40002, Protocol::tcp).service, "ours");
  EXPECT_EQ(base.quick_note(40001, Protocol::udp).service, "");
}

TEST(KnowledgeBaseLookup, SearchRanksServiceMatchesFirst) {
  KnowledgeBase base;
  auto answers = base.search("redis");
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers[0].entry.service, "redis");
  EXPECT_TRUE(base.search("").empty());
}

}  // namespace
}  // namespace portlens
