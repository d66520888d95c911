// meld/webhooks/dedupe.hpp — at-most-once handling of redelivered webhooks, keyed by eventId.
//
// Meld redelivers an event (same eventId) until your endpoint answers 2xx, so the same event can arrive
// several times: after a timeout, a 5xx, a lost response. The rule that keeps no event lost and none handled
// twice: look the id up before handling, and record it as done only *after* the handler succeeded (then
// answer 2xx). A failed handler leaves the id unrecorded, so Meld's next retry runs it again.
//
//     switch (store.begin(id)) {
//     case claim::done: return reply(200);         // a redelivery of an event already handled
//     case claim::in_progress: return reply(409);  // the same event is being handled right now: retry later
//     case claim::acquired: break;
//     }
//     try { handle(ev); store.mark_done(id); return reply(200); }
//     catch (...) { store.abandon(id); return reply(500); }
//
// A store shared by several instances (a database table with a unique key on the id) only needs seen() and
// mark_done(); begin()/abandon() default to them and add in-flight tracking where the store can.
#ifndef MELD_WEBHOOKS_DEDUPE_HPP
#define MELD_WEBHOOKS_DEDUPE_HPP

#include <cstddef>
#include <list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace meld::webhooks {

/// Outcome of dedupe_store::begin.
enum class claim {
    acquired,     ///< not handled yet: handle it, then mark_done() on success or abandon() on failure
    in_progress,  ///< another delivery of this id is being handled now
    done,         ///< already handled successfully: acknowledge without handling
};

/// Records which eventIds were handled. Implementations must be safe to call from several threads.
class dedupe_store {
public:
    virtual ~dedupe_store() = default;

    /// True when `event_id` was marked done (and not forgotten since).
    virtual bool seen(std::string_view event_id) = 0;

    /// Records `event_id` as handled successfully. Call only after the handler succeeded.
    virtual void mark_done(std::string_view event_id) = 0;

    /// Claims `event_id` for handling. Default: done if seen(), otherwise acquired (no in-flight tracking).
    virtual claim begin(std::string_view event_id) { return seen(event_id) ? claim::done : claim::acquired; }

    /// Releases a claim whose handler failed, so a redelivery is handled again. Default: nothing to do.
    virtual void abandon(std::string_view event_id) { (void)event_id; }

protected:
    dedupe_store() = default;
    dedupe_store(dedupe_store const&) = default;
    dedupe_store& operator=(dedupe_store const&) = default;
};

/// A bounded, thread-safe, in-process store: remembers the `capacity` most recently used done ids (LRU;
/// a redelivery refreshes its id) plus the ids being handled. Lost on restart and not shared between
/// instances: behind a load balancer, use a shared store.
class in_memory_dedupe_store final : public dedupe_store {
public:
    /// Throws std::invalid_argument if capacity is 0.
    explicit in_memory_dedupe_store(std::size_t capacity = 10000) : capacity_(capacity)
    {
        if (capacity_ == 0) throw std::invalid_argument("in_memory_dedupe_store: capacity must be > 0");
    }

    bool seen(std::string_view event_id) override
    {
        std::lock_guard lock(mutex_);
        return touch(std::string(event_id));
    }

    void mark_done(std::string_view event_id) override
    {
        std::string id(event_id);
        std::lock_guard lock(mutex_);
        in_flight_.erase(id);
        if (touch(id)) return;
        lru_.push_front(id);
        try {
            done_.emplace(std::move(id), lru_.begin());
        } catch (...) {
            lru_.pop_front();
            throw;
        }
        if (done_.size() > capacity_) {
            done_.erase(lru_.back());
            lru_.pop_back();
        }
    }

    claim begin(std::string_view event_id) override
    {
        std::string id(event_id);
        std::lock_guard lock(mutex_);
        if (touch(id)) return claim::done;
        if (!in_flight_.insert(std::move(id)).second) return claim::in_progress;
        return claim::acquired;
    }

    void abandon(std::string_view event_id) override
    {
        std::lock_guard lock(mutex_);
        in_flight_.erase(std::string(event_id));
    }

    std::size_t capacity() const noexcept { return capacity_; }

    /// Number of done ids remembered (<= capacity()).
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return done_.size();
    }

private:
    /// True if `id` is done; moves it to the front (most recently used).
    bool touch(std::string const& id)
    {
        auto const it = done_.find(id);
        if (it == done_.end()) return false;
        lru_.splice(lru_.begin(), lru_, it->second);
        return true;
    }

    std::size_t const capacity_;
    mutable std::mutex mutex_;
    std::list<std::string> lru_;  // front = most recently used
    std::unordered_map<std::string, std::list<std::string>::iterator> done_;
    std::unordered_set<std::string> in_flight_;
};

}  // namespace meld::webhooks

#endif
