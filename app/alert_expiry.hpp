// AlertExpirySweeper: the thread that marks alerts `expired` in the store once
// their expires_at has passed (the engine already stops firing them on its
// own) and tells their owners (`event: alert`, change "expired"), so a
// dashboard sees the expiry when it happens rather than at its next read.
//
//   AlertExpirySweeper sweeper(alerts, engine, clock, 1s, publish);
//   sweeper.start();  ...  sweeper.stop();   // stop() wakes and joins it
//   sweeper.sweep_now();                     // one pass on the caller's thread
//
// start/stop from the owning thread; sweep_now from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "rules/clock.hpp"
#include "store/alert_repository.hpp"
#include "web/api_context.hpp"

namespace bw {

class AlertExpirySweeper {
 public:
  using Publish = std::function<void(UserId user, const std::string& json)>;
  AlertExpirySweeper(AlertRepository& alerts, AlertEngine& engine, const Clock& clock,
                     std::chrono::milliseconds interval, Publish publish);
  ~AlertExpirySweeper();
  AlertExpirySweeper(const AlertExpirySweeper&) = delete;
  AlertExpirySweeper& operator=(const AlertExpirySweeper&) = delete;

  void start();
  void stop();
  // Expires what is due now; returns how many alerts.
  std::size_t sweep_now();

 private:
  void run();

  AlertRepository& alerts_;
  AlertEngine& engine_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const Publish publish_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace bw
