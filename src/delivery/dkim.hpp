#pragma once
// DKIM signing (RFC 6376) with libopendkim, when a key is configured: each message is signed as it
// leaves (rsa-sha256, relaxed/relaxed), so a rotated key applies to mail already queued.
#include <filesystem>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "delivery/transport.hpp"

namespace twinning::delivery {

class DkimSigner {
 public:
  // Reads a PEM private key. `domain` empty: each message is signed for the domain of its From
  // address (what DMARC aligns with). Errors: io (key file), bad_request (no selector, no key).
  static Result<DkimSigner> load(const std::filesystem::path& key_file, std::string selector, std::string domain);
  // The message with a DKIM-Signature header field in front. Errors: bad_request when the message
  // has no From domain to sign for; internal when libopendkim refuses (the detail says why).
  Result<std::string> sign(const std::string& message) const;

  struct Lib;

 private:
  DkimSigner(std::shared_ptr<Lib> lib, std::string key, std::string selector, std::string domain)
      : lib_(std::move(lib)), key_(std::move(key)), selector_(std::move(selector)), domain_(std::move(domain)) {}
  std::shared_ptr<Lib> lib_;
  std::string key_, selector_, domain_;
};

// Signs, then hands the signed message to the transport it wraps. A message that cannot be signed
// is a temporary failure: the key is the operator's to fix, and unsigned mail would be refused by
// DMARC-enforcing receivers anyway.
class DkimTransport final : public Transport {
 public:
  DkimTransport(std::unique_ptr<Transport> inner, DkimSigner signer)
      : inner_(std::move(inner)), signer_(std::move(signer)) {}
  SendOutcome send(const store::OutboxRow& message) override;
  void idle() override { inner_->idle(); }
  std::string describe() const override { return inner_->describe() + " (DKIM-signed)"; }

 private:
  std::unique_ptr<Transport> inner_;
  DkimSigner signer_;
};

struct DkimKeyPair {
  std::string private_key_pem;  // PKCS#8 PEM
  std::string public_key_base64;  // SubjectPublicKeyInfo, DER, base64: the p= of the record
};
// A new RSA key. Errors: internal.
Result<DkimKeyPair> generate_dkim_key(unsigned bits = 2048);
// The DNS record to publish, in zone-file form: the TXT value split into strings of at most 255
// characters, as DNS requires.
std::string dkim_dns_record(const std::string& selector, const std::string& domain,
                            const std::string& public_key_base64);

}  // namespace twinning::delivery
