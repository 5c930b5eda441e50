#include "cli/user_commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

#include <iostream>
#include <istream>
#include <ostream>

#include "app/organizer_auth.hpp"
#include "store/organizer_store.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::cli {
namespace {

// Reads one line from the terminal with echo off, restoring the terminal whatever happens.
Result<std::string> read_hidden_line(const char* prompt) {
  termios old{};
  if (tcgetattr(STDIN_FILENO, &old) != 0) {
    return Error::make(ErrorKind::bad_request, "cannot turn off echo on this terminal; use --password-stdin");
  }
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::cerr << prompt << std::flush;
  if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
    return Error::make(ErrorKind::bad_request, "cannot turn off echo on this terminal; use --password-stdin");
  }
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  if (!read) return Error::make(ErrorKind::bad_request, "no password was typed");
  return line;
}

std::string strip_line_end(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::unique_ptr<store::Store>> open_store(const Settings& settings, bool read_only) {
  store::SqliteOptions options;
  options.read_only = read_only;
  return store::open_sqlite(settings.data_dir, options);
}

}  // namespace

Result<std::string> prompt_password_on_terminal() {
  if (isatty(STDIN_FILENO) == 0) {
    return Error::make(ErrorKind::bad_request,
                       "standard input is not a terminal: give the password with --password-stdin");
  }
  auto first = read_hidden_line("Password: ");
  if (!first.ok()) return first;
  auto second = read_hidden_line("Password again: ");
  if (!second.ok()) return second;
  if (first.value() != second.value()) return Error::make(ErrorKind::bad_request, "the two passwords differ");
  return first;
}

int user_add(const UserAdd& options, const Settings& settings, std::istream& in, const PasswordPrompt& prompt,
             std::ostream& out, std::ostream& err) {
  const auto role = store::parse_organizer_role(options.role);
  if (!role) {
    err << "twinning user add: --role must be owner, organizer or viewer, not \"" << options.role << "\"\n";
    return 2;
  }
  // A light check: the account's email is typed by its owner at sign-in, not mailed to.
  const auto at = options.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == options.email.size() ||
      options.email.find_first_of(" \t\r\n") != std::string::npos) {
    err << "twinning user add: \"" << options.email << "\" is not an email address\n";
    return 2;
  }
  Result<std::string> password = Error::make(ErrorKind::bad_request, "no password");
  if (options.password_stdin) {
    std::string line;
    if (!std::getline(in, line)) {
      err << "twinning user add: --password-stdin: standard input is empty\n";
      return 2;
    }
    password = strip_line_end(std::move(line));
  } else {
    password = prompt();
  }
  if (!password.ok()) {
    err << "twinning user add: " << password.error().message << "\n";
    return 2;
  }
  auto hash = app::hash_password(password.value(), settings.organizers);
  if (!hash.ok()) {
    err << "twinning user add: " << hash.error().message << "\n";
    return hash.error().kind == ErrorKind::bad_request ? 2 : 1;
  }
  auto opened = open_store(settings, false);
  if (!opened.ok()) {
    err << "twinning user add: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  auto organizers = store::organizer_store(*opened.value());
  if (!organizers.ok()) {
    err << "twinning user add: " << organizers.error().message << "\n";
    return 1;
  }
  store::NewOrganizer user;
  user.email = options.email;
  user.display_name = options.name;
  user.role = *role;
  user.password_hash = std::move(hash).value();
  auto added = organizers.value()->add_organizer(user);
  if (!added.ok()) {
    err << "twinning user add: " << added.error().message << "\n";
    return added.error().kind == ErrorKind::bad_request ? 2 : 1;
  }
  out << "added " << added.value().email << " (" << store::to_string(added.value().role) << ")\n";
  return 0;
}

int user_list(const Settings& settings, std::ostream& out, std::ostream& err) {
  auto opened = open_store(settings, true);
  if (!opened.ok()) {
    if (opened.error().kind == ErrorKind::not_found) return 0;  // no store yet: no accounts
    err << "twinning user list: " << opened.error().message << "\n";
    return 1;
  }
  auto organizers = store::organizer_store(*opened.value());
  if (!organizers.ok()) {
    err << "twinning user list: " << organizers.error().message << "\n";
    return 1;
  }
  auto users = organizers.value()->list_organizers();
  if (!users.ok()) {
    err << "twinning user list: " << users.error().message << "\n";
    return 1;
  }
  out << fmt::format("{:<40}  {:<9}  {:<20}  {}\n", "email", "role", "created", "name");
  for (const auto& u : users.value()) {
    out << fmt::format("{:<40}  {:<9}  {:<20}  {}\n", u.email, store::to_string(u.role),
                       store::format_time(u.created_at), u.display_name);
  }
  return 0;
}

int user_remove(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto opened = open_store(settings, false);
  if (!opened.ok()) {
    err << "twinning user remove: " << opened.error().message << "\n";
    return 1;
  }
  auto organizers = store::organizer_store(*opened.value());
  if (!organizers.ok()) {
    err << "twinning user remove: " << organizers.error().message << "\n";
    return 1;
  }
  if (auto r = organizers.value()->remove_organizer(email); !r.ok()) {
    err << "twinning user remove: " << r.error().message << "\n";
    return 1;
  }
  out << "removed " << email << " and ended its sessions\n";
  return 0;
}

std::unique_ptr<UserCommands> add_user_commands(CLI::App& app) {
  auto c = std::make_unique<UserCommands>();
  c->user = app.add_subcommand("user", "organizer accounts: add, list, remove");
  c->user->require_subcommand(1);
  c->add = c->user->add_subcommand("add", "add an organizer account (the password is asked without echo)");
  c->add->add_option("EMAIL", c->add_options.email, "the email the organizer signs in with")->required();
  c->add->add_option("--role", c->add_options.role, "owner, organizer (default) or viewer (read only)");
  c->add->add_option("--name", c->add_options.name, "the name shown on the pages");
  c->add->add_flag("--password-stdin", c->add_options.password_stdin, "read the password from standard input");
  c->list = c->user->add_subcommand("list", "every account (email, role, created, name)");
  c->remove = c->user->add_subcommand("remove", "remove an account and end its sessions");
  c->remove->add_option("EMAIL", c->remove_email, "the account's email")->required();
  // `twinning user add X --data DIR` as well as `twinning user --data DIR add X`.
  for (auto* sub : {c->add, c->list, c->remove}) sub->fallthrough();
  return c;
}

std::optional<int> run_user_commands(const UserCommands& c, const Settings& settings, std::istream& in,
                                     std::ostream& out, std::ostream& err) {
  if (!c.user->parsed()) return std::nullopt;
  if (c.add->parsed()) return user_add(c.add_options, settings, in, prompt_password_on_terminal, out, err);
  if (c.list->parsed()) return user_list(settings, out, err);
  if (c.remove->parsed()) return user_remove(c.remove_email, settings, out, err);
  return 2;
}

}  // namespace twinning::cli
