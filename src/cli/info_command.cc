// `portlens info`: what a port is, who uses it, which malware is tied to it,
// how risky it is and what to do, from the knowledge base.

#include <algorithm>
#include <optional>

#include "cli/command.h"
#include "cli/knowledge_files.h"
#include "knowledge/tags.h"
#include "net/port_spec.h"
#include "report/port_report.h"
#include "util/text.h"

namespace portlens {

namespace {

constexpr size_t kMaxQueryLength = 200;
/// Queries print one card per answer; past this many answers, a table (-v
/// still gives cards). Listings (--search, --risk, --tag) are tables.
constexpr size_t kMostCards = 12;

class InfoCommand : public Command {
 public:
  void add_options(CLI::App& app, const Context& ctx) override {
    app.add_option("query", queries_,
                   std::string(ctx.tr(N_("ports (21, 21/udp, 137-139, 21,22,23), service names "
                                         "(ftp) or malware names (netbus, 冰河)"))));
    app.add_option("-s,--search", search_, std::string(ctx.tr(N_("full-text search in both languages"))));
    app.add_option("--risk", risk_, std::string(ctx.tr(N_("list entries at or above this risk: "
                                                          "info, low, medium, high, critical"))));
    app.add_option("--tag", tag_, std::string(ctx.tr(N_("list entries with this tag (e.g. database)"))));
    add_knowledge_file_options(app, files_, ctx);
  }

  int run(Context& ctx) override;

 private:
  Status check_query(std::string_view query) const;
  Status answer_query(const KnowledgeBase& base, std::string_view query,
                      std::vector<PortAnswer>* answers) const;
  int print(const Context& ctx, const KnowledgeBase& base, std::vector<PortAnswer> answers,
            bool as_cards) const;

  std::vector<std::string> queries_;
  std::optional<std::string> search_, risk_, tag_;
  KnowledgeFileOptions files_;
};

Status InfoCommand::check_query(std::string_view query) const {
  if (trim(query).empty()) return make_error(N_("empty query: give a port, a service or a malware name"));
  if (query.size() > kMaxQueryLength) {
    return make_error(N_("query '{}' is too long ({} bytes; the limit is {})"), query, query.size(),
                      kMaxQueryLength);
  }
  if (!is_valid_utf8(query)) return make_error(N_("query '{}' is not valid UTF-8"), query);
  for (char c : query) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return make_error(N_("query '{}' contains control characters"), query);
    }
  }
  return Ok{};
}

Status InfoCommand::answer_query(const KnowledgeBase& base, std::string_view query,
                                 std::vector<PortAnswer>* answers) const {
  if (auto status = check_query(query); !status) return status;
  query = trim(query);
  auto ports = parse_port_list(query);
  if (ports) {
    for (const PortQuery& item : *ports) {
      if (item.range.first == item.range.last) {
        answers->push_back(base.describe(item.range.first, item.protocols));
      } else {
        auto range = base.describe_range(item.range, item.protocols, /*known_only=*/true);
        answers->insert(answers->end(), range.begin(), range.end());
      }
    }
    return Ok{};
  }
  // Not a port: a service name, then a malware name. "3com-tsmux" is a name
  // that starts with a digit, so a failed port parse is reported only when
  // the word is not a name either.
  auto by_name = base.find_name(query);
  if (!by_name.empty()) {
    answers->insert(answers->end(), by_name.begin(), by_name.end());
    return Ok{};
  }
  if (looks_like_port_spec(query)) return ports.error();
  return make_error(N_("'{}' is neither a port nor a known service or malware name (try --search)"),
                    query);
}

int InfoCommand::run(Context& ctx) {
  int modes = (queries_.empty() ? 0 : 1) + (search_ ? 1 : 0) + ((risk_ || tag_) ? 1 : 0);
  if (modes == 0) {
    return ctx.fail(make_error(N_("info needs a port, a name, --search, --risk or --tag")), kExitUsage);
  }
  if (modes > 1) {
    return ctx.fail(make_error(N_("give either queries, --search, or --risk/--tag, not several")),
                    kExitUsage);
  }
  std::optional<Risk> minimum_risk;
  if (risk_) {
    minimum_risk = parse_risk(*risk_);
    if (!minimum_risk) {
      return ctx.fail(make_error(N_("unknown risk level '{}' (info, low, medium, high, critical)"), *risk_),
                      kExitUsage);
    }
  }
  if (tag_ && find_tag(*tag_) == nullptr) {
    return ctx.fail(make_error(N_("unknown tag '{}' (see portlens(1) for the list)"), *tag_), kExitUsage);
  }
  if (search_) {
    if (auto status = check_query(*search_); !status) return ctx.fail(status.error(), kExitUsage);
  }
  auto extra = load_knowledge_files(files_, ctx.env);
  if (!extra) return ctx.fail(extra.error(), kExitUsage);
  KnowledgeBase base(std::move(*extra));

  std::vector<PortAnswer> answers;
  bool listing = search_ || risk_ || tag_;
  if (search_) {
    answers = base.search(*search_);
  } else if (listing) {
    answers = base.list(minimum_risk, tag_ ? std::optional<std::string_view>(*tag_) : std::nullopt);
  } else {
    for (const std::string& query : queries_) {
      if (auto status = answer_query(base, query, &answers); !status) {
        return ctx.fail(status.error(), kExitUsage);
      }
    }
    listing = answers.size() > kMostCards;
  }
  if (answers.empty()) {
    if (ctx.format == OutputFormat::text) ctx.warn(make_error(N_("no entry matches")));
    else print(ctx, base, {}, false);
    return kExitFailure;
  }
  return print(ctx, base, std::move(answers), !listing || ctx.verbosity > 0);
}

int InfoCommand::print(const Context& ctx, const KnowledgeBase& base,
                       std::vector<PortAnswer> answers, bool as_cards) const {
  // "info 21,21" or "info ftp 21" answer once per port and protocol set.
  std::vector<PortAnswer> unique;
  for (PortAnswer& answer : answers) {
    bool seen = std::any_of(unique.begin(), unique.end(), [&](const PortAnswer& other) {
      return other.ports == answer.ports && other.protocols == answer.protocols;
    });
    if (!seen) unique.push_back(std::move(answer));
  }
  ReportOptions options{ctx.language, ctx.style, ctx.width};
  switch (ctx.format) {
    case OutputFormat::json: ctx.print(render_port_json(base, unique)); break;
    case OutputFormat::ndjson: ctx.print(render_port_ndjson(base, unique)); break;
    case OutputFormat::csv: ctx.print(render_port_csv(unique, ctx.language)); break;
    case OutputFormat::text:
      ctx.print(as_cards ? render_cards(base, unique, options) : render_port_table(unique, options));
      break;
  }
  return kExitOk;
}

}  // namespace

std::unique_ptr<Command> make_info_command() { return std::make_unique<InfoCommand>(); }

}  // namespace portlens
