#include "app/symbol_silence_watch.hpp"

#include "log/module_logger.hpp"
#include "store/system_notifications.hpp"
#include "store/watched_symbols.hpp"

namespace bw {

SymbolSilenceWatch::SymbolSilenceWatch(Database& db, const LastQuotes& quotes,
                                       const CalendarHolder& calendar, Deliver deliver,
                                       std::chrono::milliseconds threshold,
                                       std::chrono::milliseconds refresh)
    : db_(db),
      quotes_(quotes),
      calendar_(calendar),
      deliver_(std::move(deliver)),
      refresh_(refresh),
      threshold_ms_(threshold.count()) {}

void SymbolSilenceWatch::check(TimestampMs now) {
  const std::chrono::milliseconds threshold(threshold_ms_.load());
  std::vector<WatchedSymbol> watched;
  if (threshold.count() > 0) {  // off: no store read at all
    if (!watched_read_ || now - watched_read_at_ >= refresh_.count()) {
      watched_ = watched_symbols(db_);
      watched_read_at_ = now;
      watched_read_ = true;
    }
    watched.reserve(watched_.size());
    for (const Symbol& symbol : watched_) {
      const std::optional<Quote> quote = quotes_.find(symbol);
      watched.emplace_back(symbol, quote ? quote->ts_ms : 0);
    }
  }
  const std::vector<SilenceNotice> notices =
      silence_.check(now, threshold, calendar_.get(), watched);
  for (const std::string& message : silence_messages(notices, threshold)) {
    module_logger("ingest")->warn("{}", message);
    for (const StoredNotification& n : record_admin_notification(db_, message, now)) deliver_(n);
  }
}

}  // namespace bw
