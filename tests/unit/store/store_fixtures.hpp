// Helpers shared by the store tests: a temporary database with two users and
// alert builders. Test code only.
#pragma once

#include <string>
#include <string_view>

#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/notification_repository.hpp"
#include "tests/support/temp_database.hpp"

namespace bw::testing {

inline constexpr TimestampMs kNow = 1'764'169'200'000;  // 2025-11-26T15:00:00Z

// A NewUser with only a name (and the admin flag) set.
inline NewUser new_user(std::string name, bool admin = false) {
  NewUser user;
  user.name = std::move(name);
  user.admin = admin;
  return user;
}

inline Price px(std::string_view text) {
  return *Price::parse(text);
}

// A temporary database holding the users alice and bob.
struct TwoUsers {
  TempDatabase temp;
  Accounts accounts{temp.db()};
  AlertRepository alerts{temp.db()};
  NotificationRepository notifications{temp.db()};
  UserId alice = accounts.create_user(new_user("alice"), kNow)->id;
  UserId bob = accounts.create_user(new_user("bob"), kNow)->id;

  Alert armed(UserId user, const Symbol& symbol = "AAPL",
              ConditionType type = ConditionType::crossing_up, std::string_view price = "150") {
    Alert alert;
    alert.user_id = user;
    alert.symbol = symbol;
    alert.name = symbol + " " + std::string(price);
    alert.condition = Condition{type, px(price)};
    return alerts.insert(alert, kNow);
  }

  NewNotification fire_of(const Alert& alert, TimestampMs at = kNow + 1000,
                          std::string_view price = "150.25") {
    return NewNotification{alert.id,
                           alert.user_id,
                           alert.symbol,
                           px(price),
                           alert.symbol + " fired at " + std::string(price),
                           at};
  }
};

}  // namespace bw::testing
