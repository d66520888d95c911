// tests/unit/test_timestamp.cpp — meld::timestamp: ISO-8601 parsing, nanoseconds, offsets, validation.
#include <meld/timestamp.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <stdexcept>

using meld::timestamp;
using namespace std::chrono;

namespace {

std::int64_t ns_of(char const* s)
{
    return timestamp(s).time_point().time_since_epoch().count();
}

}  // namespace

TEST_CASE("timestamp: nanoseconds are exact")
{
    timestamp const t("2026-02-25T18:55:08.968360756Z");
    CHECK(t.text() == "2026-02-25T18:55:08.968360756Z");
    CHECK(t.time_point() == sys_days(2026y / 2 / 25) + 18h + 55min + 8s + 968360756ns);
    CHECK(t.to_string() == "2026-02-25T18:55:08.968360756Z");
}

TEST_CASE("timestamp: fraction digits from 0 to 9")
{
    CHECK(ns_of("1970-01-01T00:00:00Z") == 0);
    CHECK(ns_of("1970-01-01T00:00:01.5Z") == 1'500'000'000);
    CHECK(ns_of("1970-01-01T00:00:00.123Z") == 123'000'000);
    CHECK(ns_of("1970-01-01T00:00:00.000000001Z") == 1);
    CHECK(timestamp("2024-05-01T10:20:30.120Z").to_string() == "2024-05-01T10:20:30.12Z");
    CHECK(timestamp("2024-05-01T10:20:30.000Z").to_string() == "2024-05-01T10:20:30Z");
    CHECK_FALSE(timestamp::parse("2024-05-01T10:20:30.1234567891Z"));
    CHECK_FALSE(timestamp::parse("2024-05-01T10:20:30.Z"));
}

TEST_CASE("timestamp: zones and offsets")
{
    auto const utc = timestamp("2024-05-01T10:20:30Z");
    CHECK(timestamp("2024-05-01T10:20:30z") == utc);
    CHECK(timestamp("2024-05-01T10:20:30") == utc);  // no zone: UTC
    CHECK(timestamp("2024-05-01T12:20:30+02:00") == utc);
    CHECK(timestamp("2024-05-01T05:50:30-04:30") == utc);
    CHECK(timestamp("2024-05-01T00:20:30-10:00") == utc);
    CHECK(timestamp("2024-05-01T12:20:30+02:00").to_string() == "2024-05-01T10:20:30Z");
    CHECK(timestamp("2024-05-01T12:20:30+02:00").text() == "2024-05-01T12:20:30+02:00");
    CHECK(timestamp("2024-01-01T00:30:00+01:00").to_string() == "2023-12-31T23:30:00Z");
}

TEST_CASE("timestamp: date only is midnight UTC")
{
    CHECK(timestamp("2024-02-29") == timestamp("2024-02-29T00:00:00Z"));
    CHECK(timestamp("2024-02-29").text() == "2024-02-29");
}

TEST_CASE("timestamp: invalid dates and times are rejected")
{
    for (char const* s : {"", "2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-00",
                          "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:61Z",
                          "2024-01-01T10:00Z", "2024-01-01T10:00:00+2:00", "2024-01-01T10:00:00+24:00",
                          "2024-01-01T10:00:00ZZ", "2024-1-01", "20240101", "2024-01-01X10:00:00Z",
                          "2024-01-01T10:00:00 ", "abcd-01-01", "3000-01-01T00:00:00Z"}) {
        CHECK_FALSE(timestamp::parse(s));
        CHECK_THROWS_AS(timestamp(s), std::invalid_argument);
    }
    CHECK(timestamp::parse("2000-02-29"));  // leap year divisible by 400
    CHECK(timestamp::parse("2016-12-31T23:59:60Z"));  // leap second
}

TEST_CASE("timestamp: ordering by instant")
{
    CHECK(timestamp("2024-05-01T10:20:30.1Z") < timestamp("2024-05-01T10:20:30.100000001Z"));
    CHECK(timestamp("1969-12-31T23:59:59.5Z") < timestamp("1970-01-01"));
    CHECK(timestamp("1969-12-31T23:59:59.5Z").to_string() == "1969-12-31T23:59:59.5Z");
    CHECK(timestamp() == timestamp("1970-01-01T00:00:00Z"));
    CHECK(timestamp().text() == "1970-01-01T00:00:00Z");
}

TEST_CASE("timestamp: from a time point")
{
    auto const tp = sys_days(2026y / 2 / 3) + 1h + 2min + 3s + 4ms;
    timestamp const t(time_point_cast<nanoseconds>(tp));
    CHECK(t.text() == "2026-02-03T01:02:03.004Z");
    std::ostringstream os;
    os << t;
    CHECK(os.str() == "2026-02-03T01:02:03.004Z");
}
