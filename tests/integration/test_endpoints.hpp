// tests/integration/test_endpoints.hpp — small test-local descriptors (a quote POST, a transaction GET) and a
// client over them, so the engine's layers are tested without the generated operations.
#ifndef MELD_TESTS_TEST_ENDPOINTS_HPP
#define MELD_TESTS_TEST_ENDPOINTS_HPP

#include "sandbox_fixture.hpp"

#include <meld/decimal.hpp>
#include <meld/detail/engine.hpp>
#include <meld/operation.hpp>
#include <meld/raw_json.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/describe/class.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace meld_test {

namespace asio = boost::asio;

struct quote_req {
    std::string countryCode{};
    std::string destinationCurrencyCode{};
    meld::decimal sourceAmount{};
    std::string sourceCurrencyCode{};
};
BOOST_DESCRIBE_STRUCT(quote_req, (), (countryCode, destinationCurrencyCode, sourceAmount, sourceCurrencyCode))

struct quote_row {
    std::optional<meld::decimal> sourceAmount{};
    std::optional<meld::decimal> destinationAmount{};
    std::optional<std::string> serviceProvider{};
};
BOOST_DESCRIBE_STRUCT(quote_row, (), (sourceAmount, destinationAmount, serviceProvider))

struct quote_resp {
    std::optional<std::vector<quote_row>> quotes{};
};
BOOST_DESCRIBE_STRUCT(quote_resp, (), (quotes))

struct test_quote {
    static constexpr std::string_view name = "test.quote";
    static constexpr meld::http_method method = meld::http_method::post;
    static constexpr std::string_view path = "/payments/crypto/quote";
    using request_type = quote_req;
    using response_type = quote_resp;
    static constexpr std::array<meld::param_location, 0> params{};
    static constexpr meld::endpoint_traits traits{.has_body = true};
};

struct get_req {
    std::string id{};
};
BOOST_DESCRIBE_STRUCT(get_req, (), (id))

struct test_get_transaction {
    static constexpr std::string_view name = "test.get_transaction";
    static constexpr meld::http_method method = meld::http_method::get;
    static constexpr std::string_view path = "/payments/transactions/{id}";
    using request_type = get_req;
    using response_type = meld::raw_json;
    static constexpr std::array<meld::param_location, 1> params{{{"id", meld::param_in::path, "id"}}};
    static constexpr meld::endpoint_traits traits{};
};

inline quote_req const btc_quote{.countryCode = "US", .destinationCurrencyCode = "BTC",
                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};

/// An engine + the two test operations, on the test thread's io_context.
struct test_client {
    std::shared_ptr<meld::detail::engine> eng;
    meld::operation<test_quote> quote;
    meld::operation<test_get_transaction> get_transaction;

    test_client(asio::io_context& ioc, meld::client_params p)
        : eng(std::make_shared<meld::detail::engine>(ioc.get_executor(), std::move(p))), quote(*eng),
          get_transaction(*eng)
    {
    }
};

/// Runs one quote through the non-throwing form and returns (error_code, diagnostics).
inline std::pair<meld::error_code, meld::diagnostics> quote_error(asio::io_context& ioc, test_client& c)
{
    meld::diagnostics diag;
    auto [ec, r] = run_coro(ioc, [&]() -> asio::awaitable<std::tuple<meld::error_code, quote_resp>> {
        co_return co_await c.quote(btc_quote, {}, diag, asio::as_tuple(asio::use_awaitable));
    });
    return {ec, diag};
}


}  // namespace meld_test

#endif
