#include "delivery/bounce.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace twinning::delivery {

namespace {

constexpr std::string_view kVerpPrefix = "bounces+";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_atext(char c) {
  static constexpr std::string_view specials = "!#$%&'*/?^_`{|}~-.";
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || specials.find(c) != std::string_view::npos;
}

bool is_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' || d.front() == '-') return false;
  return std::all_of(d.begin(), d.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
  });
}

// One header field, unfolded; names compare case-insensitively.
struct Field {
  std::string name;  // lower case
  std::string value;
};

// Splits an entity at its first empty line into unfolded header fields and the body.
std::pair<std::vector<Field>, std::string_view> split_entity(std::string_view text) {
  std::vector<Field> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = std::min(eol + 1, text.size());
    if (line.empty()) return {std::move(fields), text.substr(pos)};
    if ((line.front() == ' ' || line.front() == '\t') && !fields.empty()) {
      fields.back().value += " " + std::string(trim(line));  // a folded continuation
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // not a field: skipped, not trusted
    fields.push_back({lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return {std::move(fields), std::string_view{}};
}

const std::string* find(const std::vector<Field>& fields, std::string_view name) {
  for (const auto& f : fields) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

// "multipart/report; report-type=delivery-status; boundary="x"" -> type and parameters.
std::pair<std::string, std::vector<std::pair<std::string, std::string>>> parse_content_type(std::string_view v) {
  std::vector<std::pair<std::string, std::string>> params;
  const auto semi = v.find(';');
  std::string type = lower(trim(v.substr(0, semi)));
  std::size_t pos = semi == std::string_view::npos ? v.size() : semi + 1;
  while (pos < v.size()) {
    const auto eq = v.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string name = lower(trim(v.substr(pos, eq - pos)));
    std::size_t i = eq + 1;
    while (i < v.size() && v[i] == ' ') ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      for (++i; i < v.size() && v[i] != '"'; ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i];
      }
      i = v.find(';', i);
    } else {
      const auto end = v.find(';', i);
      value = std::string(trim(v.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end;
    }
    params.emplace_back(std::move(name), std::move(value));
    pos = i == std::string_view::npos ? v.size() : i + 1;
  }
  return {std::move(type), std::move(params)};
}

// The parts of a multipart body, each still with its own header section.
std::vector<std::string_view> split_multipart(std::string_view body, const std::string& boundary) {
  std::vector<std::string_view> parts;
  const std::string delimiter = "--" + boundary;
  std::size_t pos = 0;
  std::optional<std::size_t> part_start;
  while (pos <= body.size()) {
    std::size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) eol = body.size();
    std::string_view line = trim(body.substr(pos, eol - pos));
    if (line.substr(0, delimiter.size()) == delimiter) {
      const auto rest = line.substr(delimiter.size());
      if (rest.empty() || rest == "--") {
        if (part_start) parts.push_back(body.substr(*part_start, pos - *part_start));
        if (rest == "--") break;
        part_start = std::min(eol + 1, body.size());
      }
    }
    if (eol >= body.size()) break;
    pos = eol + 1;
  }
  return parts;
}

// "<abc@x.org>" or "Name <abc@x.org>" or "abc@x.org" -> "abc@x.org".
std::string bare_address(std::string_view v) {
  v = trim(v);
  const auto open = v.rfind('<');
  const auto close = v.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    v = v.substr(open + 1, close - open - 1);
  }
  return std::string(trim(v));
}

// "rfc822; mayor@haderslev.dk" -> "mayor@haderslev.dk".
std::string typed_value(std::string_view v) {
  const auto semi = v.find(';');
  return std::string(trim(semi == std::string_view::npos ? v : v.substr(semi + 1)));
}

std::vector<std::string> address_list(std::string_view v) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= v.size()) {
    auto comma = v.find(',', pos);
    if (comma == std::string_view::npos) comma = v.size();
    std::string one = bare_address(v.substr(pos, comma - pos));
    if (!one.empty()) out.push_back(std::move(one));
    pos = comma + 1;
  }
  return out;
}

// The groups of fields of a message/delivery-status body, split at empty lines.
std::vector<std::vector<Field>> status_groups(std::string_view body) {
  std::vector<std::vector<Field>> groups;
  while (!trim(body).empty()) {
    auto [fields, rest] = split_entity(body);
    if (!fields.empty()) groups.push_back(std::move(fields));
    if (rest.data() == nullptr || rest.size() >= body.size()) break;
    body = rest;
  }
  return groups;
}

Error malformed(const std::string& why) {
  return Error::make(ErrorKind::bad_request, "not a delivery status notification (RFC 3464): " + why);
}

}  // namespace

Result<std::string> verp_return_path(std::string_view message_id, std::string_view domain) {
  const auto at = message_id.rfind('@');
  if (at == std::string_view::npos || at == 0) {
    return Error::make(ErrorKind::bad_request, "a Message-ID must be LOCAL@DOMAIN: " + std::string(message_id));
  }
  const std::string_view local = message_id.substr(0, at);
  const std::string msg_domain = lower(message_id.substr(at + 1));
  // "=" and "+" carry meaning in the return path itself, so they cannot come from the id.
  const bool clean = std::all_of(local.begin(), local.end(), [](char c) { return is_atext(c); }) &&
                     local.find_first_of("=+") == std::string_view::npos;
  if (!clean || !is_domain(msg_domain) || !is_domain(domain)) {
    return Error::make(ErrorKind::bad_request,
                       "this Message-ID cannot be carried in a return path: " + std::string(message_id));
  }
  std::string out = std::string(kVerpPrefix) + std::string(local);
  if (msg_domain != lower(domain)) out += "=" + msg_domain;
  return out + "@" + std::string(domain);
}

std::optional<std::string> message_id_from_return_path(std::string_view address) {
  const std::string addr = bare_address(address);
  const auto at = addr.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  const std::string local = addr.substr(0, at);
  const std::string domain = lower(std::string_view(addr).substr(at + 1));
  if (lower(std::string_view(local).substr(0, kVerpPrefix.size())) != kVerpPrefix) return std::nullopt;
  std::string token = local.substr(kVerpPrefix.size());
  std::string id_domain = domain;
  if (const auto eq = token.rfind('='); eq != std::string::npos) {
    id_domain = lower(std::string_view(token).substr(eq + 1));
    token.resize(eq);
  }
  if (token.empty() || !is_domain(id_domain) || !is_domain(domain)) return std::nullopt;
  if (!std::all_of(token.begin(), token.end(), [](char c) { return is_atext(c); })) return std::nullopt;
  return token + "@" + id_domain;
}

Result<Dsn> parse_dsn(std::string_view mail) {
  auto [headers, body] = split_entity(mail);
  const std::string* content_type = find(headers, "content-type");
  if (content_type == nullptr) return malformed("it has no Content-Type");
  auto [type, params] = parse_content_type(*content_type);
  if (type != "multipart/report") return malformed("its Content-Type is " + type + ", not multipart/report");
  std::string boundary;
  for (const auto& [name, value] : params) {
    if (name == "boundary") boundary = value;
  }
  if (boundary.empty() || boundary.size() > 70) return malformed("its multipart boundary is missing or too long");

  Dsn dsn;
  for (const char* name : {"x-original-to", "delivered-to", "to"}) {
    for (const auto& f : headers) {
      if (f.name != name) continue;
      for (auto& a : address_list(f.value)) dsn.addressed_to.push_back(std::move(a));
    }
  }
  bool saw_status = false;
  for (std::string_view part : split_multipart(body, boundary)) {
    auto [part_headers, part_body] = split_entity(part);
    const std::string* part_type = find(part_headers, "content-type");
    const std::string kind = part_type ? parse_content_type(*part_type).first : "text/plain";
    if (kind == "message/delivery-status" || kind == "message/global-delivery-status") {
      saw_status = true;
      auto groups = status_groups(part_body);
      // The first group is about the message; each further one about one recipient.
      for (std::size_t g = 1; g < groups.size(); ++g) {
        DsnRecipient r;
        if (const auto* v = find(groups[g], "final-recipient")) r.final_recipient = bare_address(typed_value(*v));
        if (const auto* v = find(groups[g], "action")) r.action = lower(trim(*v));
        if (const auto* v = find(groups[g], "status")) r.status = std::string(trim(*v).substr(0, 16));
        if (const auto* v = find(groups[g], "diagnostic-code")) r.diagnostic = typed_value(*v);
        if (!r.final_recipient.empty() || !r.status.empty()) dsn.recipients.push_back(std::move(r));
      }
    } else if (kind == "text/rfc822-headers" || kind == "message/rfc822" || kind == "message/global-headers") {
      auto [original, ignored] = split_entity(part_body);
      if (const auto* id = find(original, "message-id")) dsn.original_message_id = bare_address(*id);
    }
  }
  if (!saw_status) return malformed("it has no message/delivery-status part");
  if (dsn.recipients.empty()) return malformed("its delivery-status part names no recipient");
  return dsn;
}

Result<BounceResult> apply_bounce(store::Store& store, const Dsn& dsn, const std::string& envelope_recipient,
                                  store::TimePoint now) {
  std::vector<std::string> candidates;
  std::vector<std::string> tried_from;
  if (!envelope_recipient.empty()) tried_from.push_back(envelope_recipient);
  tried_from.insert(tried_from.end(), dsn.addressed_to.begin(), dsn.addressed_to.end());
  for (const auto& a : tried_from) {
    if (auto id = message_id_from_return_path(a)) candidates.push_back(*id);
  }
  // The returned headers are the sender's own words; only used when no return path matched.
  if (!dsn.original_message_id.empty()) candidates.push_back(dsn.original_message_id);

  BounceResult result;
  std::optional<store::OutboxRow> row;
  for (const auto& id : candidates) {
    auto found = store.find_outbox_by_message_id(id);
    if (!found) return found.error();
    if (*found) {
      row = std::move(*found);
      break;
    }
  }
  if (!row) {
    result.detail = "no message of this outbox matches the notification";
    return result;
  }
  result.outbox_id = row->id;
  result.message_id = row->message_id;
  result.recipient = row->recipient;
  // The report may list several recipients; ours is the one the message went to.
  const DsnRecipient* mine = &dsn.recipients.front();
  for (const auto& r : dsn.recipients) {
    if (lower(r.final_recipient) == lower(row->recipient)) mine = &r;
  }
  result.status = mine->status;
  if (!mine->permanent() || (mine->action != "failed" && !mine->action.empty())) {
    result.outcome = BounceResult::Outcome::temporary;
    result.detail = "the relay reports " + (mine->action.empty() ? std::string("a delay") : mine->action) +
                    " (" + mine->status + "); nothing to change";
    return result;
  }
  std::string error = "bounced " + mine->status;
  if (!mine->diagnostic.empty()) error += ": " + mine->diagnostic;
  if (auto failed = store.outbox_failed(row->id, now, error, true); !failed) return failed.error();
  result.outcome = BounceResult::Outcome::failed;
  result.detail = error;
  return result;
}

}  // namespace twinning::delivery
