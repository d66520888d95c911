// meld/impl/base_url.ipp — base URL parsing with Boost.URL.
#ifndef MELD_IMPL_BASE_URL_IPP
#define MELD_IMPL_BASE_URL_IPP

#include <meld/detail/base_url.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <system_error>

namespace meld::detail {

MELD_DECL error_code parse_base_url(std::string_view url, base_url_info& out, std::string& message)
{
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        message = "base URL is not an absolute URL";
        return client_errc::invalid_base_url;
    }
    auto const& u = *parsed;
    auto const scheme = u.scheme();
    if (scheme != "https" && scheme != "http") {
        message = "base URL scheme must be https or http";
        return client_errc::invalid_base_url;
    }
    if (u.has_userinfo()) {
        message = "base URL must not contain userinfo (credentials go in client_params::api_key)";
        return client_errc::invalid_base_url;
    }
    if (!u.encoded_path().empty() && u.encoded_path() != "/") {
        message = "base URL must not have a path prefix";
        return client_errc::invalid_base_url;
    }
    if (u.has_query() || u.has_fragment()) {
        message = "base URL must not have a query or fragment";
        return client_errc::invalid_base_url;
    }
    if (u.encoded_host().empty()) {
        message = "base URL has no host";
        return client_errc::invalid_base_url;
    }
    out.tls = scheme == "https";
    out.ip_literal = u.host_type() == boost::urls::host_type::ipv4 || u.host_type() == boost::urls::host_type::ipv6;
    out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                             : std::string(u.host());
    if (u.has_port()) {
        // not u.port_number(): it wraps modulo 65536 (":65537" would be port 1)
        std::string_view const digits = u.port();
        unsigned long value = 0;
        auto const [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || err != std::errc{} || end != digits.data() + digits.size() || value == 0 ||
            value > 65535) {
            message = "base URL has an invalid port";
            return client_errc::invalid_base_url;
        }
        out.port = std::to_string(value);
    } else {
        out.port = out.tls ? "443" : "80";
    }
    out.host_header = std::string(u.encoded_host_and_port());
    boost::system::error_code ec;
    auto const addr = boost::asio::ip::make_address(out.host, ec);
    out.loopback = out.host == "localhost" || (!ec && addr.is_loopback());
    if (!out.tls && !out.loopback) {
        message = "plain http is refused for non-loopback hosts (the API key would travel in clear)";
        return client_errc::insecure_url;
    }
    return {};
}

}  // namespace meld::detail

#endif
