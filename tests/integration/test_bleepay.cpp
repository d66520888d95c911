// Integration tests: meld::bleepay::client over TLS against the local sandbox's Bleepay route — both auth
// modes, the 30-minute expiry, client-side rejection before sending, and 400/401/404 as typed errors.
#include "sandbox_fixture.hpp"

#include <meld/bleepay.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace bleepay = meld::bleepay;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

namespace {

// The sandbox's widget registry (sandbox/src/bleepay_routes.cpp).
constexpr char const* widget_secret = "wdgt_secret_abc123";
constexpr char const* merchant_jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJwYXltZW50cy5ibGVlcGF5LmNvbSIsInN1YiI6Im1lcmNoYW50X3NhbmRib3giLCJ3aWRnZXRzIjpbIndkZ3RfYWJjIiwid2Rn"
    "dF9ldGgiXSwiaWF0IjoxNzY3MjI1NjAwfQ."
    "ArnOullsmzDQJLvZwQAH_Srl6sduhHPrbql8L0oTu48";

/// Bleepay client parameters pointing at the sandbox (same server as the Meld routes) and trusting it.
bleepay::client_params params_for(sandbox_fixture& sb, bleepay::auth auth)
{
    return {.base_url = sb.server().base_url(),
            .auth = std::move(auth),
            .tls = {.ca_pem = sb.server().certificate_pem()}};
}

/// The documented example request.
bleepay::create_session_request example_request()
{
    return {.amount = "100",
            .currency = "USDC",
            .currencyAddress = "0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174",
            .customerEmail = "customer@example.com",
            .customerReference = "order_12345",
            .depositAddress = "0xMerchantWalletAddress",
            .metadata = std::nullopt,
            .network = "polygon",
            .widgetId = "wdgt_abc"};
}

struct outcome {
    meld::error_code ec;
    bleepay::create_session_response response;
    meld::diagnostics diag;
};

/// Runs one call through the non-throwing diagnostics& form.
outcome call(asio::io_context& ioc, bleepay::client& bp, bleepay::create_session_request const& req)
{
    outcome out;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto [ec, resp] = co_await bp.create_session(req, out.diag,
                                                     asio::as_tuple(asio::use_awaitable));
        out.ec = ec;
        out.response = std::move(resp);
    });
    return out;
}

void check_created(bleepay::create_session_response const& r, bleepay::create_session_request const& req)
{
    REQUIRE(r.id);
    CHECK(r.id->rfind("dep_", 0) == 0);
    CHECK(r.id->size() == 16);
    REQUIRE(r.paymentStatus);
    CHECK(*r.paymentStatus == bleepay::payment_status::CREATED);
    CHECK(*r.amount == req.amount);
    CHECK(*r.currency == req.currency);
    CHECK(*r.network == req.network);
    CHECK(*r.currencyAddress == req.currencyAddress);
    CHECK(*r.depositAddress == req.depositAddress);
    REQUIRE(r.clientSecret);
    CHECK(r.clientSecret->rfind("dep_secret_", 0) == 0);

    // expiresAt: creation + 30 minutes, ISO 8601 UTC with milliseconds as documented
    REQUIRE(r.expiresAt);
    CHECK(r.expiresAt->text().size() == 24);  // 2026-06-09T12:30:00.000Z
    CHECK(r.expiresAt->text().back() == 'Z');
    auto const delta = r.expiresAt->time_point() - std::chrono::system_clock::now();
    CHECK(delta > std::chrono::minutes(29));
    CHECK(delta <= std::chrono::minutes(30));
}

}  // namespace

TEST_CASE("bleepay: create_session with the widget client secret (X-Client-Secret)")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::client_secret{widget_secret})};
    auto const req = example_request();
    auto const r = run_coro(ioc, [&]() -> asio::awaitable<bleepay::create_session_response> {
        co_return co_await bp.create_session(req);  // the default token: throws meld::error on failure
    });
    check_created(r, req);

    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].target == "/api/v1/widgets/wdgt_abc/create-session");
    CHECK(reqs[0].header("X-Client-Secret") == widget_secret);
    CHECK(reqs[0].header("Authorization").empty());
    CHECK(reqs[0].header("Meld-Version").empty());
    CHECK(reqs[0].header("Content-Type") == "application/json");
    CHECK(reqs[0].body == R"({"amount":"100","currency":"USDC",)"
                          R"("currencyAddress":"0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174",)"
                          R"("customerEmail":"customer@example.com","customerReference":"order_12345",)"
                          R"("depositAddress":"0xMerchantWalletAddress","network":"polygon"})");
}

TEST_CASE("bleepay: create_session with a JWT bearer token (Authorization: Bearer)")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::bearer_token{merchant_jwt})};
    auto req = example_request();
    req.customerEmail.reset();
    req.customerReference.reset();
    req.metadata = meld::raw_json(R"({"orderId":"12345","cart":{"items":2,"total":100.10}})");
    auto const out = call(ioc, bp, req);
    INFO(out.diag.summary());
    REQUIRE_FALSE(out.ec);
    check_created(out.response, req);

    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].header("Authorization") == std::string("Bearer ") + merchant_jwt);
    CHECK(reqs[0].header("X-Client-Secret").empty());
    CHECK(reqs[0].header("Meld-Version").empty());
    CHECK(reqs[0].body.find(R"("metadata":{"orderId":"12345","cart":{"items":2,"total":100.10}})") !=
          std::string::npos);
    CHECK(reqs[0].body.find("customerEmail") == std::string::npos);

    // a second widget with a native coin: empty currencyAddress, fractional amount; the connection is reused
    auto eth = example_request();
    eth.amount = "0.25";
    eth.currency = "ETH";
    eth.network = "ethereum";
    eth.currencyAddress = "";
    eth.widgetId = "wdgt_eth";
    auto const out2 = call(ioc, bp, eth);
    INFO(out2.diag.summary());
    REQUIRE_FALSE(out2.ec);
    check_created(out2.response, eth);
    CHECK(bp.connections_opened() == 1);
}

TEST_CASE("bleepay: every out-of-range field is rejected before anything is sent")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::client_secret{widget_secret})};

    using mutation = std::pair<char const*, std::function<void(bleepay::create_session_request&)>>;
    std::vector<mutation> const cases{
        {"widgetId", [](auto& r) { r.widgetId = ""; }},
        {"amount", [](auto& r) { r.amount = ""; }},
        {"amount", [](auto& r) { r.amount = std::string(33, '1'); }},
        {"amount", [](auto& r) { r.amount = "0"; }},
        {"amount", [](auto& r) { r.amount = "-5"; }},
        {"amount", [](auto& r) { r.amount = "1e3"; }},
        {"currency", [](auto& r) { r.currency = "U"; }},
        {"currency", [](auto& r) { r.currency = "ABCDEFGHI"; }},
        {"currency", [](auto& r) { r.currency = "usdc"; }},
        {"network", [](auto& r) { r.network = "eth"; }},
        {"network", [](auto& r) { r.network = std::string(67, 'n'); }},
        {"currencyAddress", [](auto& r) { r.currencyAddress = std::string(67, 'c'); }},
        {"depositAddress", [](auto& r) { r.depositAddress = ""; }},
        {"depositAddress", [](auto& r) { r.depositAddress = std::string(129, 'd'); }},
        {"customerEmail", [](auto& r) { r.customerEmail = ""; }},
        {"customerEmail", [](auto& r) { r.customerEmail = std::string(129, 'e'); }},
        {"customerReference", [](auto& r) { r.customerReference = ""; }},
        {"customerReference", [](auto& r) { r.customerReference = std::string(129, 'r'); }},
        {"metadata", [](auto& r) { r.metadata = meld::raw_json("[1,2]"); }},
        {"metadata", [](auto& r) { r.metadata = meld::raw_json(R"({"k":")" + std::string(2041, 'x') + R"("})"); }},
    };
    for (auto const& [field, mutate] : cases) {
        INFO(field);
        auto req = example_request();
        mutate(req);
        auto const out = call(ioc, bp, req);
        CHECK(out.ec == meld::client_errc::invalid_request);
        CHECK(out.diag.http_status() == 0);
        CHECK(out.diag.client_message().find("[" + std::string(field) + "] ") != std::string_view::npos);
        CHECK_FALSE(out.response.id);
    }
    CHECK(sb.server().requests().empty());
    CHECK(bp.connections_opened() == 0);

    // the throwing default token carries the same error
    auto bad = example_request();
    bad.network = "eth";
    try {
        run_coro(ioc, [&]() -> asio::awaitable<void> { co_await bp.create_session(bad); });
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::client_errc::invalid_request);
        CHECK(std::string(e.what()).find("[network] must be 4 to 66 characters long (got 3)") != std::string::npos);
    }
    CHECK(sb.server().requests().empty());
}

TEST_CASE("bleepay: 401 unauthorized from the server, in both auth modes")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    auto const req = example_request();
    for (bleepay::auth auth : {bleepay::auth{bleepay::client_secret{"wdgt_secret_wrong"}},
                               bleepay::auth{bleepay::client_secret{""}},
                               bleepay::auth{bleepay::bearer_token{"eyJhbGciOiJIUzI1NiJ9.e30.forged"}},
                               bleepay::auth{bleepay::bearer_token{""}}}) {
        bleepay::client bp{ioc.get_executor(), params_for(sb, std::move(auth))};
        auto const out = call(ioc, bp, req);
        CHECK(out.ec == meld::api_errc::unauthorized);
        CHECK(meld::is_api_error(out.ec));
        CHECK(out.diag.http_status() == 401);
        CHECK(out.diag.code() == "unauthorized");
        CHECK_FALSE(out.diag.message().empty());
    }
    // the other widget's secret does not open this widget
    bleepay::client other{ioc.get_executor(), params_for(sb, bleepay::client_secret{"wdgt_secret_eth456"})};
    CHECK(call(ioc, other, req).ec == meld::api_errc::unauthorized);

    // the throwing form: meld::error with the status and the lower-case code
    bleepay::client wrong{ioc.get_executor(), params_for(sb, bleepay::client_secret{"nope"})};
    try {
        run_coro(ioc, [&]() -> asio::awaitable<void> { co_await wrong.create_session(req); });
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::api_errc::unauthorized);
        CHECK(e.status() == 401);
        CHECK(e.api_code() == "unauthorized");
        CHECK(std::string(e.what()).find("nope") == std::string::npos);  // the secret is never in messages
    }
}

TEST_CASE("bleepay: 404 not_found for an unknown widget")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::bearer_token{merchant_jwt})};
    auto req = example_request();
    req.widgetId = "wdgt_missing";
    auto const out = call(ioc, bp, req);
    CHECK(out.ec == meld::api_errc::not_found);
    CHECK(out.diag.http_status() == 404);
    CHECK(out.diag.code() == "not_found");
    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].target == "/api/v1/widgets/wdgt_missing/create-session");
}

TEST_CASE("bleepay: 400 validation_failed for the widget's own limits (amount range, allowed pairs)")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::client_secret{widget_secret})};

    struct server_case {
        char const* field;
        bleepay::create_session_request req;
    };
    auto above_max = example_request();
    above_max.amount = "10000.01";  // wdgt_abc: 1..10000
    auto below_min = example_request();
    below_min.amount = "0.99";
    auto pair = example_request();
    pair.currency = "ETH";  // polygon/ETH is not allowed for wdgt_abc
    auto network = example_request();
    network.network = "solana";
    for (auto const& c : {server_case{"amount", above_max}, server_case{"amount", below_min},
                          server_case{"currency", pair}, server_case{"currency", network}}) {
        INFO(c.field);
        REQUIRE_FALSE(bleepay::validate(c.req));  // valid as far as the client can tell
        auto const out = call(ioc, bp, c.req);
        CHECK(out.ec == meld::api_errc::bad_request);
        CHECK(out.diag.http_status() == 400);
        CHECK(out.diag.code() == "validation_failed");
        CHECK(out.diag.message().find("[" + std::string(c.field) + "]") != std::string_view::npos);
    }
    CHECK(sb.server().requests().size() == 4);

    // the bounds themselves are accepted
    auto at_max = example_request();
    at_max.amount = "10000.00";
    CHECK_FALSE(call(ioc, bp, at_max).ec);
}

TEST_CASE("bleepay: a 200 answer (success status undocumented) decodes the same way")
{
    sandbox_fixture sb;
    sb.server().script("POST", "/api/v1/widgets/wdgt_abc/create-session",
                       {.status = 200, .body = R"({"id":"dep_a1b2c3d4e5f6","paymentStatus":"CREATED","amount":"100",)"
                                               R"("currency":"USDC","network":"polygon","currencyAddress":"0x2791",)"
                                               R"("depositAddress":"0xMerchantWalletAddress",)"
                                               R"("expiresAt":"2026-06-09T12:30:00.000Z",)"
                                               R"("clientSecret":"dep_secret_xyz..."})"},
                       1);
    asio::io_context ioc;
    bleepay::client bp{ioc.get_executor(), params_for(sb, bleepay::client_secret{widget_secret})};
    auto const req = example_request();
    auto const out = call(ioc, bp, req);
    REQUIRE_FALSE(out.ec);
    CHECK(*out.response.id == "dep_a1b2c3d4e5f6");
    CHECK(out.response.expiresAt->text() == "2026-06-09T12:30:00.000Z");
    CHECK(*out.response.clientSecret == "dep_secret_xyz...");
}
