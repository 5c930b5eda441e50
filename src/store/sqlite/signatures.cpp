// The SQLite store's petition signatures (migrations/0004_signatures.sql). A signature is written
// by write_one with its action, in the same savepoint, so a signature never exists without its
// action; whether it counts is the action's status.
#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// Longest comment the store takes (bytes). The form has its own, smaller limit in characters;
// this one only keeps a caller that skipped it from filling the database.
constexpr std::size_t kMaxCommentBytes = 16000;
constexpr std::size_t kMaxEmailKeyBytes = 512;

// The first word of a name: what the public list shows, and nothing more of the name.
std::string first_word(const std::string& name) {
  const auto start = name.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  const auto end = name.find_first_of(" \t\r\n", start);
  return name.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::optional<Error> invalid_signature(const NewAction& a) {
  if (!a.signature) return std::nullopt;
  const NewSignature& s = *a.signature;
  if (a.channel != "petition") {
    return Error::make(ErrorKind::bad_request, "only a petition action can carry a signature", "channel");
  }
  if (s.email_key.empty()) return Error::make(ErrorKind::bad_request, "the signature has no email key", "email");
  if (s.email_key.size() > kMaxEmailKeyBytes) {
    return Error::make(ErrorKind::bad_request, "the signature's email is too long", "email");
  }
  if (s.comment.size() > kMaxCommentBytes) {
    return Error::make(ErrorKind::bad_request, "the comment is too long", "comment");
  }
  if (s.comment.find('\0') != std::string::npos) {
    return Error::make(ErrorKind::bad_request, "the comment holds a NUL character", "comment");
  }
  return std::nullopt;
}

Result<void> SqliteStore::prepare_signature_writes() {
  const StatementSql entries[] = {
      {&w_.find_signature,
       "SELECT s.id, a.status FROM signatures s JOIN actions a ON a.id = s.action_id "
       "WHERE s.campaign = ?1 AND s.email_key = ?2"},
      {&w_.drop_signature, "DELETE FROM signatures WHERE id = ?1"},
      {&w_.insert_signature,
       "INSERT INTO signatures (campaign, email_key, action_id, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_signature_reads() {
  const StatementSql entries[] = {
      {&r_.count_signatures,
       "SELECT COUNT(*) FROM signatures s JOIN actions a ON a.id = s.action_id "
       "WHERE s.campaign = ?1 AND a.status = 'confirmed'"},
      // The consent row of the signature's own action: agreeing once elsewhere does not list them.
      {&r_.latest_signers,
       "SELECT p.name, a.country, a.updated_at FROM signatures s "
       "JOIN actions a ON a.id = s.action_id "
       "JOIN supporters p ON p.id = a.supporter_id "
       "JOIN consents c ON c.action_id = a.id AND c.scope = 'public_listing' AND c.given = 1 "
       "WHERE s.campaign = ?1 AND a.status = 'confirmed' "
       "ORDER BY a.updated_at DESC, a.id DESC LIMIT ?2"},
  };
  return prepare_all(read_db_.get(), entries);
}

Result<bool> SqliteStore::already_signed(const NewAction& a) {
  std::int64_t existing = 0;
  {
    auto q = w_.find_signature.use();
    if (auto r = q.bind_all(a.campaign, a.signature->email_key); !r.ok()) return r.error();
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (!row.value()) return false;
    // An expired signature was never confirmed and never will be: it must not lock the person out.
    if (q.text(1) != "expired") return true;
    existing = q.int64(0);
  }
  auto q = w_.drop_signature.use();
  if (auto r = q.bind_all(existing); !r.ok()) return r.error();
  if (auto r = q.run(); !r.ok()) return r.error();
  return false;
}

Result<void> SqliteStore::insert_signature(const NewAction& a, std::int64_t action_id, const std::string& created) {
  auto q = w_.insert_signature.use();
  if (auto r = q.bind_all(a.campaign, a.signature->email_key, action_id, a.signature->comment, created); !r.ok()) {
    return r;
  }
  return q.run();
}

Result<std::int64_t> SqliteStore::count_signatures(const std::string& campaign) {
  std::lock_guard lock(read_mu_);
  auto q = r_.count_signatures.use();
  if (auto r = q.bind_all(campaign); !r.ok()) return r.error();
  auto n = single_int(q);
  if (!n.ok()) return n.error();
  return n.value().value_or(0);
}

Result<std::vector<PublicSigner>> SqliteStore::latest_signers(const std::string& campaign, std::size_t limit) {
  std::lock_guard lock(read_mu_);
  auto q = r_.latest_signers.use();
  if (auto r = q.bind_all(campaign, static_cast<std::int64_t>(limit)); !r.ok()) return r.error();
  std::vector<PublicSigner> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    auto when = read_time(q, 2, "a signature's confirmation time");
    if (!when.ok()) return when.error();
    out.push_back(PublicSigner{first_word(q.text(0)), q.text(1), when.value()});
  }
}

}  // namespace twinning::store::sqlite
