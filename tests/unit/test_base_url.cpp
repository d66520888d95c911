// Unit tests (sans-io) for detail/base_url.hpp: what base URLs the client accepts and refuses.
#include <meld/detail/base_url.hpp>

#include <catch2/catch.hpp>

using meld::client_errc;
using meld::detail::base_url_info;
using meld::detail::parse_base_url;

namespace {
meld::error_code parse(std::string_view url, base_url_info& info)
{
    std::string msg;
    return parse_base_url(url, info, msg);
}
}  // namespace

TEST_CASE("base_url: Meld's hosts and a local sandbox are accepted")
{
    base_url_info info;
    REQUIRE_FALSE(parse("https://api.meld.io", info));
    CHECK(info.tls);
    CHECK(info.host == "api.meld.io");
    CHECK(info.port == "443");
    CHECK(info.host_header == "api.meld.io");
    CHECK_FALSE(info.loopback);
    CHECK_FALSE(info.ip_literal);

    REQUIRE_FALSE(parse("https://api-sb.meld.io/", info));
    CHECK(info.host == "api-sb.meld.io");

    REQUIRE_FALSE(parse("http://127.0.0.1:8080", info));
    CHECK_FALSE(info.tls);
    CHECK(info.port == "8080");
    CHECK(info.loopback);
    CHECK(info.ip_literal);
    CHECK(info.host_header == "127.0.0.1:8080");

    REQUIRE_FALSE(parse("https://localhost:8443", info));
    CHECK(info.loopback);

    REQUIRE_FALSE(parse("http://[::1]:9000", info));
    CHECK(info.host == "::1");
    CHECK(info.loopback);
}

TEST_CASE("base_url: userinfo, path prefixes, queries, fragments and bad schemes are refused")
{
    base_url_info info;
    CHECK(parse("https://user:secret@api.meld.io", info) == client_errc::invalid_base_url);
    CHECK(parse("https://api.meld.io/v1", info) == client_errc::invalid_base_url);
    CHECK(parse("https://api.meld.io?x=1", info) == client_errc::invalid_base_url);
    CHECK(parse("https://api.meld.io#frag", info) == client_errc::invalid_base_url);
    CHECK(parse("ftp://api.meld.io", info) == client_errc::invalid_base_url);
    CHECK(parse("api.meld.io", info) == client_errc::invalid_base_url);
    CHECK(parse("https://api.meld.io:0", info) == client_errc::invalid_base_url);
    // ports above 65535 are refused, not wrapped (65537 would have been port 1)
    CHECK(parse("https://127.0.0.1:65537", info) == client_errc::invalid_base_url);
    CHECK(parse("https://api.meld.io:99999", info) == client_errc::invalid_base_url);
    REQUIRE_FALSE(parse("https://api.meld.io:65535", info));
    CHECK(info.port == "65535");
}

TEST_CASE("base_url: plain http is refused for production and any non-loopback host")
{
    base_url_info info;
    std::string msg;
    CHECK(parse_base_url("http://api.meld.io", info, msg) == client_errc::insecure_url);
    CHECK(msg.find("plain http") != std::string::npos);
    CHECK(parse("http://10.0.0.5:8080", info) == client_errc::insecure_url);
}
