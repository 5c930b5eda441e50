#pragma once
// "Send it from my own mail": mailto:, Gmail and Outlook web links that open the message in the
// supporter's own mail program, filled in.
#include <cstddef>
#include <string>

#include "common/result.hpp"
#include "mail/message.hpp"
#include "render/channel_view.hpp"

namespace twinning::mail {

// Old mail clients and Windows' URL handling truncate longer mailto: URLs, cutting the message
// mid-sentence without a word; over this length the body is left out of the mailto: link.
inline constexpr std::size_t kMaxMailtoLength = 2000;

struct ComposeLinks {
  std::string mailto, gmail, outlook;
  bool body_fits = true;  // false: the mailto: link has no body (the page offers copy buttons)
};

// Links for `e`'s To, Cc, subject and text, percent-encoded as RFC 6068 asks (UTF-8, %20 for a
// space, %0D%0A for a line break in mailto:). Display names are left out: they only confuse
// mail programs' address parsing.
ComposeLinks compose_links(const Email& e, std::size_t max_mailto = kMaxMailtoLength);

// The links for the one message to every email target that the email view offers for the
// supporter's own mail (its "draft": subject and text in the main targets' language).
Result<ComposeLinks> own_mail_links(const render::ViewContext& ctx, std::size_t max_mailto = kMaxMailtoLength);

}  // namespace twinning::mail
