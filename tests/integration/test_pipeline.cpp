// Integration tests of the call pipeline over real sockets: retries (statuses, Retry-After, resets, deadlines),
// idempotency keys, the fault table of issue 9 (each fault -> its typed error within its bound, nothing sent
// twice unsafely), interim 1xx answers against Python's stdlib server, hooks, and key redaction.
#include "python_server.hpp"
#include "sandbox_fixture.hpp"
#include "test_endpoints.hpp"

#include <meld/client.hpp>
#include <meld/exception.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace meld_test;
using clock_type = std::chrono::steady_clock;

namespace {

/// Short waits so the retry tests stay fast; the decisions are the same as with the defaults.
meld::retry_policy quick_retries(unsigned max_retries = 2)
{
    meld::retry_policy p;
    p.max_retries = max_retries;
    p.initial_backoff = 10ms;
    p.max_backoff = 40ms;
    return p;
}

struct outcome {
    meld::error_code ec;
    meld::diagnostics diag;
    std::chrono::milliseconds elapsed;
};

/// Runs one call of `op` (an operation of test_client, or any other) through the non-throwing form, timed.
template <class Op, class Request>
outcome timed_call(asio::io_context& ioc, Op& op, Request const& req, meld::call_params const& opts = {})
{
    meld::diagnostics diag;
    meld::error_code ec;
    auto const t0 = clock_type::now();
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        ec = std::get<0>(co_await op(req, opts, diag, asio::as_tuple(asio::use_awaitable)));
    });
    return {ec, diag, std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0)};
}

/// The HTTP status of each attempt, in order.
std::vector<unsigned> statuses(meld::diagnostics const& d)
{
    std::vector<unsigned> out;
    for (auto const& a : d.attempts())
        out.push_back(a.status);
    return out;
}

std::size_t count_requests(meld::emulator::server& srv, std::string_view method, std::string_view path)
{
    std::size_t n = 0;
    for (auto const& r : srv.requests())
        if (r.method == method && r.target.substr(0, r.target.find('?')) == path)
            ++n;
    return n;
}

constexpr char const* tx_id = "WePZCYJW7cdXR7SxUMp8mE";
constexpr char const* tx_path = "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE";
constexpr char const* quote_path = "/payments/crypto/quote";

/// Everything the client's logger and per-attempt hook were given (they may be called on another thread).
struct recorded_output {
    std::mutex m;
    std::vector<std::string> lines;           ///< the logger's
    std::vector<meld::attempt_event> events;  ///< the hook's; their request_id views do not outlive the call ...
    std::vector<std::string> request_ids;     ///< ... so each is copied here

    void attach(meld::client_params& p)
    {
        p.logger = {meld::log_level::debug, [this](meld::log_level, std::string_view line) {
                        std::lock_guard lock{m};
                        lines.emplace_back(line);
                    }};
        p.on_attempt = [this](meld::attempt_event const& e) {
            std::lock_guard lock{m};
            events.push_back(e);
            request_ids.emplace_back(e.request_id);
        };
    }
};

/// Every text a failed call hands the user: diagnostics' strings, kept headers and the exception's what().
void collect_text(std::vector<std::string>& out, outcome const& r)
{
    auto const& d = r.diag;
    out.push_back(d.summary());
    for (std::string_view t : {d.code(), d.message(), d.client_message(), d.raw_body(), d.request_id(),
                               d.date_header(), d.retry_after_header()})  // views into `d`, alive here
        out.emplace_back(t);
    out.insert(out.end(), d.errors().begin(), d.errors().end());
    out.emplace_back(meld::error(r.ec, d).what());
}

/// A sandbox and the test thread's io_context. `params` are the sandbox's client parameters: a test adjusts them
/// (e.g. `params.retry = quick_retries();`) before its first call, which makes the client from them.
class pipeline_fixture {
protected:
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client_params params = sb.client_params();

    test_client& client()
    {
        if (!client_)
            client_.emplace(ioc, params);
        return *client_;
    }
    /// The btc_quote POST.
    outcome quote(meld::call_params const& opts = {}) { return timed_call(ioc, client().quote, btc_quote, opts); }
    /// GET tx_path.
    outcome get_tx()
    {
        get_req const req{.id = tx_id};
        return timed_call(ioc, client().get_transaction, req);
    }

private:
    std::optional<test_client> client_;
};

/// A pipeline_fixture whose client retries quickly: quick_retries() (2 retries, backoff 10 ms capped at 40 ms).
struct retrying_fixture : pipeline_fixture {
    retrying_fixture() { params.retry = quick_retries(); }
};

/// GET Names::path against fault_server.py (no auth), answering raw JSON.
template <class Names>
using python_get = test_endpoint<Names, meld::http_method::get, get_req, meld::raw_json, id_in_path,
                                 meld::endpoint_traits{.requires_auth = false}>;
struct early_hints_path {
    static constexpr std::string_view name = "test.early_hints", path = "/early-hints/{id}";
};
struct plain_path {
    static constexpr std::string_view name = "test.plain", path = "/plain/{id}";
};
struct continue_path {
    static constexpr std::string_view name = "test.continue", path = "/continue/{id}";
};
struct hints_storm_path {
    static constexpr std::string_view name = "test.hints_storm", path = "/hints-storm/{id}";
};
struct trickle_path {
    static constexpr std::string_view name = "test.trickle", path = "/trickle/{id}";
};

/// fault_server.py's /trickle answer, typed.
struct trickle_nested {
    std::optional<meld::raw_json> deep;
};
BOOST_DESCRIBE_STRUCT(trickle_nested, (), (deep))
struct trickle_answer {
    std::optional<std::string> id;
    std::optional<meld::decimal> amount;
    std::optional<meld::decimal> fee;
    std::optional<std::vector<std::string>> tags;
    std::optional<trickle_nested> nested;
};
BOOST_DESCRIBE_STRUCT(trickle_answer, (), (id, amount, fee, tags, nested))
using trickle_get = test_endpoint<trickle_path, meld::http_method::get, get_req, trickle_answer, id_in_path,
                                  meld::endpoint_traits{.requires_auth = false}>;

}  // namespace

// ---- retries ---------------------------------------------------------------------------------------------

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: 429 with Retry-After: 1, then 200 -> succeeds after waiting at least the header's second")
{
    sb.server().script("POST", quote_path,
                       {.status = 429,
                        .body = R"({"code":"TOO_MANY_REQUESTS","message":"Too many requests","errors":[]})",
                        .headers = {{"Retry-After", "1"}}},
                       1);
    auto const r = quote();
    CHECK_FALSE(r.ec);
    CHECK(r.elapsed >= 1000ms);
    REQUIRE(statuses(r.diag) == std::vector<unsigned>{429, 200});
    CHECK(r.diag.attempts()[0].retry_delay == 1000ms);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 2);
}

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: 503, 503, 200 -> succeeds in 3 attempts (a keyless POST too: 503 means not processed)")
{
    sb.server().script("POST", quote_path, {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE"})"}, 2);
    auto const r = quote();
    CHECK_FALSE(r.ec);
    REQUIRE(statuses(r.diag) == std::vector<unsigned>{503, 503, 200});
    CHECK(r.diag.attempts()[2].retry_delay.count() == -1);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 3);
}

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: 503 forever -> fails after the policy's attempts with the last status, saying so")
{
    sb.server().script("POST", quote_path,
                       {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE","message":"down"})"});
    auto const r = quote();
    CHECK(r.ec == meld::api_errc::service_unavailable);
    CHECK(r.diag.http_status() == 503);
    CHECK(r.diag.code() == "SERVICE_UNAVAILABLE");
    CHECK(r.diag.attempts().size() == 3);
    CHECK(r.diag.client_message().find("gave up after 3 attempts") != std::string_view::npos);
    CHECK(r.diag.summary().find("[3 attempts]") != std::string::npos);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 3);

    // "0 retries" means zero, per call
    sb.server().clear_requests();
    auto const none = quote({.retry = meld::retry_policy::none()});
    CHECK(none.ec == meld::api_errc::service_unavailable);
    CHECK(none.diag.attempts().size() == 1);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 1);
}

TEST_CASE_METHOD(retrying_fixture, "pipeline: 500 is retried for a GET, never for a POST without an idempotency key")
{
    sb.server().script("GET", tx_path, {.status = 500, .body = R"({"code":"INTERNAL_SERVER_ERROR"})"}, 1);
    auto const g = get_tx();
    CHECK_FALSE(g.ec);
    CHECK(g.diag.attempts().size() == 2);

    sb.server().script("POST", quote_path, {.status = 500, .body = R"({"code":"INTERNAL_SERVER_ERROR"})"}, 1);
    auto const p = quote();
    CHECK(p.ec == meld::api_errc::internal_server_error);
    CHECK(p.diag.attempts().size() == 1);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 1);

    // a load balancer's 502 HTML page: for the POST, not replayed, and the page is kept for the user
    sb.server().script("POST", quote_path,
                       {.status = 502, .content_type = "text/html",
                        .body = "<html><body><h1>502 Bad Gateway</h1></body></html>"}, 1);
    auto const lb = quote();
    CHECK(lb.ec == meld::api_errc::bad_gateway);
    CHECK(meld::is_api_error(lb.ec));
    CHECK(lb.diag.raw_body().find("502 Bad Gateway") != std::string_view::npos);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 2);
}

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: a connection closed mid-body is replayed for a GET and never for a keyless POST")
{
    std::string const cut = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"tran";
    sb.server().script("GET", tx_path, {.raw = cut}, 1);
    auto const g = get_tx();
    CHECK_FALSE(g.ec);
    CHECK(g.diag.attempts().size() == 2);
    CHECK(g.diag.attempts()[0].error == meld::client_errc::connection_closed);
    CHECK(count_requests(sb.server(), "GET", tx_path) == 2);

    sb.server().script("POST", quote_path, {.raw = cut}, 1);
    auto const p = quote();
    CHECK(p.ec == meld::client_errc::connection_closed);
    CHECK(p.diag.attempts().size() == 1);
    CHECK(p.diag.client_message().find("connection closed") != std::string_view::npos);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 1);  // sent once: it may have been processed

    // a truncated chunked body: the same rule
    sb.server().script("POST", quote_path,
                       {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"quotes\":")},
                       1);
    auto const chunked = quote();
    CHECK(chunked.ec == meld::client_errc::connection_closed);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 2);
}

TEST_CASE_METHOD(pipeline_fixture,
                 "pipeline: a Retry-After beyond the call's deadline fails at once with the last status, saying why")
{
    params.request_timeout = 2000ms;
    sb.server().script("POST", quote_path,
                       {.status = 429, .body = R"({"code":"TOO_MANY_REQUESTS"})", .headers = {{"Retry-After", "20"}}},
                       1);
    auto const r = quote();
    CHECK(r.ec == meld::api_errc::too_many_requests);
    CHECK(r.elapsed < 1500ms);
    CHECK(r.diag.client_message().find("deadline") != std::string_view::npos);
    CHECK(r.diag.client_message().find("Retry-After") != std::string_view::npos);
    CHECK(r.diag.retry_after_header() == "20");
    CHECK(r.diag.header("retry-after") == "20");

    // capped by max_retry_after: the header asks for 20 s, the policy waits at most 200 ms
    auto capped = quick_retries();
    capped.max_retry_after = 200ms;
    sb.server().script("POST", quote_path,
                       {.status = 429, .body = R"({"code":"TOO_MANY_REQUESTS"})", .headers = {{"Retry-After", "20"}}},
                       1);
    auto const c2 = quote({.retry = capped});
    CHECK_FALSE(c2.ec);
    REQUIRE(c2.diag.attempts().size() == 2);
    CHECK(c2.diag.attempts()[0].retry_delay == 200ms);
}

TEST_CASE_METHOD(pipeline_fixture,
                 "pipeline: cancellation during a retry wait ends the call at once with operation_aborted")
{
    using namespace asio::experimental::awaitable_operators;
    auto& c = client();
    sb.server().script("POST", quote_path,
                       {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE"})", .headers = {{"Retry-After", "10"}}},
                       1);
    meld::diagnostics diag;
    meld::call_params const defaults{};  // named: gcc 12 destroys an aggregate temporary in co_await twice
    auto const t0 = clock_type::now();
    auto const result = run_coro(ioc, [&]() -> asio::awaitable<int> {
        asio::steady_timer t{co_await asio::this_coro::executor, 300ms};
        auto r = co_await (c.quote(btc_quote, defaults, diag, asio::as_tuple(asio::use_awaitable)) ||
                           t.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (r.index() == 0)
            co_return std::get<0>(std::get<0>(r)) == asio::error::operation_aborted ? 1 : 2;
        co_return 0;  // the timer won: the call was cancelled
    });
    auto const elapsed = clock_type::now() - t0;
    CHECK(result == 0);
    CHECK(elapsed < 2s);  // not the 10 s the server asked for
    CHECK(count_requests(sb.server(), "POST", quote_path) == 1);
}

// ---- the fault table -------------------------------------------------------------------------------------

TEST_CASE_METHOD(pipeline_fixture,
                 "pipeline: headers then silence, and one byte every 200 ms, both end at the deadline")
{
    params.request_timeout = 800ms;
    sb.server().script("POST", quote_path,
                       {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"),
                        .hold_open = true},
                       1);
    auto const silent = quote();
    CHECK(silent.ec == meld::client_errc::request_timeout);
    CHECK(silent.elapsed >= 700ms);
    CHECK(silent.elapsed < 3000ms);

    sb.server().script("POST", quote_path,
                       {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                                           "{\"quotes\":[]                                                    }"),
                        .raw_interval = 200ms},
                       1);
    auto const trickle = quote();
    CHECK(trickle.ec == meld::client_errc::request_timeout);
    CHECK(trickle.elapsed < 3000ms);
    CHECK(count_requests(sb.server(), "POST", quote_path) == 2);  // a POST is never replayed after sending
}

TEST_CASE_METHOD(pipeline_fixture, "pipeline: a 50 MB body is refused by its size, without buffering it")
{
    params.max_response_size = 1024 * 1024;
    sb.server().script("POST", quote_path,
                       {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n") +
                               std::string(64 * 1024, ' ')},
                       1);
    auto const declared = quote();
    CHECK(declared.ec == meld::client_errc::body_too_large);
    CHECK(declared.diag.client_message().find("max_response_size") != std::string_view::npos);

    std::string chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string const piece(64 * 1024, ' ');
    for (int i = 0; i < 24; ++i)  // 1.5 MB in 64 KiB chunks, no declared length
        chunked += "10000\r\n" + piece + "\r\n";
    sb.server().script("POST", quote_path, {.raw = chunked}, 1);
    auto const streamed = quote();
    CHECK(streamed.ec == meld::client_errc::body_too_large);
}

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: a garbage status line and a 100 KB header line are malformed answers, not retried")
{
    sb.server().script("GET", tx_path, {.raw = std::string("HTTP/9.9 OK maybe\r\nfoo\r\n\r\n")}, 1);
    auto const garbage = get_tx();
    CHECK(garbage.ec == meld::client_errc::malformed_response);
    CHECK(garbage.diag.attempts().size() == 1);

    sb.server().script("GET", tx_path,
                       {.raw = "HTTP/1.1 200 OK\r\nX-Huge: " + std::string(100 * 1024, 'a') +
                               "\r\nContent-Length: 2\r\n\r\n{}"},
                       1);
    auto const huge = get_tx();
    CHECK(huge.ec == meld::client_errc::malformed_response);
    CHECK(huge.diag.client_message().find("KiB") != std::string_view::npos);
    CHECK(count_requests(sb.server(), "GET", tx_path) == 2);
}

TEST_CASE("pipeline: a server that accepts TCP but never finishes the TLS handshake: bounded, retried per policy")
{
    asio::io_context server_ioc;
    meld::emulator::silent_listener silent{server_ioc.get_executor()};
    std::thread t{[&] { server_ioc.run(); }};
    asio::io_context ioc;
    meld::client_params p;
    p.api_key = "id:secret-value";
    p.base_url = "https://localhost:" + std::to_string(silent.port());
    p.connect_timeout = 200ms;
    p.request_timeout = 5000ms;
    p.retry = quick_retries(2);
    test_client c(ioc, p);
    auto const r = timed_call(ioc, c.quote, btc_quote);
    CHECK(r.ec == meld::client_errc::connect_timeout);
    CHECK(r.diag.attempts().size() == 3);  // a handshake timeout: nothing was sent, so retried
    CHECK(r.elapsed < 3000ms);
    CHECK(silent.connections_accepted() >= 3);
    silent.stop();
    t.join();
}

TEST_CASE("pipeline: interim answers from Python's http.server are skipped; a connection never answers the next call")
{
    python_server py;  // first: fork before this test starts threads
    asio::io_context ioc;
    meld::client_params p;
    p.base_url = py.base_url();
    p.pool_size = 1;  // one connection: every call goes over the same socket
    auto eng = std::make_shared<meld::detail::engine>(ioc.get_executor(), p);
    meld::operation<python_get<early_hints_path>> hinted{*eng};
    meld::operation<python_get<plain_path>> plain_get{*eng};
    meld::operation<python_get<continue_path>> continued{*eng};
    meld::operation<python_get<hints_storm_path>> stormy{*eng};

    auto const body_of = [&](auto& op, std::string id) {
        return run_coro(ioc, [&]() -> asio::awaitable<std::string> {
            get_req const req{.id = id};  // named: gcc 12 destroys an aggregate temporary in co_await twice
            auto r = co_await op(req);
            co_return std::string(r.text());
        });
    };
    CHECK(body_of(hinted, "tx-1") == R"({"id":"tx-1"})");
    CHECK(body_of(plain_get, "tx-2") == R"({"id":"tx-2"})");  // its own answer, not tx-1's
    CHECK(body_of(continued, "tx-3") == R"({"id":"tx-3"})");
    CHECK(body_of(plain_get, "tx-4") == R"({"id":"tx-4"})");
    CHECK(eng->connections_opened() == 1);  // kept alive through the interim answers

    get_req const tx5{.id = "tx-5"};
    auto const storm = timed_call(ioc, stormy, tx5);
    CHECK(storm.ec == meld::client_errc::malformed_response);
    CHECK(storm.diag.client_message().find("interim") != std::string_view::npos);
    CHECK(body_of(plain_get, "tx-6") == R"({"id":"tx-6"})");  // that connection was dropped, not reused
    CHECK(eng->connections_opened() == 2);
}

TEST_CASE("pipeline: a body that arrives 3 bytes at a time from Python's http.server is decoded as it comes, exactly")
{
    python_server py;  // first: fork before this test starts threads
    asio::io_context ioc;
    meld::client_params p;
    p.base_url = py.base_url();
    auto eng = std::make_shared<meld::detail::engine>(ioc.get_executor(), p);
    meld::operation<trickle_get> trickle{*eng};
    get_req const req{.id = "tx-7"};
    trickle_answer got;
    meld::diagnostics diag;
    meld::error_code ec;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        std::tie(ec, got) = co_await trickle(req, diag, asio::as_tuple(asio::use_awaitable));
    });
    REQUIRE_FALSE(ec);
    CHECK(got.id == "tx-7");
    CHECK(got.amount->text() == "0.000000000000000001");  // a number cut across chunks keeps every digit
    CHECK(got.fee->text() == "12345678901234567890.123456789");
    REQUIRE(got.tags);
    CHECK(*got.tags == std::vector<std::string>{"a", "b\xc3\xa9", std::string(40, 'x')});
    CHECK(got.nested->deep->text() == "[1,2.5e-3,true,null]");
    CHECK(diag.raw_body().empty());  // decoded while it arrived: no body string was kept
    CHECK(diag.decode_warnings().empty());
}

// ---- idempotency keys ------------------------------------------------------------------------------------

TEST_CASE("pipeline: a generated idempotency key (UUID v4) is sent on every attempt; a caller's key wins")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.retry = quick_retries();
    meld::client meld{ioc.get_executor(), params};
    meld::payments::transactions_create_request const req{.sourceAmount = "10.00", .sourceCurrencyCode = "USD"};

    sb.server().script("POST", "/payments/transactions", {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE"})"},
                       1);
    meld::diagnostics diag;
    auto [ec, tx] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code,
                                                                      meld::payments::payment_transaction_response_20230401>> {
        co_return co_await meld.payments.transactions.create(req, diag, asio::as_tuple(asio::use_awaitable));
    });
    (void)tx;
    CHECK_FALSE(ec);
    std::vector<std::string> keys;
    for (auto const& r : sb.server().requests())
        if (r.method == "POST" && r.target == "/payments/transactions")
            keys.push_back(r.header("X-Idempotency-Key"));
    REQUIRE(keys.size() == 2);
    CHECK(keys[0] == keys[1]);
    std::regex const uuid_v4{"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"};
    CHECK(std::regex_match(keys[0], uuid_v4));
    CHECK(diag.idempotency_key() == keys[0]);

    sb.server().clear_requests();
    meld::diagnostics own;
    meld::call_params const with_key{.idempotency_key = "order-42"};  // named: gcc 12 (see README)
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        co_await meld.payments.transactions.create(req, with_key, own, asio::as_tuple(asio::use_awaitable));
    });
    REQUIRE(sb.server().requests().size() == 1);
    CHECK(sb.server().requests()[0].header("X-Idempotency-Key") == "order-42");
    CHECK(own.idempotency_key() == "order-42");

    // a quote does not accept a key: none is generated
    sb.server().clear_requests();
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        meld::crypto::quote_request const q{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                            .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
        co_await meld.crypto.quote(q);
    });
    CHECK(sb.server().requests()[0].header("X-Idempotency-Key").empty());
}

TEST_CASE("pipeline: idempotency-key generation can be switched off")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.generate_idempotency_keys = false;
    meld::client meld{ioc.get_executor(), params};
    meld::payments::transactions_create_request const req{.sourceAmount = "10.00", .sourceCurrencyCode = "USD"};
    run_coro(ioc, [&]() -> asio::awaitable<void> { co_await meld.payments.transactions.create(req); });
    REQUIRE(sb.server().requests().size() == 1);
    CHECK(sb.server().requests()[0].header("X-Idempotency-Key").empty());
}

TEST_CASE("pipeline: the same key while the first call is in flight gets 425, is retried, and both see one answer")
{
    meld::emulator::server_params sp;
    sp.latency = 300ms;  // the first request is "being processed" for 300 ms
    sandbox_fixture sb{sp};
    asio::io_context ioc;
    auto params = sb.client_params();
    params.retry = quick_retries(4);
    params.retry.initial_backoff = 150ms;
    params.retry.max_backoff = 300ms;
    meld::client meld{ioc.get_executor(), params};
    meld::payments::transactions_create_request const req{.sourceAmount = "10.00", .sourceCurrencyCode = "USD"};
    meld::diagnostics d1, d2;
    std::string id1, id2;
    meld::call_params const same_key{.idempotency_key = "same-key-1"};
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto one = [&]() -> asio::awaitable<void> {
            auto r = co_await meld.payments.transactions.create(req, same_key, d1, asio::use_awaitable);
            id1 = r.transaction && r.transaction->id ? *r.transaction->id : "";
        };
        auto two = [&]() -> asio::awaitable<void> {
            asio::steady_timer t{co_await asio::this_coro::executor, 50ms};
            co_await t.async_wait(asio::use_awaitable);
            auto r = co_await meld.payments.transactions.create(req, same_key, d2, asio::use_awaitable);
            id2 = r.transaction && r.transaction->id ? *r.transaction->id : "";
        };
        co_await (one() && two());
    });
    CHECK(!id1.empty());
    CHECK(id1 == id2);
    REQUIRE(d2.attempts().size() >= 2);
    CHECK(d2.attempts()[0].status == 425);
    CHECK(d1.attempts().size() == 1);
}

// ---- hooks, headers, redaction ---------------------------------------------------------------------------

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: the logger and the per-attempt event hook see every attempt, never the key")
{
    recorded_output out;
    out.attach(params);
    sb.server().script("POST", quote_path,
                       {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE"})", .headers = {{"X-Request-Id", "rid-1"}}},
                       1);
    auto const r = quote();
    CHECK_FALSE(r.ec);
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[0].operation == "test.quote");
    CHECK(out.events[0].method == meld::http_method::post);
    CHECK(out.events[0].path_template == quote_path);
    CHECK(out.events[0].attempt == 1);
    CHECK(out.events[0].status == 503);
    CHECK(out.events[0].retry_delay.has_value());
    CHECK(out.events[0].bytes_sent > 100);
    CHECK(out.events[0].bytes_received > 0);
    CHECK_FALSE(out.events[0].connection_reused);
    CHECK(out.request_ids[0] == "rid-1");
    CHECK(out.events[1].attempt == 2);
    CHECK(out.events[1].status == 200);
    CHECK_FALSE(out.events[1].retry_delay.has_value());
    bool saw_retry_line = false;
    for (auto const& l : out.lines) {
        CHECK(l.find(sb.server().params().api_key) == std::string::npos);
        saw_retry_line = saw_retry_line || l.find("retrying in") != std::string::npos;
    }
    CHECK(saw_retry_line);
}

TEST_CASE_METHOD(pipeline_fixture,
                 "pipeline: a server or proxy echoing the Authorization value never puts the key into anything we produce")
{
    params.retry = quick_retries(1);
    recorded_output out;
    out.attach(params);
    std::string const key = sb.server().params().api_key;
    std::string const secret_part = key.substr(key.find(':') + 1);
    std::string const echo = "BASIC " + key;
    sb.server().script("POST", quote_path,
                       {.status = 401,
                        .body = R"({"code":"UNAUTHORIZED","message":"bad credentials: )" + echo +
                                R"(","errors":["[Authorization] )" + secret_part + R"( is not valid"],"requestId":")" +
                                key + R"("})",
                        .headers = {{"X-Request-Id", key}}});
    auto const r = quote();
    CHECK(r.ec == meld::api_errc::unauthorized);
    std::vector<std::string> produced = out.lines;
    produced.insert(produced.end(), out.request_ids.begin(), out.request_ids.end());
    collect_text(produced, r);
    for (auto const& text : produced) {
        CHECK(text.find(key) == std::string::npos);
        CHECK(text.find(secret_part) == std::string::npos);
    }
    CHECK(r.diag.raw_body().find("[REDACTED]") != std::string_view::npos);
}

TEST_CASE("pipeline: a host-name mismatch says which name was expected and which the certificate has")
{
    meld::emulator::server_params sp;
    sp.certificate_host = "other.example";
    sandbox_fixture sb{sp};
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());
    auto const r = timed_call(ioc, c.quote, btc_quote);
    CHECK(r.ec == meld::client_errc::tls_verification_failed);
    auto const msg = std::string(r.diag.client_message());
    CHECK(msg.find("does not match the expected host name 'localhost'") != std::string::npos);
    CHECK(msg.find("other.example") != std::string::npos);
    CHECK(msg.find("unspecified") == std::string::npos);
    CHECK(r.diag.attempts().size() == 1);  // a certificate failure is never retried
}

TEST_CASE("pipeline: a request that fails validation completes at once, with nothing sent")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::crypto::quote_request const bad{.countryCode = "US", .destinationCurrencyCode = "",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    meld::diagnostics diag;
    auto [ec, r] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, meld::crypto::crypto_quote_response>> {
        co_return co_await meld.crypto.quote(bad, diag, asio::as_tuple(asio::use_awaitable));
    });
    (void)r;
    CHECK(ec == meld::client_errc::invalid_request);
    CHECK(diag.attempts().empty());
    CHECK(sb.server().requests().empty());
}

TEST_CASE_METHOD(retrying_fixture,
                 "pipeline: across the fault table, nothing produced (logs, events, messages, bodies) holds the key")
{
    recorded_output out;
    out.attach(params);
    params.request_timeout = 600ms;
    params.max_response_size = 64 * 1024;
    std::string const key = sb.server().params().api_key;
    std::string const echo = "BASIC " + key;  // what a server or proxy echoing the Authorization header sends
    std::string const json_echo = R"({"code":"X","message":")" + echo + R"(","errors":[")" + key + R"("]})";
    std::vector<meld::emulator::scripted_response> const faults{
        {.status = 429, .body = json_echo, .headers = {{"Retry-After", "0"}, {"X-Request-Id", key}}},
        {.status = 503, .body = json_echo, .headers = {{"X-Request-Id", echo}}},
        {.status = 500, .body = json_echo},
        {.status = 502, .content_type = "text/html", .body = "<html>" + echo + "</html>"},
        {.status = 400, .body = json_echo, .headers = {{"Date", echo}}},
        {.status = 302, .content_type = "text/plain", .body = echo, .headers = {{"Location", "https://x.example/" + key}}},
        {.status = 200, .content_type = "text/html", .body = echo},
        {.raw = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\nX-Request-Id: " + key + "\r\n\r\n" + echo},
        {.raw = "HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n" + echo},
        {.raw = "GARBAGE " + echo + "\r\n\r\n"},
        {.raw = "HTTP/1.1 200 OK\r\nX-Huge: " + std::string(70 * 1024, 'k') + echo + "\r\n\r\n"},
        {.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + echo, .hold_open = true},
    };
    std::vector<std::string> produced;
    for (auto const& f : faults) {
        sb.server().script("POST", quote_path, f, 3);
        auto const r = quote();
        CHECK(r.ec);
        collect_text(produced, r);
        sb.server().clear_scripts();
    }
    {
        std::lock_guard lock{out.m};
        produced.insert(produced.end(), out.lines.begin(), out.lines.end());
        produced.insert(produced.end(), out.request_ids.begin(), out.request_ids.end());
    }
    CHECK(out.lines.size() > faults.size());
    std::string const secret = key.substr(key.find(':') + 1);
    for (auto const& text : produced) {
        INFO(text.substr(0, 200));
        CHECK(text.find(key) == std::string::npos);
        CHECK(text.find(secret) == std::string::npos);
    }
}

TEST_CASE_METHOD(pipeline_fixture,
                 "pipeline: a quote with a wrong-typed field is delivered with a decode warning; strict mode fails it")
{
    recorded_output out;
    out.attach(params);
    meld::client meld{ioc.get_executor(), params};
    std::string const odd = R"({"quotes":[{"sourceAmount":100.00,"destinationAmount":0.00105423,"serviceProvider":"TOPPER",
        "rampIntelligence":{"rampScore":21.66,"lowKyc":false,"previouslyUsed":true}}],"message":null,"error":null,"timestamp":null})";
    sb.server().script("POST", quote_path, {.body = odd}, 3);
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    meld::diagnostics diag;
    auto [ec, r] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, meld::crypto::crypto_quote_response>> {
        co_return co_await meld.crypto.quote(req, diag, asio::as_tuple(asio::use_awaitable));
    });
    CHECK_FALSE(ec);
    REQUIRE(r.quotes);
    CHECK((*r.quotes)[0].destinationAmount->text() == "0.00105423");
    REQUIRE(diag.decode_warning_count() == 1);
    CHECK(diag.decode_warnings()[0].path == "/quotes/0/rampIntelligence/previouslyUsed");
    bool logged = false;
    for (auto const& l : out.lines)
        logged = logged || l.find("/quotes/0/rampIntelligence/previouslyUsed") != std::string::npos;
    CHECK(logged);

    meld::call_params const strict{.strict_decoding = true};
    meld::diagnostics sdiag;
    auto [sec, sr] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, meld::crypto::crypto_quote_response>> {
        co_return co_await meld.crypto.quote(req, strict, sdiag, asio::as_tuple(asio::use_awaitable));
    });
    (void)sr;
    CHECK(sec == meld::client_errc::decode_failed);
    CHECK(sdiag.client_message().find("previouslyUsed") != std::string_view::npos);

    auto strict_params = params;
    strict_params.strict_decoding = true;  // the client-wide switch, for users' CI
    meld::client strict_client{ioc.get_executor(), strict_params};
    meld::diagnostics cdiag;
    auto [cec, cr] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, meld::crypto::crypto_quote_response>> {
        co_return co_await strict_client.crypto.quote(req, cdiag, asio::as_tuple(asio::use_awaitable));
    });
    (void)cr;
    CHECK(cec == meld::client_errc::decode_failed);
}

// ---- gcc 12 and inline temporaries (detail/coawait_guard.hpp) -------------------------------------------

TEST_CASE_METHOD(pipeline_fixture, "pipeline: inline requests and page_params that gcc 12 compiles are safe (ASan)")
{
    meld::client meld{ioc.get_executor(), params};
    // an inline request with a token that is not co_awaited: allowed everywhere
    auto fut = meld.crypto.quote({.countryCode = "US", .destinationCurrencyCode = "BTC",
                                  .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"},
                                 meld::call_params{.meld_version = "2026-02-03"}, asio::use_future);
    std::optional<meld::error_code> cb;
    meld.crypto.quote({.countryCode = "US", .destinationCurrencyCode = "ETH",
                       .sourceAmount = meld::decimal{"50"}, .sourceCurrencyCode = "USD"},
                      [&](meld::error_code ec, meld::crypto::crypto_quote_response) { cb = ec; });
    ioc.run();
    ioc.restart();
    CHECK(fut.get().quotes);
    REQUIRE(cb);
    CHECK_FALSE(*cb);

    // inline page_params: pages()/items() are plain calls, the generator is what is co_awaited
    std::size_t rows = 0;
    meld::payments::transactions_search_request const req{};
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.items(req, {.max_items = 7, .limit = 3});
        while (auto row = co_await gen.next())
            ++rows;
    });
    CHECK(rows == 7);
}

#if !MELD_GCC_COAWAIT_TEMPORARY_BUG
TEST_CASE_METHOD(pipeline_fixture, "pipeline: co_await with an inline request and inline call_params (not gcc 12)")
{
    meld::client meld{ioc.get_executor(), params};
    auto const r = run_coro(ioc, [&]() -> asio::awaitable<meld::crypto::crypto_quote_response> {
        co_return co_await meld.crypto.quote({.countryCode = "US", .destinationCurrencyCode = "BTC",
                                              .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"},
                                             meld::call_params{.meld_version = "2026-02-03"});
    });
    CHECK(r.quotes);
}
#endif
