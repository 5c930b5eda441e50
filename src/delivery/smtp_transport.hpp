#pragma once
// Sends over SMTP (smtp:// with STARTTLS, smtps:// with TLS from the start) through vmime's SMTP
// service. One connection is kept across a batch and made again when it drops; vmime pipelines
// the envelope when the server offers PIPELINING. vmime stays inside smtp_transport.cpp: its
// include path shadows generic header names (docs/DEPENDENCIES.md).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "delivery/transport.hpp"

namespace twinning::delivery {

struct SmtpOptions {
  std::string url;  // smtp://[user:password@]host[:port] or smtps://...
  bool starttls_required = false;
  std::filesystem::path ca_file;  // extra trusted CAs (PEM), besides the system's
  std::filesystem::path system_ca_file = "/etc/ssl/certs/ca-certificates.crt";
  std::chrono::milliseconds timeout{30000};
  // A connection unused for this long is checked with NOOP before it carries a message, so a
  // connection the server closed meanwhile costs a reconnect, not a failed attempt.
  std::chrono::seconds check_after_idle{5};
};

class SmtpTransport final : public Transport {
 public:
  // Checks the URL and loads the CA certificates; connects only when the first message is sent.
  // Errors: bad_request (URL), io (a CA file that cannot be read).
  static Result<std::unique_ptr<SmtpTransport>> create(SmtpOptions options);
  ~SmtpTransport() override;

  SendOutcome send(const store::OutboxRow& message) override;
  void idle() override;
  std::string describe() const override;

  struct Impl;

 private:
  explicit SmtpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The reply class of an SMTP status code: 2xx sent, 4xx (and anything unreadable) temporary,
// 5xx permanent.
SendOutcome::Kind classify_smtp_status(int status);

}  // namespace twinning::delivery
