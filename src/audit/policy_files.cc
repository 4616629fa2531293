#include "audit/policy_files.h"

#include <algorithm>
#include <ctime>

#include "util/toml.h"

namespace portlens {

namespace {

template <typename... Args>
Error error_at(std::string_view file, const toml::node& node, const char* msgid, const Args&... args) {
  return make_error(msgid, toml_where(file, node.source()), args...);
}

Result<std::optional<Protocol>> read_protocol(std::string_view file, const toml::node& node) {
  auto text = node.value<std::string>();
  if (!text) return error_at(file, node, N_("{}: '{}' must be a string"), "proto");
  std::string value = unshield(*text);
  if (value == "tcp") return std::optional<Protocol>(Protocol::tcp);
  if (value == "udp") return std::optional<Protocol>(Protocol::udp);
  return error_at(file, node, N_("{}: unknown protocol '{}' (tcp or udp)"), value);
}

Result<uint16_t> read_port(std::string_view file, const toml::node& node) {
  auto number = node.value<int64_t>();
  if (!number || *number < 0 || *number > 65535) {
    return error_at(file, node, N_("{}: port must be a number from 0 to 65535"));
  }
  return static_cast<uint16_t>(*number);
}

Result<std::string> read_string(std::string_view file, const toml::node& node, std::string_view key) {
  auto text = node.value<std::string>();
  if (!text) return error_at(file, node, N_("{}: '{}' must be a string"), key);
  return unshield(*text);
}

/// The array of tables under `key` ([[allow]], [[finding]]); other top-level
/// keys than `key` and those in `also` are errors.
Result<const toml::array*> table_array(std::string_view file, const toml::table& root, std::string_view key,
                                       std::initializer_list<std::string_view> also) {
  const toml::array* array = nullptr;
  for (const auto& [name, node] : root) {
    if (name.str() == key) {
      array = node.as_array();
      if (array == nullptr || !array->is_array_of_tables()) {
        return error_at(file, node, N_("{}: '{}' must be an array of tables ([[{}]])"), key, key);
      }
    } else if (std::find(also.begin(), also.end(), name.str()) == also.end()) {
      return error_at(file, node, N_("{}: unknown key '{}'"), unshield(name.str()));
    }
  }
  return array;
}

}  // namespace

std::string date_text(const CalendarDate& date) {
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

CalendarDate today_utc() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  return {parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday};
}

Result<std::vector<Allowance>> parse_allow_file(std::string_view text, std::string_view file_name) {
  auto root = parse_toml(text, file_name);
  if (!root) return root.error();
  auto array = table_array(file_name, *root, "allow", {});
  if (!array) return array.error();
  std::vector<Allowance> allowances;
  if (*array == nullptr) return allowances;
  for (const toml::node& element : **array) {
    const toml::table& table = *element.as_table();
    Allowance allow;
    allow.line = element.source().begin.line;
    for (const auto& [key, node] : table) {
      std::string_view name = key.str();
      if (name == "id") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        allow.id = *value;
      } else if (name == "port") {
        auto value = read_port(file_name, node);
        if (!value) return value.error();
        allow.port = *value;
      } else if (name == "proto") {
        auto value = read_protocol(file_name, node);
        if (!value) return value.error();
        allow.protocol = *value;
      } else if (name == "process") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        allow.process = *value;
      } else if (name == "reason") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        allow.reason = *value;
      } else if (name == "expires") {
        auto date = node.value<toml::date>();
        if (!date) return error_at(file_name, node, N_("{}: 'expires' must be a date such as 2027-01-31"));
        allow.expires = CalendarDate{date->year, date->month, date->day};
      } else {
        return error_at(file_name, node, N_("{}: unknown key '{}'"), unshield(name));
      }
    }
    if (!allow.id && !allow.port && !allow.process) {
      return error_at(file_name, element, N_("{}: an [[allow]] needs at least one of id, port and process"));
    }
    if (allow.reason.empty()) return error_at(file_name, element, N_("{}: an [[allow]] needs a reason"));
    allowances.push_back(std::move(allow));
  }
  return allowances;
}

Result<std::vector<BaselineItem>> parse_baseline(std::string_view text, std::string_view file_name) {
  auto root = parse_toml(text, file_name);
  if (!root) return root.error();
  auto array = table_array(file_name, *root, "finding", {"version", "saved"});
  if (!array) return array.error();
  if (const toml::node* version = root->get("version"); version != nullptr && version->value<int64_t>() != 1) {
    return error_at(file_name, *version, N_("{}: unsupported baseline version (this portlens reads version 1)"));
  }
  std::vector<BaselineItem> items;
  if (*array == nullptr) return items;
  for (const toml::node& element : **array) {
    BaselineItem item;
    bool has_id = false;
    for (const auto& [key, node] : *element.as_table()) {
      std::string_view name = key.str();
      if (name == "id") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        item.id = *value;
        has_id = true;
      } else if (name == "proto") {
        auto value = read_protocol(file_name, node);
        if (!value) return value.error();
        item.protocol = *value;
      } else if (name == "port") {
        auto value = read_port(file_name, node);
        if (!value) return value.error();
        item.port = *value;
      } else if (name == "process") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        item.process = *value;
      } else if (name == "severity") {
        auto value = read_string(file_name, node, name);
        if (!value) return value.error();
        item.severity = parse_risk(*value);
        if (!item.severity) {
          return error_at(file_name, node, N_("{}: unknown severity '{}' (info, low, medium, high, critical)"), *value);
        }
      } else {
        return error_at(file_name, node, N_("{}: unknown key '{}'"), unshield(name));
      }
    }
    if (!has_id || item.id.empty()) return error_at(file_name, element, N_("{}: a [[finding]] needs an id"));
    items.push_back(std::move(item));
  }
  return items;
}

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string write_baseline(const std::vector<BaselineItem>& items, const CalendarDate& saved) {
  std::string out = fmt::format(
      "# portlens audit baseline: the findings known on {}.\n"
      "# `portlens audit --baseline FILE` reports only findings not listed here.\n"
      "version = 1\nsaved = {}\n",
      date_text(saved), date_text(saved));
  for (const BaselineItem& item : items) {
    out += fmt::format("\n[[finding]]\nid = {}\n", toml_quote(item.id));
    // A hand-written item may have a port without a protocol: keep each.
    if (item.protocol) out += fmt::format("proto = \"{}\"\n", *item.protocol == Protocol::udp ? "udp" : "tcp");
    if (item.protocol || item.port != 0) out += fmt::format("port = {}\n", item.port);
    if (!item.process.empty()) out += fmt::format("process = {}\n", toml_quote(item.process));
    if (item.severity) out += fmt::format("severity = \"{}\"\n", risk_name(*item.severity));
  }
  return out;
}

bool baseline_covers(const BaselineItem& known, const BaselineItem& now) {
  if (known.id != now.id || known.protocol != now.protocol || known.port != now.port ||
      known.process != now.process) {
    return false;
  }
  return !known.severity || !now.severity || *now.severity <= *known.severity;
}

}  // namespace portlens
