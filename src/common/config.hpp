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
