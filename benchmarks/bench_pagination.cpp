// benchmarks/bench_pagination.cpp — walking a large paginated search with meld::item_generator, with and
// without prefetch: 100,000 seeded transactions, 100 per page, 2 ms of sandbox latency per page, and a
// consumer that spends ~2 ms per page (a timer wait after each page's last row). With prefetch, the request
// for page k+1 is in flight while page k is processed, so the time per page should approach
// max(network, work) instead of their sum; the network time is measured by a walk without consumer work.
//
// Processes: the sandbox runs in a child process (like a remote server: its seeded rows do not count), and
// every case runs its client in a fresh child process, so each peak RSS is that walk's own. A third case walks
// only the first 10% of the rows: equal peak RSS shows that memory does not grow with the rows walked.
//
//   bench_pagination [rows=100000] [latency_ms=2] [work_ms=2]
//
// Build with optimisation (cmake --preset release) for meaningful figures.
#include <meld/meld.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;

namespace {

struct endpoint_info {
    unsigned short port = 0;
    std::string certificate_pem;
};

struct walk_result {
    std::size_t rows = 0;
    std::size_t pages = 0;
    double seconds = 0;
    bool ok = false;
};

bool write_all(int fd, void const* data, std::size_t n)
{
    auto const* p = static_cast<char const*>(data);
    while (n > 0) {
        auto const w = ::write(fd, p, n);
        if (w <= 0)
            return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool read_all(int fd, void* data, std::size_t n)
{
    auto* p = static_cast<char*>(data);
    while (n > 0) {
        auto const r = ::read(fd, p, n);
        if (r <= 0)
            return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

/// Child process: seeds and runs the sandbox until SIGTERM. Sends (seconds to seed, port, PEM) on `fd`.
[[noreturn]] void run_sandbox(int fd, std::size_t rows, std::chrono::milliseconds latency)
{
    auto const t0 = std::chrono::steady_clock::now();
    asio::io_context ioc;
    meld::emulator::server_params sp;
    sp.latency = latency;
    sp.seed.payment_transactions = rows;
    sp.record_requests = false;
    meld::emulator::server srv{ioc.get_executor(), sp};
    srv.start();
    double const seeded = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto const port = srv.port();
    auto const pem = srv.certificate_pem();
    std::size_t const pem_size = pem.size();
    bool const sent = write_all(fd, &seeded, sizeof seeded) && write_all(fd, &port, sizeof port) &&
                      write_all(fd, &pem_size, sizeof pem_size) && write_all(fd, pem.data(), pem.size());
    ::close(fd);
    if (!sent)
        std::_Exit(1);
    asio::signal_set stop{ioc, SIGTERM};
    stop.async_wait([&](boost::system::error_code, int) { srv.stop(); ioc.stop(); });
    ioc.run();
    std::_Exit(0);
}

/// Client side of one case, in the current (child) process.
walk_result walk(endpoint_info const& sandbox, bool prefetch, std::size_t max_items, std::chrono::milliseconds work)
{
    asio::io_context ioc;
    meld::client_params cp;
    cp.api_key = meld::emulator::default_api_key;
    cp.base_url = "https://localhost:" + std::to_string(sandbox.port);
    cp.tls.ca_pem = sandbox.certificate_pem;
    meld::client meld{ioc.get_executor(), cp};

    auto const t0 = std::chrono::steady_clock::now();
    auto fut = asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<walk_result> {
            walk_result r;
            meld::payments::transactions_search_request const req{};
            meld::page_params params{.limit = 100, .prefetch = prefetch};
            if (max_items)
                params.max_items = max_items;
            auto rows = meld.payments.transactions.search.items(req, params);
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
    auto r = fut.get();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.ok = true;
    return r;
}

struct case_usage {
    long peak_rss_kib = 0;
    double cpu_seconds = 0;  ///< user + system
};

/// Runs one case in a child process; returns its result and resource usage.
std::pair<walk_result, case_usage> run_case(endpoint_info const& sandbox, bool prefetch, std::size_t max_items,
                                      std::chrono::milliseconds work)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    pid_t const pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return {};
    }
    if (pid == 0) {
        ::close(fds[0]);
        walk_result r;
        try {
            r = walk(sandbox, prefetch, max_items, work);
        } catch (std::exception const& e) {
            std::fprintf(stderr, "walk failed: %s\n", e.what());
        }
        write_all(fds[1], &r, sizeof r);
        std::_Exit(r.ok ? 0 : 1);
    }
    ::close(fds[1]);
    walk_result r;
    if (!read_all(fds[0], &r, sizeof r))
        r.ok = false;
    ::close(fds[0]);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    auto const secs = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {r, {usage.ru_maxrss, secs(usage.ru_utime) + secs(usage.ru_stime)}};
}

}  // namespace

int main(int argc, char** argv)
{
    std::size_t const rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    auto const latency = std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 2);
    auto const work = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 2);

    int fds[2];
    if (::pipe(fds) != 0)
        return 1;
    pid_t const sandbox_pid = ::fork();
    if (sandbox_pid < 0) {
        std::perror("fork");
        return 1;
    }
    if (sandbox_pid == 0) {
        ::close(fds[0]);
        run_sandbox(fds[1], rows, latency);
    }
    ::close(fds[1]);
    double seeded = 0;
    endpoint_info sandbox;
    std::size_t pem_size = 0;
    bool const up = read_all(fds[0], &seeded, sizeof seeded) && read_all(fds[0], &sandbox.port, sizeof sandbox.port) &&
                    read_all(fds[0], &pem_size, sizeof pem_size) && pem_size < (1u << 20) &&
                    (sandbox.certificate_pem.resize(pem_size), read_all(fds[0], sandbox.certificate_pem.data(), pem_size));
    ::close(fds[0]);
    if (!up) {
        std::fprintf(stderr, "the sandbox did not start\n");
        return 1;
    }
    std::printf("sandbox (own process): %zu rows seeded in %.2f s; %lld ms latency per page; consumer %lld ms per "
                "page; 100 rows per page\n",
                rows, seeded, static_cast<long long>(latency.count()), static_cast<long long>(work.count()));

    struct case_def {
        char const* name;
        bool prefetch;
        std::size_t max_items;
        bool consumer_works = true;  // false: no consumer work, the walk's wall time is the network time
    };
    case_def const cases[] = {{"network only (no work)", false, 0, false},
                              {"prefetch off", false, 0},
                              {"prefetch on", true, 0},
                              {"prefetch off, 10% of rows", false, rows / 10}};
    int rc = 0;
    double off_seconds = 0, on_seconds = 0, network_seconds = 0;
    for (auto const& c : cases) {
        auto const [r, usage] =
            run_case(sandbox, c.prefetch, c.max_items, c.consumer_works ? work : std::chrono::milliseconds{0});
        auto const expected = c.max_items ? c.max_items : rows;
        if (!r.ok || r.rows != expected) {
            std::fprintf(stderr, "%s: walked %zu rows, expected %zu\n", c.name, r.rows, expected);
            rc = 1;
            continue;
        }
        auto const pages = static_cast<double>(r.pages);
        std::printf("%-26s %7zu rows %5zu pages  wall %7.3f s  %6.1f pages/s  %5.2f ms/page  client CPU %5.2f ms/page"
                    "  client peak RSS %6ld KiB\n",
                    c.name, r.rows, r.pages, r.seconds, pages / r.seconds, 1000 * r.seconds / pages,
                    1000 * usage.cpu_seconds / pages, usage.peak_rss_kib);
        if (!c.max_items)
            (!c.consumer_works ? network_seconds : c.prefetch ? on_seconds : off_seconds) = r.seconds;
    }
    if (off_seconds > 0 && on_seconds > 0 && network_seconds > 0) {
        // network time: the walk without consumer work (latency, the sandbox, TLS, transfer, decoding);
        // consumer time: pages x work. With prefetch the goal is wall <= 1.1 x the larger of the two.
        auto const pages = static_cast<double>((rows + 99) / 100);
        double const consumer_seconds = pages * static_cast<double>(work.count()) / 1000;
        double const bound = std::max(network_seconds, consumer_seconds);
        std::printf("prefetch speed-up %.2fx; network time %.3f s, consumer time %.3f s; prefetch on / max(network, "
                    "consumer) = %.2fx (goal <= 1.10: %s); without prefetch the sum, %.3f s, is the floor\n",
                    off_seconds / on_seconds, network_seconds, consumer_seconds, on_seconds / bound,
                    on_seconds <= 1.1 * bound ? "met" : "NOT MET", network_seconds + consumer_seconds);
    }

    ::kill(sandbox_pid, SIGTERM);
    ::waitpid(sandbox_pid, nullptr, 0);
    return rc;
}
