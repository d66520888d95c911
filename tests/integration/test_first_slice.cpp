// Integration tests: the six first-slice operations through meld::client over TLS against the local sandbox,
// with typed results (exact decimals, open enums, timestamps) and typed errors.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

namespace asio = boost::asio;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

namespace {
meld::crypto::quote_request const btc_quote{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                            .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
}

TEST_CASE("first slice: crypto.quote returns typed quotes with exact amounts")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    auto r = run_coro(ioc, [&]() -> asio::awaitable<meld::crypto::crypto_quote_response> {
        co_return co_await meld.crypto.quote(btc_quote);
    });
    REQUIRE(r.quotes);
    REQUIRE_FALSE(r.quotes->empty());
    auto const& q = r.quotes->front();
    CHECK(q.sourceAmount->text() == "100.00");
    CHECK(*q.sourceAmount == meld::decimal{"100"});
    CHECK(q.destinationAmount->text() == "0.00105423");
    CHECK(q.totalFee->text() == "4.18");
    CHECK(q.exchangeRate->text() == "94856.0");
    CHECK_FALSE(q.destinationAmountWithoutFees);  // null in the documented example
    CHECK(q.serviceProvider->is_known());
    CHECK(*q.serviceProvider == meld::crypto::crypto_quote_service_provider::TOPPER);
    // CREDIT_DEBIT_CARD is not in the spec's enum for this field: kept, not collapsed
    REQUIRE(q.paymentMethodType);
    CHECK(q.paymentMethodType->str() == "CREDIT_DEBIT_CARD");
    CHECK(q.rampIntelligence->rampScore->text() == "21.66");
    CHECK(*q.rampIntelligence->lowKyc == false);

    auto reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body ==
          R"({"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"})");
}

TEST_CASE("first slice: crypto.quote query parameter and the no-quote 400")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    auto req = btc_quote;
    req.includeSwap = true;
    req.serviceProviders = std::vector<meld::crypto::service_provider>{meld::crypto::service_provider::TOPPER,
                                                                         meld::crypto::service_provider::TRANSAK};
    run_coro(ioc, [&]() -> asio::awaitable<void> { co_await meld.crypto.quote(req); });
    auto reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].target == "/payments/crypto/quote?includeSwap=true");
    CHECK(reqs[0].body.find(R"("serviceProviders":["TOPPER","TRANSAK"])") != std::string::npos);

    req.countryCode = "ZZ";
    try {
        run_coro(ioc, [&]() -> asio::awaitable<void> { co_await meld.crypto.quote(req); });
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::api_errc::bad_request);
        CHECK(e.api_code() == "No Valid Quote Combinations Found");
    }
}

TEST_CASE("first slice: widget sessions for BUY, SELL and TRANSFER, then the session's transaction")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::crypto;
    create_widget_session_request const buy_req{
        .externalCustomerId = "user_123",
        .externalSessionId = "session_456",
        .sessionData = crypto_buy_session_data{.countryCode = "US",
                                               .destinationCurrencyCode = "BTC",
                                               .redirectUrl = "https://yourapp.com/transaction-complete",
                                               .serviceProvider = service_provider::TRANSAK,
                                               .sourceAmount = "100",
                                               .sourceCurrencyCode = "USD",
                                               .walletAddress = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"},
        .sessionType = session_type::BUY};
    auto buy = run_coro(ioc, [&]() -> asio::awaitable<session_token_response> {
        co_return co_await meld.crypto.create_widget_session(buy_req);
    });
    REQUIRE(buy.id);
    CHECK(buy.id->size() == 22);
    CHECK(buy.externalSessionId == "session_456");
    CHECK(buy.widgetUrl->rfind("https://sb.meldcrypto.com", 0) == 0);
    auto reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body.find(R"("sessionData":{"countryCode":"US","destinationCurrencyCode":"BTC")") !=
          std::string::npos);
    CHECK(reqs[0].body.find(R"("sessionType":"BUY")") != std::string::npos);

    create_widget_session_request const sell_req{
        .sessionData = crypto_sell_session_data{.countryCode = "US", .destinationCurrencyCode = "USD",
                                                .serviceProvider = service_provider::TRANSAK, .sourceAmount = "0.01",
                                                .sourceCurrencyCode = "BTC"},
        .sessionType = session_type::SELL};
    auto sell = run_coro(ioc, [&]() -> asio::awaitable<session_token_response> {
        co_return co_await meld.crypto.create_widget_session(sell_req);
    });
    CHECK(sell.id);
    create_widget_session_request const transfer_req{
        .sessionData = crypto_transfer_session_data{.countryCode = "US", .serviceProvider = service_provider::TRANSAK,
                                                    .sourceCurrencyCodes = std::vector<std::string>{"USDC"}},
        .sessionType = session_type::TRANSFER};
    auto transfer = run_coro(ioc, [&]() -> asio::awaitable<session_token_response> {
        co_return co_await meld.crypto.create_widget_session(transfer_req);
    });
    CHECK(transfer.id);

    // the BUY session created a transaction: find it by session id, then fetch it
    meld::payments::transactions_search_request const by_session{.sessionIds = std::vector{*buy.id}};
    auto page = run_coro(ioc, [&]() -> asio::awaitable<meld::payments::payment_transaction_list_response> {
        co_return co_await meld.payments.transactions.search(by_session);
    });
    REQUIRE(page.transactions);
    REQUIRE(page.transactions->size() == 1);
    auto const& row = page.transactions->front();
    CHECK(row.sessionId == buy.id);
    REQUIRE(row.key);
    meld::payments::transactions_get_request const get_row{.id = *row.id};
    auto tx = run_coro(ioc, [&]() -> asio::awaitable<meld::payments::payment_transaction_response_20250304> {
        co_return co_await meld.payments.transactions.get(get_row);
    });
    REQUIRE(tx.transaction);
    CHECK(tx.transaction->id == row.id);
    CHECK(tx.transaction->transactionType == "CRYPTO_PURCHASE");
}

TEST_CASE("first slice: payments.transactions.get decodes the documented transaction exactly")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_get_request const documented{.id = "WePZCYJW7cdXR7SxUMp8mE"};
    auto r = run_coro(ioc, [&]() -> asio::awaitable<meld::payments::payment_transaction_response_20250304> {
        co_return co_await meld.payments.transactions.get(documented);
    });
    REQUIRE(r.transaction);
    auto const& t = *r.transaction;
    CHECK(t.status == "SETTLED");
    CHECK(t.sourceAmount->text() == "100.00");
    CHECK(t.destinationAmount->text() == "0.00105423");
    CHECK(t.fiatAmountInUsd->text() == "100.00");
    CHECK(t.createdAt->text() == "2025-12-08T20:03:07.173223Z");
    CHECK(t.customer->externalId == "testCustomer");
    REQUIRE(t.cryptoDetails);
    CHECK(t.cryptoDetails->chainId == "1");
    CHECK(t.cryptoDetails->partnerFee->text() == "1");
    CHECK_FALSE(t.cryptoDetails->sourceWalletAddress);
    CHECK(sb.server().requests().at(0).target == "/payments/transactions/WePZCYJW7cdXR7SxUMp8mE");

    meld::diagnostics diag;
    meld::payments::transactions_get_request const unknown{.id = "no such id"};
    auto [ec, missing] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, meld::payments::payment_transaction_response_20250304>> {
        co_return co_await meld.payments.transactions.get(unknown, diag, asio::as_tuple(asio::use_awaitable));
    });
    CHECK(ec == meld::api_errc::not_found);
    CHECK(diag.code() == "NOT_FOUND");
    CHECK(sb.server().requests().at(1).target == "/payments/transactions/no%20such%20id");
}

TEST_CASE("first slice: payments.transactions.search sends every filter and returns one typed page")
{
    sandbox_fixture sb({.seed = {.payment_transactions = 30}});
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request const five{.limit = 5};
    auto page = run_coro(ioc, [&]() -> asio::awaitable<meld::payments::payment_transaction_list_response> {
        co_return co_await meld.payments.transactions.search(five);
    });
    REQUIRE(page.transactions);
    CHECK(page.transactions->size() == 5);
    CHECK(page.count == 5);
    REQUIRE(page.totalCount);
    CHECK(*page.remaining == *page.totalCount - 5);
    for (auto const& row : *page.transactions)
        CHECK(row.key);

    meld::payments::transactions_search_request const filtered{
        .statuses = std::vector<std::string>{"SETTLED", "PENDING"},
        .serviceProviders = std::vector<std::string>{"TOPPER"},
        .limit = 10,
        .externalCustomerIds = std::vector<std::string>{"a b", "c,d"}};
    run_coro(ioc, [&]() -> asio::awaitable<void> { co_await meld.payments.transactions.search(filtered); });
    CHECK(sb.server().requests().at(1).target ==
          "/payments/transactions?statuses=SETTLED,PENDING&serviceProviders=TOPPER&limit=10"
          "&externalCustomerIds=a%20b,c%2Cd");
}

TEST_CASE("first slice: service_providers.countries returns the documented bare array")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    auto countries = run_coro(ioc, [&]() -> asio::awaitable<std::vector<meld::service_providers::country>> {
        meld::service_providers::countries_request const all{};
        co_return co_await meld.service_providers.countries(all);
    });
    REQUIRE_FALSE(countries.empty());
    bool has_us = false;
    for (auto const& c : countries)
        has_us = has_us || c.countryCode == "US";
    CHECK(has_us);
}

TEST_CASE("first slice: customers.create creates once and retrieves by externalId")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::customers::create_request req{.email = "jane@example.com", .externalId = "cust-42",
                                        .name = meld::customers::customer_name{.firstName = "Jane", .lastName = "Doe"}};
    auto first = run_coro(ioc, [&]() -> asio::awaitable<meld::customers::customer> {
        co_return co_await meld.customers.create(req);
    });
    auto second = run_coro(ioc, [&]() -> asio::awaitable<meld::customers::customer> {
        co_return co_await meld.customers.create(req);
    });
    REQUIRE(first.id);
    CHECK(first.id == second.id);
    CHECK(first.externalId == "cust-42");
    CHECK(sb.server().requests().at(0).body.find(R"("externalId":"cust-42")") != std::string::npos);
}
