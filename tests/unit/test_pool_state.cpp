// Unit tests (sans-io) of the pool's bookkeeping, detail/transport/pool_state.hpp: FIFO-fair waiting with direct
// hand-off (a new call never overtakes a waiter, a returned connection goes to the oldest waiter, no lost
// wake-up), broken connections freeing their slot for the oldest waiter, cancellation, stale idle connections,
// and a randomized run of thousands of steps against a reference model checking the invariants after each one.
#include <meld/detail/transport/pool_state.hpp>

#include "enum_names.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

using meld::detail::transport::grant;

template <> struct meld_test::enum_names<grant> {
    static constexpr std::pair<grant, char const*> names[] = {
        {grant::reuse, "reuse"}, {grant::open_new, "open_new"}, {grant::wait, "wait"}};
};

namespace {

using pool = meld::detail::transport::pool_state<int>;  // a connection is its id (0: none)
using waiter = pool::waiter;

auto const always_usable = [](int&) { return true; };

pool::acquire_result acquire(pool& p, waiter& w)
{
    std::vector<int> dropped;
    auto r = p.acquire(w, always_usable, dropped);
    REQUIRE(dropped.empty());
    return r;
}

/// Opens `n` connections of an empty pool (busy: opened, not yet returned), then queues each of `waiters` behind
/// them, oldest first (so `n` must be the pool's max_size when there are waiters).
void fill(pool& p, std::size_t n, std::initializer_list<waiter*> waiters = {})
{
    for (std::size_t i = 0; i < n; ++i) {
        waiter w;
        REQUIRE(acquire(p, w).kind == grant::open_new);
    }
    REQUIRE(p.open() == n);
    for (waiter* w : waiters)
        REQUIRE(acquire(p, *w).kind == grant::wait);
}

}  // namespace

TEST_CASE("pool_state: free slots first, then queueing; max_size 0 means 1")
{
    pool p(2);
    CHECK(p.max_size() == 2);
    waiter a, b, c;
    CHECK(acquire(p, a).kind == grant::open_new);
    CHECK(acquire(p, b).kind == grant::open_new);
    CHECK(p.open() == 2);
    auto const r = acquire(p, c);
    CHECK(r.kind == grant::wait);
    CHECK(c.queued);
    CHECK(c.granted == grant::wait);
    CHECK(p.waiting() == 1);
    CHECK(p.open() == 2);
    CHECK(p.idle() == 0);

    pool q(0);
    CHECK(q.max_size() == 1);
    waiter x, y;
    CHECK(acquire(q, x).kind == grant::open_new);
    CHECK(acquire(q, y).kind == grant::wait);
}

TEST_CASE("pool_state: a released connection is kept idle and reused when nobody waits")
{
    pool p(2);
    waiter a;
    REQUIRE(acquire(p, a).kind == grant::open_new);
    CHECK(p.release_reusable(7) == nullptr);
    CHECK(p.idle() == 1);
    CHECK(p.open() == 1);
    waiter b;
    auto const r = acquire(p, b);
    CHECK(r.kind == grant::reuse);
    CHECK(r.conn == 7);
    CHECK(p.idle() == 0);
    CHECK(p.open() == 1);
    CHECK_FALSE(b.queued);
}

TEST_CASE("pool_state: waiters are served oldest first, by direct hand-off")
{
    pool p(1);
    waiter w1, w2, w3;
    fill(p, 1, {&w1, &w2, &w3});
    CHECK(p.waiting() == 3);

    waiter* got = p.release_reusable(11);
    CHECK(got == &w1);
    CHECK(w1.granted == grant::reuse);
    CHECK(w1.conn == 11);
    CHECK_FALSE(w1.queued);
    CHECK(p.idle() == 0);  // handed over, never parked
    CHECK(p.waiting() == 2);

    got = p.release_reusable(std::move(w1.conn));
    CHECK(got == &w2);
    CHECK(w2.conn == 11);
    got = p.release_reusable(std::move(w2.conn));
    CHECK(got == &w3);
    CHECK(w3.conn == 11);
    CHECK(p.waiting() == 0);
    CHECK(p.release_reusable(std::move(w3.conn)) == nullptr);
    CHECK(p.idle() == 1);
    CHECK(p.open() == 1);
}

TEST_CASE("pool_state: a new call never takes an idle connection while others wait")
{
    pool p(2);
    fill(p, 2);
    waiter w1;
    REQUIRE(acquire(p, w1).kind == grant::wait);
    // one connection comes back: it goes to w1, not to the pool
    REQUIRE(p.release_reusable(21) == &w1);
    // a newcomer while w2 waits: it queues behind w2 even though a release is imminent
    waiter w2, late;
    REQUIRE(acquire(p, w2).kind == grant::wait);
    CHECK(acquire(p, late).kind == grant::wait);
    CHECK(p.release_reusable(22) == &w2);
    CHECK(p.release_reusable(21) == &late);
    CHECK(late.conn == 21);
    CHECK(p.idle() == 0);
}

TEST_CASE("pool_state: two releases in a row reach two different waiters (no lost wake-up)")
{
    pool p(2);
    waiter w1, w2;
    fill(p, 2, {&w1, &w2});
    waiter* first = p.release_reusable(1);
    waiter* second = p.release_reusable(2);
    REQUIRE(first != nullptr);
    REQUIRE(second != nullptr);
    CHECK(first == &w1);
    CHECK(second == &w2);
    CHECK(w1.conn == 1);
    CHECK(w2.conn == 2);
    CHECK(p.waiting() == 0);
    CHECK(p.idle() == 0);

    // the same with one reusable and one broken connection
    pool q(2);
    waiter v1, v2;
    fill(q, 2, {&v1, &v2});
    CHECK(q.release_closed() == &v1);
    CHECK(q.release_reusable(5) == &v2);
    CHECK(v1.granted == grant::open_new);
    CHECK(v2.granted == grant::reuse);
    CHECK(q.open() == 2);
}

TEST_CASE("pool_state: a broken connection's slot goes to the oldest waiter as open_new, else is freed")
{
    pool p(1);
    waiter w1, w2;
    fill(p, 1, {&w1, &w2});
    CHECK(p.release_closed() == &w1);
    CHECK(w1.granted == grant::open_new);
    CHECK(w1.conn == 0);
    CHECK(p.open() == 1);  // the slot changed hands
    CHECK(p.waiting() == 1);
    CHECK(p.release_closed() == &w2);
    CHECK(p.release_closed() == nullptr);
    CHECK(p.open() == 0);
    CHECK(p.release_closed() == nullptr);  // never below zero
    CHECK(p.open() == 0);
    waiter w3;
    CHECK(acquire(p, w3).kind == grant::open_new);
}

TEST_CASE("pool_state: cancel() removes a waiter; false once it was served")
{
    pool p(1);
    waiter w1, w2, w3;
    fill(p, 1, {&w1, &w2, &w3});
    CHECK(p.cancel(w2));  // from the middle
    CHECK_FALSE(w2.queued);
    CHECK(p.waiting() == 2);
    CHECK_FALSE(p.cancel(w2));  // twice
    CHECK(p.waiting() == 2);
    CHECK(p.release_reusable(3) == &w1);
    CHECK_FALSE(p.cancel(w1));  // already served: the caller owns w1.conn now
    CHECK(w1.conn == 3);
    CHECK(p.cancel(w3));  // the tail, then the queue is empty
    CHECK(p.waiting() == 0);
    CHECK(p.release_reusable(std::move(w1.conn)) == nullptr);
    CHECK(p.idle() == 1);

    // head and tail links stay right after removing the head
    pool q(1);
    waiter a, b, c;
    fill(q, 1, {&a, &b});
    CHECK(q.cancel(a));
    REQUIRE(acquire(q, c).kind == grant::wait);
    CHECK(q.release_closed() == &b);
    CHECK(q.release_closed() == &c);
    CHECK(q.release_closed() == nullptr);
    CHECK(q.open() == 0);

    // a cancelled node can queue again
    pool r(1);
    fill(r, 1);
    waiter d;
    REQUIRE(acquire(r, d).kind == grant::wait);
    REQUIRE(r.cancel(d));
    REQUIRE(acquire(r, d).kind == grant::wait);
    CHECK(r.waiting() == 1);
    CHECK(r.release_reusable(9) == &d);
}

TEST_CASE("pool_state: stale idle connections are dropped and their slots freed")
{
    pool p(3);
    fill(p, 3);
    CHECK(p.release_reusable(1) == nullptr);
    CHECK(p.release_reusable(2) == nullptr);
    CHECK(p.release_reusable(3) == nullptr);
    REQUIRE(p.idle() == 3);

    std::set<int> stale{2, 3};
    std::vector<int> dropped;
    waiter w;
    auto r = p.acquire(w, [&](int& c) { return stale.count(c) == 0; }, dropped);
    CHECK(r.kind == grant::reuse);
    CHECK(r.conn == 1);
    std::sort(dropped.begin(), dropped.end());
    CHECK(dropped == std::vector<int>{2, 3});
    CHECK(p.idle() == 0);
    CHECK(p.open() == 1);

    // every idle connection stale: all dropped, then a fresh slot
    CHECK(p.release_reusable(std::move(r.conn)) == nullptr);
    dropped.clear();
    waiter v;
    auto s = p.acquire(v, [](int&) { return false; }, dropped);
    CHECK(s.kind == grant::open_new);
    CHECK(dropped == std::vector<int>{1});
    CHECK(p.open() == 1);
    CHECK(p.idle() == 0);
}

TEST_CASE("pool_state: take_idle() hands back every idle connection and frees their slots")
{
    pool p(4);
    fill(p, 3);
    CHECK(p.release_reusable(1) == nullptr);
    CHECK(p.release_reusable(2) == nullptr);
    auto idle = p.take_idle();
    std::sort(idle.begin(), idle.end());
    CHECK(idle == std::vector<int>{1, 2});
    CHECK(p.idle() == 0);
    CHECK(p.open() == 1);
    CHECK(p.take_idle().empty());
    CHECK(p.open() == 1);
}

TEST_CASE("pool_state: a move-only handle")
{
    meld::detail::transport::pool_state<std::unique_ptr<int>> p(1);
    decltype(p)::waiter a, b;
    std::vector<std::unique_ptr<int>> dropped;
    auto const ok = [](std::unique_ptr<int>& c) { return c != nullptr && *c > 0; };
    REQUIRE(p.acquire(a, ok, dropped).kind == grant::open_new);
    REQUIRE(p.acquire(b, ok, dropped).kind == grant::wait);
    CHECK(p.release_reusable(std::make_unique<int>(42)) == &b);
    REQUIRE(b.conn != nullptr);
    CHECK(*b.conn == 42);
    CHECK(p.release_reusable(std::move(b.conn)) == nullptr);
    decltype(p)::waiter c;
    auto r = p.acquire(c, ok, dropped);
    CHECK(r.kind == grant::reuse);
    REQUIRE(r.conn != nullptr);
    CHECK(*r.conn == 42);
    *r.conn = -1;  // now "stale"
    CHECK(p.release_reusable(std::move(r.conn)) == nullptr);
    decltype(p)::waiter d;
    CHECK(p.acquire(d, ok, dropped).kind == grant::open_new);
    REQUIRE(dropped.size() == 1);
    CHECK(*dropped[0] == -1);
}

// ---- randomized: thousands of steps against a reference model ------------------------------------------------

namespace {

struct model_call {
    waiter node;
    int id = 0;
    enum class where { queued, holding, cancelled, finished } state = where::queued;
    int conn = 0;  // while holding: the connection (0: a slot it is opening)
};

/// Runs `steps` random operations; after each, checks the pool against a simple model: a FIFO list of waiting
/// call ids, the set of idle connection ids, and which call holds what.
void run_random(std::uint32_t seed, std::size_t max_size, int steps)
{
    CAPTURE(seed, max_size);
    std::mt19937 rng(seed);
    auto const pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

    pool p(max_size);
    std::deque<std::unique_ptr<model_call>> calls;  // stable addresses
    std::deque<int> queue;                          // model: waiting call ids, oldest first
    std::set<int> idle;                             // model: idle connection ids
    std::set<int> stale;                            // connections the server has closed meanwhile
    std::map<int, model_call*> by_id;
    int next_call = 1, next_conn = 1;
    std::size_t grants = 0, hand_offs = 0, drops = 0;

    auto const holders = [&] {
        std::vector<model_call*> out;
        for (auto& c : calls)
            if (c->state == model_call::where::holding)
                out.push_back(c.get());
        return out;
    };
    // a served waiter: the model's oldest waiter, which now holds what it was given
    auto const served = [&](waiter* w, bool reuse, int conn) {
        REQUIRE(w != nullptr);
        REQUIRE_FALSE(queue.empty());
        auto* mc = static_cast<model_call*>(w->owner);
        CHECK(mc->id == queue.front());  // FIFO
        queue.pop_front();
        CHECK_FALSE(w->queued);
        CHECK(w->granted == (reuse ? grant::reuse : grant::open_new));
        if (reuse)
            CHECK(w->conn == conn);
        mc->state = model_call::where::holding;
        mc->conn = reuse ? w->conn : next_conn++;
        w->conn = 0;
        ++hand_offs;
    };

    for (int step = 0; step < steps; ++step) {
        CAPTURE(step);
        auto const h = holders();
        std::size_t const op = pick(100);
        if (op < 35) {  // a new call
            auto& mc = *calls.emplace_back(std::make_unique<model_call>());
            mc.id = next_call++;
            mc.node.owner = &mc;
            by_id[mc.id] = &mc;
            bool const was_waiting = !queue.empty();
            std::vector<int> dropped;
            auto r = p.acquire(mc.node, [&](int& c) { return stale.count(c) == 0; }, dropped);
            for (int d : dropped) {
                CHECK(stale.count(d) == 1);  // only stale ones are dropped
                CHECK(idle.erase(d) == 1);
                stale.erase(d);
                ++drops;
            }
            if (was_waiting) {  // never overtakes a waiter
                CHECK(r.kind == grant::wait);
                CHECK(dropped.empty());
            }
            switch (r.kind) {
            case grant::reuse:
                CHECK(idle.erase(r.conn) == 1);
                CHECK(stale.count(r.conn) == 0);
                mc.state = model_call::where::holding;
                mc.conn = r.conn;
                ++grants;
                break;
            case grant::open_new:
                // a slot only when no usable idle connection is left
                for (int i : idle)
                    CHECK(stale.count(i) == 1);
                mc.state = model_call::where::holding;
                mc.conn = next_conn++;
                ++grants;
                break;
            case grant::wait:
                CHECK(mc.node.queued);
                queue.push_back(mc.id);
                break;
            }
        } else if (op < 60 && !h.empty()) {  // a call finishes cleanly: its connection may be reused
            auto* mc = h[pick(h.size())];
            int const conn = mc->conn;
            mc->state = model_call::where::finished;
            if (waiter* w = p.release_reusable(conn))
                served(w, true, conn);
            else {
                CHECK(queue.empty());
                idle.insert(conn);
            }
        } else if (op < 75 && !h.empty()) {  // a call's connection broke (or its connect failed)
            auto* mc = h[pick(h.size())];
            mc->state = model_call::where::finished;
            if (waiter* w = p.release_closed())
                served(w, false, 0);
            else
                CHECK(queue.empty());
        } else if (op < 85 && !queue.empty()) {  // a waiter's deadline
            int const id = queue[pick(queue.size())];
            auto* mc = by_id[id];
            CHECK(p.cancel(mc->node));
            CHECK_FALSE(p.cancel(mc->node));
            mc->state = model_call::where::cancelled;
            queue.erase(std::find(queue.begin(), queue.end(), id));
        } else if (op < 90 && !h.empty()) {  // a served call tries to cancel too late
            CHECK_FALSE(p.cancel(h[pick(h.size())]->node));
        } else if (op < 96 && !idle.empty()) {  // the server closes an idle connection
            auto it = idle.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(pick(idle.size())));
            stale.insert(*it);
        } else if (op < 97) {  // shutdown of the idle ones
            auto taken = p.take_idle();
            std::set<int> const got(taken.begin(), taken.end());
            CHECK(got == idle);
            CHECK(taken.size() == got.size());  // no duplicates
            for (int c : taken)
                stale.erase(c);
            idle.clear();
        }

        // invariants
        std::size_t held = 0;
        std::set<int> held_conns;
        bool conns_distinct = true, queued_flags_match = true;
        for (auto& c : calls) {
            if (c->state == model_call::where::holding) {
                ++held;
                // no connection held twice, nor held and idle (a slot being opened has a fresh id)
                conns_distinct = conns_distinct && held_conns.insert(c->conn).second && idle.count(c->conn) == 0;
            }
            queued_flags_match = queued_flags_match && c->node.queued == (c->state == model_call::where::queued);
        }
        REQUIRE(conns_distinct);
        REQUIRE(queued_flags_match);
        REQUIRE(p.open() <= p.max_size());
        REQUIRE(p.open() == held + idle.size());
        REQUIRE(p.idle() == idle.size());
        REQUIRE(p.waiting() == queue.size());
        if (p.idle() > 0)
            REQUIRE(p.waiting() == 0);
        if (p.waiting() > 0)
            REQUIRE(p.open() == p.max_size());  // nobody waits while a slot is free

        // forget finished calls now and then (their nodes are no longer referenced by the pool)
        while (!calls.empty() && calls.front()->state != model_call::where::queued &&
               calls.front()->state != model_call::where::holding) {
            by_id.erase(calls.front()->id);
            calls.pop_front();
        }
    }
    // the run exercised every path
    CHECK(grants > 0);
    CHECK(hand_offs > 0);
    if (max_size > 1)
        CHECK(drops > 0);
}

}  // namespace

TEST_CASE("pool_state: randomized steps against a reference model keep every invariant")
{
    for (std::size_t max_size : {1u, 2u, 3u, 8u})
        for (std::uint32_t seed : {1u, 2u, 3u, 20240917u})
            run_random(seed, max_size, 5000);
}
