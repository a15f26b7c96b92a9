// SymbolSilence: decides which watched symbols have gone quiet during the
// US regular session, and which have come back. Pure: the caller passes the
// time, the threshold, the calendar and each watched symbol's latest quote
// time; it gets back the episodes that started or ended at this look.
//
//   SymbolSilence silence;
//   for (const SilenceNotice& n : silence.check(now, 5min, calendar, watched)) ...
//   std::vector<std::string> texts = silence_messages(notices, 5min);
//
// A tick is seen as a change of the symbol's latest quote time between two
// looks, so silence is measured on the caller's clock (a replay's historical
// quote times do not matter). Quiet time counts from the later of the last
// seen tick and the first look in the current regular session at which the
// symbol was watched: a server started mid-session, or a symbol newly
// watched, gets the full threshold before it is reported. Outside the regular
// session (and when the threshold is 0) nothing is judged and every episode
// ends without a notice; the next session starts afresh.
// Not thread-safe: one owner calls check().
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rules/quote.hpp"
#include "rules/session_calendar.hpp"

namespace bw {

struct SilenceNotice {
  Symbol symbol;
  bool recovered = false;       // false: went silent; true: ticks are back
  TimestampMs quiet_since = 0;  // the last tick seen (or the start of watching)
  TimestampMs at = 0;           // the look that noticed it
};

// A watched symbol and its latest quote time (0: no quote seen yet).
using WatchedSymbol = std::pair<Symbol, TimestampMs>;

class SymbolSilence {
 public:
  // `watched` holds each symbol once; symbols no longer in it are forgotten
  // without a notice.
  std::vector<SilenceNotice> check(TimestampMs now, std::chrono::milliseconds silence,
                                   const SessionCalendar& calendar,
                                   const std::vector<WatchedSymbol>& watched);

  // Symbols currently in a silence episode.
  std::size_t silent_count() const;

 private:
  struct Track {
    TimestampMs last_quote = 0;   // the latest quote time seen
    TimestampMs quiet_since = 0;  // when that tick (or the watching) was seen
    bool silent = false;
  };
  std::map<Symbol, Track> tracks_;
};

// At most two admin messages for one look's notices: the symbols that went
// silent and those that recovered, each naming at most `max_named` symbols
// ("and N more"). Empty when there are no notices.
std::vector<std::string> silence_messages(const std::vector<SilenceNotice>& notices,
                                          std::chrono::milliseconds silence,
                                          std::size_t max_named = 20);

}  // namespace bw
