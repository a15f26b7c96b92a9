// QuoteSink: where a source hands its validated quotes (IngestHub in the
// server, a recording fake in tests).
//
//   if (!sink.publish(quote, "sim")) ...;                  // one quote
//   std::vector<std::size_t> refused = sink.publish_batch(quotes, "load");  // a read's worth
//
// Implementations are safe to call from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

class QuoteSink {
 public:
  virtual ~QuoteSink() = default;
  // False when the quote could not be accepted (queue full past its timeout,
  // or shutting down). `source` names the source for counters.
  virtual bool publish(const Quote& quote, std::string_view source) = 0;
  // Every quote of `quotes`, in order; returns the positions (ascending) of
  // those that could not be accepted, empty when all were. The hub overrides
  // this to take its locks once per batch; the default publishes one by one.
  virtual std::vector<std::size_t> publish_batch(std::span<const Quote> quotes,
                                                 std::string_view source) {
    std::vector<std::size_t> refused;
    for (std::size_t i = 0; i < quotes.size(); ++i) {
      if (!publish(quotes[i], source)) refused.push_back(i);
    }
    return refused;
  }
};

}  // namespace bw
