// Unit tests of the sans-io page walker (meld/detail/pagination_walker.hpp): next cursor in both directions,
// end detection (empty page, remaining == 0, no key on the last row), stop_key / max_items, the loop guard
// (repeated key, keyless row mid-stream) and its stickiness; plus compile-time checks that every paginated
// descriptor fits meld::paginator's reflection (before/after/limit, one keyed list, remaining).
#include <meld/meld.hpp>
#include <meld/pagination.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using meld::detail::page_walker;

struct page {
    std::vector<std::string> storage;
    std::vector<std::string const*> keys;
    explicit page(std::vector<std::string> k, std::vector<bool> missing = {}) : storage(std::move(k))
    {
        for (std::size_t i = 0; i < storage.size(); ++i)
            keys.push_back(i < missing.size() && missing[i] ? nullptr : &storage[i]);
    }
};

std::vector<std::string> names(char c, int from, int to)
{
    std::vector<std::string> out;
    for (int i = from; i < to; ++i)
        out.push_back(std::string(1, c) + std::to_string(i));
    return out;
}

}  // namespace

// Every paginated descriptor is walkable by reflection alone.
namespace ep = meld::endpoints;
static_assert(meld::detail::paginated_endpoint<ep::payments::transactions_search>);
static_assert(meld::detail::paginated_endpoint<ep::customers::search>);
static_assert(meld::detail::paginated_endpoint<ep::webhooks::profiles_search>);
static_assert(meld::detail::paginated_endpoint<ep::activity_log::search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::accounts_search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::connections_search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::institutions_search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::investments_holdings_search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::investments_transactions_search>);
static_assert(meld::detail::paginated_endpoint<ep::bank_linking::transactions_search>);
static_assert(!meld::detail::paginated_endpoint<ep::crypto::quote>);

TEST_CASE("pagination reflection finds the keyed list member")
{
    using acc = meld::detail::page_access<meld::payments::payment_transaction_list_response>;
    CHECK(std::string(acc::list_name()) == "transactions");
    meld::payments::payment_transaction_list_response r;
    CHECK_FALSE(acc::remaining(r));
    r.remaining = 7;
    CHECK(acc::remaining(r) == 7);
    using bl = meld::detail::page_access<meld::bank_linking::financial_account_transaction_page>;
    CHECK(std::string(bl::list_name()) == "financialAccountTransactions");
}

TEST_CASE("walker: forward from the start, cursor is the last key, ends on remaining == 0")
{
    page_walker w{meld::page_params{}};
    CHECK_FALSE(w.next_cursor().after);
    CHECK_FALSE(w.next_cursor().before);
    page p1{names('k', 0, 3)};
    auto v = w.on_page(p1.keys, 4);
    CHECK_FALSE(v.ec);
    CHECK(v.first == 0);
    CHECK(v.last == 3);
    CHECK_FALSE(v.end);
    CHECK(w.next_cursor().after == "k2");
    CHECK_FALSE(w.next_cursor().before);
    page p2{names('k', 3, 7)};
    v = w.on_page(p2.keys, 0);
    CHECK(v.last == 4);
    CHECK(v.end);
    CHECK(w.finished());
    CHECK(w.reason() == meld::stop_reason::exhausted);
    CHECK(w.items_delivered() == 7);
}

TEST_CASE("walker: an empty page ends the walk; no remaining means ask again")
{
    page_walker w{meld::page_params{.start_key = "s"}};
    CHECK(w.next_cursor().after == "s");
    page p1{names('k', 0, 2)};
    auto v = w.on_page(p1.keys, std::nullopt);
    CHECK_FALSE(v.end);
    page empty{{}};
    v = w.on_page(empty.keys, std::nullopt);
    CHECK(v.end);
    CHECK(v.first == v.last);
    CHECK(w.reason() == meld::stop_reason::exhausted);
}

TEST_CASE("walker: backward uses before = the first row of the page and needs a start key")
{
    page_walker bad{meld::page_params{.direction = meld::page_direction::backward}};
    CHECK(bad.finished());
    CHECK(bad.failure() == meld::pagination_errc::no_start_key);

    page_walker w{meld::page_params{.direction = meld::page_direction::backward, .start_key = "k9"}};
    CHECK(w.next_cursor().before == "k9");
    CHECK_FALSE(w.next_cursor().after);
    page p1{names('k', 6, 9)};
    auto v = w.on_page(p1.keys, 6);
    CHECK(v.first == 0);
    CHECK(v.last == 3);
    CHECK(w.next_cursor().before == "k6");
}

TEST_CASE("walker: stop_key inclusive and exclusive, both directions")
{
    page p{names('k', 0, 5)};
    page_walker a{meld::page_params{.stop_key = "k2"}};
    auto v = a.on_page(p.keys, 10);
    CHECK(v.end);
    CHECK(v.first == 0);
    CHECK(v.last == 3);
    CHECK(a.reason() == meld::stop_reason::stop_key);

    page_walker b{meld::page_params{.stop_key = "k2", .include_stop_key = false}};
    v = b.on_page(p.keys, 10);
    CHECK(v.last == 2);

    page_walker c{meld::page_params{.direction = meld::page_direction::backward, .start_key = "k5", .stop_key = "k3"}};
    v = c.on_page(p.keys, 10);  // walking k4, k3: stop
    CHECK(v.first == 3);
    CHECK(v.last == 5);
    CHECK(c.items_delivered() == 2);
}

TEST_CASE("walker: max_items across pages")
{
    page_walker w{meld::page_params{.max_items = 5}};
    page p1{names('k', 0, 3)};
    auto v = w.on_page(p1.keys, 10);
    CHECK_FALSE(v.end);
    page p2{names('k', 3, 6)};
    v = w.on_page(p2.keys, 10);
    CHECK(v.end);
    CHECK(v.last == 2);
    CHECK(w.reason() == meld::stop_reason::max_items);
    page_walker zero{meld::page_params{.max_items = 0}};
    CHECK(zero.finished());
}

TEST_CASE("walker: loop guard — a repeated key is a sticky typed error")
{
    page_walker w{meld::page_params{}};
    page p1{names('k', 0, 3)};
    CHECK_FALSE(w.on_page(p1.keys, 5).ec);
    page p2{{"k3", "k1", "k4"}};  // k1 again: the server is looping
    auto v = w.on_page(p2.keys, 5);
    CHECK(v.ec == meld::pagination_errc::repeated_key);
    CHECK(v.message.find("k1") != std::string::npos);
    CHECK(v.end);
    CHECK(w.finished());
    page p3{names('k', 10, 12)};
    CHECK(w.on_page(p3.keys, 0).ec == meld::pagination_errc::repeated_key);  // sticky

    page_walker s{meld::page_params{.start_key = "k1"}};
    CHECK(s.on_page(p1.keys, 0).ec == meld::pagination_errc::repeated_key);  // the cursor row came back

    page_walker d{meld::page_params{}};
    page dup{{"a", "b", "a"}};
    CHECK(d.on_page(dup.keys, 0).ec == meld::pagination_errc::repeated_key);
}

TEST_CASE("walker: a row without key mid-stream is an error, on the last row it ends the walk")
{
    page_walker w{meld::page_params{}};
    page mid{names('k', 0, 3), {false, true, false}};
    auto v = w.on_page(mid.keys, 0);
    CHECK(v.ec == meld::pagination_errc::missing_key);

    page_walker e{meld::page_params{}};
    page last{names('k', 0, 3), {false, false, true}};
    v = e.on_page(last.keys, std::nullopt);
    CHECK_FALSE(v.ec);
    CHECK(v.end);
    CHECK(v.last == 3);
    CHECK(e.reason() == meld::stop_reason::exhausted);

    page_walker r{meld::page_params{}};
    v = r.on_page(last.keys, 4);  // the server says more rows follow, but there is no cursor to reach them
    CHECK(v.ec == meld::pagination_errc::missing_key);

    page_walker b{meld::page_params{.direction = meld::page_direction::backward, .start_key = "z"}};
    page first{names('k', 0, 3), {true, false, false}};  // walking backward, row 0 is the last one
    v = b.on_page(first.keys, 0);
    CHECK_FALSE(v.ec);
    CHECK(v.end);
}

TEST_CASE("walker: the loop guard's memory is bounded; loops longer than its window are still caught")
{
    constexpr int per_page = 100;
    constexpr int window_pages = static_cast<int>(page_walker::guard_window) / per_page;

    // 3x the window of distinct keys: no false alarm, and the guard never holds more than its window
    page_walker w{meld::page_params{}};
    for (int p = 0; p < 3 * window_pages; ++p) {
        page pg{names('k', p * per_page, (p + 1) * per_page)};
        auto const v = w.on_page(pg.keys, 1);
        REQUIRE_FALSE(v.ec);
        CHECK(w.guard_keys() <= page_walker::guard_window);
    }
    CHECK(w.guard_keys() == page_walker::guard_window);

    // a server cycling through 1.5x the window: the repeated rows are older than the window, so the cursor
    // cycle detection ends the walk, after less than two more turns of the cycle
    int const cycle = window_pages + window_pages / 2;
    page_walker c{meld::page_params{}};
    int pages = 0;
    meld::error_code ec;
    std::string message;
    while (!ec && pages < 4 * cycle) {
        int const p = pages++ % cycle;
        page pg{names('c', p * per_page, (p + 1) * per_page)};
        auto const v = c.on_page(pg.keys, 1);
        ec = v.ec;
        message = v.message;
    }
    CHECK(ec == meld::pagination_errc::repeated_key);
    CHECK(message.find("loops") != std::string::npos);
    CHECK(pages > cycle);
    CHECK(pages <= 3 * cycle);
}

TEST_CASE("pagination_errc has its own category and messages")
{
    meld::error_code ec = meld::pagination_errc::repeated_key;
    CHECK(std::string(ec.category().name()) == "meld.pagination");
    CHECK(ec.message().find("loop") != std::string::npos);
}
