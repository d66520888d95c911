// meld/bleepay/operation.hpp — checked_operation<Endpoint>: meld::operation<Endpoint> that validates first.
//
// The same call surface and machinery as every Meld call (descriptor -> sans-io request building ->
// detail::engine -> typed decoding; any completion token, the throwing default, the diagnostics& form),
// with one extra step in the initiation: `Endpoint::validate(request, message)`. A request that fails it
// becomes a prepared_request carrying build_error = client_errc::invalid_request and the message, which the
// engine completes with at once: nothing is sent, no connection is opened.
//
// It derives from meld::operation<Endpoint> (and hides its call operators): calling through a
// `meld::operation<Endpoint>&` skips the client-side check, never the server's.
#ifndef MELD_BLEEPAY_OPERATION_HPP
#define MELD_BLEEPAY_OPERATION_HPP

#include <meld/client_params.hpp>
#include <meld/detail/engine.hpp>
#include <meld/detail/http_request.hpp>
#include <meld/detail/request_builder.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>
#include <meld/operation.hpp>
#include <meld/with_diagnostics.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <concepts>
#include <string>
#include <utility>

namespace meld::bleepay {

/// A descriptor with `static error_code validate(request_type const&, std::string& message)`.
template <class Endpoint>
concept validating_endpoint = requires(typename Endpoint::request_type const& req, std::string& message) {
    { Endpoint::validate(req, message) } -> std::convertible_to<error_code>;
};

template <validating_endpoint Endpoint>
class checked_operation : public meld::operation<Endpoint> {
public:
    using endpoint_type = Endpoint;
    using request_type = typename Endpoint::request_type;
    using response_type = typename Endpoint::response_type;

    explicit checked_operation(meld::detail::engine& e) noexcept : meld::operation<Endpoint>(e), engine_(&e) {}

    /// Validates, then builds the wire request (sans-io). An invalid request yields a prepared_request
    /// whose build_error is client_errc::invalid_request and whose build_message names the violations.
    static meld::detail::prepared_request prepare(request_type const& req, call_params const& opts = {})
    {
        std::string message;
        if (error_code const ec = Endpoint::validate(req, message)) {
            meld::detail::prepared_request p;
            p.method = Endpoint::method;
            p.requires_auth = Endpoint::traits.requires_auth;
            p.build_error = ec;
            p.build_message = std::move(message);
            return p;
        }
        return meld::detail::build_request<Endpoint>(req, opts);
    }

    /// Sends `req`; completes with void(error_code, response_type).
    template <meld::detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type const& req, CompletionToken&& token = CompletionToken{}) const
    {
        return (*this)(req, call_params{}, std::forward<CompletionToken>(token));
    }

    /// Same, with per-call overrides (only request_timeout applies to Bleepay).
    template <meld::detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type const& req, call_params const& opts, CompletionToken&& token = CompletionToken{}) const
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, response_type)>(
            meld::detail::operation_initiation<Endpoint>{engine_, nullptr}, token, prepare(req, opts));
    }

    /// Non-throwing form: failures fill `diag` (which must outlive the call) and complete with the error_code.
    template <meld::detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type const& req, call_params const& opts, diagnostics& diag,
                    CompletionToken&& token = CompletionToken{}) const
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, response_type)>(
            meld::detail::operation_initiation<Endpoint>{engine_, &diag}, token, prepare(req, opts));
    }

private:
    meld::detail::engine* engine_;
};

}  // namespace meld::bleepay

#endif
