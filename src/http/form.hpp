#pragma once
// Decoding of what a browser sends in a URL or a form: application/x-www-form-urlencoded bodies,
// query strings and request paths. Strict on purpose: a malformed escape, invalid UTF-8 or a
// parameter given twice is refused with an Error naming the field, never guessed at.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"

namespace twinning::http {

// Name/value pairs in the order sent. Names are unique (duplicates are refused).
using FormFields = std::vector<std::pair<std::string, std::string>>;

// Parses an application/x-www-form-urlencoded body: '&' separates fields (empty ones are skipped,
// as browsers never send them), '+' is a space, %XX a byte; a field without '=' has an empty value.
// Errors: malformed escape -> bad_request; value over limits.max_field_bytes (after decoding)
// -> bad_request; value not UTF-8 -> invalid_utf8; a name given twice -> bad_request. Each names
// the field in Error::field. A broken name (no name, bad escape, not UTF-8, control character,
// too long) -> bad_request without a field, since the name itself cannot be trusted.
Result<FormFields> parse_form(std::string_view body, const Limits& limits);

// The query string (without '?'), under the same rules as parse_form.
Result<FormFields> parse_query(std::string_view query, const Limits& limits);

// The value of a field, if present.
std::optional<std::string_view> find_field(const FormFields& fields, std::string_view name);

// Decodes the path of a request target ("/naju-haderslev/ko/"). It must start with '/'.
// Refused: malformed escape, an encoded '/' (it would change which route matches), NUL or any
// other control character, "." or ".." segments (bad_request); invalid UTF-8 (invalid_utf8).
Result<std::string> percent_decode_path(std::string_view raw_path);

// Encodes a decoded path for a Location header or a link: '/' and the characters RFC 3986
// allows in a path segment stay as they are, every other byte becomes %XX.
std::string percent_encode_path(std::string_view path);

}  // namespace twinning::http
