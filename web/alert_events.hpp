// Alert state changes as `event: alert` on the owner's event stream
// (docs/API.md, "Event stream"): {"change":…,"alert":{…}} where change is
// triggered, expired, paused, resumed or edited. Edits carry the whole alert
// as the API shows it; fires and expiries carry its id and new state.
//
//   publish_alert_change(context, user, "paused", saved_alert);
//   std::string json = alert_fired_event(notification);   // the notifier's side
//
// Events are live only (no id, not replayed): a client that reconnects reads
// the alerts again. Thread-safe when ApiContext::alert_events is.
#pragma once

#include <string>
#include <string_view>

#include "web/api_context.hpp"

namespace bw {

// {"change":"triggered","alert":{"id","state"},"notification_id","at"}.
std::string alert_fired_event(const StoredNotification& notification);
// {"change":"expired","alert":{"id","state":"expired"}}.
std::string alert_expired_event(AlertId alert);
// Publishes {"change":change,"alert":<the alert's API JSON>} to its owner.
void publish_alert_change(ApiContext& context, std::string_view change, const Alert& alert);

}  // namespace bw
