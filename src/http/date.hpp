#pragma once
// The HTTP date format (RFC 9110 5.6.7, IMF-fixdate), for the Date header and caching headers.
// Written by hand because strftime's day and month names follow the process locale.
#include <chrono>
#include <string>

namespace twinning::http {

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string http_date(std::chrono::system_clock::time_point when);

}  // namespace twinning::http
