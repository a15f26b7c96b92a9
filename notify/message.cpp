#include "notify/message.hpp"

namespace bw {

std::string_view condition_phrase(const Fire& fire) {
  switch (fire.condition.type) {
    case ConditionType::above:
      return "is above";
    case ConditionType::below:
      return "is below";
    case ConditionType::crossing_up:
      return "crossed above";
    case ConditionType::crossing_down:
      return "crossed below";
    case ConditionType::crossing:
      return fire.direction == Direction::up ? "crossed above" : "crossed below";
    case ConditionType::entering_channel:
      return "entered channel";
    case ConditionType::exiting_channel:
      return "exited channel";
    case ConditionType::inside_channel:
      return "is inside channel";
    case ConditionType::outside_channel:
      return "is outside channel";
  }
  return "reached";
}

std::string threshold_text(const Condition& condition) {
  if (!is_channel(condition.type)) return condition.price.to_string();
  return condition.price.to_string() + "-" + condition.upper.to_string();
}

std::string render_message(const Fire& fire) {
  std::string text = fire.symbol;
  text += ' ';
  text += condition_phrase(fire);
  text += ' ';
  text += threshold_text(fire.condition);
  text += " at ";
  text += fire.price.to_string();
  return text;
}

}  // namespace bw
