// GET /api/v1/alerts paging in the store: one page of 100 alerts read by key
// (AlertRepository::page_for_user, `id > cursor ORDER BY id LIMIT 101`) next
// to the whole list read and then cut (what the endpoint did before), for a
// user with N alerts. Run: build/bench/bw_bench --benchmark_filter=AlertPage
#include <benchmark/benchmark.h>

#include <vector>

#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "tests/support/temp_database.hpp"

namespace {

using namespace bw;

constexpr TimestampMs kNow = 1'764'169'200'000;
constexpr std::size_t kPage = 100;

// A database with one user owning `count` alerts; written in one batch.
struct Owner {
  testing::TempDatabase temp;
  Accounts accounts{temp.db()};
  AlertRepository alerts{temp.db()};
  UserId user = 0;
  AlertId middle = 0;

  explicit Owner(std::int64_t count) {
    NewUser who;
    who.name = "alice";
    user = accounts.create_user(who, kNow)->id;
    std::vector<AlertWrite> writes(static_cast<std::size_t>(count));
    for (AlertWrite& write : writes) {
      write.alert.user_id = user;
      write.alert.symbol = "AAPL";
      write.alert.condition =
          Condition{ConditionType::above, Price::from_units(150 * Price::kScale)};
    }
    std::vector<Alert> made = alerts.write_batch(writes, kNow);
    middle = made[made.size() / 2].id;
  }
};

void AlertPage_Keyset(benchmark::State& state) {
  Owner owner(state.range(0));
  for (auto _ : state) {
    std::vector<Alert> page = owner.alerts.page_for_user(owner.user, owner.middle, kPage + 1);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(AlertPage_Keyset)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

void AlertPage_WholeListThenCut(benchmark::State& state) {
  Owner owner(state.range(0));
  for (auto _ : state) {
    std::vector<Alert> all = owner.alerts.list_for_user(owner.user);
    std::vector<Alert> page;
    for (const Alert& alert : all) {
      if (alert.id <= owner.middle) continue;
      if (page.size() == kPage + 1) break;
      page.push_back(alert);
    }
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(AlertPage_WholeListThenCut)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

}  // namespace
