// meld/sandbox/server.hpp — the local Meld sandbox emulator (HTTPS or HTTP over real sockets).
//
// The server answers with JSON *text* fixtures copied from Meld's documentation (sandbox/fixtures/*.json,
// embedded verbatim at build time). It never uses the SDK's models or JSON encoder, so a wrong field name
// on the client side is not mirrored by the emulator.
//
//   boost::asio::io_context ioc;
//   meld::emulator::server srv{ioc.get_executor()};          // TLS, ephemeral port, default sandbox key
//   srv.start();                                             // bound and listening: srv.port() is known
//   std::thread t{[&] { ioc.run(); }};
//   ... client trusts srv.certificate_pem() and talks to srv.base_url() ...
//   srv.stop(); t.join();
//
// Namespace: meld::emulator (meld::sandbox is the SDK's constant for Meld's hosted sandbox URL).
//
// Every member function is thread-safe: the server may run on another thread (or io_context) than the
// caller.
#ifndef MELD_SANDBOX_SERVER_HPP
#define MELD_SANDBOX_SERVER_HPP

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::emulator {

/// The sandbox's default API key (the example key of Meld's quickstart). Sent as `Authorization: BASIC <key>`.
inline constexpr char const* default_api_key = "W9kZTT7332okCEc1A9aqAq:3sYKoXQv6oHVHSts7G2agw9vTCXz";

/// Sizes of the seeded, deterministic data sets behind the paginated searches (same rows, ids and keys on every
/// start). The documented example rows come first and are always there, so a size below their number keeps them.
struct seed_sizes {
    std::size_t payment_transactions = 25;  ///< GET /payments/transactions; GET /activity-log has one entry each
    std::size_t customers = 3;              ///< GET /accounts/customers
    std::size_t webhook_profiles = 0;       ///< GET /notifications/webhooks (seeded profiles are DISABLED)
    std::size_t connections = 3;            ///< GET /bank-linking/connections
    std::size_t accounts = 2;               ///< GET /bank-linking/accounts (on the seeded ACTIVE connection)
    std::size_t bank_transactions = 180;    ///< GET /bank-linking/transactions: 5/6 checking, 1/6 brokerage
    std::size_t investment_holdings = 2;    ///< GET /bank-linking/investments/holdings
    std::size_t investment_transactions = 2;  ///< GET /bank-linking/investments/transactions
    std::size_t institutions = 12;          ///< GET /institutions

    /// Every collection with `n` rows.
    static seed_sizes uniform(std::size_t n) noexcept {
        return {n, n, n, n, n, n, n, n, n};
    }
};

struct server_params {
    std::string api_key = default_api_key;       ///< accepted in `Authorization: BASIC <key>` (exactly)
    bool tls = true;                             ///< false: plain HTTP
    std::string bind_address = "127.0.0.1";
    unsigned short port = 0;                     ///< 0: ephemeral
    std::string certificate_host = "localhost";  ///< the only subjectAltName of the generated certificate
    std::chrono::milliseconds latency{0};        ///< added before every answer
    seed_sizes seed{};                           ///< seeded rows per paginated search
    bool record_requests = true;                 ///< false: requests() stays empty (long benchmarks)
    /// Meld's documented `X-Idempotency-Key` behaviour (any method and route, keys scoped per `Authorization`
    /// value): the first request with a key is handled and its answer stored; a later one with the same key
    /// gets that answer replayed (status, content type, body, headers) without running the handler again; one
    /// arriving while the first is still being handled (e.g. within `latency`) gets 425 `TOO_EARLY`. Scripted
    /// answers are neither stored nor replayed. The key is not compared against the body (assumed). At most
    /// 10,000 answers are kept (oldest forgotten first). false: the header is ignored, every request is handled.
    bool idempotency = true;

    // ---- webhook deliveries (off by default; see "Webhooks" in sandbox/README.md) ----
    /// Non-empty: every simulated state change is POSTed there as a signed event (profileId null). The
    /// signature covers this exact string ("<timestamp>.<webhook_url>.<body>").
    std::string webhook_url{};
    std::string webhook_secret{};  ///< HMAC key for webhook_url (empty: deliveries are not signed)
    /// true: also deliver to the profiles created with POST /notifications/webhooks (their url and secret,
    /// filtered by their eventTypes), and POST /notifications/webhooks/{id}/test sends WEBHOOK_TEST.
    bool webhook_profiles = false;
    std::chrono::milliseconds webhook_step{1000};          ///< delay between simulated state changes
    std::chrono::milliseconds webhook_retry_initial{1000};  ///< first redelivery delay (doubles, capped at 60 s)
    int webhook_max_attempts = 5;                          ///< deliveries per event and target, first included
    std::string webhook_ca_pem{};  ///< trusted CA(s) for https targets (empty: the system's default paths)
};

/// A canned answer for one (method, path), for fault injection in client tests.
struct scripted_response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body{};
    std::vector<std::pair<std::string, std::string>> headers{};
    std::chrono::milliseconds delay{0};
    bool close_after = false;          ///< close the connection (TCP) right after answering
    bool stall = false;                ///< read the request, never answer (until the client gives up)
    std::optional<std::string> raw{};  ///< send these bytes verbatim instead of an HTTP response, then close
    /// With `raw`: write the bytes one at a time, pausing this long between two bytes (a server that trickles),
    /// then close (or hold, see hold_open). 0: all at once. server::stop() interrupts the trickle promptly.
    std::chrono::milliseconds raw_interval{0};
    /// With `raw`: after the bytes, keep the connection open instead of closing it, reading and discarding what
    /// the client sends, until the client closes it or the server stops (a server that sends the headers, then
    /// goes silent). No idle timeout applies.
    bool hold_open = false;
};

struct recorded_request {
    std::string method{};
    std::string target{};
    std::string body{};
    std::vector<std::pair<std::string, std::string>> headers{};
    /// When the request was fully read (steady clock, before latency/scripts): orders requests against the
    /// client's own events, e.g. to show that a prefetch was sent while the previous page was processed.
    std::chrono::steady_clock::time_point received_at{};

    /// Value of the first header called `name` (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
};

class server {
public:
    /// Generates the certificate (when params.tls) but does not bind yet.
    explicit server(boost::asio::any_io_executor ex, server_params params = {});
    ~server();  ///< stops
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// Binds and listens (port() is known on return), then accepts asynchronously on the executor.
    /// Throws boost::system::system_error when the address cannot be bound.
    void start();
    /// Closes the listener and every open connection. Idempotent; safe from any thread.
    void stop();

    unsigned short port() const;
    /// "https://localhost:<port>" with TLS, "http://<bind address>:<port>" without.
    std::string base_url() const;
    /// PEM of the self-signed certificate (EC P-256, SAN = certificate_host, CA:TRUE). Empty without TLS.
    std::string const& certificate_pem() const;
    server_params const& params() const;

    /// Answer requests for (method, path) with `r`, `times` times (-1: forever). `path` has no query string.
    /// Scripts are consulted before authentication and routing; several scripts for the same route are
    /// used in the order they were added.
    void script(std::string method, std::string path, scripted_response r, int times = -1);
    void clear_scripts();

    std::vector<recorded_request> requests() const;  ///< everything received so far (copy)
    void clear_requests();
    std::size_t connections_accepted() const;
    std::size_t requests_served() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

/// Accepts TCP connections and never writes or reads: a TLS handshake (or an HTTP exchange) against it
/// hangs until the client gives up. For connect/handshake-timeout tests.
class silent_listener {
public:
    explicit silent_listener(boost::asio::any_io_executor ex, std::string bind_address = "127.0.0.1");
    ~silent_listener();  ///< stops
    silent_listener(silent_listener const&) = delete;
    silent_listener& operator=(silent_listener const&) = delete;

    unsigned short port() const;
    std::size_t connections_accepted() const;
    void stop();  ///< closes the listener and every held connection

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace meld::emulator

#endif
