// The knowledge base compiled into the binary: complete, bilingual, sourced,
// without overlaps, covering every port and malware name of the classic
// table, and carrying the corrections to that table's known errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "knowledge/embedded.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/tags.h"
#include "knowledge/top_ports.h"
#include "util/text.h"

namespace portlens {
namespace {

const PortEntry* entry_for(uint16_t port, Protocol protocol = Protocol::tcp) {
  for (const PortEntry& entry : curated_entries()) {
    if (entry.ports.contains(port) && contains(entry.protocols, protocol)) return &entry;
  }
  return nullptr;
}

TEST(KnowledgeBase, HasAtLeast250Entries) { EXPECT_GE(curated_entries().size(), 250u); }

TEST(KnowledgeBase, EveryEntryIsBilingualAndSourced) {
  std::set<std::string_view> source_ids;
  for (const SourceRef& source : curated_sources()) source_ids.insert(source.id);
  for (const PortEntry& entry : curated_entries()) {
    SCOPED_TRACE(entry.ports.first);
    for (const LocalizedText* text : {&entry.title, &entry.description, &entry.advice}) {
      EXPECT_FALSE(trim(text->en).empty());
      EXPECT_FALSE(trim(text->zh).empty());
    }
    // Titles may be a product name in both languages ("OpenVPN"); prose may not.
    EXPECT_NE(entry.description.en, entry.description.zh);
    EXPECT_NE(entry.advice.en, entry.advice.zh);
    EXPECT_FALSE(entry.service.empty());
    EXPECT_NE(entry.protocols, 0);
    EXPECT_TRUE(entry.has_risk);
    EXPECT_LE(static_cast<int>(entry.risk), static_cast<int>(Risk::critical));
    ASSERT_FALSE(entry.source_ids.empty());
    for (std::string_view id : entry.source_ids) EXPECT_TRUE(source_ids.contains(id)) << id;
    for (std::string_view tag : entry.tags) EXPECT_NE(find_tag(tag), nullptr) << tag;
    if (!entry.seed_note.empty()) {
      EXPECT_FALSE(entry.seed_note.en.empty());
      EXPECT_FALSE(entry.seed_note.zh.empty());
    }
  }
}

TEST(KnowledgeBase, SortedAndWithoutOverlaps) {
  std::vector<const PortEntry*> pointers;
  uint16_t previous = 0;
  for (const PortEntry& entry : curated_entries()) {
    EXPECT_GE(entry.ports.first, previous);
    previous = entry.ports.first;
    pointers.push_back(&entry);
  }
  EXPECT_FALSE(find_overlap(pointers).has_value());
}

// Every port of the classic table (../shared/seed/port-table.zh.txt) with
// every malware name it gives there, spelled as it spells them.
const std::map<uint16_t, std::vector<std::string_view>> kSeedPorts = {
    {0, {}}, {1, {}}, {7, {}}, {19, {}},
    {21, {"Doly Trojan", "Fore", "Invisible FTP", "WebEx", "WinCrash", "Blade Runner"}},
    {22, {}}, {23, {"TIny Telnet Server"}},
    {25, {"AnTIgen", "Email Password Sender", "Haebu Coceda", "Shtrilitz Stealth", "WinPC", "WinSpy"}},
    {31, {"Master Paradise", "Hackers Paradise"}}, {42, {}}, {53, {}}, {67, {}}, {69, {}}, {79, {}},
    {80, {"Executor"}}, {99, {"ncx99"}}, {102, {}}, {109, {}}, {110, {}}, {113, {}}, {119, {}},
    {135, {}}, {137, {}}, {138, {}}, {139, {}}, {143, {"admv0rm"}}, {161, {}}, {177, {}},
    {389, {}}, {443, {}}, {456, {"HACKERS PARADISE"}}, {513, {}}, {544, {}}, {548, {}}, {553, {}},
    {555, {"PhAse1.0", "Stealth Spy", "IniKiller"}}, {568, {}}, {569, {}}, {635, {}}, {636, {}},
    {666, {"Attack FTP", "Satanz Backdoor"}}, {993, {}}, {1001, {"Silencer", "WebEx"}},
    {1011, {"Doly Trojan"}}, {1024, {}}, {1025, {"netspy"}}, {1033, {"netspy"}}, {1080, {}},
    {1170, {"Streaming Audio Trojan", "Psyber Stream Server", "Voice"}},
    {1234, {"SubSeven2.0", "Ultors Trojan"}}, {1243, {"SubSeven1.0/1.9"}}, {1245, {"Vodoo"}},
    {1433, {}}, {1492, {"FTP99CMP"}}, {1500, {}}, {1503, {}}, {1524, {}},
    {6711, {"SubSeven1.0/1.9"}}, {6776, {"SubSeven2.0", "Ultors Trojan", "SubSeven1.0/1.9"}},
};

bool names_malware(const PortEntry& entry, std::string_view seed_name) {
  std::string wanted = fold_name(seed_name);
  for (const MalwareName& malware : entry.malware) {
    if (fold_name(malware.name) == wanted) return true;
    for (std::string_view aka : malware.aka) {
      if (fold_name(aka) == wanted) return true;
    }
  }
  return false;
}

TEST(KnowledgeBase, CoversEverySeedPortWithAllItsMalwareNames) {
  for (const auto& [port, names] : kSeedPorts) {
    SCOPED_TRACE(port);
    const PortEntry* entry = entry_for(port);
    if (entry == nullptr) entry = entry_for(port, Protocol::udp);
    ASSERT_NE(entry, nullptr);
    for (std::string_view name : names) EXPECT_TRUE(names_malware(*entry, name)) << name;
  }
}

TEST(KnowledgeBase, CorrectsTheSeedsKnownErrors) {
  struct Correction {
    uint16_t port;
    Protocol protocol;
    std::string_view service;
  };
  for (const Correction& fix : {Correction{109, Protocol::tcp, "pop2"}, {110, Protocol::tcp, "pop3"},
                                {553, Protocol::tcp, "pirp"}, {635, Protocol::tcp, "rlzdbase"},
                                {456, Protocol::tcp, "macon-tcp"}, {544, Protocol::tcp, "kshell"},
                                {568, Protocol::tcp, "ms-shuttle"}, {569, Protocol::tcp, "ms-rome"}}) {
    SCOPED_TRACE(fix.port);
    const PortEntry* entry = entry_for(fix.port, fix.protocol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->service, fix.service);
    EXPECT_FALSE(entry->seed_note.empty()) << "the old table's claim must be noted";
  }
  for (uint16_t port : {1025, 1033}) EXPECT_FALSE(entry_for(port)->seed_note.empty()) << port;
  EXPECT_NE(entry_for(1025)->seed_note.en.find("dynamic"), std::string_view::npos);
  EXPECT_NE(entry_for(1033)->seed_note.en.find("onfirm"), std::string_view::npos);
  EXPECT_NE(entry_for(111)->service.find("sunrpc"), std::string_view::npos);
}

TEST(KnowledgeBase, CoversClassicTrojansAndServicesDangerousToday) {
  struct Expect {
    uint16_t port;
    std::string_view malware_or_service;
  };
  KnowledgeBase base;
  for (const Expect& expect : {Expect{12345, "NetBus"}, {31337, "Back Orifice"}, {54320, "BO2K"},
                               {27374, "Sub7"}, {2140, "Deep Throat"}, {7626, "冰河"},
                               {30100, "NetSphere"}, {21544, "GirlFriend"}}) {
    auto answers = base.find_malware(expect.malware_or_service);
    bool found = std::any_of(answers.begin(), answers.end(), [&](const PortAnswer& answer) {
      return answer.ports.contains(expect.port);
    });
    EXPECT_TRUE(found) << expect.malware_or_service << " on " << expect.port;
  }
  for (uint16_t port : {3389, 5900, 445, 135, 161, 23, 21, 69, 512, 513, 514, 6000, 3306, 5432, 1433,
                        1521, 27017, 6379, 9200, 9042, 5984, 11211, 8086, 5672, 1883, 9092, 2375,
                        2376, 6443, 10250, 2379, 8888, 9100, 9090, 502, 102, 20000, 47808, 1900,
                        5683, 5632, 8080}) {
    const PortEntry* entry = entry_for(port);
    if (entry == nullptr) entry = entry_for(port, Protocol::udp);
    ASSERT_NE(entry, nullptr) << port;
    EXPECT_GE(entry->risk, Risk::medium) << port;
  }
}

TEST(KnowledgeBase, EveryIanaNameIsAnswerable) {
  auto iana = iana_services();
  ASSERT_GT(iana.size(), 5000u);
  KnowledgeBase base;
  for (std::string_view name : {"ms-sql-s", "ftp", "x11", "kerberos", "ms-wbt-server"}) {
    EXPECT_FALSE(base.find_service(name).empty()) << name;
  }
  for (size_t i = 1; i < iana.size(); ++i) EXPECT_LE(iana[i - 1].port, iana[i].port);
}

// The --top-ports head names services portlens can explain: a ranked port
// that neither the curated table nor IANA knows on TCP is most likely a typo.
TEST(KnowledgeBase, TopPortsHeadNamesKnownTcpServices) {
  KnowledgeBase base;
  auto head = top_tcp_head();
  EXPECT_GE(head.size(), 150u);
  EXPECT_LE(head.size(), 300u);
  for (uint16_t port : head) {
    PortAnswer answer = base.describe(port, bit(Protocol::tcp));
    bool iana = std::any_of(answer.names.begin(), answer.names.end(),
                            [](const NameFact& name) { return name.origin == Origin::iana; });
    EXPECT_TRUE(answer.has_entry || iana) << port;
  }
}

TEST(KnowledgeBase, TopPortsPutEverydayServicesFirst) {
  std::vector<uint16_t> top = top_tcp_ports(300);
  auto rank = [&](uint16_t port) {
    return static_cast<size_t>(std::find(top.begin(), top.end(), port) - top.begin());
  };
  for (uint16_t port : {80, 443, 22, 21, 25, 3389, 445}) EXPECT_LT(rank(port), 12u) << port;
  for (uint16_t port : {3306, 5432, 1433, 6379, 27017, 5900, 8080, 8443, 53, 139, 135}) {
    EXPECT_LT(rank(port), 150u) << port;
  }
}

}  // namespace
}  // namespace portlens
