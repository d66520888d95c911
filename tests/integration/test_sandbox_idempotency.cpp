// tests/integration/test_sandbox_idempotency.cpp — the sandbox's X-Idempotency-Key behaviour and the trickling /
// silent raw scripts (raw_interval, hold_open), over real sockets (TLS or plain HTTP).
//
// Uses the raw Beast client of raw_http.hpp only (never the SDK's client or models), like test_sandbox.cpp, so the
// sandbox is tested on its own.
#include "raw_http.hpp"

// The store itself is internal to the sandbox (not installed); its release-on-abandon contract is tested directly.
#include "../../sandbox/src/idempotency.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace {

using namespace meld_test::raw_http;
using meld::emulator::server;
using meld::emulator::server_params;

std::string const payment_body = R"({"sourceAmount":"25.10","sourceCurrencyCode":"USD"})";

header_list keyed(std::string key, std::string authorization = auth) {
    return {{"Authorization", std::move(authorization)}, {"X-Idempotency-Key", std::move(key)}};
}

/// Every header of the answer, in order.
header_list fields(response const& r) {
    header_list out;
    for (auto const& f : r) out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return out;
}

/// totalCount of GET /payments/transactions (no key: never a replay).
std::int64_t transaction_count(server const& s) {
    auto r = call(s, "GET", "/payments/transactions?limit=1");
    REQUIRE(r.res.result_int() == 200);
    return parse(r).at("totalCount").to_number<std::int64_t>();
}

std::string transaction_id(result const& r) {
    auto const v = parse(r);
    if (auto const* t = v.as_object().if_contains("transaction")) return std::string(t->at("id").as_string());
    return std::string(v.at("id").as_string());
}

std::size_t posts_received(server const& s, std::string_view target) {
    std::size_t n = 0;
    for (auto const& r : s.requests()) n += r.method == "POST" && r.target == target;
    return n;
}

/// Waits until the server has read `n` requests (they are logged on arrival).
void wait_for_requests(server const& s, std::size_t n) {
    auto const deadline = clock_type::now() + 5s;
    while (s.requests().size() < n && clock_type::now() < deadline) std::this_thread::sleep_for(5ms);
    REQUIRE(s.requests().size() >= n);
}

}  // namespace

// ---- X-Idempotency-Key ------------------------------------------------------------------------------------------

TEST_CASE("sandbox idempotency: the same key twice replays the first answer, one transaction",
          "[sandbox][idempotency]") {
    running_server rs;
    auto const before = transaction_count(rs.srv);

    auto const key = std::string("6f1c2d0e-8d7a-4c1b-9b8e-2f3a4b5c6d7e");
    auto first = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    REQUIRE(first.res.result_int() == 201);
    auto second = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    CHECK(second.res.result_int() == 201);
    CHECK(second.res.body() == first.res.body());  // the same id, createdAt, ... byte for byte
    CHECK(fields(second.res) == fields(first.res));

    // Only one transaction exists, and it is the one both answers name.
    CHECK(transaction_count(rs.srv) == before + 1);
    auto const id = transaction_id(first);
    CHECK(call(rs.srv, "GET", "/payments/transactions/" + id).res.result_int() == 200);
    // Both requests reached the server (and are logged); the handler ran once.
    CHECK(posts_received(rs.srv, "/payments/transactions") == 2);

    SECTION("the key is not compared against the body (assumed)") {
        auto other = call(rs.srv, "POST", "/payments/transactions",
                          R"({"sourceAmount":"99.00","sourceCurrencyCode":"EUR"})", keyed(key));
        CHECK(other.res.body() == first.res.body());
        CHECK(transaction_count(rs.srv) == before + 1);
    }
    SECTION("keys are scoped per API key (the Authorization value)") {
        auto wrong = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key, "BASIC not:the-key"));
        require_error(wrong, 401, "UNAUTHORIZED");
        // ... and that 401, stored under the other credential, does not touch this one's answer
        CHECK(call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key)).res.body() == first.res.body());
    }
    SECTION("different keys are different requests") {
        auto a = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("key-a"));
        auto b = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("key-b"));
        REQUIRE(a.res.result_int() == 201);
        REQUIRE(b.res.result_int() == 201);
        CHECK(transaction_id(a) != transaction_id(b));
        CHECK(transaction_id(a) != id);
        CHECK(transaction_count(rs.srv) == before + 3);
        // each is replayed on its own
        CHECK(call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("key-a")).res.body() == a.res.body());
        CHECK(call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("key-b")).res.body() == b.res.body());
        CHECK(transaction_count(rs.srv) == before + 3);
    }
    SECTION("without a key every request is handled") {
        auto a = call(rs.srv, "POST", "/payments/transactions", payment_body);
        auto b = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(""));  // empty: no key
        CHECK(transaction_id(a) != transaction_id(b));
        CHECK(transaction_count(rs.srv) == before + 3);
    }
}

TEST_CASE("sandbox idempotency: any method and route, error answers and their headers replayed exactly",
          "[sandbox][idempotency]") {
    running_server rs{{.tls = false}};
    // 405 carries an Allow header and a fresh requestId: the replay has the same ones.
    auto a = call(rs.srv, "PUT", "/payments/transactions", {}, keyed("put-key"));
    require_error(a, 405, "METHOD_NOT_ALLOWED");
    auto b = call(rs.srv, "PUT", "/payments/transactions", {}, keyed("put-key"));
    CHECK(b.res.result_int() == 405);
    CHECK(b.res.body() == a.res.body());
    CHECK(b.res[http::field::allow] == "GET, POST");
    CHECK(fields(b.res) == fields(a.res));
    // without the key, two 405s are two answers (another requestId)
    auto c = call(rs.srv, "PUT", "/payments/transactions");
    auto d = call(rs.srv, "PUT", "/payments/transactions");
    CHECK(c.res.body() != d.res.body());

    // a keyed payout replays on the same connection too (keep-alive)
    asio::io_context ioc;
    client cl{ioc, rs.srv};
    REQUIRE_FALSE(cl.connect());
    auto x = cl.request("POST", "/payments/transactions/payout", payment_body, keyed("payout-key"));
    auto y = cl.request("POST", "/payments/transactions/payout", payment_body, keyed("payout-key"));
    REQUIRE_FALSE(x.ec);
    REQUIRE_FALSE(y.ec);
    CHECK(x.res.result_int() == 201);
    CHECK(y.res.body() == x.res.body());
    CHECK(rs.srv.connections_accepted() == 5);
}

TEST_CASE("sandbox idempotency: the same key while the first is in flight gets 425 TOO_EARLY",
          "[sandbox][idempotency]") {
    running_server rs{{.latency = 400ms}};
    auto const before = transaction_count(rs.srv);
    rs.srv.clear_requests();

    auto const key = std::string("0b7e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    auto first = std::async(std::launch::async,
                            [&] { return send(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key)); });
    wait_for_requests(rs.srv, 1);  // the first is being handled (its latency runs) ...
    std::this_thread::sleep_for(30ms);
    auto other_key = std::async(std::launch::async, [&] {
        return send(rs.srv, "POST", "/payments/transactions", payment_body, keyed("another-key"));
    });
    auto early = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));  // ... the duplicate
    require_error(early, 425, "TOO_EARLY");
    auto const errors = parse(early).at("errors").as_array();
    REQUIRE(errors.size() == 1);
    CHECK(errors.at(0).as_string() == "[X-Idempotency-Key] a request with this key is still being processed");
    CHECK(parse(early).at("message").as_string() == "Too early");

    auto const a = first.get();
    REQUIRE_FALSE(a.ec);
    CHECK(a.res.result_int() == 201);
    auto const b = other_key.get();  // another key is not held up by this one
    REQUIRE_FALSE(b.ec);
    CHECK(b.res.result_int() == 201);

    // The 425 was not stored: the retry after completion gets the first answer.
    auto retry = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    CHECK(retry.res.result_int() == 201);
    CHECK(retry.res.body() == a.res.body());
    CHECK(transaction_count(rs.srv) == before + 2);  // `key` once, "another-key" once
}

TEST_CASE("sandbox idempotency: scripted answers stand in front and are not stored", "[sandbox][idempotency]") {
    running_server rs;
    auto const before = transaction_count(rs.srv);
    auto const key = std::string("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a");
    rs.srv.script("POST", "/payments/transactions", {.status = 503, .body = R"({"code":"SERVICE_UNAVAILABLE"})"}, 1);

    auto unavailable = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    CHECK(unavailable.res.result_int() == 503);
    CHECK(transaction_count(rs.srv) == before);

    // The retry reaches the real handler, whose answer is stored ...
    auto real = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    REQUIRE(real.res.result_int() == 201);
    CHECK(transaction_count(rs.srv) == before + 1);
    // ... and replayed to the next retry.
    auto replay = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key));
    CHECK(replay.res.body() == real.res.body());

    // A script still answers first for a stored key (the load balancer does not know keys) ...
    rs.srv.script("POST", "/payments/transactions", {.status = 502, .body = "{}"}, 1);
    CHECK(call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key)).res.result_int() == 502);
    // ... and the key's answer is still there behind it.
    CHECK(call(rs.srv, "POST", "/payments/transactions", payment_body, keyed(key)).res.body() == real.res.body());
    CHECK(transaction_count(rs.srv) == before + 1);
}

TEST_CASE("sandbox idempotency = false: the header is ignored", "[sandbox][idempotency]") {
    running_server rs{{.tls = false, .idempotency = false}};
    auto const before = transaction_count(rs.srv);
    auto a = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("same-key"));
    auto b = call(rs.srv, "POST", "/payments/transactions", payment_body, keyed("same-key"));
    REQUIRE(a.res.result_int() == 201);
    REQUIRE(b.res.result_int() == 201);
    CHECK(transaction_id(a) != transaction_id(b));
    CHECK(transaction_count(rs.srv) == before + 2);
}

TEST_CASE("sandbox idempotency: a request stopped in its latency does not hang teardown",
          "[sandbox][idempotency]") {
    std::optional<running_server> rs{std::in_place, server_params{.latency = 10s}};
    auto pending = std::async(std::launch::async, [&] {
        return send(rs->srv, "POST", "/payments/transactions", payment_body, keyed("stopped-key"));
    });
    wait_for_requests(rs->srv, 1);
    auto const t0 = clock_type::now();
    rs.reset();  // stop + join: the session in its latency ends (and releases its key)
    CHECK(clock_type::now() - t0 < 2s);
    CHECK(pending.get().ec);  // the connection was closed without an answer
}

TEST_CASE("sandbox idempotency store: claims, replays, release on abandon, bounded size",
          "[sandbox][idempotency]") {
    using meld::emulator::detail::http_answer;
    using meld::emulator::detail::idempotency_store;
    using outcome = idempotency_store::outcome;
    idempotency_store store{3};
    CHECK(store.capacity() == 3);

    {
        auto a = store.begin("BASIC k", "key");
        REQUIRE(a.kind == outcome::first);
        CHECK(static_cast<bool>(a.claim));
        CHECK(store.begin("BASIC k", "key").kind == outcome::in_flight);
        CHECK(store.begin("BASIC other", "key").kind == outcome::first);  // another scope (released at once)
        CHECK(store.in_flight() == 1);
    }  // `a` abandoned without an answer: the key is free again
    CHECK(store.in_flight() == 0);

    auto b = store.begin("BASIC k", "key");
    REQUIRE(b.kind == outcome::first);
    auto moved = std::move(b.claim);  // a ticket is movable; the moved-from one holds nothing
    CHECK_FALSE(static_cast<bool>(b.claim));
    moved.complete(http_answer{201, "application/json", R"({"id":"x"})", {{"X-Extra", "1"}}});
    CHECK_FALSE(static_cast<bool>(moved));
    {
        auto r = store.begin("BASIC k", "key");
        REQUIRE(r.kind == outcome::replay);
        CHECK(r.stored.status == 201);
        CHECK(r.stored.body == R"({"id":"x"})");
        CHECK(r.stored.headers == header_list{{"X-Extra", "1"}});
    }
    CHECK(store.stored() == 1);

    // (scope, key) pairs never collide by concatenation
    auto ab = store.begin("a", "bc");
    CHECK(store.begin("ab", "c").kind == outcome::first);
    ab.claim.release();
    CHECK(store.begin("a", "bc").kind == outcome::first);

    // beyond the capacity, the oldest stored answer is forgotten first
    for (int k = 0; k < 3; ++k) {
        auto l = store.begin("BASIC k", "key-" + std::to_string(k));
        REQUIRE(l.kind == outcome::first);
        l.claim.complete(http_answer{200, "application/json", std::to_string(k), {}});
    }
    CHECK(store.stored() == 3);
    CHECK(store.begin("BASIC k", "key").kind == outcome::first);  // the oldest, evicted
    CHECK(store.begin("BASIC k", "key-0").kind == outcome::replay);
    CHECK(store.begin("BASIC k", "key-2").kind == outcome::replay);
}

// ---- raw_interval and hold_open -----------------------------------------------------------------------------------

TEST_CASE("sandbox raw_interval trickles the raw bytes one at a time", "[sandbox][script][raw]") {
    bool const tls = GENERATE(true, false);
    INFO("tls " << tls);
    running_server rs{{.tls = tls}};
    std::string const raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    constexpr auto interval = 15ms;
    // (n - 1) pauses between the first and the last byte; a little slack for the timer's rounding
    auto const min_spread = interval * static_cast<int>(raw.size() - 1) * 9 / 10;
    rs.srv.script("GET", "/trickle", {.raw = raw, .raw_interval = interval});

    asio::io_context ioc;
    {
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto const t0 = clock_type::now();
        auto r = c.request_raw("GET", "/trickle");
        CHECK(r.bytes() == raw);
        CHECK(r.ec);  // then closed
        REQUIRE(r.chunks.size() >= 2);
        auto const spread = r.chunks.back().first - r.chunks.front().first;
        CHECK(spread >= min_spread);
        CHECK(r.chunks.size() > raw.size() / 2);  // they really came apart
        CHECK(clock_type::now() - t0 < 5s);
    }
    {
        // An HTTP client sees a complete (slow) answer.
        client c{ioc, rs.srv};
        REQUIRE_FALSE(c.connect());
        auto r = c.request("GET", "/trickle");
        REQUIRE_FALSE(r.ec);
        CHECK(r.res.body() == "ok");
        CHECK(r.elapsed >= min_spread);
    }
}

TEST_CASE("sandbox hold_open keeps the connection after the raw bytes until the client closes",
          "[sandbox][script][raw]") {
    bool const tls = GENERATE(true, false);
    INFO("tls " << tls);
    std::optional<running_server> rs{std::in_place, server_params{.tls = tls}};
    std::string const head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n";
    rs->srv.script("GET", "/silent", {.raw = head, .hold_open = true});
    rs->srv.script("GET", "/slow-silent", {.raw = head, .raw_interval = 1s, .hold_open = true});

    // An HTTP client waits for the body that never comes: its timeout, not an early close.
    asio::io_context ioc;
    {
        client c{ioc, rs->srv};
        REQUIRE_FALSE(c.connect());
        auto p = c.request("GET", "/silent", {}, {{"Authorization", auth}}, 300ms);
        CHECK(p.ec == beast::error::timeout);
        c.close();  // the client gives up and closes: the server's session ends
    }

    // A held connection: the head arrives, then nothing, and the connection stays open ...
    asio::io_context held_ioc;
    client held{held_ioc, rs->srv};
    REQUIRE_FALSE(held.connect());
    auto hold = std::async(std::launch::async, [&] { return held.request_raw("GET", "/silent", 30s); });
    // ... and a trickle that would take a minute, on another connection.
    asio::io_context trickle_ioc;
    client trickling{trickle_ioc, rs->srv};
    REQUIRE_FALSE(trickling.connect());
    auto trickle = std::async(std::launch::async, [&] { return trickling.request_raw("GET", "/slow-silent", 30s); });

    // Neither blocks other connections.
    auto const t0 = clock_type::now();
    auto ok = call(rs->srv, "GET", "/payments/transactions?limit=1");
    CHECK(ok.res.result_int() == 200);
    CHECK(clock_type::now() - t0 < 1s);
    CHECK(hold.wait_for(400ms) == std::future_status::timeout);  // still open, long after the head

    // stop() ends the held connection and the trickle promptly: teardown (stop + join) does not hang.
    auto const t1 = clock_type::now();
    rs.reset();
    CHECK(clock_type::now() - t1 < 2s);
    REQUIRE(hold.wait_for(3s) == std::future_status::ready);
    auto const h = hold.get();
    CHECK(h.bytes() == head);
    CHECK(h.ec);
    CHECK(h.ec != beast::error::timeout);  // closed by the server, not left hanging
    REQUIRE(trickle.wait_for(3s) == std::future_status::ready);
    auto const t = trickle.get();
    CHECK(t.ec);
    CHECK(t.ec != beast::error::timeout);
    CHECK_FALSE(t.bytes().empty());
    CHECK(t.bytes().size() < head.size());
}
