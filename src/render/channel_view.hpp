#pragma once
// What a supporter is given on one channel, as plain data: the messages per target and language,
// the addresses, numbers, posts and links. `twinning preview` prints it as JSON; the page renders
// its channel blocks from the same data, so what organizers proofread is what supporters see.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/campaign.hpp"
#include "render/compose.hpp"

namespace twinning::render {

struct ViewContext {
  const domain::Campaign& campaign;
  std::string lang;      // the supporter's (page) language
  std::string page_url;  // absolute URL of the campaign page in `lang`
  // The supporter as far as known. On the page, before anyone fills the form, placeholders in
  // each text's language stand in (set `placeholders`).
  SupporterView supporter;
  bool placeholders = false;
  std::function<std::string(const std::string& lang, const std::string& key)> placeholder;
  std::optional<std::chrono::sys_seconds> at;  // "now" for office hours; none on the cached page
};

// The view of `channel`; its shape per channel is documented in docs/preview.md.
Result<nlohmann::json> channel_view(const ViewContext& ctx, domain::Channel channel);

}  // namespace twinning::render
