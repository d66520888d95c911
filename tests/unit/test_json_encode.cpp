// tests/unit/test_json_encode.cpp — meld::json::encode: exact compact output and encode/decode round trips.
#include <meld/json/decode.hpp>
#include <meld/json/encode.hpp>

#include <boost/describe/class.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace encode_models {

struct side : meld::open_enum<side> {
    enum value : int { unknown = -1, BUY, SELL };
    static constexpr std::string_view names[] = {"BUY", "SELL"};
    using open_enum::open_enum;
};

struct small {
    std::optional<std::string> countryCode;
    std::string note;
    std::optional<meld::decimal> sourceAmount;
    std::optional<std::int32_t> limit;
    bool flag = false;
};
BOOST_DESCRIBE_STRUCT(small, (), (countryCode, note, sourceAmount, limit, flag))

struct leg {
    meld::decimal amount;
    std::optional<side> direction;
};
BOOST_DESCRIBE_STRUCT(leg, (), (amount, direction))

struct text_tag {
    std::string kind;
    std::string text;
};
BOOST_DESCRIBE_STRUCT(text_tag, (), (kind, text))
struct number_tag {
    std::string kind;
    meld::decimal number;
};
BOOST_DESCRIBE_STRUCT(number_tag, (), (kind, number))
using tag = std::variant<text_tag, number_tag>;

struct everything {
    std::string accountId;  // e.g. a path parameter
    std::optional<std::string> cursor;  // e.g. a query parameter
    std::optional<meld::decimal> destinationAmount;
    std::int64_t count = 0;
    std::uint32_t small_count = 0;
    bool active = false;
    side direction;
    std::optional<meld::timestamp> createdAt;
    std::vector<leg> legs;
    std::map<std::string, std::vector<std::int32_t>, std::less<>> buckets;
    std::optional<meld::raw_json> metadata;
    std::vector<tag> tags;
    std::optional<std::vector<std::optional<std::string>>> holes;

    bool operator==(everything const&) const = default;
};
BOOST_DESCRIBE_STRUCT(everything, (),
                      (accountId, cursor, destinationAmount, count, small_count, active, direction, createdAt, legs,
                       buckets, metadata, tags, holes))

bool operator==(leg const& a, leg const& b) { return a.amount == b.amount && a.direction == b.direction; }
bool operator==(text_tag const& a, text_tag const& b) { return a.kind == b.kind && a.text == b.text; }
bool operator==(number_tag const& a, number_tag const& b) { return a.kind == b.kind && a.number == b.number; }

}  // namespace encode_models

using namespace encode_models;
using meld::decimal;
using meld::json::encode;

TEST_CASE("json encode: small struct, empty optionals skipped, strings escaped")
{
    small s;
    s.note = "a\"b\\c\n\t\x01\x1f/\xC3\xA9\xF0\x9F\x98\x80";
    CHECK(encode(s) == R"({"note":"a\"b\\c\n\t\u0001\u001f/)" "\xC3\xA9\xF0\x9F\x98\x80" R"(","flag":false})");

    s.countryCode = "US";
    s.sourceAmount = decimal("100.00");
    s.limit = -5;
    s.note.clear();
    s.flag = true;
    std::string out = "prefix:";
    encode(s, out);
    CHECK(out == R"(prefix:{"countryCode":"US","note":"","sourceAmount":100.00,"limit":-5,"flag":true})");
}

TEST_CASE("json encode: scalars keep their exact text")
{
    CHECK(encode(decimal("0.123456789012345678")) == "0.123456789012345678");
    CHECK(encode(decimal("1e-8")) == "1e-8");
    CHECK(encode(decimal("+200")) == "200");        // '+' is not JSON: canonical form
    CHECK(encode(decimal("007.50")) == "7.5");      // leading zeros are not JSON either
    CHECK(encode(decimal("-0.5")) == "-0.5");
    CHECK(encode(decimal()) == "0");
    CHECK(encode(meld::timestamp("2026-02-25T18:55:08.968360756Z")) == R"("2026-02-25T18:55:08.968360756Z")");
    CHECK(encode(side(side::SELL)) == R"("SELL")");
    CHECK(encode(side::from_string("HOLD")) == R"("HOLD")");
    CHECK(encode(meld::raw_json(R"({"a":[1,2.50]})")) == R"({"a":[1,2.50]})");
    CHECK(encode(meld::raw_json()) == "null");
    CHECK(encode(std::int64_t{-9223372036854775807 - 1}) == "-9223372036854775808");
    CHECK(encode(std::uint64_t{18446744073709551615u}) == "18446744073709551615");
    CHECK(encode(std::optional<int>()) == "null");
    CHECK(encode(std::string("\x7f")) == "\"\x7f\"");
}

TEST_CASE("json encode: invalid UTF-8 is replaced, never passed through")
{
    CHECK(encode(std::string("a\xFF" "b")) == "\"a\xEF\xBF\xBD" "b\"");
    CHECK(encode(std::string("\xC3")) == "\"\xEF\xBF\xBD\"");              // truncated sequence
    CHECK(encode(std::string("\xED\xA0\x80")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
    CHECK(encode(std::string("\xC0\xAF")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
}

TEST_CASE("json encode: containers and variants")
{
    std::vector<tag> tags{text_tag{"t", "x"}, number_tag{"n", decimal("1.50")}};
    CHECK(encode(tags) == R"([{"kind":"t","text":"x"},{"kind":"n","number":1.50}])");
    std::map<std::string, std::optional<decimal>, std::less<>> m{{"b", std::nullopt}, {"a\"", decimal("2")}};
    CHECK(encode(m) == R"({"a\"":2,"b":null})");
    CHECK(encode(std::vector<std::string>{}) == "[]");
}

TEST_CASE("json encode: encode_members writes only the chosen members")
{
    everything e;
    e.accountId = "acc-1";
    e.cursor = "c";
    e.destinationAmount = decimal("0.5");
    e.count = 3;
    std::string body;
    auto const n = meld::json::encode_members(e, body, [](std::string_view name) {
        return name != "accountId" && name != "cursor";
    });
    CHECK(body == R"({"destinationAmount":0.5,"count":3,"small_count":0,"active":false,"direction":"",)"
                  R"("legs":[],"buckets":{},"tags":[]})");
    CHECK(n == 8);

    small s;
    s.countryCode = "US";
    std::string none;
    CHECK(meld::json::encode_members(s, none, [](std::string_view name) { return name == "sourceAmount"; }) == 0);
    CHECK(none == "{}");  // sourceAmount is empty: skipped like any empty optional
}

TEST_CASE("json encode: round trip through decode gives equal values")
{
    everything e;
    e.accountId = "acc \"1\"\n";
    e.destinationAmount = decimal("2.00000000000000000001");
    e.count = -42;
    e.small_count = 4000000000u;
    e.active = true;
    e.direction = side::from_string("SIDEWAYS");
    e.createdAt = meld::timestamp("2024-05-01T12:20:30.5+02:00");
    e.legs = {leg{decimal("1e-8"), side::BUY}, leg{decimal("-0.10"), std::nullopt}};
    e.buckets = {{"x", {1, 2, 3}}, {"\xE6\x97\xA5", {}}};
    e.metadata = meld::raw_json(R"({"n":[1.000,{"deep":null}]})");
    e.tags = {number_tag{"n", decimal("3.14159265358979323846")}, text_tag{"t", "hello"}};
    e.holes = std::vector<std::optional<std::string>>{"a", std::nullopt, ""};

    std::string const json = encode(e);
    everything back;
    std::string message;
    REQUIRE_FALSE(meld::json::decode(json, back, &message));
    INFO(json << '\n' << message);
    CHECK(back == e);
    CHECK(back.destinationAmount->text() == "2.00000000000000000001");
    CHECK(back.createdAt->text() == "2024-05-01T12:20:30.5+02:00");
    CHECK(back.metadata->text() == R"({"n":[1.000,{"deep":null}]})");
    CHECK(back.direction.str() == "SIDEWAYS");
    CHECK(encode(back) == json);  // stable
}
