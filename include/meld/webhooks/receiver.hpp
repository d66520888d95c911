// meld/webhooks/receiver.hpp — the safe order of operations for one delivery, without any I/O.
//
// Your HTTP server reads the raw body (with a size limit), then:
//
//     auto v = meld::webhooks::accept_delivery(vp, store, req[signature_header], req[signature_timestamp_header],
//                                              req.body());
//     if (!v.must_handle()) return reply(v.status);           // 401/400/413/409, or 200 for a redelivery
//     bool ok = run_your_handler(v.ev);                          // typed: std::visit(..., v.ev.payload)
//     return reply(meld::webhooks::complete_delivery(store, v.ev, ok));  // 200 only after success, else 500
//
// accept_delivery authenticates first (nothing of an unauthenticated body is parsed), then parses, then
// claims the eventId in the dedupe store. complete_delivery records the id as done only on success, so a
// failed handler makes Meld redeliver. Status codes:
//   200  handled now, or already handled (a redelivery: the handler is not run again)
//   400  authentic but not a webhook event (webhook_errc::malformed_event)
//   401  not authentic: missing/malformed headers, stale timestamp, bad signature
//   409  the same eventId is being handled right now (Meld retries later)
//   413  body larger than verify_params::max_body_size
//   500  no secret configured, OpenSSL failure, or the handler failed (Meld retries)
#ifndef MELD_WEBHOOKS_RECEIVER_HPP
#define MELD_WEBHOOKS_RECEIVER_HPP

#include <meld/webhooks/dedupe.hpp>
#include <meld/webhooks/events.hpp>
#include <meld/webhooks/verify.hpp>

#include <string>
#include <string_view>

namespace meld::webhooks {

/// What to do with a delivery.
struct delivery_verdict {
    unsigned status = 0;     ///< the HTTP status to answer now, or 0: handle `ev`, then complete_delivery()
    error_code error{};      ///< why it was refused (4xx/5xx)
    bool duplicate = false;  ///< true for a 200 answering a redelivery of an already-handled event
    std::string detail{};    ///< for logs: the JSON path of a malformed event
    event ev{};              ///< the parsed event (valid when must_handle() or duplicate)

    bool must_handle() const noexcept { return status == 0; }
};

/// The HTTP status for a verify()/parse_event() failure.
inline unsigned status_for(error_code const& ec) noexcept
{
    if (!ec) return 200;
    if (ec == webhook_errc::body_too_large) return 413;
    if (ec == webhook_errc::malformed_event) return 400;
    if (is_authentication_failure(ec)) return 401;
    return 500;
}

/// Authenticates, parses and claims one delivery. `store` may be null (no deduplication; events without
/// an eventId are never deduplicated either).
inline delivery_verdict accept_delivery(verify_params const& params, dedupe_store* store,
                                        std::string_view signature, std::string_view timestamp,
                                        std::string_view body)
{
    delivery_verdict v;
    if ((v.error = verify(params, signature, timestamp, body))) {
        v.status = status_for(v.error);
        return v;
    }
    if ((v.error = parse_event(body, v.ev, &v.detail))) {
        v.status = status_for(v.error);
        return v;
    }
    if (store && !v.ev.id().empty()) {
        switch (store->begin(v.ev.id())) {
        case claim::acquired: break;
        case claim::done: v.status = 200, v.duplicate = true; break;
        case claim::in_progress: v.status = 409; break;
        }
    }
    return v;
}

/// Records the outcome of the handler for an accepted delivery and returns the status to answer:
/// 200 (marked done) or 500 (claim released so that Meld's redelivery runs the handler again).
inline unsigned complete_delivery(dedupe_store* store, event const& ev, bool handler_succeeded)
{
    if (store && !ev.id().empty()) {
        if (handler_succeeded)
            store->mark_done(ev.id());
        else
            store->abandon(ev.id());
    }
    return handler_succeeded ? 200 : 500;
}

}  // namespace meld::webhooks

#endif
