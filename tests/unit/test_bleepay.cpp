// Unit tests (no network) for the Bleepay client: client-side validation of every documented constraint,
// request building (path, body), the auth profile per credential, response decoding, and invalid requests
// completing at once through every kind of completion token without opening a connection.
#include <meld/bleepay.hpp>
#include <meld/json/decode.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <type_traits>

namespace asio = boost::asio;
namespace bleepay = meld::bleepay;

namespace {

/// The documented example request (CATALOG §5.5).
bleepay::create_session_request valid_request()
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

/// The validation message for `r`, or "" when it is valid.
std::string violation(bleepay::create_session_request const& r)
{
    std::string msg;
    auto const ec = bleepay::validate(r, &msg);
    if (!ec) {
        CHECK(msg.empty());
        return {};
    }
    CHECK(ec == meld::client_errc::invalid_request);
    CHECK_FALSE(msg.empty());
    return msg;
}

bool mentions(std::string const& msg, std::string const& field)
{
    return msg.find("[" + field + "] ") != std::string::npos;
}

std::string metadata_of_size(std::size_t bytes)
{
    // {"k":"xxx..."} is 8 bytes + the x's
    REQUIRE(bytes >= 8);
    return R"({"k":")" + std::string(bytes - 8, 'x') + R"("})";
}

}  // namespace

TEST_CASE("bleepay validation: the documented example is valid, with and without the optional fields")
{
    auto r = valid_request();
    CHECK(violation(r).empty());
    r.customerEmail.reset();
    r.customerReference.reset();
    r.metadata.reset();
    CHECK(violation(r).empty());
    r.metadata = meld::raw_json(R"({"orderId":"12345","tags":["a","b"],"n":1.50})");
    CHECK(violation(r).empty());
}

TEST_CASE("bleepay validation: amount is a positive decimal string of 1-32 characters")
{
    auto r = valid_request();
    for (char const* ok : {"1", "0.5", "100", "25.50", "0001", "12345678901234567890123456789012"}) {
        r.amount = ok;
        INFO(ok);
        CHECK(violation(r).empty());
    }
    r.amount = "";
    CHECK(mentions(violation(r), "amount"));
    CHECK(violation(r).find("1 to 32 characters") != std::string::npos);
    r.amount = std::string(33, '1');  // 33 characters: above the bound
    CHECK(mentions(violation(r), "amount"));
    CHECK(violation(r).find("(got 33)") != std::string::npos);
    for (char const* bad : {"0", "0.000", "-1", "+1", "1e5", ".5", "5.", "1.2.3", " 1", "1 ", "abc", "1,5", "0x10"}) {
        r.amount = bad;
        INFO(bad);
        auto const msg = violation(r);
        CHECK(mentions(msg, "amount"));
        CHECK(msg.find("positive decimal") != std::string::npos);
    }
}

TEST_CASE("bleepay validation: currency matches ^[A-Z0-9]{2,8}$")
{
    auto r = valid_request();
    for (char const* ok : {"US", "USDC", "ETH2", "ABCDEFGH", "12"}) {
        r.currency = ok;
        INFO(ok);
        CHECK(violation(r).empty());
    }
    for (char const* bad : {"", "U", "ABCDEFGHI", "usdc", "US-D", "US DC", "ÜSDC"}) {
        r.currency = bad;
        INFO(bad);
        auto const msg = violation(r);
        CHECK(mentions(msg, "currency"));
        CHECK(msg.find("^[A-Z0-9]{2,8}$") != std::string::npos);
    }
}

TEST_CASE("bleepay validation: string lengths at and beyond their bounds")
{
    struct bound {
        char const* field;
        std::string bleepay::create_session_request::*member;
        std::size_t min, max;
    };
    for (auto const& b : {bound{"network", &bleepay::create_session_request::network, 4, 66},
                          bound{"currencyAddress", &bleepay::create_session_request::currencyAddress, 0, 66},
                          bound{"depositAddress", &bleepay::create_session_request::depositAddress, 1, 128}}) {
        INFO(b.field);
        auto r = valid_request();
        r.*b.member = std::string(b.min, 'a');
        CHECK(violation(r).empty());
        r.*b.member = std::string(b.max, 'a');
        CHECK(violation(r).empty());
        r.*b.member = std::string(b.max + 1, 'a');
        auto msg = violation(r);
        CHECK(mentions(msg, b.field));
        CHECK(msg.find(std::to_string(b.min) + " to " + std::to_string(b.max) + " characters") != std::string::npos);
        if (b.min > 0) {
            r.*b.member = std::string(b.min - 1, 'a');
            CHECK(mentions(violation(r), b.field));
        }
    }

    struct optional_bound {
        char const* field;
        std::optional<std::string> bleepay::create_session_request::*member;
    };
    for (auto const& b : {optional_bound{"customerEmail", &bleepay::create_session_request::customerEmail},
                          optional_bound{"customerReference", &bleepay::create_session_request::customerReference}}) {
        INFO(b.field);
        auto r = valid_request();
        r.*b.member = std::nullopt;  // absent: fine
        CHECK(violation(r).empty());
        r.*b.member = std::string(1, 'a');
        CHECK(violation(r).empty());
        r.*b.member = std::string(128, 'a');
        CHECK(violation(r).empty());
        r.*b.member = std::string();  // present but empty: below 1
        CHECK(mentions(violation(r), b.field));
        r.*b.member = std::string(129, 'a');
        CHECK(mentions(violation(r), b.field));
    }
}

TEST_CASE("bleepay validation: lengths count Unicode characters, not bytes")
{
    auto r = valid_request();
    std::string const e_acute = "\xC3\xA9";  // U+00E9, 2 bytes
    std::string ref;
    for (int i = 0; i < 128; ++i) ref += e_acute;  // 256 bytes, 128 characters
    r.customerReference = ref;
    CHECK(violation(r).empty());
    r.customerReference = ref + e_acute;
    CHECK(mentions(violation(r), "customerReference"));
    CHECK(bleepay::detail::char_count("\xF0\x9F\x92\xB8") == 1);  // U+1F4B8, 4 bytes
    CHECK(bleepay::detail::char_count("a\xFF" "b") == 3);        // an invalid byte counts as one
}

TEST_CASE("bleepay validation: widgetId must not be empty")
{
    auto r = valid_request();
    r.widgetId.clear();
    CHECK(mentions(violation(r), "widgetId"));
}

TEST_CASE("bleepay validation: metadata is a JSON object of 1-2048 bytes")
{
    auto r = valid_request();
    r.metadata = meld::raw_json("{}");  // the smallest object: 2 bytes
    CHECK(violation(r).empty());
    r.metadata = meld::raw_json(metadata_of_size(2048));
    CHECK(r.metadata->text().size() == 2048);
    CHECK(violation(r).empty());
    r.metadata = meld::raw_json(metadata_of_size(2049));
    auto msg = violation(r);
    CHECK(mentions(msg, "metadata"));
    CHECK(msg.find("1 to 2048 bytes") != std::string::npos);
    CHECK(msg.find("(got 2049)") != std::string::npos);

    for (char const* bad : {"[]", "[1]", "\"text\"", "42", "null", "true", "{", "{\"a\":1} {}", "not json"}) {
        INFO(bad);
        r.metadata = meld::raw_json(bad);
        msg = violation(r);
        CHECK(mentions(msg, "metadata"));
        CHECK(msg.find("must be a JSON object") != std::string::npos);
    }
    r.metadata = meld::raw_json();  // present but empty: would be sent as null
    CHECK(mentions(violation(r), "metadata"));
}

TEST_CASE("bleepay validation: every violation is named, and values are not echoed")
{
    bleepay::create_session_request const r{.amount = "-5",
                                            .currency = "usdc",
                                            .currencyAddress = std::string(67, 'c'),
                                            .customerEmail = "",
                                            .customerReference = std::string(129, 'r'),
                                            .depositAddress = "",
                                            .metadata = meld::raw_json("[]"),
                                            .network = "eth",
                                            .widgetId = ""};
    auto const msg = violation(r);
    for (char const* field : {"widgetId", "amount", "currency", "network", "currencyAddress", "depositAddress",
                              "customerEmail", "customerReference", "metadata"}) {
        INFO(field);
        CHECK(mentions(msg, field));
    }
    CHECK(msg.rfind("[widgetId] must not be empty; [amount] ", 0) == 0);
    CHECK(msg.find("-5") == std::string::npos);
    CHECK(msg.find("usdc") == std::string::npos);
}

TEST_CASE("bleepay request building: path, percent-encoded widgetId, body members, no query or headers")
{
    auto const prepare = [](auto const& req, meld::call_params const& opts = {}) {
        return meld::detail::build_request<bleepay::endpoints::create_session>(req, opts);
    };

    auto r = valid_request();
    auto p = prepare(r);
    CHECK_FALSE(p.build_error);
    CHECK(p.method == meld::http_method::post);
    CHECK(p.target == "/api/v1/widgets/wdgt_abc/create-session");
    CHECK(p.has_body);
    CHECK(p.requires_auth);
    CHECK(p.headers.empty());
    CHECK(p.idempotency_key.empty());
    CHECK(p.meld_version.empty());
    CHECK(p.body == R"({"amount":"100","currency":"USDC",)"
                    R"("currencyAddress":"0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174",)"
                    R"("customerEmail":"customer@example.com","customerReference":"order_12345",)"
                    R"("depositAddress":"0xMerchantWalletAddress","network":"polygon"})");

    // absent optionals are omitted, an empty currencyAddress is sent, metadata goes verbatim
    r.customerEmail.reset();
    r.customerReference.reset();
    r.currencyAddress.clear();
    r.metadata = meld::raw_json(R"({"order":{"id":"o-1","total":100.10}})");
    r.widgetId = "wdgt/a b?";
    p = prepare(r, meld::call_params{.request_timeout = std::chrono::milliseconds{1234}});
    CHECK_FALSE(p.build_error);
    CHECK(p.target == "/api/v1/widgets/wdgt%2Fa%20b%3F/create-session");
    CHECK(p.body == R"({"amount":"100","currency":"USDC","currencyAddress":"",)"
                    R"("depositAddress":"0xMerchantWalletAddress",)"
                    R"("metadata":{"order":{"id":"o-1","total":100.10}},"network":"polygon"})");
    REQUIRE(p.timeout);
    CHECK(p.timeout->count() == 1234);

    // per-call idempotency keys and Meld-Version do not apply to Bleepay
    p = prepare(valid_request(), meld::call_params{.meld_version = "2026-01-01", .idempotency_key = "k"});
    CHECK(p.idempotency_key.empty());
}

TEST_CASE("bleepay request building: an invalid request carries the error and no wire content")
{
    auto r = valid_request();
    r.network = "eth";
    auto const p = meld::detail::build_request<bleepay::endpoints::create_session>(r, {});
    CHECK(p.build_error == meld::client_errc::invalid_request);
    CHECK(p.build_message.find("[network] must be 4 to 66 characters long (got 3)") != std::string::npos);
    CHECK(p.target.empty());
    CHECK(p.body.empty());
}

TEST_CASE("bleepay auth profile: bearer JWT or X-Client-Secret, never Meld-Version")
{
    bleepay::client_params params{.auth = bleepay::bearer_token{"eyJhbGciOiJIUzI1NiJ9.e30.sig"}};
    CHECK(params.base_url == "https://payments.bleepay.com");
    auto profile = bleepay::detail::profile_for(params.auth);
    CHECK(profile.auth_header == "Authorization");
    CHECK(profile.auth_prefix == "Bearer ");
    CHECK_FALSE(profile.send_meld_version);
    auto ep = bleepay::detail::engine_params(params);
    CHECK(ep.api_key == "eyJhbGciOiJIUzI1NiJ9.e30.sig");
    CHECK(ep.base_url == "https://payments.bleepay.com");

    params.auth = bleepay::client_secret{"wdgt_secret_abc123"};
    params.request_timeout = std::chrono::milliseconds{777};
    params.pool_size = 3;
    profile = bleepay::detail::profile_for(params.auth);
    CHECK(profile.auth_header == "X-Client-Secret");
    CHECK(profile.auth_prefix.empty());
    CHECK_FALSE(profile.send_meld_version);
    ep = bleepay::detail::engine_params(params);
    CHECK(ep.api_key == "wdgt_secret_abc123");
    CHECK(ep.request_timeout.count() == 777);
    CHECK(ep.pool_size == 3);
}

TEST_CASE("bleepay client: unusable base URLs are refused at construction")
{
    asio::io_context ioc;
    CHECK_THROWS_AS((bleepay::client{ioc.get_executor(), {.base_url = "https://payments.bleepay.com/api/v1"}}),
                    boost::system::system_error);
    CHECK_THROWS_AS((bleepay::client{ioc.get_executor(), {.base_url = "http://payments.bleepay.com"}}),
                    boost::system::system_error);
    bleepay::client ok{ioc.get_executor(), {.auth = bleepay::client_secret{"s"}}};
    CHECK(ok.params().base_url == bleepay::production);
    CHECK(std::holds_alternative<bleepay::client_secret>(ok.params().auth));
}

TEST_CASE("bleepay client: an invalid request completes at once with invalid_request, through every token")
{
    asio::io_context ioc;
    // an unroutable port: any attempt to connect would fail with connect_failed, not invalid_request
    bleepay::client bp{ioc.get_executor(), {.base_url = "https://127.0.0.1:1", .auth = bleepay::client_secret{"s"}}};
    auto bad = valid_request();
    bad.currency = "usdc";

    // callback
    std::optional<meld::error_code> cb_ec;
    bp.create_session(bad, [&](meld::error_code ec, bleepay::create_session_response) { cb_ec = ec; });
    // use_future
    auto fut = bp.create_session(bad, asio::use_future);
    // deferred
    std::optional<meld::error_code> deferred_ec;
    bp.create_session(bad, asio::deferred)([&](meld::error_code ec, bleepay::create_session_response) {
        deferred_ec = ec;
    });
    // default token (throws meld::error), as_tuple, and the diagnostics& form
    std::optional<std::string> thrown;
    meld::error_code tuple_ec;
    meld::diagnostics diag;
    meld::error_code diag_ec;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            try {
                co_await bp.create_session(bad);
            } catch (meld::error const& e) {
                CHECK(e.code() == meld::client_errc::invalid_request);
                CHECK(e.status() == 0);
                thrown = e.what();
            }
            auto [ec, resp] = co_await bp.create_session(bad, asio::as_tuple(asio::use_awaitable));
            tuple_ec = ec;
            CHECK_FALSE(resp.id);
            auto [ec2, resp2] = co_await bp.create_session(bad, diag,
                                                           asio::as_tuple(asio::use_awaitable));
            diag_ec = ec2;
            (void)resp2;
        },
        asio::detached);
    ioc.run();

    CHECK(cb_ec == meld::client_errc::invalid_request);
    CHECK_THROWS_AS(fut.get(), boost::system::system_error);
    CHECK(deferred_ec == meld::client_errc::invalid_request);
    REQUIRE(thrown);
    CHECK(thrown->find("[currency] must match ^[A-Z0-9]{2,8}$") != std::string::npos);
    CHECK(tuple_ec == meld::client_errc::invalid_request);
    CHECK(diag_ec == meld::client_errc::invalid_request);
    CHECK(diag.client_message().find("[currency] ") != std::string::npos);
    CHECK(diag.http_status() == 0);
    CHECK(bp.connections_opened() == 0);
}

TEST_CASE("bleepay response: the documented example decodes; paymentStatus is an open enum")
{
    constexpr std::string_view body = R"({
  "id": "dep_a1b2c3d4e5f6",
  "paymentStatus": "CREATED",
  "amount": "100",
  "currency": "USDC",
  "network": "polygon",
  "currencyAddress": "0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174",
  "depositAddress": "0xMerchantWalletAddress",
  "expiresAt": "2026-06-09T12:30:00.000Z",
  "clientSecret": "dep_secret_xyz..."
})";
    bleepay::create_session_response r;
    std::string msg;
    REQUIRE_FALSE(meld::json::decode(body, r, &msg));
    CHECK(*r.id == "dep_a1b2c3d4e5f6");
    REQUIRE(r.paymentStatus);
    CHECK(*r.paymentStatus == bleepay::payment_status::CREATED);
    CHECK(r.paymentStatus->get() == bleepay::payment_status::CREATED);
    CHECK(*r.amount == "100");
    CHECK(*r.currency == "USDC");
    CHECK(*r.network == "polygon");
    CHECK(*r.currencyAddress == "0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174");
    CHECK(*r.depositAddress == "0xMerchantWalletAddress");
    CHECK(*r.clientSecret == "dep_secret_xyz...");
    REQUIRE(r.expiresAt);
    CHECK(r.expiresAt->text() == "2026-06-09T12:30:00.000Z");
    CHECK(*r.expiresAt == meld::timestamp("2026-06-09T12:30:00Z"));

    REQUIRE_FALSE(meld::json::decode(R"({"paymentStatus":"PENDING"})", r));
    CHECK(*r.paymentStatus == bleepay::payment_status::PENDING);
    REQUIRE_FALSE(meld::json::decode(R"({"paymentStatus":"CONFIRMED"})", r));
    CHECK(*r.paymentStatus == bleepay::payment_status::CONFIRMED);
    REQUIRE_FALSE(meld::json::decode(R"({"paymentStatus":"EXPIRED","extra":1})", r));
    CHECK_FALSE(r.paymentStatus->is_known());
    CHECK(r.paymentStatus->str() == "EXPIRED");
    CHECK(r.paymentStatus->get() == bleepay::payment_status::unknown);
}
