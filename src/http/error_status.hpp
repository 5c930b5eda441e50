#pragma once
// THE one table from ErrorKind to HTTP status. Everything that turns an Error into a response
// (the server, the handlers' error pages) asks here, so a kind means the same status everywhere.
#include "common/result.hpp"

namespace twinning::http {

unsigned http_status(ErrorKind kind);

}  // namespace twinning::http
