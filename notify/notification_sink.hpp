// NotificationSink: a channel that receives notifications after they are
// committed (the SSE hub today; webhooks and email later).
//
// deliver() is called from the notifier thread and must not block for long.
#pragma once

#include "store/notification_repository.hpp"

namespace bw {

class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  virtual void deliver(const StoredNotification& notification) = 0;
};

}  // namespace bw
