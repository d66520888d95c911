// sandbox/src/idempotency.hpp — the `X-Idempotency-Key` store: key -> in flight | stored answer.
//
// Meld's documented behaviour (CATALOG §1.8, REAL_WORLD.md): a request carrying an idempotency key is handled
// once; a later request with the same key gets the first answer replayed; one that arrives while the first is
// still being handled gets 425 TOO_EARLY. Keys are scoped per credential (the `Authorization` value). Assumed
// (not documented): the key is not compared against the request's method, path or body.
//
// Thread-safe (one mutex): sessions run on many threads.
#ifndef MELD_SANDBOX_SRC_IDEMPOTENCY_HPP
#define MELD_SANDBOX_SRC_IDEMPOTENCY_HPP

#include "detail.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace meld::emulator::detail {

/// The header that carries the key (matched case-insensitively).
inline constexpr std::string_view idempotency_header = "X-Idempotency-Key";

class idempotency_store {
public:
    /// Stored answers kept at most; beyond it the oldest stored answer is forgotten first. Keys in flight do not
    /// count (they are bounded by the open connections) and are never evicted.
    static constexpr std::size_t default_capacity = 10'000;

    explicit idempotency_store(std::size_t capacity = default_capacity) : capacity_(capacity ? capacity : 1) {}
    idempotency_store(idempotency_store const&) = delete;
    idempotency_store& operator=(idempotency_store const&) = delete;

    /// The claim of a key that was seen for the first time: complete() stores the answer; destroying it (or
    /// release()) without complete() forgets the key, so an abandoned request (connection closed, server stopped,
    /// coroutine destroyed) never leaves it in flight. Movable, not copyable. Must not outlive its store.
    class ticket {
    public:
        ticket() = default;
        ticket(ticket&& o) noexcept;
        ticket& operator=(ticket&& o) noexcept;
        ticket(ticket const&) = delete;
        ticket& operator=(ticket const&) = delete;
        ~ticket() { release(); }

        /// true: holds a key in flight.
        explicit operator bool() const noexcept { return store_ != nullptr; }
        /// Stores `answer` under the key (later requests with it get it replayed) and gives the claim up.
        void complete(http_answer const& answer);
        /// Forgets the key (the next request with it is handled afresh). No-op without a claim.
        void release() noexcept;

    private:
        friend class idempotency_store;
        ticket(idempotency_store* s, std::string key, std::uint64_t token) noexcept
            : store_(s), key_(std::move(key)), token_(token) {}
        idempotency_store* store_ = nullptr;
        std::string key_;
        std::uint64_t token_ = 0;
    };

    enum class outcome {
        first,      ///< not seen (or abandoned): handle the request, then ticket.complete(answer)
        in_flight,  ///< another request with this key is being handled: answer 425 TOO_EARLY
        replay,     ///< already answered: send `stored` as it is
    };
    struct lookup {
        outcome kind = outcome::first;
        ticket claim{};       ///< outcome::first only
        http_answer stored{};  ///< outcome::replay only
    };

    /// Looks `key` up within `scope` (the credential) and, when it is new, marks it in flight.
    lookup begin(std::string_view scope, std::string_view key);

    std::size_t stored() const;     ///< answers stored
    std::size_t in_flight() const;  ///< keys in flight
    std::size_t capacity() const noexcept { return capacity_; }

private:
    struct entry {
        std::uint64_t token = 0;
        bool done = false;
        http_answer answer{};
    };

    void store(std::string const& key, std::uint64_t token, http_answer const& answer);
    void forget(std::string const& key, std::uint64_t token) noexcept;

    std::size_t const capacity_;
    mutable std::mutex mutex_;  // guards everything below
    std::unordered_map<std::string, entry> entries_;
    std::deque<std::string> order_;  ///< stored (done) keys, oldest first
    std::uint64_t next_token_ = 1;
};

}  // namespace meld::emulator::detail

#endif
