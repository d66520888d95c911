// benchmarks/bench_pagination.cpp — walking a large paginated search with meld::item_generator, with and
// without prefetch: 100,000 seeded transactions, 100 per page, 2 ms of sandbox latency per page, and a
// consumer that spends ~2 ms per page (a timer wait after each page's last row). With prefetch, the request
// for page k+1 is in flight while page k is processed, so the wall time should approach max(latency, work)
// per page instead of their sum. Prints wall time, pages/s and the process's peak RSS after each case (the
// sandbox runs in the same process: seeding 100,000 rows dominates the RSS; compare the growth per case).
//
//   bench_pagination [rows=100000] [latency_ms=2] [work_ms=2]
//
// Build with optimisation (cmake --preset release) for meaningful figures: the sandbox's per-page cost counts.
#include <meld/meld.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace asio = boost::asio;

namespace {

long peak_rss_kib()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

struct result {
    std::size_t rows = 0;
    std::size_t pages = 0;
    double seconds = 0;
};

result walk(meld::client& meld, asio::io_context& ioc, bool prefetch, std::chrono::microseconds work)
{
    auto const t0 = std::chrono::steady_clock::now();
    auto fut = asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<result> {
            result r;
            meld::payments::transactions_search_request const req{};
            auto rows = meld.payments.transactions.search.items(req, {.limit = 100, .prefetch = prefetch});
            asio::steady_timer t{co_await asio::this_coro::executor};
            while (auto row = co_await rows.next()) {
                if (++r.rows % 100 == 0) {  // the consumer's work per page
                    t.expires_after(work);
                    co_await t.async_wait(asio::use_awaitable);
                }
            }
            r.pages = rows.pages_received();
            co_return r;
        },
        asio::use_future);
    ioc.run();
    ioc.restart();
    auto r = fut.get();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    std::size_t const rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    auto const latency = std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 2);
    auto const work = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 2);

    auto const s0 = std::chrono::steady_clock::now();
    asio::io_context server_ioc;
    auto guard = asio::make_work_guard(server_ioc);
    meld::emulator::server_params sp;
    sp.tls = true;
    sp.latency = latency;
    sp.seed.payment_transactions = rows;
    sp.record_requests = false;
    meld::emulator::server srv{server_ioc.get_executor(), sp};
    srv.start();
    std::thread server_thread{[&] { server_ioc.run(); }};
    std::printf("seeded %zu rows in %.2f s; latency %lld ms/page, consumer work %lld ms/page, 100 rows/page; "
                "RSS after seeding %ld KiB\n",
                rows, std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count(),
                static_cast<long long>(latency.count()), static_cast<long long>(work.count()), peak_rss_kib());

    asio::io_context ioc;
    meld::client_params cp;
    cp.api_key = srv.params().api_key;
    cp.base_url = srv.base_url();
    cp.tls.ca_pem = srv.certificate_pem();
    meld::client meld{ioc.get_executor(), cp};

    int rc = 0;
    for (bool const prefetch : {false, true}) {
        auto const r = walk(meld, ioc, prefetch, work);
        std::printf("prefetch %-3s: %zu rows, %zu pages in %.3f s = %.1f pages/s; peak RSS %ld KiB\n",
                    prefetch ? "on" : "off", r.rows, r.pages, r.seconds, static_cast<double>(r.pages) / r.seconds,
                    peak_rss_kib());
        if (r.rows != rows)
            rc = 1;
    }

    srv.stop();
    guard.reset();
    server_ioc.stop();
    server_thread.join();
    return rc;
}
