// `twinning letters CAMPAIGN --out letters.pdf [--csv envelopes.csv]`: every letter supporters
// asked the organization to print and post (confirmed, not yet printed), as one print-ready PDF
// with a letter per recipient, and a CSV of the envelopes. Requests are read from the store a page
// at a time and each page of the PDF goes to the file once drawn, so memory stays flat however
// many there are; a progress bar shows on a terminal.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "app/csv_export.hpp"
#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "render/address_block.hpp"
#include "render/letter_compose.hpp"
#include "render/letter_pdf.hpp"
#include "render/page.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::cli {
namespace {

constexpr std::size_t kPageRows = 200;

// "\r[#######       ] 120/300 requests" on stderr, redrawn when the shown share changes.
class Progress {
 public:
  Progress(std::ostream& err, std::size_t total, bool on_terminal) : err_(err), total_(total), shown_(on_terminal) {}
  void step(std::size_t done) {
    if (!shown_ || total_ == 0) return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = done * kWidth / total_;
    if (filled == last_ && done != total_) return;
    last_ = filled;
    err_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done << "/" << total_
         << " requests" << std::flush;
  }
  void end() {
    if (shown_ && total_ > 0) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::size_t total_;
  bool shown_;
  std::size_t last_ = static_cast<std::size_t>(-1);
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

// Calls `each` for every request the filter selects, a page at a time.
template <typename F>
Result<void> for_each_request(store::Store& store, store::LetterRequestFilter filter, F&& each) {
  filter.limit = kPageRows;
  for (;;) {
    auto rows = store.list_letter_requests(filter);
    if (!rows.ok()) return rows.error();
    for (const auto& row : rows.value()) {
      if (auto r = each(row); !r.ok()) return r;
    }
    if (rows.value().size() < kPageRows) return {};
    filter.after_action_id = rows.value().back().action_id;
  }
}

}  // namespace

int letters(const LettersOptions& o, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto loaded = campaign::load_campaign(settings.campaigns_dir / o.campaign);
  if (!loaded.ok()) {
    err << "twinning letters: " << (settings.campaigns_dir / o.campaign).string()
        << " does not load; run `twinning check` on it:\n";
    for (const auto& p : loaded.problems) err << "  " << campaign::format_problem(p) << "\n";
    return 1;
  }
  const auto& c = *loaded.campaign;
  if (!c.channel_enabled(domain::Channel::letter)) {
    err << "twinning letters: the campaign " << o.campaign << " has no letter channel\n";
    return 2;
  }
  render::PaperSize paper = render::PaperSize::a4;
  if (o.paper == "letter") {
    paper = render::PaperSize::us_letter;
  } else if (o.paper != "a4") {
    err << "twinning letters: --paper is a4 or letter, not '" << o.paper << "'\n";
    return 2;
  }
  auto formatter = render::address_formatter();
  if (!formatter.ok()) {
    err << "twinning letters: " << formatter.error().message << "\n";
    return 1;
  }

  store::SqliteOptions options;
  options.read_only = !o.mark_printed;
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok()) {
    if (opened.error().kind == ErrorKind::not_found) {
      out << "no letters to print: there is no store in " << settings.data_dir.string() << "\n";
      return 0;
    }
    err << "twinning letters: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  store::Store& store = *opened.value();
  store::LetterRequestFilter filter;
  filter.campaign = c.id;
  filter.include_printed = o.include_printed;

  std::size_t total = 0;
  if (auto r = for_each_request(store, filter, [&](const store::LetterRequestRow&) -> Result<void> {
        ++total;
        return {};
      });
      !r.ok()) {
    err << "twinning letters: " << r.error().message << "\n";
    return 1;
  }
  if (total == 0) {
    out << "no letters to print for " << c.id << (o.include_printed ? "" : " (none confirmed and not yet printed)")
        << "\n";
    return 0;
  }

  // Written beside the target and renamed at the end: a failed run leaves no half file to print.
  const std::filesystem::path pdf_tmp = o.out.string() + ".part";
  std::ofstream pdf_file(pdf_tmp, std::ios::binary | std::ios::trunc);
  if (!pdf_file) {
    err << "twinning letters: cannot write " << pdf_tmp.string() << "\n";
    return 1;
  }
  std::ofstream csv_file;
  const std::filesystem::path csv_tmp = o.csv.empty() ? std::filesystem::path() : std::filesystem::path(o.csv.string() + ".part");
  if (!o.csv.empty()) {
    csv_file.open(csv_tmp, std::ios::binary | std::ios::trunc);
    if (!csv_file) {
      err << "twinning letters: cannot write " << csv_tmp.string() << "\n";
      return 1;
    }
    csv_file << app::csv::record({"request", "letter", "recipient", "window_language", "window_address",
                                  "outside_address", "sender", "sender_address", "language", "requested_at"});
  }
  auto writer = render::LetterPdfWriter::open(pdf_file, paper);
  if (!writer.ok()) {
    err << "twinning letters: " << writer.error().message << "\n";
    return 1;
  }

  const std::string page_url = settings.base_url() + render::campaign_path(c.id, c.default_language());
  Progress progress(err, total, isatty(fileno(stderr)) != 0);
  std::vector<std::int64_t> printed;
  std::size_t done = 0, letter_count = 0;
  std::vector<std::string> refused;
  auto result = for_each_request(store, filter, [&](const store::LetterRequestRow& row) -> Result<void> {
    const render::LetterSender sender{row.supporter_name, row.country, row.address_lines, row.place};
    auto composed = render::compose_letters(c, *formatter.value(), sender,
                                            std::chrono::floor<std::chrono::days>(row.created_at), page_url);
    if (!composed.ok()) {
      // One bad request (a campaign edited since) must not stop the batch: it is named at the end.
      refused.push_back(fmt::format("request {}: {}", row.action_id, composed.error().message));
      progress.step(++done);
      return {};
    }
    std::size_t n = 0;
    for (const auto& letter : composed.value()) {
      if (auto r = writer.value()->add_letter(letter); !r.ok()) return r;
      ++n;
      ++letter_count;
      if (csv_file.is_open()) {
        std::string outside;
        for (const auto& b : letter.address.outside) outside += (outside.empty() ? "" : "\n\n") + joined(b.lines);
        csv_file << app::csv::record({std::to_string(row.action_id), std::to_string(n), letter.recipient,
                                      letter.address.window.language, joined(letter.address.window.lines), outside,
                                      row.supporter_name, joined(row.address_lines), letter.lang,
                                      store::format_time(row.created_at).substr(0, 10)});
      }
    }
    printed.push_back(row.action_id);
    progress.step(++done);
    return {};
  });
  progress.end();
  if (result.ok()) result = writer.value()->finish();
  pdf_file.close();
  if (csv_file.is_open()) csv_file.close();
  if (!result.ok() || !pdf_file || (!o.csv.empty() && !csv_file)) {
    std::error_code ignored;
    std::filesystem::remove(pdf_tmp, ignored);
    if (!csv_tmp.empty()) std::filesystem::remove(csv_tmp, ignored);
    err << "twinning letters: " << (result.ok() ? "writing the files failed" : result.error().message)
        << "; nothing was written or marked printed\n";
    return 1;
  }
  std::filesystem::rename(pdf_tmp, o.out);
  if (!o.csv.empty()) std::filesystem::rename(csv_tmp, o.csv);

  out << fmt::format("{} letters for {} requests in {} ({} pages)", letter_count, printed.size(), o.out.string(),
                     writer.value()->pages());
  if (!o.csv.empty()) out << ", envelopes in " << o.csv.string();
  out << "\n";
  for (const auto& r : refused) err << "  not printed: " << r << "\n";
  if (o.mark_printed && !printed.empty()) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto marked = store.mark_letters_printed(printed, now);
    if (!marked.ok()) {
      err << "twinning letters: the files are written but marking them printed failed: " << marked.error().message
          << "\n";
      return 1;
    }
    out << marked.value() << " requests marked printed\n";
  }
  return refused.empty() ? 0 : 1;
}

}  // namespace twinning::cli
