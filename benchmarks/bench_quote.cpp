// benchmarks/bench_quote.cpp — quote round trips against nginx (a server we did not write), side by side in one
// run: meld::client, a minimal hand-written Beast coroutine client and libcurl multi + nlohmann::json, over
// keep-alive connections, 1 and 64 calls in flight, https and plain http. Every client reads the 3 quotes'
// serviceProvider and destinationAmount. Per case: calls/s (wall), client CPU µs/call (getrusage user+sys),
// heap allocations/call on this thread (operator new; and every C malloc/calloc/realloc, OpenSSL's and curl's
// included), connections opened, failures (transport error, non-200, decode error, not 3 quotes). R rounds,
// min–max, then ratios from the same run. scripts/bench.sh starts nginx and passes the ports; by hand:
//   bench_quote --https-port P --http-port Q --ca cert.pem [--host 127.0.0.1] [--calls 20000] [--repeat 3]
//               [--wrk-https-1 X] [--wrk-https-64 X] [--wrk-http-1 X] [--wrk-http-64 X]
// (wrk req/s: best of bench.sh's wrk runs.) Exit status: 1 when any call failed, 2 for bad arguments.
#include <meld/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#if MELD_BENCH_WITH_CURL
#include <curl/curl.h>
#include <nlohmann/json.hpp>
#endif

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// ---- allocation counting, this thread only (Asio's resolver thread and curl's are not counted) -------
namespace {
thread_local bool counting = false;
thread_local std::size_t news = 0;     // operator new
thread_local std::size_t mallocs = 0;  // malloc + calloc + realloc: operator new's too, OpenSSL's, curl's
}  // namespace

extern "C" {
void* __libc_malloc(std::size_t);  // glibc's own entry points: these wrappers interpose malloc & co
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t n) noexcept { return mallocs += counting, __libc_malloc(n); }
void* calloc(std::size_t n, std::size_t size) noexcept { return mallocs += counting, __libc_calloc(n, size); }
void* realloc(void* p, std::size_t n) noexcept { return mallocs += counting, __libc_realloc(p, n); }
void free(void* p) noexcept { __libc_free(p); }
}

void* operator new(std::size_t n)
{
    news += counting;
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
constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

// The body meld::client serializes for the request below (tests/integration/test_transport.cpp checks it).
constexpr std::string_view quote_body =
    R"({"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"})";
constexpr std::string_view target_path = "/payments/crypto/quote";
constexpr char const* api_key = "bench-key";  // nginx ignores it; sent as meld sends it
double volatile sink = 0;                     // what the clients read from the quotes goes here

struct config {
    std::string host = "127.0.0.1";
    std::uint16_t https_port = 0, http_port = 0;
    std::string ca;
    std::size_t calls = 20000, repeat = 3;
    double wrk[2][2] = {};  // [tls][in_flight == 64] req/s, 0: not given
};

struct target {
    bool tls;
    std::uint16_t port;
    std::string url() const { return (tls ? "https://localhost:" : "http://localhost:") + std::to_string(port); }
};

struct sample {
    double seconds = 0, cpu_us = 0;
    std::size_t calls = 0, failures = 0, news = 0, mallocs = 0, connections = 0;
    double rate() const { return double(calls) / seconds; }
};

double cpu_seconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/// Warm-up (connections opened, not measured), then `batch(c.calls)` under the meters; the caller adds its
/// own failure and connection counts.
template <class Batch>
sample measure(config const& c, std::size_t in_flight, Batch&& batch)
{
    batch(std::max(in_flight * 4, c.calls / 10));
    sample r{.calls = c.calls};
    double const cpu0 = cpu_seconds();
    auto const t0 = clock_type::now();
    news = mallocs = 0;
    counting = true;
    batch(c.calls);
    counting = false;
    r.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    r.cpu_us = (cpu_seconds() - cpu0) * 1e6 / double(c.calls);
    r.news = news, r.mallocs = mallocs;
    return r;
}

/// `n` calls made by `in_flight` coroutines from `worker()` on `ioc`.
template <class Worker>
auto coroutine_batch(asio::io_context& ioc, std::size_t& remaining, std::size_t in_flight, Worker worker)
{
    return [&ioc, &remaining, in_flight, worker](std::size_t n) {
        remaining = n;
        for (std::size_t w = 0; w < in_flight; ++w)
            asio::co_spawn(ioc, worker(w), asio::detached);
        ioc.run();
        ioc.restart();
    };
}

// ---- a. meld::client -----------------------------------------------------------------------------------
sample run_meld(config const& c, target t, std::size_t in_flight)
{
    asio::io_context ioc{1};
    meld::client meld{ioc.get_executor(),
                      {.api_key = api_key, .base_url = t.url(), .tls = {.ca_file = c.ca}, .pool_size = in_flight}};
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    std::size_t remaining = 0, failures = 0;
    auto worker = [&](std::size_t) -> asio::awaitable<void> {
        while (remaining > 0) {
            --remaining;
            auto [ec, res] = co_await meld.crypto.quote(req, tuple);
            bool ok = !ec && res.quotes && res.quotes->size() == 3;
            for (std::size_t i = 0; ok && i < 3; ++i)
                if ((ok = (*res.quotes)[i].serviceProvider && (*res.quotes)[i].destinationAmount))
                    sink = sink + (*res.quotes)[i].destinationAmount->to_double() +
                           double((*res.quotes)[i].serviceProvider->str().size());
            failures += !ok;
        }
    };
    auto r = measure(c, in_flight, coroutine_batch(ioc, remaining, in_flight, std::ref(worker)));
    r.failures = failures, r.connections = meld.connections_opened();  // warm-up included, as for every client
    return r;
}

// ---- b. raw Beast: one keep-alive stream per worker, the request meld sends, boost::json::parse ----------
bool read_quotes(boost::json::value const& jv)
{
    auto const* quotes = jv.is_object() ? jv.get_object().if_contains("quotes") : nullptr;
    if (!quotes || !quotes->is_array() || quotes->get_array().size() != 3)
        return false;
    for (auto const& q : quotes->get_array()) {
        auto const* sp = q.is_object() ? q.get_object().if_contains("serviceProvider") : nullptr;
        auto const* amount = q.is_object() ? q.get_object().if_contains("destinationAmount") : nullptr;
        if (!sp || !sp->is_string() || !amount || !amount->is_number())
            return false;
        boost::system::error_code ec;
        std::string_view const provider = sp->get_string();
        sink = sink + amount->to_number<double>(ec) + double(provider.size());
    }
    return true;
}

struct raw_env {
    asio::ssl::context ssl{asio::ssl::context::tls_client};
    asio::ip::tcp::resolver::results_type endpoints;
    std::string host, authorization = std::string("BASIC ") + api_key;
    std::size_t remaining = 0, failures = 0, connections = 0;
};

/// Connects `s` (TCP, then the TLS handshake verifying "localhost"); false on failure.
template <class Stream>
asio::awaitable<bool> raw_connect(raw_env& e, std::unique_ptr<Stream>& s)
{
    ++e.connections;
    auto ex = co_await asio::this_coro::executor;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        s = std::make_unique<Stream>(ex);
        auto [ec, ep] = co_await s->async_connect(e.endpoints, tuple);
        co_return !ec;
    } else {
        s = std::make_unique<Stream>(ex, e.ssl);
        SSL_ctrl(s->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>("localhost"));
        s->set_verify_callback(asio::ssl::host_name_verification("localhost"));
        auto [ec, ep] = co_await beast::get_lowest_layer(*s).async_connect(e.endpoints, tuple);
        if (ec)
            co_return false;
        auto [hec] = co_await s->async_handshake(asio::ssl::stream_base::client, tuple);
        co_return !hec;
    }
}

template <class Stream>
asio::awaitable<void> raw_worker(raw_env& e, std::unique_ptr<Stream>& s)
{
    beast::flat_buffer buffer;
    while (e.remaining > 0) {
        --e.remaining;
        if (!s) {
            buffer.clear();
            if (bool const connected = co_await raw_connect(e, s); !connected) {
                ++e.failures, s.reset();
                continue;
            }
        }
        http::request<http::string_body> req{http::verb::post, target_path, 11};
        req.set(http::field::host, e.host);
        req.set(http::field::user_agent, "raw-beast/" BOOST_LIB_VERSION);
        req.set(http::field::accept, "application/json");
        req.set(http::field::authorization, e.authorization);
        req.set("Meld-Version", meld::models_version);
        req.set(http::field::content_type, "application/json");
        req.body() = quote_body;
        req.prepare_payload();
        auto [wec, wn] = co_await http::async_write(*s, req, tuple);
        http::response<http::string_body> res;
        if (!wec) {
            auto [rec, rn] = co_await http::async_read(*s, buffer, res, tuple);
            wec = rec;
        }
        boost::system::error_code jec;
        bool const ok = !wec && res.result() == http::status::ok && read_quotes(boost::json::parse(res.body(), jec));
        e.failures += !ok;
        if (wec || !res.keep_alive())
            s.reset();  // reconnect for the next call
    }
}

template <class Stream>
sample run_raw_on(config const& c, target t, std::size_t in_flight)
{
    asio::io_context ioc{1};
    raw_env e;
    e.ssl.load_verify_file(c.ca);
    e.ssl.set_verify_mode(asio::ssl::verify_peer);
    e.endpoints = asio::ip::tcp::resolver(ioc).resolve(c.host, std::to_string(t.port));
    e.host = "localhost:" + std::to_string(t.port);
    std::vector<std::unique_ptr<Stream>> streams(in_flight);  // kept from warm-up to the measured calls
    auto worker = [&](std::size_t w) { return raw_worker(e, streams[w]); };
    auto r = measure(c, in_flight, coroutine_batch(ioc, e.remaining, in_flight, worker));
    r.failures = e.failures, r.connections = e.connections;
    return r;
}

sample run_raw(config const& c, target t, std::size_t in_flight)
{
    return t.tls ? run_raw_on<beast::ssl_stream<beast::tcp_stream>>(c, t, in_flight)
                 : run_raw_on<beast::tcp_stream>(c, t, in_flight);
}

// ---- c. libcurl multi + nlohmann::json: one easy handle per in-flight call, re-added when it completes ---
#if MELD_BENCH_WITH_CURL
std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out)
{
    return static_cast<std::string*>(out)->append(data, size * n), size * n;
}

bool read_quotes(std::string const& body)
{
    auto const j = nlohmann::json::parse(body, nullptr, false);  // discarded (not an exception) when invalid
    auto const quotes = j.is_object() ? j.find("quotes") : j.end();
    if (quotes == j.end() || !quotes->is_array() || quotes->size() != 3)
        return false;
    for (auto const& q : *quotes) {
        auto const sp = q.is_object() ? q.find("serviceProvider") : q.end();
        auto const amount = q.is_object() ? q.find("destinationAmount") : q.end();
        if (sp == q.end() || !sp->is_string() || amount == q.end() || !amount->is_number())
            return false;
        sink = sink + amount->get<double>() + double(sp->get_ref<std::string const&>().size());
    }
    return true;
}

sample run_curl(config const& c, target t, std::size_t in_flight)
{
    struct slot { CURL* easy; std::string body; };
    std::string const url = t.url() + std::string(target_path);
    std::string const resolve = "localhost:" + std::to_string(t.port) + ":" + c.host;
    std::string const auth = std::string("Authorization: BASIC ") + api_key;
    std::string const version = std::string("Meld-Version: ") + meld::models_version;
    curl_slist* headers = nullptr;
    for (char const* h : {"Accept: application/json", auth.c_str(), version.c_str(), "Content-Type: application/json"})
        headers = curl_slist_append(headers, h);
    curl_slist* resolves = curl_slist_append(nullptr, resolve.c_str());
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, long(in_flight));  // keep them all, also between batches
    std::vector<slot> slots(in_flight);
    for (auto& s : slots) {
        s.easy = curl_easy_init();  // keep-alive: its connection goes back to the multi's cache, reused
        curl_easy_setopt(s.easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(s.easy, CURLOPT_RESOLVE, resolves);
        curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(s.easy, CURLOPT_USERAGENT, "curl/" LIBCURL_VERSION);
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, quote_body.data());
        curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, long(quote_body.size()));
        curl_easy_setopt(s.easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, append_body);
        curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s.body);
        curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
        if (t.tls)
            curl_easy_setopt(s.easy, CURLOPT_CAINFO, c.ca.c_str());
    }
    std::size_t failures = 0, connections = 0;
    auto batch = [&](std::size_t n) {
        std::size_t active = 0;
        for (auto& s : slots)
            if (n > 0)
                --n, ++active, curl_multi_add_handle(multi, s.easy);
        while (active > 0) {
            int running = 0, queued = 0;
            curl_multi_perform(multi, &running);
            while (CURLMsg* m = curl_multi_info_read(multi, &queued)) {
                if (m->msg != CURLMSG_DONE)
                    continue;
                CURL* easy = m->easy_handle;
                slot* s = nullptr;
                long status = 0, connects = 0;
                curl_easy_getinfo(easy, CURLINFO_PRIVATE, &s);
                curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
                curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
                connections += std::size_t(connects);
                failures += !(m->data.result == CURLE_OK && status == 200 && read_quotes(s->body));
                s->body.clear();
                curl_multi_remove_handle(multi, easy);
                if (n > 0)
                    --n, curl_multi_add_handle(multi, easy);
                else
                    --active;
            }
            if (active > 0)
                curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
    };
    auto r = measure(c, in_flight, batch);
    r.failures = failures, r.connections = connections;
    for (auto& s : slots)
        curl_easy_cleanup(s.easy);
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolves);
    return r;
}
#endif

// ---- the report ----------------------------------------------------------------------------------------
enum client_kind { meld_client, raw_client, curl_client, client_count };
constexpr char const* client_names[] = {"meld", "raw-beast", "curl+nlohmann"};
constexpr std::size_t in_flights[] = {1, 64};

struct range {
    double lo = 0, hi = 0;
    bool any = false;
    void add(double v) { lo = any ? std::min(lo, v) : v, hi = any ? std::max(hi, v) : v, any = true; }
};

std::string fmt(range const& r, char const* f)
{
    char a[32], b[32];
    return std::snprintf(a, sizeof a, f, r.lo), std::snprintf(b, sizeof b, f, r.hi), std::string(a) + "–" + b;
}

using samples = std::vector<sample>;  // one per round

template <class F>
range over(samples const& s, F f)  // f(x) over the rounds
{
    range r;
    for (auto const& x : s)
        r.add(f(x));
    return r;
}

/// One table row; returns the failures.
std::size_t print_row(char const* scheme, std::size_t in_flight, char const* name, samples const& s)
{
    std::size_t failures = 0;
    for (auto const& x : s)
        failures += x.failures;
    // every range holds one en dash: 3 bytes, 1 column, hence the widths + 2
    std::printf("%-5s %3zu  %-13s%18s%16s%14s%16s%10s %8zu%s\n", scheme, in_flight, name,
                fmt(over(s, [](auto& x) { return x.rate(); }), "%.0f").c_str(),
                fmt(over(s, [](auto& x) { return x.cpu_us; }), "%.1f").c_str(),
                fmt(over(s, [](auto& x) { return double(x.news) / double(x.calls); }), "%.1f").c_str(),
                fmt(over(s, [](auto& x) { return double(x.mallocs) / double(x.calls); }), "%.1f").c_str(),
                fmt(over(s, [](auto& x) { return double(x.connections); }), "%.0f").c_str(), failures,
                failures ? "  FAILED" : "");
    return failures;
}

/// Per-round ratio of calls/s, a over b (the same round: the same load on the machine).
std::vector<double> ratios(samples const& a, samples const& b)
{
    std::vector<double> r;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        r.push_back(a[i].rate() / b[i].rate());
    return r;
}

/// One line: min–max and median of per-round values; with a goal (> 0), in how many rounds it was met.
void print_ratio(std::string const& what, std::vector<double> v, double goal = 0, bool at_least = true)
{
    std::sort(v.begin(), v.end());
    std::printf("  %-44s %.2f–%.2f  median %.2f", what.c_str(), v.front(), v.back(),
                (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2);
    if (goal > 0) {
        auto const met = std::count_if(v.begin(), v.end(), [&](double x) { return at_least ? x >= goal : x <= goal; });
        std::printf("  (goal %s %.2f: met in %td of %zu)", at_least ? ">=" : "<=", goal, met, v.size());
    }
    std::printf("\n");
}

bool parse_args(int argc, char** argv, config& c)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view const k = argv[i];
        char const* v = argv[i + 1];
        auto const n = std::strtoul(v, nullptr, 10);
        if (k == "--host") c.host = v;
        else if (k == "--ca") c.ca = v;
        else if (k == "--https-port" || k == "--http-port")
            (k[6] == 's' ? c.https_port : c.http_port) = std::uint16_t(n);
        else if (k == "--calls") c.calls = n;
        else if (k == "--repeat") c.repeat = n;
        else if (k == "--wrk-https-1" || k == "--wrk-https-64" || k == "--wrk-http-1" || k == "--wrk-http-64")
            c.wrk[k[10] == 's'][k.ends_with("64")] = std::strtod(v, nullptr);
        else return false;
    }
    return argc % 2 == 1 && c.https_port && c.http_port && !c.ca.empty() && c.calls >= 64 && c.repeat >= 1;
}

}  // namespace

int main(int argc, char** argv)
{
    config c;
    if (!parse_args(argc, argv, c)) {
        std::fprintf(stderr, "usage: bench_quote --https-port P --http-port Q --ca FILE [--host 127.0.0.1] "
                             "[--calls N>=64] [--repeat R] [--wrk-{https,http}-{1,64} REQ_PER_S]\n");
        return 2;
    }
    using runner = sample (*)(config const&, target, std::size_t);
#if MELD_BENCH_WITH_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
    runner const runners[client_count] = {run_meld, run_raw, run_curl};
#else
    runner const runners[client_count] = {run_meld, run_raw, nullptr};
#endif
    std::printf("bench_quote: POST %s to %s (https %u, http %u), %zu calls per case after >= %zu warm-up calls, "
                "%zu rounds%s\n", std::string(target_path).c_str(), c.host.c_str(), c.https_port, c.http_port,
                c.calls, c.calls / 10, c.repeat, runners[curl_client] ? "" : "; curl+nlohmann: not built "
                "(libcurl or nlohmann_json not found at configure time)");

    samples results[2][2][client_count];  // [tls][64 in flight][client], one sample per round
    for (std::size_t round = 0; round < c.repeat; ++round)
        for (bool tls : {true, false})
            for (std::size_t f = 0; f < 2; ++f)
                for (int k = 0; k < client_count; ++k)
                    if (runners[k])
                        results[tls][f][k].push_back(
                            runners[k](c, {tls, tls ? c.https_port : c.http_port}, in_flights[f]));

    std::printf("\n%-5s %3s  %-13s%16s%14s%12s%14s%8s %8s\n", "", "in", "client", "calls/s", "CPU us/call",
                "new/call", "malloc/call", "conns", "failures");
    std::size_t failures = 0;
    for (bool tls : {true, false})
        for (std::size_t f = 0; f < 2; ++f)
            for (int k = 0; k < client_count; ++k)
                if (!results[tls][f][k].empty())
                    failures += print_row(tls ? "https" : "http", in_flights[f], client_names[k], results[tls][f][k]);
    std::vector<double> meld_news;  // every meld case and round
    for (auto const& per_tls : results)
        for (auto const& per_flight : per_tls)
            for (auto const& x : per_flight[meld_client])
                meld_news.push_back(double(x.news) / double(x.calls));
    std::printf("(ranges: min–max over %zu rounds; CPU is this process's user+sys; malloc/call counts every C "
                "heap allocation on this thread, operator new's included; conns: opened in the case, warm-up "
                "included)\n\nratios, same run, per round (wrk: measured by bench.sh before this run, best of its runs):\n", c.repeat);
    for (bool tls : {true, false})
        for (std::size_t f = 0; f < 2; ++f) {
            std::string const at = std::string(tls ? "https" : "http") + " " + std::to_string(in_flights[f]);
            auto const& m = results[tls][f][meld_client];
            bool const key = tls && f == 1;  // the goals are set at https, 64 in flight
            auto const& raw = results[tls][f][raw_client];
            auto const& curl = results[tls][f][curl_client];
            print_ratio("meld / raw-beast at " + at, ratios(m, raw), key ? 1.0 : 0);
            if (!curl.empty())
                print_ratio("meld / curl+nlohmann at " + at, ratios(m, curl), key ? 2.2 : 0);
            if (double const w = c.wrk[tls][f]; w > 0) {
                std::vector<double> v;
                for (auto const& x : m)
                    v.push_back(x.rate() / w);
                print_ratio("meld / wrk (" + std::to_string(long(w)) + " req/s) at " + at, v, tls && f == 0 ? 0.95 : 0);
            }
        }
    print_ratio("meld operator new per call, all cases", meld_news, 15.0, false);
    if (failures)
        std::printf("%zu calls FAILED (rows marked FAILED)\n", failures);
    std::printf("(sink %g)\n", double(sink));
#if MELD_BENCH_WITH_CURL
    curl_global_cleanup();
#endif
    return failures ? 1 : 0;
}
