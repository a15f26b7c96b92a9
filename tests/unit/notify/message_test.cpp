// Specification of bw::render_message: the text a user reads when an alert fires.
#include <catch2/catch.hpp>

#include <string>

#include "notify/message.hpp"

using namespace bw;

namespace {

Fire fire(ConditionType type, Direction direction, std::string_view threshold,
          std::string_view price, const Symbol& symbol = "AAPL") {
  Fire f;
  f.alert_id = 1;
  f.user_id = 2;
  f.symbol = symbol;
  f.condition = Condition{type, *Price::parse(threshold)};
  f.direction = direction;
  f.price = *Price::parse(price);
  f.ts_ms = 1000;
  return f;
}

}  // namespace

TEST_CASE("an above alert reads 'is above'", "[notify]") {
  CHECK(render_message(fire(ConditionType::above, Direction::up, "150", "150.25")) ==
        "AAPL is above 150.00 at 150.25");
}

TEST_CASE("a below alert reads 'is below'", "[notify]") {
  CHECK(render_message(fire(ConditionType::below, Direction::down, "150", "149.5")) ==
        "AAPL is below 150.00 at 149.50");
}

TEST_CASE("a crossing_up alert reads 'crossed above'", "[notify]") {
  CHECK(render_message(fire(ConditionType::crossing_up, Direction::up, "150", "150.25")) ==
        "AAPL crossed above 150.00 at 150.25");
}

TEST_CASE("a crossing_down alert reads 'crossed below'", "[notify]") {
  CHECK(render_message(fire(ConditionType::crossing_down, Direction::down, "150", "149.75")) ==
        "AAPL crossed below 150.00 at 149.75");
}

TEST_CASE("a crossing alert names the direction the price went", "[notify]") {
  CHECK(render_message(fire(ConditionType::crossing, Direction::up, "150", "150.25")) ==
        "AAPL crossed above 150.00 at 150.25");
  CHECK(render_message(fire(ConditionType::crossing, Direction::down, "150", "149.99")) ==
        "AAPL crossed below 150.00 at 149.99");
}

TEST_CASE("message prices keep every significant decimal and at least two", "[notify]") {
  CHECK(render_message(fire(ConditionType::above, Direction::up, "0.12345", "0.1235", "BTC/USD")) ==
        "BTC/USD is above 0.12345 at 0.1235");
  CHECK(render_message(fire(ConditionType::crossing_up, Direction::up, "1000", "1000.5",
                            "BRK.B")) == "BRK.B crossed above 1000.00 at 1000.50");
}

TEST_CASE("channel alerts name the channel as lower-upper", "[notify]") {
  Fire f = fire(ConditionType::entering_channel, Direction::up, "140", "140.5");
  f.condition.upper = *Price::parse("150");
  CHECK(render_message(f) == "AAPL entered channel 140.00-150.00 at 140.50");
  f.condition.type = ConditionType::exiting_channel;
  CHECK(render_message(f) == "AAPL exited channel 140.00-150.00 at 140.50");
  f.condition.type = ConditionType::inside_channel;
  CHECK(render_message(f) == "AAPL is inside channel 140.00-150.00 at 140.50");
  f.condition.type = ConditionType::outside_channel;
  CHECK(render_message(f) == "AAPL is outside channel 140.00-150.00 at 140.50");
}

TEST_CASE("window moves, spreads and compounds read as what happened", "[notify]") {
  Fire f = fire(ConditionType::moving_up, Direction::up, "2", "152");
  f.condition.window_ms = 30'000;
  CHECK(render_message(f) == "AAPL rose 2.00 within 30s at 152.00");
  f.condition.type = ConditionType::moving_down_pct;
  f.condition.price = *Price::parse("1.5");
  f.condition.window_ms = 300'000;
  CHECK(render_message(f) == "AAPL fell 1.5% within 5m at 152.00");
  Fire spread = fire(ConditionType::spread_above_bps, Direction::up, "25", "100");
  CHECK(render_message(spread) == "AAPL spread is above 25 bps at 100.00");
  Fire all = fire(ConditionType::all_of, Direction::up, "0", "151");
  all.condition.terms = {Condition{ConditionType::above, *Price::parse("150")}, spread.condition};
  CHECK(render_message(all) == "AAPL met all of 2 conditions at 151.00");
}
