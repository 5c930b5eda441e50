// `twinning apikey`, `export`, `person`, `retention` (cli/api_commands.hpp).
#include "cli/api_commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/api_key.hpp"
#include "app/csv_export.hpp"
#include "app/privacy.hpp"
#include "app/retention.hpp"
#include "store/api_store.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::cli {
namespace {

store::TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The store and its ApiStore, or the exit code after saying why not.
struct Opened {
  std::unique_ptr<store::Store> store;
  store::ApiStore* api = nullptr;
};
std::optional<Opened> open(const char* command, const Settings& settings, bool read_only, std::ostream& err) {
  store::SqliteOptions options;
  // Reading must not create an empty store in a mistyped --data folder.
  options.read_only = read_only;
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok()) {
    err << "twinning " << command << ": cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return std::nullopt;
  }
  Opened o;
  o.store = std::move(opened).value();
  o.api = store::api_store(*o.store);
  if (o.api == nullptr) {
    err << "twinning " << command << ": this store has no organizer data interface\n";
    return std::nullopt;
  }
  return o;
}

int fail(const char* command, const Error& e, std::ostream& err) {
  err << "twinning " << command << ": " << e.message << "\n";
  return 1;
}

}  // namespace

int apikey_create(const std::string& name, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("apikey create", settings, false, err);
  if (!o) return 1;
  const auto issued = app::issue_api_key(name, now());
  auto id = o->api->add_api_key(issued.record);
  if (!id.ok()) return fail("apikey create", id.error(), err);
  out << issued.key << "\n";
  err << "API key " << id.value() << " (\"" << name
      << "\") created. It is shown only now: store it where the client keeps secrets.\n";
  return 0;
}

int apikey_revoke(std::int64_t id, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("apikey revoke", settings, false, err);
  if (!o) return 1;
  if (auto r = o->api->revoke_api_key(id, now()); !r.ok()) return fail("apikey revoke", r.error(), err);
  out << "API key " << id << " revoked.\n";
  return 0;
}

int apikey_list(const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("apikey list", settings, true, err);
  if (!o) return 1;
  auto keys = o->api->list_api_keys();
  if (!keys.ok()) return fail("apikey list", keys.error(), err);
  out << fmt::format("{:>4}  {:<16}  {:<20}  {:<20}  {}\n", "id", "prefix", "created", "revoked", "name");
  for (const auto& k : keys.value()) {
    out << fmt::format("{:>4}  {:<16}  {:<20}  {:<20}  {}\n", k.id, k.prefix, store::format_time(k.created_at),
                       k.revoked_at ? store::format_time(*k.revoked_at) : "-", k.name);
  }
  return 0;
}

int export_csv(const std::string& what, const std::string& campaign, bool bom, const std::string& out_file,
               const Settings& settings, std::ostream& out, std::ostream& err) {
  const auto kind = app::csv::parse_export(what);
  if (!kind) {
    err << "twinning export: what to export is people, actions or signatures; not \"" << what << "\"\n";
    return 2;
  }
  if (!std::filesystem::is_directory(settings.campaigns_dir / campaign)) {
    // Still exported: the data of a campaign whose folder was removed stays in the store.
    err << "twinning export: note: no campaign folder " << (settings.campaigns_dir / campaign).string() << "\n";
  }
  auto o = open("export", settings, true, err);
  if (!o) return 1;
  std::ofstream file;
  const std::filesystem::path target(out_file);
  const std::filesystem::path partial = target.string() + ".partial";
  if (!out_file.empty()) {
    file.open(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "twinning export: cannot write " << partial.string() << "\n";
      return 1;
    }
  }
  std::ostream& sink = out_file.empty() ? out : file;
  auto r = app::csv::write_export(*o->api, *kind, campaign, bom, [&](std::string_view s) {
    sink.write(s.data(), static_cast<std::streamsize>(s.size()));
    return static_cast<bool>(sink);
  });
  if (!r.ok()) return fail("export", r.error(), err);
  if (!out_file.empty()) {
    file.close();
    std::error_code ec;
    if (!file || (std::filesystem::rename(partial, target, ec), ec)) {
      err << "twinning export: cannot write " << target.string() << (ec ? ": " + ec.message() : "") << "\n";
      std::filesystem::remove(partial, ec);
      return 1;
    }
  } else if (!out) {
    err << "twinning export: the output could not be written\n";
    return 1;
  }
  return 0;
}

int person_export(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("person export", settings, true, err);
  if (!o) return 1;
  auto data = o->api->person_data(email);
  if (!data.ok()) return fail("person export", data.error(), err);
  if (!data.value()) {
    err << "twinning person export: no one with the email " << email << " is held\n";
    return 1;
  }
  out << app::person_json(*data.value()).dump(2) << "\n";
  return 0;
}

int person_erase(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("person erase", settings, false, err);
  if (!o) return 1;
  auto erased = o->api->erase_person(email, now());
  if (!erased.ok()) return fail("person erase", erased.error(), err);
  if (erased.value().supporters == 0) {
    err << "twinning person erase: no one with the email " << email << " is held\n";
    return 1;
  }
  out << "Erased the personal data of " << email << " (" << erased.value().outbox
      << " messages emptied; their actions are still counted, anonymously).\n";
  return 0;
}

int retention_run(const Settings& settings, std::ostream& out, std::ostream& err) {
  auto o = open("retention run", settings, false, err);
  if (!o) return 1;
  auto r = app::run_retention(*o->api, now(), settings.privacy.retention);
  if (!r.ok()) return fail("retention run", r.error(), err);
  out << "Anonymized " << r.value().supporters << " supporters inactive for more than "
      << settings.privacy.retention.count() << " days.\n";
  return 0;
}

std::vector<CLI::App*> ApiCommands::with_common() const {
  return {apikey_create, apikey_revoke, apikey_list, export_cmd, person_export, person_erase, retention_run};
}

std::unique_ptr<ApiCommands> add_api_commands(CLI::App& app) {
  auto c = std::make_unique<ApiCommands>();
  c->apikey = app.add_subcommand("apikey", "keys of the organizer API: create, revoke, list");
  c->apikey->require_subcommand(1);
  c->apikey_create = c->apikey->add_subcommand("create", "make a key and print it once");
  c->apikey_create->add_option("NAME", c->key_name, "what the key is for (e.g. \"CRM sync\")")->required();
  c->apikey_revoke = c->apikey->add_subcommand("revoke", "stop a key at once");
  c->apikey_revoke->add_option("ID", c->key_id, "the key's id (from `twinning apikey list`)")->required();
  c->apikey_list = c->apikey->add_subcommand("list", "every key, revoked ones too (never the secret)");

  c->export_cmd = app.add_subcommand("export", "a campaign's people, actions or signatures as CSV");
  c->export_cmd->add_option("WHAT", c->export_what, "people, actions or signatures")->required();
  c->export_cmd->add_option("CAMPAIGN", c->export_campaign, "the campaign id (its folder name)")->required();
  c->export_cmd->add_flag("--bom", c->export_bom, "start with a UTF-8 byte order mark (for spreadsheet programs)");
  c->export_cmd->add_option("--out", c->export_out, "write to this file (default: standard output)");

  c->person = app.add_subcommand("person", "a supporter's data: export it, or erase it");
  c->person->require_subcommand(1);
  c->person_export = c->person->add_subcommand("export", "print everything held about a person, as JSON");
  c->person_export->add_option("EMAIL", c->email, "their email address")->required();
  c->person_erase = c->person->add_subcommand("erase", "remove a person's data; their actions stay counted");
  c->person_erase->add_option("EMAIL", c->email, "their email address")->required();

  c->retention = app.add_subcommand("retention", "the retention period of supporters' data");
  c->retention->require_subcommand(1);
  c->retention_run = c->retention->add_subcommand("run", "anonymize supporters inactive for longer than it");
  return c;
}

std::optional<int> run_api_commands(const ApiCommands& c, const Settings& settings, std::ostream& out,
                                    std::ostream& err) {
  if (c.apikey_create->parsed()) return apikey_create(c.key_name, settings, out, err);
  if (c.apikey_revoke->parsed()) return apikey_revoke(c.key_id, settings, out, err);
  if (c.apikey_list->parsed()) return apikey_list(settings, out, err);
  if (c.export_cmd->parsed()) {
    return export_csv(c.export_what, c.export_campaign, c.export_bom, c.export_out, settings, out, err);
  }
  if (c.person_export->parsed()) return person_export(c.email, settings, out, err);
  if (c.person_erase->parsed()) return person_erase(c.email, settings, out, err);
  if (c.retention_run->parsed()) return retention_run(settings, out, err);
  return std::nullopt;
}

}  // namespace twinning::cli
