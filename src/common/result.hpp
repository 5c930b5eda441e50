#pragma once
// Typed errors and Result<T>. g++ 12 has no std::expected; this is the small substitute.
// The client-facing text (message) is kept apart from the text for the log (detail).
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace twinning {

// Every failure the product can report. Mapped to an HTTP status in one place:
// src/http/error_status.cpp. A switch over it has no default, so a new kind cannot be forgotten.
enum class ErrorKind {
  bad_request,        // malformed input: syntax, missing field, wrong type
  invalid_utf8,       // a field is not valid UTF-8
  payload_too_large,  // body over the limit
  header_too_large,   // header section over the limit
  uri_too_long,       // request line over the limit
  unsupported_media_type,
  not_found,          // unknown campaign, language, route or record
  method_not_allowed,
  campaign_closed,    // the campaign has ended or not started: no actions
  conflict,           // the same idempotency key with different content
  rate_limited,
  unauthorized,       // no valid credentials (an API key, a session)
  forbidden,          // known, but not allowed: a cross-site form post, a role without the right
  unavailable,        // the store or another dependency cannot serve now
  invalid_campaign,   // a campaign does not pass check
  io,                 // a file or disk operation failed
  internal,           // a bug: logged with detail, shown without it
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // safe to show to the person who sent the request
  std::string field;    // the input field at fault, if any
  std::string detail;   // for the log only

  static Error make(ErrorKind k, std::string msg, std::string field = {}, std::string detail = {}) {
    return Error{k, std::move(msg), std::move(field), std::move(detail)};
  }
};

class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

  // The throwing wrapper, for code where throwing reads better.
  T take() && {
    if (!ok()) throw ErrorException(std::get<1>(std::move(v_)));
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  void take() && {
    if (error_) throw ErrorException(std::move(*error_));
  }

 private:
  std::optional<Error> error_;
};

}  // namespace twinning
