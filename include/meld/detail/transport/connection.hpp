// meld/detail/transport/connection.hpp — one keep-alive connection to the API: the only code touching sockets.
//
// A connection lives on its own strand (so many connections run in parallel on an io_context run by many
// threads) and is used by one call at a time. async_connect: resolve (abandoned at the deadline, a hung DNS
// lookup cannot hold the call) -> TCP -> optional proxy CONNECT tunnel -> TLS with SNI and host-name check.
// async_exchange: one write of the request head + body, then the answer read with response_reader, interim
// 1xx answers skipped. One watchdog timer per connection bounds both; it is cancelled when the connection
// goes idle, so an idle pool never keeps io_context::run() from returning.
// abort() (cancellation) and the watchdog close the socket: the pending operation completes, the connection
// is never reused. Errors are mapped to client_errc with a message in the call's diagnostics.
#ifndef MELD_DETAIL_TRANSPORT_CONNECTION_HPP
#define MELD_DETAIL_TRANSPORT_CONNECTION_HPP

#include <meld/detail/base_url.hpp>
#include <meld/detail/http_request.hpp>
#include <meld/detail/pipeline/retry_decision.hpp>
#include <meld/detail/recycler.hpp>
#include <meld/detail/unique_task.hpp>
#include <meld/detail/transport/proxy.hpp>
#include <meld/detail/transport/response_reader.hpp>
#include <meld/detail/transport/tls.hpp>
#include <meld/diagnostics.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace meld::detail::transport {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

/// What every connection of one client shares; immutable once built.
struct transport_config {
    base_url_info url;
    std::optional<proxy_target> proxy;
    std::string connect_request;  ///< CONNECT text when proxied (holds the proxy credentials: secret)
    mutable asio::ssl::context ssl{asio::ssl::context::tls_client};  ///< shared by the connections' SSL objects
    bool verify = true;
    std::chrono::milliseconds connect_timeout{10'000};
    std::size_t max_response_size = 8 * 1024 * 1024;

    std::string endpoint_name() const { return url.host + ":" + url.port; }
};

/// What the runner sees of a connection: the steps it starts and the strand it runs them on. The sockets live
/// in basic_connection<Executor> (below), whose strand wraps the client's executor type.
class connection {
public:
    using task = unique_task<void()>;
    using connect_handler = asio::any_completion_handler<void(error_code)>;
    using exchange_handler = unique_task<void(error_code, pipeline::attempt_phase, bool)>;

    connection() = default;
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;
    virtual ~connection() = default;

    std::size_t bytes_sent() const noexcept { return bytes_out_; }
    std::size_t bytes_received() const noexcept { return bytes_in_; }
    /// The request head + body of the next exchange (capacity kept across calls).
    std::string& write_buffer() noexcept { return wbuf_; }

    /// Runs `t` on the connection's strand: at once when already on it, else queued there.
    virtual void dispatch(task t) = 0;
    /// Queues `t` on the connection's strand (never runs it inside this call).
    virtual void post(task t) = 0;
    /// An idle connection may be reused if the server has neither closed it nor sent anything unsolicited.
    virtual bool still_usable() noexcept = 0;
    /// Closes the socket; a pending operation completes with an error. Idempotent.
    virtual void close() noexcept = 0;
    /// User cancellation (on the strand): the pending step completes with operation_aborted.
    virtual void abort() = 0;
    /// On the strand. Completes (on the strand) with {} once the connection is ready for exchanges.
    virtual void async_connect(steady::time_point call_deadline, diagnostics& diag, connect_handler handler) = 0;
    /// On the strand; write_buffer() holds the request. Completes (on the strand) with
    /// handler(error_code, attempt_phase, bool reusable); `resp` receives the final answer.
    virtual void async_exchange(steady::time_point deadline, raw_response& resp, diagnostics& diag,
                                exchange_handler handler) = 0;

protected:
    std::string wbuf_;
    std::size_t bytes_out_ = 0;
    std::size_t bytes_in_ = 0;
};

template <class Executor>
class basic_connection final : public connection, public std::enable_shared_from_this<basic_connection<Executor>> {
public:
    using strand_type = asio::strand<Executor>;
    using socket_type = asio::basic_stream_socket<asio::ip::tcp, strand_type>;
    using tls_type = asio::ssl::stream<socket_type>;
    using timer_type = asio::basic_waitable_timer<steady, asio::wait_traits<steady>, strand_type>;

    basic_connection(Executor const& ex, std::shared_ptr<transport_config const> cfg)
        : strand_(asio::make_strand(ex)), cfg_(std::move(cfg)), watchdog_(strand_)
    {
    }
    ~basic_connection() override { close(); }

    void dispatch(task t) override
    {
        asio::dispatch(strand_, asio::bind_allocator(recycling_allocator<void>{},
                                                     [t = std::move(t)]() mutable { std::move(t)(); }));
    }
    void post(task t) override
    {
        asio::post(strand_, asio::bind_allocator(recycling_allocator<void>{},
                                                 [t = std::move(t)]() mutable { std::move(t)(); }));
    }

    /// A non-blocking peek must find no data (EAGAIN). Called by the thread that holds it exclusively.
    bool still_usable() noexcept override
    {
        if (!open_ || buffer_.size() != 0)
            return false;
        char byte;
        auto const n = ::recv(lowest().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }

    void close() noexcept override
    {
        error_code ignored;
        if (resolver_)
            resolver_->cancel();
        if (socket_exists())
            lowest().close(ignored);
        open_ = false;
    }

    void abort() override
    {
        aborted_ = true;
        kill();
    }

    // ---- connect --------------------------------------------------------------------------------------

    void async_connect(steady::time_point call_deadline, diagnostics& diag, connect_handler handler) override
    {
        diag_ = &diag;
        connect_handler_.emplace(std::move(handler));  // never assign an any_completion_handler (Boost 1.81)
        auto const now = steady::now();
        connect_deadline_ = std::min(call_deadline, now + cfg_->connect_timeout);
        timeout_code_ = connect_deadline_ < call_deadline ? client_errc::connect_timeout : client_errc::request_timeout;
        started_at_ = now;
        arm(connect_deadline_);
        auto const& host = cfg_->proxy ? cfg_->proxy->host : cfg_->url.host;
        auto const& port = cfg_->proxy ? cfg_->proxy->port : cfg_->url.port;
        bool const literal = cfg_->proxy ? cfg_->proxy->ip_literal : cfg_->url.ip_literal;
        if (literal) {
            error_code ec;
            auto const addr = asio::ip::make_address(host, ec);
            if (ec)
                return finish_connect(fail(client_errc::resolve_failed, ec, "parsing the address " + host + " failed"));
            auto const p = static_cast<unsigned short>(std::stoul(port));
            return tcp_connect(asio::ip::tcp::resolver::results_type::create({addr, p}, host, port));
        }
        step_ = step::resolving;
        resolver_.emplace(strand_);
        resolver_->async_resolve(host, port, [self = this->shared_from_this()](error_code ec, auto results) {
            if (self->step_ != step::resolving)
                return;  // abandoned at the deadline or aborted: the call has moved on
            if (ec)
                return self->finish_connect(self->io_failure(ec, client_errc::resolve_failed,
                                                             "resolving " + self->peer_host()));
            self->tcp_connect(std::move(results));
        });
    }

    // ---- exchange -------------------------------------------------------------------------------------

    void async_exchange(steady::time_point deadline, raw_response& resp, diagnostics& diag,
                        exchange_handler handler) override
    {
        diag_ = &diag;
        timeout_code_ = client_errc::request_timeout;
        timed_out_ = false;
        bytes_out_ = wbuf_.size();
        bytes_in_ = 0;
        arm(deadline);
        step_ = step::writing;
        exchange_op<exchange_handler> op{this, std::move(handler), &resp};
        with_stream([&](auto& s) { asio::async_write(s, asio::buffer(wbuf_), std::move(op)); });
    }

private:
    enum class step : unsigned char { idle, resolving, connecting, tunnelling, handshaking, writing, reading };

    template <class Handler>
    struct exchange_op {
        basic_connection* c;
        Handler handler;
        raw_response* resp;
        unsigned interim = 0;
        bool reading = false;

        // the socket's, the TLS stream's and Beast's operations for this exchange reuse the thread's blocks
        using allocator_type = recycling_allocator<void>;
        allocator_type get_allocator() const noexcept { return {}; }

        void operator()(error_code ec, std::size_t n)
        {
            if (!reading) {
                if (ec)
                    return finish(c->io_failure(ec, client_errc::connection_closed, "sending the request"),
                                  pipeline::attempt_phase::sending, false);
                reading = true;
                return read_next();
            }
            c->bytes_in_ += n;
            auto& reader = *c->reader_;
            if (ec) {
                auto const phase = reader.got_some() || interim > 0 ? pipeline::attempt_phase::receiving
                                                                    : pipeline::attempt_phase::sending;
                return finish(c->io_failure(ec, client_errc::connection_closed, "reading the response"), phase, false);
            }
            if (reader.interim()) {  // 100 Continue, 103 Early Hints, ...: the final answer follows
                if (++interim > 16)
                    return finish(c->fail(client_errc::malformed_response, {},
                                          "more than 16 interim (1xx) answers to one request"),
                                  pipeline::attempt_phase::receiving, false);
                resp->clear();
                return read_next();
            }
            bool const reusable = reader.keep_alive() && c->buffer_.size() == 0;
            finish({}, pipeline::attempt_phase::answered, reusable);
        }

        void read_next()
        {
            c->step_ = step::reading;
            c->reader_.emplace(*resp, c->cfg_->max_response_size);
            auto& reader = *c->reader_;
            auto& buffer = c->buffer_;
            c->with_stream([&](auto& s) { boost::beast::http::async_read(s, buffer, reader, std::move(*this)); });
        }

        void finish(error_code ec, pipeline::attempt_phase phase, bool reusable)
        {
            c->step_ = step::idle;
            c->disarm();
            c->reader_.reset();
            if (!reusable)
                c->close();
            std::move(handler)(ec, phase, reusable);
        }
    };

    bool socket_exists() const noexcept { return tls_.has_value() || plain_.has_value(); }
    socket_type& lowest() noexcept { return tls_ ? tls_->next_layer() : *plain_; }

    template <class F>
    void with_stream(F&& f)
    {
        if (tls_)
            f(*tls_);
        else
            f(*plain_);
    }

    /// For messages: the host resolved ("the proxy <host>" when proxied, so a DNS failure names the proxy).
    std::string peer_host() const { return cfg_->proxy ? "the proxy " + cfg_->proxy->host : cfg_->url.host; }
    std::string peer_name() const
    {
        return cfg_->proxy ? "the proxy " + cfg_->proxy->host + ":" + cfg_->proxy->port : cfg_->endpoint_name();
    }

    // ---- watchdog -------------------------------------------------------------------------------------

    void arm(steady::time_point d)
    {
        deadline_ = d;
        if (timer_pending_ && timer_expiry_ <= d)
            return;  // fires earlier and re-arms for the rest
        timer_expiry_ = d;
        timer_pending_ = true;
        watchdog_.expires_at(d);  // cancels a pending wait: its handler sees a stale generation
        watchdog_.async_wait(asio::bind_allocator(recycling_allocator<void>{},
                                                  [w = this->weak_from_this(), gen = ++timer_gen_](error_code) {
                                                      if (auto self = w.lock())
                                                          self->on_watchdog(gen);
                                                  }));
    }

    /// The connection goes idle: nothing to bound, and a pending wait would keep io_context::run() busy.
    void disarm()
    {
        deadline_ = steady::time_point::max();
        if (timer_pending_) {
            timer_pending_ = false;
            ++timer_gen_;
            watchdog_.cancel();
        }
    }

    void on_watchdog(unsigned gen)
    {
        if (gen != timer_gen_)
            return;
        timer_pending_ = false;
        if (deadline_ == steady::time_point::max())
            return;  // idle: nothing to bound
        if (steady::now() >= deadline_) {
            timed_out_ = true;
            kill();
        } else {
            arm(deadline_);
        }
    }

    /// Ends whatever is pending: a resolve is abandoned (its handler is ignored), a socket is closed.
    void kill()
    {
        if (step_ == step::resolving) {
            step_ = step::idle;
            if (resolver_)
                resolver_->cancel();
            finish_connect(aborted_ ? error_code(asio::error::operation_aborted)
                                    : fail(timeout_code_, {}, "resolving " + peer_host() + " timed out"));
            return;
        }
        close();
    }

    // ---- connect steps ----------------------------------------------------------------------------------

    void tcp_connect(asio::ip::tcp::resolver::results_type results)
    {
        step_ = step::connecting;
        endpoints_ = std::move(results);
        next_endpoint_ = endpoints_.begin();
        try_next_endpoint({});
    }

    /// Tries the resolved addresses in order (not asio::async_connect: it would reopen the socket that the
    /// watchdog or abort() just closed and try the next address).
    void try_next_endpoint(error_code last)
    {
        if (aborted_ || timed_out_ || next_endpoint_ == endpoints_.end()) {
            if (!last)
                last = asio::error::host_not_found;
            return finish_connect(io_failure(last, client_errc::connect_failed, "connecting to " + peer_name()));
        }
        auto const ep = next_endpoint_->endpoint();
        ++next_endpoint_;
        tls_.reset();
        plain_.reset();
        if (cfg_->url.tls)
            tls_.emplace(strand_, cfg_->ssl);
        else
            plain_.emplace(strand_);
        lowest().async_connect(ep, [self = this->shared_from_this()](error_code ec) {
            if (ec)
                return self->try_next_endpoint(ec);
            error_code ignored;
            self->lowest().set_option(asio::ip::tcp::no_delay(true), ignored);
            if (self->cfg_->proxy)
                return self->tunnel();
            if (self->cfg_->url.tls)
                return self->handshake();
            self->connected();
        });
    }

    void tunnel()
    {
        step_ = step::tunnelling;
        wbuf_ = cfg_->connect_request;
        asio::async_write(lowest(), asio::buffer(wbuf_), [self = this->shared_from_this()](error_code ec, std::size_t) {
            self->wbuf_.clear();
            if (ec)
                return self->finish_connect(self->io_failure(ec, client_errc::connect_failed,
                                                             "sending CONNECT to " + self->peer_name()));
            self->tunnel_parser_.emplace();
            self->tunnel_parser_->skip(true);  // a 2xx to CONNECT has no body: the tunnel starts after the header
            boost::beast::http::async_read(
                self->lowest(), self->buffer_, *self->tunnel_parser_, [self](error_code rec, std::size_t) {
                    if (rec)
                        return self->finish_connect(self->io_failure(
                            rec, client_errc::proxy_tunnel_refused, "reading the answer of " + self->peer_name()));
                    std::string msg;
                    auto const status = self->tunnel_parser_->get().result_int();
                    self->tunnel_parser_.reset();
                    if (auto cec = classify_connect_answer(status, msg))
                        return self->finish_connect(self->fail(static_cast<client_errc>(cec.value()), {}, msg));
                    if (self->buffer_.size() != 0)
                        return self->finish_connect(self->fail(client_errc::proxy_tunnel_refused, {},
                                                               "the proxy sent data before the TLS handshake"));
                    if (self->cfg_->url.tls)
                        return self->handshake();
                    self->connected();
                });
        });
    }

    void handshake()
    {
        step_ = step::handshaking;
        SSL* ssl = tls_->native_handle();
        if (!prepare_tls_session(ssl, cfg_->url.host, cfg_->url.ip_literal, cfg_->verify))
            return finish_connect(fail(client_errc::tls_handshake_failed, {}, "setting up TLS (SNI, host name) failed"));
        if (cfg_->verify) {
            tls_->set_verify_callback([this](bool preverified, asio::ssl::verify_context& vc) {
                X509_STORE_CTX* store = vc.native_handle();
                if (!preverified && X509_STORE_CTX_get_error_depth(store) == 0 && cert_names_.empty())
                    cert_names_ = certificate_names(X509_STORE_CTX_get_current_cert(store));
                return preverified;
            });
        }
        tls_->async_handshake(asio::ssl::stream_base::client, [self = this->shared_from_this()](error_code ec) {
            if (!ec)
                return self->connected();
            long const vr = SSL_get_verify_result(self->tls_->native_handle());
            if (!self->timed_out_ && !self->aborted_ && self->cfg_->verify && vr != X509_V_OK)
                return self->finish_connect(self->fail(
                    client_errc::tls_verification_failed, ec,
                    verification_message(vr, self->cfg_->url.host, self->cfg_->endpoint_name(), self->cert_names_)));
            self->finish_connect(self->io_failure(ec, client_errc::tls_handshake_failed,
                                                  "TLS handshake with " + self->cfg_->endpoint_name()));
        });
    }

    void connected()
    {
        open_ = true;
        finish_connect({});
    }

    void finish_connect(error_code ec)
    {
        step_ = step::idle;
        disarm();
        if (ec)
            close();
        if (connect_handler_) {
            connect_handler h(std::move(*connect_handler_));
            connect_handler_.reset();
            std::move(h)(ec);
        }
    }

    // ---- errors -----------------------------------------------------------------------------------------

    error_code fail(client_errc e, error_code const& cause, std::string what) const
    {
        detail_access::set_transport_error(*diag_, cause);
        if (cause)
            what += ": " + cause.message();
        detail_access::set_client_message(*diag_, std::move(what));
        return e;
    }

    /// Maps an I/O error of the current step (`what`: "connecting to X", "reading the response", ...):
    /// cancellation and the watchdog first, then the protocol's errors.
    error_code io_failure(error_code const& ec, client_errc fallback, std::string const& what) const
    {
        namespace http = boost::beast::http;
        if (aborted_)
            return asio::error::operation_aborted;
        if (timed_out_)
            return fail(timeout_code_, {}, what + " timed out");
        if (ec == http::error::body_limit)
            return fail(client_errc::body_too_large, {},
                        "response body exceeds max_response_size (" + std::to_string(cfg_->max_response_size) +
                            " bytes)");
        if (ec == http::error::header_limit)
            return fail(client_errc::malformed_response, {},
                        what + ": the answer's header exceeds " +
                            std::to_string(response_reader::header_limit_bytes / 1024) + " KiB");
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated ||
            ec == http::error::partial_message || ec == asio::error::connection_aborted)
            return fail(fallback == client_errc::resolve_failed ? fallback
                        : step_ == step::handshaking          ? client_errc::tls_handshake_failed
                        : step_ == step::tunnelling           ? client_errc::proxy_tunnel_refused
                        : step_ == step::connecting           ? client_errc::connect_failed
                                                              : client_errc::connection_closed,
                        ec, what + ": connection closed by the peer");
        if (ec.category() == http::make_error_code(http::error::bad_version).category())
            return fail(step_ == step::tunnelling ? client_errc::proxy_tunnel_refused : client_errc::malformed_response,
                        ec, what + ": malformed HTTP");
        return fail(fallback, ec, what + " failed");
    }

    strand_type strand_;
    std::shared_ptr<transport_config const> cfg_;
    std::optional<asio::ip::basic_resolver<asio::ip::tcp, strand_type>> resolver_;
    asio::ip::tcp::resolver::results_type endpoints_;
    asio::ip::tcp::resolver::results_type::const_iterator next_endpoint_;
    std::optional<tls_type> tls_;
    std::optional<socket_type> plain_;
    boost::beast::flat_buffer buffer_;
    std::optional<response_reader> reader_;
    std::optional<boost::beast::http::response_parser<boost::beast::http::empty_body>> tunnel_parser_;
    timer_type watchdog_;
    steady::time_point deadline_ = steady::time_point::max();
    steady::time_point timer_expiry_{};
    steady::time_point connect_deadline_{};
    steady::time_point started_at_{};
    unsigned timer_gen_ = 0;
    bool timer_pending_ = false;
    bool timed_out_ = false;
    bool aborted_ = false;
    bool open_ = false;
    step step_ = step::idle;
    client_errc timeout_code_ = client_errc::request_timeout;
    std::optional<connect_handler> connect_handler_;
    diagnostics* diag_ = nullptr;
    std::string cert_names_;
};

/// A connection whose strand wraps the client's executor: the concrete io_context executor when it is one
/// (no polymorphic executor queries on the hot path), any_io_executor otherwise.
inline std::shared_ptr<connection> make_connection(asio::any_io_executor const& ex,
                                                   std::shared_ptr<transport_config const> cfg)
{
    if (auto const* io = ex.target<asio::io_context::executor_type>())
        return std::make_shared<basic_connection<asio::io_context::executor_type>>(*io, std::move(cfg));
    return std::make_shared<basic_connection<asio::any_io_executor>>(ex, std::move(cfg));
}

}  // namespace meld::detail::transport

#endif
