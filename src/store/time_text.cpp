#include "store/time_text.hpp"

#include <chrono>

namespace twinning::store {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hh_mm_ss;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::size_t kTimeTextSize = 20;  // "YYYY-MM-DDTHH:MM:SSZ"

// The value of text[pos, pos + n) when all of it is ASCII digits.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Appends `value` (0 <= value < 10^width) as exactly `width` decimal digits.
void put_digits(std::string& out, int value, int width) {
  char digits_out[4] = {'0', '0', '0', '0'};
  for (int i = width - 1; i >= 0; --i) {
    digits_out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits_out, static_cast<std::size_t>(width));
}

}  // namespace

bool time_representable(TimePoint t) {
  const year_month_day date{floor<days>(t)};
  return date.year() >= std::chrono::year{0} && date.year() <= std::chrono::year{9999};
}

std::string format_time(TimePoint t) {
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss clock{t - day};
  std::string out;
  out.reserve(kTimeTextSize);
  put_digits(out, static_cast<int>(date.year()), 4);
  out += '-';
  put_digits(out, static_cast<int>(static_cast<unsigned>(date.month())), 2);
  out += '-';
  put_digits(out, static_cast<int>(static_cast<unsigned>(date.day())), 2);
  out += 'T';
  put_digits(out, static_cast<int>(clock.hours().count()), 2);
  out += ':';
  put_digits(out, static_cast<int>(clock.minutes().count()), 2);
  out += ':';
  put_digits(out, static_cast<int>(clock.seconds().count()), 2);
  out += 'Z';
  return out;
}

std::optional<TimePoint> parse_time(std::string_view text) {
  if (text.size() != kTimeTextSize) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  const auto y = digits(text, 0, 4);
  const auto mo = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2);
  const auto mi = digits(text, 14, 2);
  const auto s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  const year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                            std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  return TimePoint{sys_days{date}} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*s};
}

}  // namespace twinning::store
