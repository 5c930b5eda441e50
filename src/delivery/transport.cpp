#include "delivery/transport.hpp"

#include "delivery/dkim.hpp"
#include "delivery/smtp_transport.hpp"
#include "delivery/spool_transport.hpp"

namespace twinning::delivery {

const char* to_string(SendOutcome::Kind kind) {
  switch (kind) {
    case SendOutcome::Kind::sent:
      return "sent";
    case SendOutcome::Kind::temporary:
      return "temporary failure";
    case SendOutcome::Kind::permanent:
      return "permanent failure";
  }
  return "unknown";
}

namespace {

Result<std::unique_ptr<Transport>> bare_transport(const Settings& settings) {
  const MailSettings& m = settings.mail;
  if (m.transport_url == "spool") {
    auto spool = SpoolTransport::open(settings.spool_dir());
    if (!spool) return spool.error();
    return std::unique_ptr<Transport>(std::make_unique<SpoolTransport>(std::move(spool).value()));
  }
  SmtpOptions options;
  options.url = m.transport_url;
  options.starttls_required = m.starttls_required;
  options.ca_file = m.tls_ca_file;
  options.timeout = m.smtp_timeout;
  auto smtp = SmtpTransport::create(std::move(options));
  if (!smtp) return smtp.error();
  return std::unique_ptr<Transport>(std::move(smtp).value());
}

}  // namespace

Result<std::unique_ptr<Transport>> make_transport(const Settings& settings) {
  auto transport = bare_transport(settings);
  if (!transport || settings.mail.dkim_key_file.empty()) return transport;
  auto signer = DkimSigner::load(settings.mail.dkim_key_file, settings.mail.dkim_selector, settings.mail.dkim_domain);
  if (!signer) return signer.error();
  return std::unique_ptr<Transport>(
      std::make_unique<DkimTransport>(std::move(transport).value(), std::move(signer).value()));
}

}  // namespace twinning::delivery
