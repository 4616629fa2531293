#include "knowledge/services_file.h"

#include "net/port_spec.h"
#include "util/text.h"

namespace portlens {

namespace {

bool is_frequency(std::string_view token) {
  // nmap-services: "0.197667"
  if (token.size() < 2 || token[0] != '0' || token[1] != '.') return false;
  for (char c : token.substr(2)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) return false;
  }
  return true;
}

/// Parses one non-empty, non-comment line; returns an English reason on failure.
std::string parse_line(std::string_view line, ServiceName* out, bool* ignorable) {
  *ignorable = false;
  size_t hash = line.find('#');
  if (hash != std::string_view::npos) {
    out->comment = std::string(trim(line.substr(hash + 1)));
    line = line.substr(0, hash);
  }
  std::vector<std::string_view> fields = split_whitespace(trim(line));
  if (fields.size() < 2) return "expected a name and port/protocol";
  if (!is_valid_name(fields[0])) return "bad service name";
  out->name = std::string(fields[0]);
  std::vector<std::string_view> parts = split(fields[1], '/');
  if (parts.size() < 2) return "expected port/protocol";
  auto ports = parse_port_item(parts[0]);
  if (!ports || ports->protocols != kAnyProtocol) return "bad port number";
  out->port = ports->range.first;
  out->last_port = ports->range.last;
  for (size_t i = 1; i < parts.size(); ++i) {
    auto protocol = parse_protocol(parts[i]);
    if (protocol) out->protocols |= bit(*protocol);
  }
  if (out->protocols == 0) {
    *ignorable = true;  // ddp, dccp and other protocols portlens does not model
    return "no tcp, udp or sctp";
  }
  for (size_t i = 2; i < fields.size(); ++i) {
    if (i == 2 && is_frequency(fields[i])) continue;
    if (!is_valid_name(fields[i])) return "bad alias";
    out->aliases.emplace_back(fields[i]);
  }
  return {};
}

template <typename OnBadLine>
ServicesFile parse_lines(std::string_view text, OnBadLine on_bad_line) {
  ServicesFile file;
  size_t line_number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    std::string_view content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    ServiceName service;
    bool ignorable = false;
    std::string reason = parse_line(content, &service, &ignorable);
    if (reason.empty()) {
      file.services.push_back(std::move(service));
    } else if (!ignorable && !on_bad_line(line_number, reason)) {
      file.skipped.push_back(fmt::format("line {}: {}", line_number, reason));
    }
  }
  return file;
}

}  // namespace

ServicesFile parse_services_file(std::string_view text) {
  return parse_lines(text, [](size_t, const std::string&) { return false; });
}

Result<ServicesFile> parse_services_file_strict(std::string_view text, std::string_view file_name) {
  std::optional<Error> failure;
  ServicesFile file = parse_lines(text, [&](size_t line, const std::string& reason) {
    if (!failure) failure = make_error(N_("{}: line {}: {}"), file_name, line, reason);
    return true;
  });
  if (failure) return *failure;
  return file;
}

}  // namespace portlens
