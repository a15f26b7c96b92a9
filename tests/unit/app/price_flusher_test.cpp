// Specification of bw::PriceFlusher: last prices are stored off the engine
// thread, never before the fires they follow, newest snapshot winning.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/price_flusher.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDatabase;

namespace {

// Stands in for the notifier: wait_for_fires(T) blocks until the test has
// "committed" fires up to T, and records every ticket it was asked for.
class FakeFires {
 public:
  PriceFlusher::WaitForFires waiter() {
    return [this](std::uint64_t ticket) {
      std::unique_lock lock(mutex_);
      asked_.push_back(ticket);
      asked_cv_.notify_all();
      committed_cv_.wait(lock, [&] { return committed_ >= ticket; });
    };
  }
  void commit_up_to(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    committed_ = ticket;
    committed_cv_.notify_all();
  }
  void wait_until_asked(std::size_t times) {
    std::unique_lock lock(mutex_);
    asked_cv_.wait(lock, [&] { return asked_.size() >= times; });
  }
  std::vector<std::uint64_t> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable committed_cv_, asked_cv_;
  std::uint64_t committed_ = 0;
  std::vector<std::uint64_t> asked_;
};

LastPrice last(const std::string& symbol, std::int64_t units, TimestampMs ts) {
  return LastPrice{symbol, Price::from_units(units), ts};
}

std::map<Symbol, std::int64_t> stored(PriceRepository& prices) {
  std::map<Symbol, std::int64_t> out;
  for (const LastPrice& p : prices.load_all()) out[p.symbol] = p.price.units();
  return out;
}

// A started flusher over a fresh database; a test "commits" fires through
// `fires`. Members are destroyed in reverse: the flusher stops first.
struct Flushing {
  TempDatabase temp;
  PriceRepository prices{temp.db()};
  FakeFires fires;
  PriceFlusher flusher{fires.waiter(), prices};
  Flushing() { flusher.start(); }
};

}  // namespace

TEST_CASE_METHOD(Flushing, "a snapshot is stored only after the fires before it are committed",
                 "[app][prices]") {
  flusher.submit(7, {last("AAPL", 150, 1000)});
  fires.wait_until_asked(1);
  CHECK(fires.asked() == std::vector<std::uint64_t>{7});
  CHECK(stored(prices).empty());  // fire 7 is not committed yet

  fires.commit_up_to(7);
  flusher.stop();
  CHECK(stored(prices) == std::map<Symbol, std::int64_t>{{"AAPL", 150}});
}

TEST_CASE_METHOD(Flushing, "a newer snapshot of a symbol replaces an unwritten older one",
                 "[app][prices]") {
  flusher.submit(1, {last("AAPL", 150, 1000)});
  fires.wait_until_asked(1);  // the flusher holds snapshot 1, waiting for fire 1
  flusher.submit(2, {last("AAPL", 151, 2000), last("MSFT", 400, 2000)});
  flusher.submit(3, {last("AAPL", 152, 3000)});
  fires.commit_up_to(3);
  flusher.stop();

  CHECK(stored(prices) == std::map<Symbol, std::int64_t>{{"AAPL", 152}, {"MSFT", 400}});
  // Snapshots 2 and 3 went out together, after fire 3: never before their fires.
  CHECK(fires.asked() == std::vector<std::uint64_t>{1, 3});
}

TEST_CASE_METHOD(Flushing, "a snapshot larger than one chunk is stored whole", "[app][prices]") {
  fires.commit_up_to(1);

  std::vector<LastPrice> snapshot;
  for (int i = 0; i < static_cast<int>(3 * PriceFlusher::kChunk + 5); ++i) {
    std::string symbol = "S";  // not "S" + to_string: GCC 12's false -Wrestrict
    symbol += std::to_string(i);
    snapshot.push_back(last(symbol, 100 + i, 1000));
  }
  const std::size_t count = snapshot.size();
  flusher.submit(1, std::move(snapshot));
  flusher.stop();

  const auto saved = stored(prices);
  REQUIRE(saved.size() == count);
  CHECK(saved.at("S0") == 100);
  std::string last_symbol = "S";
  last_symbol += std::to_string(count - 1);
  CHECK(saved.at(last_symbol) == 100 + static_cast<std::int64_t>(count) - 1);
}

TEST_CASE_METHOD(Flushing, "stop writes what is pending and can be called twice", "[app][prices]") {
  fires.commit_up_to(5);
  flusher.submit(5, {last("AAPL", 150, 1000)});
  flusher.stop();
  flusher.stop();
  CHECK(stored(prices).size() == 1);
}
