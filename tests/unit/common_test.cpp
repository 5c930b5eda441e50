// src/common: UTF-8 and control-character checks, and the settings file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "common/config.hpp"
#include "common/utf8.hpp"

namespace twinning {
namespace {

using namespace std::string_literals;

// ---------------------------------------------------------------- UTF-8

TEST(Utf8, AcceptsAsciiAndMultibyteText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Haderslev"));
  EXPECT_TRUE(is_valid_utf8("Ærø, Øster, Århus"));
  EXPECT_TRUE(is_valid_utf8("나주시의회"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x90\x95"));  // U+1F415 DOG, 4 bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("a\0b"s));             // NUL is valid UTF-8 (has_control_chars refuses it)
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));  // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));           // U+0080: the shortest two-byte form
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));       // U+0800: the shortest three-byte form
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));   // U+10000: the shortest four-byte form
}

TEST(Utf8, RejectsSurrogatesAndCodePointsAboveTheLast) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
}

TEST(Utf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));          // lead byte at the end
  EXPECT_FALSE(is_valid_utf8("ab\xE2\x82"));    // two of three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x90"));  // three of four bytes
  EXPECT_FALSE(is_valid_utf8("\x80"));          // continuation byte first
  EXPECT_FALSE(is_valid_utf8(std::string("a\xBF") + "b"));
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));  // continuation replaced by ASCII
  EXPECT_FALSE(is_valid_utf8("\xE2\x28\xA1"));
  EXPECT_FALSE(is_valid_utf8("\xE9"));  // Latin-1 "é"
}

// Every one-, two- and three-byte string: the checker agrees with a plain decoder.
TEST(Utf8, AgreesWithAReferenceDecoderOnEveryShortString) {
  auto reference = [](const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
      const auto b = static_cast<unsigned char>(s[i]);
      std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
      if (len == 0 || i + len > s.size()) return false;
      std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
      for (std::size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c >> 6) != 2) return false;
        cp = (cp << 6) | (c & 0x3F);
      }
      const std::uint32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      i += len;
    }
    return true;
  };
  std::string s;
  for (int a = 0; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    ASSERT_EQ(is_valid_utf8(s), reference(s)) << a;
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      ASSERT_EQ(is_valid_utf8(s), reference(s)) << a << " " << b;
      for (int c = 0x70; c < 0xC8; ++c) {  // ASCII, every continuation byte, and lead bytes
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        ASSERT_EQ(is_valid_utf8(s), reference(s)) << a << " " << b << " " << c;
      }
    }
  }
  std::mt19937 rng(12345);
  for (int n = 0; n < 200000; ++n) {
    s.resize(4);
    for (auto& ch : s) ch = static_cast<char>(rng() % 256);
    ASSERT_EQ(is_valid_utf8(s), reference(s));
  }
}

TEST(ControlChars, FindsC0DelAndC1) {
  EXPECT_FALSE(has_control_chars("plain text, 나주", false));
  EXPECT_FALSE(has_control_chars("tab\tis fine", false));
  EXPECT_TRUE(has_control_chars("nul\0"s, false));
  EXPECT_TRUE(has_control_chars("bell\a", false));
  EXPECT_TRUE(has_control_chars("esc\x1B[31m", false));
  EXPECT_TRUE(has_control_chars("\x1F", false));
  EXPECT_TRUE(has_control_chars("del\x7F", false));
  EXPECT_TRUE(has_control_chars("c1 \xC2\x80", false));  // U+0080
  EXPECT_TRUE(has_control_chars("c1 \xC2\x9F", false));  // U+009F
  EXPECT_FALSE(has_control_chars("\xC2\xA0", false));    // U+00A0 NO-BREAK SPACE is text
  EXPECT_FALSE(has_control_chars("\xC3\x85", false));    // Å
}

TEST(ControlChars, NewlinesOnlyWhenAllowed) {
  EXPECT_TRUE(has_control_chars("a\nb", false));
  EXPECT_TRUE(has_control_chars("a\rb", false));
  EXPECT_FALSE(has_control_chars("a\nb", true));
  EXPECT_FALSE(has_control_chars("a\r\nb", true));
  EXPECT_TRUE(has_control_chars("a\n\0"s, true));
  EXPECT_TRUE(has_control_chars("a\n\x0B", true));  // vertical tab is not a newline here
}

TEST(Newlines, NormalizesCrlfAndCrToLf) {
  EXPECT_EQ(normalize_newlines(""), "");
  EXPECT_EQ(normalize_newlines("a\r\nb"), "a\nb");
  EXPECT_EQ(normalize_newlines("a\rb"), "a\nb");
  EXPECT_EQ(normalize_newlines("a\nb"), "a\nb");
  EXPECT_EQ(normalize_newlines("a\r\r\nb\n\rc\r"), "a\n\nb\n\nc\n");
  EXPECT_EQ(normalize_newlines("\r\n\r\n"), "\n\n");
}

// ---------------------------------------------------------------- settings

class SettingsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("twinning-settings-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& text) {
    const auto file = dir_ / "twinning.yaml";
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

  std::filesystem::path dir_;
};

TEST_F(SettingsFile, ReadsEveryKey) {
  const auto file = write(R"(# production
listen: "0.0.0.0:8443"
data_dir: /var/lib/twinning
campaigns_dir: campaigns
resources_dir: /usr/share/twinning
public_url: https://twinning.example.org/
trusted_proxies: [127.0.0.1, "::1"]
threads: 4
log_level: debug
limits:
  max_body_bytes: 1000
  max_header_bytes: 2000
  max_request_line_bytes: 300
  max_field_bytes: 400
  max_connections: 50
  read_timeout_ms: 1500
  idle_timeout_ms: 2500
  write_timeout_ms: 3500
)");
  auto s = load_settings(file);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->listen, "0.0.0.0:8443");
  EXPECT_EQ(s->data_dir, "/var/lib/twinning");
  EXPECT_EQ(s->campaigns_dir, dir_ / "campaigns");  // relative to the settings file
  EXPECT_EQ(s->resources_dir, "/usr/share/twinning");
  EXPECT_EQ(s->public_url, "https://twinning.example.org/");
  EXPECT_EQ(s->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(s->threads, 4u);
  EXPECT_EQ(s->log_level, "debug");
  EXPECT_EQ(s->limits.max_body_bytes, 1000u);
  EXPECT_EQ(s->limits.max_header_bytes, 2000u);
  EXPECT_EQ(s->limits.max_request_line_bytes, 300u);
  EXPECT_EQ(s->limits.max_field_bytes, 400u);
  EXPECT_EQ(s->limits.max_connections, 50u);
  EXPECT_EQ(s->limits.read_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(s->limits.idle_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(s->limits.write_timeout, std::chrono::milliseconds(3500));
  EXPECT_EQ(s->base_url(), "https://twinning.example.org");
}

TEST_F(SettingsFile, EmptyFileKeepsDefaults) {
  for (const char* text : {"", "# nothing set\n", "limits:\n"}) {
    auto s = load_settings(write(text));
    ASSERT_TRUE(s.ok()) << text << ": " << s.error().message;
    const Settings defaults;
    EXPECT_EQ(s->listen, defaults.listen);
    EXPECT_EQ(s->limits.max_body_bytes, defaults.limits.max_body_bytes);
    EXPECT_EQ(s->limits.read_timeout, defaults.limits.read_timeout);
  }
}

TEST_F(SettingsFile, UnknownKeyNamesKeyAndLine) {
  auto s = load_settings(write("listen: 127.0.0.1:9000\nlisten_port: 9000\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(s.error().field, "listen_port");
  EXPECT_NE(s.error().message.find("twinning.yaml:2:1:"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("unknown key \"listen_port\""), std::string::npos) << s.error().message;
}

TEST_F(SettingsFile, UnknownNestedKeyNamesItsPath) {
  auto s = load_settings(write("limits:\n  max_body_bytes: 10\n  read_timeout: 5\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "limits.read_timeout");
  EXPECT_NE(s.error().message.find(":3:3:"), std::string::npos) << s.error().message;
}

TEST_F(SettingsFile, WrongTypesNameKeyAndLine) {
  struct Case {
    const char* yaml;
    const char* field;
    const char* where;
  };
  const Case cases[] = {
      {"threads: four\n", "threads", ":1:10:"},
      {"threads: -1\n", "threads", ":1:10:"},
      {"threads: 2.5\n", "threads", ":1:10:"},
      {"threads: 99999\n", "threads", ":1:10:"},
      {"\nlimits:\n  read_timeout_ms: 10s\n", "limits.read_timeout_ms", ":3:20:"},
      {"limits:\n  max_body_bytes: 0\n", "limits.max_body_bytes", ":2:19:"},
      {"limits:\n  max_body_bytes: 18446744073709551616\n", "limits.max_body_bytes", ":2:19:"},
      {"limits: 5\n", "limits", ":1:9:"},
      {"listen: [a, b]\n", "listen", ":1:9:"},
      {"trusted_proxies: 127.0.0.1\n", "trusted_proxies", ":1:18:"},
      {"trusted_proxies: [proxy.local]\n", "trusted_proxies", ":1:18:"},
      {"log_level: loud\n", "log_level", ":1:12:"},
      {"listen: localhost\n", "listen", ":1:9:"},
      {"listen: \"::1:8080\"\n", "listen", ":1:9:"},
      {"listen: 127.0.0.1:65536\n", "listen", ":1:9:"},
      {"public_url: twinning.example.org\n", "public_url", ":1:13:"},
      {"public_url: \"https://\"\n", "public_url", ":1:13:"},
      {"data_dir: \"\"\n", "data_dir", ":1:11:"},
  };
  for (const auto& c : cases) {
    auto s = load_settings(write(c.yaml));
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_EQ(s.error().kind, ErrorKind::bad_request) << c.yaml;
    EXPECT_EQ(s.error().field, c.field) << c.yaml;
    EXPECT_NE(s.error().message.find(c.where), std::string::npos) << c.yaml << " -> " << s.error().message;
  }
}

TEST_F(SettingsFile, DuplicateKeyIsRefused) {
  auto s = load_settings(write("threads: 1\nthreads: 2\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "threads");
  EXPECT_NE(s.error().message.find(":2:1:"), std::string::npos) << s.error().message;
}

TEST_F(SettingsFile, MalformedYamlSaysWhere) {
  auto s = load_settings(write("listen: 127.0.0.1:8080\nlimits: [1, 2\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::bad_request);
  EXPECT_NE(s.error().message.find("twinning.yaml:"), std::string::npos) << s.error().message;
}

TEST_F(SettingsFile, TopLevelMustBeAMap) {
  auto s = load_settings(write("- listen\n- threads\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(":1:1:"), std::string::npos) << s.error().message;
}

TEST_F(SettingsFile, InvalidUtf8IsRefused) {
  auto s = load_settings(write("log_level: \xE9t\xE9\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("UTF-8"), std::string::npos);
}

TEST_F(SettingsFile, MissingFileIsAnIoError) {
  auto s = load_settings(dir_ / "absent.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::io);
}

TEST(Listen, ParsesHostAndPort) {
  auto v4 = parse_listen("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = parse_listen("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
  auto name = parse_listen("localhost:65535");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->first, "localhost");
  EXPECT_EQ(name->second, 65535);
}

TEST(Listen, RefusesMalformed) {
  for (const char* bad :
       {"", "8080", ":8080", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:-1", "127.0.0.1:65536", "127.0.0.1:080800",
        "::1:8080", "[::1]8080", "[::1", "[nothost]:80", "a b:80", "127.0.0.1:80 "}) {
    auto r = parse_listen(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "listen");
    }
  }
}

TEST(BaseUrl, FromListenOrPublicUrl) {
  Settings s;
  EXPECT_EQ(s.base_url(), "http://127.0.0.1:8080");
  EXPECT_EQ(s.base_url(41234), "http://127.0.0.1:41234");
  s.listen = "0.0.0.0:0";
  EXPECT_EQ(s.base_url(5000), "http://127.0.0.1:5000");  // a wildcard address is not a link
  s.listen = "[::]:80";
  EXPECT_EQ(s.base_url(), "http://[::1]:80");
  s.listen = "[::1]:80";
  EXPECT_EQ(s.base_url(), "http://[::1]:80");
  s.public_url = "https://example.org/twinning//";
  EXPECT_EQ(s.base_url(5000), "https://example.org/twinning");
}

}  // namespace
}  // namespace twinning

#include "common/digest.hpp"

namespace twinning {
namespace {

TEST(Digest, Blake2bHexHasTheAskedLength) {
  EXPECT_EQ(blake2b_hex("abc").size(), 64u);
  EXPECT_EQ(blake2b_hex("abc", 16).size(), 32u);
  EXPECT_EQ(blake2b_hex("abc"), blake2b_hex("abc"));
  EXPECT_NE(blake2b_hex("abc"), blake2b_hex("abd"));
  // The libsodium test vector for BLAKE2b-512 of the empty string begins with 786a02f7.
  EXPECT_EQ(blake2b_hex("", 64).substr(0, 8), "786a02f7");
}

TEST(Utf8, CodePointsCountCharactersNotBytes) {
  EXPECT_EQ(code_points(""), 0u);
  EXPECT_EQ(code_points("abc"), 3u);
  EXPECT_EQ(code_points("æøå"), 3u);
  EXPECT_EQ(code_points("나주시"), 3u);
  EXPECT_EQ(code_points("🐾"), 1u);
}

}  // namespace
}  // namespace twinning
