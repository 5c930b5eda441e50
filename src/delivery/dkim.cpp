#include "delivery/dkim.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
// dkim.h uses _Bool and the BSD u_char without including what defines them.
#include <stdbool.h>
#include <sys/types.h>
#include <opendkim/dkim.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace twinning::delivery {

struct DkimSigner::Lib {
  DKIM_LIB* handle = nullptr;
  ~Lib() {
    if (handle != nullptr) dkim_close(handle);
  }
};

namespace {

// The domain of the first From address of the message's header section, lower case.
std::string from_domain(const std::string& message) {
  std::size_t pos = 0;
  std::string from;
  bool in_from = false;
  while (pos < message.size()) {
    std::size_t eol = message.find('\n', pos);
    if (eol == std::string::npos) eol = message.size();
    std::string line = message.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = eol + 1;
    if (line.empty()) break;  // end of the header section
    const bool continuation = line.front() == ' ' || line.front() == '\t';
    if (in_from && continuation) {
      from += line;
      continue;
    }
    in_from = false;
    if (!continuation && line.size() > 5) {
      std::string name = line.substr(0, 5);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (name == "from:" && from.empty()) {
        from = line.substr(5);
        in_from = true;
      }
    }
  }
  // "Name <a@b>" or "a@b": the domain ends at '>' or the end.
  const auto close = from.rfind('>');
  const auto at = from.rfind('@', close == std::string::npos ? std::string::npos : close);
  if (at == std::string::npos) return {};
  std::string domain = from.substr(at + 1, close == std::string::npos ? std::string::npos : close - at - 1);
  while (!domain.empty() && std::isspace(static_cast<unsigned char>(domain.back()))) domain.pop_back();
  std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool valid = !domain.empty() && std::all_of(domain.begin(), domain.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
  });
  return valid ? domain : std::string{};
}

std::string openssl_error(const char* what) { return std::string(what) + " failed (OpenSSL)"; }

}  // namespace

Result<DkimSigner> DkimSigner::load(const std::filesystem::path& key_file, std::string selector, std::string domain) {
  if (selector.empty()) return Error::make(ErrorKind::bad_request, "a DKIM key needs a selector", "mail.dkim_selector");
  std::ifstream in(key_file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return Error::make(ErrorKind::io, "cannot read the DKIM key file " + key_file.string(), "mail.dkim_key_file");
  }
  std::string key = text.str();
  if (key.find("-----BEGIN") == std::string::npos || key.find("PRIVATE KEY-----") == std::string::npos) {
    return Error::make(ErrorKind::bad_request, "the DKIM key file " + key_file.string() + " holds no PEM private key",
                       "mail.dkim_key_file");
  }
  auto lib = std::make_shared<Lib>();
  lib->handle = dkim_init(nullptr, nullptr);
  if (lib->handle == nullptr) return Error::make(ErrorKind::internal, "cannot start libopendkim");
  return DkimSigner(std::move(lib), std::move(key), std::move(selector), std::move(domain));
}

Result<std::string> DkimSigner::sign(const std::string& message) const {
  const std::string domain = domain_.empty() ? from_domain(message) : domain_;
  if (domain.empty()) {
    return Error::make(ErrorKind::bad_request, "the message has no From address to sign for");
  }
  DKIM_STAT status = DKIM_STAT_OK;
  DKIM* dkim = dkim_sign(lib_->handle, reinterpret_cast<const unsigned char*>("twinning"), nullptr,
                         reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(key_.c_str())),
                         reinterpret_cast<const unsigned char*>(selector_.c_str()),
                         reinterpret_cast<const unsigned char*>(domain.c_str()), DKIM_CANON_RELAXED,
                         DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1L, &status);
  if (dkim == nullptr) {
    return Error::make(ErrorKind::internal, "cannot sign the message (DKIM)", {},
                       std::string("dkim_sign: ") + dkim_getresultstr(status));
  }
  struct Free {
    DKIM* d;
    ~Free() { dkim_free(d); }
  } free_on_exit{dkim};
  std::string copy = message;  // dkim_chunk takes a non-const buffer
  status = dkim_chunk(dkim, reinterpret_cast<u_char*>(copy.data()), copy.size());
  if (status == DKIM_STAT_OK) status = dkim_chunk(dkim, nullptr, 0);
  if (status == DKIM_STAT_OK) status = dkim_eom(dkim, nullptr);
  static constexpr std::string_view kName = "DKIM-Signature: ";
  u_char* header = nullptr;
  std::size_t length = 0;
  if (status == DKIM_STAT_OK) status = dkim_getsighdr_d(dkim, kName.size(), &header, &length);
  if (status != DKIM_STAT_OK || header == nullptr) {
    const char* why = dkim_geterror(dkim);
    return Error::make(ErrorKind::internal, "cannot sign the message (DKIM)", {},
                       std::string("libopendkim: ") + dkim_getresultstr(status) + (why ? std::string(": ") + why : ""));
  }
  // libopendkim folds with LF; the message travels with CRLF.
  std::string value;
  for (std::size_t i = 0; i < length; ++i) {
    const char c = static_cast<char>(header[i]);
    if (c == '\n' && (value.empty() || value.back() != '\r')) value += '\r';
    value += c;
  }
  return std::string(kName) + value + "\r\n" + message;
}

SendOutcome DkimTransport::send(const store::OutboxRow& message) {
  auto signed_message = signer_.sign(message.payload);
  if (!signed_message) {
    return {SendOutcome::Kind::temporary, signed_message.error().message + " " + signed_message.error().detail, false};
  }
  store::OutboxRow copy = message;
  copy.payload = std::move(signed_message).value();
  return inner_->send(copy);
}

Result<DkimKeyPair> generate_dkim_key(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  if (key == nullptr) return Error::make(ErrorKind::internal, openssl_error("RSA key generation"));
  struct FreeKey {
    EVP_PKEY* k;
    ~FreeKey() { EVP_PKEY_free(k); }
  } free_key{key};

  DkimKeyPair pair;
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    BIO_free(bio);
    return Error::make(ErrorKind::internal, openssl_error("writing the private key"));
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  pair.private_key_pem.assign(data, static_cast<std::size_t>(size));
  BIO_free(bio);

  unsigned char* der = nullptr;
  const int der_size = i2d_PUBKEY(key, &der);
  if (der_size <= 0) return Error::make(ErrorKind::internal, openssl_error("writing the public key"));
  std::string b64(4 * ((static_cast<std::size_t>(der_size) + 2) / 3) + 1, '\0');
  const int b64_size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der, der_size);
  OPENSSL_free(der);
  b64.resize(static_cast<std::size_t>(b64_size));
  pair.public_key_base64 = std::move(b64);
  return pair;
}

std::string dkim_dns_record(const std::string& selector, const std::string& domain,
                            const std::string& public_key_base64) {
  const std::string value = "v=DKIM1; k=rsa; p=" + public_key_base64;
  std::string strings;
  for (std::size_t at = 0; at < value.size(); at += 255) {
    strings += (strings.empty() ? "" : "\n  ") + ("\"" + value.substr(at, 255) + "\"");
  }
  return selector + "._domainkey." + domain + ". IN TXT (\n  " + strings + " )\n";
}

}  // namespace twinning::delivery
