#include "rules/indicators.hpp"

#include <algorithm>
#include <array>

#include "rules/market_time.hpp"

namespace bw {

namespace {

constexpr std::array<DurationMs, 11> kBarIntervals{60'000,    120'000,    180'000,     300'000,
                                                   600'000,   900'000,    1'800'000,   3'600'000,
                                                   7'200'000, 14'400'000, kDayInterval};

int sign(WideInt value) {
  return value < 0 ? -1 : (value > 0 ? 1 : 0);
}

// Writes the bar clock's state as the first three words.
void save_clock(SeriesTextWriter& out, const BarClock& clock) {
  out.add(clock.started() ? 1 : 0).add(clock.bar()).add(clock.close().units());
}

bool read_clock(SeriesTextReader& in, BarClock& clock) {
  std::int64_t started = 0, bar = 0, close = 0;
  if (!in.next(started) || !in.next(bar) || !in.next(close)) return false;
  if (started != 0 && started != 1) return false;
  clock.restore(started == 1, bar, Price::from_units(close));
  return true;
}

}  // namespace

bool is_allowed_bar_interval(DurationMs interval) {
  return std::find(kBarIntervals.begin(), kBarIntervals.end(), interval) != kBarIntervals.end();
}

std::int64_t bar_index(TimestampMs ts, DurationMs interval) {
  if (interval == kDayInterval) return new_york_day(ts);
  const std::int64_t q = ts / interval;
  return (ts % interval != 0 && ts < 0) ? q - 1 : q;
}

WideInt divide_rounded(WideInt n, WideInt d) {
  if (n >= 0) return (n + d / 2) / d;
  return -((-n + d / 2) / d);
}

std::optional<Price> BarClock::push(const Quote& quote) {
  const std::int64_t bar = bar_index(quote.ts_ms, interval_);
  if (!started_) {
    started_ = true;
    bar_ = bar;
    close_ = quote.price;
    return std::nullopt;
  }
  if (bar <= bar_) {  // this bar, or an out-of-order quote: part of the open bar
    close_ = quote.price;
    return std::nullopt;
  }
  const Price closed = close_;
  bar_ = bar;
  close_ = quote.price;
  return closed;
}

void BarClock::restore(bool started, std::int64_t bar, Price close) {
  started_ = started;
  bar_ = bar;
  close_ = close;
}

int Ratio::compare(Price price) const {
  return sign(WideInt{price.units()} * den - num);
}

MovingAverage::MovingAverage(AverageKind kind, DurationMs interval, int period)
    : kind_(kind), period_(period), clock_(interval) {
  closes_.reserve(static_cast<std::size_t>(period));
}

void MovingAverage::push(const Quote& quote) {
  previous_ = value();
  if (std::optional<Price> closed = clock_.push(quote)) add_close(*closed);
}

void MovingAverage::add_close(Price close) {
  const std::int64_t c = close.units();
  const auto period = static_cast<std::size_t>(period_);
  if (kind_ == AverageKind::sma) {
    if (closes_.size() < period) {
      closes_.push_back(c);
      sum_ += c;
      return;
    }
    sum_ += WideInt{c} - closes_[next_];
    closes_[next_] = c;
    next_ = (next_ + 1) % period;
    return;
  }
  if (ema_ready_) {
    ema_ += static_cast<std::int64_t>(divide_rounded(WideInt{c - ema_} * 2, period_ + 1));
    return;
  }
  closes_.push_back(c);  // warm-up: the first EMA is the SMA of the first closes
  sum_ += c;
  if (closes_.size() < period) return;
  ema_ = static_cast<std::int64_t>(divide_rounded(sum_, period_));
  ema_ready_ = true;
  sum_ = 0;
  closes_.clear();
  closes_.shrink_to_fit();
}

std::optional<Ratio> MovingAverage::value() const {
  if (kind_ == AverageKind::ema) {
    if (!ema_ready_) return std::nullopt;
    return Ratio{ema_, 1};
  }
  if (closes_.size() < static_cast<std::size_t>(period_)) return std::nullopt;
  return Ratio{sum_, period_};
}

// "started bar close ready ema n close…" with the closes oldest first.
std::string MovingAverage::save() const {
  SeriesTextWriter out;
  save_clock(out, clock_);
  out.add(ema_ready_ ? 1 : 0).add(ema_).add(static_cast<std::int64_t>(closes_.size()));
  for (std::size_t i = 0; i < closes_.size(); ++i) {
    const std::size_t at =
        closes_.size() == static_cast<std::size_t>(period_) && kind_ == AverageKind::sma
            ? (next_ + i) % closes_.size()
            : i;
    out.add(closes_[at]);
  }
  return out.text();
}

bool MovingAverage::restore(std::string_view text) {
  SeriesTextReader in(text);
  BarClock clock = clock_;
  std::int64_t ready = 0, ema = 0, count = 0;
  if (!read_clock(in, clock) || !in.next(ready) || !in.next(ema) || !in.next(count)) return false;
  if (ready != 0 && ready != 1) return false;
  if (ready == 1 && kind_ == AverageKind::sma) return false;
  const std::int64_t most = ready == 1 ? 0 : (kind_ == AverageKind::sma ? period_ : period_ - 1);
  if (count < 0 || count > most) return false;
  std::vector<std::int64_t> closes;
  closes.reserve(static_cast<std::size_t>(period_));
  WideInt sum = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t close = 0;
    if (!in.next(close) || close <= 0) return false;
    closes.push_back(close);
    sum += close;
  }
  if (!in.done()) return false;
  clock_ = clock;
  ema_ready_ = ready == 1;
  ema_ = ema;
  closes_ = std::move(closes);
  next_ = 0;
  sum_ = sum;
  previous_ = value();
  return true;
}

WilderRsi::WilderRsi(DurationMs interval, int period) : period_(period), clock_(interval) {}

void WilderRsi::push(const Quote& quote) {
  closed_bar_ = false;
  if (std::optional<Price> closed = clock_.push(quote)) {
    add_close(*closed);
    closed_bar_ = true;
  }
}

void WilderRsi::add_close(Price close) {
  const std::int64_t c = close.units();
  if (!has_prev_) {
    has_prev_ = true;
    prev_close_ = c;
    return;
  }
  const WideInt change = WideInt{c} - prev_close_;
  prev_close_ = c;
  const WideInt gain = change > 0 ? change : 0;
  const WideInt loss = change < 0 ? -change : 0;
  if (seeded_ < period_) {
    gain_ += gain;
    loss_ += loss;
    if (++seeded_ == period_) {
      gain_ = divide_rounded(gain_, period_);
      loss_ = divide_rounded(loss_, period_);
    }
    return;
  }
  gain_ = divide_rounded(gain_ * (period_ - 1) + gain, period_);
  loss_ = divide_rounded(loss_ * (period_ - 1) + loss, period_);
}

int WilderRsi::compare(Price value) const {
  const WideInt total = gain_ + loss_;
  if (total == 0) return sign(WideInt{50} * Price::kScale - value.units());
  return sign(gain_ * 100 * Price::kScale - WideInt{value.units()} * total);
}

// "started bar close has_prev prev_close seeded gain loss".
std::string WilderRsi::save() const {
  SeriesTextWriter out;
  save_clock(out, clock_);
  out.add(has_prev_ ? 1 : 0).add(prev_close_).add(seeded_).add_wide(gain_).add_wide(loss_);
  return out.text();
}

bool WilderRsi::restore(std::string_view text) {
  SeriesTextReader in(text);
  BarClock clock = clock_;
  std::int64_t has_prev = 0, prev = 0, seeded = 0;
  WideInt gain = 0, loss = 0;
  if (!read_clock(in, clock) || !in.next(has_prev) || !in.next(prev) || !in.next(seeded) ||
      !in.next_wide(gain) || !in.next_wide(loss) || !in.done())
    return false;
  if ((has_prev != 0 && has_prev != 1) || seeded < 0 || seeded > period_ || gain < 0 || loss < 0)
    return false;
  clock_ = clock;
  has_prev_ = has_prev == 1;
  prev_close_ = prev;
  seeded_ = static_cast<int>(seeded);
  gain_ = gain;
  loss_ = loss;
  closed_bar_ = false;
  return true;
}

}  // namespace bw
