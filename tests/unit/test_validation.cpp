// Unit tests: request validation from the specs' constraints (meld/validation.hpp, generated rule tables) and
// its hook in detail::build_request (nothing is built or sent for an invalid request).
#include <meld/detail/request_builder.hpp>
#include <meld/generated/endpoints/crypto.hpp>
#include <meld/generated/endpoints/customers.hpp>
#include <meld/generated/endpoints/service_providers.hpp>
#include <meld/validation.hpp>

#include <boost/describe/class.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

template <class T>
std::string violations(T const& v)
{
    std::string msg;
    auto const ec = meld::validate(v, msg);
    CHECK(static_cast<bool>(ec) == !msg.empty());
    if (ec)
        CHECK(ec == meld::client_errc::invalid_request);
    return msg;
}

meld::crypto::crypto_buy_session_data buy_data()
{
    return {.countryCode = "US",
            .destinationCurrencyCode = "BTC",
            .serviceProvider = meld::crypto::service_provider::TRANSAK,
            .sourceAmount = "100",
            .sourceCurrencyCode = "USD",
            .walletAddress = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"};
}

meld::crypto::create_widget_session_request widget_request()
{
    return {.sessionData = buy_data(), .sessionType = meld::crypto::session_type::BUY};
}

meld::crypto::quote_request quote()
{
    return {.countryCode = "US", .destinationCurrencyCode = "BTC", .sourceAmount = meld::decimal{"100"},
            .sourceCurrencyCode = "USD"};
}

// A hand-made model with a table using every rule kind the specs of 2026-02-03 do not exercise.
struct probe_item {
    std::optional<std::string> label{};
};
BOOST_DESCRIBE_STRUCT(probe_item, (), (label))

struct probe {
    std::optional<std::string> name{};
    std::optional<std::int32_t> count{};
    std::optional<meld::decimal> rate{};
    std::optional<std::string> code{};
    std::optional<std::map<std::string, probe_item, std::less<>>> tags{};
    std::optional<std::vector<std::string>> words{};
    std::optional<std::vector<probe_item>> items{};
};
BOOST_DESCRIBE_STRUCT(probe, (), (name, count, rate, code, tags, words, items))

}  // namespace

template <>
struct meld::validation_rules<probe_item> {
    static constexpr meld::field_rule rules[] = {
        {"label", meld::rule_kind::required, "", meld::rule_on::value},
        {"label", meld::rule_kind::max_length, "3", meld::rule_on::value},
    };
};

template <>
struct meld::validation_rules<probe> {
    static constexpr meld::field_rule rules[] = {
        {"name", meld::rule_kind::required, "", meld::rule_on::value},
        {"count", meld::rule_kind::minimum, "1", meld::rule_on::value},
        {"count", meld::rule_kind::maximum, "100", meld::rule_on::value},
        {"rate", meld::rule_kind::exclusive_minimum, "0", meld::rule_on::value},
        {"rate", meld::rule_kind::exclusive_maximum, "0.5", meld::rule_on::value},
        {"code", meld::rule_kind::pattern, "^[A-Z]{2}$", meld::rule_on::value},
        {"tags", meld::rule_kind::min_properties, "1", meld::rule_on::value},
        {"tags", meld::rule_kind::max_properties, "2", meld::rule_on::value},
        {"words", meld::rule_kind::max_items, "2", meld::rule_on::value},
        {"words", meld::rule_kind::min_length, "2", meld::rule_on::items},
        {"items", meld::rule_kind::unique_items, "", meld::rule_on::value},
    };
};

// ---- which types are checked at all ---------------------------------------------------------------------------

static_assert(meld::has_validation_rules<meld::customers::create_request>);
static_assert(meld::has_validation_rules<meld::crypto::create_widget_session_request>);  // via sessionData too
static_assert(!meld::has_validation_rules<meld::service_providers::countries_request>);  // nothing to check
static_assert(!meld::has_validation_rules<meld::customers::customer>);                   // response model
static_assert(meld::has_validation_rules<std::vector<meld::crypto::crypto_buy_session_data>>);

TEST_CASE("validation: customers.create dateOfBirth pattern")
{
    meld::customers::create_request req{.dateOfBirth = "1990-03-15", .externalId = "cust-42"};
    CHECK(violations(req).empty());
    req.dateOfBirth.reset();
    CHECK(violations(req).empty());  // optional: checked only when present

    for (char const* bad : {"1990-13-01", "1990-03-32", "90-03-15", "1990-3-15", "x1990-03-15", "1990-03-15\n",
                            "1990-03-15T00:00:00Z", ""}) {
        INFO(bad);
        req.dateOfBirth = bad;
        CHECK(violations(req) == R"([dateOfBirth] must match ^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$)");
    }
    for (char const* good : {"2000-02-29", "1999-12-31", "0001-01-01"}) {
        INFO(good);
        req.dateOfBirth = good;
        CHECK(violations(req).empty());
    }
}

TEST_CASE("validation: crypto quote sourceAmount minimum 0, compared exactly")
{
    auto req = quote();
    CHECK(violations(req).empty());
    for (char const* ok : {"0", "-0", "0.000000000000000000000000001", "1e-30", "100.00"}) {
        INFO(ok);
        req.sourceAmount = meld::decimal{ok};
        CHECK(violations(req).empty());
    }
    for (char const* bad : {"-0.01", "-1e-30", "-0.000000000000000000000000001", "-100"}) {
        INFO(bad);
        req.sourceAmount = meld::decimal{bad};
        CHECK(violations(req) == "[sourceAmount] must be >= 0");
    }
}

TEST_CASE("validation: minLength counts characters, required strings included")
{
    auto req = quote();
    req.destinationCurrencyCode = "";  // required plain std::string with minLength 1
    CHECK(violations(req) == "[destinationCurrencyCode] length must be >= 1");
    req.destinationCurrencyCode = "\xC3\xA9";  // "é": one code point, two bytes
    CHECK(violations(req).empty());

    auto w = widget_request();
    std::get<meld::crypto::crypto_buy_session_data>(w.sessionData).walletAddress = "";
    CHECK(violations(w) == "[sessionData.walletAddress] length must be >= 1");
}

TEST_CASE("validation: a request enum value that is not one of the spec's values")
{
    auto w = widget_request();
    w.sessionType = meld::crypto::session_type::from_string("RENT");
    CHECK(violations(w) == "[sessionType] must be one of BUY, SELL, TRANSFER");
    w.sessionType = {};  // a required enum left unset is unknown too
    CHECK(violations(w) == "[sessionType] must be one of BUY, SELL, TRANSFER");

    meld::customers::create_request c{.type = meld::customers::customer_type::from_string("PERSON")};
    CHECK(violations(c) == "[type] must be one of INDIVIDUAL, BUSINESS");
}

TEST_CASE("validation: nested variant alternative, array elements, minItems and uniqueItems")
{
    auto w = widget_request();
    auto& buy = std::get<meld::crypto::crypto_buy_session_data>(w.sessionData);
    buy.lockFields = std::vector<meld::crypto::lock_field>{meld::crypto::lock_field::walletAddress,
                                                           meld::crypto::lock_field::from_string("colour")};
    CHECK(violations(w) == "[sessionData.lockFields[1]] must be one of cryptoCurrency, destinationCurrencyCode, "
                           "sourceCurrencyCode, walletAddress, sourceAmount, paymentMethodType");
    buy.lockFields->pop_back();
    CHECK(violations(w).empty());

    // the active alternative is the one checked
    w.sessionData = meld::crypto::crypto_transfer_session_data{.countryCode = "US",
                                                               .serviceProvider = meld::crypto::service_provider::TRANSAK};
    w.sessionType = meld::crypto::session_type::TRANSFER;
    CHECK(violations(w) == "[sessionData.sourceCurrencyCodes] size must be >= 1");
    std::get<meld::crypto::crypto_transfer_session_data>(w.sessionData).sourceCurrencyCodes = {"USDC", "ETH", "USDC"};
    CHECK(violations(w) == "[sessionData.sourceCurrencyCodes] items must be unique");
    std::get<meld::crypto::crypto_transfer_session_data>(w.sessionData).sourceCurrencyCodes = {"USDC", "ETH"};
    CHECK(violations(w).empty());

    meld::customers::kyc_initiate_request kyc{
        .customerId = "WmYYgvN8ukpV62N3m4u3ee",
        .kycShareProviders = std::vector<meld::customers::service_provider>{meld::customers::service_provider::NOAH,
                                                                            meld::customers::service_provider::NOAH},
        .mode = meld::customers::kyc_initiate_request_mode::HOSTED_URL,
        .serviceProvider = meld::customers::initiate_kyc_response_service_provider::SUMSUB};
    CHECK(violations(kyc) == "[kycShareProviders] items must be unique");
    kyc.serviceProviderDetails = meld::customers::sumsub_token_import_kyc_details{.kycToken = "", .applicantId = "a"};
    kyc.kycShareProviders->back() = meld::customers::service_provider::DUENETWORK;
    CHECK(violations(kyc) == "[serviceProviderDetails.kycToken] length must be >= 1");
}

TEST_CASE("validation: every violation is reported, joined by '; ', capped")
{
    auto w = widget_request();
    w.sessionType = {};
    auto& buy = std::get<meld::crypto::crypto_buy_session_data>(w.sessionData);
    buy.destinationCurrencyCode = "";
    buy.serviceProvider = {};
    CHECK(violations(w) == "[sessionData.destinationCurrencyCode] length must be >= 1; "
                           "[sessionData.serviceProvider] must be one of ACROSS, AEROPAY, AKOYA, ALCHEMYPAY, APPLEPAY, "
                           "AUTHORIZENET, BANXA, BILIRA, BINANCECONNECT, BINANCEPAY, BLOCKCHAINDOTCOM, BOOMFI, "
                           "BRAINTREE, BRALE, BTCDIRECT, CASHAPP, CHECKOUT, CIRCLE, COINBASEPAY, COINFLOW, DUENETWORK, "
                           "ELDORADO, FINICITY, FONBNK, GUARDARIAN, HARBOUR, KOYWE, KRYPTONIM, MERCURYO, MESH, MESO, "
                           "MOONPAY, MOOV, MX, NMI, NOAH, ONMETA, ONRAMPMONEY, PAYBIS, PAYPAL, PLAID, RAMP, REVOLUT, "
                           "ROBINHOOD, ROUTERPROTOCOL, SALTEDGE, SALTEDGEPARTNERS, SARDINE, SHIFT4, SHOPIFY, SIMPLEX, "
                           "SKRILLCRYPTO, SQUARE, STRIPE, SUMSUB, SWAPPED, TANGOCARD, TELLER, TOPPER, TRANSAK, "
                           "TREMENDOUS, TRANSFI, UNLIMIT, WYRE, XANPOOL, YELLOWCARD, YODLEE; "
                           "[sessionType] must be one of BUY, SELL, TRANSFER");

    std::vector<meld::crypto::crypto_buy_session_data> many(12, buy_data());
    for (auto& b : many)
        b.sourceAmount = "";
    auto const msg = violations(many);
    CHECK(msg.rfind("[[0].sourceAmount] length must be >= 1; [[1].sourceAmount]", 0) == 0);
    CHECK(msg.find("[[9].sourceAmount] length must be >= 1; ... and 2 more") != std::string::npos);
    CHECK(msg.find("[[10]") == std::string::npos);
}

TEST_CASE("validation: required, integer and exclusive bounds, maxLength, map and array sizes, items rules")
{
    probe p{.name = "x"};
    CHECK(violations(p).empty());
    CHECK(violations(probe{}) == "[name] must not be null");

    p.count = 0;
    CHECK(violations(p) == "[count] must be >= 1");
    p.count = 101;
    CHECK(violations(p) == "[count] must be <= 100");
    p.count = 100;
    CHECK(violations(p).empty());

    p.rate = meld::decimal{"0"};
    CHECK(violations(p) == "[rate] must be > 0");
    p.rate = meld::decimal{"0.50"};
    CHECK(violations(p) == "[rate] must be < 0.5");
    p.rate = meld::decimal{"0.4999999999999999999999"};
    CHECK(violations(p).empty());

    p.code = "us";
    CHECK(violations(p) == "[code] must match ^[A-Z]{2}$");
    p.code = "US";

    p.tags = std::map<std::string, probe_item, std::less<>>{};
    CHECK(violations(p) == "[tags] size must be >= 1");
    (*p.tags)["a"] = probe_item{.label = "abcd"};
    (*p.tags)["b"] = probe_item{};
    CHECK(violations(p) == "[tags[a].label] length must be <= 3; [tags[b].label] must not be null");
    (*p.tags)["a"].label = "abc";
    (*p.tags)["b"].label = "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC";  // three euro signs: 9 bytes, 3 characters
    (*p.tags)["c"].label = "c";
    CHECK(violations(p) == "[tags] size must be <= 2");
    p.tags->erase("c");

    p.words = std::vector<std::string>{"ok", "x"};
    CHECK(violations(p) == "[words[1]] length must be >= 2");
    p.words = std::vector<std::string>{"ok", "no", "yes"};
    CHECK(violations(p) == "[words] size must be <= 2");
    p.words->pop_back();

    p.items = std::vector<probe_item>{probe_item{.label = "a"}, probe_item{.label = "b"}, probe_item{.label = "a"}};
    CHECK(violations(p) == "[items] items must be unique");  // structs compared by their JSON
    p.items->back().label = "c";
    CHECK(violations(p).empty());
}

TEST_CASE("validation: the pattern matcher on the specs' patterns (ECMAScript, unanchored search)")
{
    using meld::detail::validation::pattern_matcher;
    pattern_matcher const dob(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$)");
    CHECK(dob.search("1990-03-15"));
    CHECK_FALSE(dob.search("1990-00-15"));
    CHECK_FALSE(dob.search(" 1990-03-15"));

    pattern_matcher const country("^[A-Z]{2}$");
    CHECK(country.search("US"));
    CHECK_FALSE(country.search("USA"));
    CHECK_FALSE(country.search("U"));
    CHECK_FALSE(country.search("us"));

    pattern_matcher const ip(R"(^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$)");
    CHECK(ip.search("192.168.0.1"));
    CHECK(ip.search("255.255.255.255"));
    CHECK_FALSE(ip.search("256.1.1.1"));
    CHECK_FALSE(ip.search("1.2.3"));
    CHECK_FALSE(ip.search("1.2.3.4.5"));

    pattern_matcher const url("^https?://.+$");
    CHECK(url.search("https://yourapp.com/done"));
    CHECK_FALSE(url.search("https://"));
    CHECK_FALSE(url.search("https://a\nb"));  // '.' does not match a line terminator
    CHECK_FALSE(url.search("ftp://x"));
    // std::regex (libstdc++) recurses once per character here and overflows the stack near 50 kB
    CHECK(url.search("https://" + std::string(1000000, 'a')));
    CHECK_FALSE(url.search("https://" + std::string(1000000, 'a') + "\n"));

    // unanchored search, alternation, classes, escapes, counted and lazy repetition, code points
    CHECK(pattern_matcher("b+").search("abbbc"));
    CHECK(pattern_matcher("^(?:ab|cd)*$").search("abcdab"));
    CHECK_FALSE(pattern_matcher("^(?:ab|cd)*$").search("abc"));
    CHECK(pattern_matcher(R"(^[^\s@]+@[^\s@]+\.[a-z]{2,}?$)").search("jane@example.com"));
    CHECK_FALSE(pattern_matcher(R"(^[^\s@]+@[^\s@]+\.[a-z]{2,}$)").search("jane doe@example.com"));
    CHECK(pattern_matcher("^.$").search("\xE2\x82\xAC"));  // one character, three bytes
    CHECK(pattern_matcher(R"(^\u20AC{2}x{1,3}[\-a]?$)").search("\xE2\x82\xAC\xE2\x82\xACxx-"));
    CHECK(pattern_matcher("^a{2,}$").search("aaaa"));
    CHECK_FALSE(pattern_matcher("^a{2,3}$").search("aaaa"));
    CHECK(pattern_matcher("^x{1}}$").search("x}"));
    CHECK(pattern_matcher("(a*)*b").search(std::string(10000, 'a') + "b"));  // no exponential blow-up
    CHECK_FALSE(pattern_matcher("(a*)*b").search(std::string(10000, 'a')));
    CHECK(pattern_matcher("[]|^$").search(""));
    CHECK(pattern_matcher("^[^]$").search("\n"));

    CHECK_THROWS_AS(pattern_matcher("(?=a)"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher(R"((a)\1)"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher(R"(\bword)"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher("(a"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher("a)"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher("[z-a]"), std::invalid_argument);
    CHECK_THROWS_AS(pattern_matcher("*a"), std::invalid_argument);
}

TEST_CASE("validation: a long value through a pattern rule")
{
    meld::customers::create_request req{.dateOfBirth = std::string(200000, '1')};
    CHECK(violations(req).rfind("[dateOfBirth] must match", 0) == 0);
}

TEST_CASE("validation: build_request refuses an invalid request and builds nothing")
{
    using create = meld::endpoints::customers::create;
    meld::customers::create_request const bad{.dateOfBirth = "15/03/1990", .externalId = "cust-42"};
    auto const p = meld::detail::build_request<create>(bad, {});
    CHECK(p.build_error == meld::client_errc::invalid_request);
    CHECK(p.build_message ==
          R"([dateOfBirth] must match ^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$)");
    CHECK(p.target.empty());
    CHECK(p.body.empty());

    meld::customers::create_request const good{.dateOfBirth = "1990-03-15", .externalId = "cust-42"};
    auto const q = meld::detail::build_request<create>(good, {});
    CHECK_FALSE(q.build_error);
    CHECK(q.build_message.empty());
    CHECK(q.target == "/accounts/customers");
    CHECK(q.body == R"({"dateOfBirth":"1990-03-15","externalId":"cust-42"})");

    // a nested violation in a call: the path names the field inside the variant
    auto w = widget_request();
    std::get<meld::crypto::crypto_buy_session_data>(w.sessionData).sourceCurrencyCode = "";
    auto const r = meld::detail::build_request<meld::endpoints::crypto::create_widget_session>(w, {});
    CHECK(r.build_error == meld::client_errc::invalid_request);
    CHECK(r.build_message == "[sessionData.sourceCurrencyCode] length must be >= 1");

    // no rules: nothing checked, the request builds as before
    meld::service_providers::countries_request const all{};
    auto const s = meld::detail::build_request<meld::endpoints::service_providers::countries>(all, {});
    CHECK_FALSE(s.build_error);
    CHECK(s.target == "/service-providers/properties/countries");
}
