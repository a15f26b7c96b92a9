#include "notify/message.hpp"

namespace bw {

namespace {
std::string_view verb_for(const Fire& fire) {
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
  }
  return "reached";
}
}  // namespace

std::string render_message(const Fire& fire) {
  std::string text = fire.symbol;
  text += ' ';
  text += verb_for(fire);
  text += ' ';
  text += fire.condition.price.to_string();
  text += " at ";
  text += fire.price.to_string();
  return text;
}

}  // namespace bw
