// meld/detail/pagination_walker.hpp — the sans-io page-walking state machine behind meld::paginator.
//
// It decides, from the rows' keys and `remaining` only, what to request next and when to stop:
//   * next cursor: `after=<last key>` forward, `before=<first key>` backward (start: page_params::start_key);
//   * end: an empty page, remaining == 0, or no key on the walk's last row of a page;
//   * stop conditions: stop_key reached (inclusive or not), max_items delivered;
//   * loop guard: a key among the last `guard_window` keys walked (or the start key) => repeated_key; a page
//     ending on the same cursor as an earlier page (Brent's cycle detection over the cursors, for loops longer
//     than the window) => repeated_key; a row without key that is not the walk's last row => missing_key.
//     All sticky: never an endless loop.
// Memory is constant: 64-bit hashes of at most `guard_window` keys plus one saved cursor, however many rows are
// walked. A failed request does not touch the walker, so the same page is requested again on the next call.
// Unit-tested without sockets.
#ifndef MELD_DETAIL_PAGINATION_WALKER_HPP
#define MELD_DETAIL_PAGINATION_WALKER_HPP

#include <meld/detail/pagination_params.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace meld::detail {

struct page_cursor {
    std::optional<std::string> before{};
    std::optional<std::string> after{};
};

/// What to do with one page: deliver rows [first, last) (server order), then stop or go on.
struct page_verdict {
    boost::system::error_code ec{};  ///< pagination_errc: nothing is delivered, the walk is over
    std::string message{};           ///< details for ec
    std::size_t first = 0;
    std::size_t last = 0;
    bool end = false;  ///< no further request
};

class page_walker {
public:
    /// Keys remembered exactly by the loop guard (the most recent ones).
    static constexpr std::size_t guard_window = 10'000;

    explicit page_walker(page_params const& p)
        : direction_(p.direction), cursor_(p.start_key), stop_key_(p.stop_key), include_stop_key_(p.include_stop_key),
          max_items_(p.max_items)
    {
        if (direction_ == page_direction::backward && !cursor_) {
            fail(pagination_errc::no_start_key, "page_params::direction is backward but there is no start key");
            return;
        }
        if (cursor_) {
            remember(hash(*cursor_));
            cursor_cycles(hash(*cursor_));
        }
        if (max_items_ && *max_items_ == 0)
            end(stop_reason::max_items);
    }

    bool finished() const noexcept { return finished_; }
    boost::system::error_code const& failure() const noexcept { return failure_; }
    std::string const& failure_message() const noexcept { return failure_message_; }
    stop_reason reason() const noexcept { return reason_; }
    std::size_t pages_seen() const noexcept { return pages_; }
    std::size_t items_delivered() const noexcept { return delivered_; }
    page_direction direction() const noexcept { return direction_; }
    std::size_t guard_keys() const noexcept { return recent_.size(); }  ///< keys the loop guard holds now

    /// The cursor of the next request (meaningless once finished()).
    page_cursor next_cursor() const
    {
        page_cursor c;
        (direction_ == page_direction::forward ? c.after : c.before) = cursor_;
        return c;
    }

    /// Feeds one page: `keys[i]` is row i's key in server order (nullptr: the row has none); `remaining` as sent.
    page_verdict on_page(std::span<std::string const* const> keys, std::optional<std::int64_t> remaining)
    {
        page_verdict v;
        if (finished_) {
            v.ec = failure_;
            v.message = failure_message_;
            v.end = true;
            return v;
        }
        ++pages_;
        std::size_t const n = keys.size();
        bool const fwd = direction_ == page_direction::forward;
        auto at = [&](std::size_t pos) { return keys[fwd ? pos : n - 1 - pos]; };  // walking order
        std::size_t take = 0;
        bool stopped = false;
        for (std::size_t pos = 0; pos < n; ++pos) {
            if (max_items_ && delivered_ + take >= *max_items_) {
                stopped = true;
                reason_ = stop_reason::max_items;
                break;
            }
            std::string const* k = at(pos);
            if (k == nullptr) {
                if (pos + 1 != n || (remaining && *remaining > 0)) {
                    v.ec = fail(pagination_errc::missing_key, "row " + std::to_string(fwd ? pos : n - 1 - pos) +
                                                                  " of page " + std::to_string(pages_) +
                                                                  " has no key and the stream goes on");
                    v.message = failure_message_;
                    v.end = true;
                    return v;
                }
            } else if (!remember(hash(*k))) {
                v.ec = fail(pagination_errc::repeated_key,
                            "page " + std::to_string(pages_) + " repeats the key " + *k + " already seen");
                v.message = failure_message_;
                v.end = true;
                return v;
            }
            ++take;
            if (k != nullptr && stop_key_ && *k == *stop_key_) {
                if (!include_stop_key_)
                    --take;
                stopped = true;
                reason_ = stop_reason::stop_key;
                break;
            }
        }
        if (!stopped && max_items_ && delivered_ + take >= *max_items_) {
            stopped = true;
            reason_ = stop_reason::max_items;
        }
        delivered_ += take;
        v.first = fwd ? 0 : n - take;
        v.last = fwd ? take : n;
        if (stopped) {
            v.end = finished_ = true;
            return v;
        }
        std::string const* last_key = n == 0 ? nullptr : at(n - 1);
        if (n == 0 || last_key == nullptr || (remaining && *remaining <= 0)) {
            v.end = true;
            end(stop_reason::exhausted);
            return v;
        }
        if (cursor_cycles(hash(*last_key))) {
            v.ec = fail(pagination_errc::repeated_key, "page " + std::to_string(pages_) + " ends on the key " +
                                                           *last_key + ", as an earlier page did: the server loops");
            v.message = failure_message_;
            v.end = true;
            return v;
        }
        cursor_ = *last_key;
        return v;
    }

private:
    /// Adds a key's hash to the window (evicting the oldest); false if it is already there.
    bool remember(std::size_t h)
    {
        if (recent_.count(h) != 0)
            return false;
        if (ring_.size() < guard_window) {
            ring_.push_back(h);
        } else {
            recent_.erase(ring_[ring_next_]);
            ring_[ring_next_] = h;
            ring_next_ = (ring_next_ + 1) % guard_window;
        }
        recent_.insert(h);
        return true;
    }

    /// Brent's cycle detection over the sequence of cursors: true when `h` equals the saved cursor.
    bool cursor_cycles(std::size_t h)
    {
        if (has_saved_cursor_ && h == saved_cursor_)
            return true;
        if (!has_saved_cursor_ || ++cursor_steps_ == cursor_power_) {
            saved_cursor_ = h;
            has_saved_cursor_ = true;
            cursor_power_ *= 2;
            cursor_steps_ = 0;
        }
        return false;
    }

    static std::size_t hash(std::string_view k) noexcept { return std::hash<std::string_view>{}(k); }

    void end(stop_reason r)
    {
        finished_ = true;
        reason_ = r;
    }

    boost::system::error_code fail(pagination_errc e, std::string msg)
    {
        failure_ = make_error_code(e);
        failure_message_ = std::move(msg);
        finished_ = true;
        return failure_;
    }

    page_direction direction_;
    std::optional<std::string> cursor_;
    std::optional<std::string> stop_key_;
    bool include_stop_key_;
    std::optional<std::size_t> max_items_;
    std::unordered_set<std::size_t> recent_;  // the hashes in ring_
    std::vector<std::size_t> ring_;            // the last guard_window key hashes, oldest at ring_next_ once full
    std::size_t ring_next_ = 0;
    std::size_t saved_cursor_ = 0;
    bool has_saved_cursor_ = false;
    std::size_t cursor_power_ = 1;
    std::size_t cursor_steps_ = 0;
    std::size_t pages_ = 0;
    std::size_t delivered_ = 0;
    bool finished_ = false;
    stop_reason reason_ = stop_reason::none;
    boost::system::error_code failure_{};
    std::string failure_message_{};
};

}  // namespace meld::detail

#endif
