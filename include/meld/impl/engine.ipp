// meld/impl/engine.ipp — connection pool, TLS/TCP transport and the request pipeline (compiled once).
//
// One C++20 coroutine per call runs on the engine's strand: acquire a pooled connection (or wait for one,
// bounded by pool_size), connect if new (resolve -> TCP -> TLS with SNI + host-name verification, bounded
// by connect_timeout), write, read (body limit), classify. The whole call is bounded by request_timeout.
// A connection goes back to the pool only after a complete, keep-alive exchange; cancelled, timed-out or
// failed connections are closed. A stale pooled connection (closed by the server while idle) is retried
// once on a fresh connection, and only for requests that are safe to replay.
#ifndef MELD_IMPL_ENGINE_IPP
#define MELD_IMPL_ENGINE_IPP

#include <meld/detail/base_url.hpp>
#include <meld/detail/engine.hpp>
#include <meld/detail/handler_forwarding.hpp>
#include <meld/detail/response_classifier.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <chrono>
#include <list>
#include <optional>
#include <vector>

namespace meld::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using clock = std::chrono::steady_clock;
using asio::use_awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct pooled_connection {
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    std::optional<beast::tcp_stream> plain;
    beast::flat_buffer buffer;
    bool open = false;

    beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    void close()
    {
        error_code ignored;
        if (tls || plain)
            tcp().socket().close(ignored);
        open = false;
    }
};

struct engine::impl {
    asio::strand<asio::any_io_executor> strand;
    client_params params;
    base_url_info url;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    api_profile profile;
    std::string authorization;  // e.g. "BASIC <key>": secret, never copied into messages
    std::string user_agent;
    std::vector<std::unique_ptr<pooled_connection>> idle;
    std::size_t open_count = 0;  // idle + busy + connecting; bounded by params.pool_size
    std::list<asio::steady_timer*> waiters;
    std::atomic<std::size_t> opened{0};

    impl(asio::any_io_executor ex, client_params p, api_profile prof)
        : strand(asio::make_strand(ex)), params(std::move(p)), profile(std::move(prof))
    {
        std::string msg;
        if (auto ec = parse_base_url(params.base_url, url, msg))
            throw boost::system::system_error(ec, msg);
        if (params.tls.insecure_skip_verify && !url.loopback)
            throw boost::system::system_error(make_error_code(client_errc::insecure_url),
                                              "tls.insecure_skip_verify is only allowed for a loopback host");
        if (params.pool_size == 0)
            params.pool_size = 1;
        if (url.tls)
            configure_tls();
        authorization = profile.auth_prefix + params.api_key;
        user_agent = "meld-cpp/" MELD_VERSION_STRING " (Boost.Beast)";
        if (!params.app_info.empty())
            user_agent += " " + params.app_info;
    }

    void configure_tls()
    {
        ssl_ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1);
        if (params.tls.insecure_skip_verify) {
            ssl_ctx.set_verify_mode(asio::ssl::verify_none);
            return;
        }
        ssl_ctx.set_verify_mode(asio::ssl::verify_peer);
        bool custom = false;
        if (!params.tls.ca_pem.empty()) {
            ssl_ctx.add_certificate_authority(asio::buffer(params.tls.ca_pem));
            custom = true;
        }
        if (!params.tls.ca_file.empty()) {
            ssl_ctx.load_verify_file(params.tls.ca_file);
            custom = true;
        }
        if (!params.tls.ca_dir.empty()) {
            ssl_ctx.add_verify_path(params.tls.ca_dir);
            custom = true;
        }
        if (!custom)
            ssl_ctx.set_default_verify_paths();
    }

    // ---- pool ------------------------------------------------------------------------------------

    asio::awaitable<error_code> acquire(std::unique_ptr<pooled_connection>& out, clock::time_point deadline)
    {
        for (;;) {
            while (!idle.empty()) {
                out = std::move(idle.back());
                idle.pop_back();
                if (still_usable(*out))
                    co_return error_code{};
                out->close();  // closed by the server while idle: never send a request into it
                out.reset();
                --open_count;
            }
            if (open_count < params.pool_size) {
                ++open_count;
                out = std::make_unique<pooled_connection>();
                co_return error_code{};
            }
            asio::steady_timer timer(strand, deadline);
            auto const it = waiters.insert(waiters.end(), &timer);
            auto [ec] = co_await timer.async_wait(tuple_awaitable);
            waiters.erase(it);
            if (!ec)
                co_return make_error_code(client_errc::request_timeout);
            auto cs = co_await asio::this_coro::cancellation_state;
            if (cs.cancelled() != asio::cancellation_type::none)
                co_return make_error_code(asio::error::operation_aborted);
            // woken by release(): look again
        }
    }

    /// An idle connection is usable if the server has neither closed it nor sent anything unsolicited:
    /// a non-blocking peek must find no data (EAGAIN). Checked before every reuse, like curl does.
    static bool still_usable(pooled_connection& c)
    {
        if (!c.open || c.buffer.size() != 0)
            return false;
        char byte;
        auto const n = ::recv(c.tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }

    void release(std::unique_ptr<pooled_connection> c, bool reusable)
    {
        if (reusable && c->open) {
            c->tcp().expires_never();  // an idle connection must not be closed by a stale deadline
            idle.push_back(std::move(c));
        } else {
            c->close();
            --open_count;
        }
        if (!waiters.empty())
            waiters.front()->cancel();
    }

    // ---- transport -------------------------------------------------------------------------------

    static bool is_timeout(error_code const& ec) { return ec == beast::error::timeout; }

    error_code fail(diagnostics& diag, client_errc e, error_code const& cause, std::string what) const
    {
        detail_access::set_transport_error(diag, cause);
        if (cause)
            what += ": " + cause.message();
        detail_access::set_client_message(diag, std::move(what));
        return e;
    }

    std::string endpoint_name() const { return url.host + ":" + url.port; }

    asio::awaitable<error_code> connect(pooled_connection& c, clock::time_point deadline, diagnostics& diag)
    {
        auto const connect_deadline = std::min(deadline, clock::now() + params.connect_timeout);
        auto const timeout_code =
            connect_deadline < deadline ? client_errc::connect_timeout : client_errc::request_timeout;

        // The resolver has no deadline of its own: race it against one (a hung DNS lookup must not
        // outlive connect_timeout).
        using namespace asio::experimental::awaitable_operators;
        asio::ip::tcp::resolver resolver(strand);
        asio::steady_timer resolve_deadline(strand, connect_deadline);
        auto resolved = co_await (resolver.async_resolve(url.host, url.port, tuple_awaitable) ||
                                  resolve_deadline.async_wait(tuple_awaitable));
        if (resolved.index() == 1) {
            auto cs = co_await asio::this_coro::cancellation_state;
            if (cs.cancelled() != asio::cancellation_type::none)
                co_return make_error_code(asio::error::operation_aborted);
            co_return fail(diag, timeout_code, {}, "resolving " + url.host + " timed out");
        }
        auto [rec, results] = std::get<0>(std::move(resolved));
        if (rec == asio::error::operation_aborted)
            co_return rec;
        if (rec)
            co_return fail(diag, client_errc::resolve_failed, rec, "resolving " + url.host + " failed");

        if (url.tls)
            c.tls.emplace(strand, ssl_ctx);
        else
            c.plain.emplace(strand);
        c.tcp().expires_at(connect_deadline);
        auto [cec, ep] = co_await c.tcp().async_connect(results, tuple_awaitable);
        (void)ep;
        if (cec == asio::error::operation_aborted)
            co_return cec;
        if (is_timeout(cec))
            co_return fail(diag, timeout_code, {}, "connecting to " + endpoint_name() + " timed out");
        if (cec)
            co_return fail(diag, client_errc::connect_failed, cec, "connecting to " + endpoint_name() + " failed");

        if (url.tls) {
            SSL* ssl = c.tls->native_handle();
            // SSL_set_tlsext_host_name without its C cast (which -Wold-style-cast rejects)
            if (!url.ip_literal && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                            const_cast<char*>(url.host.c_str())) != 1)
                co_return fail(diag, client_errc::tls_handshake_failed, {}, "setting TLS SNI failed");
            if (!params.tls.insecure_skip_verify)
                c.tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
            auto [hec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
            if (hec == asio::error::operation_aborted)
                co_return hec;
            if (is_timeout(hec))
                co_return fail(diag, timeout_code, {}, "TLS handshake with " + endpoint_name() + " timed out");
            if (hec) {
                long const vr = SSL_get_verify_result(ssl);
                if (vr != X509_V_OK)
                    co_return fail(diag, client_errc::tls_verification_failed, hec,
                                   "TLS certificate of " + url.host + " did not verify (" +
                                       X509_verify_cert_error_string(vr) + ")");
                co_return fail(diag, client_errc::tls_handshake_failed, hec,
                               "TLS handshake with " + endpoint_name() + " failed");
            }
        }
        c.open = true;
        opened.fetch_add(1, std::memory_order_relaxed);
        co_return error_code{};
    }

    template <class Stream>
    asio::awaitable<error_code> exchange(Stream& s, pooled_connection& c, http::request<http::string_body>& msg,
                                         raw_response& resp, diagnostics& diag, bool& got_some, bool& keep_alive)
    {
        auto [wec, wn] = co_await http::async_write(s, msg, tuple_awaitable);
        (void)wn;
        if (wec)
            co_return map_io_error(wec, diag, "sending the request");
        http::response_parser<http::string_body> parser;
        parser.body_limit(params.max_response_size);
        auto [rec, rn] = co_await http::async_read(s, c.buffer, parser, tuple_awaitable);
        (void)rn;
        got_some = parser.got_some();
        if (rec)
            co_return map_io_error(rec, diag, "reading the response");
        auto& res = parser.get();
        resp.status = res.result_int();
        resp.content_type = std::string(res[http::field::content_type]);
        resp.body = std::move(res.body());
        keep_alive = res.keep_alive();
        co_return error_code{};
    }

    error_code map_io_error(error_code const& ec, diagnostics& diag, std::string const& what) const
    {
        if (ec == asio::error::operation_aborted)
            return ec;
        if (is_timeout(ec))
            return fail(diag, client_errc::request_timeout, {}, what + " timed out");
        if (ec == http::error::body_limit)
            return fail(diag, client_errc::body_too_large, {},
                        "response body exceeds max_response_size (" + std::to_string(params.max_response_size) +
                            " bytes)");
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated ||
            ec == http::error::partial_message)
            return fail(diag, client_errc::connection_closed, ec, what + ": connection closed by the server");
        if (ec.category() == http::make_error_code(http::error::bad_version).category())
            return fail(diag, client_errc::malformed_response, ec, what + ": malformed HTTP");
        return fail(diag, client_errc::connection_closed, ec, what + " failed");
    }

    static bool header_safe(std::string_view v) noexcept
    {
        return v.find_first_of("\r\n") == std::string_view::npos && v.find('\0') == std::string_view::npos;
    }

    static http::verb to_verb(http_method m)
    {
        switch (m) {
        case http_method::get: return http::verb::get;
        case http_method::post: return http::verb::post;
        case http_method::put: return http::verb::put;
        case http_method::patch: return http::verb::patch;
        case http_method::delete_: return http::verb::delete_;
        }
        return http::verb::get;
    }

    error_code build_message(prepared_request const& req, http::request<http::string_body>& msg,
                             diagnostics& diag) const
    {
        auto const& version = req.meld_version.empty() ? params.meld_version : req.meld_version;
        bool ok = header_safe(version) && header_safe(req.idempotency_key) && header_safe(req.target) &&
                  header_safe(authorization) && header_safe(params.app_info);
        for (auto const& [name, value] : req.headers)
            ok = ok && header_safe(value);
        if (!ok) {
            detail_access::set_client_message(diag, "a header value or the target contains CR, LF or NUL");
            return client_errc::invalid_request;
        }
        msg.method(to_verb(req.method));
        msg.target(req.target);
        msg.version(11);
        msg.set(http::field::host, url.host_header);
        msg.set(http::field::user_agent, user_agent);
        msg.set(http::field::accept, "application/json");
        if (req.requires_auth || !params.api_key.empty())
            msg.set(profile.auth_header, authorization);
        if (profile.send_meld_version)
            msg.set("Meld-Version", version);
        if (!req.idempotency_key.empty())
            msg.set("X-Idempotency-Key", req.idempotency_key);
        for (auto const& [name, value] : req.headers)
            msg.set(name, value);
        if (req.has_body) {
            msg.set(http::field::content_type, "application/json");
            msg.body() = req.body;
        }
        msg.prepare_payload();
        return {};
    }

    asio::awaitable<error_code> run(prepared_request const& req, raw_response& resp, diagnostics& diag)
    {
        co_await asio::this_coro::throw_if_cancelled(false);
        if (req.build_error) {
            detail_access::set_client_message(diag, req.build_message);
            co_return req.build_error;
        }
        http::request<http::string_body> msg;
        if (auto ec = build_message(req, msg, diag))
            co_return ec;
        auto const deadline = clock::now() + req.timeout.value_or(params.request_timeout);

        for (int attempt = 0;; ++attempt) {
            std::unique_ptr<pooled_connection> conn;
            if (auto ec = co_await acquire(conn, deadline)) {
                if (ec == client_errc::request_timeout)
                    detail_access::set_client_message(diag, "no pooled connection became free in time");
                co_return ec;
            }
            bool const reused = conn->open;
            if (!reused) {
                if (auto ec = co_await connect(*conn, deadline, diag)) {
                    release(std::move(conn), false);
                    co_return ec;
                }
            }
            conn->tcp().expires_at(deadline);
            bool got_some = false, keep_alive = false;
            error_code ec = conn->tls ? co_await exchange(*conn->tls, *conn, msg, resp, diag, got_some, keep_alive)
                                      : co_await exchange(*conn->plain, *conn, msg, resp, diag, got_some, keep_alive);
            release(std::move(conn), !ec && keep_alive);
            if (ec && reused && !got_some && attempt == 0 && req.replayable() &&
                ec == client_errc::connection_closed) {
                diag.clear();
                continue;  // the server closed an idle keep-alive connection: replay once on a fresh one
            }
            if (ec)
                co_return ec;
            co_return classify_response(resp, diag);
        }
    }
};

/// Adapts co_spawn's completion (exception_ptr, error_code) to the type-erased handler; the associator
/// specialization below keeps its executor, allocator and cancellation slot (so per-call cancellation
/// reaches the coroutine).
struct spawn_completion {
    asio::any_completion_handler<void(error_code)> handler_;

    void operator()(std::exception_ptr ep, error_code ec)
    {
        if (ep)
            ec = make_error_code(client_errc::connection_closed);  // run() does not throw; defensive only
        std::move(handler_)(ec);
    }
};

}  // namespace meld::detail

namespace boost::asio {
template <template <class, class> class Associator, class DefaultCandidate>
struct associator<Associator, meld::detail::spawn_completion, DefaultCandidate>
    : meld::detail::forward_associator<Associator, any_completion_handler<void(meld::error_code)>, DefaultCandidate,
                                       meld::detail::spawn_completion> {};
}  // namespace boost::asio

namespace meld::detail {

MELD_DECL engine::engine(asio::any_io_executor ex, client_params params, api_profile profile)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(params), std::move(profile)))
{
}

MELD_DECL engine::~engine()
{
    for (auto& c : impl_->idle)
        c->close();
}

MELD_DECL void engine::async_execute(prepared_request const& req, raw_response& resp, diagnostics& diag,
                                     asio::any_completion_handler<void(error_code)> handler)
{
    asio::co_spawn(impl_->strand,
                   [self = shared_from_this(), &req, &resp, &diag]() -> asio::awaitable<error_code> {
                       co_return co_await self->impl_->run(req, resp, diag);
                   },
                   spawn_completion{std::move(handler)});
}

MELD_DECL asio::any_io_executor engine::get_executor() const noexcept { return impl_->strand; }

MELD_DECL client_params const& engine::params() const noexcept { return impl_->params; }

MELD_DECL std::size_t engine::connections_opened() const noexcept
{
    return impl_->opened.load(std::memory_order_relaxed);
}

MELD_DECL void engine::close_idle()
{
    asio::dispatch(impl_->strand, [self = shared_from_this()] {
        for (auto& c : self->impl_->idle) {
            c->close();
            --self->impl_->open_count;
        }
        self->impl_->idle.clear();
    });
}

}  // namespace meld::detail

#endif
