#pragma once
// Every setting twinning has, with its default. Loaded from one YAML file (docs/configuration.md),
// then overridden from the command line. Limits are named here, never written inline.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

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

struct Settings {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free port
  std::filesystem::path data_dir = "data";
  std::filesystem::path campaigns_dir = "campaigns";
  std::filesystem::path resources_dir;  // templates/, locales/, static/; default: the source tree
  std::string public_url;               // base of every link the product writes; default from listen
  std::vector<std::string> trusted_proxies;  // IPs allowed to set the client address (X-Forwarded-For)
  unsigned threads = 0;                      // server threads; 0 = one per core
  Limits limits;
  std::string log_level = "info";

  // The public URL without a trailing slash ("http://127.0.0.1:8080" when none is configured).
  std::string base_url(unsigned bound_port = 0) const;
};

// Reads a settings file. Unknown keys and wrong types are errors naming the key and line.
Result<Settings> load_settings(const std::filesystem::path& file);
// Parses "HOST:PORT" ("[::1]:8080" for IPv6).
Result<std::pair<std::string, unsigned short>> parse_listen(const std::string& listen);

}  // namespace twinning
