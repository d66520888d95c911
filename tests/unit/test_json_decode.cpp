// tests/unit/test_json_decode.cpp — meld::json::decode: tolerant, exact decoding into described structs.
#include <meld/json/decode.hpp>

#include <boost/describe/class.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace test_models {

struct transaction_type : meld::open_enum<transaction_type> {
    enum value : int { unknown = -1, CRYPTO_PURCHASE, CRYPTO_SELL };
    static constexpr std::string_view names[] = {"CRYPTO_PURCHASE", "CRYPTO_SELL"};
    using open_enum::open_enum;
};

struct ramp_intelligence {
    std::optional<meld::decimal> rampScore;
    std::optional<bool> lowKyc;
};
BOOST_DESCRIBE_STRUCT(ramp_intelligence, (), (rampScore, lowKyc))

struct quote {
    std::optional<meld::decimal> destinationAmount;
    std::optional<meld::decimal> destinationAmountWithoutFees;
    std::optional<std::string> destinationCurrencyCode;
    std::optional<meld::decimal> exchangeRate;
    std::optional<meld::decimal> networkFee;
    std::optional<meld::decimal> partnerFee;
    std::optional<std::string> paymentMethodType;
    std::optional<ramp_intelligence> rampIntelligence;
    std::optional<std::string> serviceProvider;
    std::optional<meld::decimal> sourceAmount;
    std::optional<meld::decimal> sourceAmountWithoutFees;
    std::optional<std::string> sourceCurrencyCode;
    std::optional<meld::decimal> totalFee;
    std::optional<meld::decimal> transactionFee;
    std::optional<transaction_type> transactionType;
};
BOOST_DESCRIBE_STRUCT(quote, (),
                      (destinationAmount, destinationAmountWithoutFees, destinationCurrencyCode, exchangeRate,
                       networkFee, partnerFee, paymentMethodType, rampIntelligence, serviceProvider, sourceAmount,
                       sourceAmountWithoutFees, sourceCurrencyCode, totalFee, transactionFee, transactionType))

struct quote_response {
    std::optional<std::string> error;
    std::optional<std::string> message;
    std::optional<std::vector<quote>> quotes;
    std::optional<meld::timestamp> timestamp;
};
BOOST_DESCRIBE_STRUCT(quote_response, (), (error, message, quotes, timestamp))

// Non-optional members everywhere: null must leave them default-constructed.
struct plain {
    std::string name;
    bool flag = true;
    std::int32_t count = 7;
    meld::decimal amount;
    meld::timestamp at;
    transaction_type kind = transaction_type::CRYPTO_SELL;
    std::vector<std::string> tags;
    std::map<std::string, meld::decimal, std::less<>> limits;
    ramp_intelligence ramp;
    meld::raw_json details;
};
BOOST_DESCRIBE_STRUCT(plain, (), (name, flag, count, amount, at, kind, tags, limits, ramp, details))

struct country {
    std::string countryCode;
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> regions;
};
BOOST_DESCRIBE_STRUCT(country, (), (countryCode, name, regions))

struct numbers {
    std::int32_t i32 = 0;
    std::int64_t i64 = 0;
    std::uint8_t u8 = 0;
    std::uint64_t u64 = 0;
    meld::decimal d;
    std::string s;
};
BOOST_DESCRIBE_STRUCT(numbers, (), (i32, i64, u8, u64, d, s))

struct with_raw {
    std::optional<meld::raw_json> serviceProviderDetails;
    meld::raw_json other;
    std::string after;
};
BOOST_DESCRIBE_STRUCT(with_raw, (), (serviceProviderDetails, other, after))

struct node {
    std::string id;
    std::vector<std::vector<meld::decimal>> grid;
    std::map<std::string, std::vector<country>, std::less<>> by_region;
    std::optional<std::map<std::string, std::optional<std::string>, std::less<>>> attrs;
};
BOOST_DESCRIBE_STRUCT(node, (), (id, grid, by_region, attrs))

struct base_part {
    std::string id;
};
BOOST_DESCRIBE_STRUCT(base_part, (), (id))
struct derived_part : base_part {
    std::string extra;
};
BOOST_DESCRIBE_STRUCT(derived_part, (base_part), (extra))

// oneOf with a discriminator
struct card {
    std::string type;
    std::string last4;
};
BOOST_DESCRIBE_STRUCT(card, (), (type, last4))
struct bank {
    std::string type;
    std::string iban;
    std::optional<std::string> bic;
};
BOOST_DESCRIBE_STRUCT(bank, (), (type, iban, bic))
using payment = std::variant<card, bank>;

// oneOf without a discriminator: chosen by the members it recognises
struct wallet {
    std::string address;
    std::optional<std::string> tag;
};
BOOST_DESCRIBE_STRUCT(wallet, (), (address, tag))
struct account {
    std::string accountNumber;
    std::string routingNumber;
};
BOOST_DESCRIBE_STRUCT(account, (), (accountNumber, routingNumber))
using destination_kind = std::variant<wallet, account>;

struct with_variants {
    std::vector<payment> payments;
    std::optional<destination_kind> destination;
    std::variant<meld::decimal, std::string> amount_or_text;
};
BOOST_DESCRIBE_STRUCT(with_variants, (), (payments, destination, amount_or_text))

}  // namespace test_models

template <>
struct meld::json::variant_traits<test_models::payment> {
    static constexpr std::string_view discriminator = "type";
    static int index_for(std::string_view tag) { return tag == "CARD" ? 0 : tag == "BANK" ? 1 : -1; }
};

using namespace test_models;
using meld::decimal;
using meld::json::decode;

namespace {

char const* const documented_quote = R"({ "quotes": [ { "transactionType": "CRYPTO_PURCHASE", "sourceAmount": 100.00,
 "sourceAmountWithoutFees": 95.82, "fiatAmountWithoutFees": 95.82, "destinationAmountWithoutFees": null,
 "sourceCurrencyCode": "USD", "countryCode": "US", "totalFee": 4.18, "networkFee": 0.28, "transactionFee": 2.9,
 "partnerFee": 1, "destinationAmount": 0.00105423, "destinationCurrencyCode": "BTC", "exchangeRate": 94856.0,
 "paymentMethodType": "CREDIT_DEBIT_CARD", "serviceProvider": "TOPPER",
 "rampIntelligence": { "rampScore": 21.66, "lowKyc": false } } ], "message": null, "error": null, "timestamp": null })";

/// The failure message of a strict decode (a tolerant one would leave the wrong-typed member empty).
template <class T>
std::string failure(std::string_view json)
{
    T out{};
    std::string message;
    auto const ec = decode(json, out, meld::json::decode_options{.strict = true}, nullptr, &message);
    CHECK(ec == meld::client_errc::decode_failed);
    return message;
}

}  // namespace

TEST_CASE("json decode: documented crypto quote example")
{
    quote_response r;
    std::string message;
    REQUIRE_FALSE(decode(documented_quote, r, &message));
    CHECK(message.empty());
    CHECK_FALSE(r.message);
    CHECK_FALSE(r.error);
    CHECK_FALSE(r.timestamp);
    REQUIRE(r.quotes);
    REQUIRE(r.quotes->size() == 1);
    quote const& q = r.quotes->front();
    CHECK(q.transactionType == transaction_type::CRYPTO_PURCHASE);
    CHECK(q.sourceAmount->text() == "100.00");
    CHECK(*q.sourceAmount == decimal("100"));
    CHECK(q.sourceAmountWithoutFees->text() == "95.82");
    CHECK_FALSE(q.destinationAmountWithoutFees);
    CHECK(q.sourceCurrencyCode == "USD");
    CHECK(q.totalFee->text() == "4.18");
    CHECK(q.networkFee->text() == "0.28");
    CHECK(q.transactionFee->text() == "2.9");
    CHECK(q.partnerFee->text() == "1");
    CHECK(q.destinationAmount->text() == "0.00105423");
    CHECK(q.destinationCurrencyCode == "BTC");
    CHECK(q.exchangeRate->text() == "94856.0");
    CHECK(q.paymentMethodType == "CREDIT_DEBIT_CARD");
    CHECK(q.serviceProvider == "TOPPER");
    REQUIRE(q.rampIntelligence);
    CHECK(q.rampIntelligence->rampScore->text() == "21.66");
    CHECK(q.rampIntelligence->lowKyc == false);
}

TEST_CASE("json decode: unknown fields, unknown enum values and long fractions")
{
    char const* const json = R"({"newTopLevel":{"deep":[1,{"x":[[],{}]},"s\"tr"],"n":null},
      "quotes":[{"transactionType":"CRYPTO_TELEPORT","sourceAmount":2.00000000000000000000,
                 "destinationAmount":0.123456789012345678,"surprise":[true,false,null,1e400],
                 "rampIntelligence":{"rampScore":1,"futureScore":{"a":1},"lowKyc":true}},
                {"transactionType":"CRYPTO_SELL","destinationAmount":1E-18}],
      "timestamp":"2026-02-25T18:55:08.968360756Z","extra":"ignored"})";
    quote_response r;
    std::string message;
    REQUIRE_FALSE(decode(json, r, &message));
    REQUIRE(r.quotes->size() == 2);
    quote const& q = (*r.quotes)[0];
    CHECK_FALSE(q.transactionType->is_known());
    CHECK(q.transactionType->str() == "CRYPTO_TELEPORT");
    CHECK(q.sourceAmount->text() == "2.00000000000000000000");
    CHECK(q.destinationAmount->text() == "0.123456789012345678");
    CHECK(*q.destinationAmount != decimal("0.123456789012345679"));
    CHECK(q.rampIntelligence->lowKyc == true);
    CHECK((*r.quotes)[1].transactionType == transaction_type::CRYPTO_SELL);
    CHECK((*r.quotes)[1].destinationAmount->text() == "1E-18");
    REQUIRE(r.timestamp);
    CHECK(r.timestamp->text() == "2026-02-25T18:55:08.968360756Z");
}

TEST_CASE("json decode: null leaves optionals empty and other members default")
{
    char const* const json = R"({"name":null,"flag":null,"count":null,"amount":null,"at":null,"kind":null,
      "tags":null,"limits":null,"ramp":null,"details":null})";
    plain p;
    p.name = "before";
    REQUIRE_FALSE(decode(json, p));
    CHECK(p.name.empty());
    CHECK(p.flag == false);
    CHECK(p.count == 0);
    CHECK(p.amount == decimal("0"));
    CHECK(p.at == meld::timestamp());
    CHECK_FALSE(p.kind.is_known());
    CHECK(p.tags.empty());
    CHECK(p.limits.empty());
    CHECK_FALSE(p.ramp.rampScore);
    CHECK(p.details.is_null());
    CHECK(p.details.text() == "null");

    quote_response r;
    REQUIRE_FALSE(decode(R"({"quotes":null,"error":"No Valid Quote Combinations Found"})", r));
    CHECK_FALSE(r.quotes);
    CHECK(r.error == "No Valid Quote Combinations Found");

    std::optional<quote> top;
    REQUIRE_FALSE(decode("null", top));
    CHECK_FALSE(top);
}

TEST_CASE("json decode: absent members keep the defaults of a fresh value")
{
    plain p;
    p.name = "stale";
    p.tags = {"stale"};
    REQUIRE_FALSE(decode(R"({"count":3})", p));
    CHECK(p.name.empty());  // the whole object is replaced
    CHECK(p.tags.empty());
    CHECK(p.count == 3);
    CHECK(p.flag == true);  // default member initializer
    CHECK(p.kind == transaction_type::CRYPTO_SELL);
}

TEST_CASE("json decode: bare top-level arrays and scalars")
{
    std::vector<country> countries;
    REQUIRE_FALSE(decode(R"([{"countryCode":"US","name":"United States","regions":["CA","NY"]},
                              {"countryCode":"FR","name":null,"regions":null},{"countryCode":"#REF!"}])",
                         countries));
    REQUIRE(countries.size() == 3);
    CHECK(countries[0].regions == std::vector<std::string>{"CA", "NY"});
    CHECK_FALSE(countries[1].name);
    CHECK(countries[2].countryCode == "#REF!");

    std::vector<decimal> amounts;
    REQUIRE_FALSE(decode(" [1, 2.50, \"3.000\", -0.0e1] ", amounts));
    REQUIRE(amounts.size() == 4);
    CHECK(amounts[1].text() == "2.50");
    CHECK(amounts[2].text() == "3.000");
    CHECK(amounts[3].text() == "-0.0e1");

    std::string s;
    REQUIRE_FALSE(decode(R"("hello")", s));
    CHECK(s == "hello");
    decimal d;
    REQUIRE_FALSE(decode("123456789012345678901234567890.5", d));
    CHECK(d.text() == "123456789012345678901234567890.5");
    std::map<std::string, std::int64_t, std::less<>> m;
    REQUIRE_FALSE(decode(R"({"a":1,"b":-2})", m));
    CHECK(m == std::map<std::string, std::int64_t, std::less<>>{{"a", 1}, {"b", -2}});
}

TEST_CASE("json decode: nested objects, arrays and maps")
{
    char const* const json = R"({"id":"n1","grid":[[1,2.5],[],[0.00000000000000000001]],
      "by_region":{"EU":[{"countryCode":"FR"},{"countryCode":"DE"}],"NA":[]},
      "attrs":{"HostedURL":"https://x","none":null}})";
    node n;
    REQUIRE_FALSE(decode(json, n));
    REQUIRE(n.grid.size() == 3);
    CHECK(n.grid[0][1].text() == "2.5");
    CHECK(n.grid[1].empty());
    CHECK(n.grid[2][0].text() == "0.00000000000000000001");
    REQUIRE(n.by_region.size() == 2);
    CHECK(n.by_region["EU"][1].countryCode == "DE");
    CHECK(n.by_region["NA"].empty());
    REQUIRE(n.attrs);
    CHECK((*n.attrs)["HostedURL"] == "https://x");
    CHECK_FALSE((*n.attrs)["none"]);

    derived_part dp;
    REQUIRE_FALSE(decode(R"({"extra":"e","id":"i"})", dp));
    CHECK(dp.id == "i");
    CHECK(dp.extra == "e");
}

TEST_CASE("json decode: raw_json keeps subtrees as exact compact text")
{
    char const* const json = R"({"serviceProviderDetails": { "message" : "Card declined",
        "amount": 100.00, "rate": 1e-8, "list": [ 1 , 2.50, true, false, null, {"k":"v\"\\\n\u00e9"} ], "e": {} },
        "other": 12.3400, "after": "kept"})";
    with_raw w;
    REQUIRE_FALSE(decode(json, w));
    REQUIRE(w.serviceProviderDetails);
    CHECK(w.serviceProviderDetails->text() ==
          R"({"message":"Card declined","amount":100.00,"rate":1e-8,"list":[1,2.50,true,false,null,{"k":"v\"\\\n)"
          "\xC3\xA9"
          R"("}],"e":{}})");
    CHECK(w.other.text() == "12.3400");
    CHECK(w.after == "kept");
    auto const v = w.serviceProviderDetails->parse();
    CHECK(v.at("message").as_string() == "Card declined");

    with_raw n;
    REQUIRE_FALSE(decode(R"({"serviceProviderDetails":null,"other":"s","after":"x"})", n));
    CHECK_FALSE(n.serviceProviderDetails);
    CHECK(n.other.text() == R"("s")");

    meld::raw_json top;
    REQUIRE_FALSE(decode(R"( [ {"a" : [ ] } , "b" ] )", top));
    CHECK(top.text() == R"([{"a":[]},"b"])");
}

TEST_CASE("json decode: strings with escapes and unicode")
{
    country c;
    // Escapes make the parser deliver strings and keys in several pieces.
    REQUIRE_FALSE(decode(R"({"country\u0043ode":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00z","name":"\u65e5\u672c"})", c));
    CHECK(c.countryCode == "a\"b\\c/d\n\t\xC3\xA9\xF0\x9F\x98\x80z");
    CHECK(c.name == "\xE6\x97\xA5\xE6\x9C\xAC");

    std::map<std::string, std::string, std::less<>> m;
    REQUIRE_FALSE(decode("{\"k\\u00e9y\":\"caf\xC3\xA9\"}", m));
    CHECK(m.at("k\xC3\xA9y") == "caf\xC3\xA9");

    std::string long_escaped = "\"";
    for (int i = 0; i < 2000; ++i) long_escaped += "ab\\n";
    long_escaped += "\"";
    std::string s;
    REQUIRE_FALSE(decode(long_escaped, s));
    CHECK(s.size() == 6000);
}

TEST_CASE("json decode: numbers as strings and strings as numbers")
{
    numbers n;
    REQUIRE_FALSE(decode(R"({"i32":"0","i64":"-9223372036854775808","u8":"255","u64":18446744073709551615,
                             "d":"+200","s":12.50})", n));
    CHECK(n.i32 == 0);
    CHECK(n.i64 == INT64_MIN);
    CHECK(n.u8 == 255);
    CHECK(n.u64 == UINT64_MAX);
    CHECK(n.d.text() == "+200");
    CHECK(n.d == decimal("200"));
    CHECK(n.s == "12.50");

    REQUIRE_FALSE(decode(R"({"i32":1e2,"i64":"100.000","s":true})", n));
    CHECK(n.i32 == 100);
    CHECK(n.i64 == 100);
    CHECK(n.s == "true");

    plain p;
    REQUIRE_FALSE(decode(R"({"flag":"false","kind":42,"name":-0.5})", p));
    CHECK(p.flag == false);
    CHECK(p.kind.str() == "42");
    CHECK(p.name == "-0.5");
}

TEST_CASE("json decode: integers are range-checked")
{
    CHECK(failure<numbers>(R"({"i32":3000000000})") == "$.i32: integer out of range");
    CHECK(failure<numbers>(R"({"u8":256})") == "$.u8: integer out of range");
    CHECK(failure<numbers>(R"({"u8":-1})") == "$.u8: integer out of range");
    CHECK(failure<numbers>(R"({"i64":99999999999999999999})") == "$.i64: integer out of range");
    CHECK(failure<numbers>(R"({"i64":1.5})") == "$.i64: expected an integer, got a fraction or an out-of-range number");
    CHECK(failure<numbers>(R"({"i32":"12abc"})") == "$.i32: expected an integer, got a string that is not a number");
    CHECK(failure<numbers>(R"({"i32":true})") == "$.i32: expected an integer, got a boolean");
    CHECK(failure<numbers>(R"({"d":1e10000})") == "$.d: number out of range");  // beyond decimal's exponent limit
    CHECK(failure<numbers>(R"({"d":""})") == "$.d: expected a number, got a string that is not a number");
}

TEST_CASE("json decode: incompatible shapes name the path")
{
    CHECK(failure<quote_response>(R"({"quotes":[{"sourceAmount":{"a":1}}]})") ==
          "$.quotes[0].sourceAmount: expected a number, got an object");
    CHECK(failure<quote_response>(R"({"quotes":[{},{"rampIntelligence":{"lowKyc":"maybe"}}]})") ==
          "$.quotes[1].rampIntelligence.lowKyc: expected a boolean, got a string");
    CHECK(failure<quote_response>(R"({"quotes":{}})") == "$.quotes: expected an array, got an object");
    CHECK(failure<quote_response>(R"({"message":["x"]})") == "$.message: expected a string, got an array");
    CHECK(failure<quote_response>(R"({"timestamp":"yesterday"})") ==
          "$.timestamp: expected a date-time, got a string that is not an ISO-8601 date-time");
    CHECK(failure<quote_response>(R"({"timestamp":1700000000})") ==
          "$.timestamp: expected a date-time string, got a number");
    CHECK(failure<quote_response>(R"([])") == "$: expected an object, got an array");
    CHECK(failure<quote_response>(R"("text")") == "$: expected an object, got a string");
    CHECK(failure<node>(R"({"by_region":{"EU":[{"countryCode":{}}]}})") ==
          "$.by_region.EU[0].countryCode: expected a string, got an object");
    CHECK(failure<node>(R"({"grid":[[1],[2,"x"]]})") ==
          "$.grid[1][1]: expected a number, got a string that is not a number");
    CHECK(failure<plain>(R"({"kind":{}})") == "$.kind: expected a string, got an object");

    quote_response r;
    CHECK(decode(R"({"quotes":[{"sourceAmount":[]}]})", r, meld::json::decode_options{.strict = true}, nullptr) ==
          meld::client_errc::decode_failed);  // no message
}

TEST_CASE("json decode: malformed JSON")
{
    for (char const* json : {"", "{", R"({"quotes":[)", R"({"quotes" [] })", R"({"message":"unterminated)",
                             "{} {}", "{\"a\":01}", R"({"quotes":[{},]})", "nul", "{'a':1}", "{\"a\":1,}", "\"\xFF\""}) {
        auto const message = failure<quote_response>(json);
        INFO(json << " -> " << message);
        CHECK(message.rfind("invalid JSON at offset ", 0) == 0);
    }
}

TEST_CASE("json decode: nesting deeper than max_depth is refused")
{
    auto nested = [](std::size_t depth) {
        std::string s = R"({"unknown":)";
        s.append(depth, '[');
        s.append(depth, ']');
        s += '}';
        return s;
    };
    quote_response r;
    CHECK_FALSE(decode(nested(meld::json::max_depth - 1), r));
    std::string message;
    CHECK(decode(nested(meld::json::max_depth), r, &message) == meld::client_errc::decode_failed);
    CHECK(message.rfind("invalid JSON at offset", 0) == 0);
    CHECK(decode(nested(100000), r) == meld::client_errc::decode_failed);
}

TEST_CASE("json decode: duplicate keys, last one wins")
{
    quote_response r;
    REQUIRE_FALSE(decode(R"({"message":"a","message":"b","quotes":[{"sourceAmount":1}],"quotes":[]})", r));
    CHECK(r.message == "b");
    REQUIRE(r.quotes);
    CHECK(r.quotes->empty());
    plain p;
    REQUIRE_FALSE(decode(R"({"ramp":{"rampScore":1},"ramp":{"lowKyc":true},"tags":["a"],"tags":["b"]})", p));
    CHECK_FALSE(p.ramp.rampScore);  // the second object replaces the first
    CHECK(p.ramp.lowKyc == true);
    CHECK(p.tags == std::vector<std::string>{"b"});
    std::map<std::string, int, std::less<>> m;
    REQUIRE_FALSE(decode(R"({"a":1,"b":2,"a":3})", m));
    CHECK(m.at("a") == 3);
    CHECK(m.size() == 2);
}

TEST_CASE("json decode: oneOf by discriminator and by recognised members")
{
    with_variants v;
    REQUIRE_FALSE(decode(R"({"payments":[{"type":"BANK","iban":"DE89","bic":null,"x":1},
                                         {"type":"CARD","last4":"4242"},
                                         {"type":"WIRE","last4":"1","iban":"FR76","bic":"B"}],
                             "destination":{"accountNumber":"123","routingNumber":"021"},
                             "amount_or_text":12.50})", v));
    REQUIRE(v.payments.size() == 3);
    REQUIRE(std::holds_alternative<bank>(v.payments[0]));
    CHECK(std::get<bank>(v.payments[0]).iban == "DE89");
    REQUIRE(std::holds_alternative<card>(v.payments[1]));
    CHECK(std::get<card>(v.payments[1]).last4 == "4242");
    // unknown tag: falls back to the alternative recognising the most members (bank: type, iban, bic)
    REQUIRE(std::holds_alternative<bank>(v.payments[2]));
    CHECK(std::get<bank>(v.payments[2]).bic == "B");
    REQUIRE(v.destination);
    REQUIRE(std::holds_alternative<account>(*v.destination));
    CHECK(std::get<account>(*v.destination).routingNumber == "021");
    REQUIRE(std::holds_alternative<decimal>(v.amount_or_text));
    CHECK(std::get<decimal>(v.amount_or_text).text() == "12.50");

    REQUIRE_FALSE(decode(R"({"destination":{"address":"bc1q","tag":null},"amount_or_text":"n/a"})", v));
    REQUIRE(std::holds_alternative<wallet>(*v.destination));
    CHECK(std::get<wallet>(*v.destination).address == "bc1q");
    REQUIRE(std::holds_alternative<std::string>(v.amount_or_text));
    CHECK(std::get<std::string>(v.amount_or_text) == "n/a");

    REQUIRE_FALSE(decode(R"({"destination":null})", v));
    CHECK_FALSE(v.destination);
}

TEST_CASE("json decode: oneOf failures name the path")
{
    CHECK(failure<with_variants>(R"({"payments":[{"type":"CARD","last4":{}}]})") ==
          "$.payments[0].last4: expected a string, got an object");
    auto const message = failure<with_variants>(R"({"destination":[1]})");
    CHECK(message.rfind("$.destination: matches no alternative of the oneOf", 0) == 0);
}
