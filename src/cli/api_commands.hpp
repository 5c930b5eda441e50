#pragma once
// The organizer's data commands: `apikey create|revoke|list`, `export`, `person export|erase`,
// `retention run` (docs/api.md). cli.cpp registers them with add_api_commands and runs the one
// given with run_api_commands; the functions below are what tests call.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace twinning::cli {

// `twinning apikey create NAME`: prints the new key once (it is not kept). Exit 0, 1 store error.
int apikey_create(const std::string& name, const Settings& settings, std::ostream& out, std::ostream& err);
// `twinning apikey revoke ID`: the key stops working at once. Exit 0, 1 unknown id or store error.
int apikey_revoke(std::int64_t id, const Settings& settings, std::ostream& out, std::ostream& err);
// `twinning apikey list`: id, name, prefix, created, revoked (never the secret).
int apikey_list(const Settings& settings, std::ostream& out, std::ostream& err);

// `twinning export people|actions|signatures CAMPAIGN [--bom] [--out FILE]`: CSV (app/csv_export.hpp)
// to FILE (written beside it and renamed, so it is never half there) or to `out`. Exit 0, 1 store
// or file error, 2 bad argument.
int export_csv(const std::string& what, const std::string& campaign, bool bom, const std::string& out_file,
               const Settings& settings, std::ostream& out, std::ostream& err);

// `twinning person export EMAIL`: everything held about the person, JSON, on `out`. Exit 0, 1 no
// such person or store error.
int person_export(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err);
// `twinning person erase EMAIL`: removes their personal data (store/api_store.hpp). Exit 0, 1 no
// such person or store error.
int person_erase(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err);
// `twinning retention run`: anonymizes supporters inactive longer than privacy.retention_days.
int retention_run(const Settings& settings, std::ostream& out, std::ostream& err);

// The parsed command line of these commands.
struct ApiCommands {
  CLI::App *apikey = nullptr, *apikey_create = nullptr, *apikey_revoke = nullptr, *apikey_list = nullptr;
  CLI::App *export_cmd = nullptr, *person = nullptr, *person_export = nullptr, *person_erase = nullptr;
  CLI::App *retention = nullptr, *retention_run = nullptr;
  std::string key_name, export_what, export_campaign, export_out, email;
  std::int64_t key_id = 0;
  bool export_bom = false;

  // The commands that take the common options (--data, --config...).
  std::vector<CLI::App*> with_common() const;
};

// Adds the commands to `app`. The result holds what the options are parsed into: keep it alive
// until run_api_commands.
std::unique_ptr<ApiCommands> add_api_commands(CLI::App& app);
// Runs the command given, if it is one of these; none otherwise.
std::optional<int> run_api_commands(const ApiCommands& c, const Settings& settings, std::ostream& out,
                                    std::ostream& err);

}  // namespace twinning::cli
