#include "net/port_spec.h"

#include "util/text.h"

namespace portlens {

Result<uint16_t> parse_port_number(std::string_view text) {
  if (text.empty()) return make_error(N_("a port number is missing"));
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return make_error(N_("'{}' is not a port number"), text);
    value = value * 10 + static_cast<uint32_t>(c - '0');
    if (value > 65535) return make_error(N_("port {} is out of range (0-65535)"), text);
  }
  return static_cast<uint16_t>(value);
}

namespace {

Result<PortRange> parse_range(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto port = parse_port_number(text);
    if (!port) return port.error();
    return PortRange{*port, *port};
  }
  if (dash == 0 || dash + 1 == text.size()) {
    return make_error(N_("'{}' is not a port or a port range (FIRST-LAST)"), text);
  }
  auto first = parse_port_number(text.substr(0, dash));
  if (!first) return first.error();
  auto last = parse_port_number(text.substr(dash + 1));
  if (!last) return last.error();
  if (*last < *first) return make_error(N_("port range '{}' ends before it starts"), text);
  return PortRange{*first, *last};
}

}  // namespace

Result<PortQuery> parse_port_item(std::string_view text) {
  PortQuery query;
  std::string_view range_text = text;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    std::string_view name = text.substr(slash + 1);
    auto protocol = parse_protocol(name);
    if (!protocol) {
      return make_error(N_("unknown protocol '{}' in '{}' (expected tcp, udp or sctp)"), name, text);
    }
    query.protocols = bit(*protocol);
    range_text = text.substr(0, slash);
  }
  auto range = parse_range(range_text);
  if (!range) return range.error();
  query.range = *range;
  return query;
}

Result<std::vector<PortQuery>> parse_port_list(std::string_view text) {
  if (trim(text).empty()) return make_error(N_("the port list is empty"));
  std::vector<PortQuery> queries;
  for (std::string_view item : split(text, ',')) {
    item = trim(item);
    if (item.empty()) return make_error(N_("empty item in port list '{}'"), text);
    auto query = parse_port_item(item);
    if (!query) return query.error();
    queries.push_back(*query);
  }
  return queries;
}

bool looks_like_port_spec(std::string_view text) {
  text = trim(text);
  if (text.size() > 1 && text[0] == '-') text.remove_prefix(1);  // "-1": a negative port
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  for (char c : text) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool digit = c >= '0' && c <= '9';
    if (!digit && !letter && c != ',' && c != '-' && c != '/' && c != ' ') return false;
  }
  return true;
}

}  // namespace portlens
