#include "cli/cli.hpp"
#include "cli/api_commands.hpp"
#include "cli/delivery_commands.hpp"
#include "cli/user_commands.hpp"
#include "cli/directory_commands.hpp"
#include "cli/generate_commands.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iostream>

#include "render/address_block.hpp"

namespace twinning::cli {

namespace {

// Options every command that reads campaigns or the store shares; set ones override the file.
struct Common {
  std::string config, listen, data, campaigns, resources, public_url;
  unsigned threads = 0;
};

void add_common(CLI::App* cmd, Common& c, bool server_options) {
  cmd->add_option("--config", c.config, "settings file (YAML; see docs/configuration.md)");
  cmd->add_option("--data", c.data, "data directory holding the store (default ./data)");
  cmd->add_option("--campaigns", c.campaigns, "directory of campaign folders (default ./campaigns)");
  cmd->add_option("--resources", c.resources, "directory with templates/, locales/ and static/");
  cmd->add_option("--public-url", c.public_url, "public base URL used in every link twinning writes");
  if (server_options) {
    cmd->add_option("--listen", c.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
    cmd->add_option("--threads", c.threads, "server threads (default: one per core)");
  }
}

Result<Settings> settings_from(const Common& c) {
  Settings s;
  if (!c.config.empty()) {
    auto loaded = load_settings(c.config);
    if (!loaded.ok()) return loaded.error();
    s = std::move(loaded).value();
  }
  if (!c.listen.empty()) s.listen = c.listen;
  if (!c.data.empty()) s.data_dir = c.data;
  if (!c.campaigns.empty()) s.campaigns_dir = c.campaigns;
  if (!c.resources.empty()) s.resources_dir = c.resources;
  if (!c.public_url.empty()) s.public_url = c.public_url;
  if (c.threads != 0) s.threads = c.threads;
  return s;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"twinning: campaigns that ask people anywhere to contact the officials of twinned cities"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("twinning ") + TWINNING_VERSION);

  Common common;
  auto* serve_cmd = app.add_subcommand("serve", "serve the campaigns' pages and record actions");
  add_common(serve_cmd, common, true);

  std::vector<std::string> check_dirs;
  auto* check_cmd = app.add_subcommand("check", "check campaign folders and report every problem");
  check_cmd->add_option("DIR", check_dirs, "campaign folders (default: every folder under --campaigns)");
  add_common(check_cmd, common, false);

  PreviewOptions pv;
  auto* preview_cmd = app.add_subcommand("preview", "print as JSON what a supporter is given on one channel");
  preview_cmd->add_option("CAMPAIGN_DIR", pv.campaign_dir, "the campaign folder")->required();
  preview_cmd->add_option("--channel", pv.channel, "email, webform, letter, call, post, share or petition")->required();
  preview_cmd->add_option("--lang", pv.lang, "the supporter's language (one of the campaign's)")->required();
  preview_cmd->add_option("--from", pv.from, "the supporter's country, ISO 3166-1 alpha-2 (DK, US, KR...)")->required();
  preview_cmd->add_option("--supporter", pv.supporter_file, "YAML or JSON file with the supporter's name, email...");
  preview_cmd->add_option("--at", pv.at, "the time to preview at, RFC 3339 (default: now)");
  preview_cmd->add_option("--pdf", pv.pdf, "letter channel: write the letters as a PDF to this file");
  add_common(preview_cmd, common, false);

  std::string backup_file;
  auto* backup_cmd = app.add_subcommand("backup", "copy the store consistently, also while serve runs");
  backup_cmd->add_option("FILE", backup_file, "where to write the copy")->required();
  add_common(backup_cmd, common, false);

  std::string calls_campaign;
  auto* calls_cmd = app.add_subcommand("calls", "call outcomes per target, and numbers reported wrong");
  calls_cmd->add_option("CAMPAIGN", calls_campaign, "the campaign id (its folder name under --campaigns)")->required();
  add_common(calls_cmd, common, false);

  std::string counts_campaign, counts_channel;
  auto* counts_cmd = app.add_subcommand("counts", "what supporters did that is counted: own-mail opens, call outcomes...");
  counts_cmd->add_option("CAMPAIGN", counts_campaign, "the campaign id (its folder name)")->required();
  counts_cmd->add_option("--channel", counts_channel, "only this channel (email, call, share...)");
  add_common(counts_cmd, common, false);

  bool deliver_once = false;
  PetitionOptions pt;
  auto* petition_cmd = app.add_subcommand("petition", "the petition: deliver it to its addressees");
  auto* pt_deliver = petition_cmd->add_subcommand("deliver", "email each To target a PDF of the petition and its signatures");
  pt_deliver->add_option("CAMPAIGN", pt.campaign, "the campaign id (its folder name)")->required();
  pt_deliver->add_option("--out", pt.out, "also write each PDF into this folder");
  pt_deliver->add_flag("--dry-run", pt.dry_run, "make the PDFs and say what would be sent; queue nothing");
  petition_cmd->require_subcommand(1);
  add_common(petition_cmd, common, false);
  pt_deliver->fallthrough();

  ReviewCommand rv;
  auto* review_cmd = app.add_subcommand("review", "messages held because many people sent the same text: list, release, reject");
  auto* rv_list = review_cmd->add_subcommand("list", "what waits, with the text people wrote (the default)");
  rv_list->add_option("CAMPAIGN", rv.campaign, "only this campaign");
  auto* rv_release = review_cmd->add_subcommand("release", "let an action's messages go on");
  rv_release->add_option("ACTION", rv.action_id, "the action id `review list` shows")->required();
  auto* rv_reject = review_cmd->add_subcommand("reject", "stop an action's messages for good");
  rv_reject->add_option("ACTION", rv.action_id, "the action id `review list` shows")->required();
  add_common(review_cmd, common, false);
  for (auto* sub : {rv_list, rv_release, rv_reject}) sub->fallthrough();

  std::string embed_campaign, embed_lang;
  auto* embed_cmd = app.add_subcommand("embed", "print the snippet that shows a campaign's action block on your own site");
  embed_cmd->add_option("CAMPAIGN", embed_campaign, "the campaign id (its folder name)")->required();
  embed_cmd->add_option("--lang", embed_lang, "the language of the block (default: the campaign's first)");
  add_common(embed_cmd, common, false);

  LettersOptions lt;
  auto* letters_cmd = app.add_subcommand("letters", "the letters supporters asked you to print and post, as one PDF");
  letters_cmd->add_option("CAMPAIGN", lt.campaign, "the campaign id (its folder name)")->required();
  letters_cmd->add_option("--out", lt.out, "the PDF to write (a letter per recipient, print-ready)")->required();
  letters_cmd->add_option("--csv", lt.csv, "also write the envelopes' addresses as CSV");
  letters_cmd->add_option("--paper", lt.paper, "a4 (default) or letter: the paper in your printer");
  letters_cmd->add_flag("--include-printed", lt.include_printed, "include requests already marked printed");
  letters_cmd->add_flag("--mark-printed", lt.mark_printed, "mark them printed, so the next run leaves them out");
  add_common(letters_cmd, common, false);

  auto* deliver_cmd = app.add_subcommand("deliver", "send what the outbox holds (serve does it too)");
  deliver_cmd->add_flag("--once", deliver_once, "send what is due now, then exit");
  add_common(deliver_cmd, common, false);

  OutboxCommand ob;
  std::string ob_state;
  auto* outbox_cmd = app.add_subcommand("outbox", "list the outbox, retry a message, pause or resume sending");
  outbox_cmd->require_subcommand(0, 1);
  add_common(outbox_cmd, common, false);
  auto* ob_list = outbox_cmd->add_subcommand("list", "messages, newest first (the default)");
  ob_list->add_option("--state", ob_state, "queued, sending, sent, failed, held or expired");
  ob_list->add_option("--limit", ob.limit, "how many (default 100)");
  auto* ob_retry = outbox_cmd->add_subcommand("retry", "queue a failed message again (never an unconfirmed one)");
  ob_retry->add_option("ID", ob.id, "the message id (from `twinning outbox list`)")->required();
  auto* ob_pause = outbox_cmd->add_subcommand("pause", "stop all sending (kept in the store)");
  auto* ob_resume = outbox_cmd->add_subcommand("resume", "start sending again");
  auto* ob_flagged = outbox_cmd->add_subcommand("flagged", "addresses that bounced permanently");
  // `twinning outbox pause --data DIR` as well as `twinning outbox --data DIR pause`.
  for (auto* sub : {ob_list, ob_retry, ob_pause, ob_resume, ob_flagged}) sub->fallthrough();

  std::string dkim_selector, dkim_domain, dkim_out;
  auto* dkim_cmd = app.add_subcommand("dkim-keygen", "make a DKIM key and print the DNS record to publish");
  dkim_cmd->add_option("--selector", dkim_selector, "the DKIM selector (e.g. twinning2026)")->required();
  dkim_cmd->add_option("--domain", dkim_domain, "the signing domain (the sender's)")->required();
  dkim_cmd->add_option("--out", dkim_out, "where to write the private key (PEM)")->required();

  std::string bounce_recipient;
  auto* bounce_cmd = app.add_subcommand("bounce", "read a delivery-status notification on standard input");
  bounce_cmd->add_option("--recipient", bounce_recipient, "the envelope recipient the MTA received it for");
  add_common(bounce_cmd, common, false);

  auto api_commands = add_api_commands(app);
  for (auto* cmd : api_commands->with_common()) add_common(cmd, common, false);
  auto user_commands = add_user_commands(app);
  for (auto* cmd : user_commands->with_common()) add_common(cmd, common, false);

  DirectoryCommand dc;
  auto* directory_cmd = app.add_subcommand("directory", "the directory of cities, twinnings, bodies and officials");
  directory_cmd->require_subcommand(1);
  add_common(directory_cmd, common, false);
  auto* dir_import = directory_cmd->add_subcommand("import", "check a CSV file and import it whole, or nothing");
  dir_import->add_option("FILE", dc.file, "one CSV file of one kind (columns: docs/directory.md)")->required();
  dir_import->add_option("--kind", dc.kind, "cities, twinnings, bodies or officials (default: told by the header)");
  auto* dir_list = directory_cmd->add_subcommand("list", "every record, or those of one kind");
  dir_list->add_option("KIND", dc.kind, "cities, twinnings, bodies or officials");
  auto* dir_show = directory_cmd->add_subcommand("show", "every field of one record");
  dir_show->add_option("ID", dc.id, "the record's id (a twinning's: HOME/FOREIGN)")->required();
  for (auto* sub : {dir_import, dir_list, dir_show}) sub->fallthrough();

  GenerateCommand gen;
  auto* generate_cmd = app.add_subcommand("generate", "make or update one campaign per twinned pair from a template");
  generate_cmd->add_option("TEMPLATE", gen.template_dir, "the template folder (template.yaml and texts/)")->required();
  generate_cmd->add_option("--pair", gen.pairs, "only this pair, HOME/FOREIGN (repeatable; default: every match)");
  add_common(generate_cmd, common, false);

  std::string build_out;
  auto* build_cmd = app.add_subcommand("build", "write every campaign page, the index and a sitemap as static files");
  build_cmd->add_option("--out", build_out, "the folder to write (empty, new, or an earlier export)")->required();
  add_common(build_cmd, common, false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  auto settings = settings_from(common);
  if (!settings.ok()) {
    std::cerr << "twinning: " << settings.error().message << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(settings.value().log_level));
  use_public_suffix_list(settings.value().public_suffix_list);
  render::use_address_data(render::address_data_dir(settings.value()));
  if (auto rc = run_api_commands(*api_commands, settings.value(), std::cout, std::cerr)) return *rc;
  if (auto rc = run_user_commands(*user_commands, settings.value(), std::cin, std::cout, std::cerr)) return *rc;
  if (serve_cmd->parsed()) return serve(settings.value());
  if (check_cmd->parsed()) return check(check_dirs, settings.value(), std::cout);
  if (preview_cmd->parsed()) return preview(pv, settings.value(), std::cout, std::cerr);
  if (backup_cmd->parsed()) return backup(backup_file, settings.value(), std::cout, std::cerr);
  if (calls_cmd->parsed()) return calls(calls_campaign, settings.value(), std::cout, std::cerr);
  if (counts_cmd->parsed()) return counts(counts_campaign, counts_channel, settings.value(), std::cout, std::cerr);
  if (dkim_cmd->parsed()) return dkim_keygen(dkim_selector, dkim_domain, dkim_out, std::cout, std::cerr);
  if (petition_cmd->parsed()) return petition_deliver(pt, settings.value(), std::cout, std::cerr);
  if (review_cmd->parsed()) {
    if (rv_release->parsed()) rv.action = ReviewCommand::Action::release;
    if (rv_reject->parsed()) rv.action = ReviewCommand::Action::reject;
    return review(rv, settings.value(), std::cout, std::cerr);
  }
  if (embed_cmd->parsed()) return embed(embed_campaign, embed_lang, settings.value(), std::cout, std::cerr);
  if (letters_cmd->parsed()) return letters(lt, settings.value(), std::cout, std::cerr);
  if (deliver_cmd->parsed()) return deliver(deliver_once, settings.value(), std::cout, std::cerr);
  if (bounce_cmd->parsed()) return bounce(bounce_recipient, settings.value(), std::cin, std::cout, std::cerr);
  if (generate_cmd->parsed()) return generate(gen, settings.value(), std::cout, std::cerr);
  if (build_cmd->parsed()) return build(build_out, settings.value(), ::isatty(STDERR_FILENO) != 0, std::cout, std::cerr);
  if (directory_cmd->parsed()) {
    if (dir_import->parsed()) dc.action = DirectoryCommand::Action::import_file;
    if (dir_show->parsed()) dc.action = DirectoryCommand::Action::show;
    return directory(dc, settings.value(), std::cout, std::cerr);
  }
  if (outbox_cmd->parsed()) {
    if (ob_retry->parsed()) ob.action = OutboxCommand::Action::retry;
    if (ob_pause->parsed()) ob.action = OutboxCommand::Action::pause;
    if (ob_resume->parsed()) ob.action = OutboxCommand::Action::resume;
    if (ob_flagged->parsed()) ob.action = OutboxCommand::Action::flagged;
    if (!ob_state.empty()) ob.state = ob_state;
    return outbox(ob, settings.value(), std::cout, std::cerr);
  }
  return 2;
}

}  // namespace twinning::cli
