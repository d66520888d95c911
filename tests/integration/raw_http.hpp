// tests/integration/raw_http.hpp — a raw Beast HTTP client (TLS or plain) for the sandbox's own tests, which never
// use the SDK's client or models, so that the sandbox is tested on its own. Also: the sandbox on its own thread, and
// the checks those tests share (test_sandbox.cpp, test_sandbox_idempotency.cpp).
//
// A test file says `using namespace meld_test::raw_http;`, which brings the namespace aliases below (asio, beast,
// http, ssl, json, tcp) with it.
#ifndef MELD_TESTS_RAW_HTTP_HPP
#define MELD_TESTS_RAW_HTTP_HPP

#include <meld/sandbox/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace meld_test::raw_http {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using header_list = std::vector<std::pair<std::string, std::string>>;
using response = http::response<http::string_body>;

inline constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
inline std::string const auth = std::string("BASIC ") + meld::emulator::default_api_key;

/// A sandbox server running on its own thread and io_context, like the SDK's tests use it.
struct running_server {
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
    meld::emulator::server srv;
    std::thread thread;

    explicit running_server(meld::emulator::server_params p = {}) : srv(ioc.get_executor(), std::move(p)) {
        srv.start();
        thread = std::thread([this] { ioc.run(); });
    }
    ~running_server() {
        srv.stop();
        work.reset();
        thread.join();  // returns once every session coroutine has ended
    }
    running_server(running_server const&) = delete;
    running_server& operator=(running_server const&) = delete;
};

/// Runs `a` to completion on `ioc` (the client's own io_context) and returns its result.
template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> a) {
    auto f = asio::co_spawn(ioc, std::move(a), asio::use_future);
    ioc.restart();
    ioc.run();
    return f.get();
}

/// An HTTP exchange: the error that ended it (if any), the answer, and how long it took from the write.
struct result {
    boost::system::error_code ec;
    response res;
    std::chrono::milliseconds elapsed{};
};

/// What a raw read saw: every chunk with its arrival time, and the error that ended the read.
struct raw_read {
    boost::system::error_code ec;
    std::vector<std::pair<clock_type::time_point, std::string>> chunks;
    std::string bytes() const {
        std::string out;
        for (auto const& c : chunks) out += c.second;
        return out;
    }
};

/// One client connection (TLS or plain, as the server is) kept open across requests. `verify_host` is the name
/// the server's certificate must carry; with `trust` false the sandbox's certificate is not trusted.
class client {
public:
    client(asio::io_context& ioc, meld::emulator::server const& s, std::string verify_host = "localhost",
           bool trust = true)
        : ioc_(ioc), port_(s.port()), ctx_(ssl::context::tls_client) {
        if (s.params().tls) {
            if (trust) ctx_.add_certificate_authority(asio::buffer(s.certificate_pem()));
            ctx_.set_verify_mode(ssl::verify_peer);
            tls_.emplace(ioc, ctx_);
            tls_->set_verify_callback(ssl::host_name_verification(verify_host));
        } else {
            plain_.emplace(ioc);
        }
    }

    /// Connects (and handshakes) to the server's port, or to `port` when it is not 0.
    boost::system::error_code connect(unsigned short port = 0, std::chrono::milliseconds timeout = 5s) {
        return run(ioc_, do_connect(port ? port : port_, timeout));
    }

    result request(std::string method, std::string target, std::string body = {},
                   header_list headers = {{"Authorization", auth}}, std::chrono::milliseconds timeout = 5s) {
        return run(ioc_, do_request(make_request(std::move(method), std::move(target), std::move(body),
                                                 std::move(headers)),
                                    timeout));
    }

    /// Reads whatever the server sends next, chunk by chunk, without HTTP parsing (until an error, EOF included,
    /// or `timeout`).
    raw_read read_raw(std::chrono::milliseconds timeout = 5s) {
        tcp_layer().expires_after(timeout);
        return run(ioc_, read_chunks());
    }

    /// Sends a request, then reads as read_raw() does; `timeout` covers both.
    raw_read request_raw(std::string method, std::string target, std::chrono::milliseconds timeout = 5s) {
        return run(ioc_, do_request_raw(make_request(std::move(method), std::move(target), {}, {{"Authorization", auth}}),
                                        timeout));
    }

    void close() {
        boost::system::error_code ec;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp_layer().close();
    }

private:
    beast::tcp_stream& tcp_layer() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

    static http::request<http::string_body> make_request(std::string method, std::string target, std::string body,
                                                         header_list headers) {
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.method_string(method);
        req.set(http::field::host, "localhost");
        for (auto const& [k, v] : headers) req.set(k, v);
        if (!body.empty()) req.set(http::field::content_type, "application/json");
        req.body() = std::move(body);
        req.prepare_payload();
        return req;
    }

    asio::awaitable<boost::system::error_code> do_connect(unsigned short port, std::chrono::milliseconds timeout) {
        tcp_layer().expires_after(timeout);
        auto [ec] = co_await tcp_layer().async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port},
                                                       tuple_awaitable);
        if (ec || !tls_) co_return ec;
        auto [hec] = co_await tls_->async_handshake(ssl::stream_base::client, tuple_awaitable);
        co_return hec;
    }

    asio::awaitable<boost::system::error_code> write(http::request<http::string_body>& req) {
        auto [wec, wn] = tls_ ? co_await http::async_write(*tls_, req, tuple_awaitable)
                              : co_await http::async_write(*plain_, req, tuple_awaitable);
        (void)wn;
        co_return wec;
    }

    asio::awaitable<result> do_request(http::request<http::string_body> req, std::chrono::milliseconds timeout) {
        result r;
        auto const t0 = clock_type::now();
        tcp_layer().expires_after(timeout);
        if (auto wec = co_await write(req)) {
            r.ec = wec;
            co_return r;
        }
        auto [rec, rn] = tls_ ? co_await http::async_read(*tls_, buffer_, r.res, tuple_awaitable)
                              : co_await http::async_read(*plain_, buffer_, r.res, tuple_awaitable);
        (void)rn;
        r.ec = rec;
        r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
        co_return r;
    }

    asio::awaitable<raw_read> do_request_raw(http::request<http::string_body> req, std::chrono::milliseconds timeout) {
        tcp_layer().expires_after(timeout);
        if (auto wec = co_await write(req)) {
            raw_read out;
            out.ec = wec;
            co_return out;
        }
        co_return co_await read_chunks();
    }

    /// Reads chunks until an error; the caller has set the stream's expiry.
    asio::awaitable<raw_read> read_chunks() {
        raw_read out;
        char buf[4096];
        for (;;) {
            auto [ec, n] = tls_ ? co_await tls_->async_read_some(asio::buffer(buf), tuple_awaitable)
                                : co_await plain_->async_read_some(asio::buffer(buf), tuple_awaitable);
            if (n > 0) out.chunks.emplace_back(clock_type::now(), std::string(buf, n));
            if (ec) {
                out.ec = ec;
                co_return out;
            }
        }
    }

    asio::io_context& ioc_;
    unsigned short port_;
    ssl::context ctx_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    std::optional<beast::tcp_stream> plain_;
    beast::flat_buffer buffer_;
};

/// One request on a fresh connection, no assertion (safe on another thread than Catch's).
inline result send(meld::emulator::server const& s, std::string method, std::string target, std::string body = {},
                   header_list headers = {{"Authorization", auth}}) {
    asio::io_context ioc;
    client c{ioc, s};
    result r;
    if ((r.ec = c.connect())) return r;
    return c.request(std::move(method), std::move(target), std::move(body), std::move(headers));
}

/// One request on a fresh connection, which must get an HTTP answer.
inline result call(meld::emulator::server const& s, std::string method, std::string target, std::string body = {},
                   header_list headers = {{"Authorization", auth}}) {
    auto r = send(s, std::move(method), std::move(target), std::move(body), std::move(headers));
    REQUIRE_FALSE(r.ec);
    return r;
}

inline json::value parse(result const& r) { return json::parse(r.res.body()); }

/// The sandbox's error body: `status`, JSON with `code`, a message, errors, a 32-hex requestId and a UTC timestamp.
inline void require_error(result const& r, unsigned status, std::string_view code) {
    CHECK(r.res.result_int() == status);
    CHECK(r.res[http::field::content_type] == "application/json");
    auto const v = parse(r);
    REQUIRE(v.is_object());
    CHECK(v.at("code").as_string() == code);
    CHECK(v.at("message").is_string());
    CHECK(v.at("errors").is_array());
    auto const& rid = v.at("requestId").as_string();
    CHECK(rid.size() == 32);
    CHECK(rid.find_first_not_of("0123456789abcdef") == json::string::npos);
    CHECK(v.at("timestamp").as_string().ends_with("Z"));
}

}  // namespace meld_test::raw_http

#endif  // MELD_TESTS_RAW_HTTP_HPP
