// A limit on the queries running at once: a query enters or is refused
// (the server answers 429), never queued behind others.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace neuralake::server {

class QueryGuard {
  struct State {
    explicit State(size_t l) : limit(l) {}
    const size_t limit;
    std::atomic<size_t> running{0};
  };

 public:
  explicit QueryGuard(size_t limit) : state_(std::make_shared<State>(limit)) {}

  // Holds one place until destroyed (movable, not copyable).
  class Slot {
   public:
    Slot(Slot&& o) noexcept : state_(std::move(o.state_)) {}
    Slot& operator=(Slot&& o) noexcept {
      release();
      state_ = std::move(o.state_);
      return *this;
    }
    ~Slot() { release(); }

   private:
    friend class QueryGuard;
    explicit Slot(std::shared_ptr<State> s) : state_(std::move(s)) {}
    void release() {
      if (state_) --state_->running;
      state_.reset();
    }
    std::shared_ptr<State> state_;
  };

  // A place, or nothing when `limit` queries are running.
  std::optional<Slot> try_enter() {
    size_t now = state_->running.load();
    while (now < state_->limit) {
      if (state_->running.compare_exchange_weak(now, now + 1)) return Slot(state_);
    }
    return std::nullopt;
  }

  size_t running() const { return state_->running.load(); }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace neuralake::server
