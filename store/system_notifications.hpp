// System notifications: messages from the server itself (a feed went stale
// or down) to every enabled admin, stored in the notifications table like an
// alert's (alert_id 0, no symbol, price 0) so they reach the admins' streams,
// the notification list and Last-Event-ID replay alike.
//
//   std::vector<StoredNotification> sent = record_admin_notification(db, "source poly is down",
//   now); for (auto& n : sent) sse_sink.deliver(n);   // only after the commit
//
// Thread-safe (through Database).
#pragma once

#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/notification_repository.hpp"

namespace bw {

// One notification per enabled admin, in one transaction; returns them stored.
std::vector<StoredNotification> record_admin_notification(Database& db, const std::string& message,
                                                          TimestampMs now);

}  // namespace bw
