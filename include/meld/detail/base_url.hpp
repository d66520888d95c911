// meld/detail/base_url.hpp — sans-io validation of client_params::base_url (and the TLS opt-out).
//
// Accepts only `http[s]://host[:port]` (an optional trailing "/"): userinfo, a path prefix, a query or a
// fragment are refused, and so is plain http or skipped verification towards a non-loopback host.
#ifndef MELD_DETAIL_BASE_URL_HPP
#define MELD_DETAIL_BASE_URL_HPP

#include <meld/detail/config.hpp>
#include <meld/error.hpp>

#include <string>
#include <string_view>

namespace meld::detail {

struct base_url_info {
    bool tls = true;
    std::string host;         ///< without brackets for IPv6
    std::string port;         ///< numeric, defaulted from the scheme
    std::string host_header;  ///< value of the Host header ("api.meld.io", "localhost:8443")
    bool loopback = false;    ///< localhost, 127.0.0.0/8 or ::1
    bool ip_literal = false;  ///< no SNI for IP addresses
};

/// Parses and validates `url`; on failure returns client_errc::invalid_base_url / insecure_url and a
/// message naming the problem (the URL itself is not echoed: it could carry credentials).
MELD_DECL error_code parse_base_url(std::string_view url, base_url_info& out, std::string& message);

}  // namespace meld::detail

#ifndef MELD_SEPARATE_COMPILATION
#include <meld/impl/base_url.ipp>
#endif

#endif
