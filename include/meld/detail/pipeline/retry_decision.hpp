// meld/detail/pipeline/retry_decision.hpp — sans-io: may this failed attempt be tried again?
//
// The whole table lives here (docs/retries.md prints it): what failed (phase + error, or the answer's status),
// whether the request is safe to replay (GET / PUT / DELETE or an idempotency key) and the policy's switches
// give one verdict and the reason, which ends up in diagnostics when the call gives up.
#ifndef MELD_DETAIL_PIPELINE_RETRY_DECISION_HPP
#define MELD_DETAIL_PIPELINE_RETRY_DECISION_HPP

#include <meld/error.hpp>
#include <meld/retry_policy.hpp>

#include <boost/asio/error.hpp>

#include <cstdint>
#include <string_view>

namespace meld::detail::pipeline {

/// How far an attempt got before it failed.
enum class attempt_phase : std::uint8_t {
    connecting,  ///< resolve / TCP / proxy tunnel / TLS handshake: no request byte was sent
    sending,     ///< the request was (being) written; no answer byte arrived
    receiving,   ///< part of an answer arrived
    answered,    ///< a complete final answer (any status)
};

/// What one attempt produced. For `answered`, `status` is the final status and `ec` the classified error
/// ({} for success); otherwise `ec` is the transport error (a client_errc or operation_aborted).
struct attempt_outcome {
    attempt_phase phase = attempt_phase::connecting;
    error_code ec{};
    unsigned status = 0;
    bool reused_connection = false;
};

enum class retry_verdict : std::uint8_t {
    give_up,     ///< the call ends with this attempt's error
    replay_now,  ///< a stale keep-alive connection: send again at once on a fresh one (not a retry)
    retry,       ///< wait (backoff or Retry-After), then send again
};

struct retry_decision {
    retry_verdict verdict = retry_verdict::give_up;
    std::string_view reason{};  ///< why not, for give_up (static text)
    /// A failure of a retryable kind that safety or the policy kept from being retried: worth telling the user.
    bool explain = false;
};

/// `replay_safe`: GET / PUT / DELETE or a request with an idempotency key. `has_key`: an idempotency key was
/// sent. `stale_replay_used`: the one free replay of a stale connection was already spent.
inline retry_decision decide_retry(retry_policy const& p, attempt_outcome const& o, bool replay_safe, bool has_key,
                                   bool stale_replay_used) noexcept
{
    using rv = retry_verdict;
    if (!o.ec)
        return {rv::give_up, "succeeded"};
    if (o.ec == boost::asio::error::operation_aborted)
        return {rv::give_up, "the call was cancelled"};
    if (o.ec == client_errc::request_timeout)
        return {rv::give_up, "the call's deadline passed"};

    if (o.phase == attempt_phase::answered) {
        unsigned const s = o.status;
        if (s == 425) {
            if (has_key && p.retry_too_early)
                return {rv::retry, {}};
            return {rv::give_up, "HTTP 425 is retried only for a request with an idempotency key", true};
        }
        if (p.retry_statuses.contains(s))
            return {rv::retry, {}};
        if (p.replay_safe_retry_statuses.contains(s)) {
            if (replay_safe)
                return {rv::retry, {}};
            return {rv::give_up,
                    "the request may have been processed and is not safe to replay (a POST or PATCH without an "
                    "idempotency key is never sent twice)",
                    true};
        }
        return {rv::give_up, "this answer is not retryable"};
    }

    if (o.ec == client_errc::tls_verification_failed || o.ec == client_errc::invalid_request ||
        o.ec == client_errc::invalid_proxy || o.ec == client_errc::proxy_auth_required ||
        o.ec == client_errc::proxy_tunnel_refused || o.ec == client_errc::body_too_large ||
        o.ec == client_errc::malformed_response || o.ec == client_errc::invalid_base_url ||
        o.ec == client_errc::insecure_url)
        return {rv::give_up, "this failure is not retryable"};

    if (o.phase == attempt_phase::connecting) {
        if (p.retry_connect_failures)
            return {rv::retry, {}};
        return {rv::give_up, "connect failures are not retried by this policy", true};
    }

    // The request was written (or being written): it may have reached the server.
    if (o.reused_connection && o.phase == attempt_phase::sending && o.ec == client_errc::connection_closed &&
        replay_safe && !stale_replay_used)
        return {rv::replay_now, {}};
    if (o.ec == client_errc::connection_closed) {
        if (!replay_safe)
            return {rv::give_up,
                    "the connection failed after the request was sent; a POST or PATCH without an idempotency key "
                    "is never sent twice",
                    true};
        if (p.retry_replay_safe_resets)
            return {rv::retry, {}};
        return {rv::give_up, "resets after the request was sent are not retried by this policy", true};
    }
    return {rv::give_up, "this failure is not retryable"};
}

}  // namespace meld::detail::pipeline

#endif
