// Recording fakes of the edges' side-effect interfaces:
//
//   RecordingQuoteSink     bw::QuoteSink: keeps every published quote; can be
//                          told to refuse (a full queue).
//   RecordingNotificationSink  bw::NotificationSink: keeps every delivered
//                          notification; wait_for(n) blocks until n arrived.
//   RecordingAlertEngine   bw::AlertEngine: records arm() and disarm() calls.
//
// All are thread-safe (a mutex each): the code under test may call them from
// its own threads while the test reads them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ingest/quote_sink.hpp"
#include "notify/notification_sink.hpp"
#include "web/api_context.hpp"

namespace bw::testing {

class RecordingQuoteSink : public QuoteSink {
 public:
  bool publish(const Quote& quote, std::string_view source) override {
    std::lock_guard lock(mutex_);
    if (refuse_) return false;
    published_.emplace_back(quote, std::string(source));
    return true;
  }

  // While set, publish() answers false and records nothing.
  void refuse(bool value) {
    std::lock_guard lock(mutex_);
    refuse_ = value;
  }

  std::vector<Quote> quotes() const {
    std::lock_guard lock(mutex_);
    std::vector<Quote> out;
    for (const auto& [quote, source] : published_) out.push_back(quote);
    return out;
  }
  std::vector<std::string> sources() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [quote, source] : published_) out.push_back(source);
    return out;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return published_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<Quote, std::string>> published_;  // guarded by mutex_
  bool refuse_ = false;                                   // guarded by mutex_
};

class RecordingNotificationSink : public NotificationSink {
 public:
  // An optional hook, run inside deliver() before recording (e.g. to look the
  // notification up in the store at delivery time). Set before use.
  using Hook = std::function<void(const StoredNotification&)>;
  explicit RecordingNotificationSink(Hook hook = {}) : hook_(std::move(hook)) {}

  void deliver(const StoredNotification& notification) override {
    if (hook_) hook_(notification);
    {
      std::lock_guard lock(mutex_);
      delivered_.push_back(notification);
    }
    arrived_.notify_all();
  }

  // True once at least `count` notifications arrived; false after `timeout`
  // (a generous deadline that only a broken notifier reaches).
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return delivered_.size() >= count; });
  }

  std::vector<StoredNotification> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }

 private:
  const Hook hook_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<StoredNotification> delivered_;  // guarded by mutex_
};

class RecordingAlertEngine : public AlertEngine {
 public:
  void arm(const Alert& alert) override {
    std::lock_guard lock(mutex_);
    armed_.push_back(alert);
  }
  void disarm(AlertId id) override {
    std::lock_guard lock(mutex_);
    disarmed_.push_back(id);
  }

  std::vector<Alert> armed() const {
    std::lock_guard lock(mutex_);
    return armed_;
  }
  std::vector<AlertId> disarmed() const {
    std::lock_guard lock(mutex_);
    return disarmed_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Alert> armed_;       // guarded by mutex_
  std::vector<AlertId> disarmed_;  // guarded by mutex_
};

}  // namespace bw::testing
