// tests/unit/test_recycler.cpp — the hot path's memory reuse: detail/recycler.hpp (per-thread block cache),
// detail/unique_task.hpp (call-once tasks on recycled blocks) and the hashed member lookup of json/detail/sinks.hpp.
#include <meld/detail/recycler.hpp>
#include <meld/detail/unique_task.hpp>
#include <meld/generated/models/payments.hpp>
#include <meld/json/decode.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

using meld::detail::recycler;
using meld::detail::unique_task;

TEST_CASE("recycler: a freed block is reused for the same size only", "[recycler]")
{
    void* a = recycler::allocate(200);
    recycler::deallocate(a, 200);
    void* other = recycler::allocate(100);  // another size: not the cached block
    void* b = recycler::allocate(200);
#if MELD_RECYCLER_ENABLED
    CHECK(b == a);
    CHECK(other != a);
#endif
    recycler::deallocate(other, 100);
    recycler::deallocate(b, 200);
}

TEST_CASE("recycler: the cache is bounded and a block may be freed on another thread", "[recycler]")
{
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < recycler::slots * 3; ++i)
        blocks.push_back(recycler::allocate(64));
    std::set<void*> distinct(blocks.begin(), blocks.end());
    CHECK(distinct.size() == blocks.size());
    std::thread t([&] {
        for (void* p : blocks)  // the first `slots` join this thread's cache, the rest go to the heap;
            recycler::deallocate(p, 64);  // the cache is freed when the thread ends (ASan: no leak)
    });
    t.join();
}

TEST_CASE("recycling_allocator: a standard allocator over the recycler", "[recycler]")
{
    std::vector<std::string, meld::detail::recycling_allocator<std::string>> v;
    for (int i = 0; i < 100; ++i)
        v.emplace_back(std::string(40, static_cast<char>('a' + i % 26)));
    CHECK(v.size() == 100);
    CHECK(v[27] == std::string(40, 'b'));
    CHECK(meld::detail::recycling_allocator<int>{} == meld::detail::recycling_allocator<char>{});
}

TEST_CASE("unique_task: called once, with its arguments; the callee may reuse the block", "[unique_task]")
{
    int calls = 0;
    std::string seen;
    unique_task<void(int, std::string)> t([&](int n, std::string s) {
        calls += n;
        seen = std::move(s);
    });
    REQUIRE(static_cast<bool>(t));
    std::move(t)(2, "two");
    CHECK(calls == 2);
    CHECK(seen == "two");
    CHECK_FALSE(static_cast<bool>(t));

    // a task that starts the next one from inside its call: the block was freed before the call
    int depth = 0;
    std::function<void()> step = [&] {
        if (++depth < 5)
            std::move(unique_task<void()>{step})();
    };
    std::move(unique_task<void()>{step})();
    CHECK(depth == 5);
}

TEST_CASE("unique_task: destroyed or reassigned without a call, its function's state is released", "[unique_task]")
{
    auto owned = std::make_shared<int>(7);
    std::weak_ptr<int> watch = owned;
    {
        unique_task<void()> t([p = std::move(owned)] { (void)p; });
        unique_task<void()> moved(std::move(t));
        CHECK_FALSE(static_cast<bool>(t));
        CHECK_FALSE(watch.expired());
        moved = unique_task<void()>([] {});
        CHECK(watch.expired());
    }
    auto again = std::make_shared<int>(8);
    watch = again;
    {
        unique_task<void()> t([p = std::move(again)] { (void)p; });
    }
    CHECK(watch.expired());
}

TEST_CASE("member lookup: every member of a large model is found by its wire name, in any order", "[json]")
{
    using row = meld::payments::payment_transaction_output;
    constexpr auto const& table = meld::json::detail::member_table<row>;
    REQUIRE(table.size() > 20);
    row r{};
    for (std::size_t i = table.size(); i-- > 0;) {  // reverse order: the hint never helps
        std::size_t hint = table.size();
        std::string_view name;
        auto const s = meld::json::detail::find_member<row>(&r, table[i].name, hint, name);
        CHECK(s.vt == table[i].vt());
        CHECK(name == table[i].name);
        CHECK(hint == i + 1);
    }
    std::size_t hint = 0;
    std::string_view name;
    CHECK_FALSE(meld::json::detail::find_member<row>(&r, "notAMember", hint, name).vt);
    CHECK_FALSE(meld::json::detail::find_member<row>(&r, "", hint, name).vt);
    CHECK_FALSE(meld::json::detail::find_member<row>(&r, "i", hint, name).vt);
    CHECK_FALSE(meld::json::detail::find_member<row>(&r, "Id", hint, name).vt);  // case matters
}

TEST_CASE("member lookup: keys in reverse declaration order decode like keys in order", "[json]")
{
    using row = meld::payments::payment_transaction_output;
    std::string const forward = R"({"id":"tx-1","accountId":"acc","status":"SETTLED","countryCode":"US","sourceAmount":100.50})";
    std::string const reverse = R"({"sourceAmount":100.50,"countryCode":"US","status":"SETTLED","accountId":"acc","id":"tx-1"})";
    row a{}, b{};
    std::string msg;
    REQUIRE_FALSE(meld::json::decode(forward, a, &msg));
    REQUIRE_FALSE(meld::json::decode(reverse, b, &msg));
    CHECK(a.id == b.id);
    CHECK(a.accountId == b.accountId);
    CHECK(a.countryCode == b.countryCode);
    REQUIRE(b.sourceAmount);
    CHECK(b.sourceAmount->text() == "100.50");
}
