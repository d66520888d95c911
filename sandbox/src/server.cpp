// sandbox/src/server.cpp — sockets, TLS, HTTP/1.1 keep-alive, scripted faults, request log.
#include "api.hpp"
#include "detail.hpp"
#include "idempotency.hpp"
#include "webhook_sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <tuple>
#include <mutex>
#include <type_traits>

namespace meld::emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t body_limit = 1024 * 1024;
constexpr std::size_t header_limit = 64 * 1024;
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr auto idle_timeout = std::chrono::seconds(120);
constexpr auto write_timeout = std::chrono::seconds(30);
constexpr auto shutdown_timeout = std::chrono::seconds(1);

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using plain_stream = beast::tcp_stream;

struct session_base {
    virtual ~session_base() = default;
    virtual void close() = 0;  // thread-safe: posts to the session's strand
};

template <class Stream>
struct session final : session_base {
    std::shared_ptr<Stream> stream;
    std::shared_ptr<asio::steady_timer> timer;
    session(std::shared_ptr<Stream> s, std::shared_ptr<asio::steady_timer> t)
        : stream(std::move(s)), timer(std::move(t)) {}
    void close() override {
        asio::post(stream->get_executor(), [s = stream, t = timer] {
            boost::system::error_code ec;
            beast::get_lowest_layer(*s).socket().shutdown(tcp::socket::shutdown_both, ec);
            beast::get_lowest_layer(*s).socket().close(ec);
            t->cancel();
        });
    }
};

struct script_entry {
    std::string method;
    std::string path;
    scripted_response response;
    int remaining;  // -1: forever
};

}  // namespace

std::string recorded_request::header(std::string_view name) const {
    for (auto const& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

struct server::impl : std::enable_shared_from_this<server::impl> {
    asio::any_io_executor executor;
    server_params params;
    detail::certificate cert;
    std::optional<asio::ssl::context> ssl;
    detail::api_state api;
    detail::idempotency_store idempotency;  // thread-safe on its own

    asio::strand<asio::any_io_executor> acceptor_strand;
    tcp::acceptor acceptor;
    std::atomic<unsigned short> bound_port{0};
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};
    std::atomic<std::size_t> accepted{0};
    std::atomic<std::size_t> served{0};

    mutable std::mutex mutex;  // guards everything below
    std::deque<script_entry> scripts;
    std::vector<recorded_request> log;
    std::vector<std::weak_ptr<session_base>> sessions;
    std::size_t prune_at = 64;

    impl(asio::any_io_executor ex, server_params p)
        : executor(std::move(ex)), params(std::move(p)), api(params), acceptor_strand(asio::make_strand(executor)),
          acceptor(acceptor_strand) {
        api.webhooks().attach(executor);  // webhook deliveries run on the server's executor
        if (params.tls) {
            cert = detail::make_self_signed_certificate(params.certificate_host);
            ssl.emplace(asio::ssl::context::tls_server);
            ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
            ssl->use_certificate_chain(asio::buffer(cert.certificate_pem));
            ssl->use_private_key(asio::buffer(cert.private_key_pem), asio::ssl::context::pem);
        }
    }

    void add_session(std::shared_ptr<session_base> const& s) {
        std::lock_guard lock{mutex};
        if (sessions.size() >= prune_at) {
            std::erase_if(sessions, [](auto const& w) { return w.expired(); });
            prune_at = std::max<std::size_t>(64, sessions.size() * 2);
        }
        sessions.push_back(s);
    }

    std::optional<scripted_response> take_script(std::string_view method, std::string_view path) {
        std::lock_guard lock{mutex};
        for (auto it = scripts.begin(); it != scripts.end(); ++it) {
            if (it->remaining == 0 || it->path != path || !iequals(it->method, method)) continue;
            scripted_response r = it->response;
            if (it->remaining > 0 && --it->remaining == 0) scripts.erase(it);
            return r;
        }
        return std::nullopt;
    }

    void record(recorded_request const& r) {
        if (!params.record_requests) return;
        std::lock_guard lock{mutex};
        log.push_back(r);
    }

    asio::awaitable<void> accept_loop();
    template <class Stream>
    asio::awaitable<void> run_session(std::shared_ptr<session<Stream>> s);
    /// Reads (and discards) whatever comes, with no timeout, until the client closes or the server stops.
    template <class Stream>
    asio::awaitable<void> read_until_closed(Stream& stream);
};

namespace {

http::response<http::string_body> make_response(unsigned status, std::string content_type, std::string body,
                                                std::vector<std::pair<std::string, std::string>> const& headers,
                                                bool keep_alive, unsigned version) {
    http::response<http::string_body> res;
    res.version(version);
    res.result(status);
    res.set(http::field::server, "meld-sandbox");
    if (!content_type.empty()) res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    for (auto const& [k, v] : headers) res.set(k, v);
    return res;
}

std::string_view path_of(std::string_view target) {
    auto const q = target.find_first_of("?#");
    return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

asio::awaitable<void> server::impl::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(executor), tuple_awaitable);
        if (stopped || !acceptor.is_open()) co_return;
        if (ec) {
            // Transient (e.g. EMFILE): back off briefly and keep accepting.
            asio::steady_timer t{acceptor_strand, std::chrono::milliseconds(10)};
            co_await t.async_wait(tuple_awaitable);
            continue;
        }
        ++accepted;
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto ex = socket.get_executor();
        auto timer = std::make_shared<asio::steady_timer>(ex);
        if (ssl) {
            auto s = std::make_shared<session<tls_stream>>(
                std::make_shared<tls_stream>(beast::tcp_stream(std::move(socket)), *ssl), std::move(timer));
            add_session(s);
            asio::co_spawn(ex, run_session(std::move(s)), asio::detached);
        } else {
            auto s = std::make_shared<session<plain_stream>>(std::make_shared<plain_stream>(std::move(socket)),
                                                             std::move(timer));
            add_session(s);
            asio::co_spawn(ex, run_session(std::move(s)), asio::detached);
        }
        if (stopped) {  // stop() raced with this accept: it may not have seen the new session
            std::lock_guard lock{mutex};
            for (auto& w : sessions)
                if (auto s = w.lock()) s->close();
        }
    }
}

template <class Stream>
asio::awaitable<void> server::impl::read_until_closed(Stream& stream) {
    beast::get_lowest_layer(stream).expires_never();
    char sink[512];
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), tuple_awaitable);
        (void)n;
        if (ec || stopped) co_return;
    }
}

template <class Stream>
asio::awaitable<void> server::impl::run_session(std::shared_ptr<session<Stream>> s) {
    auto self = shared_from_this();
    Stream& stream = *s->stream;
    auto& timer = s->timer;
    auto& tcp_layer = beast::get_lowest_layer(stream);
    constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    try {
        if constexpr (is_tls) {
            tcp_layer.expires_after(handshake_timeout);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
            if (ec) co_return;
        }

        beast::flat_buffer buffer;
        bool graceful = true;  // false: close the TCP socket without a TLS close_notify
        for (;;) {
            if (stopped) co_return;
            http::request_parser<http::string_body> parser;
            parser.body_limit(body_limit);
            parser.header_limit(header_limit);
            tcp_layer.expires_after(idle_timeout);
            auto [rec, n] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
            if (!rec && !parser.is_done()) {
                // curl and others wait for "100 Continue" before sending a larger body.
                if (iequals(parser.get()[http::field::expect], "100-continue")) {
                    static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
                    auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(cont), tuple_awaitable);
                    (void)cn;
                    rec = cec;
                }
                if (!rec) std::tie(rec, n) = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
            }
            (void)n;
            if (rec) {
                if (rec == http::error::body_limit || rec == http::error::header_limit) {
                    bool const body = rec == http::error::body_limit;
                    auto res = make_response(
                        body ? 413 : 431, "application/json",
                        detail::error_answer(body ? 413 : 431, body ? "PAYLOAD_TOO_LARGE" : "HEADERS_TOO_LARGE",
                                             body ? "Payload too large" : "Request header fields too large",
                                             {body ? "[body] exceeds the sandbox's limit of 1 MiB"
                                                   : "[headers] exceed the sandbox's limit of 64 KiB"})
                            .body,
                        {}, false, 11);
                    tcp_layer.expires_after(write_timeout);
                    co_await http::async_write(stream, res, tuple_awaitable);
                } else if (rec != http::error::end_of_stream && rec != asio::error::eof &&
                           rec != asio::error::operation_aborted && rec != beast::error::timeout &&
                           rec != asio::ssl::error::stream_truncated && parser.got_some()) {
                    auto res = make_response(400, "application/json",
                                             detail::error_answer(400, "BAD_REQUEST", "Bad request",
                                                                  {"[request] malformed HTTP request"})
                                                 .body,
                                             {}, false, 11);
                    tcp_layer.expires_after(write_timeout);
                    co_await http::async_write(stream, res, tuple_awaitable);
                }
                break;
            }

            auto& req = parser.get();
            recorded_request rr;
            rr.method = std::string(req.method_string());
            rr.target = std::string(req.target());
            rr.received_at = std::chrono::steady_clock::now();
            rr.body = req.body();
            for (auto const& f : req) rr.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            record(rr);
            bool const keep_alive = req.keep_alive();
            unsigned const version = req.version();

            auto script = take_script(rr.method, path_of(rr.target));

            // X-Idempotency-Key (Meld's documented behaviour; see server_params::idempotency). Decided on arrival,
            // answered after the latency like any answer. Scripts stand in front of the API (as a load balancer
            // would): a scripted request neither reads nor claims the key.
            detail::idempotency_store::ticket claim;  // released on any exit unless the handler's answer is stored
            std::optional<detail::http_answer> early;  // a replay, or 425 while the key is in flight
            if (!script && params.idempotency) {
                if (auto const key = rr.header(detail::idempotency_header); !key.empty()) {
                    auto found = idempotency.begin(rr.header("Authorization"), key);
                    switch (found.kind) {
                    case detail::idempotency_store::outcome::first:
                        claim = std::move(found.claim);
                        break;
                    case detail::idempotency_store::outcome::in_flight:
                        early = detail::error_answer(
                            425, "TOO_EARLY", "Too early",
                            {"[X-Idempotency-Key] a request with this key is still being processed"});
                        break;
                    case detail::idempotency_store::outcome::replay:
                        early = std::move(found.stored);
                        break;
                    }
                }
            }

            if (params.latency.count() > 0) {
                timer->expires_after(params.latency);
                co_await timer->async_wait(tuple_awaitable);
                if (stopped) co_return;
            }

            if (script && script->stall) {
                co_await read_until_closed(stream);  // never answered: until the client gives up, or the server stops
                graceful = false;
                break;
            }
            if (script && script->delay.count() > 0) {
                timer->expires_after(script->delay);
                co_await timer->async_wait(tuple_awaitable);
                if (stopped) co_return;
            }

            ++served;
            tcp_layer.expires_after(write_timeout);
            bool close = !keep_alive;
            if (script && script->raw) {
                // The server cannot know where raw bytes leave the HTTP framing: never reuse the connection.
                std::string const& raw = *script->raw;
                bool written = true;
                if (script->raw_interval.count() <= 0) {
                    auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(raw), tuple_awaitable);
                    (void)wn;
                    written = !wec;
                } else {
                    // Trickle: one byte per write (TCP_NODELAY is set, so each leaves at once), paused on the
                    // session's timer, which stop() cancels along with the socket.
                    for (std::size_t k = 0; k < raw.size(); ++k) {
                        if (stopped) co_return;
                        if (k > 0) {
                            timer->expires_after(script->raw_interval);
                            co_await timer->async_wait(tuple_awaitable);
                            if (stopped) co_return;
                        }
                        tcp_layer.expires_after(write_timeout);
                        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(raw.data() + k, 1),
                                                                    tuple_awaitable);
                        (void)wn;
                        if (wec) {
                            written = false;
                            break;
                        }
                    }
                }
                if (written && script->hold_open && !stopped) co_await read_until_closed(stream);  // go silent
                graceful = false;
                break;
            } else {
                detail::http_answer answer;
                if (script) {
                    answer.status = script->status;
                    answer.content_type = script->content_type;
                    answer.body = script->body;
                    answer.headers = script->headers;
                } else if (early) {
                    answer = std::move(*early);
                } else {
                    answer = api.handle(rr);
                    claim.complete(answer);  // stored before the write: a client that lost it gets it replayed
                }
                auto res = make_response(answer.status, std::move(answer.content_type), std::move(answer.body),
                                         answer.headers, keep_alive, version);
                close = close || !res.keep_alive();
                auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
                (void)wn;
                if (wec) break;
            }
            if (script && script->close_after) {
                graceful = false;
                break;
            }
            if (close) break;
        }

        if constexpr (is_tls) {
            if (graceful && tcp_layer.socket().is_open() && !stopped) {
                tcp_layer.expires_after(shutdown_timeout);
                co_await stream.async_shutdown(tuple_awaitable);
            }
        }
        boost::system::error_code ec;
        tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp_layer.socket().close(ec);
    } catch (std::exception const&) {
        boost::system::error_code ec;
        tcp_layer.socket().close(ec);
    }
}

// ---- server ---------------------------------------------------------------------------------------------------

server::server(asio::any_io_executor ex, server_params params)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(params))) {}

server::~server() { stop(); }

void server::start() {
    if (impl_->started.exchange(true)) return;
    auto& a = impl_->acceptor;
    try {
        tcp::endpoint const ep{asio::ip::make_address(impl_->params.bind_address), impl_->params.port};
        a.open(ep.protocol());
        a.set_option(asio::socket_base::reuse_address(true));
        a.bind(ep);
        a.listen(asio::socket_base::max_listen_connections);
        impl_->bound_port = a.local_endpoint().port();
    } catch (...) {
        boost::system::error_code ec;
        a.close(ec);
        impl_->started = false;
        throw;
    }
    asio::co_spawn(impl_->acceptor_strand, impl_->accept_loop(), asio::detached);
}

void server::stop() {
    if (!impl_ || impl_->stopped.exchange(true)) return;
    impl_->api.webhooks().stop();  // cancels pending deliveries and redeliveries
    asio::post(impl_->acceptor_strand, [i = impl_] {
        boost::system::error_code ec;
        i->acceptor.close(ec);
    });
    std::lock_guard lock{impl_->mutex};
    for (auto& w : impl_->sessions)
        if (auto s = w.lock()) s->close();
    impl_->sessions.clear();
}

unsigned short server::port() const { return impl_->bound_port; }

std::string server::base_url() const {
    if (impl_->params.tls) return "https://localhost:" + std::to_string(port());
    std::string host = impl_->params.bind_address;
    if (host == "0.0.0.0") host = "127.0.0.1";
    else if (host == "::") host = "[::1]";
    else if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port());
}

std::string const& server::certificate_pem() const { return impl_->cert.certificate_pem; }
server_params const& server::params() const { return impl_->params; }

void server::script(std::string method, std::string path, scripted_response r, int times) {
    if (times == 0) return;
    std::lock_guard lock{impl_->mutex};
    impl_->scripts.push_back({std::move(method), std::move(path), std::move(r), times < 0 ? -1 : times});
}

void server::clear_scripts() {
    std::lock_guard lock{impl_->mutex};
    impl_->scripts.clear();
}

std::vector<recorded_request> server::requests() const {
    std::lock_guard lock{impl_->mutex};
    return impl_->log;
}

void server::clear_requests() {
    std::lock_guard lock{impl_->mutex};
    impl_->log.clear();
}

std::size_t server::connections_accepted() const { return impl_->accepted; }
std::size_t server::requests_served() const { return impl_->served; }

// ---- silent_listener ------------------------------------------------------------------------------------------

struct silent_listener::impl : std::enable_shared_from_this<silent_listener::impl> {
    asio::strand<asio::any_io_executor> strand;
    tcp::acceptor acceptor;
    std::vector<tcp::socket> held;  // only touched on the strand
    std::atomic<unsigned short> bound_port{0};
    std::atomic<std::size_t> accepted{0};
    std::atomic<bool> stopped{false};

    explicit impl(asio::any_io_executor ex) : strand(asio::make_strand(ex)), acceptor(strand) {}

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(strand, tuple_awaitable);
            if (stopped || !acceptor.is_open()) co_return;
            if (ec) continue;
            ++accepted;
            held.push_back(std::move(socket));
        }
    }
};

silent_listener::silent_listener(asio::any_io_executor ex, std::string bind_address)
    : impl_(std::make_shared<impl>(std::move(ex))) {
    tcp::endpoint const ep{asio::ip::make_address(bind_address), 0};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->bound_port = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached);
}

silent_listener::~silent_listener() { stop(); }

unsigned short silent_listener::port() const { return impl_->bound_port; }
std::size_t silent_listener::connections_accepted() const { return impl_->accepted; }

void silent_listener::stop() {
    if (impl_->stopped.exchange(true)) return;
    asio::post(impl_->strand, [i = impl_] {
        boost::system::error_code ec;
        i->acceptor.close(ec);
        for (auto& s : i->held) s.close(ec);
        i->held.clear();
    });
}

}  // namespace meld::emulator
