// The symbols someone is watching: those of armed alerts and those on any
// user's watchlist, each once, in symbol order (what the symbol-silence
// check judges; app/symbol_silence.hpp).
//
//   std::vector<Symbol> symbols = watched_symbols(db);
//
// Thread-safe (through Database).
#pragma once

#include <vector>

#include "rules/symbol.hpp"
#include "store/database.hpp"

namespace bw {

std::vector<Symbol> watched_symbols(Database& db);

}  // namespace bw
