#pragma once
// Every setting twinning has, with its default. Loaded from one YAML file (docs/configuration.md),
// then overridden from the command line. Limits are named here, never written inline.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/public_suffix.hpp"
#include "common/result.hpp"

namespace twinning {

struct Limits {
  std::size_t max_body_bytes = 64 * 1024;        // request body; over -> 413
  std::size_t max_header_bytes = 16 * 1024;      // whole header section; over -> 431
  std::size_t max_request_line_bytes = 4096;     // method + target + version; over -> 414
  std::size_t max_field_bytes = 8 * 1024;        // one form field value; over -> 400 naming it
  std::size_t max_connections = 10000;           // open connections; more are closed at accept
  std::chrono::milliseconds read_timeout{10000};   // to read one whole request once it started
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive connection without a request
  std::chrono::milliseconds write_timeout{30000};  // to send one response
  // Forms without a proof of work waiting out their delay; more get 503 at once.
  std::size_t max_delayed_forms = 1000;
};

// Sending mail: the transport, pacing and retries of the outbox worker (src/delivery/).
struct MailSettings {
  // "spool" (the default: every message is written as an .eml file under spool_dir and nothing
  // leaves the machine), "smtp://[user:pass@]host[:port]" (STARTTLS when the server offers it)
  // or "smtps://[user:pass@]host[:port]" (TLS from the first byte).
  std::string transport_url = "spool";
  bool starttls_required = false;   // smtp:// only: refuse to send over a server without STARTTLS
  std::filesystem::path tls_ca_file;  // extra CA certificates (PEM); empty: the system's CAs only
  std::filesystem::path spool_dir;    // empty: <data_dir>/spool
  std::chrono::seconds confirmation_ttl{std::chrono::hours{72}};
  std::size_t per_recipient_per_hour = 20;  // 0 turns pacing off (benchmarks)
  std::chrono::seconds retry_base{60};
  std::chrono::seconds retry_max_interval{std::chrono::hours{1}};
  std::chrono::seconds retry_deadline{std::chrono::hours{48}};
  std::size_t batch = 50;  // messages claimed at once (and sent over one connection)
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds smtp_timeout{30000};  // silence from the server before giving up on it
  std::string return_path_domain;                 // VERP bounce domain; empty: the sender's domain
  std::filesystem::path dkim_key_file;  // PEM private key; empty: messages are not DKIM-signed
  std::string dkim_selector;            // required with a key
  std::string dkim_domain;              // d= of the signature; empty: each message's From domain
};

// Filling in officials' own web forms for supporters (src/delivery/webform/). Nothing is posted
// to a site unless its host is listed here and the campaign's definition is marked automated.
struct WebformSettings {
  std::vector<std::string> automated_hosts;  // host names, exact (e.g. council.example.org)
  std::chrono::seconds per_host_interval{30};  // between two posts to one host; 0: no pacing
  std::chrono::milliseconds connect_timeout{10000};  // to open the connection (TCP and TLS)
  std::chrono::milliseconds timeout{30000};          // for one whole request and its answer
  std::size_t max_redirects = 5;                      // followed per request; more is a failure
  std::size_t max_response_bytes = 2 * 1024 * 1024;   // one answer's body; more is a failure
  std::string user_agent = "twinning (web-form submitter)";
};

// The call channel (docs/campaigns.md, "Calls").
struct CallSettings {
  // "Wrong number" reports for one target's number after which `twinning calls` flags it for
  // organizers to check; 0 never flags.
  std::int64_t wrong_number_flag_after = 3;
};

// Organizer accounts, sessions and the login rate limit (docs/decisions/0010-organizer-sessions.md).
struct OrganizerSettings {
  // The argon2id cost of a password hash (libsodium crypto_pwhash_str). libsodium's "interactive"
  // limits: about 0.1 s and 64 MiB per login on a small server; a hash keeps the limits it was
  // made with, so raising them affects new passwords only.
  std::uint64_t password_ops_limit = 2;
  std::size_t password_mem_limit = std::size_t{64} * 1024 * 1024;
  std::chrono::seconds session_lifetime{std::chrono::hours{12}};      // from login, whatever the activity
  std::chrono::seconds session_idle_timeout{std::chrono::minutes{30}};  // without a request
  // Failed logins are counted per account and per (keyed hash of the) client address within
  // fixed windows of this length; over either limit, logins are refused (429) until the window ends.
  std::chrono::seconds login_window{std::chrono::minutes{15}};
  std::int64_t max_login_failures_per_account = 5;
  std::int64_t max_login_failures_per_address = 20;
};

// The organizer API (docs/api.md).
struct ApiSettings {
  std::size_t per_page = 25;       // records in a collection page when the client does not say
  std::size_t max_per_page = 100;  // the most a client may ask for (per_page); more is a 400
};

// Personal data of supporters (docs/api.md, "Privacy").
struct PrivacySettings {
  // Supporters whose last action is older than this are anonymized (WriteToThem keeps 104 weeks).
  std::chrono::days retention{7 * 104};
  // How often `serve` runs the retention job (also once at start).
  std::chrono::seconds retention_interval{std::chrono::hours{6}};
};

// Rate limits on supporters' actions (app/rate_limit.hpp, docs/decisions/0011-rate-limits.md).
// A limit of 0 turns that rule off.
struct RateLimitSettings {
  std::int64_t per_address = 30;  // actions from one client address per address_window
  std::chrono::seconds address_window{std::chrono::hours{1}};
  std::int64_t per_email = 10;  // actions of one email per email_window
  std::chrono::seconds email_window{std::chrono::hours{1}};
  std::int64_t per_target = 3;  // messages from one email to one official per target_window
  std::chrono::seconds target_window{std::chrono::minutes{30}};
  std::filesystem::path key_file;  // the bucket hashes' secret; empty: <data_dir>/rate-limit.key
};

// The proof of work asked of browsers before a form is sent (app/proof_of_work.hpp).
struct ProofOfWorkSettings {
  int bits = 14;  // leading zero bits of SHA-256: 2^14 hashes on average, well under a second; 0: off
  std::chrono::seconds challenge_ttl{std::chrono::minutes{30}};
  // How long a form without a valid proof waits before it is handled: no JavaScript is not an
  // error, only slower.
  std::chrono::milliseconds fallback_delay{3000};
};

// The review queue (docs/decisions/0013-review-queue.md): messages whose supporter-written part
// (note, edits) was sent the same by this many different people within the window are held
// for an organizer. 0 turns it off.
struct ReviewSettings {
  std::int64_t same_text_people = 5;
  std::chrono::seconds same_text_window{std::chrono::minutes{10}};
};

// A receiver of the webhooks (docs/api.md, "Webhooks"): every counted outreach and signature is
// POSTed to it as JSON, signed with HMAC-SHA256 under `secret`.
struct WebhookSettings {
  std::string url;     // http:// or https://
  std::string secret;  // at least 16 characters; shared with the receiver
};

struct Settings {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free port
  std::filesystem::path data_dir = "data";
  std::filesystem::path campaigns_dir = "campaigns";
  std::filesystem::path resources_dir;  // templates/, locales/, static/; default: the source tree
  // The OpenCage address-formatting data (templates.json...); empty:
  // <resources_dir>/node_modules/@fragaria/address-formatter/src/templates, which npm ci installs.
  std::filesystem::path address_data_dir;
  std::string public_url;               // base of every link the product writes; default from listen
  std::vector<std::string> trusted_proxies;  // IPs allowed to set the client address (X-Forwarded-For)
  unsigned threads = 0;                      // server threads; 0 = one per core
  Limits limits;
  std::string log_level = "info";
  MailSettings mail;
  // The top-level domains links in posts are recognized by (Debian's publicsuffix package).
  std::filesystem::path public_suffix_list = kDefaultPublicSuffixList;
  WebformSettings webform;
  CallSettings calls;
  RateLimitSettings rate_limits;
  ProofOfWorkSettings proof_of_work;
  ReviewSettings review;
  std::vector<WebhookSettings> webhooks;
  // Sites allowed to show the campaigns in a frame (the embed snippet, docs/embedding.md), each
  // "https://host[:port]"; none: only twinning's own pages may frame them.
  std::vector<std::string> embed_origins;
  ApiSettings api;
  PrivacySettings privacy;
  OrganizerSettings organizers;

  // The public URL without a trailing slash ("http://127.0.0.1:8080" when none is configured).
  std::string base_url(unsigned bound_port = 0) const;
  // Where the spool transport writes: mail.spool_dir, or <data_dir>/spool when that is empty.
  std::filesystem::path spool_dir() const;
};

// Reads a settings file. Unknown keys and wrong types are errors naming the key and line.
Result<Settings> load_settings(const std::filesystem::path& file);
// Checks mail.transport_url: "spool", or an smtp:// or smtps:// URL with a host and a valid port.
Result<void> validate_transport_url(const std::string& url);
// Parses "HOST:PORT" ("[::1]:8080" for IPv6).
Result<std::pair<std::string, unsigned short>> parse_listen(const std::string& listen);

}  // namespace twinning
