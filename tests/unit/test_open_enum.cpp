// tests/unit/test_open_enum.cpp — meld::open_enum: known constants, unknown values kept raw, lookup.
#include <meld/open_enum.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

namespace {

struct session_type : meld::open_enum<session_type> {
    enum value : int { unknown = -1, BUY, SELL, TRANSFER };
    static constexpr std::string_view names[] = {"BUY", "SELL", "TRANSFER"};  // index = enumerator value
    using open_enum::open_enum;
};

// More than 16 names, unsorted, with a sanitized identifier: exercises the sorted index.
struct status : meld::open_enum<status> {
    enum value : int {
        unknown = -1, SETTLED, PENDING, FAILED, _3DS_REQUIRED, CANCELLED, REFUNDED, EXPIRED, DECLINED,
        ERROR, SETTLING, VOIDED, TWO_FA_REQUIRED, PENDING_CREATED, ONRAMP_SETTLED, AUTHORIZED, A, ZZZ
    };
    static constexpr std::string_view names[] = {
        "SETTLED", "PENDING", "FAILED", "3DS_REQUIRED", "CANCELLED", "REFUNDED", "EXPIRED", "DECLINED",
        "ERROR", "SETTLING", "VOIDED", "TWO_FA_REQUIRED", "PENDING_CREATED", "ONRAMP_SETTLED", "AUTHORIZED",
        "A", "ZZZ"};
    using open_enum::open_enum;
};

}  // namespace

static_assert(meld::is_open_enum_v<session_type>);
static_assert(meld::is_open_enum_v<status>);
static_assert(!meld::is_open_enum_v<int>);
static_assert(!meld::is_open_enum_v<std::string>);

TEST_CASE("open_enum: known constants")
{
    session_type t = session_type::BUY;
    CHECK(t == session_type::BUY);
    CHECK(session_type::BUY == t);
    CHECK(t != session_type::SELL);
    CHECK(t.get() == session_type::BUY);
    CHECK(t.is_known());
    CHECK(t.str() == "BUY");
    t = session_type::TRANSFER;
    CHECK(t.str() == "TRANSFER");
    session_type const other = session_type::TRANSFER;
    CHECK(t == other);
}

TEST_CASE("open_enum: default is unknown with an empty string")
{
    session_type const t;
    CHECK_FALSE(t.is_known());
    CHECK(t.get() == session_type::unknown);
    CHECK(t.str().empty());
    CHECK(t != session_type::BUY);
}

TEST_CASE("open_enum: from_string finds constants and keeps unknown values")
{
    CHECK(session_type::from_string("SELL") == session_type::SELL);
    auto const n = session_type::from_string("NEW");
    CHECK_FALSE(n.is_known());
    CHECK(n.get() == session_type::unknown);
    CHECK(n.str() == "NEW");
    CHECK(n == session_type::from_string("NEW"));
    CHECK(n != session_type::from_string("OLD"));
    CHECK(n != session_type{});
    CHECK_FALSE(session_type::from_string("buy").is_known());  // case-sensitive, like the wire
    CHECK_FALSE(session_type::from_string("").is_known());
}

TEST_CASE("open_enum: large enums look up every name through the sorted index")
{
    for (std::size_t i = 0; i < std::size(status::names); ++i) {
        auto const s = status::from_string(status::names[i]);
        CHECK(s.is_known());
        CHECK(static_cast<std::size_t>(s.get()) == i);
        CHECK(s.str() == status::names[i]);
    }
    CHECK(status::from_string("3DS_REQUIRED") == status::_3DS_REQUIRED);
    CHECK_FALSE(status::from_string("PARTIALLY_SETTLED").is_known());
    CHECK_FALSE(status::from_string("B").is_known());
    CHECK_FALSE(status::from_string("ZZZZ").is_known());
    CHECK(status::from_string("PARTIALLY_SETTLED").str() == "PARTIALLY_SETTLED");
}

TEST_CASE("open_enum: switch and streaming")
{
    session_type const t = session_type::SELL;
    int branch = 0;
    switch (t.get()) {
    case session_type::BUY: branch = 1; break;
    case session_type::SELL: branch = 2; break;
    default: branch = 3; break;
    }
    CHECK(branch == 2);
    std::ostringstream os;
    os << t << ' ' << session_type::from_string("NEW");
    CHECK(os.str() == "SELL NEW");
}
