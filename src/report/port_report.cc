#include "report/port_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "i18n/catalog.h"
#include "knowledge/tags.h"
#include "report/csv.h"
#include "report/sanitize.h"
#include "report/table.h"

namespace portlens {

namespace {

std::string port_label(const PortAnswer& answer) {
  std::string ports = answer.ports.first == answer.ports.last
                          ? fmt::format("{}", answer.ports.first)
                          : fmt::format("{}-{}", answer.ports.first, answer.ports.last);
  std::string protocols = protocol_set_name(answer.protocols);
  return protocols.empty() ? ports : ports + "/" + protocols;
}

std::string_view origin_label(Origin origin, Language language) {
  switch (origin) {
    case Origin::curated: return translate(N_("portlens knowledge base"), language);
    case Origin::iana: return translate(N_("IANA registry"), language);
    case Origin::system_file: return "/etc/services";
    case Origin::nmap_file: return "nmap-services";
    case Origin::user_file: return translate(N_("your ports.toml"), language);
  }
  return "?";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string malware_text(const PortEntry& entry) {
  std::vector<std::string> names;
  for (const MalwareName& malware : entry.malware) {
    std::string name(malware.name);
    if (!malware.aka.empty()) {
      std::vector<std::string> aka(malware.aka.begin(), malware.aka.end());
      name += " (" + join(aka, ", ") + ")";
    }
    names.push_back(std::move(name));
  }
  return join(names, "; ");
}

std::string names_text(const PortAnswer& answer, Language language) {
  std::vector<std::string> names;
  for (const NameFact& fact : answer.names) {
    std::string text = fmt::format("{} [{}", fact.name, protocol_set_name(fact.protocols));
    text += fmt::format("; {}", origin_label(fact.origin, language));
    if (!fact.description.empty()) text += fmt::format(": {}", fact.description);
    names.push_back(text + "]");
  }
  return join(names, "\n");
}

std::string tags_text(const PortEntry& entry, Language language) {
  std::vector<std::string> labels;
  for (std::string_view tag : entry.tags) {
    const TagInfo* info = find_tag(tag);
    labels.emplace_back(info ? info->label.in(language) : tag);
  }
  return join(labels, language == Language::zh ? "、" : ", ");
}

std::string sources_text(const KnowledgeBase& base, const PortEntry& entry) {
  std::vector<std::string> titles;
  for (std::string_view id : entry.source_ids) {
    const SourceRef* source = base.source(id);
    titles.emplace_back(source ? source->title : id);
  }
  return join(titles, "\n");
}

/// "risk, advice: your ports.toml; the rest: portlens knowledge base".
std::string provenance_text(const PortAnswer& answer, Language language) {
  const auto& o = answer.origins;
  std::vector<std::pair<std::string_view, Origin>> fields = {
      {translate(N_("service"), language), o.service}, {translate(N_("risk"), language), o.risk},
      {translate(N_("title"), language), o.title},
      {translate(N_("description"), language), o.description},
      {translate(N_("advice"), language), o.advice}, {translate(N_("malware"), language), o.malware},
      {translate(N_("tags"), language), o.tags}};
  std::vector<std::string> parts;
  for (Origin origin : {Origin::user_file, Origin::curated}) {
    std::vector<std::string> names;
    for (const auto& [name, field_origin] : fields) {
      if (field_origin == origin) names.emplace_back(name);
    }
    if (!names.empty()) {
      parts.push_back(fmt::format("{}: {}", join(names, ", "), origin_label(origin, language)));
    }
  }
  return join(parts, "; ");
}

class CardWriter {
 public:
  CardWriter(const ReportOptions& options) : options_(options) {}

  void field(std::string_view label, const std::string& text) {
    if (text.empty()) return;
    const int label_width = 16;
    int text_width = std::max(options_.width - label_width - 2, 24);
    std::string safe = terminal_safe(text, /*keep_newlines=*/true);
    bool first = true;
    for (const std::string& line : wrap_text(safe, text_width)) {
      std::string left = first ? std::string(label) : std::string();
      int pad = label_width - visible_width(left);
      out_ += "  " + options_.style.dim(left) + std::string(static_cast<size_t>(std::max(pad, 1)), ' ') +
              line + "\n";
      first = false;
    }
  }
  void line(const std::string& text) { out_ += text + "\n"; }
  std::string take() { return std::move(out_); }

 private:
  const ReportOptions& options_;
  std::string out_;
};

std::string risk_badge(const PortEntry& entry, const ReportOptions& options) {
  if (!entry.has_risk) return {};
  std::string_view colon = options.language == Language::zh ? "：" : ": ";
  std::string label = fmt::format("{}{}{}", translate(N_("risk"), options.language), colon,
                                  risk_label(entry.risk, options.language));
  return options.style.risk(entry.risk, label);
}

void render_card(const KnowledgeBase& base, const PortAnswer& answer, const ReportOptions& options,
                 CardWriter& card) {
  Language language = options.language;
  const PortEntry& entry = answer.entry;
  auto tr = [&](const char* msgid) { return translate(msgid, language); };
  if (answer.has_entry) {
    std::string head = fmt::format("{}  {}  {}", options.style.bold(port_label(answer)),
                                   terminal_safe(entry.service), terminal_safe(entry.title.in(language)));
    std::string badge = risk_badge(entry, options);
    card.line(badge.empty() ? head : head + "   " + badge);
    if (answer.ports.first == answer.ports.last && entry.ports.first != entry.ports.last) {
      card.field(tr(N_("Block:")), fmt::format("{}-{}", entry.ports.first, entry.ports.last));
    }
    card.field(tr(N_("What it is:")), std::string(entry.description.in(language)));
    if (!entry.malware.empty()) {
      card.field(tr(N_("Known malware:")), malware_text(entry));
      card.field("", std::string(tr(N_("A port number is a hint, not proof: check which program "
                                        "owns the port before concluding anything."))));
    }
    card.field(tr(N_("Advice:")), std::string(entry.advice.in(language)));
    card.field(tr(N_("Old table:")), std::string(entry.seed_note.in(language)));
    card.field(tr(N_("Tags:")), tags_text(entry, language));
  } else {
    std::string service = answer.names.empty() ? std::string(tr(N_("(no entry)")))
                                               : terminal_safe(answer.names.front().name);
    card.line(fmt::format("{}  {}", options.style.bold(port_label(answer)), service));
    card.line("  " + std::string(tr(N_("No known risk notes for this port."))));
  }
  PortClass port_class_value = port_class(answer.ports.first);
  static constexpr const char* kClassText[] = {
      N_("well-known port (0-1023): assigned to system services"),
      N_("registered port (1024-49151): assigned to applications by IANA"),
      N_("dynamic port (49152-65535): used for short-lived client connections")};
  card.field(tr(N_("Port range:")), std::string(tr(kClassText[static_cast<int>(port_class_value)])));
  card.field(tr(N_("Names:")), names_text(answer, language));
  if (answer.has_entry) {
    card.field(tr(N_("Sources:")), sources_text(base, entry));
    card.field(tr(N_("Provenance:")), provenance_text(answer, language));
  }
}

}  // namespace

std::string render_cards(const KnowledgeBase& base, const std::vector<PortAnswer>& answers,
                         const ReportOptions& options) {
  CardWriter card(options);
  for (size_t i = 0; i < answers.size(); ++i) {
    if (i > 0) card.line("");
    render_card(base, answers[i], options, card);
  }
  return card.take();
}

std::string render_port_table(const std::vector<PortAnswer>& answers, const ReportOptions& options) {
  Language language = options.language;
  TextTable table({std::string(translate(N_("PORT"), language)),
                   std::string(translate(N_("SERVICE"), language)),
                   std::string(translate(N_("RISK"), language)),
                   std::string(translate(N_("TITLE"), language))});
  for (const PortAnswer& answer : answers) {
    const PortEntry& entry = answer.entry;
    std::string risk = answer.has_entry && entry.has_risk
                           ? options.style.risk(entry.risk, std::string(risk_label(entry.risk, language)))
                           : "-";
    std::string service = answer.has_entry ? terminal_safe(entry.service)
                          : answer.names.empty() ? "-"
                                                 : terminal_safe(answer.names.front().name);
    std::string title = answer.has_entry ? terminal_safe(entry.title.in(language))
                        : answer.names.empty() ? ""
                                               : terminal_safe(answer.names.front().description);
    table.add_row({port_label(answer), service, risk, title});
  }
  return table.render(options.width);
}

namespace {

nlohmann::ordered_json localized_json(const LocalizedText& text) {
  return {{"en", text.en}, {"zh", text.zh}};
}

nlohmann::ordered_json answer_json(const KnowledgeBase& base, const PortAnswer& answer) {
  const PortEntry& entry = answer.entry;
  nlohmann::ordered_json protocols = nlohmann::ordered_json::array();
  for (Protocol protocol : kProtocols) {
    if (contains(answer.protocols, protocol)) protocols.push_back(protocol_name(protocol));
  }
  nlohmann::ordered_json out = {
      {"port", answer.ports.first},
      {"port_end", answer.ports.last},
      {"proto", protocols},
      {"known", answer.has_entry},
      {"port_class", port_class_name(port_class(answer.ports.first))},
  };
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (const NameFact& fact : answer.names) {
    nlohmann::ordered_json name_protocols = nlohmann::ordered_json::array();
    for (Protocol protocol : kProtocols) {
      if (contains(fact.protocols, protocol)) name_protocols.push_back(protocol_name(protocol));
    }
    names.push_back({{"port", fact.port}, {"name", fact.name}, {"proto", name_protocols},
                     {"description", fact.description}, {"origin", origin_name(fact.origin)}});
  }
  out["names"] = names;
  if (!answer.has_entry) {
    out["service"] = answer.names.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(answer.names.front().name);
    out["risk"] = nullptr;
    return out;
  }
  out["service"] = entry.service;
  out["risk"] = entry.has_risk ? nlohmann::ordered_json(risk_name(entry.risk)) : nlohmann::ordered_json(nullptr);
  out["entry_ports"] = {entry.ports.first, entry.ports.last};
  out["title"] = localized_json(entry.title);
  out["description"] = localized_json(entry.description);
  out["advice"] = localized_json(entry.advice);
  out["seed_note"] = entry.seed_note.empty() ? nlohmann::ordered_json(nullptr) : localized_json(entry.seed_note);
  out["tags"] = nlohmann::ordered_json(std::vector<std::string_view>(entry.tags.begin(), entry.tags.end()));
  nlohmann::ordered_json malware = nlohmann::ordered_json::array();
  for (const MalwareName& name : entry.malware) {
    malware.push_back({{"name", name.name},
                       {"aka", std::vector<std::string_view>(name.aka.begin(), name.aka.end())}});
  }
  out["malware"] = malware;
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (std::string_view id : entry.source_ids) {
    const SourceRef* source = base.source(id);
    sources.push_back({{"id", id},
                       {"title", source ? source->title : std::string_view()},
                       {"url", source ? source->url : std::string_view()}});
  }
  out["sources"] = sources;
  const auto& o = answer.origins;
  out["provenance"] = {{"service", origin_name(o.service)}, {"risk", origin_name(o.risk)},
                       {"title", origin_name(o.title)}, {"description", origin_name(o.description)},
                       {"advice", origin_name(o.advice)}, {"malware", origin_name(o.malware)},
                       {"tags", origin_name(o.tags)}};
  return out;
}

}  // namespace

std::string render_port_json(const KnowledgeBase& base, const std::vector<PortAnswer>& answers) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const PortAnswer& answer : answers) entries.push_back(answer_json(base, answer));
  nlohmann::ordered_json document = {{"entries", entries}};
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_port_ndjson(const KnowledgeBase& base, const std::vector<PortAnswer>& answers) {
  std::string out;
  for (const PortAnswer& answer : answers) {
    out += answer_json(base, answer).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  return out;
}

std::string render_port_csv(const std::vector<PortAnswer>& answers, Language language) {
  std::string out = csv_row({"port", "port_end", "proto", "service", "risk", "title", "malware", "tags"});
  for (const PortAnswer& answer : answers) {
    const PortEntry& entry = answer.entry;
    std::vector<std::string> malware, tags;
    for (const MalwareName& name : entry.malware) malware.emplace_back(name.name);
    for (std::string_view tag : entry.tags) tags.emplace_back(tag);
    std::string service = answer.has_entry        ? std::string(entry.service)
                          : answer.names.empty() ? std::string()
                                                 : std::string(answer.names.front().name);
    out += csv_row({std::to_string(answer.ports.first), std::to_string(answer.ports.last),
                    protocol_set_name(answer.protocols, ' '), service,
                    answer.has_entry && entry.has_risk ? std::string(risk_name(entry.risk)) : "",
                    answer.has_entry ? std::string(entry.title.in(language)) : "",
                    join(malware, ";"), join(tags, ";")});
  }
  return out;
}

}  // namespace portlens
