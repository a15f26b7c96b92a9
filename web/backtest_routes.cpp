#include "web/backtest_routes.hpp"

#include "rules/backtest.hpp"
#include "rules/time_text.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

// Holds one of the concurrent-backtest slots while it lives.
class Slot {
 public:
  explicit Slot(std::atomic<int>& running) : running_(running) {
    taken_ = running_.fetch_add(1) < kMaxConcurrentBacktests;
  }
  ~Slot() { running_.fetch_sub(1); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool taken() const { return taken_; }

 private:
  std::atomic<int>& running_;
  bool taken_ = false;
};

json encode_fire(const Fire& fire) {
  return json{{"ts", format_rfc3339(fire.ts_ms)},
              {"price", fire.price.to_double()},
              {"direction", fire.direction == Direction::up ? "up" : "down"},
              {"state_after", alert_state_name(fire.state_after)}};
}

}  // namespace

ApiResponse post_alert_backtest(BacktestContext& context, const Clock& clock, const User& user,
                                std::string_view body) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return problem(400, parsed.error());
  Result<AlertDraft> draft = decode_alert(*parsed);
  if (!draft) return problem(400, draft.error());
  if (draft->expires_at && *draft->expires_at <= clock.now_ms())
    return problem(400, "expires_at: must be in the future");
  Slot slot(context.running);
  if (!slot.taken()) {
    ApiResponse busy = problem(429, "backtest: too many backtests at once; retry in a second");
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  }
  Alert candidate = alert_from_draft(*draft, user.id);
  candidate.id = 1;
  Backtester run(context.calendar ? context.calendar() : SessionCalendar{});
  if (Status s = run.add(candidate); !s) return problem(400, "condition: " + s.error());
  for (const Quote& quote : context.ticks.snapshot(candidate.symbol)) run.feed(quote);
  json fires = json::array();
  for (const Fire& fire : run.fires()) {
    if (fires.size() == kMaxBacktestFires) break;
    fires.push_back(encode_fire(fire));
  }
  const auto time_or_null = [](std::optional<TimestampMs> ts) {
    return ts ? json(format_rfc3339(*ts)) : json(nullptr);
  };
  return json_response(200, dump_json({{"symbol", candidate.symbol},
                                       {"ticks_examined", run.ticks()},
                                       {"from", time_or_null(run.first_ts())},
                                       {"to", time_or_null(run.last_ts())},
                                       {"fires", std::move(fires)},
                                       {"fire_count", run.fires().size()},
                                       {"truncated", run.fires().size() > kMaxBacktestFires}}));
}

}  // namespace bw
