// Streams N of the demo's letters through LetterPdfWriter (the batch path of `twinning letters`)
// into a file and prints one line: letters, seconds, letters/s, peak RSS in KiB.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "campaign/load.hpp"
#include "render/address_block.hpp"
#include "render/letter_compose.hpp"
#include "render/letter_pdf.hpp"

using namespace twinning;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: letters_bench CAMPAIGN_DIR COUNT OUT.pdf\n";
    return 2;
  }
  const long count = std::strtol(argv[2], nullptr, 10);
  auto loaded = campaign::load_campaign(argv[1]);
  if (!loaded.ok()) {
    std::cerr << "letters_bench: the campaign does not load\n";
    return 1;
  }
  auto formatter = render::address_formatter();
  if (!formatter.ok()) {
    std::cerr << "letters_bench: " << formatter.error().message << "\n";
    return 1;
  }
  const render::LetterSender sender{"Mette Søndergård", "DK", {"Åbenrå 12", "6100 Haderslev"}, "Haderslev"};
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto letters = render::compose_letters(*loaded.campaign, *formatter.value(), sender, day);
  if (!letters.ok()) {
    std::cerr << "letters_bench: " << letters.error().message << "\n";
    return 1;
  }
  std::ofstream out(argv[3], std::ios::binary);
  const auto start = std::chrono::steady_clock::now();
  auto writer = render::LetterPdfWriter::open(out, render::PaperSize::a4);
  if (!writer.ok()) {
    std::cerr << "letters_bench: " << writer.error().message << "\n";
    return 1;
  }
  for (long i = 0; i < count; ++i) {
    // Every letter a different sender name, as in a real batch: no two pages share all glyph runs.
    render::Letter l = letters.value()[static_cast<std::size_t>(i) % letters.value().size()];
    l.signature += " " + std::to_string(i);
    if (auto r = writer.value()->add_letter(l); !r.ok()) {
      std::cerr << "letters_bench: " << r.error().message << "\n";
      return 1;
    }
  }
  if (auto r = writer.value()->finish(); !r.ok()) {
    std::cerr << "letters_bench: " << r.error().message << "\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << count << " " << seconds << " " << static_cast<double>(count) / seconds << " " << usage.ru_maxrss << "\n";
  return 0;
}
