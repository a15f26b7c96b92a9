// Specification of bw::IngestHub: every quote goes to the engine queue, and
// observers and counters see what the queue took.
#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <span>
#include <vector>

#include "ingest/ingest_hub.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

Quote trade(const Symbol& symbol, std::string_view price) {
  return Quote::trade(symbol, *Price::parse(price), 1, 1000);
}

// Collects the quotes an observer was told about.
struct SeenQuotes {
  std::mutex mutex;
  std::vector<Quote> quotes;

  IngestHub::Observer observer() {
    return [this](const Quote& quote) {
      std::lock_guard lock(mutex);
      quotes.push_back(quote);
    };
  }
};

}  // namespace

TEST_CASE("a published quote is queued for the engine and shown to every observer", "[ingest]") {
  EngineQueue queue(16);
  IngestHub hub(queue, 1ms);
  SeenQuotes first, second;
  hub.add_observer(first.observer());
  hub.add_observer(second.observer());

  CHECK(hub.publish(trade("AAPL", "150"), "sim"));

  std::vector<EngineQueue::Entry> entries;
  REQUIRE(queue.pop_all(entries, 0ms));
  REQUIRE(entries.size() == 1);
  CHECK(std::get<Quote>(entries[0]).symbol == "AAPL");
  REQUIRE(first.quotes.size() == 1);
  CHECK(first.quotes[0].symbol == "AAPL");
  CHECK(second.quotes.size() == 1);
}

TEST_CASE("publish returns false when the engine queue stays full", "[ingest]") {
  EngineQueue queue(1);
  IngestHub hub(queue, 1ms);
  REQUIRE(hub.publish(trade("AAPL", "150"), "sim"));
  CHECK_FALSE(hub.publish(trade("MSFT", "400"), "sim"));
}

TEST_CASE("observers see only the quotes the queue accepted", "[ingest]") {
  EngineQueue queue(1);
  IngestHub hub(queue, 1ms);
  SeenQuotes seen;
  hub.add_observer(seen.observer());

  REQUIRE(hub.publish(trade("AAPL", "150"), "sim"));
  REQUIRE_FALSE(hub.publish(trade("MSFT", "400"), "sim"));
  REQUIRE(hub.publish(trade("AAPL", "151"), "sim"));  // merged: accepted

  REQUIRE(seen.quotes.size() == 2);
  CHECK(seen.quotes[0].symbol == "AAPL");
  CHECK(seen.quotes[1].symbol == "AAPL");
}

TEST_CASE("the hub counts accepted and refused quotes per source", "[ingest]") {
  EngineQueue queue(2);
  IngestHub hub(queue, 1ms);
  REQUIRE(hub.publish(trade("AAPL", "150"), "sim"));
  REQUIRE(hub.publish(trade("AAPL", "151"), "sim"));
  REQUIRE(hub.publish(trade("MSFT", "400"), "push"));
  REQUIRE_FALSE(hub.publish(trade("NVDA", "130"), "push"));
  REQUIRE_FALSE(hub.publish(trade("TSLA", "250"), "push"));

  std::map<std::string, SourceCounters> counters = hub.counters();
  REQUIRE(counters.size() == 2);
  CHECK(counters["sim"].accepted == 2);
  CHECK(counters["sim"].rejected_full == 0);
  CHECK(counters["push"].accepted == 1);
  CHECK(counters["push"].rejected_full == 2);
}

TEST_CASE("a hub with no quotes published has no source counters", "[ingest]") {
  EngineQueue queue(2);
  IngestHub hub(queue, 1ms);
  CHECK(hub.counters().empty());
}

TEST_CASE("the hub is a QuoteSink that sources can publish to", "[ingest]") {
  EngineQueue queue(4);
  IngestHub hub(queue, 1ms);
  QuoteSink& sink = hub;
  CHECK(sink.publish(trade("AAPL", "150"), "file"));
  CHECK(hub.counters().at("file").accepted == 1);
}

TEST_CASE("a published batch is queued in order, counted once and shown to batch observers",
          "[ingest]") {
  EngineQueue queue(1);
  IngestHub hub(queue, 1ms);
  SeenQuotes single;
  hub.add_observer(single.observer());
  std::vector<std::vector<Quote>> batches;
  hub.add_batch_observer(
      [&](std::span<const Quote> quotes) { batches.emplace_back(quotes.begin(), quotes.end()); });

  const std::vector<Quote> quotes{trade("AAPL", "150"), trade("MSFT", "400"), trade("AAPL", "151")};
  // Room for one entry: MSFT is refused, the second AAPL merges.
  CHECK(hub.publish_batch(quotes, "load") == std::vector<std::size_t>{1});

  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].size() == 2);
  CHECK(batches[0][0].price == *Price::parse("150"));
  CHECK(batches[0][1].price == *Price::parse("151"));
  REQUIRE(single.quotes.size() == 2);
  CHECK(single.quotes[1].price == *Price::parse("151"));
  const std::optional<SourceCounters> counters = hub.counters("load");
  REQUIRE(counters);
  CHECK(counters->accepted == 2);
  CHECK(counters->merged == 1);
  CHECK(counters->rejected_full == 1);

  std::vector<EngineQueue::Entry> entries;
  REQUIRE(queue.pop_all(entries, 0ms));
  REQUIRE(entries.size() == 1);
  CHECK(std::get<Quote>(entries[0]).high == *Price::parse("151"));
}
