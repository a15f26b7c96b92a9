#include "app/price_flusher.hpp"

#include <algorithm>
#include <utility>

#include "log/module_logger.hpp"
#include "platform/thread_setup.hpp"

namespace bw {

PriceFlusher::PriceFlusher(WaitForFires wait_for_fires, PriceRepository& prices)
    : wait_for_fires_(std::move(wait_for_fires)), prices_(prices) {}

PriceFlusher::~PriceFlusher() {
  stop();
}

void PriceFlusher::start() {
  thread_ = std::thread([this] {
    setup_thread("bw-prices", ThreadRole::background);
    run();
  });
}

void PriceFlusher::submit(std::uint64_t ticket, std::vector<LastPrice> snapshot) {
  if (snapshot.empty()) return;
  {
    std::lock_guard lock(mutex_);
    pending_.ticket = std::max(pending_.ticket, ticket);
    for (LastPrice& price : snapshot) {
      Symbol symbol = price.symbol;
      pending_.prices.insert_or_assign(std::move(symbol), std::move(price));
    }
  }
  wake_.notify_one();
}

void PriceFlusher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PriceFlusher::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.prices.empty(); });
    if (pending_.prices.empty()) return;  // stopping, nothing left
    const bool last_try = stopping_;
    Pending batch = std::exchange(pending_, Pending{});
    lock.unlock();
    wait_for_fires_(batch.ticket);
    write(batch);
    lock.lock();
    if (batch.prices.empty()) continue;
    keep_unwritten(batch);
    if (last_try) {
      module_logger("engine")->error("engine: {} last prices not saved at stop",
                                     pending_.prices.size());
      return;
    }
    wake_.wait_for(lock, kRetryDelay, [&] { return stopping_; });
  }
}

void PriceFlusher::write(Pending& batch) {
  std::vector<LastPrice> chunk;
  chunk.reserve(std::min(kChunk, batch.prices.size()));
  try {
    while (!batch.prices.empty()) {
      for (auto it = batch.prices.begin(); it != batch.prices.end() && chunk.size() < kChunk; ++it)
        chunk.push_back(std::move(it->second));
      prices_.save(chunk);
      for (const LastPrice& price : chunk) batch.prices.erase(price.symbol);
      chunk.clear();
      if (!batch.prices.empty()) pause_between_chunks();
    }
  } catch (const std::exception& error) {
    for (LastPrice& price : chunk) {
      Symbol symbol = price.symbol;
      batch.prices.insert_or_assign(std::move(symbol), std::move(price));
    }
    module_logger("engine")->error("engine: saving {} last prices failed: {}", batch.prices.size(),
                                   error.what());
  }
}

void PriceFlusher::pause_between_chunks() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, kChunkGap, [&] { return stopping_; });
}

void PriceFlusher::keep_unwritten(Pending& batch) {
  for (auto& [symbol, price] : batch.prices) pending_.prices.try_emplace(symbol, std::move(price));
  pending_.ticket = std::max(pending_.ticket, batch.ticket);
}

}  // namespace bw
