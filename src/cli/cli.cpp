#include "cli/cli.hpp"
#include "cli/delivery_commands.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

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
  if (serve_cmd->parsed()) return serve(settings.value());
  if (check_cmd->parsed()) return check(check_dirs, settings.value(), std::cout);
  if (preview_cmd->parsed()) return preview(pv, settings.value(), std::cout, std::cerr);
  if (backup_cmd->parsed()) return backup(backup_file, settings.value(), std::cout, std::cerr);
  if (calls_cmd->parsed()) return calls(calls_campaign, settings.value(), std::cout, std::cerr);
  if (counts_cmd->parsed()) return counts(counts_campaign, counts_channel, settings.value(), std::cout, std::cerr);
  if (dkim_cmd->parsed()) return dkim_keygen(dkim_selector, dkim_domain, dkim_out, std::cout, std::cerr);
  if (deliver_cmd->parsed()) return deliver(deliver_once, settings.value(), std::cout, std::cerr);
  if (bounce_cmd->parsed()) return bounce(bounce_recipient, settings.value(), std::cin, std::cout, std::cerr);
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
