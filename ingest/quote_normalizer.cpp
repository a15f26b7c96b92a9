#include "ingest/quote_normalizer.hpp"

namespace bw {

namespace {

constexpr std::size_t kMaxAliasKeyLength = 64;

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string upper_copy(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = upper(c);
  return out;
}

}  // namespace

QuoteNormalizer::QuoteNormalizer(std::string source, NormalizerOptions options,
                                 SourceMonitor& monitor)
    : source_(std::move(source)),
      options_(std::move(options)),
      limits_{static_cast<TimestampMs>(options_.max_skew.count())},
      monitor_(monitor),
      log_("ingest", std::chrono::seconds(10), 10) {
  for (const auto& [from, to] : options_.aliases) upper_aliases_.emplace(upper_copy(from), to);
}

std::string_view QuoteNormalizer::map_symbol(std::string_view source_symbol,
                                             std::string& scratch) const {
  if (upper_aliases_.empty() || source_symbol.size() > kMaxAliasKeyLength) return source_symbol;
  scratch.assign(source_symbol);
  for (char& c : scratch) c = upper(c);
  auto it = upper_aliases_.find(scratch);
  return it == upper_aliases_.end() ? source_symbol : std::string_view(it->second);
}

Result<Quote> QuoteNormalizer::normalize(const RawQuote& raw, TimestampMs now,
                                         std::optional<std::uint64_t> sequence,
                                         std::string_view where) {
  Result<Quote> quote = Error{""};
  if (upper_aliases_.empty()) {
    quote = validate_quote(raw, now, limits_);
  } else {
    std::string scratch;
    std::string_view mapped = map_symbol(raw.symbol, scratch);
    if (mapped.data() == raw.symbol.data()) {
      quote = validate_quote(raw, now, limits_);
    } else {
      RawQuote aliased = raw;
      aliased.symbol.assign(mapped);
      quote = validate_quote(aliased, now, limits_);
    }
  }
  if (!quote) {
    reject(quote.error(), where, now);
    return quote;
  }
  if (std::string_view refused = check_order(*quote, sequence); !refused.empty()) {
    reject(refused, where, now);
    return Error{std::string(refused)};
  }
  return quote;
}

std::size_t QuoteNormalizer::stripe_of(std::string_view symbol) {
  std::uint32_t h = 2166136261u;  // FNV-1a: tickers are short
  for (char c : symbol) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return (h ^ (h >> 16)) % kStripes;
}

std::string_view QuoteNormalizer::check_order(const Quote& quote,
                                              std::optional<std::uint64_t> sequence) {
  if (!options_.drop_duplicates && !options_.drop_out_of_order && !sequence) return {};
  Stripe& stripe = stripes_[stripe_of(quote.symbol)];
  std::unique_lock lock(stripe.mutex);
  std::uint32_t slot = stripe.slots.find(quote.symbol);
  if (slot == SymbolTable::kNone) {
    if (tracked_.load(std::memory_order_relaxed) >= options_.max_tracked_symbols) {
      lock.unlock();
      clear_all();
      lock.lock();
      slot = stripe.slots.find(quote.symbol);  // another thread may have added it since
    }
  }
  if (slot == SymbolTable::kNone) {
    stripe.slots.insert(quote.symbol, static_cast<std::uint32_t>(stripe.ticks.size()));
    stripe.ticks.push_back({quote.ts_ms, sequence, quote.price.units(), quote.volume,
                            quote.bid.units(), quote.ask.units()});
    tracked_.fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  LastTick& last = stripe.ticks[slot];
  bool duplicate = false;
  bool late = false;
  if (sequence && last.sequence) {
    duplicate = *sequence == *last.sequence;
    late = *sequence < *last.sequence;
  } else {
    late = quote.ts_ms < last.ts_ms;
    duplicate = quote.ts_ms == last.ts_ms && quote.price.units() == last.price &&
                quote.volume == last.volume && quote.bid.units() == last.bid &&
                quote.ask.units() == last.ask;
  }
  if (duplicate && options_.drop_duplicates) return kRejectDuplicate;
  if (late && options_.drop_out_of_order) return kRejectOutOfOrder;
  // Accepted. A late tick let through does not move the symbol's clock back.
  if (quote.ts_ms >= last.ts_ms) {
    last.ts_ms = quote.ts_ms;
    last.price = quote.price.units();
    last.volume = quote.volume;
    last.bid = quote.bid.units();
    last.ask = quote.ask.units();
  }
  if (sequence && (!last.sequence || *sequence > *last.sequence)) last.sequence = sequence;
  return {};
}

void QuoteNormalizer::clear_all() {
  for (Stripe& stripe : stripes_) {
    std::lock_guard lock(stripe.mutex);
    tracked_.fetch_sub(stripe.ticks.size(), std::memory_order_relaxed);
    stripe.slots = SymbolTable{};
    stripe.ticks.clear();
  }
}

void QuoteNormalizer::reject(std::string_view reason, std::string_view where, TimestampMs now) {
  // Counted by category: parenthesised detail (a column number) stays in the log.
  monitor_.rejected(reason.substr(0, reason.find(" (")));
  std::string line = "source " + source_ + ": skipped ";
  line += where.empty() ? std::string_view("a quote") : where;
  line += ": ";
  line += reason;
  log_.warn(now, line);
}

void QuoteNormalizer::reset() {
  clear_all();
}

}  // namespace bw
