#pragma once
// Reading back a message we composed, for people: the demo outbox page shows what would have been
// sent (subject, addresses and the plain-text part, decoded), with its links clickable.
#include <string>

namespace twinning::mail {

struct Shown {
  std::string recipient, state;
  std::string from, to, cc, subject, date, language;
  std::string text;  // the decoded text/plain part
};

// Never fails: a payload it cannot read shows as its raw text.
Shown show(const std::string& payload, const std::string& recipient, const std::string& state);

}  // namespace twinning::mail
