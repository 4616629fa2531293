#pragma once
// Renders knowledge-base answers (from `info`) as cards, tables, JSON or CSV.

#include <string>
#include <vector>

#include "i18n/language.h"
#include "knowledge/knowledge_base.h"
#include "report/style.h"

namespace portlens {

struct ReportOptions {
  Language language = Language::en;
  Style style{false};
  int width = 80;  ///< Terminal columns for wrapping.
};

/// One card per answer: title, risk, what it is, malware, advice, the old
/// table's claim, names, tags, sources and where each fact comes from.
std::string render_cards(const KnowledgeBase& base, const std::vector<PortAnswer>& answers,
                         const ReportOptions& options);

/// One line per answer: port, protocols, service, risk, title.
std::string render_port_table(const std::vector<PortAnswer>& answers, const ReportOptions& options);

/// {"entries": [...]}, the schema in docs/json.md.
std::string render_port_json(const KnowledgeBase& base, const std::vector<PortAnswer>& answers);

/// One answer object per line, the objects of render_port_json's "entries".
std::string render_port_ndjson(const KnowledgeBase& base, const std::vector<PortAnswer>& answers);

/// RFC 4180 CSV with a header row; text in the chosen language.
std::string render_port_csv(const std::vector<PortAnswer>& answers, Language language);

}  // namespace portlens
