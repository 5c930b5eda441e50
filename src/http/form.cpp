#include "http/form.hpp"

#include <set>

#include "common/utf8.hpp"

namespace twinning::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Decoded {
  std::string text;
  bool escaped_slash = false;  // a %2F was decoded: only paths care
};

// nullopt when a '%' is not followed by two hex digits.
std::optional<Decoded> percent_decode(std::string_view in, bool plus_is_space) {
  Decoded out;
  out.text.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (in.size() - i < 3) return std::nullopt;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char byte = static_cast<char>(hi * 16 + lo);
      if (byte == '/') out.escaped_slash = true;
      out.text.push_back(byte);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.text.push_back(' ');
    } else {
      out.text.push_back(c);
    }
  }
  return out;
}

Error field_error(ErrorKind kind, const std::string& name, const std::string& what) {
  return Error::make(kind, "the field \"" + name + "\" " + what, name);
}

Result<FormFields> parse_urlencoded(std::string_view text, const Limits& limits) {
  FormFields out;
  std::set<std::string, std::less<>> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view piece = text.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;

    const std::size_t eq = piece.find('=');
    const std::string_view raw_name = piece.substr(0, eq);
    const std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);

    auto name = percent_decode(raw_name, true);
    if (!name) return Error::make(ErrorKind::bad_request, "a field name has a malformed percent escape");
    if (name->text.empty()) return Error::make(ErrorKind::bad_request, "a field has no name");
    if (name->text.size() > limits.max_field_bytes) {
      return Error::make(ErrorKind::bad_request, "a field name is too long");
    }
    if (!is_valid_utf8(name->text)) return Error::make(ErrorKind::bad_request, "a field name is not valid UTF-8");
    if (has_control_chars(name->text, false)) {
      return Error::make(ErrorKind::bad_request, "a field name contains a control character");
    }
    const std::string& n = name->text;

    auto value = percent_decode(raw_value, true);
    if (!value) return field_error(ErrorKind::bad_request, n, "has a malformed percent escape");
    if (value->text.size() > limits.max_field_bytes) {
      return field_error(ErrorKind::bad_request, n,
                         "is too long (at most " + std::to_string(limits.max_field_bytes) + " bytes)");
    }
    if (!is_valid_utf8(value->text)) return field_error(ErrorKind::invalid_utf8, n, "is not valid UTF-8");
    if (!names.insert(n).second) return field_error(ErrorKind::bad_request, n, "is given more than once");
    out.emplace_back(std::move(name->text), std::move(value->text));
  }
  return out;
}

bool is_path_char(unsigned char c) {
  // RFC 3986 pchar without pct-encoded: unreserved / sub-delims / ":" / "@", plus the separator.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != 0 && std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

Result<FormFields> parse_form(std::string_view body, const Limits& limits) {
  return parse_urlencoded(body, limits);
}

Result<FormFields> parse_query(std::string_view query, const Limits& limits) {
  return parse_urlencoded(query, limits);
}

std::optional<std::string_view> find_field(const FormFields& fields, std::string_view name) {
  for (const auto& [n, v] : fields) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::string> percent_decode_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') {
    return Error::make(ErrorKind::bad_request, "the path must start with '/'");
  }
  auto decoded = percent_decode(raw_path, false);
  if (!decoded) return Error::make(ErrorKind::bad_request, "the path has a malformed percent escape");
  if (decoded->escaped_slash) return Error::make(ErrorKind::bad_request, "the path has an encoded '/'");
  const std::string& path = decoded->text;
  if (!is_valid_utf8(path)) return Error::make(ErrorKind::invalid_utf8, "the path is not valid UTF-8");
  if (has_control_chars(path, false) || path.find('\t') != std::string::npos) {
    return Error::make(ErrorKind::bad_request, "the path contains a control character");
  }
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string_view segment = std::string_view(path).substr(start, slash - start);
    if (segment == "." || segment == "..") {
      return Error::make(ErrorKind::bad_request, "the path has a '.' or '..' segment");
    }
    start = slash + 1;
  }
  return std::move(decoded->text);
}

std::string percent_encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_path_char(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace twinning::http
