// EngineQueue: the queue type between ingest and an engine shard, and the
// command that travels on it (arm or disarm an alert, seed a price) so alert
// changes reach the engine on its own thread, in order with the quotes.
#pragma once

#include <functional>

#include "ingest/conflating_queue.hpp"
#include "rules/engine.hpp"

namespace bw {

struct EngineCommand {
  std::function<void(Engine&)> apply;
};

using EngineQueue = ConflatingQueue<EngineCommand>;

}  // namespace bw
