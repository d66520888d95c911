// Integration tests of the engine (pool, TLS, timeouts, cancellation, error mapping) over real sockets
// against the local sandbox. Uses small test-local descriptors so the transport is tested on its own;
// the generated operations are tested in test_first_slice.cpp.
#include "sandbox_fixture.hpp"
#include "test_endpoints.hpp"

#include <meld/decimal.hpp>
#include <meld/detail/engine.hpp>
#include <meld/exception.hpp>
#include <meld/operation.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/describe/class.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

using namespace meld_test;

TEST_CASE("transport: a quote over TLS returns exact decimals and sends the documented headers")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());
    auto r = run_coro(ioc, [&]() -> asio::awaitable<quote_resp> { co_return co_await c.quote(btc_quote); });
    REQUIRE(r.quotes);
    REQUIRE(!r.quotes->empty());
    CHECK(r.quotes->front().sourceAmount->text() == "100.00");
    CHECK(r.quotes->front().destinationAmount->text() == "0.00105423");

    auto reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    auto const& q = reqs[0];
    CHECK(q.method == "POST");
    CHECK(q.target == "/payments/crypto/quote");
    CHECK(q.header("Authorization") == "BASIC " + sb.server().params().api_key);
    CHECK(q.header("Meld-Version") == "2026-02-03");
    CHECK(q.header("Accept") == "application/json");
    CHECK(q.header("Content-Type") == "application/json");
    CHECK(q.header("User-Agent").rfind("meld-cpp/", 0) == 0);
    CHECK(q.body == R"({"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"})");
}

TEST_CASE("transport: GET sends no Content-Type, a per-call Meld-Version override, and percent-encoded ids")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.app_info = "meld-tests/1.0";
    test_client c(ioc, params);
    get_req const req{.id = "WePZCYJW7cdXR7SxUMp8mE"};
    meld::call_params const opts{.meld_version = "2025-03-04"};
    auto r = run_coro(ioc, [&]() -> asio::awaitable<meld::raw_json> {
        co_return co_await c.get_transaction(req, opts);
    });
    CHECK(r.text().find("\"sourceAmount\":100.00") != std::string_view::npos);
    auto reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].header("Content-Type").empty());
    CHECK(reqs[0].header("Meld-Version") == "2025-03-04");
    CHECK(reqs[0].header("User-Agent").find("meld-tests/1.0") != std::string::npos);
}

TEST_CASE("transport: every completion token works: use_future, callback, deferred, as_tuple")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());

    auto fut = c.quote(btc_quote, asio::use_future);
    std::optional<meld::error_code> cb_ec;
    c.quote(btc_quote, [&](meld::error_code ec, quote_resp r) {
        cb_ec = ec;
        CHECK(r.quotes);
    });
    auto deferred_op = c.quote(btc_quote, asio::deferred);
    std::optional<meld::error_code> deferred_ec;
    std::move(deferred_op)([&](meld::error_code ec, quote_resp) { deferred_ec = ec; });
    ioc.run();
    ioc.restart();
    CHECK(fut.get().quotes->size() >= 1);
    REQUIRE(cb_ec);
    CHECK_FALSE(*cb_ec);
    REQUIRE(deferred_ec);
    CHECK_FALSE(*deferred_ec);

    auto [ec, r] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, quote_resp>> {
        co_return co_await c.quote(btc_quote, asio::as_tuple(asio::use_awaitable));
    });
    CHECK_FALSE(ec);
    CHECK(r.quotes);
}

TEST_CASE("transport: a wrong API key is a typed 401 whose message never contains the key")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.api_key = "WRONGid:VERYSECRETsecret";
    test_client c(ioc, params);
    try {
        run_coro(ioc, [&]() -> asio::awaitable<quote_resp> { co_return co_await c.quote(btc_quote); });
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::api_errc::unauthorized);
        CHECK(e.status() == 401);
        CHECK(e.api_code() == "UNAUTHORIZED");
        CHECK(std::string(e.what()).find("VERYSECRET") == std::string::npos);
        CHECK(e.diag().summary().find("VERYSECRET") == std::string::npos);
        CHECK(e.diag().raw_body().find("VERYSECRET") == std::string_view::npos);
    }
}

TEST_CASE("transport: HTTP error answers map to api_errc with Meld's error body")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.retry = meld::retry_policy::none();  // the mapping of each answer, not the retries (test_pipeline.cpp)
    test_client c(ioc, params);
    struct row {
        unsigned status;
        char const* code;
        meld::api_errc expected;
    };
    for (auto const& [status, code, expected] :
         {row{404, "NOT_FOUND", meld::api_errc::not_found}, row{409, "CONFLICT", meld::api_errc::conflict},
          row{425, "TOO_EARLY", meld::api_errc::too_early},
          row{429, "TOO_MANY_REQUESTS", meld::api_errc::too_many_requests},
          row{408, "QUOTE_TIMEOUT", meld::api_errc::request_timeout},
          row{500, "INTERNAL_SERVER_ERROR", meld::api_errc::internal_server_error}}) {
        sb.server().script("POST", "/payments/crypto/quote",
                           {.status = status,
                            .body = std::string(R"({"code":")") + code +
                                    R"(","message":"m","errors":["[x] y"],"requestId":"0123456789abcdef0123456789abcdef","timestamp":"2022-01-19T20:32:30.784928Z"})"},
                           1);
        auto [ec, diag] = quote_error(ioc, c);
        CHECK(ec == expected);
        CHECK(diag.http_status() == status);
        CHECK(diag.code() == code);
        CHECK(diag.request_id() == "0123456789abcdef0123456789abcdef");
        REQUIRE(diag.errors().size() == 1);
        CHECK(diag.errors()[0] == "[x] y");
    }
}

TEST_CASE("transport: the quote endpoint's {quotes:null,error} 400 body is a typed error")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());
    meld::diagnostics diag;
    auto [ec, r] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, quote_resp>> {
        quote_req q = btc_quote;
        q.countryCode = "ZZ";  // the sandbox has no quote combination for it
        co_return co_await c.quote(q, diag, asio::as_tuple(asio::use_awaitable));
    });
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(diag.code() == "No Valid Quote Combinations Found");
}

TEST_CASE("transport: redirects, wrong content types, garbage, oversize bodies and early closes are typed errors")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.max_response_size = 4096;
    test_client c(ioc, params);
    auto& srv = sb.server();

    srv.script("POST", "/payments/crypto/quote",
               {.status = 302, .content_type = "text/plain", .headers = {{"Location", "https://evil.example/steal"}}}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::redirect_refused);
    CHECK(srv.requests().size() == 1);  // not followed

    srv.script("POST", "/payments/crypto/quote", {.content_type = "text/html", .body = "<html>hi</html>"}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::unexpected_content_type);

    srv.script("POST", "/payments/crypto/quote", {.raw = std::string("NOT-HTTP garbage\r\n\r\n")}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::malformed_response);

    srv.script("POST", "/payments/crypto/quote", {.body = "[" + std::string(8000, ' ') + "]"}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::body_too_large);

    srv.script("POST", "/payments/crypto/quote", {.close_after = true, .raw = std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::connection_closed);

    // a wrong-typed member is tolerated (left empty, a decode warning); a wrong top-level kind fails
    srv.script("POST", "/payments/crypto/quote", {.body = R"({"quotes": {"not": "an array"}})"}, 1);
    auto [ec, diag] = quote_error(ioc, c);
    CHECK_FALSE(ec);
    REQUIRE(diag.decode_warning_count() == 1);
    CHECK(diag.decode_warnings()[0].path == "/quotes");
    srv.script("POST", "/payments/crypto/quote", {.body = R"(["not", "an object"])"}, 1);
    auto [ec2, diag2] = quote_error(ioc, c);
    CHECK(ec2 == meld::client_errc::decode_failed);
    CHECK(diag2.client_message().find("expected an object") != std::string_view::npos);

    // after all of that, the client still works
    CHECK_FALSE(quote_error(ioc, c).first);
}

TEST_CASE("transport: TLS verification fails for a certificate issued to another host, or an untrusted one")
{
    SECTION("wrong host name")
    {
        sandbox_fixture sb({.certificate_host = "wrong.example"});
        asio::io_context ioc;
        test_client c(ioc, sb.client_params());
        auto [ec, diag] = quote_error(ioc, c);
        CHECK(ec == meld::client_errc::tls_verification_failed);
        CHECK(diag.client_message().find("localhost") != std::string_view::npos);
        CHECK(sb.server().requests_served() == 0);
    }
    SECTION("certificate not trusted")
    {
        sandbox_fixture sb;
        asio::io_context ioc;
        auto params = sb.client_params();
        params.tls.ca_pem.clear();
        test_client c(ioc, params);
        CHECK(quote_error(ioc, c).first == meld::client_errc::tls_verification_failed);
    }
    SECTION("the explicit opt-out works for loopback and is refused elsewhere")
    {
        sandbox_fixture sb({.certificate_host = "wrong.example"});
        asio::io_context ioc;
        auto params = sb.client_params();
        params.tls.ca_pem.clear();
        params.tls.insecure_skip_verify = true;
        test_client c(ioc, params);
        CHECK_FALSE(quote_error(ioc, c).first);
        params.base_url = "https://api.meld.io";
        CHECK_THROWS_AS(meld::detail::engine(ioc.get_executor(), params), boost::system::system_error);
    }
}

TEST_CASE("transport: connect timeout (a TLS handshake that never completes)")
{
    asio::io_context server_ioc;
    meld::emulator::silent_listener silent(server_ioc.get_executor());
    std::thread t([&] { server_ioc.run(); });
    asio::io_context ioc;
    meld::client_params p;
    p.api_key = "k:s";
    p.base_url = "https://localhost:" + std::to_string(silent.port());
    p.connect_timeout = 200ms;
    test_client c(ioc, p);
    auto [ec, diag] = quote_error(ioc, c);
    CHECK(ec == meld::client_errc::connect_timeout);
    CHECK(diag.client_message().find("timed out") != std::string_view::npos);
    silent.stop();
    t.join();
}

TEST_CASE("transport: connection refused is connect_failed")
{
    unsigned short port = 0;
    {
        asio::io_context tmp;
        asio::ip::tcp::acceptor a(tmp, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }  // closed again: nothing listens there now
    asio::io_context ioc;
    meld::client_params p;
    p.api_key = "k:s";
    p.base_url = "http://127.0.0.1:" + std::to_string(port);
    test_client c(ioc, p);
    CHECK(quote_error(ioc, c).first == meld::client_errc::connect_failed);
}

TEST_CASE("transport: request timeout discards the connection; the next call opens a new one")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto params = sb.client_params();
    params.request_timeout = 300ms;
    test_client c(ioc, params);
    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK(c.eng->connections_opened() == 1);
    sb.server().script("POST", "/payments/crypto/quote", {.stall = true}, 1);
    CHECK(quote_error(ioc, c).first == meld::client_errc::request_timeout);
    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK(c.eng->connections_opened() == 2);
}

TEST_CASE("transport: cancellation mid-request aborts the call and the connection is not reused")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());
    CHECK_FALSE(quote_error(ioc, c).first);
    sb.server().script("POST", "/payments/crypto/quote", {.stall = true}, 1);

    asio::cancellation_signal signal;
    std::optional<meld::error_code> result;
    c.quote(btc_quote, asio::bind_cancellation_slot(signal.slot(), [&](meld::error_code ec, quote_resp) { result = ec; }));
    asio::steady_timer timer(ioc, 100ms);
    timer.async_wait([&](meld::error_code) { signal.emit(asio::cancellation_type::terminal); });
    ioc.run();
    ioc.restart();
    REQUIRE(result);
    CHECK(*result == asio::error::operation_aborted);

    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK(c.eng->connections_opened() == 2);

    // the awaitable operators cancel the losing branch through the same slot
    using namespace asio::experimental::awaitable_operators;
    sb.server().script("POST", "/payments/crypto/quote", {.stall = true}, 1);
    auto which = run_coro(ioc, [&]() -> asio::awaitable<std::size_t> {
        asio::steady_timer t(co_await asio::this_coro::executor, 100ms);
        auto v = co_await (c.quote(btc_quote, asio::as_tuple(asio::use_awaitable)) ||
                           t.async_wait(asio::use_awaitable));
        co_return v.index();
    });
    CHECK(which == 1);
    CHECK_FALSE(quote_error(ioc, c).first);
}

TEST_CASE("transport: 500 concurrent quotes on one io_context share a bounded keep-alive pool")
{
    sandbox_fixture sb({.record_requests = false});
    asio::io_context ioc;
    auto params = sb.client_params();
    params.pool_size = 16;
    test_client c(ioc, params);
    int ok = 0, failed = 0;
    for (int i = 0; i < 500; ++i)
        c.quote(btc_quote, [&](meld::error_code ec, quote_resp r) {
            if (!ec && r.quotes && r.quotes->front().destinationAmount->text() == "0.00105423")
                ++ok;
            else
                ++failed;
        });
    ioc.run();
    CHECK(ok == 500);
    CHECK(failed == 0);
    CHECK(c.eng->connections_opened() <= 16);
    CHECK(sb.server().connections_accepted() <= 16);
    CHECK(sb.server().requests_served() == 500);
}

TEST_CASE("transport: plain HTTP to a loopback sandbox")
{
    sandbox_fixture sb({.tls = false});
    asio::io_context ioc;
    auto params = sb.client_params();
    REQUIRE(params.base_url.rfind("http://", 0) == 0);
    test_client c(ioc, params);
    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK(c.eng->connections_opened() == 1);
}

TEST_CASE("transport: a connection the server closed while idle is never used")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    test_client c(ioc, sb.client_params());
    sb.server().script("POST", "/payments/crypto/quote",
                       {.body = R"({"quotes":[]})", .close_after = true}, 1);
    CHECK_FALSE(quote_error(ioc, c).first);
    // give the close time to arrive, then a POST (not replayable) must go out on a fresh connection
    asio::steady_timer t(ioc, 50ms);
    t.wait();
    CHECK_FALSE(quote_error(ioc, c).first);
    CHECK(c.eng->connections_opened() == 2);
    CHECK(sb.server().requests_served() == 2);
}
