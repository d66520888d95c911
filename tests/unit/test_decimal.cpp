// tests/unit/test_decimal.cpp — meld::decimal: parsing, exact text, value comparisons, conversions.
#include <meld/decimal.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>

using meld::decimal;

TEST_CASE("decimal: default is zero")
{
    decimal const d;
    CHECK(d.text() == "0");
    CHECK(d.to_string() == "0");
    CHECK(d.is_zero());
    CHECK(d == decimal("0.000"));
}

TEST_CASE("decimal: keeps the original text verbatim")
{
    for (char const* s : {"100.00", "0.00105423", "1e-8", "1E+2", "-0", "+5", "2.00000000000000000000",
                          "94856.0", "0.123456789012345678", "007"}) {
        auto const d = decimal::parse(s);
        REQUIRE(d);
        CHECK(d->text() == s);
        CHECK(decimal(s).text() == s);
    }
}

TEST_CASE("decimal: rejects invalid text")
{
    for (char const* s : {"", "-", "+", ".5", "5.", "1e", "1e+", "abc", "1.2.3", "0x10", " 1", "1 ", "--1", "1e5x",
                          "NaN", "inf", "1e10000"}) {
        CHECK_FALSE(decimal::parse(s));
        CHECK_THROWS_AS(decimal(s), std::invalid_argument);
    }
}

TEST_CASE("decimal: canonical to_string")
{
    CHECK(decimal("100.00").to_string() == "100");
    CHECK(decimal("0.00105423").to_string() == "0.00105423");
    CHECK(decimal("1e-8").to_string() == "0.00000001");
    CHECK(decimal("1.5e3").to_string() == "1500");
    CHECK(decimal("12.345e1").to_string() == "123.45");
    CHECK(decimal("-0").to_string() == "0");
    CHECK(decimal("-0.000e5").to_string() == "0");
    CHECK(decimal("+5").to_string() == "5");
    CHECK(decimal("007.50").to_string() == "7.5");
    CHECK(decimal("-2.00000000000000000000").to_string() == "-2");
    CHECK(decimal("0.100000000000000000001").to_string() == "0.100000000000000000001");
    CHECK(decimal("123e-5").to_string() == "0.00123");
}

TEST_CASE("decimal: equality is by value")
{
    CHECK(decimal("100.00") == decimal("100"));
    CHECK(decimal("1e2") == decimal("100"));
    CHECK(decimal("0.1") == decimal("1e-1"));
    CHECK(decimal("-0") == decimal("0"));
    CHECK(decimal("+0.0") == decimal("-0e3"));
    CHECK(decimal("2.00000000000000000000") == decimal("2"));
    CHECK(decimal("0.123456789012345678") == decimal("0.1234567890123456780000"));
    CHECK(decimal("0.123456789012345678") != decimal("0.123456789012345679"));
    CHECK(decimal("1") != decimal("-1"));
}

TEST_CASE("decimal: ordering is exact for any length")
{
    CHECK(decimal("0.1") < decimal("0.10000000000000000001"));
    CHECK(decimal("2.00000000000000000000") < decimal("2.00000000000000000001"));
    CHECK(decimal("-1") < decimal("0"));
    CHECK(decimal("-2") < decimal("-1.5"));
    CHECK(decimal("-0.10000000000000000001") < decimal("-0.1"));
    CHECK(decimal("99.99") < decimal("100"));
    CHECK(decimal("1e2") > decimal("99.999999999999999999"));
    CHECK(decimal("1e-8") < decimal("0.00000002"));
    CHECK(decimal("123456789012345678901234567890") > decimal("123456789012345678901234567889"));
    CHECK(decimal("0") <= decimal("-0"));
    CHECK(decimal("0") >= decimal("-0"));
}

TEST_CASE("decimal: to_int64 only for exact integers in range")
{
    CHECK(decimal("100.00").to_int64() == 100);
    CHECK(decimal("1e2").to_int64() == 100);
    CHECK(decimal("-42").to_int64() == -42);
    CHECK(decimal("0").to_int64() == 0);
    CHECK(decimal("9223372036854775807").to_int64() == std::numeric_limits<std::int64_t>::max());
    CHECK(decimal("-9223372036854775808").to_int64() == std::numeric_limits<std::int64_t>::min());
    CHECK_FALSE(decimal("9223372036854775808").to_int64());
    CHECK_FALSE(decimal("-9223372036854775809").to_int64());
    CHECK_FALSE(decimal("1.5").to_int64());
    CHECK_FALSE(decimal("1e-8").to_int64());
    CHECK_FALSE(decimal("1e30").to_int64());
}

TEST_CASE("decimal: from_int and to_double")
{
    CHECK(decimal::from_int(0).text() == "0");
    CHECK(decimal::from_int(-123).text() == "-123");
    CHECK(decimal::from_int(std::numeric_limits<std::int64_t>::min()).text() == "-9223372036854775808");
    CHECK(decimal("0.00105423").to_double() == Approx(0.00105423));
    CHECK(decimal("+2.5").to_double() == 2.5);
    CHECK(decimal("1e9999").to_double() == std::numeric_limits<double>::infinity());
    CHECK(decimal("-1e9999").to_double() == -std::numeric_limits<double>::infinity());
    CHECK(decimal("1e-9999").to_double() == 0.0);
}

TEST_CASE("decimal: streams its text")
{
    std::ostringstream os;
    os << decimal("100.00");
    CHECK(os.str() == "100.00");
}
