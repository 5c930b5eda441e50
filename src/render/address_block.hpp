#pragma once
// Postal address blocks for letters, envelopes and the page, formatted with the OpenCage rules
// (domain/address_format.hpp) from the data the npm package @fragaria/address-formatter ships.
//
// The data is read once per process from a directory: Settings::address_data_dir, by default
// <resources>/node_modules/@fragaria/address-formatter/src/templates (scripts/bootstrap installs
// it with `npm ci`).
//
// A letter to Korea carries the address twice: the Korean-script block in the envelope's window,
// in Korean order, with the destination country in capital Latin letters as its last line (UPU
// practice: the destination's post office reads its own script, the sending one reads the country
// line); the Latin transliteration outside the window. AddressBlocks holds both as data; the PDF
// renderer places them and checks they fit.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/address_format.hpp"
#include "domain/campaign.hpp"

namespace twinning::render {

// <resources>/node_modules/@fragaria/address-formatter/src/templates
std::filesystem::path default_address_data_dir(const std::filesystem::path& resources_dir);

// The directory `settings` name: address_data_dir, else the default under resources_dir (the
// source tree when that is not set either).
std::filesystem::path address_data_dir(const Settings& settings);

// Reads the data files in `dir` and compiles them. A missing file is an `unavailable` error whose
// message says to run scripts/bootstrap; malformed data names the file and the entry.
Result<domain::AddressFormatter> load_address_formatter(const std::filesystem::path& dir);

// Chooses the directory later calls of address_formatter() read; forgets data already read.
// Without a call: default_address_data_dir(the source tree the binary was built from).
void use_address_data(std::filesystem::path dir);

// The formatter of the chosen directory, read on the first call and kept (an error is kept too:
// every caller gets the same answer). Safe to call from any thread.
Result<std::shared_ptr<const domain::AddressFormatter>> address_formatter();

// Lines an envelope window's address zone holds: DIN 5008's Anschriftzone (form A and B) and a
// #10 window alike. The PDF renderer measures widths; this is the count a campaign must keep to.
inline constexpr std::size_t kWindowAddressLines = 6;

struct AddressBlock {
  std::string language;  // of the address, as the campaign gives it (ko, en, da)
  std::string script;    // ISO 15924 (Hang, Latn)
  std::vector<std::string> lines;
  std::size_t longest_line = 0;  // in code points: what the PDF renderer measures against the window
};

struct AddressBlocks {
  AddressBlock window;                // goes in the envelope window
  std::vector<AddressBlock> outside;  // transliterations, printed outside the window
};

// The blocks of one recipient whose `addresses` are the same address in several scripts.
// The window holds the address written in one of the destination country's own languages (the
// data's country-to-lang list: ko for KR, da for DK), else the first one; its country line is the
// destination's English name in capitals, left out when `sender_country` (ISO code, may be empty)
// is the destination. The others follow outside the window, each ending with the country's English
// name. Extra lines (a registration number) follow their address, before the country line; a
// country component of the campaign's own is replaced by these lines.
// Errors: no address; an address that format_postal refuses (unknown country, missing parts).
Result<AddressBlocks> address_blocks(const domain::AddressFormatter& formatter,
                                     const std::vector<domain::PostalAddress>& addresses,
                                     const std::string& sender_country = {});

// One address as a block on the page: its lines, extra lines, then the country in capitals.
Result<AddressBlock> address_block(const domain::AddressFormatter& formatter, const domain::PostalAddress& address);

}  // namespace twinning::render
