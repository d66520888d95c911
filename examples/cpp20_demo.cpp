// examples/cpp20_demo.cpp — quote -> widget session -> transaction lookup, printed readably.
//
//   cpp20_demo --local          run against the bundled local sandbox (started in this process)
//   MELD_API_KEY=... cpp20_demo run against Meld's hosted sandbox (https://api-sb.meld.io)
#include <meld/meld.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>
#include <thread>

namespace asio = boost::asio;

namespace {

template <class T>
std::string show(std::optional<T> const& v)
{
    if (!v)
        return "-";
    if constexpr (std::is_convertible_v<T, std::string_view>)
        return std::string(*v);
    else if constexpr (requires { v->str(); })
        return std::string(v->str());
    else
        return std::string(v->text());
}

asio::awaitable<void> demo(meld::client& meld)
{
    // 1. What would 100 USD of BTC cost, per provider?
    // (Requests are named variables, not temporaries inside the co_await expression: gcc 12 destroys such
    //  aggregate temporaries twice — a compiler bug fixed in gcc 13; clang is not affected.)
    meld::crypto::quote_request const quote_req{.countryCode = "US",
                                                .destinationCurrencyCode = "BTC",
                                                .sourceAmount = meld::decimal{"100"},
                                                .sourceCurrencyCode = "USD"};
    auto quotes = co_await meld.crypto.quote(quote_req);
    std::cout << "Quotes for 100 USD -> BTC:\n";
    for (auto const& q : quotes.quotes.value_or(std::vector<meld::crypto::crypto_quote>{}))
        std::cout << "  " << show(q.serviceProvider) << ": " << show(q.destinationAmount) << " BTC, fee "
                  << show(q.totalFee) << " " << show(q.sourceCurrencyCode) << ", rate " << show(q.exchangeRate)
                  << "\n";

    // 2. Open a widget session with the provider.
    meld::crypto::create_widget_session_request const session_req{
        .externalCustomerId = "user_123",
        .externalSessionId = "demo-session-1",
        .sessionData = meld::crypto::crypto_buy_session_data{.countryCode = "US",
                                                             .destinationCurrencyCode = "BTC",
                                                             .redirectUrl = "https://yourapp.com/transaction-complete",
                                                             .serviceProvider = meld::crypto::service_provider::TRANSAK,
                                                             .sourceAmount = "100",
                                                             .sourceCurrencyCode = "USD",
                                                             .walletAddress = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"},
        .sessionType = meld::crypto::session_type::BUY};
    auto session = co_await meld.crypto.create_widget_session(session_req);
    std::cout << "\nWidget session " << show(session.id) << "\n  open: " << show(session.widgetUrl) << "\n";

    // 3. Find the transaction that session created, then fetch it by id.
    meld::payments::transactions_search_request const by_session{.limit = 5, .sessionIds = std::vector{*session.id}};
    auto page = co_await meld.payments.transactions.search(by_session);
    auto const& rows = page.transactions.value_or(decltype(page.transactions)::value_type{});
    std::cout << "\nTransactions for the session: " << rows.size() << "\n";
    if (rows.empty() || !rows.front().id)
        co_return;
    meld::payments::transactions_get_request const get_req{.id = *rows.front().id};
    auto tx = co_await meld.payments.transactions.get(get_req);
    auto const& t = tx.transaction.value();
    std::cout << "Transaction " << show(t.id) << "\n  status:      " << show(t.status)
              << "\n  type:        " << show(t.transactionType) << "\n  source:      " << show(t.sourceAmount)
              << " " << show(t.sourceCurrencyCode) << "\n  destination: " << show(t.destinationAmount) << " "
              << show(t.destinationCurrencyCode) << "\n  provider:    " << show(t.serviceProvider)
              << "\n  created:     " << show(t.createdAt) << "\n";
}

}  // namespace

int main(int argc, char** argv)
{
    bool const local = argc > 1 && std::string_view(argv[1]) == "--local";
    char const* key = std::getenv("MELD_API_KEY");
    if (!local && key == nullptr) {
        std::cerr << "usage: cpp20_demo --local   (or set MELD_API_KEY to use Meld's hosted sandbox)\n";
        return 2;
    }

    // The local sandbox runs on its own thread, as a remote server would.
    asio::io_context server_ioc;
    auto work = asio::make_work_guard(server_ioc);
    std::optional<meld::emulator::server> sandbox;
    std::thread server_thread;
    meld::client_params params{.api_key = key ? key : "", .base_url = std::string(meld::sandbox)};
    if (local) {
        sandbox.emplace(server_ioc.get_executor());
        sandbox->start();
        server_thread = std::thread([&] { server_ioc.run(); });
        params.api_key = sandbox->params().api_key;
        params.base_url = sandbox->base_url();
        params.tls.ca_pem = sandbox->certificate_pem();
        std::cout << "local sandbox at " << params.base_url << "\n\n";
    }

    int rc = 0;
    {
        asio::io_context ioc;
        meld::client meld{ioc.get_executor(), params};
        auto done = asio::co_spawn(ioc, demo(meld), asio::use_future);
        ioc.run();
        try {
            done.get();
        } catch (meld::error const& e) {
            std::cerr << "meld error: " << e.what() << "\n";
            rc = 1;
        }
    }
    if (sandbox)
        sandbox->stop();
    work.reset();
    if (server_thread.joinable())
        server_thread.join();
    return rc;
}
