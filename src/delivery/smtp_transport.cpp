#include "delivery/smtp_transport.hpp"

#include "delivery/coalescing_socket.hpp"

// vmime's headers last: its include path holds generic names (types.hpp, message.hpp).
#include <vmime/vmime.hpp>
#include <vmime/net/smtp/SMTPExceptions.hpp>
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/security/cert/defaultCertificateVerifier.hpp>

#include <fstream>
#include <mutex>
#include <sstream>

namespace twinning::delivery {

namespace {

void init_vmime() {
  static std::once_flag once;
  std::call_once(once, [] { vmime::platform::setHandler<vmime::platforms::posix::posixHandler>(); });
}

// Aborts a network operation once the server has been silent for the timeout; vmime's default
// is to wait forever, which would stall the whole queue on one dead relay.
class Timeout final : public vmime::net::timeoutHandler {
 public:
  explicit Timeout(std::chrono::milliseconds limit) : limit_(limit), start_(std::chrono::steady_clock::now()) {}
  bool isTimeOut() override { return std::chrono::steady_clock::now() - start_ >= limit_; }
  void resetTimeOut() override { start_ = std::chrono::steady_clock::now(); }
  bool handleTimeOut() override { return false; }  // give up: the message is retried later

 private:
  std::chrono::milliseconds limit_;
  std::chrono::steady_clock::time_point start_;
};

class TimeoutFactory final : public vmime::net::timeoutHandlerFactory {
 public:
  explicit TimeoutFactory(std::chrono::milliseconds limit) : limit_(limit) {}
  vmime::shared_ptr<vmime::net::timeoutHandler> create() override { return vmime::make_shared<Timeout>(limit_); }

 private:
  std::chrono::milliseconds limit_;
};

Result<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  if (in) out << in.rdbuf();
  if (!in || in.bad()) return Error::make(ErrorKind::io, "cannot read the CA file " + file.string());
  return out.str();
}

// A PEM bundle holds many certificates; vmime imports one at a time.
std::vector<vmime::shared_ptr<vmime::security::cert::X509Certificate>> parse_pem_bundle(const std::string& pem) {
  static const std::string begin = "-----BEGIN CERTIFICATE-----";
  static const std::string end = "-----END CERTIFICATE-----";
  std::vector<vmime::shared_ptr<vmime::security::cert::X509Certificate>> certs;
  for (std::size_t at = pem.find(begin); at != std::string::npos; at = pem.find(begin, at)) {
    const std::size_t stop = pem.find(end, at);
    if (stop == std::string::npos) break;
    const std::string one = pem.substr(at, stop + end.size() - at);
    auto cert = vmime::security::cert::X509Certificate::import(reinterpret_cast<const vmime::byte_t*>(one.data()),
                                                               one.size());
    if (cert) certs.push_back(cert);
    at = stop + end.size();
  }
  return certs;
}

// Passwords are never logged: the URL is shown without its user information.
std::string redact(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto at = url.rfind('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return url;
  return url.substr(0, scheme_end + 3) + url.substr(at + 1);
}

}  // namespace

SendOutcome::Kind classify_smtp_status(int status) {
  if (status >= 200 && status < 300) return SendOutcome::Kind::sent;
  if (status >= 500 && status < 600) return SendOutcome::Kind::permanent;
  return SendOutcome::Kind::temporary;
}

struct SmtpTransport::Impl {
  SmtpOptions options;
  vmime::utility::url url{"smtp://localhost"};
  vmime::shared_ptr<vmime::net::session> session;
  vmime::shared_ptr<vmime::net::transport> transport;
  vmime::shared_ptr<vmime::security::cert::defaultCertificateVerifier> verifier;
  std::chrono::steady_clock::time_point last_used{};

  void make_transport() {
    transport = session->getTransport(url);
    transport->setCertificateVerifier(verifier);
    transport->setTimeoutHandlerFactory(vmime::make_shared<TimeoutFactory>(options.timeout));
    transport->setSocketFactory(
        vmime::make_shared<CoalescingSocketFactory>(vmime::platform::getHandler()->getSocketFactory()));
    transport->setProperty("server.address", url.getHost());
    if (url.getPort() != vmime::utility::url::UNSPECIFIED_PORT) transport->setProperty("server.port", url.getPort());
    // smtps:// is TLS from the first byte; on smtp:// this asks for STARTTLS.
    transport->setProperty("connection.tls", true);
    transport->setProperty("connection.tls.required", options.starttls_required);
    if (!url.getUsername().empty()) {
      transport->setProperty("options.need-authentication", true);
      transport->setProperty("auth.username", url.getUsername());
      transport->setProperty("auth.password", url.getPassword());
    }
    transport->setProperty("options.pipelining", true);
  }

  void drop() {
    if (!transport) return;
    try {
      if (transport->isConnected()) transport->disconnect();
    } catch (const vmime::exception&) {
      // The connection is gone either way; a new transport object is made below.
    }
    transport.reset();
  }

  // Connects if needed; a connection idle for a while is probed first.
  void ensure_connected() {
    if (transport && transport->isConnected() &&
        std::chrono::steady_clock::now() - last_used >= options.check_after_idle) {
      try {
        transport->noop();
      } catch (const vmime::exception&) {
        drop();
      }
    }
    if (!transport || !transport->isConnected()) {
      drop();
      make_transport();
      transport->connect();
    }
  }

  SendOutcome send(const store::OutboxRow& row) {
    try {
      ensure_connected();
      vmime::mailbox from{vmime::emailAddress(row.envelope_from)};
      vmime::mailboxList to;
      to.appendMailbox(vmime::make_shared<vmime::mailbox>(vmime::emailAddress(row.recipient)));
      // vmime ends the data with CRLF "." CRLF itself; without this the message would gain an
      // empty last line on the way.
      std::size_t size = row.payload.size();
      if (size >= 2 && row.payload.compare(size - 2, 2, "\r\n") == 0) size -= 2;
      vmime::utility::inputStreamStringAdapter data(row.payload, 0, size);
      transport->send(from, to, data, size);
      last_used = std::chrono::steady_clock::now();
      return {SendOutcome::Kind::sent, "accepted by " + url.getHost(), false};
    } catch (const vmime::net::smtp::SMTPCommandError& e) {
      // After a refusal vmime's session may be mid-transaction; a fresh connection is simplest.
      drop();
      const auto kind = classify_smtp_status(e.statusCode());
      const bool rcpt = e.command().rfind("RCPT", 0) == 0;
      // vmime keeps the reply text without its code; the code is what people search for.
      std::string reply = e.command() + ": " + std::to_string(e.statusCode()) + " " + e.response();
      while (!reply.empty() && (reply.back() == '\r' || reply.back() == '\n')) reply.pop_back();
      // A 2xx in an error means vmime refused something the server accepted; never count it sent.
      return {kind == SendOutcome::Kind::sent ? SendOutcome::Kind::temporary : kind, reply,
              kind == SendOutcome::Kind::permanent && rcpt};
    } catch (const vmime::net::smtp::SMTPMessageSizeExceedsMaxLimitsException& e) {
      drop();
      return {SendOutcome::Kind::permanent, std::string("message larger than the server accepts: ") + e.what(), false};
    } catch (const vmime::exception& e) {
      // Connection refused or dropped, timeout, TLS or authentication trouble: all may pass (or
      // be fixed by the operator) before the retry deadline.
      drop();
      return {SendOutcome::Kind::temporary, std::string(e.name()) + ": " + e.what(), false};
    } catch (const std::exception& e) {
      drop();
      return {SendOutcome::Kind::temporary, e.what(), false};
    }
  }
};

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(SmtpOptions options) {
  if (auto valid = validate_transport_url(options.url); !valid || options.url == "spool") {
    return Error::make(ErrorKind::bad_request, "not an smtp:// or smtps:// URL: " + redact(options.url));
  }
  init_vmime();
  auto impl = std::make_unique<Impl>();
  try {
    impl->url = vmime::utility::url(options.url);
  } catch (const vmime::exception& e) {
    return Error::make(ErrorKind::bad_request, "not a valid SMTP URL: " + redact(options.url), {}, e.what());
  }
  std::vector<vmime::shared_ptr<vmime::security::cert::X509Certificate>> roots;
  for (const auto& file : {options.system_ca_file, options.ca_file}) {
    if (file.empty()) continue;
    // The system bundle may be missing on a minimal install; a configured CA file must exist.
    if (file == options.system_ca_file && !std::filesystem::exists(file)) continue;
    auto text = read_text(file);
    if (!text) return text.error();
    auto certs = parse_pem_bundle(*text);
    if (certs.empty() && file == options.ca_file) {
      return Error::make(ErrorKind::bad_request, "no PEM certificate in the CA file " + file.string());
    }
    roots.insert(roots.end(), certs.begin(), certs.end());
  }
  impl->verifier = vmime::make_shared<vmime::security::cert::defaultCertificateVerifier>();
  impl->verifier->setX509RootCAs(roots);
  impl->options = std::move(options);
  impl->session = vmime::net::session::create();
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(impl)));
}

SmtpTransport::SmtpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpTransport::~SmtpTransport() { impl_->drop(); }

SendOutcome SmtpTransport::send(const store::OutboxRow& message) { return impl_->send(message); }
void SmtpTransport::idle() { impl_->drop(); }
std::string SmtpTransport::describe() const { return redact(impl_->options.url); }

}  // namespace twinning::delivery
