// meld/detail/pipeline/call_fsm.hpp — sans-io: the state machine of one call, from a prepared request to done.
//
// The runner (impl/engine.ipp) asks it what to do and reports what happened; it never touches a socket:
//
//   start()            -> send | done(ec)         stamping: idempotency key, header safety
//   on_attempt(o, ...) -> send | wait(d) | done   classification (response_classifier.hpp), the retry table
//                                                 (retry_decision.hpp), backoff / Retry-After (backoff.hpp)
//   on_wait_done()     -> send
//
// Everything it learns goes into the call's diagnostics: every attempt, the key, the answer headers, and
// when it gives up, why. Time is an input (now, wall clock) and so is randomness: unit tests drive it alone.
#ifndef MELD_DETAIL_PIPELINE_CALL_FSM_HPP
#define MELD_DETAIL_PIPELINE_CALL_FSM_HPP

#include <meld/detail/http_request.hpp>
#include <meld/detail/pipeline/backoff.hpp>
#include <meld/detail/pipeline/request_head.hpp>
#include <meld/detail/pipeline/retry_decision.hpp>
#include <meld/detail/response_classifier.hpp>
#include <meld/diagnostics.hpp>
#include <meld/retry_policy.hpp>

#include <chrono>
#include <string>

namespace meld::detail::pipeline {

struct call_action {
    enum class type : unsigned char { send, wait, done };
    type kind = type::done;
    std::chrono::milliseconds delay{};  ///< for wait
    error_code ec{};                    ///< for done
};

/// What the call needs from its client, besides the request.
struct call_settings {
    retry_policy const* policy = nullptr;
    std::chrono::steady_clock::time_point deadline{};
    bool generate_idempotency_key = true;
    std::string (*make_idempotency_key)() = nullptr;  ///< a UUID v4
};

class call_fsm {
public:
    using steady_time = std::chrono::steady_clock::time_point;
    using wall_time = std::chrono::system_clock::time_point;

    call_fsm(prepared_request& req, raw_response& resp, diagnostics& diag, call_settings const& s) noexcept
        : req_(&req), resp_(&resp), diag_(&diag), settings_(s)
    {
    }

    /// Stamping: a build error ends the call; a missing idempotency key is generated; header values are checked.
    call_action start()
    {
        if (req_->build_error) {
            detail_access::set_client_message(*diag_, req_->build_message);
            return done(req_->build_error);
        }
        if (req_->accepts_idempotency_key && req_->idempotency_key.empty() && settings_.generate_idempotency_key &&
            settings_.make_idempotency_key != nullptr)
            req_->idempotency_key = settings_.make_idempotency_key();
        if (!req_->idempotency_key.empty())
            detail_access::set_idempotency_key(*diag_, req_->idempotency_key);
        if (auto const bad = unsafe_request_value(*req_); !bad.empty()) {
            detail_access::set_client_message(*diag_, std::string(bad) + " contains CR, LF or NUL; nothing was sent");
            return done(client_errc::invalid_request);
        }
        return send();
    }

    /// The request head of every attempt (the same bytes each time: the key does not change).
    void write_head(std::string& out, head_constants const& k) const { append_request_head(out, k, *req_); }

    /// One attempt ended. For an answer, `o.status` is read from the raw_response.
    call_action on_attempt(attempt_outcome o, std::chrono::microseconds duration, steady_time now, wall_time wall,
                           random_source random)
    {
        ++attempts_;
        if (o.phase == attempt_phase::answered) {
            o.status = resp_->status;
            detail_access::set_http_status(*diag_, resp_->status);
            detail_access::set_headers(*diag_, resp_->retry_after, resp_->date, resp_->request_id_header,
                                       resp_->request_id);
            o.ec = classify_response(*resp_, *diag_);
        }
        detail_access::add_attempt(*diag_, {o.status, o.ec, duration, o.reused_connection});
        last_ = o;
        decision_ = decide_retry(policy(), o, req_->replayable(), !req_->idempotency_key.empty(), stale_replayed_);
        switch (decision_.verdict) {
        case retry_verdict::give_up:
            if (o.ec && attempts_ > 1)
                note("gave up after " + std::to_string(attempts_) + " attempts: " + std::string(decision_.reason));
            else if (o.ec && decision_.explain)
                note("not retried: " + std::string(decision_.reason));
            return done(o.ec);
        case retry_verdict::replay_now:
            stale_replayed_ = true;
            detail_access::set_last_retry_delay(*diag_, std::chrono::milliseconds(0));
            return send();
        case retry_verdict::retry: break;
        }
        if (retries_ >= policy().max_retries) {
            if (policy().max_retries > 0)
                note("gave up after " + std::to_string(attempts_) + " attempts: the retry policy allows " +
                     std::to_string(policy().max_retries) + " retries");
            return done(o.ec);
        }
        std::chrono::milliseconds delay = backoff_delay(policy(), retries_, random());
        bool from_header = false;
        if (o.phase == attempt_phase::answered && policy().honour_retry_after && !resp_->retry_after.empty()) {
            if (auto const hinted = parse_retry_after(resp_->retry_after, resp_->date, wall)) {
                delay = std::min(*hinted, policy().max_retry_after);
                from_header = true;
            }
        }
        // compared in milliseconds: `now + delay` would overflow the clock's nanoseconds for a huge backoff
        if (delay >= std::chrono::ceil<std::chrono::milliseconds>(settings_.deadline - now)) {
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.deadline - now);
            note("gave up after " + std::to_string(attempts_) + (attempts_ == 1 ? " attempt" : " attempts") +
                 ": the next one would start after the call's deadline (" +
                 (from_header ? "Retry-After asks for " : "backoff ") + std::to_string(delay.count()) + " ms, " +
                 std::to_string(left.count() < 0 ? 0 : left.count()) + " ms left)");
            return done(o.ec);
        }
        ++retries_;
        detail_access::set_last_retry_delay(*diag_, delay);
        return {call_action::type::wait, delay, {}};
    }

    /// The wait before a retry is over: forget the previous answer and send again.
    call_action on_wait_done() { return send(); }

    unsigned attempts() const noexcept { return attempts_; }
    unsigned retries() const noexcept { return retries_; }
    attempt_outcome const& last_outcome() const noexcept { return last_; }
    retry_decision const& last_decision() const noexcept { return decision_; }
    prepared_request const& request() const noexcept { return *req_; }

private:
    retry_policy const& policy() const noexcept { return req_->retry ? *req_->retry : *settings_.policy; }

    call_action send()
    {
        if (attempts_ > 0) {
            detail_access::clear_outcome(*diag_);
            resp_->clear();
        }
        return {call_action::type::send, {}, {}};
    }

    static call_action done(error_code ec) noexcept { return {call_action::type::done, {}, ec}; }

    void note(std::string const& text)
    {
        std::string msg(diag_->client_message());
        if (!msg.empty())
            msg += "; ";
        msg += text;
        detail_access::set_client_message(*diag_, std::move(msg));
    }

    prepared_request* req_;
    raw_response* resp_;
    diagnostics* diag_;
    call_settings settings_;
    unsigned attempts_ = 0;
    unsigned retries_ = 0;
    bool stale_replayed_ = false;
    attempt_outcome last_{};
    retry_decision decision_{};
};

}  // namespace meld::detail::pipeline

#endif
