#pragma once
// A vmime socket that holds what is written until the next read, then sends it in one write.
//
// Why: vmime writes an SMTP transaction as many small writes (each pipelined command, the message,
// then "\r\n.\r\n" on its own), and its POSIX socket does not set TCP_NODELAY. Nagle's algorithm
// then holds the last small write until the server's delayed ACK (~40 ms on Linux), which capped
// delivery at ~25 messages/s on loopback (bench/delivery, docs/performance.md). Writing everything
// at once when we are about to wait for the answer is what a pipelining client should do anyway
// (RFC 2920 section 3.1), and it needs no access to the descriptor.
#include <vmime/net/socket.hpp>

namespace twinning::delivery {

// Wraps `inner`. Bytes written are kept until a read, a wait for readability, a disconnect or
// kFlushAt bytes, whichever comes first.
class CoalescingSocket final : public vmime::net::socket {
 public:
  static constexpr std::size_t kFlushAt = 64 * 1024;

  explicit CoalescingSocket(vmime::shared_ptr<vmime::net::socket> inner) : inner_(std::move(inner)) {}

  void connect(const vmime::string& address, const vmime::port_t port) override;
  void disconnect() override;
  bool isConnected() const override { return inner_->isConnected(); }
  bool waitForRead(const int msecs) override;
  bool waitForWrite(const int msecs) override;
  void receive(vmime::string& buffer) override;
  size_t receiveRaw(vmime::byte_t* buffer, const size_t count) override;
  void send(const vmime::string& buffer) override;
  void send(const char* str) override;
  void sendRaw(const vmime::byte_t* buffer, const size_t count) override;
  size_t sendRawNonBlocking(const vmime::byte_t* buffer, const size_t count) override;
  size_t getBlockSize() const override { return inner_->getBlockSize(); }
  unsigned int getStatus() const override { return inner_->getStatus(); }
  const vmime::string getPeerName() const override { return inner_->getPeerName(); }
  const vmime::string getPeerAddress() const override { return inner_->getPeerAddress(); }
  vmime::shared_ptr<vmime::net::timeoutHandler> getTimeoutHandler() override { return inner_->getTimeoutHandler(); }
  void setTracer(vmime::shared_ptr<vmime::net::tracer> tracer) override { inner_->setTracer(std::move(tracer)); }
  vmime::shared_ptr<vmime::net::tracer> getTracer() override { return inner_->getTracer(); }

  // Sends what is held (no-op when nothing is).
  void flush();
  // Bytes held now, and writes made to the inner socket so far (for tests).
  std::size_t held() const { return pending_.size(); }
  std::size_t writes() const { return writes_; }

 private:
  void hold(const char* data, std::size_t size);

  vmime::shared_ptr<vmime::net::socket> inner_;
  vmime::string pending_;
  std::size_t writes_ = 0;
};

// Makes CoalescingSockets around the sockets of `inner` (the platform's factory).
class CoalescingSocketFactory final : public vmime::net::socketFactory {
 public:
  explicit CoalescingSocketFactory(vmime::shared_ptr<vmime::net::socketFactory> inner) : inner_(std::move(inner)) {}
  vmime::shared_ptr<vmime::net::socket> create() override;
  vmime::shared_ptr<vmime::net::socket> create(vmime::shared_ptr<vmime::net::timeoutHandler> th) override;

 private:
  vmime::shared_ptr<vmime::net::socketFactory> inner_;
};

}  // namespace twinning::delivery
