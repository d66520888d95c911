// End-to-end webhooks: the local sandbox delivers signed events over real sockets to a receiver built from the
// SDK's sans-io receiver flow (accept_delivery / complete_delivery + in_memory_dedupe_store).
//
// The sandbox (TLS, its own thread) is configured with the receiver's URL and secret; a widget session created
// through meld::client yields TRANSACTION_CRYPTO_PENDING -> _TRANSFERRING -> _COMPLETE, in order. The receiver
// fails the first PENDING delivery (handler failure: 500), then handles the redelivery but "loses" its
// acknowledgement (answers 500 anyway), so the third delivery of the same eventId is a duplicate: acknowledged
// without running the handler again. KYC initiation yields CUSTOMER_KYC_STATUS_CHANGE (also to a profile
// subscribed to it, signed with the profile's secret), and the profile's test operation WEBHOOK_TEST.
// Waiting uses a condition variable with generous timeouts; requests are named variables before co_await.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>
#include <meld/webhook.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace wh = meld::webhooks;
using meld_test::run_coro;
using meld_test::sandbox_fixture;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto wait_limit = 30s;  // generous: a slow CI machine, not a performance assertion

/// A webhook receiver on a loopback socket (its own io_context and thread). Each path is one registered URL
/// with its secret; every delivery is recorded with the status answered.
class test_receiver {
public:
    struct delivery {
        std::string path{}, event_id{}, event_type{}, signature{}, timestamp{};
        unsigned status = 0;
        bool duplicate = false;
        bool handled = false;  // the handler ran (and succeeded) for this delivery
    };

    test_receiver() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
    {
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~test_receiver()
    {
        ioc_.stop();
        thread_.join();
    }
    test_receiver(test_receiver const&) = delete;
    test_receiver& operator=(test_receiver const&) = delete;

    std::string url(std::string const& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

    /// Registers `path` (the URL registered at the sender is url(path)) with its secret.
    void endpoint(std::string const& path, std::string const& secret)
    {
        std::lock_guard lock{mutex_};
        secrets_[path] = secret;
    }
    /// The handler fails the first delivery of `type` (answer 500 -> redelivery).
    void fail_handler_once(std::string type)
    {
        std::lock_guard lock{mutex_};
        fail_once_.insert(std::move(type));
    }
    /// The first successful handling of `type` is answered 500 anyway (a lost acknowledgement).
    void lose_ack_once(std::string type)
    {
        std::lock_guard lock{mutex_};
        lose_ack_once_.insert(std::move(type));
    }

    /// Waits until `pred(deliveries, handled)` holds (under the lock); false on timeout.
    bool wait(std::function<bool(std::vector<delivery> const&, std::vector<wh::event> const&)> const& pred)
    {
        std::unique_lock lock{mutex_};
        return cv_.wait_for(lock, wait_limit, [&] { return pred(deliveries_, handled_); });
    }
    std::vector<delivery> deliveries() const
    {
        std::lock_guard lock{mutex_};
        return deliveries_;
    }
    std::vector<wh::event> handled() const
    {
        std::lock_guard lock{mutex_};
        return handled_;
    }

private:
    asio::awaitable<void> accept_loop()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(ioc_, serve(beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    asio::awaitable<void> serve(beast::tcp_stream stream)
    {
        beast::flat_buffer buffer;
        http::request_parser<http::string_body> parser;
        parser.body_limit(wh::default_max_body_size);
        stream.expires_after(30s);
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)rn;
        if (rec) co_return;
        auto const& req = parser.get();
        unsigned const status = on_delivery(std::string(req.target()), req[wh::signature_header],
                                            req[wh::signature_timestamp_header], req.body());
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.keep_alive(false);
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    /// The SDK's receiver flow: authenticate, parse, claim; run the handler; complete.
    unsigned on_delivery(std::string const& path, std::string_view signature, std::string_view timestamp,
                         std::string_view body)
    {
        std::lock_guard lock{mutex_};
        delivery d{.path = path, .signature = std::string(signature), .timestamp = std::string(timestamp)};
        wh::verify_params vp{.secrets = {secrets_.count(path) ? secrets_[path] : std::string()}, .url = url(path)};
        auto v = wh::accept_delivery(vp, &store_, signature, timestamp, body);
        d.event_id = std::string(v.ev.id());
        d.event_type = v.ev.envelope.eventType ? v.ev.type().str() : std::string();
        d.duplicate = v.duplicate;
        if (v.must_handle()) {
            bool ok = !fail_once_.erase(d.event_type);
            if (ok) {
                handled_.push_back(v.ev);  // the "business logic"
                d.handled = true;
            }
            d.status = wh::complete_delivery(&store_, v.ev, ok);
            if (ok && lose_ack_once_.erase(d.event_type)) d.status = 500;
        } else {
            d.status = v.status;
        }
        deliveries_.push_back(d);
        cv_.notify_all();
        return d.status;
    }

    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, std::string> secrets_;
    std::set<std::string> fail_once_, lose_ack_once_;
    wh::in_memory_dedupe_store store_;
    std::vector<delivery> deliveries_;
    std::vector<wh::event> handled_;
};

std::size_t count_type(std::vector<wh::event> const& events, std::string_view type)
{
    std::size_t n = 0;
    for (auto const& e : events) n += e.type().str() == type;
    return n;
}

}  // namespace

TEST_CASE("webhooks end to end: sandbox -> receiver over real sockets, redelivery deduped")
{
    test_receiver rx;
    std::string const secret = "whsec-sandbox-e2e-secret";
    rx.endpoint("/meld/webhooks", secret);
    rx.fail_handler_once("TRANSACTION_CRYPTO_PENDING");
    rx.lose_ack_once("TRANSACTION_CRYPTO_PENDING");

    meld::emulator::server_params p;
    p.webhook_url = rx.url("/meld/webhooks");
    p.webhook_secret = secret;
    p.webhook_profiles = true;
    p.webhook_step = 100ms;
    p.webhook_retry_initial = 50ms;
    p.webhook_max_attempts = 4;
    sandbox_fixture sb{p};
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};

    // a profile subscribed to KYC changes only, on its own path, signed with its own secret
    wh::profiles_create_request const create_profile{
        .eventTypes = std::vector<wh::event_type>{wh::event_type::CUSTOMER_KYC_STATUS_CHANGE},
        .name = "kyc-only", .url = rx.url("/profile")};
    auto profile = run_coro(ioc, [&] { return meld.webhooks.profiles.create(create_profile); });
    REQUIRE(profile.id);
    REQUIRE(profile.secret);
    rx.endpoint("/profile", *profile.secret);

    // ---- widget session -> TRANSACTION_CRYPTO_PENDING -> _TRANSFERRING -> _COMPLETE ----
    meld::crypto::create_widget_session_request const buy_req{
        .externalCustomerId = "user_wh",
        .externalSessionId = "session_wh",
        .sessionData = meld::crypto::crypto_buy_session_data{
            .countryCode = "US", .destinationCurrencyCode = "BTC",
            .serviceProvider = meld::crypto::service_provider::TRANSAK, .sourceAmount = "100",
            .sourceCurrencyCode = "USD", .walletAddress = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"},
        .sessionType = meld::crypto::session_type::BUY};
    auto session = run_coro(ioc, [&] { return meld.crypto.create_widget_session(buy_req); });
    REQUIRE(session.id);

    REQUIRE(rx.wait([](auto const&, auto const& handled) {
        return count_type(handled, "TRANSACTION_CRYPTO_COMPLETE") == 1;
    }));
    auto const handled = rx.handled();
    REQUIRE(handled.size() == 3);  // each event handled exactly once, in order
    char const* const types[] = {"TRANSACTION_CRYPTO_PENDING", "TRANSACTION_CRYPTO_TRANSFERRING",
                                 "TRANSACTION_CRYPTO_COMPLETE"};
    char const* const statuses[] = {"PENDING", "SETTLING", "SETTLED"};
    std::string tx_id;
    std::set<std::string> ids;
    for (std::size_t k = 0; k < 3; ++k) {
        auto const& ev = handled[k];
        CHECK(ev.type().str() == types[k]);
        CHECK(ev.id().size() == 22);
        ids.insert(std::string(ev.id()));
        CHECK(ev.envelope.accountId == "WQ5RyhdFzE45qjsomdzQ1u");
        CHECK(!ev.envelope.profileId);  // the configured URL is not a profile
        CHECK(ev.envelope.version == "2025-03-01");
        CHECK(ev.envelope.timestamp);
        auto const* tp = std::visit(
            [](auto const& payload) -> wh::transaction_payload const* {
                if constexpr (std::is_base_of_v<wh::transaction_payload, std::decay_t<decltype(payload)>>)
                    return &payload;
                else
                    return nullptr;
            },
            ev.payload);
        REQUIRE(tp);
        REQUIRE(tp->paymentTransactionId);
        if (k == 0) tx_id = *tp->paymentTransactionId;
        CHECK(tp->paymentTransactionId == tx_id);
        CHECK(tp->paymentTransactionStatus.value_or(wh::transaction_status{}).str() == statuses[k]);
        CHECK(tp->transactionType == wh::transaction_type::CRYPTO_PURCHASE);
        CHECK(tp->sessionId == session.id);
        CHECK(tp->externalCustomerId == "user_wh");
        CHECK(tp->externalSessionId == "session_wh");
    }
    CHECK(ids.size() == 3);
    CHECK(std::holds_alternative<wh::transaction_crypto_pending_payload>(handled[0].payload));
    CHECK(std::holds_alternative<wh::transaction_crypto_complete_payload>(handled[2].payload));

    // the PENDING event: 500 (handler failed), 500 (handled, acknowledgement lost), 200 duplicate; same eventId
    std::vector<test_receiver::delivery> pending;
    for (auto const& d : rx.deliveries())
        if (d.event_type == "TRANSACTION_CRYPTO_PENDING") pending.push_back(d);
    REQUIRE(pending.size() == 3);
    CHECK(pending[0].event_id == handled[0].id());
    CHECK(pending[1].event_id == handled[0].id());
    CHECK(pending[2].event_id == handled[0].id());
    CHECK((pending[0].status == 500 && !pending[0].handled));
    CHECK((pending[1].status == 500 && pending[1].handled));
    CHECK((pending[2].status == 200 && pending[2].duplicate && !pending[2].handled));
    CHECK(pending[1].timestamp != "");
    for (auto const& d : rx.deliveries()) CHECK(d.status != 401);  // every signature verified

    // the state changes are real: the transaction is SETTLED now
    meld::payments::transactions_get_request const get_tx{.id = tx_id};
    auto tx = run_coro(ioc, [&] { return meld.payments.transactions.get(get_tx); });
    REQUIRE(tx.transaction);
    CHECK(tx.transaction->status == "SETTLED");

    // ---- KYC initiate -> CUSTOMER_KYC_STATUS_CHANGE (configured URL + the subscribed profile) ----
    meld::customers::create_request const create_customer{.email = "kyc@example.com", .externalId = "kyc-wh",
                                                           .type = meld::customers::customer_type::INDIVIDUAL};
    auto customer = run_coro(ioc, [&] { return meld.customers.create(create_customer); });
    REQUIRE(customer.id);
    meld::customers::kyc_initiate_request const kyc{
        .customerId = *customer.id, .mode = meld::customers::kyc_initiate_request_mode::HOSTED_URL,
        .serviceProvider = meld::customers::initiate_kyc_response_service_provider::SUMSUB};
    run_coro(ioc, [&] { return meld.customers.kyc.initiate(kyc); });
    REQUIRE(rx.wait([](auto const&, auto const& h) { return count_type(h, "CUSTOMER_KYC_STATUS_CHANGE") == 2; }));
    bool to_profile = false, to_configured = false;
    for (auto const& ev : rx.handled()) {
        if (ev.type().str() != "CUSTOMER_KYC_STATUS_CHANGE") continue;
        auto const& k = std::get<wh::customer_kyc_status_change_payload>(ev.payload);
        CHECK(k.customerId == customer.id);
        CHECK(k.status == wh::kyc_status::APPROVED);
        CHECK(k.serviceProvider == "SUMSUB");
        if (ev.envelope.profileId == profile.id) to_profile = true;
        if (!ev.envelope.profileId) to_configured = true;
    }
    CHECK(to_profile);
    CHECK(to_configured);

    // ---- the profile's test operation -> WEBHOOK_TEST (to that profile only) ----
    wh::profiles_test_request const test{.webhookProfileId = *profile.id};
    auto t = run_coro(ioc, [&] { return meld.webhooks.profiles.test(test); });
    REQUIRE(rx.wait([](auto const&, auto const& h) { return count_type(h, "WEBHOOK_TEST") == 1; }));
    for (auto const& ev : rx.handled()) {
        if (ev.type().str() != "WEBHOOK_TEST") continue;
        CHECK(ev.envelope.profileId == profile.id);
        CHECK(std::get<wh::webhook_test_payload>(ev.payload).requestId == t.requestId);
    }
    for (auto const& d : rx.deliveries()) {
        CHECK(d.status != 401);
        if (d.event_type == "WEBHOOK_TEST") CHECK(d.path == "/profile");
        if (d.event_type.rfind("TRANSACTION_", 0) == 0) CHECK(d.path == "/meld/webhooks");  // profile filter
    }
}

namespace {

/// The POST /hooks requests a receiver sandbox has recorded so far.
std::vector<meld::emulator::recorded_request> hook_posts(meld::emulator::server& receiver)
{
    std::vector<meld::emulator::recorded_request> out;
    for (auto& r : receiver.requests())
        if (r.method == "POST" && r.target == "/hooks")
            out.push_back(std::move(r));
    return out;
}

/// Creates a widget session (three webhook events follow).
void create_session(asio::io_context& ioc, meld::client& meld)
{
    meld::crypto::create_widget_session_request const req{
        .externalCustomerId = "user_tls",
        .sessionData = meld::crypto::crypto_buy_session_data{
            .countryCode = "US", .destinationCurrencyCode = "BTC",
            .serviceProvider = meld::crypto::service_provider::TRANSAK, .sourceAmount = "100",
            .sourceCurrencyCode = "USD", .walletAddress = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"},
        .sessionType = meld::crypto::session_type::BUY};
    auto session = run_coro(ioc, [&] { return meld.crypto.create_widget_session(req); });
    REQUIRE(session.id);
}

}  // namespace

TEST_CASE("webhooks over https: delivered to a receiver the sandbox trusts, never to one it does not")
{
    // The receiver is a second sandbox (TLS, its own certificate) whose scripted POST /hooks answers 200 and
    // records each delivery with its headers and body.
    sandbox_fixture receiver;
    receiver.server().script("POST", "/hooks", {.status = 200, .body = "{}"});
    std::string const url = receiver.server().base_url() + "/hooks";
    std::string const secret = "whsec-https-delivery";

    SECTION("trusted: three signed events, in order")
    {
        meld::emulator::server_params p;
        p.webhook_url = url;
        p.webhook_secret = secret;
        p.webhook_step = 50ms;
        p.webhook_ca_pem = receiver.server().certificate_pem();
        sandbox_fixture sb{p};
        asio::io_context ioc;
        meld::client meld{ioc.get_executor(), sb.client_params()};
        create_session(ioc, meld);

        auto const deadline = std::chrono::steady_clock::now() + wait_limit;
        while (hook_posts(receiver.server()).size() < 3 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        auto const posts = hook_posts(receiver.server());
        REQUIRE(posts.size() == 3);
        char const* const types[] = {"TRANSACTION_CRYPTO_PENDING", "TRANSACTION_CRYPTO_TRANSFERRING",
                                     "TRANSACTION_CRYPTO_COMPLETE"};
        wh::verify_params const vp{.secrets = {secret}, .url = url};
        for (std::size_t i = 0; i < posts.size(); ++i) {
            auto const& d = posts[i];
            CHECK_FALSE(wh::verify(vp, d.header("Meld-Signature"), d.header("Meld-Signature-Timestamp"), d.body));
            wh::event ev;
            REQUIRE_FALSE(wh::parse_event(d.body, ev));
            CHECK(ev.type().str() == types[i]);
        }
    }

    SECTION("untrusted certificate: the TLS handshake fails, nothing is posted")
    {
        meld::emulator::server_params p;
        p.webhook_url = url;
        p.webhook_secret = secret;
        p.webhook_step = 50ms;
        p.webhook_max_attempts = 1;
        p.webhook_ca_pem = sandbox_fixture{}.server().certificate_pem();  // another sandbox's certificate
        sandbox_fixture sb{p};
        asio::io_context ioc;
        meld::client meld{ioc.get_executor(), sb.client_params()};
        auto const before = receiver.server().connections_accepted();
        create_session(ioc, meld);

        // the first delivery connects (the handshake is refused by the sandbox); give it time to try
        auto const deadline = std::chrono::steady_clock::now() + wait_limit;
        while (receiver.server().connections_accepted() == before && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        CHECK(receiver.server().connections_accepted() > before);
        std::this_thread::sleep_for(300ms);
        CHECK(hook_posts(receiver.server()).empty());
    }
}
