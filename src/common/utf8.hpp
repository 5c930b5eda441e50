#pragma once
// Checks for text that comes from outside (form fields, paths, headers, files) before it is stored,
// rendered or logged. nlohmann::json throws on invalid UTF-8 and a stray control character can
// break a mail header or a terminal, so both are refused at the edge.
#include <string>
#include <string_view>

namespace twinning {

// Strict UTF-8 (RFC 3629): no overlong forms, no UTF-16 surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences.
bool is_valid_utf8(std::string_view text);

// True when `text` holds a C0 control character other than TAB (and, when allow_newlines, CR and
// LF), DEL, or a C1 control character (U+0080..U+009F, encoded as 0xC2 0x80..0x9F).
// Meant for text already checked with is_valid_utf8: raw bytes 0x80..0x9F that are not part of a
// C2 sequence are not reported here (is_valid_utf8 rejects them).
bool has_control_chars(std::string_view text, bool allow_newlines);

// CRLF and lone CR become LF, so text typed on any system compares and renders the same way.
std::string normalize_newlines(std::string_view text);
// How many Unicode code points valid UTF-8 text holds (what people count as its length).
std::size_t code_points(std::string_view text);

}  // namespace twinning
