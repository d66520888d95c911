// Unit tests (sans-io) for detail/request_builder.hpp and detail/path_template.hpp: URL, query, headers, body.
#include <meld/detail/request_builder.hpp>
#include <meld/json/decode.hpp>

#include <boost/describe/class.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace {

struct echo_request {
    std::string id{};
    std::optional<std::vector<std::string>> statuses{};
    std::optional<std::int32_t> limit{};
    std::optional<bool> flag{};
    std::optional<std::string> meldAccountId{};
    std::string name{};
    std::optional<meld::decimal> amount{};
    std::optional<std::string> note{};
};
BOOST_DESCRIBE_STRUCT(echo_request, (), (id, statuses, limit, flag, meldAccountId, name, amount, note))

struct echo_endpoint {
    static constexpr meld::http_method method = meld::http_method::post;
    static constexpr std::string_view path = "/things/{id}/echo";
    using request_type = echo_request;
    using response_type = meld::raw_json;
    static constexpr std::array<meld::param_location, 5> params{{
        {"id", meld::param_in::path, "id"},
        {"statuses", meld::param_in::query, "statuses"},
        {"limit", meld::param_in::query, "limit"},
        {"flag", meld::param_in::query, "flag"},
        {"meldAccountId", meld::param_in::header, "Meld-Account-Id"},
    }};
    static constexpr meld::endpoint_traits traits{.has_body = true, .idempotency_key = true};
};

struct get_request {
    std::string id;
};
BOOST_DESCRIBE_STRUCT(get_request, (), (id))

struct get_endpoint {
    static constexpr meld::http_method method = meld::http_method::get;
    static constexpr std::string_view path = "/payments/transactions/{id}";
    using request_type = get_request;
    using response_type = meld::raw_json;
    static constexpr std::array<meld::param_location, 1> params{{{"id", meld::param_in::path, "id"}}};
    static constexpr meld::endpoint_traits traits{};
};

// A placeholder that names no member, and a path member missing from the template: both rejected at compile time.
struct typo_endpoint : get_endpoint {
    static constexpr std::string_view path = "/payments/transactions/{transactionId}";
};
struct missing_placeholder_endpoint : get_endpoint {
    static constexpr std::string_view path = "/payments/transactions";
};
struct unbalanced_endpoint : get_endpoint {
    static constexpr std::string_view path = "/payments/transactions/{id";
};

}  // namespace

static_assert(meld::detail::path_template_matches_request<echo_endpoint>());
static_assert(meld::detail::path_template_matches_request<get_endpoint>());
static_assert(!meld::detail::path_template_matches_request<typo_endpoint>());
static_assert(!meld::detail::path_template_matches_request<missing_placeholder_endpoint>());
static_assert(!meld::detail::path_template_matches_request<unbalanced_endpoint>());
static_assert(meld::detail::location_of<echo_endpoint>("name") == meld::param_in::body);
static_assert(meld::detail::location_of<echo_endpoint>("meldAccountId") == meld::param_in::header);

TEST_CASE("request_builder: path parameters are percent-encoded, query lists comma-joined, absent ones omitted")
{
    echo_request req{.id = "a b/c?#%",
                     .statuses = std::vector<std::string>{"SETTLED", "PENDING", "A,B"},
                     .limit = 5,
                     .flag = true,
                     .meldAccountId = std::nullopt,
                     .name = "x",
                     .amount = meld::decimal{"100.00"},
                     .note = std::nullopt};
    auto p = meld::detail::build_request<echo_endpoint>(req, {});
    CHECK(p.target == "/things/a%20b%2Fc%3F%23%25/echo?statuses=SETTLED,PENDING,A%2CB&limit=5&flag=true");
    CHECK(p.method == meld::http_method::post);
    CHECK(p.has_body);
    CHECK(p.body == R"({"name":"x","amount":100.00})");
    CHECK(p.headers.empty());
    CHECK(p.idempotency_key.empty());
    CHECK_FALSE(p.replayable());
}

TEST_CASE("request_builder: no query string when every query parameter is absent; header params and overrides")
{
    echo_request req{.id = "WePZCYJW7cdXR7SxUMp8mE", .statuses = std::vector<std::string>{}, .meldAccountId = "acc-1",
                     .name = "q\"uote"};
    meld::call_params opts{.meld_version = "2025-03-04", .idempotency_key = "8d3c0c1e-4c4e-4a52-9d0e-6d9c0f4b9f11",
                           .request_timeout = std::chrono::milliseconds(1500)};
    auto p = meld::detail::build_request<echo_endpoint>(req, opts);
    CHECK(p.target == "/things/WePZCYJW7cdXR7SxUMp8mE/echo");
    CHECK(p.body == R"({"name":"q\"uote"})");
    REQUIRE(p.headers.size() == 1);
    CHECK(p.headers[0].first == "Meld-Account-Id");
    CHECK(p.headers[0].second == "acc-1");
    CHECK(p.meld_version == "2025-03-04");
    CHECK(p.idempotency_key == "8d3c0c1e-4c4e-4a52-9d0e-6d9c0f4b9f11");
    CHECK(p.replayable());  // a keyed POST may be replayed safely
    REQUIRE(p.timeout);
    CHECK(p.timeout->count() == 1500);
}

TEST_CASE("request_builder: GET has no body; idempotency key ignored where the endpoint takes none")
{
    auto p = meld::detail::build_request<get_endpoint>({.id = "ü"}, {.idempotency_key = "k"});
    CHECK(p.target == "/payments/transactions/%C3%BC");
    CHECK_FALSE(p.has_body);
    CHECK(p.body.empty());
    CHECK(p.idempotency_key.empty());
    CHECK(p.replayable());
}

static_assert(meld::json::wire_name("_3ds") == "3ds");
static_assert(meld::json::wire_name("public_") == "public");
static_assert(meld::json::wire_name("sourceAmount") == "sourceAmount");
static_assert(meld::json::wire_name("_") == "_");

namespace {
struct escaped_names {
    std::optional<std::string> _3ds{};
    std::optional<std::string> public_{};
};
BOOST_DESCRIBE_STRUCT(escaped_names, (), (_3ds, public_))
}  // namespace

TEST_CASE("request_builder: members escaped by the generator travel under their JSON names")
{
    std::string out;
    meld::json::encode(escaped_names{._3ds = "x", .public_ = "p"}, out);
    CHECK(out == R"({"3ds":"x","public":"p"})");
    escaped_names back;
    REQUIRE_FALSE(meld::json::decode(R"({"3ds":"y","public":"q"})", back));
    CHECK(back._3ds == "y");
    CHECK(back.public_ == "q");
}
