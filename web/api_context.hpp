// ApiContext: the narrow set of services the REST handlers may use, and the
// AlertEngine interface through which they arm and disarm alerts (the engine
// applies it on its own thread, in order with the quotes).
//
// Everything referenced is thread-safe; the context outlives the API server.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ingest/candle_history.hpp"
#include "ingest/last_quotes.hpp"
#include "ingest/quote_sink.hpp"
#include "rules/clock.hpp"
#include "store/accounts.hpp"
#include "store/alert_message_repository.hpp"
#include "store/alert_repository.hpp"
#include "store/notification_repository.hpp"
#include "store/sessions.hpp"

namespace bw {

struct DeliveryContext;      // web/channel_routes.hpp
struct WatchlistContext;     // web/watchlist_routes.hpp
class IngestStatusProvider;  // web/ingest_routes.hpp
struct SettingsContext;      // web/settings_routes.hpp
struct BacktestContext;      // web/backtest_routes.hpp

class AlertEngine {
 public:
  virtual ~AlertEngine() = default;
  virtual void arm(const Alert& alert) = 0;
  virtual void disarm(AlertId id) = 0;
};

struct ApiContext {
  Accounts& accounts;
  AlertRepository& alerts;
  NotificationRepository& notifications;
  LastQuotes& last_quotes;
  QuoteSink& quotes;
  AlertEngine& engine;
  const Clock& clock;
  std::uint16_t stream_port = 0;
  std::string version;
  Sessions* sessions = nullptr;         // required by ApiServer (cookie sign-in)
  DeliveryContext* delivery = nullptr;  // channels and the outbox
  // The watchlist routes (optional).
  WatchlistContext* watchlist = nullptr;
  CandleHistory* candles = nullptr;                     // recent bars per symbol (charts)
  const IngestStatusProvider* ingest_status = nullptr;  // GET /api/v1/sources when set
  AlertMessageRepository* messages = nullptr;           // message templates; null: not offered
  SettingsContext* settings = nullptr;                  // the caller's own settings (quiet hours)
  BacktestContext* backtest = nullptr;                  // POST /api/v1/alerts/backtest when set
  // (owner, JSON) of an alert state change for `event: alert` on the owner's
  // stream (web/alert_events.hpp); empty: not published.
  std::function<void(UserId, const std::string&)> alert_events = {};
};

}  // namespace bw
