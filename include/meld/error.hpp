// meld/error.hpp — error codes: client-side failures (client_errc) and HTTP answers from Meld (api category).
//
// Every failure reaches the caller as a boost::system::error_code. Transport and local failures use
// `client_errc`; a non-2xx answer from the API uses the "meld.api" category whose value is the HTTP status
// (compare with `api_errc`). The server's error body lives in `meld::diagnostics` (diagnostics.hpp).
#ifndef MELD_ERROR_HPP
#define MELD_ERROR_HPP

#include <meld/detail/config.hpp>

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace meld {

using boost::system::error_code;

/// Failures detected on this side of the wire.
enum class client_errc {
    invalid_base_url = 1,       ///< base URL unparsable, has userinfo, a path prefix, query or fragment
    insecure_url,               ///< plain http to a non-loopback host (e.g. production over http)
    invalid_request,            ///< request failed client-side validation; nothing was sent
    resolve_failed,             ///< host name resolution failed
    connect_failed,             ///< TCP connect failed
    tls_handshake_failed,       ///< TLS handshake failed for a reason other than verification
    tls_verification_failed,    ///< server certificate or host name did not verify
    connect_timeout,            ///< connect (+ TLS handshake) did not finish within connect_timeout
    request_timeout,            ///< the whole call did not finish within request_timeout
    connection_closed,          ///< the server closed the connection before a full response
    malformed_response,         ///< the response is not valid HTTP/1.1
    body_too_large,             ///< the response body exceeds max_response_size
    unexpected_content_type,    ///< a response body that is not application/json
    redirect_refused,           ///< a 3xx answer; redirects are never followed (they would carry the key)
    decode_failed,              ///< the JSON body does not match the response model
    invalid_webhook_signature,  ///< reserved for webhook verification
    proxy_auth_required,        ///< the HTTPS proxy answered CONNECT with 407 (credentials missing or refused)
    proxy_tunnel_refused,       ///< the HTTPS proxy refused the CONNECT tunnel (any other non-2xx answer)
    invalid_proxy,              ///< the proxy URL is unusable (not http://[user:pass@]host:port)
};

/// HTTP statuses Meld documents; the "meld.api" category holds any status >= 300.
enum class api_errc {
    bad_request = 400,
    unauthorized = 401,
    forbidden = 403,
    not_found = 404,
    request_timeout = 408,
    conflict = 409,
    unprocessable_entity = 422,
    too_early = 425,
    too_many_requests = 429,
    internal_server_error = 500,
    bad_gateway = 502,
    service_unavailable = 503,
    gateway_timeout = 504,
};

MELD_DECL boost::system::error_category const& client_category() noexcept;
MELD_DECL boost::system::error_category const& api_category() noexcept;

inline error_code make_error_code(client_errc e) noexcept { return {static_cast<int>(e), client_category()}; }
inline error_code make_error_code(api_errc e) noexcept { return {static_cast<int>(e), api_category()}; }

/// An error_code for an HTTP status answered by the API.
inline error_code make_http_error(unsigned status) noexcept { return {static_cast<int>(status), api_category()}; }

/// True when `ec` is an HTTP answer from the API (as opposed to a client or transport failure).
inline bool is_api_error(error_code const& ec) noexcept { return ec.category() == api_category(); }

}  // namespace meld

namespace boost::system {
template <> struct is_error_code_enum<meld::client_errc> : std::true_type {};
template <> struct is_error_code_enum<meld::api_errc> : std::true_type {};
}  // namespace boost::system

#ifndef MELD_SEPARATE_COMPILATION
#include <meld/impl/error.ipp>
#endif

#endif
