// Unit tests (sans-io) of one call's decisions: detail/pipeline/retry_decision.hpp (every row of the retry
// table and every policy switch), detail/pipeline/call_fsm.hpp (stamping of the idempotency key and header
// safety, attempts bounded by max_retries, full-jitter backoff and Retry-After from injected randomness and
// clocks, the deadline, diagnostics of every attempt) and detail/pipeline/backoff.hpp (HTTP-date forms,
// Retry-After values, backoff growth and cap). Time and randomness are inputs: nothing here sleeps.
#include <meld/detail/pipeline/call_fsm.hpp>

#include "enum_names.hpp"

#include <boost/asio/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
namespace pl = meld::detail::pipeline;
using meld::client_errc;
using meld::http_method;
using meld::detail::prepared_request;
using meld::detail::raw_response;
using pl::attempt_phase;
using pl::retry_verdict;
using act = pl::call_action::type;

template <> struct meld_test::enum_names<retry_verdict> {
    static constexpr std::pair<retry_verdict, char const*> names[] = {{retry_verdict::give_up, "give_up"},
                                                                      {retry_verdict::replay_now, "replay_now"},
                                                                      {retry_verdict::retry, "retry"}};
};
template <> struct meld_test::enum_names<act> {
    static constexpr std::pair<act, char const*> names[] = {
        {act::send, "send"}, {act::wait, "wait"}, {act::done, "done"}};
};

namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

/// The outcome the transport + classifier produce for a complete answer with this status.
pl::attempt_outcome answer_outcome(unsigned status)
{
    meld::error_code ec;
    if (status >= 400)
        ec = meld::make_http_error(status);
    else if (status >= 300)
        ec = client_errc::redirect_refused;
    return {attempt_phase::answered, ec, status, false};
}

pl::attempt_outcome failure(attempt_phase phase, meld::error_code ec, bool reused = false)
{
    return {phase, ec, 0, reused};
}

pl::retry_decision decide(meld::retry_policy const& p, pl::attempt_outcome const& o, bool replay_safe,
                          bool has_key = false, bool stale_used = false)
{
    return pl::decide_retry(p, o, replay_safe, has_key, stale_used);
}

/// decide() for an outcome the policy must give up on; returns why.
std::string_view give_up_reason(meld::retry_policy const& p, pl::attempt_outcome const& o, bool replay_safe,
                                bool has_key = false)
{
    auto const d = decide(p, o, replay_safe, has_key);
    CHECK(d.verdict == retry_verdict::give_up);
    return d.reason;
}

/// A fixed sequence of uniform draws (the last one repeats).
struct draws {
    std::vector<double> values;
    std::size_t next = 0;
    static double draw(void* self)
    {
        auto* d = static_cast<draws*>(self);
        double const v = d->values[std::min(d->next, d->values.size() - 1)];
        ++d->next;
        return v;
    }
    pl::random_source source() { return {&draws::draw, this}; }
};

int key_calls = 0;
constexpr std::string_view generated_key = "0b7c1f0e-3a55-4d53-9a9e-5b1f8e0e2f11";
std::string make_key()
{
    ++key_calls;
    return std::string(generated_key);
}
std::string make_bad_key() { return "abc\r\nX-Evil: 1"; }

/// 2015-10-21 07:28:00 UTC.
constexpr std::chrono::seconds oct21_0728{1445412480};

/// One call: its request, answer, diagnostics and state machine, driven by hand.
struct call {
    meld::retry_policy policy;
    prepared_request req;
    raw_response resp;
    meld::diagnostics diag;
    pl::call_settings settings;
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point{} + 1h;
    std::chrono::system_clock::time_point wall = std::chrono::system_clock::time_point{oct21_0728};
    draws random{{0.5}};
    std::optional<pl::call_fsm> fsm;

    explicit call(http_method m = http_method::get, bool accepts_key = false)
    {
        key_calls = 0;
        req.method = m;
        req.operation_name = "test.operation";
        req.target = "/payments/transactions";
        req.accepts_idempotency_key = accepts_key;
        if (m == http_method::post || m == http_method::patch) {
            req.has_body = true;
            req.body = R"({"amount":"10"})";
        }
        settings.policy = &policy;
        settings.deadline = now + 30s;
        settings.make_idempotency_key = &make_key;
    }
    call(call const&) = delete;
    call& operator=(call const&) = delete;

    pl::call_action start()
    {
        fsm.emplace(req, resp, diag, settings);
        return fsm->start();
    }

    pl::call_action attempt(pl::attempt_outcome o, std::chrono::microseconds duration = 1000us)
    {
        return fsm->on_attempt(o, duration, now, wall, random.source());
    }

    /// The transport filled `resp` with a complete answer.
    pl::call_action answered(unsigned status, std::string body = "{}", std::string_view content_type = "application/json",
                             std::string_view retry_after = {}, std::string_view date = {},
                             std::chrono::microseconds duration = 1000us)
    {
        resp.clear();
        resp.status = status;
        resp.content_type = content_type;
        resp.body = std::move(body);
        resp.retry_after = retry_after;
        resp.date = date;
        // the transport reports phase and reuse; the state machine reads status and classifies itself
        return attempt({attempt_phase::answered, {}, 0, false}, duration);
    }

    /// start(), then one answer (as answered() takes it), which must end the call.
    pl::call_action only_answer(unsigned status, std::string body = "{}",
                                std::string_view content_type = "application/json", std::string_view retry_after = {})
    {
        REQUIRE(start().kind == act::send);
        auto const a = answered(status, std::move(body), content_type, retry_after);
        CHECK(a.kind == act::done);
        return a;
    }

    /// The next attempt after a wait.
    void waited()
    {
        auto const a = fsm->on_wait_done();
        REQUIRE(a.kind == act::send);
    }

    std::string head() const
    {
        pl::head_constants k;
        REQUIRE(pl::head_constants::build(k, "api.meld.io", "meld-cpp/test", "Authorization", "BASIC id:secret",
                                          true, "2022-08-29", true)
                    .empty());
        std::string out;
        fsm->write_head(out, k);
        return out;
    }
};

}  // namespace

// ---- the retry table ---------------------------------------------------------------------------------------

TEST_CASE("call_fsm: a 2xx answer completes the call at once")
{
    for (unsigned status : {200u, 201u, 204u}) {
        CAPTURE(status);
        call c(http_method::post);
        REQUIRE(c.start().kind == act::send);
        auto const a = c.answered(status, status == 204 ? "" : "{}", status == 204 ? "" : "application/json",
                                  {}, {}, 1234us);
        CHECK(a.kind == act::done);
        CHECK_FALSE(a.ec);
        CHECK(c.fsm->attempts() == 1);
        CHECK(c.fsm->retries() == 0);
        CHECK(c.fsm->last_decision().verdict == retry_verdict::give_up);
        CHECK(c.fsm->last_decision().reason == "succeeded");
        CHECK(c.diag.http_status() == status);
        CHECK(c.diag.client_message().empty());
        REQUIRE(c.diag.attempts().size() == 1);
        CHECK(c.diag.attempts()[0].status == status);
        CHECK_FALSE(c.diag.attempts()[0].error);
        CHECK(c.diag.attempts()[0].duration == 1234us);
        CHECK(c.diag.attempts()[0].retry_delay == -1ms);
    }
}

TEST_CASE("retry_decision: 429 and 503 are retried for every request, a keyless POST included")
{
    meld::retry_policy const p;
    for (unsigned status : {429u, 503u}) {
        CAPTURE(status);
        CHECK(decide(p, answer_outcome(status), false).verdict == retry_verdict::retry);
        CHECK(decide(p, answer_outcome(status), true).verdict == retry_verdict::retry);
    }

    call c(http_method::post);  // the operation takes no idempotency key
    REQUIRE(c.start().kind == act::send);
    CHECK(c.req.idempotency_key.empty());
    CHECK_FALSE(c.req.replayable());
    auto a = c.answered(429, R"({"code":"TOO_MANY_REQUESTS"})");
    CHECK(a.kind == act::wait);
    CHECK(c.diag.http_status() == 429);
    c.waited();
    a = c.answered(503, "<h1>down</h1>", "text/html");
    CHECK(a.kind == act::wait);
    c.waited();
    a = c.answered(200);
    CHECK(a.kind == act::done);
    CHECK_FALSE(a.ec);
    CHECK(c.fsm->attempts() == 3);
    CHECK(c.fsm->retries() == 2);
}

TEST_CASE("retry_decision: 500 / 502 / 504 are retried only when the request is safe to replay")
{
    for (unsigned status : {500u, 502u, 504u}) {
        CAPTURE(status);
        for (auto m : {http_method::get, http_method::put, http_method::delete_}) {
            CAPTURE(meld::to_string(m));
            call c(m);
            REQUIRE(c.start().kind == act::send);
            auto const a = c.answered(status);
            CHECK(a.kind == act::wait);
            CHECK(c.fsm->retries() == 1);
        }
        for (auto m : {http_method::post, http_method::patch}) {
            CAPTURE(meld::to_string(m));
            call keyed(m);
            keyed.req.idempotency_key = "caller-key-42";
            REQUIRE(keyed.start().kind == act::send);
            CHECK(keyed.answered(status).kind == act::wait);

            call keyless(m);
            REQUIRE(keyless.start().kind == act::send);
            auto const a = keyless.answered(status, R"({"code":"INTERNAL"})");
            CHECK(a.kind == act::done);
            CHECK(a.ec == meld::make_http_error(status));
            CHECK(keyless.fsm->last_decision().verdict == retry_verdict::give_up);
            CHECK(contains(keyless.fsm->last_decision().reason, "not safe to replay"));
            CHECK(contains(keyless.fsm->last_decision().reason, "without an idempotency key"));
            CHECK(keyless.diag.http_status() == status);
            CHECK(keyless.diag.code() == "INTERNAL");
            CHECK(keyless.diag.attempts().size() == 1);
        }
    }
}

TEST_CASE("retry_decision: 425 Too Early is retried only for a request with an idempotency key")
{
    meld::retry_policy p;
    auto const too_early = answer_outcome(425);
    auto const no_key = give_up_reason(p, too_early, true, false);  // a GET: replay-safe, but no key in flight
    CHECK(contains(no_key, "425"));
    CHECK(contains(no_key, "idempotency key"));
    CHECK(decide(p, too_early, true, true).verdict == retry_verdict::retry);
    CHECK(decide(p, too_early, false, false).verdict == retry_verdict::give_up);

    // putting 425 into retry_statuses does not bypass the key rule
    p.retry_statuses.insert(425);
    CHECK(decide(p, too_early, false, false).verdict == retry_verdict::give_up);

    p.retry_too_early = false;
    CHECK(decide(p, too_early, true, true).verdict == retry_verdict::give_up);

    // through the state machine: a generated key makes the POST retryable on 425
    call c(http_method::post, true);
    REQUIRE(c.start().kind == act::send);
    CHECK(c.req.idempotency_key == generated_key);
    CHECK(c.answered(425).kind == act::wait);
}

TEST_CASE("retry_decision: other 4xx, 501, a 3xx redirect and an unexpected content type are not retried")
{
    for (unsigned status : {400u, 401u, 403u, 404u, 408u, 409u, 422u, 451u, 501u, 505u}) {
        CAPTURE(status);
        call c(http_method::get);
        auto const a = c.only_answer(status);
        CHECK(a.ec == meld::make_http_error(status));
        CHECK(c.fsm->last_decision().reason == "this answer is not retryable");
    }
    {
        call c(http_method::get);
        auto const a = c.only_answer(302, "", "text/plain");
        CHECK(a.ec == client_errc::redirect_refused);
        CHECK(contains(c.diag.client_message(), "redirects are never followed"));
    }
    {
        call c(http_method::get);
        auto const a = c.only_answer(200, "<html></html>", "text/html");
        CHECK(a.ec == client_errc::unexpected_content_type);
        CHECK(contains(c.diag.client_message(), "text/html"));
        CHECK(c.fsm->attempts() == 1);
    }
}

TEST_CASE("retry_decision: connect-phase failures are retried (a keyless POST too), a certificate failure never")
{
    meld::retry_policy const p;
    for (auto e : {client_errc::resolve_failed, client_errc::connect_failed, client_errc::connect_timeout,
                   client_errc::tls_handshake_failed, client_errc::connection_closed}) {
        CAPTURE(meld::error_code(e).message());
        CHECK(decide(p, failure(attempt_phase::connecting, e), false).verdict == retry_verdict::retry);
        CHECK(decide(p, failure(attempt_phase::connecting, e), true).verdict == retry_verdict::retry);
    }
    for (auto e : {client_errc::tls_verification_failed, client_errc::invalid_proxy, client_errc::proxy_auth_required,
                   client_errc::proxy_tunnel_refused, client_errc::invalid_request, client_errc::invalid_base_url,
                   client_errc::insecure_url}) {
        CAPTURE(meld::error_code(e).message());
        CHECK(give_up_reason(p, failure(attempt_phase::connecting, e), true, true) == "this failure is not retryable");
    }

    call c(http_method::post);
    REQUIRE(c.start().kind == act::send);
    auto a = c.attempt(failure(attempt_phase::connecting, client_errc::connect_timeout));
    CHECK(a.kind == act::wait);
    c.waited();
    a = c.attempt(failure(attempt_phase::connecting, client_errc::tls_verification_failed));
    CHECK(a.kind == act::done);
    CHECK(a.ec == client_errc::tls_verification_failed);
    REQUIRE(c.diag.attempts().size() == 2);
    CHECK(c.diag.attempts()[0].status == 0);
    CHECK(c.diag.attempts()[0].error == client_errc::connect_timeout);
    CHECK(c.diag.attempts()[1].error == client_errc::tls_verification_failed);
}

TEST_CASE("retry_decision: a connection closed after the request was sent is retried only when replay-safe")
{
    meld::retry_policy const p;
    for (auto phase : {attempt_phase::sending, attempt_phase::receiving}) {
        CAPTURE(static_cast<int>(phase));
        auto const closed = failure(phase, client_errc::connection_closed);
        CHECK(decide(p, closed, true).verdict == retry_verdict::retry);
        CHECK(decide(p, closed, true, true).verdict == retry_verdict::retry);
        CHECK(contains(give_up_reason(p, closed, false), "never sent twice"));
        // malformed answers and oversized bodies are never retried, whatever the method
        CHECK(decide(p, failure(phase, client_errc::malformed_response), true).verdict == retry_verdict::give_up);
        CHECK(decide(p, failure(phase, client_errc::body_too_large), true).verdict == retry_verdict::give_up);
    }

    call c(http_method::post);
    REQUIRE(c.start().kind == act::send);
    auto const a = c.attempt(failure(attempt_phase::receiving, client_errc::connection_closed));
    CHECK(a.kind == act::done);
    CHECK(a.ec == client_errc::connection_closed);
}

TEST_CASE("retry_decision: a stale keep-alive connection is replayed at once, once, and not counted as a retry")
{
    meld::retry_policy const p;
    auto const stale = failure(attempt_phase::sending, client_errc::connection_closed, true);
    CHECK(decide(p, stale, true).verdict == retry_verdict::replay_now);
    CHECK(decide(p, stale, true, true).verdict == retry_verdict::replay_now);
    CHECK(decide(p, stale, true, false, true).verdict == retry_verdict::retry);  // the free replay is spent
    CHECK(decide(p, stale, false).verdict == retry_verdict::give_up);            // a keyless POST: never twice
    // part of an answer arrived: an ordinary retry; a fresh connection: an ordinary retry
    CHECK(decide(p, failure(attempt_phase::receiving, client_errc::connection_closed, true), true).verdict ==
          retry_verdict::retry);
    CHECK(decide(p, failure(attempt_phase::sending, client_errc::connection_closed, false), true).verdict ==
          retry_verdict::retry);

    call c(http_method::get);
    REQUIRE(c.start().kind == act::send);
    auto a = c.attempt(stale);
    CHECK(a.kind == act::send);
    CHECK(a.delay == 0ms);
    CHECK(c.fsm->retries() == 0);
    CHECK(c.fsm->attempts() == 1);
    REQUIRE(c.diag.attempts().size() == 1);
    CHECK(c.diag.attempts()[0].connection_reused);
    CHECK(c.diag.attempts()[0].retry_delay == 0ms);
    CHECK(c.diag.attempts()[0].error == client_errc::connection_closed);

    a = c.attempt(stale);  // the second stale connection in a row: a normal retry, with backoff
    CHECK(a.kind == act::wait);
    CHECK(a.delay == 250ms);
    CHECK(c.fsm->retries() == 1);
    c.waited();
    a = c.answered(200);
    CHECK(a.kind == act::done);
    CHECK_FALSE(a.ec);
    CHECK(c.diag.attempts().size() == 3);

    // a keyed POST is replay-safe too
    call keyed(http_method::post, true);
    REQUIRE(keyed.start().kind == act::send);
    CHECK(keyed.attempt(stale).kind == act::send);

    // max_retries = 0 still replaces a stale connection once (retry_policy.hpp says so), then stops
    call none(http_method::get);
    none.policy = meld::retry_policy::none();
    REQUIRE(none.start().kind == act::send);
    CHECK(none.attempt(stale).kind == act::send);
    a = none.attempt(stale);
    CHECK(a.kind == act::done);
    CHECK(a.ec == client_errc::connection_closed);
}

TEST_CASE("retry_decision: cancellation and the call's deadline are never retried")
{
    meld::retry_policy const p;
    for (auto phase : {attempt_phase::connecting, attempt_phase::sending, attempt_phase::receiving,
                       attempt_phase::answered}) {
        CAPTURE(static_cast<int>(phase));
        for (bool reused : {false, true}) {
            CHECK(give_up_reason(p, failure(phase, boost::asio::error::operation_aborted, reused), true, true) ==
                  "the call was cancelled");
            CHECK(give_up_reason(p, failure(phase, client_errc::request_timeout, reused), true, true) ==
                  "the call's deadline passed");
        }
    }
}

TEST_CASE("retry_decision: the policy's switches")
{
    SECTION("max_retries = 0: one attempt, and no 'gave up' note")
    {
        call c(http_method::get);
        c.policy = meld::retry_policy::none();
        auto const a = c.only_answer(503);
        CHECK(a.ec == meld::api_errc::service_unavailable);
        CHECK(c.fsm->attempts() == 1);
        CHECK(c.diag.client_message().empty());
    }
    SECTION("retry_connect_failures = false")
    {
        meld::retry_policy p;
        p.retry_connect_failures = false;
        CHECK(give_up_reason(p, failure(attempt_phase::connecting, client_errc::connect_failed), true) ==
              "connect failures are not retried by this policy");
        // answers and resets are unaffected
        CHECK(decide(p, answer_outcome(503), false).verdict == retry_verdict::retry);
        CHECK(decide(p, failure(attempt_phase::receiving, client_errc::connection_closed), true).verdict ==
              retry_verdict::retry);
    }
    SECTION("retry_replay_safe_resets = false")
    {
        meld::retry_policy p;
        p.retry_replay_safe_resets = false;
        CHECK(give_up_reason(p, failure(attempt_phase::receiving, client_errc::connection_closed), true) ==
              "resets after the request was sent are not retried by this policy");
        // the stale keep-alive replacement is not a retry: still made once
        CHECK(decide(p, failure(attempt_phase::sending, client_errc::connection_closed, true), true).verdict ==
              retry_verdict::replay_now);
        CHECK(decide(p, failure(attempt_phase::sending, client_errc::connection_closed, true), true, false, true)
                  .verdict == retry_verdict::give_up);
        CHECK(decide(p, failure(attempt_phase::connecting, client_errc::connect_failed), false).verdict ==
              retry_verdict::retry);
    }
    SECTION("retry_too_early = false")
    {
        meld::retry_policy p;
        p.retry_too_early = false;
        CHECK(decide(p, answer_outcome(425), true, true).verdict == retry_verdict::give_up);
        CHECK(decide(p, answer_outcome(429), true, true).verdict == retry_verdict::retry);
    }
    SECTION("custom status sets")
    {
        meld::retry_policy p;
        p.retry_statuses = {500};
        CHECK(decide(p, answer_outcome(500), false).verdict == retry_verdict::retry);  // keyless POST too now
        CHECK(decide(p, answer_outcome(503), true).verdict == retry_verdict::give_up);
        CHECK(decide(p, answer_outcome(429), true).verdict == retry_verdict::give_up);
        p.replay_safe_retry_statuses = {};
        CHECK(decide(p, answer_outcome(502), true).verdict == retry_verdict::give_up);
        p.replay_safe_retry_statuses.insert(409);
        CHECK(decide(p, answer_outcome(409), true).verdict == retry_verdict::retry);
        CHECK(decide(p, answer_outcome(409), false).verdict == retry_verdict::give_up);
        p.retry_statuses.erase(500);
        CHECK(decide(p, answer_outcome(500), true).verdict == retry_verdict::give_up);
    }
    SECTION("a per-call policy replaces the client's")
    {
        call c(http_method::get);
        c.req.retry = meld::retry_policy::none();
        REQUIRE(c.start().kind == act::send);
        CHECK(c.answered(503).kind == act::done);

        call d(http_method::get);
        d.policy = meld::retry_policy::none();
        d.req.retry = meld::retry_policy{};
        d.req.retry->initial_backoff = 100ms;
        REQUIRE(d.start().kind == act::send);
        auto const a = d.answered(503);
        CHECK(a.kind == act::wait);
        CHECK(a.delay == 50ms);
    }
}

TEST_CASE("retry_policy: http_status_set")
{
    meld::http_status_set s;
    CHECK(s.empty());
    s.insert(100);
    s.insert(599);
    s.insert(600);   // out of range: ignored
    s.insert(4000);  // out of range: ignored
    CHECK(s.contains(100));
    CHECK(s.contains(599));
    CHECK_FALSE(s.contains(600));
    CHECK_FALSE(s.contains(4000));
    CHECK_FALSE(s.contains(200));
    s.erase(100);
    s.erase(4000);
    CHECK_FALSE(s.contains(100));
    CHECK_FALSE(s.empty());
    s.erase(599);
    CHECK(s.empty());
    meld::http_status_set const t{429, 503};
    CHECK(t.contains(429));
    CHECK(t.contains(503));
    CHECK_FALSE(t.contains(500));
}

// ---- stamping ----------------------------------------------------------------------------------------------

TEST_CASE("call_fsm: start() generates an idempotency key only when the operation accepts one and none was given")
{
    SECTION("generated")
    {
        call c(http_method::post, true);
        REQUIRE(c.start().kind == act::send);
        CHECK(key_calls == 1);
        CHECK(c.req.idempotency_key == generated_key);
        CHECK(c.diag.idempotency_key() == generated_key);
        CHECK(c.req.replayable());
        auto const first = c.head();
        CHECK(contains(first, "\r\nX-Idempotency-Key: 0b7c1f0e-3a55-4d53-9a9e-5b1f8e0e2f11\r\n"));
        // a retry sends the same key: it is never regenerated
        CHECK(c.answered(500).kind == act::wait);
        c.waited();
        CHECK(c.head() == first);
        CHECK(key_calls == 1);
        CHECK(c.diag.idempotency_key() == generated_key);
    }
    SECTION("the caller's key wins")
    {
        call c(http_method::post, true);
        c.req.idempotency_key = "caller-key-1";
        REQUIRE(c.start().kind == act::send);
        CHECK(key_calls == 0);
        CHECK(c.req.idempotency_key == "caller-key-1");
        CHECK(c.diag.idempotency_key() == "caller-key-1");
        CHECK(contains(c.head(), "\r\nX-Idempotency-Key: caller-key-1\r\n"));
    }
    SECTION("generation switched off: no key, and the POST is not replay-safe")
    {
        call c(http_method::post, true);
        c.settings.generate_idempotency_key = false;
        REQUIRE(c.start().kind == act::send);
        CHECK(key_calls == 0);
        CHECK(c.req.idempotency_key.empty());
        CHECK(c.diag.idempotency_key().empty());
        CHECK_FALSE(contains(c.head(), "X-Idempotency-Key"));
        CHECK(c.answered(500).kind == act::done);
    }
    SECTION("an operation without the header gets none")
    {
        call c(http_method::post, false);
        REQUIRE(c.start().kind == act::send);
        CHECK(key_calls == 0);
        CHECK(c.req.idempotency_key.empty());
        CHECK_FALSE(contains(c.head(), "X-Idempotency-Key"));
    }
    SECTION("no generator configured")
    {
        call c(http_method::post, true);
        c.settings.make_idempotency_key = nullptr;
        REQUIRE(c.start().kind == act::send);
        CHECK(c.req.idempotency_key.empty());
    }
}

TEST_CASE("call_fsm: a build error ends the call before anything is sent")
{
    call c(http_method::post, true);
    c.req.build_error = client_errc::invalid_request;
    c.req.build_message = "[amount] must be greater than zero";
    auto const a = c.start();
    CHECK(a.kind == act::done);
    CHECK(a.ec == client_errc::invalid_request);
    CHECK(c.diag.client_message() == "[amount] must be greater than zero");
    CHECK(key_calls == 0);
    CHECK(c.diag.attempts().empty());
}

TEST_CASE("call_fsm: CR, LF or NUL in a per-call header value ends the call with invalid_request")
{
    call c(http_method::post, true);
    std::string_view expected;
    SECTION("meld_version")
    {
        c.req.meld_version = "2022-08-29\r\nX-Evil: 1";
        expected = "meld_version contains CR, LF or NUL; nothing was sent";
    }
    SECTION("the caller's idempotency key")
    {
        c.req.idempotency_key = "key\nX-Evil: 1";
        expected = "idempotency_key contains CR, LF or NUL; nothing was sent";
    }
    SECTION("a generated idempotency key")
    {
        c.settings.make_idempotency_key = &make_bad_key;
        expected = "idempotency_key contains CR, LF or NUL; nothing was sent";
    }
    SECTION("a header parameter")
    {
        c.req.headers.emplace_back("Meld-Account-Id", "acc_1\r\nX-Evil: 1");
        expected = "Meld-Account-Id contains CR, LF or NUL; nothing was sent";
    }
    SECTION("a NUL byte")
    {
        c.req.headers.emplace_back("Meld-Account-Id", std::string("acc\0x", 5));
        expected = "Meld-Account-Id contains CR, LF or NUL; nothing was sent";
    }
    SECTION("a space in the target")
    {
        c.req.target = "/payments/transactions HTTP/1.0\r\n";
        expected = "the target contains CR, LF or NUL; nothing was sent";
    }
    auto const a = c.start();
    CHECK(a.kind == act::done);
    CHECK(a.ec == client_errc::invalid_request);
    CHECK(c.diag.client_message() == expected);
    CHECK(c.diag.attempts().empty());
}

// ---- attempts, waits, deadline -----------------------------------------------------------------------------

TEST_CASE("call_fsm: max_retries bounds the attempts")
{
    call c(http_method::get);
    REQUIRE(c.start().kind == act::send);
    CHECK(c.answered(503).kind == act::wait);
    c.waited();
    CHECK(c.answered(503).kind == act::wait);
    c.waited();
    auto const a = c.answered(503);
    CHECK(a.kind == act::done);
    CHECK(a.ec == meld::api_errc::service_unavailable);
    CHECK(c.fsm->attempts() == 3);
    CHECK(c.fsm->retries() == 2);
    CHECK(c.diag.client_message() == "gave up after 3 attempts: the retry policy allows 2 retries");
    REQUIRE(c.diag.attempts().size() == 3);
    for (auto const& rec : c.diag.attempts()) {
        CHECK(rec.status == 503);
        CHECK(rec.error == meld::api_errc::service_unavailable);
    }
    CHECK(c.diag.attempts()[0].retry_delay == 250ms);
    CHECK(c.diag.attempts()[1].retry_delay == 500ms);
    CHECK(c.diag.attempts()[2].retry_delay == -1ms);

    call more(http_method::get);
    more.policy.max_retries = 4;
    REQUIRE(more.start().kind == act::send);
    for (int i = 0; i < 4; ++i) {
        REQUIRE(more.attempt(failure(attempt_phase::connecting, client_errc::connect_failed)).kind == act::wait);
        more.waited();
    }
    CHECK(more.attempt(failure(attempt_phase::connecting, client_errc::connect_failed)).kind == act::done);
    CHECK(more.fsm->attempts() == 5);
    CHECK(contains(more.diag.client_message(), "gave up after 5 attempts"));
}

TEST_CASE("call_fsm: full-jitter backoff from the injected random source, capped by max_backoff")
{
    call c(http_method::get);
    c.policy.max_retries = 6;
    c.policy.max_backoff = 1500ms;
    c.random.values = {0.5, 0.5, 0.5, 0.5, 0.0, 0.999};
    REQUIRE(c.start().kind == act::send);
    std::vector<std::chrono::milliseconds> delays;
    for (int i = 0; i < 6; ++i) {
        auto const a = c.attempt(failure(attempt_phase::connecting, client_errc::connect_timeout));
        REQUIRE(a.kind == act::wait);
        delays.push_back(a.delay);
        c.waited();
    }
    // ceilings 500, 1000, 2000 -> 1500, 1500, ...
    CHECK(delays == std::vector<std::chrono::milliseconds>{250ms, 500ms, 750ms, 750ms, 0ms, 1498ms});
    for (std::size_t i = 0; i < delays.size(); ++i)
        CHECK(c.diag.attempts()[i].retry_delay == delays[i]);
}

TEST_CASE("call_fsm: Retry-After replaces the backoff, capped by max_retry_after")
{
    call c(http_method::get);
    c.settings.deadline = c.now + 5min;
    REQUIRE(c.start().kind == act::send);
    SECTION("delay-seconds")
    {
        auto const a = c.answered(429, "{}", "application/json", "3");
        CHECK(a.kind == act::wait);
        CHECK(a.delay == 3000ms);
        CHECK(c.diag.retry_after_header() == "3");
    }
    SECTION("zero: retry at once")
    {
        auto const a = c.answered(503, "{}", "application/json", "0");
        CHECK(a.kind == act::wait);
        CHECK(a.delay == 0ms);
    }
    SECTION("capped")
    {
        auto const a = c.answered(503, "{}", "application/json", "120");
        CHECK(a.kind == act::wait);
        CHECK(a.delay == 30'000ms);
        c.policy.max_retry_after = 2s;
        c.waited();
        CHECK(c.answered(503, "{}", "application/json", "120").delay == 2000ms);
    }
    SECTION("an HTTP-date, measured against the answer's own Date (the client's clock is an hour off)")
    {
        c.wall += 1h;
        auto const a = c.answered(503, "{}", "application/json", "Wed, 21 Oct 2015 07:28:10 GMT",
                                  "Wed, 21 Oct 2015 07:28:00 GMT");
        CHECK(a.kind == act::wait);
        CHECK(a.delay == 10'000ms);
        CHECK(c.diag.date_header() == "Wed, 21 Oct 2015 07:28:00 GMT");
    }
    SECTION("an HTTP-date without a Date header: against the wall clock")
    {
        c.wall += 4s;
        auto const a = c.answered(503, "{}", "application/json", "Wed, 21 Oct 2015 07:28:10 GMT");
        CHECK(a.delay == 6000ms);
    }
    SECTION("an unparsable value: the backoff")
    {
        CHECK(c.answered(503, "{}", "application/json", "soon").delay == 250ms);
    }
    SECTION("honour_retry_after = false: the backoff")
    {
        c.policy.honour_retry_after = false;
        CHECK(c.answered(503, "{}", "application/json", "3").delay == 250ms);
    }
}

TEST_CASE("call_fsm: a wait that would end after the deadline is not started, and the message says so")
{
    call c(http_method::get);
    c.settings.deadline = c.now + 1s;
    SECTION("Retry-After")
    {
        auto const a = c.only_answer(503, "{}", "application/json", "5");
        CHECK(a.ec == meld::api_errc::service_unavailable);
        CHECK(c.diag.client_message() == "gave up after 1 attempt: the next one would start after the call's "
                                         "deadline (Retry-After asks for 5000 ms, 1000 ms left)");
        CHECK(c.diag.attempts()[0].retry_delay == -1ms);
        CHECK(c.fsm->retries() == 0);
    }
    SECTION("backoff")
    {
        c.policy.initial_backoff = 4s;
        REQUIRE(c.start().kind == act::send);
        auto const a = c.attempt(failure(attempt_phase::connecting, client_errc::connect_failed));
        CHECK(a.kind == act::done);
        CHECK(a.ec == client_errc::connect_failed);
        CHECK(c.diag.client_message() == "gave up after 1 attempt: the next one would start after the call's "
                                         "deadline (backoff 2000 ms, 1000 ms left)");
    }
    SECTION("a wait ending exactly at the deadline leaves no time for the attempt")
    {
        REQUIRE(c.start().kind == act::send);
        CHECK(c.answered(503, "{}", "application/json", "1").kind == act::done);
    }
    SECTION("the deadline already passed")
    {
        REQUIRE(c.start().kind == act::send);
        c.now += 3s;
        CHECK(c.answered(503, "{}", "application/json", "0").kind == act::done);
        CHECK(contains(c.diag.client_message(), "(Retry-After asks for 0 ms, 0 ms left)"));
    }
    SECTION("an uncapped backoff of centuries does not overflow the clock arithmetic")
    {
        c.policy.initial_backoff = std::chrono::hours(24 * 365 * 1000);
        c.policy.max_backoff = std::chrono::milliseconds::max();
        c.settings.deadline = c.now + 1h;
        REQUIRE(c.start().kind == act::send);
        auto const a = c.attempt(failure(attempt_phase::connecting, client_errc::connect_failed));
        CHECK(a.kind == act::done);
        CHECK(a.ec == client_errc::connect_failed);
        CHECK(contains(c.diag.client_message(), "the next one would start after the call's deadline (backoff "));
        CHECK(contains(c.diag.client_message(), ", 3600000 ms left)"));
    }
    SECTION("after a retry: plural, and the earlier attempts stay recorded")
    {
        REQUIRE(c.start().kind == act::send);
        CHECK(c.answered(503).kind == act::wait);  // 250 ms
        c.waited();
        c.now += 300ms;
        auto const a = c.answered(503, "{}", "application/json", "1");
        CHECK(a.kind == act::done);
        CHECK(c.diag.client_message() == "gave up after 2 attempts: the next one would start after the call's "
                                         "deadline (Retry-After asks for 1000 ms, 700 ms left)");
        CHECK(c.diag.attempts().size() == 2);
    }
}

TEST_CASE("call_fsm: diagnostics record status, error, duration, reuse and wait of every attempt")
{
    call c(http_method::get);
    REQUIRE(c.start().kind == act::send);
    CHECK(c.attempt(failure(attempt_phase::connecting, client_errc::connect_failed), 1500us).kind == act::wait);
    c.waited();
    CHECK(c.attempt(failure(attempt_phase::receiving, client_errc::connection_closed, true), 2000us).kind ==
          act::wait);
    c.waited();
    auto const a = c.answered(200, "{}", "application/json", {}, {}, 3000us);
    CHECK(a.kind == act::done);
    CHECK_FALSE(a.ec);
    auto const rec = c.diag.attempts();
    REQUIRE(rec.size() == 3);
    CHECK(rec[0].status == 0);
    CHECK(rec[0].error == client_errc::connect_failed);
    CHECK(rec[0].duration == 1500us);
    CHECK_FALSE(rec[0].connection_reused);
    CHECK(rec[0].retry_delay == 250ms);
    CHECK(rec[1].status == 0);
    CHECK(rec[1].error == client_errc::connection_closed);
    CHECK(rec[1].duration == 2000us);
    CHECK(rec[1].connection_reused);
    CHECK(rec[1].retry_delay == 500ms);
    CHECK(rec[2].status == 200);
    CHECK_FALSE(rec[2].error);
    CHECK(rec[2].duration == 3000us);
    CHECK(rec[2].retry_delay == -1ms);
    CHECK(c.diag.http_status() == 200);
    CHECK(c.diag.client_message().empty());  // success after retries: no note
}

TEST_CASE("call_fsm: on_wait_done forgets the previous answer")
{
    call c(http_method::post, true);
    REQUIRE(c.start().kind == act::send);
    c.resp.request_id_header = "X-Request-Id";
    c.resp.request_id = "req-1";
    c.resp.status = 503;
    c.resp.content_type = "application/json";
    c.resp.body = R"({"code":"SERVICE_UNAVAILABLE","message":"down for maintenance"})";
    c.resp.retry_after = "1";
    REQUIRE(c.attempt({attempt_phase::answered, {}, 0, false}).kind == act::wait);
    CHECK(c.diag.http_status() == 503);
    CHECK(c.diag.code() == "SERVICE_UNAVAILABLE");
    CHECK(c.diag.message() == "down for maintenance");
    CHECK(c.diag.request_id() == "req-1");
    CHECK(c.diag.request_id_header_name() == "X-Request-Id");

    c.waited();
    CHECK(c.diag.http_status() == 0);
    CHECK(c.diag.code().empty());
    CHECK(c.diag.message().empty());
    CHECK(c.diag.raw_body().empty());
    CHECK(c.resp.status == 0);
    CHECK(c.resp.body.empty());
    CHECK(c.resp.content_type.empty());
    CHECK(c.resp.retry_after.empty());
    CHECK(c.resp.request_id.empty());
    CHECK(c.diag.attempts().size() == 1);              // kept
    CHECK(c.diag.idempotency_key() == generated_key);  // kept

    auto const a = c.answered(201, R"({"id":"t1"})");
    CHECK(a.kind == act::done);
    CHECK(c.diag.http_status() == 201);
    CHECK(c.diag.raw_body().empty());  // success bodies are not copied into diagnostics
}

TEST_CASE("call_fsm: a give-up after retries names the reason")
{
    {
        call c(http_method::get);
        REQUIRE(c.start().kind == act::send);
        CHECK(c.answered(503).kind == act::wait);
        c.waited();
        auto const a = c.answered(400, R"({"code":"BAD_REQUEST"})");
        CHECK(a.kind == act::done);
        CHECK(a.ec == meld::api_errc::bad_request);
        CHECK(c.diag.client_message() == "gave up after 2 attempts: this answer is not retryable");
        CHECK(c.diag.code() == "BAD_REQUEST");
    }
    {
        call c(http_method::post);
        REQUIRE(c.start().kind == act::send);
        CHECK(c.attempt(failure(attempt_phase::connecting, client_errc::connect_failed)).kind == act::wait);
        c.waited();
        auto const a = c.attempt(failure(attempt_phase::receiving, client_errc::connection_closed));
        CHECK(a.kind == act::done);
        CHECK(contains(c.diag.client_message(), "gave up after 2 attempts: the connection failed after the request "
                                                "was sent"));
    }
}

// ---- backoff.hpp -------------------------------------------------------------------------------------------

TEST_CASE("backoff: parse_http_date accepts IMF-fixdate, RFC 850 and asctime")
{
    std::chrono::sys_seconds const expected{std::chrono::seconds{784111777}};  // 1994-11-06 08:49:37 UTC
    CHECK(pl::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected);
    CHECK(pl::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected);
    CHECK(pl::parse_http_date("Sun Nov  6 08:49:37 1994") == expected);
    CHECK(pl::parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t") == expected);
    CHECK(pl::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT") == std::chrono::sys_seconds{oct21_0728});
    CHECK(pl::parse_http_date("Wed Oct 21 07:28:00 2015") == std::chrono::sys_seconds{oct21_0728});
    CHECK(pl::parse_http_date("Wednesday, 21-Oct-15 07:28:00 GMT") == std::chrono::sys_seconds{oct21_0728});
    CHECK(pl::parse_http_date("Tue, 29 Feb 2000 23:59:59 GMT") == std::chrono::sys_seconds{std::chrono::seconds{951868799}});
    CHECK(pl::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == std::chrono::sys_seconds{});
}

TEST_CASE("backoff: parse_http_date refuses anything else")
{
    for (std::string_view s : {"", "   ", "garbage", "Sun", "1994-11-06T08:49:37Z", "784111777",
                               "Sun, 06 Nov 1994 08:49:37 UTC",    // not GMT
                               "Sun, 6 Nov 1994 08:49:37 GMT",     // one-digit day in IMF-fixdate
                               "Sun, 06 Foo 1994 08:49:37 GMT",    // month
                               "Sun, 06 Nov 94 08:49:37 GMT",      // two-digit year
                               "Sun, 06 Nov 1994 24:00:00 GMT",    // hour
                               "Sun, 06 Nov 1994 08:60:00 GMT",    // minute
                               "Sun, 00 Nov 1994 08:49:37 GMT",    // day
                               "Sun, 32 Nov 1994 08:49:37 GMT",    // day
                               "Sun, 06 Nov 1994 08:49:37 GMT x",  // trailing text
                               "Sun, 06 Nov 1994 08:49 GMT",       // no seconds
                               "Sunday, 06-Nov-1994 08:49:37 GMT", // four-digit year in RFC 850
                               "Sun Nov 6 08:49:37 1994",          // asctime pads the day with a space
                               "Sun Nov  6 08:49:37 94"}) {
        CAPTURE(s);
        CHECK_FALSE(pl::parse_http_date(s).has_value());
    }
}

TEST_CASE("backoff: parse_retry_after")
{
    auto const wall = std::chrono::system_clock::time_point{oct21_0728};
    CHECK(pl::parse_retry_after("0", "", wall) == 0ms);
    CHECK(pl::parse_retry_after(" 120 ", "", wall) == 120'000ms);
    CHECK(pl::parse_retry_after("\t7", "", wall) == 7000ms);
    // absurd values are clamped, not overflowed
    auto const huge = pl::parse_retry_after("99999999999999999999999999", "", wall);
    REQUIRE(huge.has_value());
    CHECK(*huge > 1'000'000'000s);
    // a date: against the Date header, else the wall clock; the past is 0
    CHECK(pl::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", wall + 1h) ==
          30'000ms);
    CHECK(pl::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", "", wall) == 30'000ms);
    CHECK(pl::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", "not a date", wall + 10s) == 20'000ms);
    CHECK(pl::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", "", wall) == 0ms);
    CHECK(pl::parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", wall) == 0ms);
    // unparsable
    for (std::string_view s : {"", "  ", "soon", "-1", "1.5", "+3", "3s", "Wed, 21 Oct 2015"}) {
        CAPTURE(s);
        CHECK_FALSE(pl::parse_retry_after(s, "", wall).has_value());
    }
}

TEST_CASE("backoff: backoff_delay doubles from initial_backoff up to max_backoff (full jitter)")
{
    meld::retry_policy p;  // 500 ms, cap 8 s
    std::vector<std::chrono::milliseconds> half, full;
    for (unsigned n = 0; n < 8; ++n) {
        half.push_back(pl::backoff_delay(p, n, 0.5));
        full.push_back(pl::backoff_delay(p, n, 0.999999999));
        CHECK(pl::backoff_delay(p, n, 0.0) == 0ms);
    }
    CHECK(half == std::vector<std::chrono::milliseconds>{250ms, 500ms, 1000ms, 2000ms, 4000ms, 4000ms, 4000ms, 4000ms});
    CHECK(full ==
          std::vector<std::chrono::milliseconds>{499ms, 999ms, 1999ms, 3999ms, 7999ms, 7999ms, 7999ms, 7999ms});
    CHECK(pl::backoff_delay(p, 1000, 0.5) == 4000ms);  // no overflow for a large index
    CHECK(pl::backoff_delay(p, 4'000'000'000u, 0.5) == 4000ms);

    p.initial_backoff = 10s;  // above the cap
    CHECK(pl::backoff_delay(p, 0, 0.5) == 4000ms);
    p.initial_backoff = 0ms;
    CHECK(pl::backoff_delay(p, 5, 0.5) == 0ms);
    p.initial_backoff = -5ms;  // nonsense: no negative wait
    CHECK(pl::backoff_delay(p, 0, 0.5) == 0ms);
    p.initial_backoff = 100ms;
    p.max_backoff = std::chrono::milliseconds::max();
    CHECK(pl::backoff_delay(p, 3, 0.5) == 400ms);
    CHECK(pl::backoff_delay(p, 200, 0.5) > 1'000'000'000ms);  // grows to the cap, never overflows to negative
}

TEST_CASE("backoff: random_source clamps into [0, 1) and defaults to 0.5")
{
    CHECK(pl::random_source{}() == 0.5);
    draws d{{-3.0, 1.0, 7.5, 0.25}};
    auto const r = d.source();
    CHECK(r() == 0.0);
    double const one = r();
    CHECK(one < 1.0);
    CHECK(one > 0.99);
    CHECK(r() < 1.0);
    CHECK(r() == 0.25);
}
