#pragma once
// Organizer accounts: `twinning user add EMAIL --role R`, `user list`, `user remove EMAIL`.
// cli.cpp registers them with add_user_commands and runs the one given with run_user_commands;
// the functions below are what tests call.
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"

namespace twinning::cli {

// Asks for a password on the terminal without echo (twice, to catch a typo). Error when standard
// input is not a terminal (then --password-stdin is the way) or the two differ.
using PasswordPrompt = std::function<Result<std::string>()>;
Result<std::string> prompt_password_on_terminal();

struct UserAdd {
  std::string email, role = "organizer", name;
  bool password_stdin = false;  // the first line of `in` is the password (for scripts)
};
// Exit 0; 1 for a store error or an account that exists; 2 for a bad role, email or password.
int user_add(const UserAdd& options, const Settings& settings, std::istream& in, const PasswordPrompt& prompt,
             std::ostream& out, std::ostream& err);
// Email, role, name and creation time of every account (never a hash). Exit 0, or 1.
int user_list(const Settings& settings, std::ostream& out, std::ostream& err);
// Removes the account and ends its sessions. Exit 0, or 1 (no such account, store error).
int user_remove(const std::string& email, const Settings& settings, std::ostream& out, std::ostream& err);

struct UserCommands {
  CLI::App *user = nullptr, *add = nullptr, *list = nullptr, *remove = nullptr;
  UserAdd add_options;
  std::string remove_email;
  std::vector<CLI::App*> with_common() const { return {user}; }
};
// Adds the commands to `app`; keep the result alive until run_user_commands.
std::unique_ptr<UserCommands> add_user_commands(CLI::App& app);
// Runs the command given, if it is one of these; none otherwise.
std::optional<int> run_user_commands(const UserCommands& c, const Settings& settings, std::istream& in,
                                     std::ostream& out, std::ostream& err);

}  // namespace twinning::cli
