// meld/bleepay/client.hpp — meld::bleepay::client: the Bleepay widget API on meld's engine.
//
//   meld::bleepay::client bleepay{ioc.get_executor(),
//                                 {.auth = meld::bleepay::client_secret{"wdgt_secret_abc123"}}};
//   meld::bleepay::create_session_request const req{.amount = "100", .currency = "USDC", ...};
//   auto session = co_await bleepay.create_session(req);   // throws meld::error on failure
//
// One detail::engine (pool, TLS, timeouts, classification) built with Bleepay's api_profile: the widget's
// credential goes in `Authorization: Bearer <JWT>` or `X-Client-Secret: <secret>`; no Meld-Version header.
// Same threading and lifetime rules as meld::client.
#ifndef MELD_BLEEPAY_CLIENT_HPP
#define MELD_BLEEPAY_CLIENT_HPP

#include <meld/bleepay/endpoints.hpp>
#include <meld/operation.hpp>
#include <meld/client_params.hpp>
#include <meld/detail/engine.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace meld::bleepay {

/// Bleepay's production host.
inline constexpr std::string_view production = "https://payments.bleepay.com";

/// Sent as `Authorization: Bearer <jwt>`.
struct bearer_token {
    std::string jwt{};
};

/// The widget's client secret, sent as `X-Client-Secret: <secret>` (e.g. "wdgt_secret_abc123...").
struct client_secret {
    std::string secret{};
};

/// Either credential; Bleepay accepts both on the widget endpoint.
using auth = std::variant<bearer_token, client_secret>;

struct client_params {
    /// `scheme://host[:port]` only (the API's /api/v1 prefix is part of the descriptor's path).
    std::string base_url = std::string(production);
    /// The credential (never logged, never copied into error messages).
    bleepay::auth auth{};
    /// Resolve + TCP connect + TLS handshake of a new connection.
    std::chrono::milliseconds connect_timeout{10'000};
    /// The whole call: waiting for a pooled connection, connecting, writing and reading the answer.
    std::chrono::milliseconds request_timeout{30'000};
    meld::tls_params tls{};
    /// Most connections open at once (idle + busy); further calls wait for a free one.
    std::size_t pool_size = 16;
    /// Largest response body accepted.
    std::size_t max_response_size = 1024 * 1024;
    /// Appended to the User-Agent, e.g. "my-shop/2.0".
    std::string app_info{};
};

namespace detail {

/// The engine's api_profile for a credential: header name and prefix; never Meld-Version.
inline meld::detail::api_profile profile_for(bleepay::auth const& a)
{
    meld::detail::api_profile p;
    p.send_meld_version = false;
    if (std::holds_alternative<bearer_token>(a)) {
        p.auth_header = "Authorization";
        p.auth_prefix = "Bearer ";
    } else {
        p.auth_header = "X-Client-Secret";
        p.auth_prefix = "";
    }
    return p;
}

/// The engine's client_params: the credential travels as api_key (appended to the profile's prefix).
inline meld::client_params engine_params(client_params const& b)
{
    meld::client_params p;
    p.api_key = std::visit(
        [](auto const& cred) -> std::string {
            if constexpr (std::is_same_v<std::decay_t<decltype(cred)>, bearer_token>)
                return cred.jwt;
            else
                return cred.secret;
        },
        b.auth);
    p.base_url = b.base_url;
    p.meld_version.clear();  // never sent (profile.send_meld_version = false)
    p.connect_timeout = b.connect_timeout;
    p.request_timeout = b.request_timeout;
    p.tls = b.tls;
    p.pool_size = b.pool_size;
    p.max_response_size = b.max_response_size;
    p.app_info = b.app_info;
    return p;
}

struct engine_holder {
    std::shared_ptr<meld::detail::engine> engine_;
};

}  // namespace detail

class client : private detail::engine_holder {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Throws boost::system::system_error (client_errc::invalid_base_url / insecure_url) for unusable params.
    client(executor_type ex, client_params params)
        : detail::engine_holder{std::make_shared<meld::detail::engine>(
              std::move(ex), detail::engine_params(params), detail::profile_for(params.auth))},
          create_session{*engine_},
          params_(std::move(params))
    {
    }

    client(client&&) noexcept = default;
    client& operator=(client&&) noexcept = default;
    ~client()
    {
        if (engine_)
            engine_->close_idle();
    }

    /// `POST /api/v1/widgets/{widgetId}/create-session`: a deposit session (CREATED, expires in 30 minutes).
    /// Every documented constraint is checked first (client_errc::invalid_request, nothing sent).
    meld::operation<endpoints::create_session> create_session;

    executor_type get_executor() const noexcept { return engine_->get_executor(); }
    client_params const& params() const noexcept { return params_; }
    /// TCP+TLS connections opened so far.
    std::size_t connections_opened() const noexcept { return engine_->connections_opened(); }

private:
    client_params params_;
};

}  // namespace meld::bleepay

#endif
