#include "app/symbol_silence.hpp"

#include <set>

namespace bw {

std::vector<SilenceNotice> SymbolSilence::check(TimestampMs now, std::chrono::milliseconds silence,
                                                const SessionCalendar& calendar,
                                                const std::vector<WatchedSymbol>& watched) {
  std::vector<SilenceNotice> notices;
  // Off, or the market is not in its regular session: a quiet symbol is
  // expected, so nothing is judged and open episodes end quietly.
  if (silence.count() <= 0 || calendar.session_at(now) != Session::regular) {
    tracks_.clear();
    return notices;
  }
  std::set<Symbol> present;
  for (const auto& [symbol, last_quote] : watched) {
    present.insert(symbol);
    auto [it, inserted] = tracks_.try_emplace(symbol, Track{last_quote, now, false});
    if (inserted) continue;  // first look this session: the clock starts now
    Track& track = it->second;
    if (last_quote != track.last_quote) {  // a tick since the last look
      track.last_quote = last_quote;
      if (track.silent) notices.push_back({symbol, true, track.quiet_since, now});
      track.quiet_since = now;
      track.silent = false;
      continue;
    }
    if (!track.silent && now - track.quiet_since >= silence.count()) {
      track.silent = true;
      notices.push_back({symbol, false, track.quiet_since, now});
    }
  }
  std::erase_if(tracks_, [&present](const auto& entry) { return !present.contains(entry.first); });
  return notices;
}

std::size_t SymbolSilence::silent_count() const {
  std::size_t count = 0;
  for (const auto& [symbol, track] : tracks_) count += track.silent ? 1 : 0;
  return count;
}

namespace {

std::string named(const std::vector<Symbol>& symbols, std::size_t max_named) {
  std::string out;
  for (std::size_t i = 0; i < symbols.size() && i < max_named; ++i) {
    out += (i == 0 ? "" : ", ") + symbols[i];
  }
  if (symbols.size() > max_named)
    out += " and " + std::to_string(symbols.size() - max_named) + " more";
  return out;
}

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

std::vector<std::string> silence_messages(const std::vector<SilenceNotice>& notices,
                                          std::chrono::milliseconds silence,
                                          std::size_t max_named) {
  std::vector<Symbol> silent;
  std::vector<Symbol> recovered;
  for (const SilenceNotice& n : notices) (n.recovered ? recovered : silent).push_back(n.symbol);
  std::vector<std::string> out;
  if (!silent.empty()) {
    out.push_back("no tick for " + seconds_text(silence) +
                  " in the regular session: " + named(silent, max_named));
  }
  if (!recovered.empty()) out.push_back("ticks are back: " + named(recovered, max_named));
  return out;
}

}  // namespace bw
