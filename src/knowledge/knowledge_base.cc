#include "knowledge/knowledge_base.h"

#include <algorithm>

#include "knowledge/tags.h"
#include "util/text.h"

namespace portlens {

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::curated: return "curated";
    case Origin::iana: return "iana";
    case Origin::system_file: return "system";
    case Origin::nmap_file: return "nmap";
    case Origin::user_file: return "user";
  }
  return "?";
}

PortClass port_class(uint16_t port) {
  if (port < 1024) return PortClass::well_known;
  if (port < 49152) return PortClass::registered;
  return PortClass::dynamic;
}

std::string_view port_class_name(PortClass port_class) {
  switch (port_class) {
    case PortClass::well_known: return "well-known";
    case PortClass::registered: return "registered";
    case PortClass::dynamic: return "dynamic";
  }
  return "?";
}

namespace {

bool covers(const PortEntry& entry, uint16_t port, ProtocolSet protocols) {
  return entry.ports.contains(port) &&
         (protocols == kAnyProtocol || (entry.protocols & protocols) != 0);
}

bool overlaps(const PortEntry& a, const PortEntry& b) {
  return a.ports.first <= b.ports.last && b.ports.first <= a.ports.last &&
         (a.protocols & b.protocols) != 0;
}

/// Lays the fields a user entry sets over the curated ones.
void overlay(PortAnswer& answer, const PortEntry& user) {
  PortEntry& merged = answer.entry;
  auto& origins = answer.origins;
  if (!user.service.empty()) merged.service = user.service, origins.service = Origin::user_file;
  if (user.has_risk) {
    merged.risk = user.risk, merged.has_risk = true, origins.risk = Origin::user_file;
  }
  if (!user.title.empty()) merged.title = user.title, origins.title = Origin::user_file;
  if (!user.description.empty()) {
    merged.description = user.description, origins.description = Origin::user_file;
  }
  if (!user.advice.empty()) merged.advice = user.advice, origins.advice = Origin::user_file;
  if (!user.malware.empty()) merged.malware = user.malware, origins.malware = Origin::user_file;
  if (!user.tags.empty()) merged.tags = user.tags, origins.tags = Origin::user_file;
}

/// True when the first words of `name` fold to `wanted`: "NetBus Pro" and
/// "NetBus 2 Pro" start with the words "netbus", "FTP99CMP" and "Attack FTP"
/// do not start with the words "ftp".
bool starts_with_words(std::string_view name, std::string_view wanted) {
  for (size_t end = 1; end < name.size(); ++end) {
    char c = name[end];
    bool separator = c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '(';
    if (separator && fold_name(name.substr(0, end)) == wanted) return true;
  }
  return false;
}

bool contains_folded(std::string_view haystack, std::string_view lowered_needle) {
  return ascii_lower(haystack).find(lowered_needle) != std::string::npos;
}

}  // namespace

KnowledgeBase::KnowledgeBase(ExtraKnowledge extra) : extra_(std::move(extra)) {}

size_t KnowledgeBase::curated_count() const { return curated_entries().size(); }

size_t KnowledgeBase::user_count() const {
  return extra_.user_entries ? extra_.user_entries->entries.size() : 0;
}

const SourceRef* KnowledgeBase::source(std::string_view id) const {
  for (const SourceRef& source : curated_sources()) {
    if (source.id == id) return &source;
  }
  return nullptr;
}

PortAnswer KnowledgeBase::answer_for_entry(const PortEntry* curated, const PortEntry* user) const {
  PortAnswer answer;
  const PortEntry& base = curated != nullptr ? *curated : *user;
  answer.ports = base.ports;
  answer.protocols = base.protocols;
  answer.has_entry = true;
  if (curated != nullptr) {
    answer.entry = *curated;
  } else {
    answer.origins = {Origin::user_file, Origin::user_file, Origin::user_file, Origin::user_file,
                      Origin::user_file, Origin::user_file, Origin::user_file};
    answer.entry = *user;
  }
  if (curated != nullptr && user != nullptr) overlay(answer, *user);
  return answer;
}

void KnowledgeBase::add_names(PortAnswer& answer) const {
  auto wanted = [&](uint16_t port, ProtocolSet protocols) {
    return answer.ports.contains(port) && (answer.protocols == kAnyProtocol ||
                                           (answer.protocols & protocols) != 0);
  };
  auto iana = iana_services();
  auto first = std::lower_bound(iana.begin(), iana.end(), answer.ports.first,
                                [](const IanaService& s, uint16_t port) { return s.port < port; });
  for (auto it = first; it != iana.end() && it->port <= answer.ports.last; ++it) {
    if (wanted(it->port, it->protocols)) {
      answer.names.push_back({it->port, it->name, it->protocols, it->description, Origin::iana});
    }
  }
  for (auto [list, origin] : {std::pair{&extra_.system_services, Origin::system_file},
                              {&extra_.nmap_services, Origin::nmap_file}}) {
    for (const ServiceName& service : *list) {
      bool in_block = service.port <= answer.ports.last && service.last_port >= answer.ports.first;
      if (in_block && wanted(std::max(service.port, answer.ports.first), service.protocols)) {
        answer.names.push_back({service.port, service.name, service.protocols, service.comment, origin});
      }
    }
  }
}

PortAnswer KnowledgeBase::describe(uint16_t port, ProtocolSet protocols) const {
  const PortEntry* curated = nullptr;
  for (const PortEntry& entry : curated_entries()) {
    if (covers(entry, port, protocols)) {
      curated = &entry;
      break;
    }
  }
  const PortEntry* user = nullptr;
  if (extra_.user_entries) {
    for (const PortEntry& entry : extra_.user_entries->entries) {
      if (covers(entry, port, protocols)) user = &entry;
    }
  }
  PortAnswer answer;
  if (curated != nullptr || user != nullptr) answer = answer_for_entry(curated, user);
  answer.ports = {port, port};
  answer.protocols = protocols;
  add_names(answer);
  if (protocols == kAnyProtocol) {
    // Speak for the entry's protocols, or for every protocol a name is known on.
    if (answer.has_entry) {
      answer.protocols = answer.entry.protocols;
    } else {
      for (const NameFact& name : answer.names) answer.protocols |= name.protocols;
    }
  }
  return answer;
}

std::vector<PortAnswer> KnowledgeBase::describe_range(PortRange ports, ProtocolSet protocols,
                                                      bool known_only) const {
  std::vector<PortAnswer> answers;
  for (uint32_t port = ports.first; port <= ports.last; ++port) {
    PortAnswer answer = describe(static_cast<uint16_t>(port), protocols);
    if (known_only && !answer.has_entry && answer.names.empty()) continue;
    answers.push_back(std::move(answer));
  }
  return answers;
}

std::vector<PortAnswer> KnowledgeBase::all_entries() const {
  std::vector<PortAnswer> answers;
  const auto* user_entries = extra_.user_entries ? &extra_.user_entries->entries : nullptr;
  std::vector<bool> user_used(user_entries ? user_entries->size() : 0, false);
  for (const PortEntry& curated : curated_entries()) {
    const PortEntry* user = nullptr;
    for (size_t i = 0; user_entries && i < user_entries->size(); ++i) {
      const PortEntry& candidate = (*user_entries)[i];
      if (candidate.ports == curated.ports && overlaps(candidate, curated)) {
        user = &candidate;
        user_used[i] = true;
      }
    }
    answers.push_back(answer_for_entry(&curated, user));
  }
  for (size_t i = 0; i < user_used.size(); ++i) {
    if (user_used[i]) continue;
    // A user entry for one port of a curated block (6001 in X11's 6000-6063)
    // inherits the block's facts and overrides them for its own ports.
    const PortEntry& user = (*user_entries)[i];
    const PortEntry* block = nullptr;
    for (const PortEntry& curated : curated_entries()) {
      if (overlaps(curated, user)) block = &curated;
    }
    PortAnswer answer = answer_for_entry(block, &user);
    answer.ports = user.ports;
    answer.protocols = user.protocols;
    answers.push_back(std::move(answer));
  }
  std::stable_sort(answers.begin(), answers.end(), [](const PortAnswer& a, const PortAnswer& b) {
    return a.ports.first < b.ports.first;
  });
  return answers;
}

std::vector<PortAnswer> KnowledgeBase::find_service(std::string_view name) const {
  std::string wanted = ascii_lower(trim(name));
  std::vector<uint16_t> ports;
  auto add = [&](std::string_view candidate, uint16_t port) {
    if (ascii_lower(candidate) == wanted) ports.push_back(port);
  };
  for (const PortEntry& entry : curated_entries()) add(entry.service, entry.ports.first);
  if (extra_.user_entries) {
    for (const PortEntry& entry : extra_.user_entries->entries) add(entry.service, entry.ports.first);
  }
  for (const IanaService& service : iana_services()) add(service.name, service.port);
  for (const auto* list : {&extra_.system_services, &extra_.nmap_services}) {
    for (const ServiceName& service : *list) {
      add(service.name, service.port);
      for (const std::string& alias : service.aliases) add(alias, service.port);
    }
  }
  // One answer per port, as "info PORT" would give it, so "info ftp 21" is
  // one card, not two.
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  std::vector<PortAnswer> answers;
  for (uint16_t port : ports) answers.push_back(describe(port, kAnyProtocol));
  return answers;
}

std::vector<PortAnswer> KnowledgeBase::find_malware(std::string_view name, size_t* exact_count) const {
  std::string wanted = fold_name(name);
  if (wanted.empty()) return {};
  std::vector<PortAnswer> exact, partial;
  for (PortAnswer& answer : all_entries()) {
    int best = 0;  // 2: exact, 1: partial
    for (const MalwareName& malware : answer.entry.malware) {
      auto rate = [&](std::string_view candidate) {
        if (fold_name(candidate) == wanted) best = 2;
        else if (starts_with_words(candidate, wanted)) best = std::max(best, 1);
      };
      rate(malware.name);
      for (std::string_view aka : malware.aka) rate(aka);
    }
    if (best == 2) exact.push_back(std::move(answer));
    else if (best == 1) partial.push_back(std::move(answer));
  }
  if (exact_count != nullptr) *exact_count = exact.size();
  for (PortAnswer& answer : partial) exact.push_back(std::move(answer));
  for (PortAnswer& answer : exact) add_names(answer);
  return exact;
}

std::vector<PortAnswer> KnowledgeBase::find_name(std::string_view name) const {
  std::vector<PortAnswer> best = find_service(name);
  size_t exact = 0;
  std::vector<PortAnswer> malware = find_malware(name, &exact);
  auto by_port = [](const PortAnswer& a, const PortAnswer& b) { return a.ports.first < b.ports.first; };
  auto known = [&](const PortAnswer& answer) {
    return std::any_of(best.begin(), best.end(), [&](const PortAnswer& other) {
      return other.ports.first == answer.ports.first;
    });
  };
  for (size_t i = 0; i < exact; ++i) {
    if (!known(malware[i])) best.push_back(std::move(malware[i]));
  }
  std::stable_sort(best.begin(), best.end(), by_port);
  size_t first_partial = best.size();
  for (size_t i = exact; i < malware.size(); ++i) {
    if (!known(malware[i])) best.push_back(std::move(malware[i]));
  }
  std::stable_sort(best.begin() + static_cast<std::ptrdiff_t>(first_partial), best.end(), by_port);
  return best;
}

namespace {

/// How well an entry matches every word; 0 when one word is missing.
int score_entry(const PortAnswer& answer, const std::vector<std::string>& words) {
  const PortEntry& entry = answer.entry;
  int total = 0;
  for (const std::string& word : words) {
    int best = 0;
    auto consider = [&](std::string_view field, int weight) {
      if (weight > best && contains_folded(field, word)) best = weight;
    };
    consider(entry.service, 8);
    for (const MalwareName& malware : entry.malware) {
      consider(malware.name, 6);
      for (std::string_view aka : malware.aka) consider(aka, 6);
    }
    consider(entry.title.en, 5), consider(entry.title.zh, 5);
    for (std::string_view tag : entry.tags) {
      consider(tag, 4);
      if (const TagInfo* info = find_tag(tag)) consider(info->label.en, 4), consider(info->label.zh, 4);
    }
    consider(entry.description.en, 2), consider(entry.description.zh, 2);
    consider(entry.advice.en, 1), consider(entry.advice.zh, 1);
    consider(entry.seed_note.en, 1), consider(entry.seed_note.zh, 1);
    if (best == 0) return 0;
    total += best;
  }
  return total;
}

}  // namespace

std::vector<PortAnswer> KnowledgeBase::search(std::string_view words_text) const {
  std::vector<std::string> words;
  for (std::string_view word : split_whitespace(words_text)) words.push_back(ascii_lower(word));
  if (words.empty()) return {};
  std::vector<std::pair<int, PortAnswer>> scored;
  std::vector<PortRange> covered;
  for (PortAnswer& answer : all_entries()) {
    covered.push_back(answer.ports);
    if (int score = score_entry(answer, words); score > 0) scored.emplace_back(score, std::move(answer));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PortAnswer> answers;
  for (auto& [score, answer] : scored) {
    add_names(answer);
    answers.push_back(std::move(answer));
  }
  // Then IANA's own names and descriptions, for ports no entry covers.
  uint32_t last_port = 65536;
  for (const IanaService& service : iana_services()) {
    bool all = std::all_of(words.begin(), words.end(), [&](const std::string& word) {
      return contains_folded(service.name, word) || contains_folded(service.description, word);
    });
    bool is_covered = std::any_of(covered.begin(), covered.end(),
                                  [&](PortRange range) { return range.contains(service.port); });
    if (!all || is_covered || service.port == last_port) continue;
    last_port = service.port;
    answers.push_back(describe(service.port, kAnyProtocol));
  }
  return answers;
}

std::vector<PortAnswer> KnowledgeBase::list(std::optional<Risk> minimum_risk,
                                            std::optional<std::string_view> tag) const {
  std::vector<PortAnswer> answers;
  for (PortAnswer& answer : all_entries()) {
    const PortEntry& entry = answer.entry;
    if (minimum_risk && (!entry.has_risk || entry.risk < *minimum_risk)) continue;
    if (tag && std::find(entry.tags.begin(), entry.tags.end(), *tag) == entry.tags.end()) continue;
    add_names(answer);
    answers.push_back(std::move(answer));
  }
  return answers;
}

namespace {

size_t quick_slot(uint16_t port, size_t protocol_index) { return size_t{port} * 3 + protocol_index; }

size_t protocol_index(Protocol protocol) {
  return protocol == Protocol::tcp ? 0 : protocol == Protocol::udp ? 1 : 2;
}

}  // namespace

void KnowledgeBase::build_quick_index() const {
  quick_entry_.assign(65536 * 3, 0);
  quick_name_.assign(65536 * 3, 0);
  quick_entries_ = all_entries();  // merged curated + user
  for (size_t i = 0; i < quick_entries_.size() && i < 65535; ++i) {
    const PortAnswer& answer = quick_entries_[i];
    for (uint32_t port = answer.ports.first; port <= answer.ports.last; ++port) {
      for (size_t p = 0; p < 3; ++p) {
        if (!contains(answer.protocols, kProtocols[p])) continue;
        uint16_t& slot = quick_entry_[quick_slot(static_cast<uint16_t>(port), p)];
        if (slot == 0 || answer.origins.risk == Origin::user_file) slot = static_cast<uint16_t>(i + 1);
      }
    }
  }
  auto add_name = [&](uint16_t first, uint16_t last, ProtocolSet protocols, std::string_view name) {
    if (quick_names_.size() >= 65535) return;
    quick_names_.push_back(name);
    for (uint32_t port = first; port <= last; ++port) {
      for (size_t p = 0; p < 3; ++p) {
        uint16_t& slot = quick_name_[quick_slot(static_cast<uint16_t>(port), p)];
        if (slot == 0 && contains(protocols, kProtocols[p])) slot = static_cast<uint16_t>(quick_names_.size());
      }
    }
  };
  for (const IanaService& service : iana_services()) add_name(service.port, service.port, service.protocols, service.name);
  for (const auto* list : {&extra_.system_services, &extra_.nmap_services}) {
    for (const ServiceName& service : *list) add_name(service.port, service.last_port, service.protocols, service.name);
  }
}

KnowledgeBase::QuickNote KnowledgeBase::quick_note(uint16_t port, Protocol protocol) const {
  if (quick_entry_.empty()) build_quick_index();
  size_t slot = quick_slot(port, protocol_index(protocol));
  QuickNote note;
  if (uint16_t entry = quick_entry_[slot]; entry != 0) {
    const PortEntry& merged = quick_entries_[entry - 1].entry;
    note.service = merged.service;
    note.has_risk = merged.has_risk;
    note.risk = merged.risk;
  }
  if (note.service.empty()) {
    if (uint16_t name = quick_name_[slot]; name != 0) note.service = quick_names_[name - 1];
  }
  return note;
}

}  // namespace portlens
