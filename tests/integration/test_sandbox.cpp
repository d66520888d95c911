// tests/integration/test_sandbox.cpp — the local Meld sandbox over real sockets and real TLS.
//
// Uses the raw Beast client of raw_http.hpp only (never the SDK's client or models), so the sandbox is tested on
// its own.
#include "raw_http.hpp"

#include <meld/sandbox/fixtures.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/detached.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace meld_test::raw_http;
using meld::emulator::scripted_response;
using meld::emulator::server_params;

bool contains(std::string const& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string first_error(result const& r) { return std::string(parse(r).at("errors").at(0).as_string()); }

std::string const quote_body =
    R"({"countryCode":"US","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","paymentMethodType":"CREDIT_DEBIT_CARD","sourceAmount":100})";

std::string const widget_body =
    R"({"sessionData":{"walletAddress":"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh","countryCode":"US",)"
    R"("sourceCurrencyCode":"USD","sourceAmount":"100","destinationCurrencyCode":"BTC","serviceProvider":"TRANSAK",)"
    R"("redirectUrl":"https://yourapp.com/transaction-complete"},"sessionType":"BUY","externalCustomerId":"user_123",)"
    R"("externalSessionId":"session_456"})";

}  // namespace

// ---- fixtures -------------------------------------------------------------------------------------------------

TEST_CASE("sandbox fixtures are embedded verbatim and are valid JSON", "[sandbox]") {
    auto const names = meld::emulator::fixture_names();
    REQUIRE(names.size() >= 8);
    for (auto name : names) {
        INFO(name);
        boost::system::error_code ec;
        json::parse(meld::emulator::fixture(name), ec);
        CHECK_FALSE(ec);
    }
    CHECK(contains(std::string(meld::emulator::fixture("crypto_quote")), R"("sourceAmount": 100.00)"));
    CHECK_THROWS_AS(meld::emulator::fixture("no-such-fixture"), std::out_of_range);
}

// ---- TLS, auth, routing ---------------------------------------------------------------------------------------

TEST_CASE("sandbox TLS certificate verifies for its host only", "[sandbox][tls]") {
    running_server rs;
    CHECK(rs.srv.base_url() == "https://localhost:" + std::to_string(rs.srv.port()));
    CHECK(rs.srv.certificate_pem().starts_with("-----BEGIN CERTIFICATE-----"));

    asio::io_context ioc;
    {
        client c{ioc, rs.srv, "localhost"};
        CHECK_FALSE(c.connect());
    }
    {
        client c{ioc, rs.srv, "api-sb.meld.io"};  // host-name mismatch
        CHECK(c.connect());
    }
    {
        client c{ioc, rs.srv, "localhost", /*trust=*/false};  // unknown issuer
        CHECK(c.connect());
    }
}

TEST_CASE("sandbox requires `Authorization: BASIC <key>` exactly", "[sandbox][auth]") {
    running_server rs;
    for (auto const& h : {header_list{}, header_list{{"Authorization", "BASIC wrong:key"}},
                          header_list{{"Authorization", std::string("Basic ") + meld::emulator::default_api_key}},
                          header_list{{"Authorization", std::string("BASIC  ") + meld::emulator::default_api_key}},
                          header_list{{"Authorization", meld::emulator::default_api_key}}}) {
        auto r = call(rs.srv, "POST", "/payments/crypto/quote", quote_body, h);
        require_error(r, 401, "UNAUTHORIZED");
        CHECK(first_error(r) == "invalid profile or secret");
        CHECK(parse(r).at("message").as_string() == "Unauthorized");
    }
    auto ok = call(rs.srv, "POST", "/payments/crypto/quote", quote_body, {{"authorization", auth}});
    CHECK(ok.res.result_int() == 200);
}

TEST_CASE("sandbox answers 404 for unknown paths and 405 for wrong methods", "[sandbox]") {
    running_server rs;
    require_error(call(rs.srv, "GET", "/no/such/route"), 404, "NOT_FOUND");
    auto r = call(rs.srv, "GET", "/payments/crypto/quote");
    require_error(r, 405, "METHOD_NOT_ALLOWED");
    CHECK(r.res[http::field::allow] == "POST");
    require_error(call(rs.srv, "DELETE", "/payments/transactions"), 405, "METHOD_NOT_ALLOWED");
}

// ---- POST /payments/crypto/quote ------------------------------------------------------------------------------

TEST_CASE("sandbox quote answers the documented example text", "[sandbox][quote]") {
    running_server rs;
    auto r = call(rs.srv, "POST", "/payments/crypto/quote", quote_body);
    REQUIRE(r.res.result_int() == 200);
    CHECK(r.res[http::field::content_type] == "application/json");
    auto const& body = r.res.body();
    CHECK(body == meld::emulator::fixture("crypto_quote"));
    CHECK(contains(body, R"("sourceAmount": 100.00)"));
    CHECK(contains(body, R"("destinationAmount": 0.00105423)"));
    CHECK(contains(body, R"("exchangeRate": 94856.0)"));
    CHECK(contains(body, R"("serviceProvider": "TOPPER")"));
    CHECK(contains(body, R"("destinationAmountWithoutFees": null)"));

    // sourceAmount as a numeric string is accepted too; ETH answers the two-quote documented example.
    auto eth = call(rs.srv, "POST", "/payments/crypto/quote",
                    R"({"externalCustomerId":"user_123","sourceAmount":"200","sourceCurrencyCode":"USD",)"
                    R"("destinationCurrencyCode":"ETH","countryCode":"US"})");
    REQUIRE(eth.res.result_int() == 200);
    CHECK(contains(eth.res.body(), R"("exchangeRate": 4642.290)"));
    CHECK(contains(eth.res.body(), R"("serviceProvider": "ROBINHOOD")"));
    CHECK(parse(eth).at("quotes").as_array().size() == 2);
}

TEST_CASE("sandbox quote validation", "[sandbox][quote]") {
    running_server rs;
    auto post = [&](std::string body) { return call(rs.srv, "POST", "/payments/crypto/quote", std::move(body)); };

    SECTION("missing required fields") {
        auto r = post(R"({"countryCode":"US"})");
        require_error(r, 400, "BAD_REQUEST");
        auto const errors = json::serialize(parse(r).at("errors"));
        CHECK(contains(errors, "[destinationCurrencyCode] must not be null"));
        CHECK(contains(errors, "[sourceCurrencyCode] must not be null"));
        CHECK(contains(errors, "[sourceAmount] must not be null"));
    }
    SECTION("wrong JSON types") {
        auto r = post(R"({"countryCode":1,"sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":true})");
        require_error(r, 400, "BAD_REQUEST");
        auto const errors = json::serialize(parse(r).at("errors"));
        CHECK(contains(errors, "[countryCode] must be a string"));
        CHECK(contains(errors, "[sourceAmount]"));
    }
    SECTION("non-numeric and non-positive amounts") {
        require_error(post(R"({"countryCode":"US","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":"abc"})"),
                      400, "BAD_REQUEST");
        require_error(post(R"({"countryCode":"US","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":0})"),
                      400, "BAD_REQUEST");
    }
    SECTION("amount limits") {
        require_error(post(R"({"countryCode":"US","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":50001})"),
                      400, "INVALID_AMOUNT_TOO_HIGH");
        require_error(post(R"({"countryCode":"US","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":"0.5"})"),
                      400, "INVALID_AMOUNT_TOO_LOW");
    }
    SECTION("malformed JSON and non-object bodies") {
        require_error(post(R"({"countryCode":"US",)"), 400, "BAD_REQUEST");
        require_error(post("[1,2]"), 400, "BAD_REQUEST");
        require_error(post(""), 400, "BAD_REQUEST");
    }
    SECTION("unsupported country: the quote-style 400 body") {
        auto r = post(R"({"countryCode":"ZZ","sourceCurrencyCode":"USD","destinationCurrencyCode":"BTC","sourceAmount":100})");
        CHECK(r.res.result_int() == 400);
        CHECK(r.res.body().starts_with(
            R"({"quotes":null,"message":null,"error":"No Valid Quote Combinations Found","timestamp":null})"));
    }
}

// ---- POST /crypto/session/widget + transactions ---------------------------------------------------------------

TEST_CASE("sandbox widget session creates a findable PENDING transaction", "[sandbox][widget]") {
    running_server rs;
    auto r = call(rs.srv, "POST", "/crypto/session/widget", widget_body);
    REQUIRE(r.res.result_int() == 200);
    auto const w = parse(r);
    auto const id = std::string(w.at("id").as_string());
    CHECK(id.size() == 22);
    CHECK(id.find_first_not_of("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") == std::string::npos);
    CHECK(w.at("externalSessionId").as_string() == "session_456");
    CHECK(w.at("externalCustomerId").as_string() == "user_123");
    CHECK(w.at("customerId").as_string().size() == 22);
    auto const token = std::string(w.at("token").as_string());
    CHECK(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
    CHECK(w.at("widgetUrl").as_string() == "https://sb.meldcrypto.com?token=" + token);
    CHECK(w.at("serviceProviderWidgetUrl").as_string().starts_with("https://transak.com/"));

    // The same externalSessionId twice is rejected.
    require_error(call(rs.srv, "POST", "/crypto/session/widget", widget_body), 400, "BAD_REQUEST");

    // Found by search with sessionIds ...
    auto s = call(rs.srv, "GET", "/payments/transactions?sessionIds=" + id);
    REQUIRE(s.res.result_int() == 200);
    auto const page = parse(s);
    REQUIRE(page.at("count").as_int64() == 1);
    CHECK(page.at("totalCount").as_int64() == 1);
    CHECK(page.at("remaining").as_int64() == 0);
    auto const& tx = page.at("transactions").at(0);
    CHECK(tx.at("sessionId").as_string() == id);
    CHECK(tx.at("status").as_string() == "PENDING");
    CHECK(tx.at("transactionType").as_string() == "CRYPTO_PURCHASE");
    CHECK(tx.at("serviceProvider").as_string() == "TRANSAK");
    CHECK(tx.at("externalSessionId").as_string() == "session_456");
    CHECK(tx.at("customer").at("id") == w.at("customerId"));
    CHECK(tx.at("cryptoDetails").at("destinationWalletAddress").as_string() ==
          "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    CHECK(tx.at("key").is_string());

    // ... by externalSessionIds, and by id.
    auto e = call(rs.srv, "GET", "/payments/transactions?externalSessionIds=session_456");
    CHECK(parse(e).at("count").as_int64() == 1);
    auto const tx_id = std::string(tx.at("id").as_string());
    auto g = call(rs.srv, "GET", "/payments/transactions/" + tx_id);
    REQUIRE(g.res.result_int() == 200);
    CHECK(parse(g).at("transaction").at("id").as_string() == tx_id);
    CHECK(parse(g).at("transaction").at("sessionId").as_string() == id);

    // A SELL session needs no wallet and spawns a CRYPTO_SELL.
    auto sell = call(rs.srv, "POST", "/crypto/session/widget",
                     R"({"sessionData":{"serviceProvider":"TRANSAK","countryCode":"US","sourceCurrencyCode":"BTC",)"
                     R"("destinationCurrencyCode":"USD","sourceAmount":0.001},"sessionType":"SELL"})");
    REQUIRE(sell.res.result_int() == 200);
    auto const sell_id = std::string(parse(sell).at("id").as_string());
    auto ss = call(rs.srv, "GET", "/payments/transactions?sessionIds=" + sell_id);
    CHECK(parse(ss).at("transactions").at(0).at("transactionType").as_string() == "CRYPTO_SELL");
    CHECK(contains(ss.res.body(), R"("sourceAmount": 0.001,)"));

    // By session id: the provider-fetch route.
    auto bs = call(rs.srv, "GET", "/payments/transactions/sessions/" + sell_id);
    REQUIRE(bs.res.result_int() == 200);
    CHECK(parse(bs).at("transaction").at("sessionId").as_string() == sell_id);
    require_error(call(rs.srv, "GET", "/payments/transactions/sessions/WnoSuchSession"), 404,
                  "TRANSACTION_FETCH_BY_SESSION_NOT_YET_CREATED_WITH_PROVIDER");

    // Amount spellings: a string amount keeps its text when it is a JSON number, else it is normalized.
    for (auto const& [given, expected] : {std::pair{R"("100.50")", R"("sourceAmount": 100.50,)"},
                                          std::pair{R"(".5")", R"("sourceAmount": 0.5,)"},
                                          std::pair{R"(250)", R"("sourceAmount": 250,)"}}) {
        INFO(given);
        auto cr = call(rs.srv, "POST", "/crypto/session/widget",
                       std::string(R"({"sessionData":{"serviceProvider":"TOPPER","walletAddress":"x","sourceAmount":)") +
                           given + R"(},"sessionType":"BUY"})");
        REQUIRE(cr.res.result_int() == 200);
        auto t = call(rs.srv, "GET", "/payments/transactions?sessionIds=" + std::string(parse(cr).at("id").as_string()));
        CHECK(contains(t.res.body(), expected));
        CHECK(parse(t).at("count").as_int64() == 1);  // and the page is valid JSON
    }
}

TEST_CASE("sandbox widget session validation", "[sandbox][widget]") {
    running_server rs;
    auto post = [&](std::string body) { return call(rs.srv, "POST", "/crypto/session/widget", std::move(body)); };

    auto top = post(R"({"serviceProvider":"TRANSAK","walletAddress":"x","countryCode":"US","sessionType":"BUY"})");
    require_error(top, 400, "BAD_REQUEST");
    CHECK(first_error(top) == "[sessionData] must not be null");

    auto no_wallet = post(R"({"sessionData":{"serviceProvider":"TRANSAK"},"sessionType":"BUY"})");
    require_error(no_wallet, 400, "BAD_REQUEST");
    CHECK(contains(first_error(no_wallet), "walletAddress"));

    auto no_provider = post(R"({"sessionData":{"walletAddress":"x"},"sessionType":"BUY"})");
    require_error(no_provider, 400, "BAD_REQUEST");
    CHECK(contains(first_error(no_provider), "serviceProvider"));

    auto bad_type = post(R"({"sessionData":{"serviceProvider":"TRANSAK","walletAddress":"x"},"sessionType":"SWAP"})");
    require_error(bad_type, 400, "BAD_REQUEST");
    CHECK(contains(first_error(bad_type), "sessionType"));

    require_error(post(R"({"sessionData":"TRANSAK","sessionType":"BUY"})"), 400, "BAD_REQUEST");
    require_error(post(R"({"sessionData":{"serviceProvider":"TRANSAK","walletAddress":"x"},"sessionType":"BUY",)"
                       R"("externalSubaccountCustomerId":"unknown-business"})"),
                  400, "BAD_REQUEST");
    // Unknown fields are accepted.
    auto ok = post(R"({"sessionData":{"serviceProvider":"TRANSAK","walletAddress":"x","newField":1},"sessionType":"BUY","extra":true})");
    CHECK(ok.res.result_int() == 200);
    CHECK(parse(ok).at("externalSessionId").is_null());
}

// ---- GET /payments/transactions/{id} --------------------------------------------------------------------------

TEST_CASE("sandbox transaction by id", "[sandbox][transactions]") {
    running_server rs;
    auto r = call(rs.srv, "GET", "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE");
    REQUIRE(r.res.result_int() == 200);
    CHECK(r.res.body() == meld::emulator::fixture("payments_transaction"));
    CHECK(contains(r.res.body(), R"("sourceAmount": 100.00)"));
    CHECK(contains(r.res.body(), R"("fiatAmountInUsd": 100.00)"));

    auto missing = call(rs.srv, "GET", "/payments/transactions/WnoSuchTransaction1234");
    require_error(missing, 404, "NOT_FOUND");

    // Every seeded row is retrievable by id.
    auto page = parse(call(rs.srv, "GET", "/payments/transactions?limit=100"));
    for (auto const& row : page.at("transactions").as_array()) {
        auto g = call(rs.srv, "GET", "/payments/transactions/" + std::string(row.at("id").as_string()));
        CHECK(g.res.result_int() == 200);
        CHECK(parse(g).at("transaction").at("id") == row.at("id"));
    }
}

// ---- GET /payments/transactions -------------------------------------------------------------------------------

TEST_CASE("sandbox transaction search: envelope, limit, filters", "[sandbox][transactions]") {
    running_server rs;
    auto r = call(rs.srv, "GET", "/payments/transactions");
    REQUIRE(r.res.result_int() == 200);
    auto const page = parse(r);
    CHECK(page.at("count").as_int64() == 10);
    CHECK(page.at("remaining").as_int64() == 15);
    CHECK(page.at("totalCount").as_int64() == 25);
    auto const& rows = page.at("transactions").as_array();
    REQUIRE(rows.size() == 10);
    CHECK(rows[0].at("id").as_string() == "WePZCYJW7cdXR7SxUMp8mE");  // the documented row is the newest seed
    CHECK(contains(r.res.body(), R"("sourceAmount": 100.00)"));
    for (std::size_t k = 1; k < rows.size(); ++k)
        CHECK(rows[k - 1].at("createdAt").as_string() > rows[k].at("createdAt").as_string());
    std::set<std::string> statuses, providers;
    for (auto const& row : rows) {
        CHECK(row.at("key").is_string());
        statuses.emplace(row.at("status").as_string());
        providers.emplace(row.at("serviceProvider").as_string());
    }
    CHECK(statuses.size() >= 3);
    CHECK(providers.size() >= 3);

    auto all = parse(call(rs.srv, "GET", "/payments/transactions?limit=100"));
    CHECK(all.at("count").as_int64() == 25);
    CHECK(all.at("remaining").as_int64() == 0);

    auto settled = parse(call(rs.srv, "GET", "/payments/transactions?statuses=SETTLED&limit=100"));
    CHECK(settled.at("count").as_int64() >= 1);
    for (auto const& row : settled.at("transactions").as_array()) CHECK(row.at("status").as_string() == "SETTLED");

    auto two = parse(call(rs.srv, "GET", "/payments/transactions?statuses=SETTLED,PENDING&serviceProviders=TOPPER,TRANSAK&limit=100"));
    for (auto const& row : two.at("transactions").as_array()) {
        auto const st = row.at("status").as_string();
        auto const sp = row.at("serviceProvider").as_string();
        CHECK((st == "SETTLED" || st == "PENDING"));
        CHECK((sp == "TOPPER" || sp == "TRANSAK"));
    }

    auto cust = parse(call(rs.srv, "GET", "/payments/transactions?externalCustomerIds=testCustomer&limit=100"));
    CHECK(cust.at("count").as_int64() >= 1);
    for (auto const& row : cust.at("transactions").as_array())
        CHECK(row.at("customer").at("externalId").as_string() == "testCustomer");

    auto sells = parse(call(rs.srv, "GET", "/payments/transactions?types=CRYPTO_SELL&limit=100"));
    CHECK(sells.at("count").as_int64() >= 1);

    auto window = parse(call(rs.srv, "GET", "/payments/transactions?from=2025-12-08T18:00:00Z&to=2025-12-08&limit=100"));
    CHECK(window.at("count").as_int64() == 0);  // `to` is midnight, before `from`
    auto day = parse(call(rs.srv, "GET", "/payments/transactions?from=2025-12-08T17:00:00&limit=100"));
    CHECK(day.at("count").as_int64() == 4);  // 20:03, 19:03, 18:03, 17:03

    auto none = parse(call(rs.srv, "GET", "/payments/transactions?sessionIds=WnoSuchSession"));
    CHECK(none.at("count").as_int64() == 0);
    CHECK(none.at("transactions").as_array().empty());

    for (auto const* bad : {"limit=0", "limit=101", "limit=ten", "status=SETTLED", "from=yesterday"}) {
        INFO(bad);
        require_error(call(rs.srv, "GET", std::string("/payments/transactions?") + bad), 400, "BAD_REQUEST");
    }
}

TEST_CASE("sandbox transaction search: pagination with after/before keys", "[sandbox][transactions]") {
    running_server rs;
    auto get = [&](std::string q) {
        auto r = call(rs.srv, "GET", "/payments/transactions?" + q);
        REQUIRE(r.res.result_int() == 200);
        return parse(r);
    };
    // Forward: after=<last key> walks to older rows until nothing remains.
    std::vector<json::value> pages;
    std::vector<std::string> ids;
    pages.push_back(get("limit=10"));
    for (;;) {
        auto const& p = pages.back();
        for (auto const& row : p.at("transactions").as_array()) ids.emplace_back(row.at("id").as_string());
        if (p.at("remaining").as_int64() == 0) break;
        auto const& last = p.at("transactions").as_array().back();
        pages.push_back(get("limit=10&after=" + std::string(last.at("key").as_string())));
        REQUIRE(pages.size() < 10);
    }
    REQUIRE(pages.size() == 3);
    CHECK(pages[1].at("remaining").as_int64() == 5);
    CHECK(pages[2].at("count").as_int64() == 5);
    CHECK(ids.size() == 25);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 25);

    // Backward: before=<first key of page 3> gives page 2 again, newest first.
    auto const& first3 = pages[2].at("transactions").as_array().front();
    auto back = get("limit=10&before=" + std::string(first3.at("key").as_string()));
    CHECK(back.at("transactions") == pages[1].at("transactions"));
    CHECK(back.at("remaining").as_int64() == 10);
    auto const& first2 = pages[1].at("transactions").as_array().front();
    auto back2 = get("limit=10&before=" + std::string(first2.at("key").as_string()));
    CHECK(back2.at("transactions") == pages[0].at("transactions"));
    CHECK(back2.at("remaining").as_int64() == 0);

    auto const key = std::string(first2.at("key").as_string());
    auto both = call(rs.srv, "GET", "/payments/transactions?before=" + key + "&after=" + key);
    require_error(both, 400, "BAD_REQUEST");
    require_error(call(rs.srv, "GET", "/payments/transactions?after=unknownKey"), 400, "BAD_REQUEST");

    // A new session's transaction is the newest row.
    auto w = call(rs.srv, "POST", "/crypto/session/widget",
                  R"({"sessionData":{"serviceProvider":"TOPPER","walletAddress":"x"},"sessionType":"BUY"})");
    REQUIRE(w.res.result_int() == 200);
    auto fresh = get("limit=1");
    CHECK(fresh.at("transactions").at(0).at("sessionId") == parse(w).at("id"));
    CHECK(fresh.at("totalCount").as_int64() == 26);
}

TEST_CASE("sandbox seed_transactions parameter", "[sandbox][transactions]") {
    server_params p;
    p.seed.payment_transactions = 3;
    running_server rs{p};
    auto page = parse(call(rs.srv, "GET", "/payments/transactions"));
    CHECK(page.at("totalCount").as_int64() == 3);
}

// ---- countries, customers -------------------------------------------------------------------------------------

TEST_CASE("sandbox countries", "[sandbox][service-providers]") {
    running_server rs;
    auto r = call(rs.srv, "GET", "/service-providers/properties/countries?accountFilter=true");
    REQUIRE(r.res.result_int() == 200);
    CHECK(r.res.body() == meld::emulator::fixture("service_providers_countries"));
    auto const all = parse(r);
    REQUIRE(all.is_array());
    CHECK(all.at(0).at("countryCode").as_string() == "US");
    CHECK(all.at(0).at("regions").at(0).at("regionCode").as_string() == "US-CA");

    auto f = parse(call(rs.srv, "GET", "/service-providers/properties/countries?countries=GB,DE"));
    REQUIRE(f.as_array().size() == 2);
    CHECK(f.at(0).at("countryCode").as_string() == "GB");
    CHECK(f.at(1).at("countryCode").as_string() == "DE");
    CHECK(parse(call(rs.srv, "GET", "/service-providers/properties/countries?countries=ZZ")).as_array().empty());
}

TEST_CASE("sandbox customers: create or retrieve by externalId", "[sandbox][customers]") {
    running_server rs;
    std::string const body =
        R"({"externalId":"your-internal-user-id-123x","name":{"firstName":"John","lastName":"Doe"},)"
        R"("email":"john@example.com","phone":"+14155551234","dateOfBirth":"1990-03-15","type":"INDIVIDUAL"})";
    auto a = call(rs.srv, "POST", "/accounts/customers", body);
    REQUIRE(a.res.result_int() == 200);
    auto const c = parse(a);
    CHECK(c.at("id").as_string().size() == 22);
    CHECK(c.at("externalId").as_string() == "your-internal-user-id-123x");
    CHECK(c.at("name").at("firstName").as_string() == "John");
    CHECK(c.at("status").as_string() == "ACTIVE");
    CHECK(c.at("type").as_string() == "INDIVIDUAL");
    CHECK(c.at("dateOfBirth").as_string() == "1990-03-15");
    CHECK(c.at("addresses").as_array().empty());

    auto again = call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"your-internal-user-id-123x"})");
    CHECK(parse(again).at("id") == c.at("id"));

    auto business = parse(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"business1","type":"BUSINESS"})"));
    CHECK(business.at("type").as_string() == "BUSINESS");
    CHECK(business.at("id") != c.at("id"));

    // A created customer can be used as a widget sub-account.
    auto w = call(rs.srv, "POST", "/crypto/session/widget",
                  R"({"sessionData":{"serviceProvider":"TOPPER","walletAddress":"x"},"sessionType":"BUY",)"
                  R"("externalSubaccountCustomerId":"business1"})");
    CHECK(w.res.result_int() == 200);
    auto sub = parse(call(rs.srv, "GET", "/payments/transactions?externalSubaccountCustomerIds=business1"));
    CHECK(sub.at("count").as_int64() == 1);

    require_error(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"x","dateOfBirth":"1990-13-01"})"), 400,
                  "BAD_REQUEST");
    require_error(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"x","email":"not-an-email"})"), 400,
                  "BAD_REQUEST");
    require_error(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"x","type":"ROBOT"})"), 400,
                  "BAD_REQUEST");
    require_error(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":7})"), 400, "BAD_REQUEST");
}

// ---- scripted responses ---------------------------------------------------------------------------------------

TEST_CASE("sandbox scripted responses", "[sandbox][script]") {
    running_server rs;

    SECTION("status, body and headers, a limited number of times, then the real route") {
        scripted_response s;
        s.status = 503;
        s.body = R"({"code":"SERVICE_UNAVAILABLE"})";
        s.headers = {{"Retry-After", "1"}};
        rs.srv.script("POST", "/payments/crypto/quote", s, 2);
        for (int k = 0; k < 2; ++k) {
            auto r = call(rs.srv, "POST", "/payments/crypto/quote?x=1", quote_body);
            CHECK(r.res.result_int() == 503);
            CHECK(r.res.body() == s.body);
            CHECK(r.res["Retry-After"] == "1");
        }
        CHECK(call(rs.srv, "POST", "/payments/crypto/quote", quote_body).res.result_int() == 200);
    }
    SECTION("scripts are consulted before authentication and can be cleared") {
        rs.srv.script("GET", "/anything", {.status = 429, .body = "{}"});
        CHECK(call(rs.srv, "GET", "/anything", {}, {}).res.result_int() == 429);
        rs.srv.clear_scripts();
        CHECK(call(rs.srv, "GET", "/anything", {}, {}).res.result_int() == 401);
    }
    SECTION("raw bytes") {
        rs.srv.script("GET", "/raw", {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                                         "Content-Length: 5\r\n\r\nhello")});
        auto r = call(rs.srv, "GET", "/raw");
        CHECK(r.res.body() == "hello");
        CHECK(r.res[http::field::content_type] == "text/plain");

        // A truncated response: the server closes after the raw bytes, so the client sees an early close.
        rs.srv.script("GET", "/truncated", {.raw = std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")});
        {
            asio::io_context ioc;
            client c{ioc, rs.srv};
            REQUIRE_FALSE(c.connect());
            auto t = c.request("GET", "/truncated", {}, {{"Authorization", auth}}, 2s);
            CHECK(t.ec);
            CHECK(t.ec != beast::error::timeout);
        }

        rs.srv.script("GET", "/garbage", {.raw = std::string("not http at all")});
        asio::io_context ioc;
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto g = c.request("GET", "/garbage");
        CHECK(g.ec);  // the client cannot parse it
    }
    SECTION("close after answering") {
        rs.srv.script("GET", "/close", {.body = "{}", .close_after = true});
        asio::io_context ioc;
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto r = c.request("GET", "/close");
        REQUIRE_FALSE(r.ec);
        CHECK(r.res.keep_alive());  // the server did not announce it ...
        auto next = c.request("GET", "/payments/transactions");
        CHECK(next.ec);  // ... but the connection is gone
        CHECK(rs.srv.connections_accepted() == 1);
    }
    SECTION("stall: the request is read, never answered") {
        rs.srv.script("GET", "/stall", {.stall = true});
        asio::io_context ioc;
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto const served = rs.srv.requests_served();
        auto r = c.request("GET", "/stall", {}, {{"Authorization", auth}}, 300ms);
        CHECK(r.ec == beast::error::timeout);
        CHECK(rs.srv.requests_served() == served);
        auto const reqs = rs.srv.requests();
        REQUIRE_FALSE(reqs.empty());
        CHECK(reqs.back().target == "/stall");
    }
    SECTION("delay") {
        rs.srv.script("GET", "/slow", {.body = "{}", .delay = 200ms});
        auto r = call(rs.srv, "GET", "/slow");
        CHECK(r.res.result_int() == 200);
        CHECK(r.elapsed >= 190ms);
    }
}

// ---- connections ------------------------------------------------------------------------------------------------

TEST_CASE("sandbox keep-alive and Connection: close", "[sandbox][http]") {
    running_server rs;
    asio::io_context ioc;
    {
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto a = c.request("POST", "/payments/crypto/quote", quote_body);
        auto b = c.request("GET", "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE");
        REQUIRE_FALSE(a.ec);
        REQUIRE_FALSE(b.ec);
        CHECK(a.res.result_int() == 200);
        CHECK(b.res.result_int() == 200);
        CHECK(rs.srv.connections_accepted() == 1);
        CHECK(rs.srv.requests_served() == 2);
    }
    {
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto r = c.request("GET", "/payments/transactions", {}, {{"Authorization", auth}, {"Connection", "close"}});
        REQUIRE_FALSE(r.ec);
        CHECK_FALSE(r.res.keep_alive());
        auto const rest = c.read_raw(2s);
        CHECK(rest.bytes().empty());
        CHECK(rest.ec != beast::error::timeout);  // the server closed
    }
    CHECK(rs.srv.connections_accepted() == 2);

    auto const reqs = rs.srv.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].target == "/payments/crypto/quote");
    CHECK(reqs[0].body == quote_body);
    CHECK(reqs[0].header("AUTHORIZATION") == auth);
    CHECK(reqs[0].header("content-type") == "application/json");
    CHECK(reqs[0].header("X-Missing").empty());
}

TEST_CASE("sandbox plain HTTP mode", "[sandbox][http]") {
    server_params p;
    p.tls = false;
    running_server rs{p};
    CHECK(rs.srv.base_url() == "http://127.0.0.1:" + std::to_string(rs.srv.port()));
    CHECK(rs.srv.certificate_pem().empty());
    auto r = call(rs.srv, "POST", "/payments/crypto/quote", quote_body);
    CHECK(r.res.result_int() == 200);
    CHECK(r.res.body() == meld::emulator::fixture("crypto_quote"));
}

TEST_CASE("sandbox latency and custom api key", "[sandbox][http]") {
    server_params p;
    p.latency = 150ms;
    p.api_key = "id:secret";
    running_server rs{p};
    auto r = call(rs.srv, "POST", "/payments/crypto/quote", quote_body, {{"Authorization", "BASIC id:secret"}});
    CHECK(r.res.result_int() == 200);
    CHECK(r.elapsed >= 140ms);
    require_error(call(rs.srv, "POST", "/payments/crypto/quote", quote_body), 401, "UNAUTHORIZED");
}

TEST_CASE("sandbox serves 500 concurrent TLS connections", "[sandbox][load]") {
    running_server rs;
    asio::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    ctx.add_certificate_authority(asio::buffer(rs.srv.certificate_pem()));
    ctx.set_verify_mode(ssl::verify_peer);
    int ok = 0, failed = 0;
    auto one = [&]() -> asio::awaitable<void> {
        beast::ssl_stream<beast::tcp_stream> s{ioc, ctx};
        s.set_verify_callback(ssl::host_name_verification("localhost"));
        beast::get_lowest_layer(s).expires_after(30s);
        auto [cec] = co_await beast::get_lowest_layer(s).async_connect(
            tcp::endpoint{asio::ip::make_address("127.0.0.1"), rs.srv.port()}, tuple_awaitable);
        if (!cec) {
            auto [hec] = co_await s.async_handshake(ssl::stream_base::client, tuple_awaitable);
            if (!hec) {
                http::request<http::string_body> req{http::verb::post, "/payments/crypto/quote", 11};
                req.set(http::field::host, "localhost");
                req.set(http::field::authorization, auth);
                req.body() = quote_body;
                req.prepare_payload();
                auto [wec, wn] = co_await http::async_write(s, req, tuple_awaitable);
                (void)wn;
                beast::flat_buffer b;
                response res;
                auto [rec, rn] = co_await http::async_read(s, b, res, tuple_awaitable);
                (void)rn;
                if (!wec && !rec && res.result_int() == 200 && contains(res.body(), R"("sourceAmount": 100.00)")) {
                    ++ok;
                    co_return;
                }
            }
        }
        ++failed;
    };
    for (int k = 0; k < 500; ++k) asio::co_spawn(ioc, one(), asio::detached);
    ioc.run();
    CHECK(ok == 500);
    CHECK(failed == 0);
    CHECK(rs.srv.connections_accepted() == 500);
    CHECK(rs.srv.requests_served() == 500);
}

TEST_CASE("sandbox stop() from another thread closes open connections", "[sandbox][http]") {
    auto rs = std::make_unique<running_server>();
    asio::io_context ioc;
    client c{ioc, rs->srv};
    REQUIRE_FALSE(c.connect());
    CHECK(c.request("GET", "/payments/transactions").res.result_int() == 200);
    std::thread stopper{[&] { rs->srv.stop(); }};
    stopper.join();
    CHECK(c.read_raw(2s).ec != beast::error::timeout);
    rs.reset();
}

TEST_CASE("silent_listener: a TLS handshake against it hangs", "[sandbox][tls]") {
    asio::io_context server_ioc;
    auto work = asio::make_work_guard(server_ioc);
    meld::emulator::silent_listener silent{server_ioc.get_executor()};
    std::thread t{[&] { server_ioc.run(); }};

    running_server rs;  // only for its certificate / params
    asio::io_context ioc;
    client c{ioc, rs.srv};
    auto const t0 = std::chrono::steady_clock::now();
    auto ec = c.connect(silent.port(), 300ms);
    CHECK(ec == beast::error::timeout);
    CHECK(std::chrono::steady_clock::now() - t0 >= 250ms);
    CHECK(silent.connections_accepted() == 1);

    silent.stop();
    work.reset();
    t.join();
}

// ---- every group: guide-only customer endpoints, optional auth, generic validation, pager -------------------------

TEST_CASE("sandbox guide-only customer endpoints: GET one customer, PATCH kyc/initiate", "[sandbox][customers]") {
    running_server rs;
    auto const c = parse(call(rs.srv, "POST", "/accounts/customers", R"({"externalId":"kyc-guide"})"));
    std::string const id(c.at("id").as_string());
    auto got = call(rs.srv, "GET", "/accounts/customers/" + id);
    REQUIRE(got.res.result_int() == 200);
    CHECK(parse(got).at("externalId").as_string() == "kyc-guide");
    require_error(call(rs.srv, "GET", "/accounts/customers/WnoSuchCustomer1234567"), 404, "NOT_FOUND");

    // PATCH before any initiate: 404; after POST initiate: the initiate answer
    std::string const share = R"({"kycShareProviders":["DUENETWORK"]})";
    require_error(call(rs.srv, "PATCH", "/accounts/customers/" + id + "/kyc/initiate", share), 404, "NOT_FOUND");
    auto init = call(rs.srv, "POST", "/accounts/customers/" + id + "/kyc/initiate",
                     R"({"serviceProvider":"SUMSUB","mode":"HOSTED_URL"})");
    REQUIRE(init.res.result_int() == 200);
    auto patched = call(rs.srv, "PATCH", "/accounts/customers/" + id + "/kyc/initiate", share);
    REQUIRE(patched.res.result_int() == 200);
    CHECK(parse(patched).at("status").as_string() == "PENDING");
    require_error(call(rs.srv, "PATCH", "/accounts/customers/" + id + "/kyc/initiate", R"({"kycShareProviders":"NOAH"})"),
                  400, "BAD_REQUEST");
    // the KYC shows on the customer
    auto const after = parse(call(rs.srv, "GET", "/accounts/customers/" + id));
    CHECK(after.at("serviceProviderCustomers").at(0).at("kyc").at("status").as_string() == "PENDING");
}

TEST_CASE("sandbox network-partner routes: Authorization optional, a wrong key still refused", "[sandbox][auth]") {
    running_server rs;
    auto anon = call(rs.srv, "GET", "/network-partner/supported/countries", {}, {});
    REQUIRE(anon.res.result_int() == 200);
    CHECK(anon.res.body() == meld::emulator::fixture("network_partners_countries"));
    CHECK(contains(call(rs.srv, "GET", "/network-partner/supported/fiat-limits").res.body(), R"("min": 10.0)"));
    require_error(call(rs.srv, "GET", "/network-partner/supported/countries", {}, {{"Authorization", "BASIC wrong"}}),
                  401, "UNAUTHORIZED");
    require_error(call(rs.srv, "GET", "/accounts/customers", {}, {}), 401, "UNAUTHORIZED");
}

TEST_CASE("sandbox generic validation from the spec rules", "[sandbox][validation]") {
    running_server rs;
    auto r = call(rs.srv, "POST", "/notifications/webhooks", R"({"name":7,"eventTypes":["NOPE"]})");
    require_error(r, 400, "BAD_REQUEST");
    auto const errors = parse(r).at("errors").as_array();
    std::set<std::string> lines;
    for (auto const& e : errors) lines.emplace(e.as_string());
    CHECK(lines.count("[url] must not be null") == 1);
    CHECK(lines.count("[name] must be a string") == 1);
    bool enum_error = false;
    for (auto const& l : lines) enum_error = enum_error || l.starts_with("[eventTypes[0]] must be one of TRANSACTION_CRYPTO_PENDING");
    CHECK(enum_error);
    require_error(call(rs.srv, "POST", "/payments/risk-analysis", R"({"achClass":"WEB","currencyCode":"USD"})"), 400,
                  "BAD_REQUEST");
    require_error(call(rs.srv, "POST", "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE/refund"), 400, "BAD_REQUEST");
    require_error(call(rs.srv, "GET", "/activity-log"), 400, "BAD_REQUEST");  // start, end required
    require_error(call(rs.srv, "GET", "/accounts/customers?limit=abc"), 400, "BAD_REQUEST");
    require_error(call(rs.srv, "GET", "/accounts/customers?limit=101"), 400, "BAD_REQUEST");
    require_error(call(rs.srv, "GET", "/accounts/customers?before=a&after=b"), 400, "BAD_REQUEST");
    require_error(call(rs.srv, "GET", "/accounts/customers?after=unknown"), 400, "BAD_REQUEST");
    // routing: the literal segment wins over a path parameter; a wrong method lists every allowed one
    CHECK(call(rs.srv, "GET", "/notifications/webhooks/event-types").res.result_int() == 200);
    auto m = call(rs.srv, "PUT", "/payments/transactions");
    require_error(m, 405, "METHOD_NOT_ALLOWED");
    CHECK(m.res[http::field::allow] == "GET, POST");
}

TEST_CASE("sandbox fiat payment amounts keep the request's number text", "[sandbox][payments]") {
    running_server rs;
    auto r = call(rs.srv, "POST", "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE/refund",
                  R"({"reason":"x","sourceAmount":25.10})");
    REQUIRE(r.res.result_int() == 200);
    CHECK(contains(r.res.body(), R"("sourceAmount": 25.10)"));
    CHECK(contains(r.res.body(), R"("parentPaymentTransactionId": "WePZCYJW7cdXR7SxUMp8mE")"));
    // the spec types POST /payments/transactions' sourceAmount as a string: "25.10" answers the number 25.10
    auto c = call(rs.srv, "POST", "/payments/transactions", R"({"sourceAmount":"25.10","sourceCurrencyCode":"USD"})");
    REQUIRE(c.res.result_int() == 201);
    CHECK(contains(c.res.body(), R"("sourceAmount": 25.10)"));
}
