// Specification of bw::Accounts: users and their API tokens (stored hashed).
#include <catch2/catch.hpp>

#include <string>

#include "store/accounts.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDatabase;

namespace {

// A NewUser with only a name (and the admin flag) set.
NewUser new_user(std::string name, bool admin = false) {
  NewUser user;
  user.name = std::move(name);
  user.admin = admin;
  return user;
}

constexpr TimestampMs kNow = 1'764'169'200'000;

void disable(Database& db, UserId id) {
  db.write([&](sql::Connection& c) {
    sql::Statement s(c, "UPDATE users SET disabled = 1 WHERE id = ?");
    s.bind(1, id).run();
  });
}

}  // namespace

TEST_CASE("create_user stores a user and returns it with its id", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  Result<User> user =
      accounts.create_user(NewUser{"alice", true, std::string("$argon2id$fake"), true}, kNow);
  REQUIRE(user.ok());
  CHECK(user->id > 0);
  CHECK(user->name == "alice");
  CHECK(user->admin);
  CHECK_FALSE(user->disabled);
  CHECK(user->must_change_password);
  CHECK(user->created_at == kNow);

  std::optional<User> found = accounts.find_user("alice");
  REQUIRE(found);
  CHECK(found->id == user->id);
  CHECK(found->admin);
  CHECK(found->must_change_password);
  CHECK(found->created_at == kNow);
}

TEST_CASE("create_user refuses a name that is taken", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  REQUIRE(accounts.create_user(new_user("alice"), kNow).ok());
  Result<User> again = accounts.create_user(new_user("alice", true), kNow);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == "user 'alice' already exists");
  CHECK(accounts.count_users() == 1);
}

TEST_CASE("users are found by name and by id", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  UserId bob = accounts.create_user(new_user("bob"), kNow)->id;
  CHECK(alice != bob);
  CHECK(accounts.count_users() == 2);
  REQUIRE(accounts.find_user(bob));
  CHECK(accounts.find_user(bob)->name == "bob");
  CHECK(accounts.find_user("alice")->id == alice);
  CHECK_FALSE(accounts.find_user("carol"));
  CHECK_FALSE(accounts.find_user(UserId{9999}));
}

TEST_CASE("user_for_token finds the owner of a token hash", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  UserId bob = accounts.create_user(new_user("bob"), kNow)->id;
  accounts.add_token(alice, "hash-a", "cli", kNow);
  accounts.add_token(bob, "hash-b", "cli", kNow);

  REQUIRE(accounts.user_for_token("hash-a"));
  CHECK(accounts.user_for_token("hash-a")->id == alice);
  CHECK(accounts.user_for_token("hash-b")->id == bob);
}

TEST_CASE("user_for_token finds nobody for an unknown hash", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  accounts.add_token(alice, "hash-a", "cli", kNow);
  CHECK_FALSE(accounts.user_for_token("hash-x"));
  CHECK_FALSE(accounts.user_for_token(""));
}

TEST_CASE("a user may hold several tokens", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  accounts.add_token(alice, "hash-1", "cli", kNow);
  accounts.add_token(alice, "hash-2", "browser", kNow);
  CHECK(accounts.user_for_token("hash-1")->id == alice);
  CHECK(accounts.user_for_token("hash-2")->id == alice);
}

TEST_CASE("a disabled user is not returned for its token", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  accounts.add_token(alice, "hash-a", "cli", kNow);
  disable(temp.db(), alice);

  CHECK_FALSE(accounts.user_for_token("hash-a"));
  REQUIRE(accounts.find_user(alice));
  CHECK(accounts.find_user(alice)->disabled);
}

TEST_CASE("the same token hash cannot be added twice", "[store]") {
  TempDatabase temp;
  Accounts accounts(temp.db());
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  accounts.add_token(alice, "hash-a", "cli", kNow);
  CHECK_THROWS_AS(accounts.add_token(alice, "hash-a", "again", kNow), sql::SqliteError);
}
