#include "app/letter_action.hpp"

#include <map>
#include <set>

#include "app/email_action.hpp"
#include "common/utf8.hpp"
#include "render/letter_compose.hpp"
#include "render/letter_pdf.hpp"

namespace twinning::app {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

Result<LetterRequest> parse_letter_action(const Fields& fields, const domain::Campaign& campaign,
                                          std::vector<FieldError>& problems, const LetterLimits& limits) {
  static const std::set<std::string> letter_fields(std::begin(kLetterFields), std::end(kLetterFields));
  Fields action_fields;
  std::map<std::string, std::string> v;
  for (const auto& [name, value] : fields) {
    if (name == "channel" || name == "target") {
      return Error::make(ErrorKind::bad_request, "this form records the letter channel: leave out '" + name + "'",
                         name);
    }
    if (!letter_fields.count(name)) {
      action_fields.emplace_back(name, value);
      continue;
    }
    if (!v.emplace(name, value).second) {
      return Error::make(ErrorKind::bad_request, "the field '" + name + "' was sent twice; send it once", name);
    }
    if (!is_valid_utf8(value)) {
      return Error::make(ErrorKind::invalid_utf8, "the field '" + name + "' is not valid UTF-8 text", name);
    }
  }
  action_fields.emplace_back("channel", "letter");
  action_fields.emplace_back("target", "");
  auto action = parse_action(action_fields, campaign, problems);
  // parse_action has already failed hard (unknown field, bad UTF-8) or listed its problems; the
  // letter's own fields are checked either way so that the form shows every problem at once.
  if (!action.ok() && problems.empty()) return action.error();

  LetterRequest r;
  auto line_problem = [&](const std::string& field, const std::string& text) {
    if (has_control_chars(text, false)) {
      problems.push_back({field, "address", "each address line must be one line of text"});
      return true;
    }
    if (code_points(text) > limits.max_line_chars) {
      problems.push_back({field, "too_long", "the line is longer than " + std::to_string(limits.max_line_chars) +
                                                 " characters"});
      return true;
    }
    return false;
  };
  for (std::size_t i = 1; i <= kLetterAddressLines; ++i) {
    const std::string field = "address_line" + std::to_string(i);
    const std::string line = trim(v[field]);
    if (line.empty()) {
      if (i == 1) problems.push_back({field, "address", "enter your street address: the letters carry it"});
      continue;
    }
    if (!line_problem(field, line)) r.address_lines.push_back(line);
  }
  r.place = trim(v["place"]);
  line_problem("place", r.place);
  const std::string print = trim(v["print_for_me"]);
  if (print == "yes" || print == "on" || print == "1") {
    r.print_for_me = true;
  } else if (!print.empty()) {
    return Error::make(ErrorKind::bad_request, "print_for_me is a checkbox: send 'yes' or leave it out",
                       "print_for_me");
  }
  if (!problems.empty()) return Error::make(ErrorKind::bad_request, "the form has problems");
  r.action = std::move(action).value();
  return r;
}

store::NewAction to_letter_record(const LetterRequest& request, const domain::Campaign& campaign,
                                  const std::string& lang, std::chrono::sys_seconds now) {
  // A request to print keeps its address, so the address is part of its content: the same key
  // with another address is a conflict. A download keeps none: downloading again with a corrected
  // address is the same action (counted once) and gets the corrected letters.
  std::string extra = request.print_for_me ? "print" : "download";
  if (request.print_for_me) {
    extra += '\x1f' + request.place;
    for (const auto& l : request.address_lines) extra += '\x1f' + l;
  }
  store::NewAction a = to_record(request.action, campaign, lang, now, extra);
  if (request.print_for_me) {
    a.target = "print";
    a.letter_request = store::NewLetterRequest{request.address_lines, request.place};
  }
  return a;
}

Result<PreparedLetterRecord> prepare_letter_record(const LetterRequest& request, const domain::Campaign& campaign,
                                                   const std::string& lang, const std::string& base_url,
                                                   const i18n::Catalog& words, const MailSettings& mail,
                                                   std::chrono::sys_seconds now) {
  PreparedLetterRecord out{to_letter_record(request, campaign, lang, now), {}};
  if (!request.print_for_me) return out;
  auto confirmation = confirmation_for(request.action, campaign, lang, base_url, words, mail, now);
  if (!confirmation.ok()) return confirmation.error();
  out.action.confirmation = std::move(confirmation.value().request);
  out.token = std::move(confirmation.value().token);
  return out;
}

Result<std::string> letter_pdf(const LetterRequest& request, const domain::Campaign& campaign,
                               const domain::AddressFormatter& formatter, const std::string& page_url,
                               std::chrono::sys_seconds now) {
  const render::LetterSender sender{request.action.name, request.action.country, request.address_lines,
                                    request.place};
  auto letters = render::compose_letters(campaign, formatter, sender, std::chrono::floor<std::chrono::days>(now),
                                         page_url);
  if (!letters.ok()) return letters.error();
  return render::render_letters_pdf(letters.value(), render::paper_for(sender.country));
}

}  // namespace twinning::app
