// Integration tests of meld::page_generator / item_generator (meld/pagination.hpp) against the local sandbox:
// 10,000 transactions walked forward and backward (exact sequence), start/stop keys, max_items, filters kept
// on every page (recorded request targets), the loop guard (scripted pages repeating a key / a keyless row),
// an error on page 5 then resumption, cancellation mid-stream (new connection afterwards), and prefetch
// overlap shown by the order of the sandbox's request receipt times against the consumer's own events.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using meld_test::run_coro;
using meld_test::sandbox_fixture;
using row = meld::payments::searched_payment_transaction_output;
using page = meld::payments::payment_transaction_list_response;

namespace {

meld::emulator::server_params seeded(std::size_t n)
{
    meld::emulator::server_params p;
    p.seed.payment_transactions = n;
    return p;
}

/// Every row's key, walking `op`'s item generator to its end.
template <class Operation, class Request>
std::vector<std::string> walk_op_keys(asio::io_context& ioc, Operation const& op, Request const& req,
                                      meld::page_params const& params)
{
    return run_coro(ioc, [&]() -> asio::awaitable<std::vector<std::string>> {
        std::vector<std::string> keys;
        auto gen = op.items(req, params);
        while (auto r = co_await gen.next())
            keys.push_back(r->key.value());
        co_return keys;
    });
}

/// The same for the transaction search.
std::vector<std::string> walk_keys(asio::io_context& ioc, meld::client& meld, meld::payments::transactions_search_request const& req,
                                   meld::page_params const& params)
{
    return walk_op_keys(ioc, meld.payments.transactions.search, req, params);
}

std::size_t count_searches(meld::emulator::server& srv)
{
    auto const reqs = srv.requests();
    return static_cast<std::size_t>(std::count_if(reqs.begin(), reqs.end(), [](auto const& r) {
        return r.target.starts_with("/payments/transactions?") || r.target == "/payments/transactions";
    }));
}

}  // namespace

TEST_CASE("pagination: 10,000 rows forward then backward, exact sequence")
{
    sandbox_fixture sb{seeded(10000)};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request const req{};

    // forward, pages of 100: 100 pages, newest first, every key once
    std::vector<std::string> fwd;
    std::vector<meld::timestamp> created;
    std::size_t pages = 0;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.pages(req, {.limit = 100});
        while (auto p = co_await gen.next()) {
            ++pages;
            CHECK(p->transactions->size() == 100);
            for (auto& r : *p->transactions) {
                fwd.push_back(r.key.value());
                created.push_back(r.createdAt.value());
            }
        }
        CHECK(gen.reason() == meld::stop_reason::exhausted);
    });
    CHECK(pages == 100);
    REQUIRE(fwd.size() == 10000);
    CHECK(std::set<std::string>(fwd.begin(), fwd.end()).size() == 10000);
    CHECK(std::is_sorted(created.begin(), created.end(), [](auto const& a, auto const& b) { return a > b; }));
    CHECK(std::adjacent_find(created.begin(), created.end()) == created.end());  // strictly newest first

    // the first page of the single-page call is the generator's first page
    auto first = run_coro(ioc, [&]() -> asio::awaitable<page> {
        meld::payments::transactions_search_request one{.limit = 100};
        co_return co_await meld.payments.transactions.search(one);
    });
    REQUIRE(first.transactions->size() == 100);
    for (std::size_t i = 0; i < 100; ++i)
        CHECK((*first.transactions)[i].key == fwd[i]);

    // backward from the oldest row: every other row, oldest-but-one first (exact reverse)
    auto const bwd = walk_keys(ioc, meld, req,
                               {.direction = meld::page_direction::backward, .start_key = fwd.back(), .limit = 100});
    REQUIRE(bwd.size() == 9999);
    CHECK(std::equal(bwd.begin(), bwd.end(), fwd.rbegin() + 1));

    // the item generator forward gives the same sequence
    CHECK(walk_keys(ioc, meld, req, {.limit = 100}) == fwd);
}

TEST_CASE("pagination: start and stop keys, max_items, both directions")
{
    sandbox_fixture sb{seeded(1000)};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request const req{};
    auto const all = walk_keys(ioc, meld, req, {.limit = 100});
    REQUIRE(all.size() == 1000);
    auto const slice = [&](std::size_t b, std::size_t e) { return std::vector<std::string>(all.begin() + long(b), all.begin() + long(e)); };

    CHECK(walk_keys(ioc, meld, req, {.start_key = all[123], .stop_key = all[567], .limit = 50}) == slice(124, 568));
    CHECK(walk_keys(ioc, meld, req,
                    {.start_key = all[123], .stop_key = all[567], .include_stop_key = false, .limit = 50}) ==
          slice(124, 567));
    // the request's own `after` is the start key when page_params has none
    meld::payments::transactions_search_request from_req{};
    from_req.after = all[899];
    CHECK(walk_keys(ioc, meld, from_req, {.limit = 30}) == slice(900, 1000));

    // bank-linking strategy 2: from the start until the oldest updated key
    CHECK(walk_keys(ioc, meld, req, {.stop_key = all[250], .limit = 100}) == slice(0, 251));

    // max_items: 250 rows with pages of 100 → exactly 3 requests
    sb.server().clear_requests();
    CHECK(walk_keys(ioc, meld, req, {.max_items = 250, .limit = 100}) == slice(0, 250));
    CHECK(count_searches(sb.server()) == 3);

    // backward from all[900] to all[700]: 899, 898, ..., 700
    auto back = walk_keys(ioc, meld, req,
                          {.direction = meld::page_direction::backward, .start_key = all[900], .stop_key = all[700], .limit = 64});
    auto expect = slice(700, 900);
    std::reverse(expect.begin(), expect.end());
    CHECK(back == expect);
    // bank-linking strategy 3: before=<key> until nothing remains
    back = walk_keys(ioc, meld, req, {.direction = meld::page_direction::backward, .start_key = all[150], .limit = 100});
    expect = slice(0, 150);
    std::reverse(expect.begin(), expect.end());
    CHECK(back == expect);

    // backward without a start key: a typed error, no request
    sb.server().clear_requests();
    try {
        walk_keys(ioc, meld, req, {.direction = meld::page_direction::backward});
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::pagination_errc::no_start_key);
    }
    CHECK(count_searches(sb.server()) == 0);
}

TEST_CASE("pagination: every filter of the query is kept on every page")
{
    sandbox_fixture sb{seeded(400)};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request req{};
    req.statuses = std::vector<std::string>{"SETTLED", "FAILED"};
    req.types = std::vector<std::string>{"CRYPTO_PURCHASE"};
    req.limit = 99;  // overridden by page_params::limit
    sb.server().clear_requests();
    std::size_t n = 0;
    std::int32_t total = -1;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.pages(req, {.limit = 7});
        while (auto p = co_await gen.next()) {
            if (total < 0)
                total = p->totalCount.value();
            for (auto const& r : *p->transactions) {
                CHECK((r.status == "SETTLED" || r.status == "FAILED"));
                CHECK(r.transactionType == "CRYPTO_PURCHASE");
                ++n;
            }
        }
    });
    CHECK(n == static_cast<std::size_t>(total));
    auto const reqs = sb.server().requests();
    CHECK(n > 7);
    REQUIRE(reqs.size() == (n + 6) / 7);  // remaining == 0 on the last page: no extra request
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        INFO(reqs[i].target);
        CHECK(reqs[i].target.find("statuses=SETTLED,FAILED") != std::string::npos);
        CHECK(reqs[i].target.find("types=CRYPTO_PURCHASE") != std::string::npos);
        CHECK(reqs[i].target.find("limit=7") != std::string::npos);
        CHECK(reqs[i].target.find("before=") == std::string::npos);
        CHECK((reqs[i].target.find("after=") != std::string::npos) == (i > 0));
    }
}

TEST_CASE("pagination: loop guard on a page repeating a key and on a keyless row mid-stream")
{
    sandbox_fixture sb{seeded(50)};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request const req{};

    // page 2 repeats a key of page 1
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.pages(req, {.limit = 10});
        auto p1 = co_await gen.next();
        auto const k = p1->transactions->at(3).key.value();
        sb.server().script("GET", "/payments/transactions",
                           {.body = R"({"count":2,"remaining":30,"totalCount":50,"transactions":[{"id":"n1","key":"fresh"},{"id":"again","key":")" +
                                    k + R"("}]})"},
                           1);
        try {
            co_await gen.next();
            FAIL("expected meld::error");
        } catch (meld::error const& e) {
            CHECK(e.code() == meld::pagination_errc::repeated_key);
            CHECK(std::string(e.diag().client_message()).find(k) != std::string::npos);
        }
        auto const before = count_searches(sb.server());
        meld::diagnostics d;
        auto [ec, p] = co_await gen.next(d, asio::as_tuple(asio::use_awaitable));  // sticky: no new request
        CHECK(ec == meld::pagination_errc::repeated_key);
        CHECK_FALSE(p);
        CHECK(count_searches(sb.server()) == before);
        CHECK(gen.done());
    });

    // a row without key in the middle of a page
    sb.server().script("GET", "/payments/transactions",
                       {.body = R"({"count":3,"remaining":5,"transactions":[{"id":"a","key":"ka"},{"id":"b"},{"id":"c","key":"kc"}]})"},
                       1);
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.items(req);
        meld::diagnostics d;
        auto [ec, r] = co_await gen.next(d, asio::as_tuple(asio::use_awaitable));
        CHECK(ec == meld::pagination_errc::missing_key);
        CHECK_FALSE(r);  // none of the page's rows is delivered
    });

    // no key on the last row, no `remaining`: the end of the stream
    sb.server().script("GET", "/payments/transactions",
                       {.body = R"({"transactions":[{"id":"a","key":"ka"},{"id":"b"}]})"}, 1);
    std::vector<std::string> ids;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.items(req);
        while (auto r = co_await gen.next())
            ids.push_back(r->id.value());
    });
    CHECK(ids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("pagination: an error on page 5 surfaces after the rows of pages 1..4; the walk resumes")
{
    sandbox_fixture sb{seeded(100)};
    asio::io_context ioc;
    auto params = sb.client_params();
    params.retry = meld::retry_policy::none();  // the 500 must reach the walker, not be retried away
    meld::client meld{ioc.get_executor(), params};
    meld::payments::transactions_search_request const req{};
    auto const all = walk_keys(ioc, meld, req, {.limit = 100});
    REQUIRE(all.size() == 100);
    sb.server().clear_requests();

    std::vector<std::string> got;
    int errors = 0;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = meld.payments.transactions.search.items(req, {.limit = 10});
        for (;;) {
            if (got.size() == 40 && errors == 0)
                sb.server().script("GET", "/payments/transactions",
                                   {.status = 500, .body = R"({"code":"INTERNAL_SERVER_ERROR","message":"boom"})"}, 1);
            try {
                auto r = co_await gen.next();
                if (!r)
                    break;
                got.push_back(*r->key);
            } catch (meld::error const& e) {
                ++errors;
                CHECK(got.size() == 40);  // every row of pages 1..4 was delivered first
                CHECK(e.diag().http_status() == 500);
                CHECK(e.api_code() == "INTERNAL_SERVER_ERROR");
            }
        }
    });
    CHECK(errors == 1);
    CHECK(got == all);
    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 11);  // 10 pages + page 5 asked twice (the same cursor)
    CHECK(reqs[4].target == reqs[5].target);
}

TEST_CASE("pagination: cancelling next() aborts the request, drops its connection, and the walk goes on")
{
    sandbox_fixture sb{seeded(200)};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::payments::transactions_search_request const req{};
    auto gen = meld.payments.transactions.search.pages(req, {.limit = 50});

    // outside a coroutine: plain callbacks
    std::optional<meld::error_code> result;
    std::size_t rows = 0;
    auto on_page = [&](meld::error_code ec, std::optional<page> p) {
        result = ec;
        if (p)
            rows += p->transactions->size();
    };
    gen.next(on_page);
    ioc.run();
    ioc.restart();
    gen.next(on_page);
    ioc.run();
    ioc.restart();
    REQUIRE(result);
    CHECK_FALSE(*result);
    CHECK(rows == 100);
    auto const conns = sb.server().connections_accepted();

    sb.server().script("GET", "/payments/transactions", {.stall = true}, 1);
    asio::cancellation_signal signal;
    result.reset();
    gen.next(asio::bind_cancellation_slot(signal.slot(), on_page));
    for (int i = 0; i < 500 && count_searches(sb.server()) < 3; ++i)
        ioc.run_for(5ms);
    REQUIRE(count_searches(sb.server()) == 3);
    signal.emit(asio::cancellation_type::terminal);
    ioc.run();
    ioc.restart();
    REQUIRE(result);
    CHECK(*result == asio::error::operation_aborted);
    CHECK(rows == 100);

    // resumed: page 3 again, over a new connection (the cancelled one is never reused)
    std::size_t pages = 0;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        while (auto p = co_await gen.next()) {
            ++pages;
            rows += p->transactions->size();
        }
    });
    CHECK(pages == 2);
    CHECK(rows == 200);
    CHECK(sb.server().connections_accepted() == conns + 1);
    auto const reqs = sb.server().requests();
    REQUIRE(reqs.size() == 5);
    CHECK(reqs[2].target == reqs[3].target);
}

TEST_CASE("pagination: prefetch requests page k+1 while the caller still processes page k")
{
    for (bool const prefetch : {false, true}) {
        INFO("prefetch " << prefetch);
        sandbox_fixture sb{seeded(500)};
        asio::io_context ioc;
        meld::client meld{ioc.get_executor(), sb.client_params()};
        meld::payments::transactions_search_request const req{};
        std::vector<std::chrono::steady_clock::time_point> done;  // when the consumer finished page k
        std::vector<std::string> keys;
        run_coro(ioc, [&]() -> asio::awaitable<void> {
            auto gen = meld.payments.transactions.search.pages(req, {.limit = 100, .prefetch = prefetch});
            asio::steady_timer t{co_await asio::this_coro::executor};
            while (auto p = co_await gen.next()) {
                for (auto const& r : *p->transactions)
                    keys.push_back(*r.key);
                // "process" the page: with prefetch, wait (bounded) until the next request reached the server
                for (int i = 0; i < (prefetch ? 400 : 4); ++i) {
                    if (prefetch && (count_searches(sb.server()) > done.size() + 1 || gen.done()))
                        break;
                    t.expires_after(5ms);
                    co_await t.async_wait(asio::use_awaitable);
                }
                done.push_back(std::chrono::steady_clock::now());
            }
        });
        CHECK(keys.size() == 500);
        auto const reqs = sb.server().requests();
        REQUIRE(reqs.size() == 5);  // remaining == 0 on page 5: no 6th request
        REQUIRE(done.size() == 5);
        for (std::size_t k = 0; k + 1 < reqs.size(); ++k) {
            INFO("page " << k + 1);
            if (prefetch)
                CHECK(reqs[k + 1].received_at < done[k]);  // overlapped with the processing of page k
            else
                CHECK(reqs[k + 1].received_at > done[k]);  // only asked for once page k was processed
        }
    }
}

namespace {

template <class Endpoint>
Endpoint endpoint_of(meld::page_generator<Endpoint> const&);

/// Walks one paginated operation of a seeded sandbox with both generators, both directions, and the single-page
/// call: `expected` rows, pages of `limit`, exact and consistent sequences.
template <class Operation, class Request>
void walk_every_way(asio::io_context& ioc, Operation const& op, Request const& req, std::size_t expected)
{
    constexpr std::int32_t limit = 25;
    using endpoint = decltype(endpoint_of(op.pages(req, {})));
    using access = meld::detail::page_access<typename endpoint::response_type>;
    INFO(access::list_name());

    // pages forward: ceil(expected / limit) full pages but the last, `remaining` counting down
    std::vector<std::string> fwd;
    std::vector<std::int64_t> remaining;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        auto gen = op.pages(req, {.limit = limit});
        while (auto p = co_await gen.next()) {
            auto const& rows = access::list(*p).value();
            CHECK(rows.size() == std::min<std::size_t>(limit, expected - fwd.size()));
            for (auto const& r : rows)
                fwd.push_back(r.key.value());
            remaining.push_back(access::remaining(*p).value_or(-1));
        }
        CHECK(gen.reason() == meld::stop_reason::exhausted);
    });
    REQUIRE(fwd.size() == expected);
    CHECK(std::set<std::string>(fwd.begin(), fwd.end()).size() == expected);
    CHECK(remaining.size() == (expected + limit - 1) / limit);
    for (std::size_t k = 0; k < remaining.size(); ++k)
        CHECK(remaining[k] == static_cast<std::int64_t>(expected - std::min(expected, (k + 1) * limit)));

    // the single-page call's first page is the generator's first page
    auto first_req = req;
    first_req.limit = limit;
    auto const first = run_coro(ioc, [&]() -> asio::awaitable<typename endpoint::response_type> {
        co_return co_await op(first_req);
    });
    auto const& first_rows = access::list(first).value();
    REQUIRE(first_rows.size() == std::min<std::size_t>(limit, expected));
    for (std::size_t i = 0; i < first_rows.size(); ++i)
        CHECK(first_rows[i].key == fwd[i]);

    auto walk = [&](meld::page_params const& params) { return walk_op_keys(ioc, op, req, params); };
    // items forward: the same sequence; backward from the last row: its exact reverse
    CHECK(walk({.limit = limit}) == fwd);
    auto const bwd = walk({.direction = meld::page_direction::backward, .start_key = fwd.back(), .limit = limit});
    CHECK(std::equal(bwd.begin(), bwd.end(), fwd.rbegin() + 1, fwd.rend()));
    CHECK(bwd.size() == expected - 1);
    // start + stop keys, max_items
    auto const a = expected / 5, b = expected - expected / 4;
    CHECK(walk({.start_key = fwd[a], .stop_key = fwd[b], .limit = limit}) ==
          std::vector<std::string>(fwd.begin() + long(a) + 1, fwd.begin() + long(b) + 1));
    CHECK(walk({.max_items = 40, .limit = limit}) == std::vector<std::string>(fwd.begin(), fwd.begin() + 40));
}

}  // namespace

TEST_CASE("pagination: every paginated operation, seeded sets, both generators, both directions")
{
    constexpr std::size_t n = 237;  // not a multiple of the page size
    sandbox_fixture sb{{.seed = meld::emulator::seed_sizes::uniform(n), .record_requests = false}};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};

    SECTION("payments.transactions.search")
    {
        meld::payments::transactions_search_request const req{};
        walk_every_way(ioc, meld.payments.transactions.search, req, n);
    }
    SECTION("customers.search")
    {
        meld::customers::search_request const req{};
        walk_every_way(ioc, meld.customers.search, req, n);
    }
    SECTION("webhooks.profiles.search")
    {
        meld::webhooks::profiles_search_request const req{};
        walk_every_way(ioc, meld.webhooks.profiles.search, req, n);
    }
    SECTION("activity_log.search")
    {
        meld::activity_log::search_request const req{.start = meld::timestamp{"2000-01-01T00:00:00Z"},
                                                      .end = meld::timestamp{"2030-01-01T00:00:00Z"}};
        walk_every_way(ioc, meld.activity_log.search, req, n);
    }
    SECTION("bank_linking.connections.search")
    {
        meld::bank_linking::connections_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.connections.search, req, n);
    }
    SECTION("bank_linking.accounts.search")
    {
        meld::bank_linking::accounts_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.accounts.search, req, n);
    }
    SECTION("bank_linking.transactions.search")
    {
        meld::bank_linking::transactions_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.transactions.search, req, n);
    }
    SECTION("bank_linking.investments.holdings.search")
    {
        meld::bank_linking::investments_holdings_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.investments.holdings.search, req, n);
    }
    SECTION("bank_linking.investments.transactions.search")
    {
        meld::bank_linking::investments_transactions_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.investments.transactions.search, req, n);
    }
    SECTION("bank_linking.institutions.search")
    {
        meld::bank_linking::institutions_search_request const req{};
        walk_every_way(ioc, meld.bank_linking.institutions.search, req, n);
    }
}
