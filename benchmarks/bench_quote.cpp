// benchmarks/bench_quote.cpp — quote round trips per second over keep-alive TLS against the local sandbox:
// meld::client next to a minimal hand-written Beast client sending the identical request, in the same run,
// with 1 and 64 calls in flight. Prints round trips/s, the ratio meld/raw, and heap allocations per round
// trip made on the client thread (the sandbox runs on its own thread and is not counted).
//
//   bench_quote [round_trips_per_case=4000]
#include <meld/client.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

// ---- allocation counting (client thread only) ------------------------------------------------------
namespace {
thread_local bool count_allocations = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t n)
{
    if (count_allocations)
        ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

struct result {
    double seconds = 0;
    std::size_t round_trips = 0;
    std::size_t allocations = 0;
    std::size_t failures = 0;
};

constexpr char const* quote_body =
    R"({"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"})";

// ---- meld::client ----------------------------------------------------------------------------------
result run_meld(meld::client_params params, std::size_t total, std::size_t in_flight)
{
    asio::io_context ioc;
    params.pool_size = in_flight;
    meld::client meld{ioc.get_executor(), params};
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    result r;
    auto worker = [&](std::size_t n) -> asio::awaitable<void> {
        for (std::size_t i = 0; i < n; ++i) {
            auto [ec, quotes] = co_await meld.crypto.quote(req, asio::as_tuple(asio::use_awaitable));
            if (ec || !quotes.quotes || quotes.quotes->empty())
                ++r.failures;
        }
    };
    // warm-up: open every connection once (not measured)
    for (std::size_t w = 0; w < in_flight; ++w)
        asio::co_spawn(ioc, worker(1), asio::detached);
    ioc.run();
    ioc.restart();
    r.failures = 0;

    auto const start = clock_type::now();
    count_allocations = true;
    allocations = 0;
    for (std::size_t w = 0; w < in_flight; ++w)
        asio::co_spawn(ioc, worker(total / in_flight), asio::detached);
    ioc.run();
    count_allocations = false;
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.round_trips = (total / in_flight) * in_flight;
    r.allocations = allocations;
    return r;
}

// ---- the raw Beast baseline: one keep-alive TLS stream per worker, same request bytes --------------
result run_raw(meld::client_params const& params, unsigned short port, std::size_t total, std::size_t in_flight)
{
    asio::io_context ioc;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    ctx.add_certificate_authority(asio::buffer(params.tls.ca_pem));
    ctx.set_verify_mode(asio::ssl::verify_peer);
    asio::ip::tcp::resolver resolver(ioc);
    auto const endpoints = resolver.resolve("localhost", std::to_string(port));
    result r;
    std::vector<std::unique_ptr<beast::ssl_stream<beast::tcp_stream>>> streams;
    for (std::size_t w = 0; w < in_flight; ++w) {
        auto s = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
        SSL_ctrl(s->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>("localhost"));
        s->set_verify_callback(asio::ssl::host_name_verification("localhost"));
        beast::get_lowest_layer(*s).connect(endpoints);
        s->handshake(asio::ssl::stream_base::client);
        streams.push_back(std::move(s));
    }
    std::string const authorization = "BASIC " + params.api_key;
    std::string const host = "localhost:" + std::to_string(port);
    auto worker = [&](beast::ssl_stream<beast::tcp_stream>& s, std::size_t n) -> asio::awaitable<void> {
        beast::flat_buffer buffer;
        for (std::size_t i = 0; i < n; ++i) {
            http::request<http::string_body> req{http::verb::post, "/payments/crypto/quote", 11};
            req.set(http::field::host, host);
            req.set(http::field::user_agent, "raw-beast");
            req.set(http::field::accept, "application/json");
            req.set(http::field::authorization, authorization);
            req.set("Meld-Version", meld::models_version);
            req.set(http::field::content_type, "application/json");
            req.body() = quote_body;
            req.prepare_payload();
            co_await http::async_write(s, req, asio::use_awaitable);
            http::response<http::string_body> res;
            co_await http::async_read(s, buffer, res, asio::use_awaitable);
            if (res.result() != http::status::ok)
                ++r.failures;
        }
    };
    auto const start = clock_type::now();
    count_allocations = true;
    allocations = 0;
    for (auto& s : streams)
        asio::co_spawn(ioc, worker(*s, total / in_flight), asio::detached);
    ioc.run();
    count_allocations = false;
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.round_trips = (total / in_flight) * in_flight;
    r.allocations = allocations;
    return r;
}

void print(char const* name, std::size_t in_flight, result const& r)
{
    std::printf("%-10s %9zu %12zu %10.3f %14.0f %16.1f %9zu\n", name, in_flight, r.round_trips, r.seconds,
                double(r.round_trips) / r.seconds, double(r.allocations) / double(r.round_trips), r.failures);
}

}  // namespace

int main(int argc, char** argv)
{
    std::size_t const total = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4000;

    asio::io_context server_ioc;
    auto work = asio::make_work_guard(server_ioc);
    meld::emulator::server sandbox{server_ioc.get_executor(), {.record_requests = false}};
    sandbox.start();
    std::thread server_thread([&] { server_ioc.run(); });

    meld::client_params params;
    params.api_key = sandbox.params().api_key;
    params.base_url = sandbox.base_url();
    params.tls.ca_pem = sandbox.certificate_pem();

    std::printf("quote round trips over keep-alive TLS against the local sandbox (%zu per case)\n", total);
    std::printf("%-10s %9s %12s %10s %14s %16s %9s\n", "client", "in-flight", "round-trips", "seconds",
                "round-trips/s", "allocs/round-trip", "failures");
    int rc = 0;
    for (std::size_t in_flight : {std::size_t{1}, std::size_t{64}}) {
        auto const raw = run_raw(params, sandbox.port(), total, in_flight);
        auto const m = run_meld(params, total, in_flight);
        print("raw-beast", in_flight, raw);
        print("meld", in_flight, m);
        std::printf("ratio meld/raw-beast at %zu in flight: %.2f (throughput), %.2f (allocations)\n", in_flight,
                    (double(m.round_trips) / m.seconds) / (double(raw.round_trips) / raw.seconds),
                    (double(m.allocations) / double(m.round_trips)) / (double(raw.allocations) / double(raw.round_trips)));
        if (raw.failures + m.failures != 0)
            rc = 1;
    }
    sandbox.stop();
    work.reset();
    server_thread.join();
    return rc;
}
