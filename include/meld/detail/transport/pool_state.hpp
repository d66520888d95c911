// meld/detail/transport/pool_state.hpp — sans-io bookkeeping of the connection pool: who gets which connection.
//
// At most `max_size` connections exist (idle + busy + connecting). The wait queue is FIFO and fair: a new call
// never takes an idle connection while others wait (with direct hand-off there is no idle connection then),
// and a connection that comes back goes straight to the oldest waiter — it is never "woken" to race for it.
// A connection that comes back broken frees its slot, which the oldest waiter gets as "open a new one".
// Not thread-safe: the engine guards it with its mutex. `Conn` is a movable handle (a shared_ptr in the
// engine, anything in the unit tests); the caller closes the handles it drops.
#ifndef MELD_DETAIL_TRANSPORT_POOL_STATE_HPP
#define MELD_DETAIL_TRANSPORT_POOL_STATE_HPP

#include <cstddef>
#include <utility>
#include <vector>

namespace meld::detail::transport {

enum class grant : unsigned char {
    reuse,     ///< an idle connection: use it
    open_new,  ///< a free slot: open a connection
    wait,      ///< queued: a later release() hands over a connection or a slot
};

template <class Conn>
class pool_state {
public:
    /// One queued call: an intrusive node owned by the call, so queuing never allocates.
    struct waiter {
        waiter* prev = nullptr;
        waiter* next = nullptr;
        bool queued = false;
        grant granted = grant::wait;  ///< after a hand-off: reuse (conn set) or open_new
        Conn conn{};
        void* owner = nullptr;  ///< the call this node belongs to (not used by the pool)
    };

    struct acquire_result {
        grant kind = grant::wait;
        Conn conn{};
    };

    explicit pool_state(std::size_t max_size) noexcept : max_size_(max_size == 0 ? 1 : max_size) {}

    /// Takes an idle connection that `usable` accepts (the others are dropped into `dropped`, their slots
    /// freed), else a free slot, else queues `w` at the back.
    template <class Usable>
    acquire_result acquire(waiter& w, Usable&& usable, std::vector<Conn>& dropped)
    {
        if (head_ == nullptr) {
            while (!idle_.empty()) {
                Conn c = std::move(idle_.back());
                idle_.pop_back();
                if (usable(c))
                    return {grant::reuse, std::move(c)};
                dropped.push_back(std::move(c));
                --open_;
            }
            if (open_ < max_size_) {
                ++open_;
                return {grant::open_new, Conn{}};
            }
        }
        enqueue(w);
        return {grant::wait, Conn{}};
    }

    /// A connection finished cleanly and may be reused: handed to the oldest waiter (returned, with
    /// `granted = reuse` and `conn` set), or kept idle (nullptr).
    waiter* release_reusable(Conn c)
    {
        if (waiter* w = dequeue()) {
            w->granted = grant::reuse;
            w->conn = std::move(c);
            return w;
        }
        idle_.push_back(std::move(c));
        return nullptr;
    }

    /// A connection (or a slot that never became one) is gone: its slot goes to the oldest waiter, which
    /// opens a new connection (returned, `granted = open_new`), or becomes free (nullptr).
    waiter* release_closed() noexcept
    {
        if (waiter* w = dequeue()) {
            w->granted = grant::open_new;
            return w;
        }
        if (open_ > 0)
            --open_;
        return nullptr;
    }

    /// Removes `w` from the queue (deadline or cancellation). False when it was not queued (already served).
    bool cancel(waiter& w) noexcept
    {
        if (!w.queued)
            return false;
        unlink(w);
        return true;
    }

    /// Every idle connection, for closing (their slots are freed).
    std::vector<Conn> take_idle()
    {
        std::vector<Conn> out = std::move(idle_);
        idle_.clear();
        open_ -= out.size();
        return out;
    }

    std::size_t open() const noexcept { return open_; }
    std::size_t idle() const noexcept { return idle_.size(); }
    std::size_t waiting() const noexcept { return waiting_; }
    std::size_t max_size() const noexcept { return max_size_; }

private:
    void enqueue(waiter& w) noexcept
    {
        w.prev = tail_;
        w.next = nullptr;
        w.queued = true;
        w.granted = grant::wait;
        if (tail_ != nullptr)
            tail_->next = &w;
        else
            head_ = &w;
        tail_ = &w;
        ++waiting_;
    }

    waiter* dequeue() noexcept
    {
        waiter* w = head_;
        if (w != nullptr)
            unlink(*w);
        return w;
    }

    void unlink(waiter& w) noexcept
    {
        (w.prev != nullptr ? w.prev->next : head_) = w.next;
        (w.next != nullptr ? w.next->prev : tail_) = w.prev;
        w.prev = w.next = nullptr;
        w.queued = false;
        --waiting_;
    }

    std::size_t max_size_;
    std::size_t open_ = 0;
    std::size_t waiting_ = 0;
    std::vector<Conn> idle_;
    waiter* head_ = nullptr;
    waiter* tail_ = nullptr;
};

}  // namespace meld::detail::transport

#endif
