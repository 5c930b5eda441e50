#include "common/config.hpp"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "common/utf8.hpp"

namespace twinning {

namespace {

// Upper bounds catch typos (an extra zero or two) without getting in the way of a real deployment.
constexpr std::uint64_t kMaxSizeBytes = std::uint64_t{1} << 30;  // 1 GiB
constexpr std::uint64_t kMaxConnections = 1'000'000;
constexpr std::uint64_t kMaxDurationMs = 24ULL * 60 * 60 * 1000;  // one day
constexpr std::uint64_t kMaxThreads = 1024;
constexpr std::uint64_t kMaxDurationS = 90ULL * 24 * 60 * 60;  // 90 days
constexpr std::uint64_t kMaxMailBatch = 10'000;
constexpr std::uint64_t kMaxPerHour = 1'000'000;
constexpr std::uint64_t kMaxWrongNumberFlag = 1'000'000;
constexpr std::uint64_t kMaxRedirects = 50;
constexpr std::uint64_t kMaxApiPerPage = 10'000;
constexpr std::uint64_t kMaxRetentionDays = 100ULL * 366;  // a century: a typo, not a policy
constexpr std::uint64_t kMaxPasswordOps = 20;
constexpr std::uint64_t kMinPasswordMem = 8192;  // crypto_pwhash_MEMLIMIT_MIN
constexpr std::uint64_t kMaxLoginFailures = 1'000'000;

bool is_ip_address(const std::string& text) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-'; });
}

// Reads a whole file; yaml-cpp would accept bytes that are not UTF-8, which we refuse up front.
Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error::make(ErrorKind::io, "cannot open settings file " + file.string(), {},
                       "open failed: " + file.string());
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    return Error::make(ErrorKind::io, "cannot read settings file " + file.string(), {},
                       "read failed: " + file.string());
  }
  return out.str();
}

// Turns one YAML document into Settings, reporting the first problem with file:line:column.
class SettingsReader {
 public:
  explicit SettingsReader(std::filesystem::path file) : file_(std::move(file)) {}

  Result<Settings> read(const YAML::Node& root) {
    Settings s;
    if (!root.IsDefined() || root.IsNull()) return s;  // an empty file keeps every default
    if (!root.IsMap()) return fail(root, "", "the settings file must be a map of keys to values");

    const KeyTable keys = {
        {"listen", [&](auto& n, auto& k) { return text(n, k, s.listen); }},
        {"data_dir", [&](auto& n, auto& k) { return path(n, k, s.data_dir); }},
        {"campaigns_dir", [&](auto& n, auto& k) { return path(n, k, s.campaigns_dir); }},
        {"resources_dir", [&](auto& n, auto& k) { return path(n, k, s.resources_dir); }},
        {"address_data_dir", [&](auto& n, auto& k) { return path(n, k, s.address_data_dir); }},
        {"public_url", [&](auto& n, auto& k) { return text(n, k, s.public_url); }},
        {"trusted_proxies", [&](auto& n, auto& k) { return text_list(n, k, s.trusted_proxies); }},
        {"embed_origins", [&](auto& n, auto& k) { return text_list(n, k, s.embed_origins); }},
        {"threads", [&](auto& n, auto& k) { return number(n, k, 0, kMaxThreads, s.threads); }},
        {"log_level", [&](auto& n, auto& k) { return text(n, k, s.log_level); }},
        {"public_suffix_list", [&](auto& n, auto& k) { return path(n, k, s.public_suffix_list); }},
        {"limits", [&](auto& n, auto& k) { return limits(n, k, s.limits); }},
        {"mail", [&](auto& n, auto& k) { return mail(n, k, s.mail); }},
        {"webform", [&](auto& n, auto& k) { return webform(n, k, s.webform); }},
        {"calls", [&](auto& n, auto& k) { return calls(n, k, s.calls); }},
        {"rate_limits", [&](auto& n, auto& k) { return rate_limits(n, k, s.rate_limits); }},
        {"proof_of_work", [&](auto& n, auto& k) { return proof_of_work(n, k, s.proof_of_work); }},
        {"review", [&](auto& n, auto& k) { return review(n, k, s.review); }},
        {"webhooks", [&](auto& n, auto& k) { return webhooks(n, k, s.webhooks); }},
        {"api", [&](auto& n, auto& k) { return api(n, k, s.api); }},
        {"privacy", [&](auto& n, auto& k) { return privacy(n, k, s.privacy); }},
        {"organizers", [&](auto& n, auto& k) { return organizers(n, k, s.organizers); }},
    };
    if (auto r = each_key(root, "", keys); !r) return r.error();
    if (auto r = validate(root, s); !r) return r.error();
    return s;
  }

 private:
  using KeyTable = std::map<std::string, std::function<Result<void>(const YAML::Node&, const std::string&)>>;

  Error fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    const YAML::Mark m = node.Mark();
    std::string where = file_.string();
    if (!m.is_null()) {
      // yaml-cpp counts lines and columns from 0; people count from 1.
      where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    }
    return Error::make(ErrorKind::bad_request, where + ": " + what, key);
  }

  Result<void> each_key(const YAML::Node& map, const std::string& prefix, const KeyTable& table) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key_node = entry.first;
      if (!key_node.IsScalar()) return fail(key_node, prefix, "a key must be a plain name");
      const std::string name = key_node.Scalar();
      const std::string full = prefix.empty() ? name : prefix + "." + name;
      auto it = table.find(name);
      if (it == table.end()) {
        std::string known;
        for (const auto& [k, fn] : table) known += (known.empty() ? "" : ", ") + k;
        return fail(key_node, full, "unknown key \"" + full + "\" (known keys: " + known + ")");
      }
      if (!seen.insert(name).second) return fail(key_node, full, "key \"" + full + "\" is given twice");
      if (auto r = it->second(entry.second, full); !r) return r.error();
    }
    return {};
  }

  Result<void> text(const YAML::Node& n, const std::string& key, std::string& out) const {
    if (!n.IsScalar()) return fail(n, key, "\"" + key + "\" must be a text value");
    if (has_control_chars(n.Scalar(), false)) {
      return fail(n, key, "\"" + key + "\" contains a control character");
    }
    out = n.Scalar();
    return {};
  }

  // Relative paths are taken from the settings file's folder, so the service finds its data
  // wherever it is started from.
  Result<void> path(const YAML::Node& n, const std::string& key, std::filesystem::path& out) const {
    std::string value;
    if (auto r = text(n, key, value); !r) return r;
    if (value.empty()) return fail(n, key, "\"" + key + "\" must not be empty");
    std::filesystem::path p(value);
    out = p.is_absolute() ? p : file_.parent_path() / p;
    return {};
  }

  Result<void> text_list(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) const {
    if (!n.IsSequence()) return fail(n, key, "\"" + key + "\" must be a list");
    out.clear();
    for (const auto& item : n) {
      std::string value;
      if (auto r = text(item, key, value); !r) return r;
      out.push_back(std::move(value));
    }
    return {};
  }

  // Whole decimal numbers only: "10s", "-1" or "1e3" are refused rather than guessed at.
  template <typename T>
  Result<void> number(const YAML::Node& n, const std::string& key, std::uint64_t min, std::uint64_t max, T& out) const {
    const std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
    if (!n.IsScalar()) return fail(n, key, "\"" + key + "\" must be a whole number" + range);
    const std::string& s = n.Scalar();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
      return fail(n, key, "\"" + key + "\" must be a whole number" + range + ", not \"" + s + "\"");
    }
    out = static_cast<T>(v);
    return {};
  }

  Result<void> duration(const YAML::Node& n, const std::string& key, std::chrono::milliseconds& out) const {
    std::uint64_t ms = 0;
    if (auto r = number(n, key, 1, kMaxDurationMs, ms); !r) return r;
    out = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(ms));
    return {};
  }

  Result<void> seconds(const YAML::Node& n, const std::string& key, std::chrono::seconds& out) const {
    std::uint64_t v = 0;
    if (auto r = number(n, key, 1, kMaxDurationS, v); !r) return r;
    out = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(v));
    return {};
  }

  Result<void> mail(const YAML::Node& n, const std::string& key, MailSettings& m) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"transport_url", [&](auto& v, auto& k) { return text(v, k, m.transport_url); }},
        {"starttls",
         [&](auto& v, auto& k) -> Result<void> {
           std::string mode;
           if (auto r = text(v, k, mode); !r) return r;
           if (mode != "auto" && mode != "required") {
             return fail(v, k, "\"" + k + "\" must be auto or required, not \"" + mode + "\"");
           }
           m.starttls_required = mode == "required";
           return {};
         }},
        {"tls_ca_file", [&](auto& v, auto& k) { return path(v, k, m.tls_ca_file); }},
        {"spool_dir", [&](auto& v, auto& k) { return path(v, k, m.spool_dir); }},
        {"confirmation_ttl_s", [&](auto& v, auto& k) { return seconds(v, k, m.confirmation_ttl); }},
        {"per_recipient_per_hour",
         [&](auto& v, auto& k) { return number(v, k, 0, kMaxPerHour, m.per_recipient_per_hour); }},
        {"retry_base_s", [&](auto& v, auto& k) { return seconds(v, k, m.retry_base); }},
        {"retry_max_interval_s", [&](auto& v, auto& k) { return seconds(v, k, m.retry_max_interval); }},
        {"retry_deadline_s", [&](auto& v, auto& k) { return seconds(v, k, m.retry_deadline); }},
        {"batch", [&](auto& v, auto& k) { return number(v, k, 1, kMaxMailBatch, m.batch); }},
        {"poll_interval_ms", [&](auto& v, auto& k) { return duration(v, k, m.poll_interval); }},
        {"smtp_timeout_ms", [&](auto& v, auto& k) { return duration(v, k, m.smtp_timeout); }},
        {"return_path_domain", [&](auto& v, auto& k) { return text(v, k, m.return_path_domain); }},
        {"dkim_key_file", [&](auto& v, auto& k) { return path(v, k, m.dkim_key_file); }},
        {"dkim_selector", [&](auto& v, auto& k) { return text(v, k, m.dkim_selector); }},
        {"dkim_domain", [&](auto& v, auto& k) { return text(v, k, m.dkim_domain); }},
    };
    if (auto r = each_key(n, key, table); !r) return r;
    auto at = [&](const char* sub) { return n[sub] ? n[sub] : n; };
    if (auto r = validate_transport_url(m.transport_url); !r) {
      return fail(at("transport_url"), "mail.transport_url", r.error().message);
    }
    if (m.retry_base > m.retry_max_interval) {
      return fail(at("retry_base_s"), "mail.retry_base_s",
                  "\"mail.retry_base_s\" must not be longer than \"mail.retry_max_interval_s\"");
    }
    if (!m.return_path_domain.empty() && !is_host_name(m.return_path_domain)) {
      return fail(at("return_path_domain"), "mail.return_path_domain",
                  "\"mail.return_path_domain\" must be a domain name, not \"" + m.return_path_domain + "\"");
    }
    if (!m.dkim_key_file.empty() && (m.dkim_selector.empty() || !is_host_name(m.dkim_selector))) {
      return fail(at("dkim_key_file"), "mail.dkim_selector",
                  "\"mail.dkim_selector\" must name the key's DNS selector (e.g. twinning2026) when "
                  "\"mail.dkim_key_file\" is set");
    }
    if (!m.dkim_domain.empty() && !is_host_name(m.dkim_domain)) {
      return fail(at("dkim_domain"), "mail.dkim_domain",
                  "\"mail.dkim_domain\" must be a domain name, not \"" + m.dkim_domain + "\"");
    }
    return {};
  }

  Result<void> webhooks(const YAML::Node& n, const std::string& key, std::vector<WebhookSettings>& out) {
    if (n.IsNull()) return {};
    if (!n.IsSequence()) return fail(n, key, "\"" + key + "\" must be a list of {url, secret}");
    for (std::size_t i = 0; i < n.size(); ++i) {
      const YAML::Node item = n[i];
      const std::string where = key + "[" + std::to_string(i) + "]";
      if (!item.IsMap()) return fail(item, where, "\"" + where + "\" must be a map with url and secret");
      WebhookSettings w;
      const KeyTable table = {
          {"url", [&](auto& v, auto& k) { return text(v, k, w.url); }},
          {"secret", [&](auto& v, auto& k) { return text(v, k, w.secret); }},
      };
      if (auto r = each_key(item, where, table); !r) return r;
      const bool scheme = w.url.rfind("http://", 0) == 0 || w.url.rfind("https://", 0) == 0;
      if (!scheme || w.url.find_first_of(" \r\n") != std::string::npos) {
        return fail(item, where + ".url", "\"" + where + ".url\" must be an http:// or https:// URL");
      }
      if (w.secret.size() < 16) {
        return fail(item, where + ".secret",
                    "\"" + where + ".secret\" must be at least 16 characters (the receiver checks signatures with it)");
      }
      out.push_back(std::move(w));
    }
    return {};
  }

  Result<void> review(const YAML::Node& n, const std::string& key, ReviewSettings& r) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"same_text_people", [&](auto& v, auto& k) { return number(v, k, 0, 1000000, r.same_text_people); }},
        {"same_text_window", [&](auto& v, auto& k) { return seconds(v, k, r.same_text_window); }},
    };
    return each_key(n, key, table);
  }

  Result<void> proof_of_work(const YAML::Node& n, const std::string& key, ProofOfWorkSettings& p) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        // 24 bits is already seconds on a slow phone; more would lock people out, not bots.
        {"bits", [&](auto& v, auto& k) { return number(v, k, 0, 24, p.bits); }},
        {"challenge_ttl", [&](auto& v, auto& k) { return seconds(v, k, p.challenge_ttl); }},
        {"fallback_delay", [&](auto& v, auto& k) { return duration(v, k, p.fallback_delay); }},
    };
    return each_key(n, key, table);
  }

  Result<void> rate_limits(const YAML::Node& n, const std::string& key, RateLimitSettings& r) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    constexpr std::uint64_t kMaxLimit = 1000000;
    const KeyTable table = {
        {"per_address", [&](auto& v, auto& k) { return number(v, k, 0, kMaxLimit, r.per_address); }},
        {"address_window", [&](auto& v, auto& k) { return seconds(v, k, r.address_window); }},
        {"per_email", [&](auto& v, auto& k) { return number(v, k, 0, kMaxLimit, r.per_email); }},
        {"email_window", [&](auto& v, auto& k) { return seconds(v, k, r.email_window); }},
        {"per_target", [&](auto& v, auto& k) { return number(v, k, 0, kMaxLimit, r.per_target); }},
        {"target_window", [&](auto& v, auto& k) { return seconds(v, k, r.target_window); }},
        {"key_file", [&](auto& v, auto& k) { return path(v, k, r.key_file); }},
    };
    return each_key(n, key, table);
  }

  Result<void> calls(const YAML::Node& n, const std::string& key, CallSettings& c) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"wrong_number_flag_after",
         [&](auto& v, auto& k) { return number(v, k, 0, kMaxWrongNumberFlag, c.wrong_number_flag_after); }},
    };
    return each_key(n, key, table);
  }

  Result<void> organizers(const YAML::Node& n, const std::string& key, OrganizerSettings& o) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        // libsodium's bounds are wider; these catch typos without refusing a real choice.
        {"password_ops_limit", [&](auto& v, auto& k) { return number(v, k, 1, kMaxPasswordOps, o.password_ops_limit); }},
        {"password_mem_limit_bytes",
         [&](auto& v, auto& k) { return number(v, k, kMinPasswordMem, kMaxSizeBytes * 4, o.password_mem_limit); }},
        {"session_lifetime_s", [&](auto& v, auto& k) { return seconds(v, k, o.session_lifetime); }},
        {"session_idle_timeout_s", [&](auto& v, auto& k) { return seconds(v, k, o.session_idle_timeout); }},
        {"login_window_s", [&](auto& v, auto& k) { return seconds(v, k, o.login_window); }},
        {"max_login_failures_per_account",
         [&](auto& v, auto& k) { return number(v, k, 1, kMaxLoginFailures, o.max_login_failures_per_account); }},
        {"max_login_failures_per_address",
         [&](auto& v, auto& k) { return number(v, k, 1, kMaxLoginFailures, o.max_login_failures_per_address); }},
    };
    return each_key(n, key, table);
  }

  Result<void> api(const YAML::Node& n, const std::string& key, ApiSettings& a) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"per_page", [&](auto& v, auto& k) { return number(v, k, 1, kMaxApiPerPage, a.per_page); }},
        {"max_per_page", [&](auto& v, auto& k) { return number(v, k, 1, kMaxApiPerPage, a.max_per_page); }},
    };
    if (auto r = each_key(n, key, table); !r) return r;
    if (a.per_page > a.max_per_page) {
      return fail(n, key, "\"" + key + ".per_page\" must not be more than \"" + key + ".max_per_page\"");
    }
    return {};
  }

  Result<void> privacy(const YAML::Node& n, const std::string& key, PrivacySettings& p) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"retention_days",
         [&](auto& v, auto& k) -> Result<void> {
           std::uint64_t days = 0;
           if (auto r = number(v, k, 1, kMaxRetentionDays, days); !r) return r;
           p.retention = std::chrono::days(static_cast<std::chrono::days::rep>(days));
           return {};
         }},
        {"retention_interval_s", [&](auto& v, auto& k) { return seconds(v, k, p.retention_interval); }},
    };
    return each_key(n, key, table);
  }

  Result<void> webform(const YAML::Node& n, const std::string& key, WebformSettings& w) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"automated_hosts",
         [&](auto& v, auto& k) -> Result<void> {
           if (auto r = text_list(v, k, w.automated_hosts); !r) return r;
           for (auto& host : w.automated_hosts) {
             // Exact host names only: a pattern or URL here could let posts reach a site by mistake.
             if (!is_host_name(host) && !is_ip_address(host)) {
               return fail(v, k, "\"" + k + "\" lists host names such as council.example.org; \"" + host +
                                     "\" is not one");
             }
             std::transform(host.begin(), host.end(), host.begin(),
                            [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
           }
           return {};
         }},
        {"per_host_interval_s",
         [&](auto& v, auto& k) -> Result<void> {
           std::uint64_t s = 0;  // 0 turns pacing off (tests)
           if (auto r = number(v, k, 0, kMaxDurationS, s); !r) return r;
           w.per_host_interval = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(s));
           return {};
         }},
        {"connect_timeout_ms", [&](auto& v, auto& k) { return duration(v, k, w.connect_timeout); }},
        {"timeout_ms", [&](auto& v, auto& k) { return duration(v, k, w.timeout); }},
        {"max_redirects", [&](auto& v, auto& k) { return number(v, k, 0, kMaxRedirects, w.max_redirects); }},
        {"max_response_bytes",
         [&](auto& v, auto& k) { return number(v, k, 1024, kMaxSizeBytes, w.max_response_bytes); }},
        {"user_agent", [&](auto& v, auto& k) { return text(v, k, w.user_agent); }},
    };
    return each_key(n, key, table);
  }

  Result<void> limits(const YAML::Node& n, const std::string& key, Limits& l) {
    if (n.IsNull()) return {};
    if (!n.IsMap()) return fail(n, key, "\"" + key + "\" must be a map");
    const KeyTable table = {
        {"max_body_bytes", [&](auto& v, auto& k) { return number(v, k, 1, kMaxSizeBytes, l.max_body_bytes); }},
        {"max_header_bytes", [&](auto& v, auto& k) { return number(v, k, 1, kMaxSizeBytes, l.max_header_bytes); }},
        {"max_request_line_bytes",
         [&](auto& v, auto& k) { return number(v, k, 1, kMaxSizeBytes, l.max_request_line_bytes); }},
        {"max_field_bytes", [&](auto& v, auto& k) { return number(v, k, 1, kMaxSizeBytes, l.max_field_bytes); }},
        {"max_connections", [&](auto& v, auto& k) { return number(v, k, 1, kMaxConnections, l.max_connections); }},
        {"max_delayed_forms", [&](auto& v, auto& k) { return number(v, k, 1, kMaxConnections, l.max_delayed_forms); }},
        {"read_timeout_ms", [&](auto& v, auto& k) { return duration(v, k, l.read_timeout); }},
        {"idle_timeout_ms", [&](auto& v, auto& k) { return duration(v, k, l.idle_timeout); }},
        {"write_timeout_ms", [&](auto& v, auto& k) { return duration(v, k, l.write_timeout); }},
    };
    return each_key(n, key, table);
  }

  // Checks that need the value, not only its type; reported at the key's line.
  Result<void> validate(const YAML::Node& root, const Settings& s) const {
    auto at = [&](const char* key) { return root[key] ? root[key] : root; };
    if (auto r = parse_listen(s.listen); !r) return fail(at("listen"), "listen", r.error().message);
    if (!s.public_url.empty()) {
      const std::string& u = s.public_url;
      const bool scheme = u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
      const std::size_t host_start = u.find("//") + 2;
      const bool has_host = scheme && u.size() > host_start && u[host_start] != '/';
      const bool clean = u.find_first_of(" ?#") == std::string::npos;
      if (!scheme || !has_host || !clean) {
        return fail(at("public_url"), "public_url",
                    "\"public_url\" must be an http:// or https:// URL without query or fragment, not \"" + u + "\"");
      }
    }
    for (const auto& proxy : s.trusted_proxies) {
      if (!is_ip_address(proxy)) {
        return fail(at("trusted_proxies"), "trusted_proxies",
                    "\"trusted_proxies\" lists IP addresses; \"" + proxy + "\" is not one");
      }
    }
    for (const auto& origin : s.embed_origins) {
      // An origin is what a browser sends: scheme, host and maybe a port; nothing a CSP source
      // list would read as a wildcard or a second source.
      const bool scheme = origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0;
      const std::size_t host_start = origin.find("//") + 2;
      const bool host = scheme && origin.size() > host_start;
      const bool clean = origin.find_first_of(" */?#;,'\"", scheme ? host_start : 0) == std::string::npos;
      if (!scheme || !host || !clean) {
        return fail(at("embed_origins"), "embed_origins",
                    "\"embed_origins\" lists origins like https://www.example.org (scheme, host, optional port; no "
                    "path or wildcard); \"" + origin + "\" is not one");
      }
    }
    static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (levels.count(s.log_level) == 0) {
      return fail(
          at("log_level"), "log_level",
          "\"log_level\" must be one of trace, debug, info, warn, error, critical, off; not \"" + s.log_level + "\"");
    }
    return {};
  }

  std::filesystem::path file_;
};

}  // namespace

Result<Settings> load_settings(const std::filesystem::path& file) {
  auto content = read_file(file);
  if (!content) return content.error();
  if (!is_valid_utf8(*content)) {
    return Error::make(ErrorKind::bad_request, file.string() + ": the settings file is not valid UTF-8");
  }
  YAML::Node root;
  try {
    root = YAML::Load(*content);
  } catch (const YAML::Exception& e) {
    std::string where = file.string();
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Error::make(ErrorKind::bad_request, where + ": " + e.msg);
  }
  try {
    return SettingsReader(file).read(root);
  } catch (const YAML::Exception& e) {
    // Reading a well-formed document should not throw; if it does, say where.
    return Error::make(ErrorKind::bad_request, file.string() + ": " + e.msg, {}, e.what());
  }
}

Result<std::pair<std::string, unsigned short>> parse_listen(const std::string& listen) {
  auto bad = [&](const std::string& why) {
    return Error::make(ErrorKind::bad_request, "\"listen\" must be HOST:PORT (\"[::1]:8080\" for IPv6): " + why,
                       "listen");
  };
  std::string host;
  std::string_view port;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos) return bad("missing ']' in \"" + listen + "\"");
    host = listen.substr(1, close - 1);
    if (close + 1 >= listen.size() || listen[close + 1] != ':') return bad("no port in \"" + listen + "\"");
    port = std::string_view(listen).substr(close + 2);
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET6, host.c_str(), buf) != 1) return bad("\"" + host + "\" is not an IPv6 address");
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("no port in \"" + listen + "\"");
    host = listen.substr(0, colon);
    port = std::string_view(listen).substr(colon + 1);
    if (host.find(':') != std::string::npos) return bad("write IPv6 addresses in brackets");
    if (!is_host_name(host)) return bad("\"" + host + "\" is not a host name or address");
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.size() > 5 || ec != std::errc() || end != port.data() + port.size() ||
      value > std::numeric_limits<unsigned short>::max()) {
    return bad("\"" + std::string(port) + "\" is not a port number (0 to 65535)");
  }
  return std::pair<std::string, unsigned short>{host, static_cast<unsigned short>(value)};
}

Result<void> validate_transport_url(const std::string& url) {
  if (url == "spool") return {};
  const bool smtp = url.rfind("smtp://", 0) == 0;
  const bool smtps = url.rfind("smtps://", 0) == 0;
  const std::string why = "\"mail.transport_url\" must be spool, smtp://[user:password@]host[:port] or "
                          "smtps://[user:password@]host[:port]";
  if (!smtp && !smtps) return Error::make(ErrorKind::bad_request, why + ", not \"" + url + "\"", "mail.transport_url");
  // The URL may carry a password: name the problem without echoing it.
  std::string rest = url.substr(smtp ? 7 : 8);
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto host_port = rest.find(':') == std::string::npos ? rest + ":25" : rest;
  auto parsed = parse_listen(host_port);
  if (rest.empty() || !parsed || parsed->second == 0) {
    return Error::make(ErrorKind::bad_request, why + " (the host or port is not valid)", "mail.transport_url");
  }
  return {};
}

std::filesystem::path Settings::spool_dir() const { return mail.spool_dir.empty() ? data_dir / "spool" : mail.spool_dir; }

std::string Settings::base_url(unsigned bound_port) const {
  if (!public_url.empty()) {
    std::string url = public_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  auto parsed = parse_listen(listen);
  if (!parsed) return "http://" + listen;  // load_settings refuses such a value; keep it visible
  std::string host = parsed->first;
  const unsigned port = bound_port != 0 ? bound_port : parsed->second;
  // A wildcard address is where the server listens, not where a browser can reach it.
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace twinning
