// domain/dialing: what callers in eight countries dial to reach Danish and Korean landlines and
// mobiles. The expected strings are written from the numbering plans (exit codes: 011 in the
// NANP, 00 in Europe, 010 in Japan, 0011 in Australia; Korea has one per carrier), not copied
// from libphonenumber's output.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "campaign/validators.hpp"
#include "domain/dialing.hpp"

namespace twinning::domain {
namespace {

// Copenhagen City Hall (a landline) and the Haderslev mayor's mobile; Denmark's plan does not
// tell them apart, so libphonenumber calls both fixed_line_or_mobile.
constexpr const char* kDkFixed = "+4533663366";
constexpr const char* kDkMobile = "+4540781475";
// Naju City Hall (061 is Jeollanam-do) and a Korean mobile (010).
constexpr const char* kKrFixed = "+82613398114";
constexpr const char* kKrMobile = "+821012345678";

struct Case {
  const char* caller;
  const char* number;
  const char* dial;
  bool domestic;
};

const std::vector<Case> kTable = {
    // The United States and Canada share the NANP exit code 011.
    {"US", kDkFixed, "011 45 33 66 33 66", false},
    {"US", kDkMobile, "011 45 40 78 14 75", false},
    {"US", kKrFixed, "011 82 61-339-8114", false},
    {"US", kKrMobile, "011 82 10-1234-5678", false},
    {"CA", kDkFixed, "011 45 33 66 33 66", false},
    {"CA", kDkMobile, "011 45 40 78 14 75", false},
    {"CA", kKrFixed, "011 82 61-339-8114", false},
    {"CA", kKrMobile, "011 82 10-1234-5678", false},
    // Europe dials 00.
    {"GB", kDkFixed, "00 45 33 66 33 66", false},
    {"GB", kDkMobile, "00 45 40 78 14 75", false},
    {"GB", kKrFixed, "00 82 61-339-8114", false},
    {"GB", kKrMobile, "00 82 10-1234-5678", false},
    {"DE", kDkFixed, "00 45 33 66 33 66", false},
    {"DE", kDkMobile, "00 45 40 78 14 75", false},
    {"DE", kKrFixed, "00 82 61-339-8114", false},
    {"DE", kKrMobile, "00 82 10-1234-5678", false},
    // Inside Denmark: the eight digits, no trunk prefix.
    {"DK", kDkFixed, "33 66 33 66", true},
    {"DK", kDkMobile, "40 78 14 75", true},
    {"DK", kKrFixed, "00 82 61-339-8114", false},
    {"DK", kKrMobile, "00 82 10-1234-5678", false},
    // Inside Korea: the trunk prefix 0 comes back.
    {"KR", kKrFixed, "061-339-8114", true},
    {"KR", kKrMobile, "010-1234-5678", true},
    // Japan dials 010, Australia 0011.
    {"JP", kDkFixed, "010 45 33 66 33 66", false},
    {"JP", kDkMobile, "010 45 40 78 14 75", false},
    {"JP", kKrFixed, "010 82 61-339-8114", false},
    {"JP", kKrMobile, "010 82 10-1234-5678", false},
    {"AU", kDkFixed, "0011 45 33 66 33 66", false},
    {"AU", kDkMobile, "0011 45 40 78 14 75", false},
    {"AU", kKrFixed, "0011 82 61-339-8114", false},
    {"AU", kKrMobile, "0011 82 10-1234-5678", false},
};

TEST(Dialing, TableOfCallersAndNumbers) {
  for (const auto& c : kTable) {
    auto d = dialing_for(c.caller, c.number);
    ASSERT_TRUE(d.ok()) << c.caller << " " << c.number << ": " << d.error().message;
    EXPECT_EQ(d->dial, c.dial) << "from " << c.caller << " to " << c.number;
    EXPECT_EQ(d->domestic, c.domestic) << "from " << c.caller << " to " << c.number;
    EXPECT_FALSE(d->choose_prefix) << "from " << c.caller;
    EXPECT_EQ(d->caller_region, c.caller);
    EXPECT_EQ(d->tel_uri, std::string("tel:") + c.number);
    EXPECT_EQ(d->e164, c.number);
  }
}

TEST(Dialing, FromKoreaAbroadTheCallerChoosesTheCarrierPrefix) {
  for (const auto& [number, after] : {std::pair{kDkFixed, "45 33 66 33 66"}, std::pair{kDkMobile, "45 40 78 14 75"}}) {
    auto d = dialing_for("KR", number);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->choose_prefix);
    EXPECT_FALSE(d->domestic);
    EXPECT_EQ(d->dial, std::string("+") + after);
    EXPECT_EQ(d->after_prefix, after);
    // KT's 001, LG U+'s 002, SK Broadband's 005, SK Telink's 006 and 00700, Onse's 008.
    for (const char* carrier : {"001", "002", "005", "006", "008", "00700"}) {
      EXPECT_NE(std::find(d->prefix_choices.begin(), d->prefix_choices.end(), carrier), d->prefix_choices.end())
          << carrier;
    }
    for (const auto& p : d->prefix_choices) EXPECT_EQ(p.substr(0, 2), "00") << p;
    EXPECT_LE(d->prefix_choices.size(), kMaxListedPrefixes);
    EXPECT_FALSE(d->prefix_pattern.empty());
  }
}

TEST(Dialing, NumberTypesForDisplay) {
  EXPECT_EQ(dialing_for("US", kDkFixed)->type, NumberType::fixed_line_or_mobile);
  EXPECT_EQ(dialing_for("US", kDkMobile)->type, NumberType::fixed_line_or_mobile);
  EXPECT_EQ(dialing_for("US", kKrFixed)->type, NumberType::fixed_line);
  EXPECT_EQ(dialing_for("US", kKrMobile)->type, NumberType::mobile);
  EXPECT_EQ(number_type_id(NumberType::fixed_line_or_mobile), "fixed_line_or_mobile");
  EXPECT_EQ(number_type_id(NumberType::mobile), "mobile");
}

TEST(Dialing, UnknownCallerGetsTheInternationalForm) {
  for (const char* caller : {"", "XX", "us", "001", "DNK", "D", "\xC3\x86K"}) {
    auto d = dialing_for(caller, kDkMobile);
    ASSERT_TRUE(d.ok()) << caller;
    EXPECT_EQ(d->dial, "+45 40 78 14 75") << caller;
    EXPECT_EQ(d->caller_region, "") << caller;
    EXPECT_FALSE(d->domestic) << caller;
    EXPECT_FALSE(d->choose_prefix) << caller;
    EXPECT_EQ(d->international, "+45 40 78 14 75");
    EXPECT_EQ(d->number_region, "DK");
  }
}

TEST(Dialing, MalformedOrInvalidNumbersAreRefused) {
  for (const char* number : {"", "+", "4540781475", "+45 40 78 14 75", "+45-40781475", "00454078147",
                             "+4500000000",          // Danish numbers never start with 0
                             "+454078147500000000",  // too long
                             "+45\xEF\xBC\x94\xEF\xBC\x90",  // full-width digits
                             "+45407814\xC3", "+0000", "tel:+4540781475"}) {
    auto d = dialing_for("US", number);
    ASSERT_FALSE(d.ok()) << number;
    EXPECT_EQ(d.error().kind, ErrorKind::bad_request) << number;
  }
}

TEST(Dialing, CheckRefusesWhatLibphonenumberHoldsInvalid) {
  // `twinning check` reads contact.phone with is_e164, which asks libphonenumber's IsValidNumber.
  EXPECT_TRUE(campaign::is_e164(kDkMobile));
  EXPECT_TRUE(campaign::is_e164(kKrFixed));
  EXPECT_FALSE(campaign::is_e164("+4500000000"));
  EXPECT_FALSE(campaign::is_e164("+8200000000"));
}

TEST(InternationalPrefixes, SingleAndSeveral) {
  auto us = international_prefix("US");
  ASSERT_TRUE(us);
  EXPECT_TRUE(us->single());
  EXPECT_FALSE(us->must_choose());
  EXPECT_EQ(us->pattern, "011");
  EXPECT_TRUE(us->choices.empty());

  // Australia allows several but prefers 0011: libphonenumber uses it, nothing to choose.
  auto au = international_prefix("AU");
  ASSERT_TRUE(au);
  EXPECT_FALSE(au->single());
  EXPECT_EQ(au->preferred, "0011");
  EXPECT_FALSE(au->must_choose());

  // Brazil: one prefix per long-distance carrier (Telefônica 0015, Embratel 0021...).
  auto br = international_prefix("BR");
  ASSERT_TRUE(br);
  EXPECT_TRUE(br->must_choose());
  for (const char* carrier : {"0014", "0015", "0021", "0031"}) {
    EXPECT_NE(std::find(br->choices.begin(), br->choices.end(), carrier), br->choices.end()) << carrier;
  }
  auto from_br = dialing_for("BR", kKrMobile);
  ASSERT_TRUE(from_br.ok());
  EXPECT_TRUE(from_br->choose_prefix);
  EXPECT_EQ(from_br->after_prefix, "82 10-1234-5678");

  // Singapore's 000 to 039 are too many to list: the pattern is all there is.
  auto sg = dialing_for("SG", kDkMobile);
  ASSERT_TRUE(sg.ok());
  EXPECT_TRUE(sg->choose_prefix);
  EXPECT_TRUE(sg->prefix_choices.empty());
  EXPECT_EQ(sg->prefix_pattern, "0[0-3]\\d");

  // Russia's 8~10: dial 8, wait for the second tone, then 10.
  auto ru = dialing_for("RU", kDkMobile);
  ASSERT_TRUE(ru.ok());
  EXPECT_EQ(ru->dial, "8~10 45 40 78 14 75");
  EXPECT_TRUE(ru->waits_for_tone);
  EXPECT_FALSE(ru->choose_prefix);

  EXPECT_FALSE(international_prefix("XX"));
  EXPECT_FALSE(international_prefix("001"));
  EXPECT_FALSE(international_prefix(""));
}

}  // namespace
}  // namespace twinning::domain
