#pragma once
// What the review queue looks at (docs/decisions/0013-review-queue.md): the part of a message
// the supporter wrote — the personal note and any edit of the campaign's subject or body — never
// the campaign's own text. The same written part from many different people within minutes is
// what a coordinated flood looks like; the store holds those messages for an organizer.
#include <optional>
#include <string>
#include <string_view>

#include "app/email_action.hpp"
#include "common/config.hpp"
#include "store/store.hpp"

namespace twinning::app {

// Hex BLAKE2b-128 of the text with case and runs of white space folded, so that "Please act!"
// and "please  act!" are the same text.
std::string written_fingerprint(std::string_view text);

// The written part of an email action, or none when the supporter wrote nothing of their own.
std::optional<store::WrittenPart> written_part(const EmailActionInput& in, const ReviewSettings& settings);

}  // namespace twinning::app
