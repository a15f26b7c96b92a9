// SymbolSilenceWatch: the [ingest] symbol_silence check, run on the source
// watch's periodic tick. Each look reads the watched symbols (armed alerts
// and watchlists; re-read at most every `refresh`), their latest quotes and
// the [market] calendar, asks SymbolSilence what changed, and stores one
// admin notification per kind (silent / back) before handing it to `deliver`.
//
//   SymbolSilenceWatch silence(db, last_quotes, calendar, deliver, config.ingest.symbol_silence);
//   source_watch.also_check([&](TimestampMs now) { silence.check(now); });
//   silence.set_threshold(next.ingest.symbol_silence);   // on reload, any thread
//
// check() from one thread only; set_threshold from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "app/market_calendar.hpp"
#include "app/symbol_silence.hpp"
#include "ingest/last_quotes.hpp"
#include "store/database.hpp"
#include "store/notification_repository.hpp"

namespace bw {

class SymbolSilenceWatch {
 public:
  using Deliver = std::function<void(const StoredNotification&)>;

  SymbolSilenceWatch(Database& db, const LastQuotes& quotes, const CalendarHolder& calendar,
                     Deliver deliver, std::chrono::milliseconds threshold,
                     std::chrono::milliseconds refresh = std::chrono::seconds(15));

  void set_threshold(std::chrono::milliseconds threshold) { threshold_ms_ = threshold.count(); }
  void check(TimestampMs now);

 private:
  Database& db_;
  const LastQuotes& quotes_;
  const CalendarHolder& calendar_;
  const Deliver deliver_;
  const std::chrono::milliseconds refresh_;
  std::atomic<std::int64_t> threshold_ms_;
  SymbolSilence silence_;            // check() only
  std::vector<Symbol> watched_;      // check() only
  TimestampMs watched_read_at_ = 0;  // check() only
  bool watched_read_ = false;        // check() only
};

}  // namespace bw
