// meld/impl/error.ipp — the two error categories (compiled once in separate-compilation mode).
#ifndef MELD_IMPL_ERROR_IPP
#define MELD_IMPL_ERROR_IPP

#include <meld/error.hpp>

#include <string>

namespace meld {
namespace detail {

class client_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "meld.client"; }
    std::string message(int ev) const override
    {
        switch (static_cast<client_errc>(ev)) {
        case client_errc::invalid_base_url: return "invalid base URL (must be scheme://host[:port] with no userinfo, path, query or fragment)";
        case client_errc::insecure_url: return "plain http is only allowed to a loopback host";
        case client_errc::invalid_request: return "request failed validation; nothing was sent";
        case client_errc::resolve_failed: return "host name resolution failed";
        case client_errc::connect_failed: return "TCP connect failed";
        case client_errc::tls_handshake_failed: return "TLS handshake failed";
        case client_errc::tls_verification_failed: return "TLS certificate verification failed";
        case client_errc::connect_timeout: return "connect timed out";
        case client_errc::request_timeout: return "request timed out";
        case client_errc::connection_closed: return "connection closed by the server before a complete response";
        case client_errc::malformed_response: return "malformed HTTP response";
        case client_errc::body_too_large: return "response body exceeds the configured size limit";
        case client_errc::unexpected_content_type: return "unexpected response content type (expected application/json)";
        case client_errc::redirect_refused: return "redirect refused (API calls never follow redirects)";
        case client_errc::decode_failed: return "response body does not match the expected model";
        case client_errc::invalid_webhook_signature: return "invalid webhook signature";
        case client_errc::proxy_auth_required: return "the proxy requires authentication (HTTP 407 to CONNECT)";
        case client_errc::proxy_tunnel_refused: return "the proxy refused the CONNECT tunnel";
        case client_errc::invalid_proxy: return "invalid proxy URL (must be http://[user:pass@]host:port)";
        }
        return "unknown meld client error";
    }
};

class api_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "meld.api"; }
    std::string message(int ev) const override
    {
        switch (ev) {
        case 400: return "HTTP 400 Bad Request";
        case 401: return "HTTP 401 Unauthorized";
        case 403: return "HTTP 403 Forbidden";
        case 404: return "HTTP 404 Not Found";
        case 408: return "HTTP 408 Request Timeout";
        case 409: return "HTTP 409 Conflict";
        case 422: return "HTTP 422 Unprocessable Entity";
        case 425: return "HTTP 425 Too Early";
        case 429: return "HTTP 429 Too Many Requests";
        case 500: return "HTTP 500 Internal Server Error";
        case 502: return "HTTP 502 Bad Gateway";
        case 503: return "HTTP 503 Service Unavailable";
        case 504: return "HTTP 504 Gateway Timeout";
        default: return "HTTP " + std::to_string(ev);
        }
    }
};

}  // namespace detail

MELD_DECL boost::system::error_category const& client_category() noexcept
{
    static detail::client_category_impl const cat;
    return cat;
}

MELD_DECL boost::system::error_category const& api_category() noexcept
{
    static detail::api_category_impl const cat;
    return cat;
}

}  // namespace meld

#endif
