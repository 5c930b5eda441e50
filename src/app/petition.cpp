// ICU does the work here: case folding and UTS #46 for the signature key, MessageFormat with the
// CLDR plural rules for the counter.
#include "app/petition.hpp"

#include <unicode/errorcode.h>
#include <unicode/fmtable.h>
#include <unicode/locid.h>
#include <unicode/msgfmt.h>
#include <unicode/normalizer2.h>
#include <unicode/uidna.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>

#include "app/email_action.hpp"

namespace twinning::app {
namespace {

Error not_an_address(const std::string& why) {
  return Error::make(ErrorKind::bad_request, "this is not an email address we can use: " + why, "email");
}

bool valid_utf8(std::string_view s) {
  std::int32_t i = 0;
  const auto n = static_cast<std::int32_t>(s.size());
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

struct IdnaClose {
  void operator()(UIDNA* p) const { uidna_close(p); }
};

Result<std::string> domain_to_ascii(std::string_view domain) {
  UErrorCode status = U_ZERO_ERROR;
  // Nontransitional: "ß" stays "ß" (xn--), as browsers and registries treat it since IDNA 2008.
  // STD3 rules: a host name holds letters, digits and hyphens only (no space, no "_").
  std::unique_ptr<UIDNA, IdnaClose> idna(uidna_openUTS46(
      UIDNA_USE_STD3_RULES | UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, &status));
  if (U_FAILURE(status)) {
    return Error::make(ErrorKind::internal, "the address could not be checked", {}, u_errorName(status));
  }
  std::string out(domain.size() * 4 + 64, '\0');
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const auto len = uidna_nameToASCII_UTF8(idna.get(), domain.data(), static_cast<std::int32_t>(domain.size()),
                                          out.data(), static_cast<std::int32_t>(out.size()), &info, &status);
  if (U_FAILURE(status)) return not_an_address("the domain is too long");
  if (info.errors != 0) return not_an_address("the domain is not a valid name");
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace

Result<std::string> petition_email_key(std::string_view email) {
  if (!valid_utf8(email)) return not_an_address("it is not valid UTF-8");
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return not_an_address("it has no @");
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || domain.empty()) return not_an_address("a part is empty");

  icu::UnicodeString folded = icu::UnicodeString::fromUTF8(icu::StringPiece(local.data(), static_cast<std::int32_t>(local.size())));
  folded.foldCase(U_FOLD_CASE_DEFAULT);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Error::make(ErrorKind::internal, "the address could not be checked", {}, u_errorName(status));
  // Folding can leave combining sequences in another order or decomposed: one form for both spellings.
  const icu::UnicodeString normal = nfc->normalize(folded, status);
  if (U_FAILURE(status)) return Error::make(ErrorKind::internal, "the address could not be checked", {}, u_errorName(status));

  auto ascii_domain = domain_to_ascii(domain);
  if (!ascii_domain.ok()) return ascii_domain.error();
  std::string key;
  normal.toUTF8String(key);
  return key + "@" + ascii_domain.value();
}

Result<std::string> signed_count_text(const std::string& pattern, const std::string& lang, std::int64_t count) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  icu::MessageFormat format(icu::UnicodeString::fromUTF8(pattern), icu::Locale(lang.c_str()), where, status);
  if (U_FAILURE(status)) {
    return Error::make(ErrorKind::bad_request, "the counter's words are not a valid message pattern", "petition.count",
                       std::string(u_errorName(status)) + " at offset " + std::to_string(where.offset));
  }
  const icu::UnicodeString names[] = {"count"};
  const icu::Formattable values[] = {icu::Formattable(static_cast<int64_t>(count))};
  icu::UnicodeString text;
  format.format(names, values, 1, text, status);
  if (U_FAILURE(status)) {
    return Error::make(ErrorKind::bad_request, "the counter's words could not be formatted", "petition.count",
                       u_errorName(status));
  }
  std::string out;
  text.toUTF8String(out);
  return out;
}

Result<SignatureInput> parse_signature(const Fields& fields, const domain::Campaign& campaign,
                                       std::vector<FieldError>& problems, const SignatureLimits& limits) {
  Fields action_fields;
  std::string comment;
  for (const auto& [name, value] : fields) {
    if (name == "channel" || name == "target") {
      return Error::make(ErrorKind::bad_request, "this form is the petition's: leave out '" + name + "'", name);
    }
    if (name == "comment") {
      comment = value;
    } else {
      action_fields.emplace_back(name, value);
    }
  }
  action_fields.emplace_back("channel", "petition");
  action_fields.emplace_back("target", "");
  const std::size_t before = problems.size();
  auto supporter = parse_action(action_fields, campaign, problems);

  if (!valid_utf8(comment)) {
    problems.push_back({"comment", "utf8", "the comment is not valid UTF-8"});
  } else if (static_cast<std::size_t>(icu::UnicodeString::fromUTF8(comment).countChar32()) > limits.max_comment_chars) {
    problems.push_back({"comment", "too_long",
                        "the comment is longer than " + std::to_string(limits.max_comment_chars) + " characters"});
  }
  std::string key;
  if (supporter.ok()) {
    auto k = petition_email_key(supporter.value().email);
    if (k.ok()) {
      key = std::move(k).value();
    } else {
      problems.push_back({"email", "email", k.error().message});
    }
  }
  if (problems.size() > before) {
    return Error::make(ErrorKind::bad_request, "some fields need attention", problems[before].field);
  }
  if (!supporter.ok()) return supporter.error();
  return SignatureInput{std::move(supporter).value(), std::move(comment), std::move(key)};
}

Result<PreparedSignature> prepare_signature(const SignatureInput& in, const domain::Campaign& campaign,
                                            const std::string& lang, const std::string& base_url,
                                            const i18n::Catalog& words, const MailSettings& mail,
                                            std::chrono::sys_seconds now) {
  auto confirmation = confirmation_for(in.supporter, campaign, lang, base_url, words, mail, now);
  if (!confirmation.ok()) return confirmation.error();
  // The comment takes part in the digest: the same form key with another comment is a conflict.
  store::NewAction action = to_record(in.supporter, campaign, lang, now, in.comment);
  action.signature = store::NewSignature{in.email_key, in.comment};
  action.confirmation = std::move(confirmation.value().request);
  return PreparedSignature{std::move(action), std::move(confirmation.value().token)};
}

}  // namespace twinning::app
