// QuoteNormalizer: the per-source gate between what a source parsed and what
// the hub sees. It maps the source's symbols to ours (aliases, upper-casing),
// applies the validation rules (validate_quote: symbol, positive finite
// prices, bid ≤ ask, no tick more than `max_skew` in the future), and drops
// duplicates and out-of-order ticks per symbol. Every refusal is counted in
// the source's SourceMonitor by reason and logged, rate-limited.
//
//   SourceMonitor monitor("poly", "polygon_ws");
//   QuoteNormalizer normalizer("poly", options, monitor);
//   Result<Quote> q = normalizer.normalize(raw, clock.now_ms(), /*sequence=*/frame.q);
//   if (q) sink.publish(*q, "poly");           // refused: already counted and logged
//   normalizer.reject("malformed json", "frame 12", now);  // a frame that never parsed
//
// Ordering, per symbol: with a sequence number (Polygon's `q`, an NDJSON
// `seq`), a number at or below the last accepted one is a duplicate (equal)
// or out of order (lower); without one, an event time before the last
// accepted one is out of order, and a tick equal to the last accepted one
// (same time, price, volume, bid and ask) is a duplicate. Either check can be
// switched off per source. A late tick that is accepted never moves the
// symbol's clock backwards.
//
// Thread-safe: the per-symbol state is split over kStripes stripes by symbol,
// each under its own mutex, so several threads of one source (tcp_ndjson's
// I/O threads) rarely wait for each other: one uncontended lock per quote.
// Within a stripe a flat SymbolTable (rules/symbol_table.hpp) maps the
// symbol to its slot (one cheap hash, no allocation).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/quote_validation.hpp"
#include "ingest/rate_limited_log.hpp"
#include "ingest/source_health.hpp"
#include "rules/result.hpp"
#include "rules/symbol_table.hpp"

namespace bw {

struct NormalizerOptions {
  // The source's symbol (matched case-insensitively) → the symbol alerts use.
  std::map<std::string, std::string> aliases;
  // Ticks stamped further than this ahead of the server's clock are refused.
  std::chrono::milliseconds max_skew{std::chrono::minutes(5)};
  bool drop_duplicates = true;
  bool drop_out_of_order = true;
  // Bound on the per-symbol ordering state (all stripes together). Overflow
  // policy: the state is forgotten (cleared) and rebuilt from the next
  // ticks, so at worst one duplicate or late tick per symbol slips through
  // after the clear.
  std::size_t max_tracked_symbols = 1'000'000;
};

// Refusal reasons the normaliser itself adds (besides validate_quote's).
inline constexpr std::string_view kRejectDuplicate = "duplicate";
inline constexpr std::string_view kRejectOutOfOrder = "out of order";

class QuoteNormalizer {
 public:
  QuoteNormalizer(std::string source, NormalizerOptions options, SourceMonitor& monitor);

  // The quote as the engine will see it, or the reason it was refused (the
  // refusal is already counted and logged). `where` names the frame, row or
  // line for the log ("line 12"); may be empty.
  Result<Quote> normalize(const RawQuote& raw, TimestampMs now,
                          std::optional<std::uint64_t> sequence = std::nullopt,
                          std::string_view where = {});

  // Counts and logs a frame, row or line that never became a quote. The
  // count goes under `reason` up to any " (" (so "malformed JSON (expected
  // ':' at column 9)" counts as "malformed JSON"); the log has all of it.
  void reject(std::string_view reason, std::string_view where, TimestampMs now);

  // Forgets the ordering state (a replay starting over).
  void reset();

  // The Bellwether symbol for a source's symbol: its alias or itself
  // (upper-casing and validation happen in normalize).
  std::string_view map_symbol(std::string_view source_symbol, std::string& scratch) const;

  const std::string& source() const { return source_; }

 private:
  struct LastTick {
    TimestampMs ts_ms = 0;
    std::optional<std::uint64_t> sequence;
    std::int64_t price = 0;
    std::int64_t volume = 0;
    std::int64_t bid = 0;
    std::int64_t ask = 0;
  };
  static constexpr std::size_t kStripes = 16;
  // One share of the per-symbol state; on its own cache line.
  struct alignas(64) Stripe {
    std::mutex mutex;
    SymbolTable slots;            // symbol → index into `ticks`; guarded by mutex
    std::vector<LastTick> ticks;  // guarded by mutex
  };
  static std::size_t stripe_of(std::string_view symbol);
  // Empty when the quote may pass; else the refusal reason.
  std::string_view check_order(const Quote& quote, std::optional<std::uint64_t> sequence);
  // Forgets every stripe's state (locks them one after another).
  void clear_all();

  const std::string source_;
  const NormalizerOptions options_;
  const QuoteLimits limits_;
  std::map<std::string, std::string, std::less<>> upper_aliases_;  // constant after construction
  SourceMonitor& monitor_;
  RateLimitedLog log_;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<std::size_t> tracked_{0};  // symbols in all stripes
};

}  // namespace bw
