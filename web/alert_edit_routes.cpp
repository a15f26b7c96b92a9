#include "web/alert_edit_routes.hpp"

#include <functional>

#include "rules/time_text.hpp"
#include "web/alert_events.hpp"
#include "web/alert_files.hpp"
#include "web/alert_message_codec.hpp"
#include "web/alert_policy_codec.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

// The edit's outcome: the stored alert, or a client error to answer with.
struct EditOutcome {
  std::optional<Alert> alert;
  std::optional<ApiResponse> refusal;
};

// Runs `edit` on the user's alert in the store, then brings the engine in line.
// Alerts from an alerts.d file change only through their file; resume (which
// only re-arms) is allowed with `allow_managed`. `after_save` runs once the
// edit is stored (the message templates of a PATCH). `change` names it on the
// owner's stream (`event: alert`).
template <typename Edit>
ApiResponse edit_alert(ApiContext& context, const User& user, std::string_view id_text,
                       std::string_view change, Edit&& edit,
                       const std::function<void(const Alert&)>& after_save = {},
                       bool allow_managed = false) {
  std::optional<std::int64_t> id = parse_id(id_text);
  if (!id) return not_found_alert(id_text);
  sweep_expired_alerts(context);
  const TimestampMs now = context.clock.now_ms();
  std::optional<ApiResponse> refusal;
  std::optional<Alert> saved = context.alerts.modify(user.id, *id, now, [&](Alert& alert) -> bool {
    if (!alert.managed_file.empty() && !allow_managed) {
      refusal = problem(409, managed_alert_detail(alert));
      return false;
    }
    refusal = edit(alert, now);
    return !refusal;
  });
  if (!saved) return not_found_alert(id_text);
  if (refusal) return *refusal;
  if (after_save) after_save(*saved);
  if (saved->state == AlertState::armed) {
    context.engine.arm(*saved);
  } else {
    context.engine.disarm(saved->id);
  }
  publish_alert_change(context, change, *saved);
  return json_response(200, dump_json(alert_json(context, *saved)));
}

// Clears the policy's waiting state; the alert may fire on its next quote
// (subject to its cooldown or window, which still count from the last fire).
void rearm(Alert& alert) {
  alert.rearm_wait = RearmWait::none;
  if (alert.state != AlertState::paused) alert.state = AlertState::armed;
}

std::optional<ApiResponse> expired_refusal(const Alert& alert, TimestampMs now) {
  if (alert.expires_at && *alert.expires_at <= now) {
    return problem(409, "alert " + std::to_string(alert.id) + " expired at " +
                            format_rfc3339(*alert.expires_at) +
                            "; PATCH a later expires_at (or null) first");
  }
  return std::nullopt;
}

// A PATCH of message templates alone: the alert's revision stays, so a fire
// already in flight is still recorded (with the new words).
ApiResponse patch_templates(ApiContext& context, const User& user, std::string_view id_text,
                            const TemplatesPatch& templates) {
  std::optional<std::int64_t> id = parse_id(id_text);
  if (!id) return not_found_alert(id_text);
  sweep_expired_alerts(context);
  std::optional<Alert> existing = context.alerts.find(user.id, *id);
  if (!existing) return not_found_alert(id_text);
  if (!existing->managed_file.empty()) return problem(409, managed_alert_detail(*existing));
  const AlertTemplates next = templates.applied_to(context.messages->find(user.id, *id));
  if (!context.messages->save(user.id, *id, next)) return not_found_alert(id_text);
  std::optional<Alert> alert = context.alerts.find(user.id, *id);
  if (!alert) return not_found_alert(id_text);
  publish_alert_change(context, "edited", *alert);
  return json_response(200, dump_json(alert_json(context, *alert)));
}

}  // namespace

ApiResponse patch_alert(ApiContext& context, const User& user, std::string_view id,
                        std::string_view body) {
  Result<nlohmann::json> parsed = parse_body(body);
  if (!parsed) return problem(400, parsed.error());
  Result<AlertPatch> patch = decode_alert_patch(*parsed);
  if (!patch) return problem(400, patch.error());
  Result<TemplatesPatch> templates = decode_templates(*parsed);
  if (!templates) return problem(400, templates.error());
  if (templates->any() && !context.messages)
    return problem(400, "message_template: message templates are not enabled");
  if (only_template_fields(*parsed)) return patch_templates(context, user, id, *templates);
  const auto save_templates = [&](const Alert& alert) {
    if (!templates->any()) return;
    const AlertTemplates next = templates->applied_to(context.messages->find(user.id, alert.id));
    (void)context.messages->save(user.id, alert.id, next);
  };
  if (patch->expires_at && *patch->expires_at && **patch->expires_at <= context.clock.now_ms())
    return problem(400, "expires_at: must be in the future");
  return edit_alert(
      context, user, id, "edited",
      [&](Alert& alert, TimestampMs now) {
        std::optional<ApiResponse> none;
        if (patch->symbol) alert.symbol = *patch->symbol;
        if (patch->name) alert.name = *patch->name;
        if (patch->condition) alert.condition = *patch->condition;
        if (patch->trigger) alert.trigger = *patch->trigger;
        if (patch->sessions) alert.sessions = *patch->sessions;
        if (patch->expires_at) {
          alert.expires_at = *patch->expires_at;
          // A new expiry in the future brings an expired alert back, armed.
          if (alert.state == AlertState::expired) alert.state = AlertState::armed;
        }
        if (Status s = check_rearm_applies(alert.condition, alert.trigger); !s)
          return std::optional<ApiResponse>(problem(400, s.error()));
        if (patch->rearms()) {
          if (std::optional<ApiResponse> refusal = expired_refusal(alert, now)) return refusal;
          rearm(alert);
        }
        return none;
      },
      save_templates);
}

ApiResponse pause_alert(ApiContext& context, const User& user, std::string_view id) {
  return edit_alert(context, user, id, "paused",
                    [](Alert& alert, TimestampMs) -> std::optional<ApiResponse> {
                      if (alert.state == AlertState::armed || alert.state == AlertState::paused) {
                        alert.state = AlertState::paused;
                        return std::nullopt;
                      }
                      return problem(409, "alert " + std::to_string(alert.id) + " is " +
                                              std::string(alert_state_name(alert.state)) +
                                              "; only an armed alert can be paused");
                    });
}

ApiResponse resume_alert(ApiContext& context, const User& user, std::string_view id) {
  return edit_alert(
      context, user, id, "resumed",
      [](Alert& alert, TimestampMs now) -> std::optional<ApiResponse> {
        if (std::optional<ApiResponse> refusal = expired_refusal(alert, now)) return refusal;
        alert.state = AlertState::armed;
        alert.rearm_wait = RearmWait::none;
        return std::nullopt;
      },
      {}, /*allow_managed=*/true);
}

}  // namespace bw
