// examples/cpp20_webhook_receiver.cpp — receiving Meld webhooks with Beast and C++20 coroutines.
//
//   MELD_WEBHOOK_SECRETS=<secret>[,<previous secret>]  the webhook profile's secret(s) (rotation: several)
//   MELD_WEBHOOK_URL=https://hooks.example.com/meld     the URL *registered on the webhook profile*
//   MELD_WEBHOOK_PATH=/meld                             the path this server answers on (default: the URL's)
//   cpp20_webhook_receiver [port]                       listens on 0.0.0.0:port (default 8080)
//   cpp20_webhook_receiver --self-test                  sends itself signed deliveries and checks the answers
//
// For each POST on the path: read the raw body with a size limit, verify the signature over the raw bytes,
// parse the event, skip redeliveries of events already handled (eventId), run the typed handler, and answer
// 200 only once the handler succeeded (a 5xx makes Meld redeliver later). Bad signatures get 401, malformed
// events 400, oversized bodies 413.
//
// THE REGISTERED-URL PITFALL. Meld signs "<timestamp>.<url>.<body>" with the URL registered on the webhook
// profile, e.g. https://hooks.example.com/meld. Behind a TLS-terminating proxy, a load balancer, an ingress or
// ngrok, this server sees something else (http://10.0.0.7:8080/meld, another host, a rewritten path). Never
// rebuild the URL from the request (Host, X-Forwarded-*: attacker-controlled anyway): configure the exact
// registered string (scheme, host, port, path, trailing slash) — which is why MELD_WEBHOOK_URL is separate
// from the port and path this server listens on. A profile URL changed in the dashboard must be changed here.
#include <meld/webhook.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace wh = meld::webhooks;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// ---- your business logic: one typed handler per event family ----------------------------------------
// Throwing means "not handled": the delivery is answered 500 and Meld redelivers it later. Handlers must
// still be idempotent: dedupe is per process and Meld may redeliver after a crash between handling and 200.
struct app {
    std::atomic<int> handled{0};

    void on_event(wh::event const& ev)
    {
        ++handled;
        std::visit(overloaded{
                       [&](wh::transaction_payload const& p) {  // every TRANSACTION_CRYPTO_* / TRANSACTION_FIAT_*
                           std::cout << ev.type() << ": transaction " << p.paymentTransactionId.value_or("?")
                                     << " is " << (p.paymentTransactionStatus ? p.paymentTransactionStatus->str() : "?")
                                     << " (fetch GET /payments/transactions/{id} for the details)\n";
                       },
                       [&](wh::customer_kyc_status_change_payload const& p) {
                           std::cout << "KYC of " << p.customerId.value_or("?") << ": "
                                     << (p.status ? p.status->str() : "?");
                           if (auto const& r = p.recipient())
                               std::cout << ", recipient " << r->serviceProvider.value_or("?") << " "
                                         << (r->status ? r->status->str() : "?");
                           std::cout << "\n";
                       },
                       [&](wh::bank_linking_connection_status_change_payload const& p) {
                           std::cout << "connection " << p.connectionId.value_or("?") << " -> "
                                     << (p.newStatus ? p.newStatus->str() : "?") << "\n";
                       },
                       [&](wh::bank_linking_payload const& p) {  // the other bank-linking events
                           std::cout << ev.type() << " for connection " << p.connectionId.value_or("?") << "\n";
                       },
                       [&](wh::test_payload_fields const& p) {  // WEBHOOK_TEST and TEST
                           std::cout << ev.type() << " " << p.requestId.value_or("") << "\n";
                       },
                       [&](wh::unknown_payload const& p) {  // an event type newer than this build
                           std::cout << "unhandled event type " << ev.type() << ": " << p.json << "\n";
                       },
                   },
                   ev.payload);
    }
};

struct receiver {
    wh::verify_params verify;
    std::string path;
    wh::in_memory_dedupe_store dedupe{100000};
    app handlers;
};

http::response<http::string_body> make_response(unsigned status, std::string_view text, bool keep_alive)
{
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(text) + "\n";
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

http::response<http::string_body> handle(http::request<http::string_body> const& req, receiver& r)
{
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (target != r.path) return make_response(404, "not found", req.keep_alive());
    if (req.method() != http::verb::post) {
        auto res = make_response(405, "method not allowed", req.keep_alive());
        res.set(http::field::allow, "POST");
        return res;
    }
    // 1. authenticate the raw bytes, 2. parse, 3. claim the eventId.
    auto v = wh::accept_delivery(r.verify, &r.dedupe, std::string_view(req[wh::signature_header]),
                                 std::string_view(req[wh::signature_timestamp_header]), req.body());
    if (!v.must_handle()) {
        if (v.error) std::cerr << "rejected (" << v.status << "): " << v.error.message() << " " << v.detail << "\n";
        // Never echo why a signature failed to the sender; the log has it.
        return make_response(v.status, v.duplicate ? "duplicate" : "rejected", req.keep_alive());
    }
    // 4. handle, 5. mark done and answer 200 only on success.
    bool ok = true;
    try {
        r.handlers.on_event(v.ev);
    } catch (std::exception const& e) {
        std::cerr << "handler failed for " << v.ev.id() << ": " << e.what() << "\n";
        ok = false;
    }
    unsigned const status = wh::complete_delivery(&r.dedupe, v.ev, ok);
    return make_response(status, ok ? "ok" : "handler failed", req.keep_alive());
}

/// After refusing a request early (body too large), read and discard what the client is still sending for a
/// moment before closing, so that the client gets our answer instead of a connection reset.
asio::awaitable<void> lingering_close(beast::tcp_stream& stream)
{
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(1s);
    char sink[4096];
    for (std::size_t total = 0; total < (1u << 20);) {
        auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
        if (rec) break;
        total += n;
    }
    stream.socket().close(ec);
}

asio::awaitable<void> session(beast::tcp_stream stream, std::shared_ptr<receiver> r)
{
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(16 * 1024);
        parser.body_limit(r->verify.max_body_size);  // the raw body never grows past the limit in memory
        stream.expires_after(30s);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec == http::error::body_limit) {
            auto res = make_response(413, "payload too large", false);
            co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
            co_await lingering_close(stream);
            co_return;
        }
        if (ec) break;  // end_of_stream, timeout, bad request
        auto res = handle(parser.get(), *r);
        auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor acceptor, std::shared_ptr<receiver> r)
{
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) continue;
        asio::co_spawn(acceptor.get_executor(), session(beast::tcp_stream(std::move(socket)), r), asio::detached);
    }
}

// ---- --self-test: play Meld against our own server -------------------------------------------------------

asio::awaitable<unsigned> deliver(tcp::endpoint ep, std::string target, std::string body, std::string signature,
                                  std::string timestamp)
{
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(5s);
    co_await stream.async_connect(ep, asio::use_awaitable);
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "hooks.example.com");
    req.set(http::field::content_type, "application/json");
    if (!signature.empty()) req.set(wh::signature_header, signature);
    if (!timestamp.empty()) req.set(wh::signature_timestamp_header, timestamp);
    req.body() = std::move(body);
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));  // may be cut short by a 413
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    co_return res.result_int();
}

asio::awaitable<void> self_test(tcp::endpoint ep, std::shared_ptr<receiver> r, int& failures)
{
    auto expect = [&](char const* what, unsigned got, unsigned want) {
        std::cout << (got == want ? "ok   " : "FAIL ") << what << ": " << got << " (want " << want << ")\n";
        failures += got != want;
    };
    std::string const secret = r->verify.secrets.front();
    std::string const& url = r->verify.url;  // the registered URL, not http://127.0.0.1:<port>/...
    std::string const body =
        R"({"eventType":"TRANSACTION_CRYPTO_PENDING","eventId":"AAsuLXHXD3mS1cjNBuHHzv",)"
        R"("timestamp":"2022-02-24T16:36:41.717262Z","accountId":"WQ5RyhdFzE45qjsomdzQ1u","version":"2025-03-01",)"
        R"("payload":{"paymentTransactionId":"WePZCYJW7cdXR7SxUMp8mE","paymentTransactionStatus":"PENDING",)"
        R"("transactionType":"CRYPTO_PURCHASE"}})";
    auto const ts = wh::signature_timestamp();
    auto const sig = wh::sign(secret, url, ts, body);

    expect("signed delivery", co_await deliver(ep, r->path, body, sig, ts), 200);
    expect("redelivery (deduplicated)", co_await deliver(ep, r->path, body, sig, ts), 200);
    expect("handler ran once", static_cast<unsigned>(r->handlers.handled.load()), 1);
    expect("tampered body", co_await deliver(ep, r->path, body + " ", sig, ts), 401);
    expect("no signature", co_await deliver(ep, r->path, body, "", ts), 401);
    auto const local_url = "http://127.0.0.1:" + std::to_string(ep.port()) + r->path;
    expect("signed for the local URL instead of the registered one",
           co_await deliver(ep, r->path, body, wh::sign(secret, local_url, ts, body), ts), 401);
    auto const stale = wh::signature_timestamp(std::chrono::system_clock::now() - 10min);
    expect("stale timestamp", co_await deliver(ep, r->path, body, wh::sign(secret, url, stale, body), stale), 401);
    std::string const junk = R"({"eventId":"x"})";
    expect("authentic but malformed", co_await deliver(ep, r->path, junk, wh::sign(secret, url, ts, junk), ts), 400);
    std::string const big(r->verify.max_body_size + 1, ' ');
    expect("body too large", co_await deliver(ep, r->path, big, wh::sign(secret, url, ts, big), ts), 413);
    expect("wrong path", co_await deliver(ep, "/elsewhere", body, sig, ts), 404);
    std::string const unknown = R"({"eventType":"SOMETHING_NEW","eventId":"n1","payload":{"a":1}})";
    expect("unknown event type", co_await deliver(ep, r->path, unknown, wh::sign(secret, url, ts, unknown), ts), 200);
}

std::vector<std::string> split(std::string_view s)
{
    std::vector<std::string> out;
    while (!s.empty()) {
        auto const comma = s.find(',');
        if (auto const part = s.substr(0, comma); !part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

std::string path_of(std::string_view url)
{
    auto const scheme = url.find("://");
    auto const slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (slash == std::string_view::npos) return "/";
    auto path = url.substr(slash);
    return std::string(path.substr(0, path.find_first_of("?#")));
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        bool const self = argc > 1 && std::string_view(argv[1]) == "--self-test";
        auto env = [](char const* name, char const* fallback) {
            char const* v = std::getenv(name);
            return std::string(v && *v ? v : fallback);
        };
        auto r = std::make_shared<receiver>();
        r->verify.secrets = split(env("MELD_WEBHOOK_SECRETS", self ? "self-test-secret" : ""));
        r->verify.url = env("MELD_WEBHOOK_URL", self ? "https://hooks.example.com/meld/webhooks" : "");
        r->verify.max_body_size = 256 * 1024;  // Meld's events are small: ids and statuses
        r->path = env("MELD_WEBHOOK_PATH", path_of(r->verify.url).c_str());
        if (r->verify.secrets.empty() || r->verify.url.empty()) {
            std::cerr << "set MELD_WEBHOOK_SECRETS and MELD_WEBHOOK_URL (or run with --self-test)\n";
            return 2;
        }

        asio::io_context ioc;
        auto const port = static_cast<unsigned short>(!self && argc > 1 ? std::stoi(argv[1]) : 8080);
        tcp::endpoint const where = self ? tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)  // any free port
                                         : tcp::endpoint(tcp::v4(), port);
        tcp::acceptor acceptor(ioc, where);
        auto const ep = acceptor.local_endpoint();
        std::cout << "listening on " << ep << r->path << " for deliveries signed for " << r->verify.url << "\n";
        asio::co_spawn(ioc, listen(std::move(acceptor), r), asio::detached);

        int failures = 0;
        if (self) {
            asio::co_spawn(ioc, self_test(ep, r, failures), [&](std::exception_ptr e) {
                if (e) {
                    ++failures;
                    try {
                        std::rethrow_exception(e);
                    } catch (std::exception const& x) {
                        std::cerr << "self-test: " << x.what() << "\n";
                    }
                }
                ioc.stop();
            });
        }
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
        ioc.run();
        if (self) std::cout << (failures ? "self-test FAILED\n" : "self-test passed\n");
        return failures ? 1 : 0;
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
