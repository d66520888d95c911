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

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

struct get_req {
    std::string id{};
};
BOOST_DESCRIBE_STRUCT(get_req, (), (id))

inline constexpr std::array<meld::param_location, 0> no_params{};
/// `{id}` in the path, from the request's `id` (get_req).
inline constexpr std::array<meld::param_location, 1> id_in_path{{{"id", meld::param_in::path, "id"}}};

/// An endpoint descriptor (as the generated ones in include/meld/ are) made of its parts; `Names` has the
/// static string_views `name` and `path` (string literals: gcc 12 with ASan cannot constant-evaluate views
/// into template-parameter objects).
template <class Names, meld::http_method Method, class Request, class Response, auto const& Params,
          meld::endpoint_traits Traits = meld::endpoint_traits{}>
struct test_endpoint {
    static constexpr std::string_view name = Names::name;
    static constexpr meld::http_method method = Method;
    static constexpr std::string_view path = Names::path;
    using request_type = Request;
    using response_type = Response;
    static constexpr auto params = Params;
    static constexpr meld::endpoint_traits traits = Traits;
};

struct quote_names {
    static constexpr std::string_view name = "test.quote";
    static constexpr std::string_view path = "/payments/crypto/quote";
};
struct get_transaction_names {
    static constexpr std::string_view name = "test.get_transaction";
    static constexpr std::string_view path = "/payments/transactions/{id}";
};
using test_quote = test_endpoint<quote_names, meld::http_method::post, quote_req, quote_resp, no_params,
                                 meld::endpoint_traits{.has_body = true}>;
using test_get_transaction =
    test_endpoint<get_transaction_names, meld::http_method::get, get_req, meld::raw_json, id_in_path>;

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
        co_return co_await c.quote(btc_quote, diag, asio::as_tuple(asio::use_awaitable));
    });
    return {ec, diag};
}


}  // namespace meld_test

#endif
