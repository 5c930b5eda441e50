#include "delivery/coalescing_socket.hpp"

#include <cstring>

#include <vmime/exception.hpp>

namespace twinning::delivery {

void CoalescingSocket::connect(const vmime::string& address, const vmime::port_t port) {
  pending_.clear();
  inner_->connect(address, port);
}

void CoalescingSocket::disconnect() {
  // A QUIT written just before must still go out; a connection that is already gone cannot take it.
  try {
    flush();
  } catch (const vmime::exception&) {
    pending_.clear();
  }
  inner_->disconnect();
}

bool CoalescingSocket::waitForRead(const int msecs) {
  flush();  // the answer we wait for may be to what is held
  return inner_->waitForRead(msecs);
}

bool CoalescingSocket::waitForWrite(const int msecs) { return inner_->waitForWrite(msecs); }

void CoalescingSocket::receive(vmime::string& buffer) {
  flush();
  inner_->receive(buffer);
}

size_t CoalescingSocket::receiveRaw(vmime::byte_t* buffer, const size_t count) {
  flush();
  return inner_->receiveRaw(buffer, count);
}

void CoalescingSocket::send(const vmime::string& buffer) { hold(buffer.data(), buffer.size()); }

void CoalescingSocket::send(const char* str) { hold(str, std::strlen(str)); }

void CoalescingSocket::sendRaw(const vmime::byte_t* buffer, const size_t count) {
  hold(reinterpret_cast<const char*>(buffer), count);
}

size_t CoalescingSocket::sendRawNonBlocking(const vmime::byte_t* buffer, const size_t count) {
  // The caller handles partial writes itself: keep the order of bytes, then let it.
  flush();
  return inner_->sendRawNonBlocking(buffer, count);
}

void CoalescingSocket::flush() {
  if (pending_.empty()) return;
  vmime::string out;
  out.swap(pending_);  // cleared even when the write throws: that connection is finished
  ++writes_;
  inner_->sendRaw(reinterpret_cast<const vmime::byte_t*>(out.data()), out.size());
}

void CoalescingSocket::hold(const char* data, std::size_t size) {
  pending_.append(data, size);
  if (pending_.size() >= kFlushAt) flush();
}

vmime::shared_ptr<vmime::net::socket> CoalescingSocketFactory::create() {
  return vmime::make_shared<CoalescingSocket>(inner_->create());
}

vmime::shared_ptr<vmime::net::socket> CoalescingSocketFactory::create(vmime::shared_ptr<vmime::net::timeoutHandler> th) {
  return vmime::make_shared<CoalescingSocket>(inner_->create(std::move(th)));
}

}  // namespace twinning::delivery
