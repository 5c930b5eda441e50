// `twinning dkim-keygen`: a DKIM key for the campaign's sending domain and the record to publish.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/delivery_commands.hpp"
#include "delivery/dkim.hpp"

namespace twinning::cli {

namespace {

bool is_dns_label_list(const std::string& s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' || s.front() == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int dkim_keygen(const std::string& selector, const std::string& domain, const std::string& out_file,
                std::ostream& out, std::ostream& err) {
  if (!is_dns_label_list(selector)) {
    err << "twinning dkim-keygen: --selector must be a DNS name such as twinning2026, not \"" << selector << "\"\n";
    return 2;
  }
  if (!is_dns_label_list(domain)) {
    err << "twinning dkim-keygen: --domain must be the sending domain, such as naju-haderslev.org, not \"" << domain
        << "\"\n";
    return 2;
  }
  auto key = delivery::generate_dkim_key(2048);
  if (!key) {
    err << "twinning dkim-keygen: " << key.error().message << "\n";
    return 1;
  }
  // O_EXCL: a key already published in DNS must not be replaced by accident.
  const int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    err << "twinning dkim-keygen: cannot create " << out_file << ": " << std::strerror(errno)
        << (errno == EEXIST ? " (an existing key is never overwritten)" : "") << "\n";
    return 1;
  }
  const std::string& pem = key->private_key_pem;
  std::size_t done = 0;
  while (done < pem.size()) {
    const ssize_t n = ::write(fd, pem.data() + done, pem.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool written = done == pem.size() && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !written) {
    err << "twinning dkim-keygen: cannot write " << out_file << ": " << std::strerror(errno) << "\n";
    ::unlink(out_file.c_str());
    return 1;
  }
  out << "; Publish this record in the DNS zone of " << domain << ",\n"
      << "; then set mail.dkim_key_file: " << out_file << " and mail.dkim_selector: " << selector << "\n"
      << delivery::dkim_dns_record(selector, domain, key->public_key_base64);
  return 0;
}

}  // namespace twinning::cli
