// make_source: builds the QuoteSource a [[sources]] table describes. The one
// place that maps a source `type` to its implementation; add a type here and
// in config/config_loader.cpp's source reader.
//
//   Result<std::unique_ptr<QuoteSource>> s = make_source(config.sources[0], hub, clock);
//
// Does not start the source. An error names the source and the reason
// (an unknown simulated ticker, an unreadable replay file, ...).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "rules/clock.hpp"
#include "rules/result.hpp"

namespace bw {

// The normaliser settings every source type shares (aliases, max_skew,
// drop_duplicates, drop_out_of_order).
NormalizerOptions normalizer_options(const SourceConfig& config);

Result<std::unique_ptr<QuoteSource>> make_source(const SourceConfig& config, QuoteSink& sink,
                                                 const Clock& clock);

}  // namespace bw
