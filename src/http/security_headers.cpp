#include "http/security_headers.hpp"

#include <sodium.h>

namespace twinning::http {

std::string csp_hash(std::string_view inline_text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(inline_text.data()), inline_text.size());
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
  return "'sha256-" + std::string(b64) + "'";
}

HeaderList security_headers(std::string_view inline_css, const std::vector<std::string>& frame_origins) {
  std::string ancestors = "'self'";
  for (const auto& o : frame_origins) ancestors += " " + o;
  // form-action allows https: because some forms end in a redirect to another site on purpose
  // (a Mastodon instance the supporter names); browsers apply form-action to redirects too.
  // connect-src 'self' covers app.js's fetch and beacons. img-src data: is for inline SVG/PNG codes.
  std::string csp = "default-src 'none'; script-src 'self'; style-src " + csp_hash(inline_css) +
                    "; img-src 'self' data:; connect-src 'self'; form-action 'self' https:; "
                    "frame-ancestors " + ancestors + "; base-uri 'none'; object-src 'none'";
  return {
      {"Content-Security-Policy", std::move(csp)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
  };
}

}  // namespace twinning::http
