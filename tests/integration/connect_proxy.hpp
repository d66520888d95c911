// tests/integration/connect_proxy.hpp — a small HTTP CONNECT proxy for client tests, on its own thread.
//
// Plain TCP on an ephemeral loopback port. It reads `CONNECT host:port HTTP/1.1` + headers, records them,
// then (in this order): hangs up when told to; answers 407 with `Proxy-Authenticate: Basic realm="test"` when
// credentials are required and the `Proxy-Authorization` header is not theirs; answers `refuse_status` when
// set; otherwise connects to the target, answers `established` (`HTTP/1.1 200 Connection established`) and
// relays bytes both ways until either side closes. stop() (also the destructor) closes every socket and
// joins the thread.
#ifndef MELD_TESTS_CONNECT_PROXY_HPP
#define MELD_TESTS_CONNECT_PROXY_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace meld_test {

struct proxy_options {
    std::string bind_address = "127.0.0.1";  ///< or "::1"
    std::string user{}, password{};  ///< non-empty user: `Proxy-Authorization: Basic base64(user:password)` required
    unsigned refuse_status = 0;      ///< non-zero: every CONNECT is answered with this status, no tunnel
    bool hang_up = false;            ///< close every connection right after reading its CONNECT, without answering
    /// Sent verbatim when the tunnel is open (then the relay starts), e.g. an HTTP/1.0 answer or trailing junk.
    std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
};

/// One CONNECT as the proxy read it.
struct connect_record {
    std::string line;                                         ///< e.g. "CONNECT localhost:8443 HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> headers;  ///< as received, in order

    /// The first header called `name` (case-insensitive), "" when absent.
    std::string header(std::string_view name) const
    {
        for (auto const& [k, v] : headers)
            if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                }))
                return v;
        return {};
    }
};

class connect_proxy {
    using tcp = boost::asio::ip::tcp;
    template <class T> using awaitable = boost::asio::awaitable<T>;

public:
    explicit connect_proxy(proxy_options o = {})
        : opts_(std::move(o)), work_(ioc_.get_executor()), acceptor_(ioc_, {boost::asio::ip::make_address(opts_.bind_address), 0})
    {
        port_ = acceptor_.local_endpoint().port();
        boost::asio::co_spawn(ioc_, accept_loop(), boost::asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~connect_proxy() { stop(); }
    connect_proxy(connect_proxy const&) = delete;
    connect_proxy& operator=(connect_proxy const&) = delete;

    unsigned short port() const noexcept { return port_; }
    /// "http://127.0.0.1:<port>" ("http://[::1]:<port>"), or with credentials inserted verbatim (percent-encode
    /// them yourself).
    std::string url(std::string_view userinfo = {}) const
    {
        bool const v6 = opts_.bind_address.find(':') != std::string::npos;
        return "http://" + (userinfo.empty() ? std::string() : std::string(userinfo) + "@") + (v6 ? "[" : "") +
               opts_.bind_address + (v6 ? "]:" : ":") + std::to_string(port_);
    }

    std::vector<connect_record> records() const
    {
        std::lock_guard lock{mtx_};
        return records_;
    }
    std::size_t tunnels_opened() const noexcept { return tunnels_.load(); }

    /// Closes the listener and every connection, then joins the thread. Idempotent.
    void stop()
    {
        if (!thread_.joinable())
            return;
        std::promise<void> closed;
        boost::asio::post(ioc_, [this, &closed] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            for (auto const& w : sockets_)
                if (auto s = w.lock())
                    s->close(ignored);
            closed.set_value();
        });
        closed.get_future().wait();
        work_.reset();
        ioc_.stop();  // coroutines still suspended are destroyed with ioc_
        thread_.join();
    }

    /// Basic credentials as a client sends them: "Basic " + base64(user ":" password).
    static std::string basic(std::string_view user, std::string_view password)
    {
        namespace b64 = boost::beast::detail::base64;
        std::string const plain = std::string(user) + ":" + std::string(password);
        std::string out(b64::encoded_size(plain.size()), '\0');
        out.resize(b64::encode(out.data(), plain.data(), plain.size()));
        return "Basic " + out;
    }

private:
    std::shared_ptr<tcp::socket> track(tcp::socket s)
    {
        auto p = std::make_shared<tcp::socket>(std::move(s));
        std::erase_if(sockets_, [](auto const& w) { return w.expired(); });
        sockets_.push_back(p);
        return p;
    }

    awaitable<void> accept_loop()
    {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket s = co_await acceptor_.async_accept(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec)
                co_return;  // closed by stop()
            boost::asio::co_spawn(ioc_, session(track(std::move(s))), boost::asio::detached);
        }
    }

    static awaitable<void> answer(tcp::socket& s, std::string text)
    {
        boost::system::error_code ec;
        co_await boost::asio::async_write(s, boost::asio::buffer(text), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        s.close(ec);
    }

    awaitable<void> session(std::shared_ptr<tcp::socket> client)
    {
        using boost::asio::use_awaitable;
        boost::system::error_code ec;
        std::string buf;
        auto const n = co_await boost::asio::async_read_until(*client, boost::asio::dynamic_buffer(buf), "\r\n\r\n",
                                                              boost::asio::redirect_error(use_awaitable, ec));
        if (ec)
            co_return;
        connect_record rec = parse(buf.substr(0, n));
        buf.erase(0, n);  // anything the client sent after the head belongs to the tunnel
        {
            std::lock_guard lock{mtx_};
            records_.push_back(rec);
        }
        if (opts_.hang_up) {
            client->close(ec);
            co_return;
        }
        std::string const auth = rec.header("Proxy-Authorization");
        if (!opts_.user.empty() && auth != basic(opts_.user, opts_.password)) {
            // the body echoes what was received, as a careless proxy might: the client must not repeat it
            std::string const body = "bad credentials: " + auth + "\n";
            co_return co_await answer(*client, "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                               "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: " +
                                                   std::to_string(body.size()) + "\r\n\r\n" + body);
        }
        if (opts_.refuse_status != 0)
            co_return co_await answer(*client, "HTTP/1.1 " + std::to_string(opts_.refuse_status) +
                                                   " Refused\r\nContent-Length: 0\r\n\r\n");
        std::string target = rec.line.size() > 8 ? rec.line.substr(8, rec.line.find(' ', 8) - 8) : std::string();
        auto const colon = target.rfind(':');
        if (rec.line.rfind("CONNECT ", 0) != 0 || colon == std::string::npos)
            co_return co_await answer(*client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        std::string host = target.substr(0, colon);
        if (host.size() > 2 && host.front() == '[')
            host = host.substr(1, host.size() - 2);
        tcp::resolver resolver(ioc_);
        auto const results = co_await resolver.async_resolve(host, target.substr(colon + 1),
                                                             boost::asio::redirect_error(use_awaitable, ec));
        auto upstream = track(tcp::socket(ioc_));
        if (!ec)
            co_await boost::asio::async_connect(*upstream, results, boost::asio::redirect_error(use_awaitable, ec));
        if (ec)
            co_return co_await answer(*client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        ++tunnels_;
        buf.insert(0, opts_.established);  // then the early tunnel bytes, if any
        co_await boost::asio::async_write(*client, boost::asio::buffer(buf), boost::asio::redirect_error(use_awaitable, ec));
        if (ec)
            co_return;
        boost::asio::co_spawn(ioc_, relay(client, upstream), boost::asio::detached);
        co_await relay(upstream, client);
    }

    /// Copies from -> to until either fails or closes, then closes both (which ends the other direction).
    static awaitable<void> relay(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to)
    {
        std::vector<char> chunk(16 * 1024);
        boost::system::error_code ec;
        for (;;) {
            auto const n = co_await from->async_read_some(boost::asio::buffer(chunk),
                                                          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec)
                break;
            co_await boost::asio::async_write(*to, boost::asio::buffer(chunk.data(), n),
                                              boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec)
                break;
        }
        from->close(ec);
        to->close(ec);
    }

    static connect_record parse(std::string_view head)
    {
        connect_record rec;
        auto eol = head.find("\r\n");
        rec.line = std::string(head.substr(0, eol));
        while (eol != std::string_view::npos && eol + 2 < head.size()) {
            auto const start = eol + 2;
            eol = head.find("\r\n", start);
            auto const line = head.substr(start, eol - start);
            auto const colon = line.find(':');
            if (colon == std::string_view::npos)
                continue;
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            rec.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        }
        return rec;
    }

    proxy_options opts_;
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::vector<std::weak_ptr<tcp::socket>> sockets_;  // on the proxy thread only
    mutable std::mutex mtx_;
    std::vector<connect_record> records_;
    std::atomic<std::size_t> tunnels_{0};
    std::thread thread_;
};

}  // namespace meld_test

#endif
