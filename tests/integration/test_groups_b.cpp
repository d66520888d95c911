// Integration tests, groups B: webhooks (profiles), network_partners and activity_log.
// (bank_linking is in test_groups_c.cpp.) Every operation goes through meld::client over TLS against the
// local sandbox and checks the typed result. Requests are named variables before co_await.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace asio = boost::asio;
using meld_test::call;
using meld_test::call_error;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

// ---- webhooks -----------------------------------------------------------------------------------------------------

TEST_CASE("groups: webhooks event types and profiles")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::webhooks;

    event_types_request const et{};
    auto types = call(ioc, [&] { return meld.webhooks.event_types(et); });
    REQUIRE(types.size() == 19);
    CHECK(types.front() == "TRANSACTION_CRYPTO_PENDING");

    profiles_create_request const b{.eventTypes = std::vector<event_type>{event_type::TRANSACTION_CRYPTO_COMPLETE},
                                    .name = "beta", .url = "https://example.com/hooks/beta"};
    profiles_create_request const a{.name = "alpha", .url = "https://example.com/hooks/alpha"};
    auto pb = call(ioc, [&] { return meld.webhooks.profiles.create(b); });
    auto pa = call(ioc, [&] { return meld.webhooks.profiles.create(a); });
    REQUIRE(pb.id);
    CHECK(pb.id->size() == 22);
    CHECK(pb.status == webhook_profile_status::ACTIVE);
    CHECK(pb.eventTypes->front() == "TRANSACTION_CRYPTO_COMPLETE");
    CHECK(pb.secret);

    profiles_get_request const get{.webhookProfileId = *pb.id};
    auto got = call(ioc, [&] { return meld.webhooks.profiles.get(get); });
    CHECK(got.url == "https://example.com/hooks/beta");

    // sorted by name, one per page
    profiles_search_request const first{.limit = 1};
    auto p1 = call(ioc, [&] { return meld.webhooks.profiles.search(first); });
    REQUIRE(p1.webhookProfiles->size() == 1);
    CHECK(p1.webhookProfiles->front().name == "alpha");
    CHECK(p1.remaining == 1);
    profiles_search_request const second{.after = *p1.webhookProfiles->front().key, .limit = 1};
    auto p2 = call(ioc, [&] { return meld.webhooks.profiles.search(second); });
    CHECK(p2.webhookProfiles->front().id == pb.id);
    CHECK(p2.remaining == 0);

    profiles_update_request const upd{.webhookProfileId = *pa.id, .status = webhook_profile_status::DISABLED};
    auto updated = call(ioc, [&] { return meld.webhooks.profiles.update(upd); });
    CHECK(updated.status == webhook_profile_status::DISABLED);
    CHECK(updated.name == "alpha");

    profiles_test_request const test{.webhookProfileId = *pa.id};
    auto t = call(ioc, [&] { return meld.webhooks.profiles.test(test); });
    CHECK(t.requestId->size() == 32);

    profiles_get_request const missing{.webhookProfileId = "WnoSuchProfile12345678"};
    auto [ec, code] = call_error(ioc, [&] { return meld.webhooks.profiles.get(missing); });
    CHECK(ec == meld::api_errc::not_found);
    CHECK(code == "NOT_FOUND");
}

// ---- network partners -----------------------------------------------------------------------------------------------

TEST_CASE("groups: network_partners supported countries, currencies, limits, partners, methods, routes")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::network_partners;

    supported_countries_request const c{};
    auto countries = call(ioc, [&] { return meld.network_partners.supported.countries(c); });
    REQUIRE(countries.countries->size() == 1);
    CHECK(countries.countries->front().countryCode == "US");
    CHECK(countries.countries->front().subdivisions->at(1) == "US-NY");
    supported_countries_request const scoped{.meldAccountId = "WOtherAccount123456789"};
    auto scoped_countries = call(ioc, [&] { return meld.network_partners.supported.countries(scoped); });
    CHECK(scoped_countries.countries->front().countryCode == "GB");

    supported_currencies_request const cur{};
    auto currencies = call(ioc, [&] { return meld.network_partners.supported.currencies(cur); });
    CHECK(currencies.currencies->front().currencyCode == "USDC");
    CHECK(currencies.currencies->front().decimalPlaces == 6);

    supported_fiat_limits_request const fl{};
    auto fiat = call(ioc, [&] { return meld.network_partners.supported.fiat_limits(fl); });
    auto const& limit = fiat.fiatLimits->front();
    CHECK(limit.min->text() == "10.0");
    CHECK(limit.max->text() == "10000.0");
    CHECK(limit.category == category::CRYPTO_ONRAMP);

    supported_kyc_limits_request const kl{};
    auto kyc = call(ioc, [&] { return meld.network_partners.supported.kyc_limits(kl); });
    CHECK(kyc.kycLimits->front().level2->text() == "10000");

    supported_partners_request const pr{};
    auto partners = call(ioc, [&] { return meld.network_partners.supported.partners(pr); });
    REQUIRE_FALSE(partners.empty());
    CHECK(partners.front().serviceProvider == "BANXA");
    supported_partners_request const none{.meldAccountId = "WOtherAccount123456789"};
    CHECK(call(ioc, [&] { return meld.network_partners.supported.partners(none); }).empty());

    supported_payment_methods_request const pm{};
    auto methods = call(ioc, [&] { return meld.network_partners.supported.payment_methods(pm); });
    CHECK(methods.front().method == "CREDIT_DEBIT_CARD");

    supported_routes_request const rt{.category = category::CRYPTO_ONRAMP, .countryCode = "US",
                                      .sourceCurrencyCode = "USD", .destinationCurrencyCode = "BTC"};
    auto routes = call(ioc, [&] { return meld.network_partners.supported.routes(rt); });
    REQUIRE_FALSE(routes.empty());
    CHECK(routes.front().partner == "BANXA");
    CHECK(routes.front().paymentMethods->front().limits->min->text() == "10.0");
    CHECK(sb.server().requests().back().target == "/network-partner/supported/routes/CRYPTO_ONRAMP/US/USD/BTC");

    // typed 400: network is only for crypto searches
    supported_currencies_request const bad{.network = "ETH", .type = currency_type::FIAT};
    auto [ec, code] = call_error(ioc, [&] { return meld.network_partners.supported.currencies(bad); });
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(code == "BAD_REQUEST");
}

// ---- activity log ----------------------------------------------------------------------------------------------------

TEST_CASE("groups: activity_log search and details")
{
    sandbox_fixture sb{{.seed = {.payment_transactions = 5}}};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::activity_log;

    search_request const s{.start = meld::timestamp{"2025-12-01T00:00:00Z"},
                           .end = meld::timestamp{"2025-12-31T00:00:00Z"}, .limit = 2};
    auto page = call(ioc, [&] { return meld.activity_log.search(s); });
    REQUIRE(page.activities->size() == 2);
    CHECK(page.count == 2);
    CHECK(page.remaining == 3);
    auto const& newest = page.activities->front();
    CHECK(newest.action == activity_response_action::PAYMENT_TRANSACTION_CREATED);
    CHECK(newest.entity->id == "WePZCYJW7cdXR7SxUMp8mE");
    CHECK(newest.occurredAt->text() == "2025-12-08T20:03:07.173223Z");

    details_request const d{.keys = std::vector<std::string>{*newest.key}};
    auto details = call(ioc, [&] { return meld.activity_log.details(d); });
    REQUIRE(details.size() == 1);
    CHECK(details[0].key == newest.key);
    CHECK(details[0].details);

    details_request const missing{.keys = std::vector<std::string>{"Knosuchkey"}};
    auto [ec, code] = call_error(ioc, [&] { return meld.activity_log.details(missing); });
    CHECK(ec == meld::api_errc::not_found);
    CHECK(code == "NOT_FOUND");
}
