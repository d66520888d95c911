// sandbox/src/webhook_sender.cpp — signed webhook deliveries with redelivery (see webhook_sender.hpp).
#include "webhook_sender.hpp"

#include "detail.hpp"

#include <meld/webhooks/verify.hpp>  // meld::webhooks::sign / signature_timestamp (the spec'd signing algorithm)

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <type_traits>

namespace meld::emulator::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr auto attempt_timeout = std::chrono::seconds(10);        // connect + TLS + write + read, per attempt
constexpr auto max_backoff = std::chrono::milliseconds(60000);    // cap of the doubling retry delay
constexpr int max_sequences = 256;                                // sequences in flight; more are dropped
constexpr std::size_t max_response = 64 * 1024;

struct target_url {
    bool tls = false;
    std::string host;  // no brackets
    std::string port;
    std::string target;
};

std::optional<target_url> parse_target(std::string const& url) {
    auto r = boost::urls::parse_uri(url);
    if (!r) return std::nullopt;
    boost::urls::url_view const u = *r;
    target_url t;
    if (u.scheme() == "https") t.tls = true;
    else if (u.scheme() != "http") return std::nullopt;
    t.host = std::string(u.encoded_host());
    if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
    if (t.host.empty()) return std::nullopt;
    t.port = u.has_port() ? std::string(u.port()) : std::string(t.tls ? "443" : "80");
    t.target = std::string(u.encoded_path());
    if (t.target.empty()) t.target = "/";
    if (u.has_query()) t.target += "?" + std::string(u.encoded_query());
    return t;
}

std::string envelope(std::string_view event_type, std::string const& event_id, std::string const& timestamp,
                     webhook_target const& t, std::string const& payload) {
    return "{\"eventType\":" + json_string(event_type) + ",\"eventId\":" + json_string(event_id) +
           ",\"timestamp\":" + json_string(timestamp) + ",\"accountId\":\"WQ5RyhdFzE45qjsomdzQ1u\",\"profileId\":" +
           (t.profile_id ? json_string(*t.profile_id) : std::string("null")) + ",\"version\":" +
           json_string(t.version) + ",\"payload\":" + payload + "}";
}

}  // namespace

/// One running sequence: its strand, its retry timer and the connection of the current attempt.
struct sequence_state {
    asio::strand<asio::any_io_executor> strand;
    asio::steady_timer timer;
    beast::tcp_stream* tcp = nullptr;  // only touched on the strand

    explicit sequence_state(asio::any_io_executor const& ex) : strand(asio::make_strand(ex)), timer(strand) {}
};

struct webhook_sender::impl : std::enable_shared_from_this<webhook_sender::impl> {
    server_params params;

    std::mutex run_mutex;  // held while applying a state change; stop() takes it (order: run_mutex -> api mutex)
    std::atomic<bool> stopped{false};
    std::mutex* api_mutex = nullptr;
    targets_fn targets;

    mutable std::mutex guard;  // guards executor and sequences
    std::optional<asio::any_io_executor> executor;
    std::vector<std::weak_ptr<sequence_state>> sequences;
    std::atomic<int> running{0};

    explicit impl(server_params const& p) : params(p) {}

    /// Applies the step's state change and resolves its targets; false once stopped.
    bool prepare(webhook_step& step, std::vector<webhook_target>& out) {
        std::lock_guard run{run_mutex};
        if (stopped) return false;
        std::unique_lock<std::mutex> api;
        if (api_mutex) api = std::unique_lock{*api_mutex};
        if (step.apply) step.apply();
        if (step.targets) out = *step.targets;
        else if (targets) out = targets(step.event_type);
        return true;
    }

    template <class Stream>
    asio::awaitable<unsigned> exchange(sequence_state& s, Stream& stream, tcp::resolver::results_type const& eps,
                                       target_url const& u, http::request<http::string_body>& req) {
        auto& lowest = beast::get_lowest_layer(stream);
        s.tcp = &lowest;
        struct reset {
            sequence_state& s;
            ~reset() { s.tcp = nullptr; }
        } const guard_tcp{s};
        lowest.expires_after(attempt_timeout);
        auto [cec, ep] = co_await lowest.async_connect(eps, tuple_awaitable);
        (void)ep;
        if (cec || stopped) co_return 0;
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            // SSL_set_tlsext_host_name without its old-style cast
            if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                         const_cast<char*>(u.host.c_str())) != 1)
                co_return 0;
            stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
            auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
            if (hec || stopped) co_return 0;
        }
        auto [wec, wn] = co_await http::async_write(stream, req, tuple_awaitable);
        (void)wn;
        if (wec || stopped) co_return 0;
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_response);
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
        (void)rn;
        boost::system::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest.socket().close(ignored);
        if (rec) co_return 0;
        co_return parser.get().result_int();
    }

    /// One POST; the HTTP status, or 0 when there was no answer (refused, timeout, TLS failure, ...).
    asio::awaitable<unsigned> post(sequence_state& s, target_url const& u, webhook_target const& t,
                                   std::string const& body) {
        http::request<http::string_body> req{http::verb::post, u.target, 11};
        req.set(http::field::host, u.port == (u.tls ? "443" : "80") ? u.host : u.host + ":" + u.port);
        req.set(http::field::user_agent, "meld-sandbox");
        req.set(http::field::content_type, "application/json");
        req.set(http::field::connection, "close");
        if (!t.secret.empty()) {
            auto const ts = meld::webhooks::signature_timestamp();
            req.set("Meld-Signature-Timestamp", ts);
            req.set("Meld-Signature", meld::webhooks::sign(t.secret, t.url, ts, body));
        }
        req.body() = body;
        req.prepare_payload();

        tcp::resolver resolver{s.strand};
        auto [rec, eps] = co_await resolver.async_resolve(u.host, u.port, tuple_awaitable);
        if (rec || stopped) co_return 0;
        if (!u.tls) {
            beast::tcp_stream stream{s.strand};
            co_return co_await exchange(s, stream, eps, u, req);
        }
        asio::ssl::context ctx{asio::ssl::context::tls_client};
        if (!params.webhook_ca_pem.empty()) ctx.add_certificate_authority(asio::buffer(params.webhook_ca_pem));
        else ctx.set_default_verify_paths();
        ctx.set_verify_mode(asio::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream{s.strand, ctx};
        co_return co_await exchange(s, stream, eps, u, req);
    }

    /// Delivers one event to one target until a 2xx or max attempts (the same body, so the same eventId).
    asio::awaitable<void> deliver(sequence_state& s, webhook_target const& t, std::string const& body) {
        auto const u = parse_target(t.url);
        if (!u) co_return;
        auto delay = params.webhook_retry_initial;
        int const attempts = std::max(1, params.webhook_max_attempts);
        for (int attempt = 1; attempt <= attempts && !stopped; ++attempt) {
            unsigned const status = co_await post(s, *u, t, body);
            if (status >= 200 && status < 300) co_return;
            if (attempt == attempts || stopped) co_return;
            s.timer.expires_after(delay);
            co_await s.timer.async_wait(tuple_awaitable);
            delay = std::min<std::chrono::milliseconds>(delay * 2, max_backoff);
        }
    }

    asio::awaitable<void> run(std::shared_ptr<sequence_state> s, std::vector<webhook_step> steps) {
        auto self = shared_from_this();
        try {
            for (auto& step : steps) {
                if (stopped) break;
                if (!step.immediate && params.webhook_step.count() > 0) {
                    s->timer.expires_after(params.webhook_step);
                    co_await s->timer.async_wait(tuple_awaitable);
                }
                std::vector<webhook_target> to;
                if (!prepare(step, to)) break;
                auto const timestamp = iso_time(now_micros());
                for (auto const& t : to) {
                    if (stopped) break;
                    // One eventId per (event, target) — the envelopes differ by profileId — kept on redeliveries.
                    std::string const body = envelope(step.event_type, random_id(22), timestamp, t, step.payload_json);
                    co_await deliver(*s, t, body);
                }
            }
        } catch (std::exception const&) {
            // a delivery problem never takes the server down
        }
        --running;
    }
};

webhook_sender::webhook_sender(server_params const& params) : impl_(std::make_shared<impl>(params)) {}

webhook_sender::~webhook_sender() { stop(); }

void webhook_sender::connect(std::mutex& api_mutex, targets_fn targets) {
    impl_->api_mutex = &api_mutex;
    impl_->targets = std::move(targets);
}

void webhook_sender::attach(asio::any_io_executor ex) {
    std::lock_guard lock{impl_->guard};
    impl_->executor = std::move(ex);
}

void webhook_sender::stop() {
    {
        std::lock_guard run{impl_->run_mutex};
        if (impl_->stopped.exchange(true)) return;
    }
    std::lock_guard lock{impl_->guard};
    for (auto& w : impl_->sequences)
        if (auto s = w.lock())
            asio::post(s->strand, [s] {
                s->timer.cancel();
                if (s->tcp) {
                    boost::system::error_code ec;
                    s->tcp->socket().close(ec);
                }
            });
    impl_->sequences.clear();
}

bool webhook_sender::enabled() const {
    return !impl_->stopped && (!impl_->params.webhook_url.empty() || impl_->params.webhook_profiles);
}

std::optional<webhook_target> webhook_sender::configured_target() const {
    if (impl_->params.webhook_url.empty()) return std::nullopt;
    return webhook_target{impl_->params.webhook_url, impl_->params.webhook_secret};
}

void webhook_sender::schedule(std::vector<webhook_step> steps) {
    if (steps.empty() || impl_->stopped) return;
    std::lock_guard lock{impl_->guard};
    if (!impl_->executor || impl_->running >= max_sequences) return;
    auto s = std::make_shared<sequence_state>(*impl_->executor);
    if (impl_->sequences.size() >= 64) std::erase_if(impl_->sequences, [](auto const& w) { return w.expired(); });
    impl_->sequences.push_back(s);
    ++impl_->running;
    // Posted, never dispatched: co_spawn may start the coroutine inline, and schedule() runs in a route handler
    // under the API mutex that the first step takes.
    asio::post(s->strand, [i = impl_, s, steps = std::move(steps)]() mutable {
        asio::co_spawn(s->strand, i->run(s, std::move(steps)), asio::detached);
    });
}

}  // namespace meld::emulator::detail
