// Unit tests (sans-io) for detail/response_classifier.hpp and diagnostics: every HTTP answer mapping.
#include <meld/detail/response_classifier.hpp>
#include <meld/exception.hpp>

#include <catch2/catch.hpp>

using meld::client_errc;
using meld::detail::classify_response;
using meld::detail::raw_response;

namespace {
raw_response answer(unsigned status, char const* content_type, std::string body)
{
    raw_response r;
    r.status = status;
    r.content_type = content_type;
    r.body = std::move(body);
    return r;
}
}  // namespace

TEST_CASE("classifier: 2xx JSON is success; a non-JSON 2xx body is unexpected_content_type")
{
    meld::diagnostics d;
    CHECK_FALSE(classify_response(answer(200, "application/json", "{}"), d));
    CHECK_FALSE(classify_response(answer(201, "application/json; charset=UTF-8", "{}"), d));
    CHECK_FALSE(classify_response(answer(204, "", ""), d));
    CHECK(classify_response(answer(200, "text/html", "<html>"), d) == client_errc::unexpected_content_type);
    CHECK(d.client_message().find("text/html") != std::string_view::npos);
}

TEST_CASE("classifier: redirects are refused, never followed")
{
    meld::diagnostics d;
    CHECK(classify_response(answer(302, "text/plain", ""), d) == client_errc::redirect_refused);
    CHECK(d.http_status() == 302);
}

TEST_CASE("classifier: Meld's standard error body is parsed into diagnostics")
{
    meld::diagnostics d;
    raw_response r = answer(400, "application/json",
                   R"({"code":"BAD_REQUEST","message":"Bad request","errors":["[amount] Must be a decimal value greater than zero"],"requestId":"eb6aaa76bd7103cf6c5b090610c31913","timestamp":"2022-01-19T20:32:30.784928Z","serviceProviderDetails":{"message":"provider says no","extra":1}})");
    auto ec = classify_response(r, d);
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(meld::is_api_error(ec));
    CHECK(d.http_status() == 400);
    CHECK(d.code() == "BAD_REQUEST");
    CHECK(d.message() == "Bad request");
    REQUIRE(d.errors().size() == 1);
    CHECK(d.errors()[0] == "[amount] Must be a decimal value greater than zero");
    CHECK(d.request_id() == "eb6aaa76bd7103cf6c5b090610c31913");
    CHECK(d.timestamp() == "2022-01-19T20:32:30.784928Z");
    CHECK(d.service_provider_message() == "provider says no");
    CHECK(d.raw_body() == r.body);

    meld::error e(ec, d);
    CHECK(e.status() == 400);
    CHECK(e.api_code() == "BAD_REQUEST");
    CHECK(std::string(e.what()).find("requestId=eb6aaa76bd7103cf6c5b090610c31913") != std::string::npos);
}

TEST_CASE("classifier: the quote endpoint's {quotes:null,error:...} body and other shapes")
{
    meld::diagnostics d;
    auto ec = classify_response(
        answer(400, "application/json", R"({"quotes":null,"message":null,"error":"No Valid Quote Combinations Found","timestamp":null})"),
        d);
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(d.code() == "No Valid Quote Combinations Found");
    CHECK(d.message().empty());

    meld::diagnostics d2;
    CHECK(classify_response(answer(503, "text/html", "<h1>down</h1>"), d2) == meld::api_errc::service_unavailable);
    CHECK(d2.code().empty());
    CHECK(d2.raw_body() == "<h1>down</h1>");

    meld::diagnostics d3;
    CHECK(classify_response(answer(429, "application/json", R"({"code":"TOO_MANY_REQUESTS","errors":"not-an-array"})"), d3) ==
          meld::api_errc::too_many_requests);
    CHECK(d3.code() == "TOO_MANY_REQUESTS");
    CHECK(d3.errors().empty());

    meld::diagnostics d4;
    CHECK(classify_response(answer(418, "application/json", "[1,2]"), d4).value() == 418);
    CHECK(classify_response(answer(100, "", ""), d4) == client_errc::malformed_response);
}
