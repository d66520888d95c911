// Integration tests of the HTTPS proxy path (CONNECT tunnel, then TLS to the API host) over real sockets:
// meld::client -> connect_proxy (connect_proxy.hpp, its own thread) -> the TLS sandbox (its own thread).
#include "connect_proxy.hpp"
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using meld_test::connect_proxy;
using meld_test::proxy_options;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

namespace {

using quote_resp = meld::crypto::crypto_quote_response;

meld::crypto::quote_request const btc_quote{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                            .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};

quote_resp quote(asio::io_context& ioc, meld::client& c)
{
    return run_coro(ioc, [&]() -> asio::awaitable<quote_resp> { co_return co_await c.crypto.quote(btc_quote); });
}

/// One quote that must fail; returns the exception.
meld::error quote_failure(asio::io_context& ioc, meld::client& c)
{
    try {
        quote(ioc, c);
    } catch (meld::error const& e) {
        return e;
    }
    FAIL("expected meld::error");
    throw std::logic_error("unreachable");
}

/// One quote, on a client made from `p` for it, that must fail; returns the exception.
meld::error quote_failure(asio::io_context& ioc, meld::client_params const& p)
{
    meld::client c{ioc.get_executor(), p};
    return quote_failure(ioc, c);
}

/// Client parameters for the sandbox with small timeouts.
meld::client_params fast_params(sandbox_fixture const& sb)
{
    auto p = sb.client_params();
    p.connect_timeout = 2s;
    p.request_timeout = 5s;
    return p;
}

/// A TLS sandbox, the test thread's io_context, and `params` (fast_params of the sandbox) for the test to adjust
/// before it makes its client from them.
class proxy_fixture {
protected:
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client_params params = fast_params(sb);
};

/// A proxy_fixture whose calls are never retried: a failure is the first attempt's.
struct no_retry_fixture : proxy_fixture {
    no_retry_fixture() { params.retry = meld::retry_policy::none(); }
};

/// Every log line at debug level and above (thread-safe).
struct log_sink {
    std::mutex mtx;
    std::vector<std::string> lines;

    meld::logger logger()
    {
        return {meld::log_level::debug, [this](meld::log_level, std::string_view s) {
                    std::lock_guard lock{mtx};
                    lines.emplace_back(s);
                }};
    }
    std::string all()
    {
        std::lock_guard lock{mtx};
        std::string out;
        for (auto const& l : lines)
            out += l + "\n";
        return out;
    }
};

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

/// Saves and unsets the proxy variables; restores them on destruction.
class proxy_env {
public:
    proxy_env()
    {
        for (char const* n : names) {
            char const* v = std::getenv(n);
            saved_.push_back(v != nullptr ? std::optional<std::string>(v) : std::nullopt);
            ::unsetenv(n);
        }
    }
    ~proxy_env()
    {
        for (std::size_t i = 0; i < std::size(names); ++i) {
            if (saved_[i])
                ::setenv(names[i], saved_[i]->c_str(), 1);
            else
                ::unsetenv(names[i]);
        }
    }
    proxy_env(proxy_env const&) = delete;
    proxy_env& operator=(proxy_env const&) = delete;

    void set(char const* name, std::string const& value) { ::setenv(name, value.c_str(), 1); }

private:
    static constexpr char const* names[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
                                            "http_proxy",  "NO_PROXY",    "no_proxy"};
    std::vector<std::optional<std::string>> saved_;
};

/// A loopback port with nothing listening on it (bound once, then released).
unsigned short free_port()
{
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

}  // namespace

TEST_CASE_METHOD(proxy_fixture,
                 "proxy: a call through the proxy reaches the TLS sandbox, verified against the API host name")
{
    connect_proxy proxy;
    log_sink logs;
    params.proxy.url = proxy.url();  // the proxy is 127.0.0.1; the certificate names only localhost
    params.logger = logs.logger();
    meld::client c{ioc.get_executor(), params};

    auto r = quote(ioc, c);
    REQUIRE(r.quotes);
    CHECK(r.quotes->front().destinationAmount->text() == "0.00105423");

    auto const authority = "localhost:" + std::to_string(sb.server().port());
    auto const recs = proxy.records();
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].line == "CONNECT " + authority + " HTTP/1.1");
    CHECK(recs[0].header("Host") == authority);
    CHECK(recs[0].header("User-Agent").rfind("meld-cpp/", 0) == 0);
    CHECK(recs[0].header("Proxy-Authorization").empty());  // no credentials in the URL
    CHECK(recs[0].header("Authorization").empty());        // the API key only travels inside the tunnel's TLS
    CHECK(proxy.tunnels_opened() == 1);

    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].target == "/payments/crypto/quote");
    CHECK(reqs[0].header("Host") == authority);
    CHECK(reqs[0].header("Authorization") == "BASIC " + sb.server().params().api_key);
    CHECK(contains(logs.all(), "through the proxy 127.0.0.1"));
}

TEST_CASE_METHOD(proxy_fixture, "proxy: keep-alive reuse: several calls share one tunnel")
{
    connect_proxy proxy;
    params.proxy.url = proxy.url();
    meld::client c{ioc.get_executor(), params};
    for (int i = 0; i < 4; ++i)
        CHECK(quote(ioc, c).quotes);
    CHECK(sb.server().requests().size() == 4);
    CHECK(proxy.tunnels_opened() == 1);
    CHECK(proxy.records().size() == 1);
    CHECK(c.connections_opened() == 1);

    // the sandbox drops the connection after its next answer (no `Connection: close`): the proxy closes the
    // client side of the tunnel, the idle connection is found dead, and the next call opens a new tunnel
    sb.server().script("POST", "/payments/crypto/quote",
                       meld::emulator::scripted_response{.body = R"({"quotes":[]})", .close_after = true}, 1);
    CHECK(quote(ioc, c).quotes);
    std::this_thread::sleep_for(100ms);  // the FIN crosses both hops
    CHECK(quote(ioc, c).quotes);
    CHECK(proxy.tunnels_opened() == 2);
    CHECK(c.connections_opened() == 2);
    CHECK(sb.server().requests().size() == 6);
}

TEST_CASE_METHOD(no_retry_fixture,
                 "proxy: stop() closes the proxy's tunnels: the idle connection is dropped, the next call cannot connect")
{
    connect_proxy proxy;
    params.proxy.url = proxy.url();
    meld::client c{ioc.get_executor(), params};
    CHECK(quote(ioc, c).quotes);
    proxy.stop();
    proxy.stop();  // idempotent
    std::this_thread::sleep_for(100ms);
    auto const e = quote_failure(ioc, c);
    CHECK(e.code() == meld::client_errc::connect_failed);
    CHECK_FALSE(e.diag().attempts().front().connection_reused);
    CHECK(c.connections_opened() == 1);
    CHECK(sb.server().requests().size() == 1);
}

TEST_CASE("proxy: a plain-http loopback base URL is tunnelled as well (http_proxy from the environment)")
{
    sandbox_fixture sb{meld::emulator::server_params{.tls = false}};
    connect_proxy proxy;
    asio::io_context ioc;
    proxy_env env;
    auto params = fast_params(sb);
    SECTION("proxy.url") { params.proxy.url = proxy.url(); }
    SECTION("http_proxy")
    {
        env.set("http_proxy", proxy.url());
        env.set("HTTPS_PROXY", "http://127.0.0.1:1");  // for https base URLs only
        params.proxy.from_environment = true;
    }
    meld::client c{ioc.get_executor(), params};
    CHECK(quote(ioc, c).quotes);
    auto const recs = proxy.records();
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].line == "CONNECT 127.0.0.1:" + std::to_string(sb.server().port()) + " HTTP/1.1");
    CHECK(sb.server().requests().size() == 1);
}

TEST_CASE_METHOD(proxy_fixture, "proxy: a proxy named by host name or by IPv6 address")
{
    SECTION("http://localhost:<port>/ (resolved; a lone '/' is fine)")
    {
        connect_proxy proxy;
        params.proxy.url = "http://localhost:" + std::to_string(proxy.port()) + "/";
        meld::client c{ioc.get_executor(), params};
        CHECK(quote(ioc, c).quotes);
        CHECK(proxy.tunnels_opened() == 1);
    }
    SECTION("http://[::1]:<port>")
    {
        connect_proxy proxy{proxy_options{.bind_address = "::1"}};
        params.proxy.url = proxy.url();
        REQUIRE(params.proxy.url.rfind("http://[::1]:", 0) == 0);
        meld::client c{ioc.get_executor(), params};
        CHECK(quote(ioc, c).quotes);
        CHECK(proxy.tunnels_opened() == 1);
    }
    SECTION("a proxy host that does not resolve")
    {
        params.retry = meld::retry_policy::none();
        params.proxy.url = "http://proxy.invalid:3128";
        auto const e = quote_failure(ioc, params);
        CHECK(e.code() == meld::client_errc::resolve_failed);
        CHECK(contains(e.diag().client_message(), "resolving the proxy proxy.invalid failed"));
        CHECK(sb.server().requests().empty());
    }
}

TEST_CASE_METHOD(proxy_fixture, "proxy: concurrent calls open one tunnel each")
{
    connect_proxy proxy;
    params.proxy.url = proxy.url();
    meld::client c{ioc.get_executor(), params};
    std::vector<std::future<quote_resp>> calls;
    for (int i = 0; i < 3; ++i)
        calls.push_back(c.crypto.quote(btc_quote, asio::use_future));
    ioc.run();
    ioc.restart();
    for (auto& f : calls)
        CHECK(f.get().quotes);
    CHECK(c.connections_opened() == 3);  // none was idle when the calls started
    CHECK(proxy.tunnels_opened() == 3);
    CHECK(proxy.records().size() == 3);
    CHECK(sb.server().requests().size() == 3);
    for (int i = 0; i < 3; ++i)  // then the three tunnels are reused
        CHECK(quote(ioc, c).quotes);
    CHECK(proxy.tunnels_opened() == 3);
}

TEST_CASE_METHOD(proxy_fixture,
                 "proxy: Basic credentials from the URL (percent-encoded) are sent and never appear in messages or logs")
{
    connect_proxy proxy{proxy_options{.user = "alice", .password = "s3cr@t:pw!"}};
    log_sink logs;
    params.proxy.url = proxy.url("alice:s3cr%40t%3Apw%21");
    params.logger = logs.logger();
    meld::client c{ioc.get_executor(), params};

    CHECK(quote(ioc, c).quotes);
    auto const recs = proxy.records();
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].header("Proxy-Authorization") == connect_proxy::basic("alice", "s3cr@t:pw!"));
    CHECK(proxy.tunnels_opened() == 1);

    // an answer that echoes the proxy credentials (as a misconfigured gateway might) is redacted everywhere
    std::string const authorization = connect_proxy::basic("alice", "s3cr@t:pw!");
    sb.server().script("POST", "/payments/crypto/quote",
                       meld::emulator::scripted_response{
                           .status = 400,
                           .body = R"({"code":"BAD_REQUEST","message":"saw s3cr@t:pw! in )" + authorization + R"("})"},
                       1);
    auto const e = quote_failure(ioc, c);
    CHECK(e.code() == meld::api_errc::bad_request);
    CHECK(contains(e.diag().summary(), "[REDACTED]"));
    auto const log = logs.all();
    CHECK_FALSE(log.empty());
    for (std::string const& text : {std::string(e.what()), e.diag().summary(), std::string(e.diag().message()),
                                    std::string(e.diag().raw_body()), log}) {
        CHECK_FALSE(contains(text, "s3cr@t:pw!"));
        CHECK_FALSE(contains(text, "s3cr%40t"));
        CHECK_FALSE(contains(text, authorization.substr(6)));
    }
}

TEST_CASE_METHOD(proxy_fixture,
                 "proxy: wrong or missing credentials are proxy_auth_required, not retried, never echoed")
{
    connect_proxy proxy{proxy_options{.user = "alice", .password = "s3cr@t:pw!"}};
    log_sink logs;
    // `params` keep the default retry policy: an auth failure must not be retried anyway
    params.logger = logs.logger();
    std::string const wrong = "WRONGpassword9";
    std::string const wrong_b64 = connect_proxy::basic("alice", wrong).substr(6);
    SECTION("wrong password") { params.proxy.url = proxy.url("alice:" + wrong); }
    SECTION("no credentials") { params.proxy.url = proxy.url(); }
    meld::client c{ioc.get_executor(), params};

    auto const e = quote_failure(ioc, c);
    CHECK(e.code() == meld::client_errc::proxy_auth_required);
    CHECK(e.status() == 0);  // the proxy's 407, not an answer of the API
    CHECK(contains(e.diag().client_message(), "407"));
    CHECK(e.diag().attempts().size() == 1);
    CHECK(proxy.records().size() == 1);
    CHECK(proxy.tunnels_opened() == 0);
    CHECK(sb.server().requests().empty());
    for (std::string const& text : {std::string(e.what()), e.diag().summary(), std::string(e.diag().client_message()),
                                   logs.all()}) {
        CHECK_FALSE(contains(text, wrong));
        CHECK_FALSE(contains(text, wrong_b64));
        CHECK_FALSE(contains(text, "bad credentials"));  // the 407's body (it echoes the header) is not read
    }
}

TEST_CASE_METHOD(proxy_fixture, "proxy: a refused tunnel is proxy_tunnel_refused with the proxy's status")
{
    connect_proxy proxy{proxy_options{.refuse_status = 403}};
    params.proxy.url = proxy.url();
    meld::client c{ioc.get_executor(), params};

    auto const e = quote_failure(ioc, c);
    CHECK(e.code() == meld::client_errc::proxy_tunnel_refused);
    CHECK(contains(e.diag().client_message(), "HTTP 403"));
    CHECK(contains(e.what(), "403"));
    CHECK(e.status() == 0);  // not meld::api_errc::forbidden: the API never answered
    CHECK_FALSE(meld::is_api_error(e.code()));
    CHECK(proxy.records().size() == 1);  // not retried
    CHECK(sb.server().requests().empty());
}

TEST_CASE_METHOD(no_retry_fixture, "proxy: the proxy's answer to CONNECT: any 2xx head opens the tunnel, junk does not")
{
    struct row {
        char const* answer;
        std::optional<meld::client_errc> expected;  // nullopt: the call succeeds
        char const* message;
    };
    auto const [answer, expected, message] = GENERATE(
        row{"HTTP/1.0 200 OK\r\nProxy-Agent: test/1.0\r\n\r\n", std::nullopt, ""},
        row{"HTTP/1.1 200 Connection established\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            std::nullopt, ""},
        row{"HTTP/1.1 204 No Content\r\n\r\n", std::nullopt, ""},
        row{"HTTP/1.1 200 OK\r\n\r\nJUNK", meld::client_errc::proxy_tunnel_refused, "before the TLS handshake"},
        row{"SSH-2.0-OpenSSH_9.0\r\n\r\n", meld::client_errc::proxy_tunnel_refused, "malformed HTTP"},
        row{"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", meld::client_errc::proxy_tunnel_refused,
            "HTTP 502"});
    CAPTURE(answer);
    connect_proxy proxy{proxy_options{.established = answer}};
    params.proxy.url = proxy.url();
    meld::client c{ioc.get_executor(), params};
    if (!expected) {
        CHECK(quote(ioc, c).quotes);
        CHECK(sb.server().requests().size() == 1);
    } else {
        auto const e = quote_failure(ioc, c);
        CHECK(e.code() == *expected);
        CHECK(contains(e.diag().client_message(), message));
        CHECK(sb.server().requests().empty());
    }
}

TEST_CASE_METHOD(no_retry_fixture, "proxy: a proxy that hangs up or never answers CONNECT fails the connect step")
{
    SECTION("hangs up")
    {
        connect_proxy proxy{proxy_options{.hang_up = true}};
        params.proxy.url = proxy.url();
        auto const e = quote_failure(ioc, params);
        CHECK(e.code() == meld::client_errc::proxy_tunnel_refused);
        CHECK(contains(e.diag().client_message(), "the proxy 127.0.0.1:" + std::to_string(proxy.port())));
        CHECK(proxy.records().size() == 1);
    }
    SECTION("never answers (a listener that never accepts: the kernel completes the TCP handshake)")
    {
        asio::io_context other;
        asio::ip::tcp::acceptor silent(other, {asio::ip::make_address("127.0.0.1"), 0});
        params.proxy.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
        params.connect_timeout = 300ms;
        meld::client c{ioc.get_executor(), params};
        auto const t0 = std::chrono::steady_clock::now();
        auto const e = quote_failure(ioc, c);
        CHECK(e.code() == meld::client_errc::connect_timeout);
        CHECK(std::chrono::steady_clock::now() - t0 < 3s);
        CHECK(contains(e.diag().client_message(), "the proxy 127.0.0.1:"));
    }
    SECTION("tunnels to an API host that never answers the TLS handshake")
    {
        asio::io_context other;  // never run: the kernel accepts, nothing ever answers
        asio::ip::tcp::acceptor api(other, {asio::ip::make_address("127.0.0.1"), 0});
        connect_proxy proxy;
        params.base_url = "https://localhost:" + std::to_string(api.local_endpoint().port());
        params.proxy.url = proxy.url();
        params.connect_timeout = 300ms;
        auto const e = quote_failure(ioc, params);
        CHECK(e.code() == meld::client_errc::connect_timeout);
        CHECK(proxy.tunnels_opened() == 1);
        CHECK(contains(e.diag().client_message(), "timed out"));
    }
    SECTION("tunnels to an API host that does not speak TLS")
    {
        sandbox_fixture plain{meld::emulator::server_params{.tls = false}};
        connect_proxy proxy;
        params.base_url = "https://localhost:" + std::to_string(plain.server().port());
        params.proxy.url = proxy.url();
        auto const e = quote_failure(ioc, params);
        CHECK(e.code() == meld::client_errc::tls_handshake_failed);
        CHECK(contains(e.diag().client_message(), "localhost:" + std::to_string(plain.server().port())));
        CHECK(proxy.tunnels_opened() == 1);
    }
    CHECK(sb.server().requests().empty());
}

TEST_CASE_METHOD(no_retry_fixture, "proxy: a proxy that is down is connect_failed naming the proxy")
{
    auto const port = std::to_string(free_port());
    params.proxy.url = "http://127.0.0.1:" + port;
    auto const e = quote_failure(ioc, params);
    CHECK(e.code() == meld::client_errc::connect_failed);
    CHECK(contains(e.diag().client_message(), "the proxy 127.0.0.1:" + port));
    CHECK(contains(e.what(), "the proxy 127.0.0.1:" + port));
    CHECK(sb.server().requests().empty());
}

TEST_CASE_METHOD(proxy_fixture,
                 "proxy: an unusable proxy URL throws invalid_proxy from the constructor without echoing the password")
{
    proxy_env env;
    std::string url;
    SECTION("https scheme") { url = "https://alice:hunter2secret@127.0.0.1:3128"; }
    SECTION("a path") { url = "http://alice:hunter2secret@127.0.0.1:3128/path"; }
    SECTION("a query") { url = "http://alice:hunter2secret@127.0.0.1:3128?x=1"; }
    SECTION("port 0") { url = "http://alice:hunter2secret@127.0.0.1:0"; }
    SECTION("port above 65535") { url = "http://alice:hunter2secret@127.0.0.1:65537"; }  // not port 1
    SECTION("no host") { url = "http://alice:hunter2secret@:3128"; }
    SECTION("not a URL") { url = "http://alice:hunter2secret@127.0.0.1:3128 x"; }
    for (bool const from_env : {false, true}) {
        CAPTURE(url, from_env);
        auto p = params;
        if (from_env) {
            env.set("HTTPS_PROXY", url);
            p.proxy.from_environment = true;
        } else {
            p.proxy.url = url;
        }
        try {
            meld::client c{ioc.get_executor(), p};
            FAIL("expected boost::system::system_error");
        } catch (boost::system::system_error const& e) {
            CHECK(e.code() == meld::client_errc::invalid_proxy);
            CHECK_FALSE(contains(e.what(), "hunter2secret"));
        }
    }
}

TEST_CASE_METHOD(proxy_fixture, "proxy: from_environment uses HTTPS_PROXY unless NO_PROXY matches the API host")
{
    connect_proxy proxy;
    params.proxy.from_environment = true;
    std::size_t expected_tunnels = 1;
    {
        proxy_env env;
        SECTION("HTTPS_PROXY") { env.set("HTTPS_PROXY", proxy.url()); }
        SECTION("https_proxy without a scheme") { env.set("https_proxy", "127.0.0.1:" + std::to_string(proxy.port())); }
        SECTION("NO_PROXY of another host")
        {
            env.set("HTTPS_PROXY", proxy.url());
            env.set("NO_PROXY", "example.com,.internal");
        }
        SECTION("NO_PROXY=localhost")
        {
            env.set("HTTPS_PROXY", proxy.url());
            env.set("NO_PROXY", "localhost");
            expected_tunnels = 0;
        }
        SECTION("no_proxy=*")
        {
            env.set("HTTPS_PROXY", proxy.url());
            env.set("no_proxy", "*");
            expected_tunnels = 0;
        }
        SECTION("HTTP_PROXY is not used for an https base URL")
        {
            env.set("HTTP_PROXY", proxy.url());
            expected_tunnels = 0;
        }
        SECTION("from_environment = false ignores HTTPS_PROXY")
        {
            env.set("HTTPS_PROXY", proxy.url());
            params.proxy.from_environment = false;
            expected_tunnels = 0;
        }
        meld::client c{ioc.get_executor(), params};  // the variables are read here
        CHECK(quote(ioc, c).quotes);
    }  // variables restored
    CHECK(proxy.tunnels_opened() == expected_tunnels);
    CHECK(proxy.records().size() == expected_tunnels);
    CHECK(sb.server().requests().size() == 1);
}

TEST_CASE_METHOD(no_retry_fixture, "proxy: the tunnel does not bypass the host-name check of the API's certificate")
{
    // the sandbox's certificate names only localhost
    connect_proxy proxy;
    params.base_url = "https://127.0.0.1:" + std::to_string(sb.server().port());
    params.proxy.url = proxy.url();
    auto const e = quote_failure(ioc, params);
    CHECK(e.code() == meld::client_errc::tls_verification_failed);
    CHECK(contains(e.diag().client_message(), "'127.0.0.1'"));
    CHECK(contains(e.diag().client_message(), "localhost"));  // the names the certificate carries
    auto const recs = proxy.records();
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].line == "CONNECT 127.0.0.1:" + std::to_string(sb.server().port()) + " HTTP/1.1");
    CHECK(proxy.tunnels_opened() == 1);
    CHECK(sb.server().requests().empty());
}
