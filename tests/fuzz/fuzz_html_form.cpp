// Fuzz target: a foreign site's page as the web-form submitter reads it. The first byte picks the
// charset the bytes are decoded from; the rest is parsed for forms and captchas, and the
// council form of the job is filled in from whatever was found.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "delivery/webform/charset.hpp"
#include "delivery/webform/form_fill.hpp"
#include "delivery/webform/html_form.hpp"

namespace {

twinning::delivery::webform::WebformJob job() {
  twinning::delivery::webform::WebformJob j;
  j.url = "http://127.0.0.1/members/a/contact";
  j.form_id = "mailform";
  for (const char* name : {"receiver", "sender", "phone", "content"}) {
    twinning::delivery::webform::JobField f;
    f.name = name;
    f.label = name;
    if (std::string_view(name) != "receiver") f.value = "김민수 test\n";
    j.fields.push_back(f);
  }
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace twinning::delivery::webform;
  if (size == 0) return 0;
  static const char* const kCharsets[] = {"UTF-8", "EUC-KR", "windows-1252", "Shift_JIS"};
  const std::string charset = kCharsets[data[0] % 4];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)charset_from_meta(bytes);
  auto decoded = decode(bytes, charset);
  if (!decoded.ok()) return 0;
  ParseLimits limits;
  limits.max_bytes = 256 * 1024;
  auto page = parse_page(decoded.value().text, {"자동입력방지"}, limits);
  if (!page.ok()) return 0;
  static const WebformJob kJob = job();
  auto filled = fill_form(kJob, page.value(), kJob.url, charset, "boundary");
  if (const auto* f = std::get_if<FilledForm>(&filled)) (void)form_urlencode(f->fields);
  return 0;
}
