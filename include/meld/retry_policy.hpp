// meld/retry_policy.hpp — meld::retry_policy: when a failed attempt is tried again, and how long to wait first.
//
// A plain value type: set it once in client_params::retry, override it per call in call_params::retry.
// The decision table it feeds (detail/pipeline/retry_decision.hpp) and the defaults next to Stripe's and
// google-cloud-cpp's are in docs/retries.md. The whole call, attempts and waits included, is bounded by
// request_timeout: a wait that would end after the deadline is not started, the call fails with the last error.
#ifndef MELD_RETRY_POLICY_HPP
#define MELD_RETRY_POLICY_HPP

#include <bitset>
#include <chrono>
#include <cstddef>
#include <initializer_list>

namespace meld {

/// A set of HTTP status codes (100–599), without allocation: `meld::http_status_set{429, 503}`.
class http_status_set {
public:
    constexpr http_status_set() noexcept = default;
    http_status_set(std::initializer_list<unsigned> statuses) noexcept
    {
        for (unsigned s : statuses)
            insert(s);
    }
    void insert(unsigned status) noexcept
    {
        if (status < bits_.size())
            bits_.set(status);
    }
    void erase(unsigned status) noexcept
    {
        if (status < bits_.size())
            bits_.reset(status);
    }
    bool contains(unsigned status) const noexcept { return status < bits_.size() && bits_.test(status); }
    bool empty() const noexcept { return bits_.none(); }

private:
    std::bitset<600> bits_{};
};

struct retry_policy {
    /// Attempts after the first one. 0: never retry (a stale keep-alive connection is still replaced once).
    unsigned max_retries = 2;
    /// Exponential backoff with full jitter: retry n (0-based) waits uniform[0, min(max_backoff, initial << n)].
    std::chrono::milliseconds initial_backoff{500};
    std::chrono::milliseconds max_backoff{8'000};
    /// A `Retry-After` answer header (seconds or HTTP-date) replaces the backoff, capped at this value.
    bool honour_retry_after = true;
    std::chrono::milliseconds max_retry_after{30'000};
    /// Statuses retried for every request: the server says it did not process it.
    http_status_set retry_statuses{429, 503};
    /// Statuses retried only when the request is safe to replay (GET / PUT / DELETE or an idempotency key):
    /// a 500, or a gateway's 502 / 504, does not prove that the request was not processed.
    http_status_set replay_safe_retry_statuses{500, 502, 504};
    /// `425 Too Early` (the same idempotency key still in flight) is retried when the request carries a key.
    bool retry_too_early = true;
    /// Resolve / TCP connect / proxy / TLS handshake failures and timeouts, before any request byte was sent
    /// (never a certificate verification failure).
    bool retry_connect_failures = true;
    /// A connection reset or closed after the request was written, before the whole answer arrived: only
    /// when the request is safe to replay.
    bool retry_replay_safe_resets = true;

    /// No retries at all.
    static retry_policy none() noexcept
    {
        retry_policy p;
        p.max_retries = 0;
        return p;
    }
};

}  // namespace meld

#endif
