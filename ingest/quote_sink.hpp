// QuoteSink: where a source hands its validated quotes (IngestHub in the
// server, a recording fake in tests).
//
// Implementations are safe to call from any thread.
#pragma once

#include "rules/quote.hpp"

namespace bw {

class QuoteSink {
 public:
  virtual ~QuoteSink() = default;
  // False when the quote could not be accepted (queue full past its timeout,
  // or shutting down). `source` names the source for counters.
  virtual bool publish(const Quote& quote, std::string_view source) = 0;
};

}  // namespace bw
