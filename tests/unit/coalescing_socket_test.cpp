// The SMTP transport's socket wrapper: what vmime writes in pieces leaves in one write, just before
// the transport waits for the server's answer, and never out of order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "delivery/coalescing_socket.hpp"

namespace twinning::delivery {
namespace {

// The far end as the wrapper sees it: each write to it is kept as one string.
class RecordingSocket final : public vmime::net::socket {
 public:
  std::vector<std::string> writes;
  std::string events;  // r = read, w = wait for read, d = disconnect, in order, after writes
  bool connected = true;

  void connect(const vmime::string&, const vmime::port_t) override { connected = true; }
  void disconnect() override {
    events += 'd';
    connected = false;
  }
  bool isConnected() const override { return connected; }
  bool waitForRead(const int) override {
    events += 'w';
    return true;
  }
  bool waitForWrite(const int) override { return true; }
  void receive(vmime::string& buffer) override {
    events += 'r';
    buffer = "250 OK\r\n";
  }
  size_t receiveRaw(vmime::byte_t* buffer, const size_t count) override {
    events += 'r';
    if (count > 0) buffer[0] = '2';
    return count > 0 ? 1 : 0;
  }
  void send(const vmime::string& buffer) override { writes.push_back(buffer); }
  void send(const char* str) override { writes.emplace_back(str); }
  void sendRaw(const vmime::byte_t* buffer, const size_t count) override {
    writes.emplace_back(reinterpret_cast<const char*>(buffer), count);
  }
  size_t sendRawNonBlocking(const vmime::byte_t* buffer, const size_t count) override {
    sendRaw(buffer, count);
    return count;
  }
  size_t getBlockSize() const override { return 16384; }
  unsigned int getStatus() const override { return 0; }
  const vmime::string getPeerName() const override { return "peer"; }
  const vmime::string getPeerAddress() const override { return "127.0.0.1"; }
  vmime::shared_ptr<vmime::net::timeoutHandler> getTimeoutHandler() override { return nullptr; }
  void setTracer(vmime::shared_ptr<vmime::net::tracer>) override {}
  vmime::shared_ptr<vmime::net::tracer> getTracer() override { return nullptr; }
};

struct Pair {
  vmime::shared_ptr<RecordingSocket> far = vmime::make_shared<RecordingSocket>();
  CoalescingSocket socket{far};
};

TEST(CoalescingSocket, APipelinedTransactionLeavesInOneWriteBeforeTheAnswerIsRead) {
  Pair p;
  p.socket.send("MAIL FROM:<a@example.org>\r\n");
  p.socket.send(std::string("RCPT TO:<b@example.org>\r\n"));
  p.socket.send("DATA\r\n");
  EXPECT_TRUE(p.far->writes.empty());
  EXPECT_EQ(p.socket.held(), 58u);
  vmime::string answer;
  p.socket.receive(answer);
  ASSERT_EQ(p.far->writes.size(), 1u);
  EXPECT_EQ(p.far->writes[0], "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
  EXPECT_EQ(p.far->events, "r");
  EXPECT_EQ(answer, "250 OK\r\n");
}

TEST(CoalescingSocket, TheMessageAndItsEndMarkerGoTogether) {
  Pair p;
  const std::string body = "Subject: hej\r\n\r\nKære borgmester\r\n";
  p.socket.sendRaw(reinterpret_cast<const vmime::byte_t*>(body.data()), body.size());
  p.socket.send("\r\n.\r\n");
  EXPECT_TRUE(p.socket.waitForRead(1000));
  ASSERT_EQ(p.far->writes.size(), 1u);
  EXPECT_EQ(p.far->writes[0], body + "\r\n.\r\n");
  EXPECT_EQ(p.far->events, "w");  // written before the wait, not after
}

TEST(CoalescingSocket, RawReadsFlushFirstToo) {
  Pair p;
  p.socket.send("EHLO x\r\n");
  vmime::byte_t b[4];
  EXPECT_EQ(p.socket.receiveRaw(b, sizeof b), 1u);
  EXPECT_EQ(p.far->writes, std::vector<std::string>{"EHLO x\r\n"});
}

TEST(CoalescingSocket, NothingHeldMeansNoEmptyWrite) {
  Pair p;
  vmime::string answer;
  p.socket.receive(answer);
  p.socket.flush();
  EXPECT_TRUE(p.far->writes.empty());
  EXPECT_EQ(p.socket.writes(), 0u);
}

TEST(CoalescingSocket, ALargeMessageIsWrittenInBoundedPiecesInOrder) {
  Pair p;
  std::string chunk(10000, 'x');
  std::string all;
  for (char c = 'a'; c < 'a' + 10; ++c) {
    chunk.assign(10000, c);
    all += chunk;
    p.socket.send(chunk);
  }
  EXPECT_LT(p.socket.held(), CoalescingSocket::kFlushAt);
  p.socket.flush();
  std::string joined;
  for (const auto& w : p.far->writes) {
    EXPECT_LE(w.size(), CoalescingSocket::kFlushAt + 10000);
    joined += w;
  }
  EXPECT_EQ(joined, all);
  EXPECT_EQ(p.far->writes.size(), 2u);  // one at 70 000 bytes, then the rest
}

TEST(CoalescingSocket, NonBlockingWritesKeepTheOrderOfBytes) {
  Pair p;
  p.socket.send("first ");
  const std::string second = "second";
  EXPECT_EQ(p.socket.sendRawNonBlocking(reinterpret_cast<const vmime::byte_t*>(second.data()), second.size()), 6u);
  EXPECT_EQ(p.far->writes, (std::vector<std::string>{"first ", "second"}));
}

TEST(CoalescingSocket, DisconnectSendsWhatIsHeldFirst) {
  Pair p;
  p.socket.send("QUIT\r\n");
  p.socket.disconnect();
  EXPECT_EQ(p.far->writes, std::vector<std::string>{"QUIT\r\n"});
  EXPECT_EQ(p.far->events, "d");
  EXPECT_FALSE(p.socket.isConnected());
}

}  // namespace
}  // namespace twinning::delivery
