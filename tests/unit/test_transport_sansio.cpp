// Unit tests (sans-io, no sockets) of the byte-level pieces around the transport: the response parser fed
// literal bytes (detail/transport/response_reader.hpp), the request head (detail/pipeline/request_head.hpp),
// secret redaction (detail/pipeline/redact.hpp) and the proxy's URL / NO_PROXY / environment / CONNECT logic
// (detail/transport/proxy.hpp).
#include <meld/detail/pipeline/redact.hpp>
#include <meld/detail/pipeline/request_head.hpp>
#include <meld/detail/transport/proxy.hpp>
#include <meld/detail/transport/response_reader.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace http = boost::beast::http;
namespace pl = meld::detail::pipeline;
namespace tr = meld::detail::transport;
using meld::client_errc;
using meld::http_method;
using meld::detail::base_url_info;
using meld::detail::prepared_request;
using meld::detail::raw_response;

namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// ---- response_reader ---------------------------------------------------------------------------------------

struct reading {
    raw_response resp;
    meld::error_code ec;
    std::size_t consumed = 0;
    bool done = false;
    bool interim = false;
    bool keep_alive = false;
};

/// Feeds `bytes` to a fresh reader `piece` bytes at a time (as a socket would deliver them), the unconsumed
/// rest kept in front of the next piece; `eof` then signals the end of the stream.
reading read_answer(std::string_view bytes, std::size_t body_limit = 1 << 20,
                    std::size_t piece = std::numeric_limits<std::size_t>::max(), bool eof = false,
                    meld::detail::body_sink* sink = nullptr)
{
    reading out;
    out.resp.sink = sink;
    tr::response_reader reader(out.resp, body_limit);
    reader.eager(true);  // as http::async_read does
    std::string pending;
    std::size_t fed = 0;
    while (!reader.is_done()) {
        if (fed < bytes.size()) {
            std::size_t const n = std::min(piece, bytes.size() - fed);
            pending.append(bytes.substr(fed, n));
            fed += n;
        } else if (pending.empty()) {
            break;
        }
        std::size_t const used = reader.put(boost::asio::buffer(pending.data(), pending.size()), out.ec);
        pending.erase(0, used);
        out.consumed += used;
        if (out.ec == http::error::need_more) {
            out.ec = {};
            if (fed == bytes.size())
                break;
            continue;
        }
        if (out.ec)
            break;
        if (used == 0 && fed == bytes.size())
            break;
    }
    if (eof && !out.ec && !reader.is_done())
        reader.put_eof(out.ec);
    out.done = reader.is_done();
    out.interim = reader.interim();
    if (out.done)
        out.keep_alive = reader.keep_alive();
    return out;
}

/// Reads an interim answer from `bytes`, then the final one from the bytes after it; both must be complete.
std::pair<reading, reading> read_interim_then_final(std::string_view bytes)
{
    auto interim = read_answer(bytes);
    CHECK_FALSE(interim.ec);
    CHECK(interim.done);
    CHECK(interim.interim);
    auto final_answer = read_answer(bytes.substr(interim.consumed));
    CHECK_FALSE(final_answer.ec);
    CHECK(final_answer.done);
    CHECK_FALSE(final_answer.interim);
    return {std::move(interim), std::move(final_answer)};
}

// ---- proxy ---------------------------------------------------------------------------------------------------

std::map<std::string, std::string, std::less<>> fake_env;

char const* fake_getenv(char const* name)
{
    auto const it = fake_env.find(std::string_view(name));
    return it == fake_env.end() ? nullptr : it->second.c_str();
}

base_url_info api_https() { return {.tls = true, .host = "api.meld.io", .port = "443", .host_header = "api.meld.io"}; }

base_url_info api_http_loopback()
{
    return {.tls = false, .host = "localhost", .port = "8080", .host_header = "localhost:8080", .loopback = true};
}

/// What select_proxy() picks for `api`, with `p` and the fake environment (it must accept them): the proxy's
/// "host:port", or "direct".
std::string route(meld::proxy_params const& p, base_url_info const& api)
{
    std::optional<tr::proxy_target> out;
    std::string msg;
    CHECK_FALSE(tr::select_proxy(p, api, &fake_getenv, out, msg));
    return out ? out->host + ":" + out->port : "direct";
}

/// A body_sink that records what it was given.
struct recording_sink final : meld::detail::body_sink {
    std::string bytes;
    std::size_t writes = 0;
    int begins = 0;
    int ends = 0;
    int lasts = 0;  ///< writes marked last
    bool after_last = false;  ///< a write came after one marked last
    void begin() override
    {
        ++begins;
        bytes.clear();
    }
    void write(std::string_view b, bool last) override
    {
        after_last = after_last || lasts > 0;
        ++writes;
        lasts += last ? 1 : 0;
        bytes.append(b);
    }
    void end() override { ++ends; }
};

}  // namespace

// ---- response_reader ---------------------------------------------------------------------------------------

TEST_CASE("response_reader: a 200 with Content-Length")
{
    auto const r = read_answer("HTTP/1.1 200 OK\r\n"
                               "Content-Type: application/json; charset=utf-8\r\n"
                               "Content-Length: 11\r\n"
                               "\r\n"
                               R"({"ok":true})");
    CHECK_FALSE(r.ec);
    CHECK(r.done);
    CHECK_FALSE(r.interim);
    CHECK(r.keep_alive);
    CHECK(r.resp.status == 200);
    CHECK(r.resp.content_type.view() == "application/json; charset=utf-8");
    CHECK(r.resp.body == R"({"ok":true})");
    CHECK(r.resp.retry_after.empty());
    CHECK(r.resp.date.empty());
    CHECK(r.resp.request_id_header.empty());

    // the same bytes one at a time
    auto const slow = read_answer("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", 1 << 20, 1);
    CHECK_FALSE(slow.ec);
    CHECK(slow.done);
    CHECK(slow.resp.body == R"({"ok":true})");
}

TEST_CASE("response_reader: a chunked body, whole and byte by byte")
{
    std::string_view const bytes = "HTTP/1.1 200 OK\r\n"
                                   "Content-Type: application/json\r\n"
                                   "Transfer-Encoding: chunked\r\n"
                                   "\r\n"
                                   "7\r\n{\"a\":[1\r\n"
                                   "a;ext=1\r\n,2,3],\"b\":\r\n"
                                   "3\r\n\"x\"\r\n"
                                   "1\r\n}\r\n"
                                   "0\r\n"
                                   "\r\n";
    for (std::size_t piece : {std::numeric_limits<std::size_t>::max(), std::size_t{1}, std::size_t{5}}) {
        CAPTURE(piece);
        auto const r = read_answer(bytes, 1 << 20, piece);
        CHECK_FALSE(r.ec);
        CHECK(r.done);
        CHECK(r.consumed == bytes.size());
        CHECK(r.resp.status == 200);
        CHECK(r.resp.body == R"({"a":[1,2,3],"b":"x"})");
    }
}

TEST_CASE("response_reader: a 2xx JSON body goes to the sink as it arrives, never into a string")
{
    std::string_view const fixed = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n"
                                   R"({"a":[1,2,3],"b":"x"})";
    std::string_view const chunked = "HTTP/1.1 201 Created\r\n"
                                     "Content-Type: application/json; charset=utf-8\r\n"
                                     "Transfer-Encoding: chunked\r\n"
                                     "\r\n"
                                     "7\r\n{\"a\":[1\r\n"
                                     "a;ext=1\r\n,2,3],\"b\":\r\n"
                                     "4\r\n\"x\"}\r\n"
                                     "0\r\n"
                                     "\r\n";
    for (std::string_view bytes : {fixed, chunked}) {
        for (std::size_t piece : {std::numeric_limits<std::size_t>::max(), std::size_t{1}, std::size_t{9}}) {
            CAPTURE(bytes, piece);
            recording_sink sink;
            auto const r = read_answer(bytes, 1 << 20, piece, false, &sink);
            CHECK_FALSE(r.ec);
            CHECK(r.done);
            CHECK(r.consumed == bytes.size());
            CHECK(r.resp.streamed);
            CHECK(r.resp.body.empty());
            CHECK(sink.bytes == R"({"a":[1,2,3],"b":"x"})");
            CHECK(sink.begins == 1);
            CHECK(sink.ends == 1);
            CHECK(sink.lasts == (bytes == fixed ? 1 : 0));  // Content-Length: the completing bytes say so
            CHECK_FALSE(sink.after_last);
            if (piece == 1)
                CHECK(sink.writes >= 10);  // fed as the bytes came, not once at the end
        }
    }
}

TEST_CASE("response_reader: error answers, other media types, interim and empty answers keep the body path")
{
    struct answer {
        std::string_view bytes;
        std::string_view body;
    };
    for (auto const& [bytes, body] : {
             answer{"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n"
                    R"({"code":"BAD_REQUEST"})",
                    R"({"code":"BAD_REQUEST"})"},
             answer{"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                    "{}"},
             answer{"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>", "<html>"},
             answer{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "{}"},  // no content type
             answer{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n", ""},
             answer{"HTTP/1.1 100 Continue\r\n\r\n", ""},
         }) {
        CAPTURE(bytes);
        recording_sink sink;
        auto const r = read_answer(bytes, 1 << 20, std::numeric_limits<std::size_t>::max(), false, &sink);
        CHECK_FALSE(r.ec);
        CHECK(r.done);
        CHECK_FALSE(r.resp.streamed);
        CHECK(r.resp.body == body);
        CHECK(sink.begins == 0);
        CHECK(sink.ends == 0);
    }
}

TEST_CASE("response_reader: the body limit bounds a streamed body too")
{
    recording_sink sink;
    auto const r = read_answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "8\r\n[1,2,3,4\r\n8\r\n,5,6,7,8\r\n1\r\n]\r\n0\r\n\r\n",
                               10, 1, false, &sink);
    CHECK(r.ec == http::error::body_limit);
    CHECK(sink.ends == 0);
    CHECK(sink.bytes.size() <= 10);
}

TEST_CASE("response_reader: keeps Content-Type, Retry-After, Date and the first request-id header")
{
    auto const r = read_answer("HTTP/1.1 503 Service Unavailable\r\n"
                               "Server: nginx\r\n"
                               "Date: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                               "content-type: application/json\r\n"
                               "Retry-After: 120\r\n"
                               "x-amzn-RequestId: 5f2c7f59-aaaa-bbbb-cccc-000000000001\r\n"
                               "X-Request-Id: second-one\r\n"
                               "Content-Length: 2\r\n"
                               "\r\n"
                               "{}");
    CHECK_FALSE(r.ec);
    CHECK(r.resp.status == 503);
    CHECK(r.resp.content_type.view() == "application/json");
    CHECK(r.resp.retry_after.view() == "120");
    CHECK(r.resp.date.view() == "Wed, 21 Oct 2015 07:28:00 GMT");
    CHECK(r.resp.request_id_header.view() == "x-amzn-RequestId");
    CHECK(r.resp.request_id.view() == "5f2c7f59-aaaa-bbbb-cccc-000000000001");
    CHECK(r.resp.body == "{}");

    auto const s = read_answer("HTTP/1.1 200 OK\r\nX-Request-Id: req_123\r\nRequest-Id: other\r\nContent-Length: 0\r\n\r\n");
    CHECK(s.resp.request_id_header.view() == "X-Request-Id");
    CHECK(s.resp.request_id.view() == "req_123");

    CHECK(tr::is_request_id_header("X-Request-Id"));
    CHECK(tr::is_request_id_header("x-amzn-RequestId"));
    CHECK(tr::is_request_id_header("REQUEST-ID"));
    CHECK(tr::is_request_id_header("X-Meld-Request-Id"));
    CHECK_FALSE(tr::is_request_id_header("X-Correlation-Id"));
    CHECK_FALSE(tr::is_request_id_header("X-Request"));
    CHECK_FALSE(tr::is_request_id_header("Request"));
    CHECK_FALSE(tr::is_request_id_header(""));
}

TEST_CASE("response_reader: 100 Continue then the final answer in the same bytes")
{
    std::string_view const bytes = "HTTP/1.1 100 Continue\r\n\r\n"
                                   "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    auto const [first, final_answer] = read_interim_then_final(bytes);
    CHECK(first.resp.status == 100);
    CHECK(first.consumed == std::string_view("HTTP/1.1 100 Continue\r\n\r\n").size());
    CHECK(first.resp.body.empty());
    CHECK(final_answer.resp.status == 200);
    CHECK(final_answer.resp.body == "{}");
}

TEST_CASE("response_reader: 103 Early Hints with a Link header is interim")
{
    std::string_view const bytes = "HTTP/1.1 103 Early Hints\r\n"
                                   "Link: </style.css>; rel=preload; as=style\r\n"
                                   "\r\n"
                                   "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n"
                                   R"({"code":"NOT_FOUND"})"
                                   "\n";
    auto const [hints, final_answer] = read_interim_then_final(bytes);
    CHECK(hints.resp.status == 103);
    CHECK(hints.resp.content_type.empty());
    CHECK(final_answer.resp.status == 404);
    CHECK(final_answer.resp.body == "{\"code\":\"NOT_FOUND\"}\n");
}

TEST_CASE("response_reader: a body delimited by the end of the stream, and Connection: close")
{
    auto const r = read_answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[1,2]",
                               1 << 20, std::numeric_limits<std::size_t>::max(), true);
    CHECK_FALSE(r.ec);
    CHECK(r.done);
    CHECK_FALSE(r.keep_alive);
    CHECK(r.resp.body == "[1,2]");

    auto const old = read_answer("HTTP/1.0 204 No Content\r\n\r\n");
    CHECK(old.done);
    CHECK_FALSE(old.keep_alive);
    CHECK(old.resp.status == 204);
}

TEST_CASE("response_reader: the body limit")
{
    // refused from Content-Length alone, before any body byte
    auto const big = read_answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 10);
    CHECK(big.ec == http::error::body_limit);
    CHECK(big.resp.body.empty());
    CHECK(big.resp.status == 200);

    auto const chunked = read_answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "10\r\n0123456789abcdef\r\n0\r\n\r\n",
                                     8);
    CHECK(chunked.ec == http::error::body_limit);

    auto const to_eof = read_answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789abcdef", 8,
                                    std::numeric_limits<std::size_t>::max(), true);
    CHECK(to_eof.ec == http::error::body_limit);

    auto const exact = read_answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 10);
    CHECK_FALSE(exact.ec);
    CHECK(exact.resp.body == "0123456789");
}

TEST_CASE("response_reader: a header over 64 KiB is refused")
{
    std::string bytes = "HTTP/1.1 200 OK\r\nX-Filler: ";
    bytes.append(70 * 1024, 'a');
    bytes.append("\r\nContent-Length: 0\r\n\r\n");
    auto const r = read_answer(bytes);
    CHECK(r.ec == http::error::header_limit);
    CHECK_FALSE(r.done);

    std::string fits = "HTTP/1.1 200 OK\r\nX-Filler: ";
    fits.append(60 * 1024, 'a');
    fits.append("\r\nContent-Length: 0\r\n\r\n");
    CHECK_FALSE(read_answer(fits).ec);
}

TEST_CASE("response_reader: garbage is an error, never an answer")
{
    for (std::string_view bytes : {std::string_view("HTP/1.1 200 OK\r\n\r\n"), std::string_view("HTTP/1.1 2x0 OK\r\n\r\n"),
                                   std::string_view("hello world\r\n\r\n"), std::string_view("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"),
                                   std::string_view("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"),
                                   std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
        CAPTURE(bytes);
        auto const r = read_answer(bytes);
        CHECK(r.ec);
        CHECK_FALSE(r.done);
    }
}

// ---- request_head ------------------------------------------------------------------------------------------

namespace {

constexpr std::string_view common_lines = "Host: api.meld.io\r\n"
                                          "User-Agent: meld-cpp/1.2.3 (Boost.Beast) shop/4.5\r\n"
                                          "Accept: application/json\r\n";

pl::head_constants constants(bool has_key = true, bool send_version = true)
{
    pl::head_constants k;
    auto const bad = pl::head_constants::build(k, "api.meld.io", "meld-cpp/1.2.3 (Boost.Beast) shop/4.5",
                                               "Authorization", "BASIC W9Yq:secret-part-0001", has_key,
                                               "2022-08-29", send_version);
    REQUIRE(bad.empty());
    return k;
}

std::string head(pl::head_constants const& k, prepared_request const& r)
{
    std::string out;
    pl::append_request_head(out, k, r);
    return out;
}

}  // namespace

TEST_CASE("request_head: a GET has no body framing")
{
    prepared_request r;
    r.method = http_method::get;
    r.target = "/payments/transactions?limit=10&statuses=SETTLED,FAILED";
    CHECK(head(constants(), r) == std::string("GET /payments/transactions?limit=10&statuses=SETTLED,FAILED HTTP/1.1\r\n")
                                      .append(common_lines)
                                      .append("Authorization: BASIC W9Yq:secret-part-0001\r\n"
                                              "Meld-Version: 2022-08-29\r\n"
                                              "\r\n"));
    CHECK(pl::unsafe_request_value(r).empty());
}

TEST_CASE("request_head: a POST with a body, a Meld-Version override, a key and header parameters")
{
    prepared_request r;
    r.method = http_method::post;
    r.target = "/payments/crypto/quote";
    r.has_body = true;
    r.body = R"({"amount":"10"})";
    r.meld_version = "2023-12-01";
    r.idempotency_key = "k-0001";
    r.headers.emplace_back("Meld-Account-Id", "acc_1");
    r.headers.emplace_back("X-Trace", "t 2");
    CHECK(head(constants(), r) == std::string("POST /payments/crypto/quote HTTP/1.1\r\n")
                                      .append(common_lines)
                                      .append("Authorization: BASIC W9Yq:secret-part-0001\r\n"
                                              "Meld-Version: 2023-12-01\r\n"
                                              "X-Idempotency-Key: k-0001\r\n"
                                              "Meld-Account-Id: acc_1\r\n"
                                              "X-Trace: t 2\r\n"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: 15\r\n"
                                              "\r\n"));
    std::string out = "previous bytes|";
    pl::append_request_head(out, constants(), r);  // appends, never replaces
    CHECK(out.rfind("previous bytes|POST ", 0) == 0);
}

TEST_CASE("request_head: body framing per method")
{
    prepared_request r;
    r.target = "/x";
    for (auto m : {http_method::post, http_method::put, http_method::patch}) {
        CAPTURE(meld::to_string(m));
        r.method = m;
        auto const h = head(constants(), r);
        CHECK(contains(h, "\r\nContent-Length: 0\r\n\r\n"));
        CHECK_FALSE(contains(h, "Content-Type"));
    }
    for (auto m : {http_method::get, http_method::delete_}) {
        CAPTURE(meld::to_string(m));
        r.method = m;
        CHECK_FALSE(contains(head(constants(), r), "Content-Length"));
    }
    r.method = http_method::delete_;
    r.has_body = true;
    r.body = "{}";
    CHECK(contains(head(constants(), r), "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"));
    r.method = http_method::put;
    r.body.assign(1234, ' ');
    CHECK(contains(head(constants(), r), "\r\nContent-Length: 1234\r\n\r\n"));
}

TEST_CASE("request_head: the Authorization line only when the operation requires it or a key is configured")
{
    prepared_request r;
    r.method = http_method::get;
    r.target = "/service-providers";
    r.requires_auth = false;
    CHECK_FALSE(contains(head(constants(false), r), "Authorization"));
    CHECK(contains(head(constants(true), r), "\r\nAuthorization: BASIC W9Yq:secret-part-0001\r\n"));
    r.requires_auth = true;
    auto const h = head(constants(true), r);
    CHECK(h.find("Authorization:") == h.rfind("Authorization:"));  // once

    // another profile: a custom header and no Meld-Version at all, even with a per-call override
    pl::head_constants k;
    REQUIRE(pl::head_constants::build(k, "api.bleepay.test:8443", "ua", "X-Client-Secret", "cs_live_123456", true,
                                      "", false)
                .empty());
    r.meld_version = "2023-12-01";
    CHECK(head(k, r) == "GET /service-providers HTTP/1.1\r\n"
                        "Host: api.bleepay.test:8443\r\n"
                        "User-Agent: ua\r\n"
                        "Accept: application/json\r\n"
                        "X-Client-Secret: cs_live_123456\r\n"
                        "\r\n");
}

TEST_CASE("request_head: head_constants::build refuses CR, LF and NUL in the client's settings")
{
    auto const build = [](std::string_view host, std::string_view ua, std::string_view auth, std::string_view version,
                          bool send_version) {
        pl::head_constants k;
        k.common = "untouched";
        auto const bad = pl::head_constants::build(k, host, ua, "Authorization", auth, true, version, send_version);
        if (!bad.empty())
            CHECK(k.common == "untouched");  // nothing half-built
        return std::string(bad);
    };
    CHECK(build("api.meld.io", "meld-cpp/1 shop/2", "BASIC a:b", "2022-08-29", true).empty());
    CHECK(build("api.meld.io\r\nX-Evil: 1", "ua", "BASIC a:b", "v", true) == "base_url");
    CHECK(build("api.meld.io", "meld-cpp/1 shop\r\nX-Evil: 1", "BASIC a:b", "v", true) == "app_info");
    CHECK(build("api.meld.io", "meld-cpp/1 shop\n", "BASIC a:b", "v", true) == "app_info");
    CHECK(build("api.meld.io", "ua", "BASIC a:b\r\nX-Evil: 1", "v", true) == "api_key");
    CHECK(build("api.meld.io", "ua", std::string_view("BASIC a\0b", 9), "v", true) == "api_key");
    CHECK(build("api.meld.io", "ua", "BASIC a:b", "2022\r\n", true) == "meld_version");
    CHECK(build("api.meld.io", "ua", "BASIC a:b", "2022\r\n", false).empty());  // never sent

    static_assert(pl::header_value_safe("a b\tc:d"));
    static_assert(!pl::header_value_safe("a\rb"));
    static_assert(!pl::header_value_safe("a\nb"));
    static_assert(!pl::header_value_safe(std::string_view("a\0b", 3)));
}

TEST_CASE("request_head: unsafe_request_value names the first unsafe per-call value")
{
    prepared_request r;
    r.target = "/ok?q=1";
    CHECK(pl::unsafe_request_value(r).empty());
    r.headers.emplace_back("Meld-Account-Id", "fine value");
    CHECK(pl::unsafe_request_value(r).empty());
    r.headers.emplace_back("X-Second", "bad\nvalue");
    CHECK(pl::unsafe_request_value(r) == "X-Second");
    r.idempotency_key = "k\r";
    CHECK(pl::unsafe_request_value(r) == "idempotency_key");
    r.meld_version = "v\n";
    CHECK(pl::unsafe_request_value(r) == "meld_version");
    r.target = "/a b";
    CHECK(pl::unsafe_request_value(r) == "the target");
}

// ---- redactor ----------------------------------------------------------------------------------------------

TEST_CASE("redact: base64_encode")
{
    CHECK(pl::base64_encode("") == "");
    CHECK(pl::base64_encode("f") == "Zg==");
    CHECK(pl::base64_encode("fo") == "Zm8=");
    CHECK(pl::base64_encode("foo") == "Zm9v");
    CHECK(pl::base64_encode("foobar") == "Zm9vYmFy");
    CHECK(pl::base64_encode("user:p@ss") == "dXNlcjpwQHNz");
    CHECK(pl::base64_encode("\xff") == "/w==");
    CHECK(pl::base64_encode(std::string_view("\0\1", 2)) == "AAE=");
}

TEST_CASE("redact: the key, its parts, the Authorization value and their base64 forms")
{
    pl::redactor r;
    CHECK(r.empty());
    r.add_credential("abcdefgh:ijklmnopqr", "BASIC abcdefgh:ijklmnopqr");
    CHECK_FALSE(r.empty());

    CHECK(r.redacted("Authorization: BASIC abcdefgh:ijklmnopqr was refused") ==
          "Authorization: [REDACTED] was refused");
    CHECK(r.redacted("key=abcdefgh:ijklmnopqr;") == "key=[REDACTED];");
    CHECK(r.redacted("account abcdefgh unknown") == "account [REDACTED] unknown");
    CHECK(r.redacted("secret ijklmnopqr leaked twice: ijklmnopqr") ==
          "secret [REDACTED] leaked twice: [REDACTED]");
    CHECK(r.redacted("basic YWJjZGVmZ2g6aWprbG1ub3Bxcg==") == "basic [REDACTED]");
    CHECK(r.redacted("QkFTSUMgYWJjZGVmZ2g6aWprbG1ub3Bxcg==") == "[REDACTED]");
    CHECK(r.redacted("aWprbG1ub3Bxcg==") == "[REDACTED]");
    CHECK(r.redacted("nothing secret here") == "nothing secret here");
    CHECK(r.redacted("") == "");
    CHECK(r.contains_secret("x ijklmnopqr y"));
    CHECK_FALSE(r.contains_secret("abcdefg ijklmnopq"));  // a prefix of a secret is not the secret

    std::string text = R"({"errors":["[Authorization] BASIC abcdefgh:ijklmnopqr is not valid"]})";
    r.apply(text);
    CHECK(text == R"({"errors":["[Authorization] [REDACTED] is not valid"]})");
    CHECK_FALSE(r.contains_secret(text));
}

TEST_CASE("redact: secrets shorter than 6 characters are ignored")
{
    pl::redactor r;
    r.add_secret("abc12");
    r.add_secret("");
    CHECK(r.empty());
    CHECK(r.redacted("abc12 YWJjMTI=") == "abc12 YWJjMTI=");

    pl::redactor k;
    k.add_credential("id:longsecret", "BASIC id:longsecret");
    CHECK(k.redacted("id: 42, valid") == "id: 42, valid");  // the 2-character id part is not a secret
    CHECK(k.redacted("longsecret") == "[REDACTED]");
}

TEST_CASE("redact: a value cut inside a secret (a truncated header) is recognised")
{
    pl::redactor r;
    r.add_secret("0123456789abcdef");
    CHECK(r.contains_secret_or_cut("x-request-id 0123456789abcdef tail"));
    CHECK(r.contains_secret_or_cut("prefix 012345"));       // the first 6 characters, at the end
    CHECK_FALSE(r.contains_secret_or_cut("prefix 01234"));  // 5: too short to be a credential fragment
    CHECK_FALSE(r.contains_secret_or_cut("012345 suffix"));  // not at the cut
    CHECK_FALSE(r.contains_secret_or_cut(""));
}

TEST_CASE("redact: overlapping and nested secrets leave no fragment behind")
{
    pl::redactor r;
    r.add_secret("abcdef123");
    r.add_secret("123456xyz");
    // each overlap direction, and an occurrence of one inside text that also holds the other
    CHECK(r.redacted("abcdef123456xyz") == "[REDACTED]");
    CHECK(r.redacted("123456xyzabcdef123") == "[REDACTED][REDACTED]");
    CHECK(r.redacted("<abcdef123456xyz> and <123456xyz>") == "<[REDACTED]> and <[REDACTED]>");
    for (std::string_view s : {"abcdef123456xyz", "xxabcdef123456xyzxx", "abcdef123456xyzabcdef123"}) {
        CAPTURE(s);
        auto const out = r.redacted(s);
        CHECK_FALSE(contains(out, "456xyz"));
        CHECK_FALSE(contains(out, "abcdef"));
    }

    pl::redactor n;  // nested: the longer one first, the shorter one elsewhere still found
    n.add_secret("outer-secret-inner");
    n.add_secret("secret-in");
    CHECK(n.redacted("a outer-secret-inner b secret-in c") == "a [REDACTED] b [REDACTED] c");

    pl::redactor chain;  // a chain of three overlaps
    chain.add_secret("AAAAAABBB");
    chain.add_secret("BBBCCCCCC");
    chain.add_secret("CCCDDDDDD");
    CHECK(chain.redacted("<AAAAAABBBCCCCCCDDDDDD>") == "<[REDACTED]>");

    pl::redactor self;  // a secret overlapping itself
    self.add_secret("abcabc");
    CHECK(self.redacted("abcabcabc!") == "[REDACTED]!");
    CHECK(self.redacted("abcabc abcabc") == "[REDACTED] [REDACTED]");
}

// ---- proxy -------------------------------------------------------------------------------------------------

TEST_CASE("proxy: parse_proxy_url")
{
    tr::proxy_target t;
    std::string msg;
    SECTION("accepted, each field as expected")
    {
        struct row {
            std::string_view url, host, port;
            bool ip_literal = false;
            std::string_view user{}, password{}, authorization{};
        };
        for (row const& r : {
                 // credentials are percent-decoded and become a Basic header
                 row{"http://user:p%40ss@proxy.corp:3128", "proxy.corp", "3128", false, "user", "p@ss",
                     "Basic dXNlcjpwQHNz"},
                 row{"http://proxy.corp", "proxy.corp", "1080"},        // default port 1080, no credentials
                 row{"http://proxy.corp:8080/", "proxy.corp", "8080"},  // a lone "/" is fine
                 row{"proxy.corp:3128", "proxy.corp", "3128"},          // host:port without a scheme
                 row{"10.1.2.3:8080", "10.1.2.3", "8080", true},
                 row{"HTTP://proxy.corp:3128", "proxy.corp", "3128"},  // the scheme is case-insensitive
                 row{"http://[::1]:8080", "::1", "8080", true},        // IPv6
                 row{"[fd00::5]:3128", "fd00::5", "3128", true},
             }) {
            CAPTURE(r.url);
            tr::proxy_target parsed;
            REQUIRE_FALSE(tr::parse_proxy_url(r.url, parsed, msg));
            CHECK(parsed.host == r.host);
            CHECK(parsed.port == r.port);
            CHECK(parsed.ip_literal == r.ip_literal);
            CHECK(parsed.user == r.user);
            CHECK(parsed.password == r.password);
            CHECK(parsed.authorization == r.authorization);
        }
    }
    SECTION("refused, without echoing the password")
    {
        for (std::string_view url :
             {"https://user:hunter2-secret@proxy.corp:3128", "socks5://user:hunter2-secret@proxy.corp:1080",
              "http://user:hunter2-secret@proxy.corp:3128/path", "http://user:hunter2-secret@proxy.corp:3128?x=1",
              "http://user:hunter2-secret@proxy.corp:3128#frag", "http://user:hunter2-secret@:3128",
              "http://user:hunter2-secret@proxy.corp:0", "http://user:hunter2-secret@proxy.corp:port",
              "http://user:hunter2-secret@proxy.corp:65536", "http://user:hunter2-secret@proxy.corp:99999",
              "http://user:hunter2-secret@proxy corp:3128", "http://user:hunter2-secret@proxy.corp:3128 "}) {
            CAPTURE(url);
            msg.clear();
            CHECK(tr::parse_proxy_url(url, t, msg) == client_errc::invalid_proxy);
            CHECK_FALSE(msg.empty());
            CHECK_FALSE(contains(msg, "hunter2"));
            CHECK_FALSE(contains(msg, "proxy.corp"));
        }
        msg.clear();
        CHECK(tr::parse_proxy_url("https://proxy.corp", t, msg) == client_errc::invalid_proxy);
        CHECK(contains(msg, "only http://"));
        CHECK(tr::parse_proxy_url("http://proxy.corp/p", t, msg) == client_errc::invalid_proxy);
        CHECK(contains(msg, "path"));
    }
}

TEST_CASE("proxy: no_proxy_matches")
{
    CHECK(tr::no_proxy_matches("*", "api.meld.io"));
    CHECK(tr::no_proxy_matches("example.com", "api.example.com"));
    CHECK(tr::no_proxy_matches("example.com", "example.com"));
    CHECK(tr::no_proxy_matches("example.com", "a.b.example.com"));
    CHECK_FALSE(tr::no_proxy_matches("example.com", "badexample.com"));
    CHECK_FALSE(tr::no_proxy_matches("example.com", "example.com.evil.net"));
    CHECK_FALSE(tr::no_proxy_matches("api.example.com", "example.com"));
    CHECK(tr::no_proxy_matches(".example.com", "api.example.com"));
    CHECK(tr::no_proxy_matches(".example.com", "example.com"));
    CHECK(tr::no_proxy_matches("localhost:8443", "localhost"));
    CHECK(tr::no_proxy_matches("EXAMPLE.COM", "Api.Example.Com"));
    CHECK(tr::no_proxy_matches("example.com.", "api.example.com."));
    CHECK(tr::no_proxy_matches(" foo.test , ,bar.test\tmeld.io ", "api.meld.io"));
    CHECK(tr::no_proxy_matches("foo.test,meld.io", "api.meld.io"));
    CHECK_FALSE(tr::no_proxy_matches("foo.test,bar.test", "api.meld.io"));
    CHECK_FALSE(tr::no_proxy_matches("", "api.meld.io"));
    CHECK_FALSE(tr::no_proxy_matches(" , ", "api.meld.io"));
    CHECK_FALSE(tr::no_proxy_matches(".", "api.meld.io"));
    CHECK_FALSE(tr::no_proxy_matches("*.meld.io", "api.meld.io"));  // only a lone * is a wildcard
    CHECK(tr::no_proxy_matches("10.0.0.1", "10.0.0.1"));
    CHECK(tr::no_proxy_matches("::1", "::1"));
    CHECK(tr::no_proxy_matches("[::1]:8443", "::1"));
    CHECK_FALSE(tr::no_proxy_matches("::1", "::2"));
}

TEST_CASE("proxy: select_proxy with the environment")
{
    fake_env.clear();
    std::optional<tr::proxy_target> out;
    std::string msg;
    meld::proxy_params p;
    p.from_environment = true;

    SECTION("nothing set: direct")
    {
        CHECK(route(p, api_https()) == "direct");
    }
    SECTION("lowercase wins over uppercase")
    {
        fake_env["https_proxy"] = "http://lower.corp:1111";
        fake_env["HTTPS_PROXY"] = "http://upper.corp:2222";
        CHECK(route(p, api_https()) == "lower.corp:1111");
    }
    SECTION("uppercase when lowercase is unset or empty")
    {
        fake_env["HTTPS_PROXY"] = "http://upper.corp:2222";
        CHECK(route(p, api_https()) == "upper.corp:2222");
        fake_env["https_proxy"] = "";
        CHECK(route(p, api_https()) == "upper.corp:2222");
    }
    SECTION("HTTPS_PROXY for an https base URL, lower-case http_proxy only for plain http (httpoxy)")
    {
        fake_env["HTTPS_PROXY"] = "http://tls.corp:3128";
        fake_env["HTTP_PROXY"] = "http://cgi-header.corp:3128";
        CHECK(route(p, api_https()) == "tls.corp:3128");
        CHECK(route(p, api_http_loopback()) == "direct");  // HTTP_PROXY (upper case) is never read, as curl
        fake_env["http_proxy"] = "http://plain.corp:3128";
        CHECK(route(p, api_http_loopback()) == "plain.corp:3128");
        fake_env.erase("http_proxy");
        fake_env.erase("HTTP_PROXY");
        CHECK(route(p, api_http_loopback()) == "direct");  // never HTTPS_PROXY for http
    }
    SECTION("NO_PROXY")
    {
        fake_env["HTTPS_PROXY"] = "http://tls.corp:3128";
        fake_env["NO_PROXY"] = "localhost,.meld.io";
        CHECK(route(p, api_https()) == "direct");
        fake_env["no_proxy"] = "other.test";  // lowercase wins here too
        CHECK(route(p, api_https()) == "tls.corp:3128");
    }
    SECTION("from_environment = false: the environment is not read")
    {
        fake_env["HTTPS_PROXY"] = "http://tls.corp:3128";
        fake_env["https_proxy"] = "http://tls.corp:3128";
        p.from_environment = false;
        CHECK(route(p, api_https()) == "direct");
    }
    SECTION("an explicit URL wins over the environment and NO_PROXY")
    {
        fake_env["HTTPS_PROXY"] = "http://env.corp:3128";
        fake_env["NO_PROXY"] = "*";
        p.url = "http://explicit.corp:8080";
        CHECK(route(p, api_https()) == "explicit.corp:8080");
        p.from_environment = false;
        CHECK(route(p, api_https()) == "explicit.corp:8080");
    }
    SECTION("an unusable value is an error and leaves no proxy")
    {
        out = tr::proxy_target{};
        fake_env["HTTPS_PROXY"] = "https://user:hunter2-secret@tls.corp:3128";
        CHECK(tr::select_proxy(p, api_https(), &fake_getenv, out, msg) == client_errc::invalid_proxy);
        CHECK_FALSE(out.has_value());
        CHECK_FALSE(contains(msg, "hunter2"));
    }
    SECTION("no getenv")
    {
        CHECK_FALSE(tr::select_proxy(p, api_https(), nullptr, out, msg));
        CHECK_FALSE(out.has_value());
    }
    fake_env.clear();
}

TEST_CASE("proxy: the CONNECT request")
{
    tr::proxy_target t;
    std::string msg;
    REQUIRE_FALSE(tr::parse_proxy_url("http://user:p%40ss@proxy.corp:3128", t, msg));
    CHECK(tr::connect_request(api_https(), t, "meld-cpp/1.2.3") == "CONNECT api.meld.io:443 HTTP/1.1\r\n"
                                                                   "Host: api.meld.io:443\r\n"
                                                                   "User-Agent: meld-cpp/1.2.3\r\n"
                                                                   "Proxy-Authorization: Basic dXNlcjpwQHNz\r\n"
                                                                   "\r\n");
    tr::proxy_target anonymous;
    REQUIRE_FALSE(tr::parse_proxy_url("proxy.corp:3128", anonymous, msg));
    base_url_info v6 = api_https();
    v6.host = "::1";
    v6.port = "8443";
    v6.ip_literal = true;
    CHECK(tr::connect_request(v6, anonymous, "ua") == "CONNECT [::1]:8443 HTTP/1.1\r\n"
                                                      "Host: [::1]:8443\r\n"
                                                      "User-Agent: ua\r\n"
                                                      "\r\n");

    // the proxy's credentials in every form the engine registers are redacted
    pl::redactor r;
    r.add_secret(t.authorization);
    r.add_secret(t.password);
    r.add_secret(pl::base64_encode(t.user + ":" + t.password));
    CHECK(r.redacted(tr::connect_request(api_https(), t, "ua")) == "CONNECT api.meld.io:443 HTTP/1.1\r\n"
                                                                   "Host: api.meld.io:443\r\n"
                                                                   "User-Agent: ua\r\n"
                                                                   "Proxy-Authorization: [REDACTED]\r\n"
                                                                   "\r\n");
}

TEST_CASE("proxy: classify_connect_answer")
{
    std::string msg;
    CHECK_FALSE(tr::classify_connect_answer(200, msg));
    CHECK_FALSE(tr::classify_connect_answer(204, msg));
    CHECK(msg.empty());
    CHECK(tr::classify_connect_answer(407, msg) == client_errc::proxy_auth_required);
    CHECK(contains(msg, "407"));
    for (unsigned status : {100u, 301u, 403u, 502u, 503u}) {
        CAPTURE(status);
        msg.clear();
        CHECK(tr::classify_connect_answer(status, msg) == client_errc::proxy_tunnel_refused);
        CHECK(msg == "the proxy refused the CONNECT tunnel with HTTP " + std::to_string(status));
    }
}
