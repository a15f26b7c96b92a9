#include "web/alert_events.hpp"

#include "web/api_routes.hpp"
#include "web/json_codec.hpp"
#include "rules/time_text.hpp"

namespace bw {

std::string alert_fired_event(const StoredNotification& notification) {
  const NewNotification& n = notification.content;
  return dump_json({{"change", "triggered"},
                    {"alert", {{"id", n.alert_id}, {"state", alert_state_name(n.state_after)}}},
                    {"notification_id", notification.id},
                    {"at", format_rfc3339(n.created_at)}});
}

std::string alert_expired_event(AlertId alert) {
  return dump_json({{"change", "expired"}, {"alert", {{"id", alert}, {"state", "expired"}}}});
}

void publish_alert_change(ApiContext& context, std::string_view change, const Alert& alert) {
  if (!context.alert_events) return;
  context.alert_events(alert.user_id,
                       dump_json({{"change", change}, {"alert", alert_json(context, alert)}}));
}

}  // namespace bw
