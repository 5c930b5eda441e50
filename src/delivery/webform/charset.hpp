#pragma once
// Reading a foreign site's pages and writing its forms in the site's own character set. Korean
// council sites still serve EUC-KR; a form posted in another charset arrives as mojibake, or is
// refused. Conversions use ICU; charset labels are read the way browsers read them (the WHATWG
// Encoding Standard), so twinning posts exactly what a browser would.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace twinning::delivery::webform {

// The converter name for a charset label, as browsers map labels: "euc-kr", "ks_c_5601-1987"
// and friends are windows-949 (a superset of EUC-KR holding every Hangul syllable); "latin1",
// "iso-8859-1" and "us-ascii" are windows-1252; "utf8" is UTF-8. Other labels are passed to ICU
// as they are. Empty for an empty label.
std::string converter_for(std::string_view label);

// The charset parameter of a Content-Type header ("text/html; charset=EUC-KR" -> "EUC-KR");
// empty when there is none.
std::string charset_from_content_type(std::string_view content_type);

// The charset a page declares in its first 1024 bytes, in <meta charset="..."> or
// <meta http-equiv="Content-Type" content="...; charset=...">; empty when none.
std::string charset_from_meta(std::string_view page);

struct Decoded {
  std::string text;            // UTF-8
  std::size_t replaced = 0;    // byte sequences that were not valid in the charset (now U+FFFD)
};

// Bytes in the charset named by `label` (see converter_for) to UTF-8. Invalid sequences become
// U+FFFD and are counted, as a browser shows them. Error (bad_request) for a label ICU does not
// know.
Result<Decoded> decode(std::string_view bytes, std::string_view label);

// UTF-8 text to the charset named by `label`. A character the charset cannot hold is an error
// (bad_request) naming it: it is never replaced by '?' or by an HTML character reference, which
// would change what the supporter wrote without telling them.
Result<std::string> encode(std::string_view utf8, std::string_view label);

// application/x-www-form-urlencoded of name/value pairs whose bytes are already in the site's
// charset: unreserved ASCII as is, space as '+', every other byte as %XX (upper-case hex).
std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace twinning::delivery::webform
