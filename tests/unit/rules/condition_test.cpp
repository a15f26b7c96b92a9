// Specification of the names of conditions, trigger modes and alert states.
#include <catch2/catch.hpp>

#include "rules/condition.hpp"

using namespace bw;

TEST_CASE("Every condition type has a name that parses back to it", "[rules]") {
  for (ConditionType type : {ConditionType::above, ConditionType::below, ConditionType::crossing,
                             ConditionType::crossing_up, ConditionType::crossing_down}) {
    REQUIRE(parse_condition_type(condition_type_name(type)) == type);
  }
}

TEST_CASE("Condition type names are the documented snake_case words", "[rules]") {
  REQUIRE(condition_type_name(ConditionType::above) == "above");
  REQUIRE(condition_type_name(ConditionType::below) == "below");
  REQUIRE(condition_type_name(ConditionType::crossing) == "crossing");
  REQUIRE(condition_type_name(ConditionType::crossing_up) == "crossing_up");
  REQUIRE(condition_type_name(ConditionType::crossing_down) == "crossing_down");
}

TEST_CASE("Unknown or differently cased condition names do not parse", "[rules]") {
  for (const char* name : {"", "Above", "ABOVE", "crossing-up", "crossingup", " above", "over"}) {
    CAPTURE(name);
    REQUIRE_FALSE(parse_condition_type(name).has_value());
  }
}

TEST_CASE("The only trigger mode is once", "[rules]") {
  REQUIRE(trigger_mode_name(TriggerMode::once) == "once");
  REQUIRE(parse_trigger_mode("once") == TriggerMode::once);
  REQUIRE_FALSE(parse_trigger_mode("always").has_value());
  REQUIRE_FALSE(parse_trigger_mode("Once").has_value());
}

TEST_CASE("Every alert state has a name that parses back to it", "[rules]") {
  REQUIRE(alert_state_name(AlertState::armed) == "armed");
  REQUIRE(alert_state_name(AlertState::triggered) == "triggered");
  REQUIRE(alert_state_name(AlertState::paused) == "paused");
  REQUIRE(alert_state_name(AlertState::expired) == "expired");
  for (AlertState state :
       {AlertState::armed, AlertState::triggered, AlertState::paused, AlertState::expired}) {
    REQUIRE(parse_alert_state(alert_state_name(state)) == state);
  }
  REQUIRE_FALSE(parse_alert_state("deleted").has_value());
}

TEST_CASE("Conditions are equal when type and price are equal", "[rules]") {
  const Price p150 = *Price::parse("150");
  REQUIRE(Condition{ConditionType::above, p150} == Condition{ConditionType::above, p150});
  REQUIRE_FALSE(Condition{ConditionType::above, p150} == Condition{ConditionType::below, p150});
  REQUIRE_FALSE(Condition{ConditionType::above, p150} ==
                Condition{ConditionType::above, *Price::parse("150.00000001")});
}

TEST_CASE("A default alert is armed with trigger mode once", "[rules]") {
  Alert alert;
  REQUIRE(alert.state == AlertState::armed);
  REQUIRE(alert.trigger.mode == TriggerMode::once);
  REQUIRE_FALSE(alert.last_fired_at.has_value());
}
