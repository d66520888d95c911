// meld/detail/transport/proxy.hpp — sans-io parts of the HTTPS proxy: which proxy (if any), the CONNECT request,
// and what the proxy's answer to it means.
//
// The proxy URL is `http://[user:pass@]host[:port]` (port 1080 by default, as curl); the tunnel then carries
// TLS to the API host, verified against the API host's name. With proxy_params::from_environment, the usual
// variables are read through an injectable getenv (tests): HTTPS_PROXY / https_proxy for an https base URL,
// http_proxy (lower case only, as curl) for plain http, skipped when NO_PROXY / no_proxy matches the API host.
#ifndef MELD_DETAIL_TRANSPORT_PROXY_HPP
#define MELD_DETAIL_TRANSPORT_PROXY_HPP

#include <meld/client_params.hpp>
#include <meld/detail/base_url.hpp>
#include <meld/detail/pipeline/redact.hpp>
#include <meld/error.hpp>

#include <boost/url/parse.hpp>

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace meld::detail::transport {

struct proxy_target {
    std::string host;           ///< without brackets for IPv6
    std::string port;
    bool ip_literal = false;
    std::string authorization;  ///< "Basic <base64(user:pass)>", empty without credentials (secret)
    std::string user, password;  ///< decoded credentials, for redaction only (secret)
};

inline bool iequal_ascii(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

/// Parses a proxy URL; on failure returns client_errc::invalid_proxy and a message that does not echo the URL
/// (it may carry a password).
inline error_code parse_proxy_url(std::string_view url, proxy_target& out, std::string& message)
{
    // "host:port" without a scheme is common in HTTPS_PROXY: read it as http://host:port.
    std::string with_scheme;
    if (url.find("://") == std::string_view::npos) {
        with_scheme = "http://";
        with_scheme += url;
        url = with_scheme;
    }
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        message = "the proxy URL is not a URL of the form http://[user:pass@]host[:port]";
        return client_errc::invalid_proxy;
    }
    auto const& u = *parsed;
    if (!iequal_ascii(u.scheme(), "http")) {  // schemes are case-insensitive (RFC 3986 §3.1): HTTP://
        message = "only http:// proxies are supported (the tunnel itself carries TLS to the API)";
        return client_errc::invalid_proxy;
    }
    if ((!u.encoded_path().empty() && u.encoded_path() != "/") || u.has_query() || u.has_fragment()) {
        message = "the proxy URL must not have a path, query or fragment";
        return client_errc::invalid_proxy;
    }
    if (u.encoded_host().empty()) {
        message = "the proxy URL has no host";
        return client_errc::invalid_proxy;
    }
    out.ip_literal = u.host_type() == boost::urls::host_type::ipv4 || u.host_type() == boost::urls::host_type::ipv6;
    out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                             : std::string(u.host());
    if (u.has_port()) {
        // not u.port_number(): it wraps modulo 65536 (":99999" would be port 34463)
        std::string_view const digits = u.port();
        unsigned long value = 0;
        auto const [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || err != std::errc{} || end != digits.data() + digits.size() || value == 0 ||
            value > 65535) {
            message = "the proxy URL has an invalid port";
            return client_errc::invalid_proxy;
        }
        out.port = std::to_string(value);  // "0080" -> "80"
    } else {
        out.port = "1080";
    }
    out.authorization.clear();
    if (u.has_userinfo()) {
        out.user = u.user();
        out.password = u.password();
        out.authorization = "Basic " + pipeline::base64_encode(out.user + ":" + out.password);
    }
    return {};
}

/// NO_PROXY semantics as curl: entries separated by commas (or spaces); `*` matches every host; an entry
/// matches the host itself and its subdomains (a leading '.' is ignored); a `:port` suffix is ignored;
/// comparison is case-insensitive. CIDR ranges are not supported.
inline bool no_proxy_matches(std::string_view no_proxy, std::string_view host) noexcept
{
    while (!host.empty() && host.back() == '.')
        host.remove_suffix(1);
    std::size_t i = 0;
    while (i < no_proxy.size()) {
        while (i < no_proxy.size() && (no_proxy[i] == ',' || no_proxy[i] == ' ' || no_proxy[i] == '\t'))
            ++i;
        std::size_t j = i;
        while (j < no_proxy.size() && no_proxy[j] != ',' && no_proxy[j] != ' ' && no_proxy[j] != '\t')
            ++j;
        std::string_view entry = no_proxy.substr(i, j - i);
        i = j;
        if (entry.empty())
            continue;
        if (entry == "*")
            return true;
        if (entry.front() == '[') {  // [v6]:port
            auto const close = entry.find(']');
            entry = close == std::string_view::npos ? entry.substr(1) : entry.substr(1, close - 1);
        } else if (auto const colon = entry.rfind(':');
                   colon != std::string_view::npos && entry.find(':') == colon) {
            entry = entry.substr(0, colon);  // host:port (one colon: not an IPv6 literal)
        }
        while (!entry.empty() && entry.front() == '.')
            entry.remove_prefix(1);
        while (!entry.empty() && entry.back() == '.')
            entry.remove_suffix(1);
        if (entry.empty())
            continue;
        if (iequal_ascii(host, entry))
            return true;
        if (host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
            iequal_ascii(host.substr(host.size() - entry.size()), entry))
            return true;
    }
    return false;
}

using getenv_fn = char const* (*)(char const*);

/// The proxy to use for `api` (nullopt: connect directly). Errors: client_errc::invalid_proxy.
inline error_code select_proxy(proxy_params const& p, base_url_info const& api, getenv_fn env,
                               std::optional<proxy_target>& out, std::string& message)
{
    out.reset();
    std::string_view url = p.url;
    if (url.empty() && p.from_environment && env != nullptr) {
        auto const var = [env](char const* upper, char const* lower) -> std::string_view {
            char const* v = env(lower);
            if (v == nullptr || *v == '\0')
                v = env(upper);
            return v == nullptr ? std::string_view{} : std::string_view(v);
        };
        // plain http: lower-case http_proxy only, as curl ("httpoxy": HTTP_PROXY may come from a CGI header)
        url = api.tls ? var("HTTPS_PROXY", "https_proxy") : var("http_proxy", "http_proxy");
        if (!url.empty() && no_proxy_matches(var("NO_PROXY", "no_proxy"), api.host))
            url = {};
    }
    if (url.empty())
        return {};
    proxy_target t;
    if (auto ec = parse_proxy_url(url, t, message))
        return ec;
    out = std::move(t);
    return {};
}

/// The tunnel request: `CONNECT api.meld.io:443 HTTP/1.1` with Host and, with credentials, Proxy-Authorization.
inline std::string connect_request(base_url_info const& api, proxy_target const& proxy, std::string_view user_agent)
{
    std::string authority = api.host.find(':') != std::string::npos ? "[" + api.host + "]" : api.host;
    authority += ":";
    authority += api.port;
    std::string out;
    out.reserve(128 + proxy.authorization.size());
    out.append("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n");
    out.append("User-Agent: ").append(user_agent).append("\r\n");
    if (!proxy.authorization.empty())
        out.append("Proxy-Authorization: ").append(proxy.authorization).append("\r\n");
    out.append("\r\n");
    return out;
}

/// The proxy's answer to CONNECT: 2xx opens the tunnel; 407 is proxy_auth_required; anything else refused.
inline error_code classify_connect_answer(unsigned status, std::string& message)
{
    if (status >= 200 && status < 300)
        return {};
    if (status == 407) {
        message = "the proxy answered CONNECT with HTTP 407 Proxy Authentication Required (check the credentials "
                  "in the proxy URL)";
        return client_errc::proxy_auth_required;
    }
    message = "the proxy refused the CONNECT tunnel with HTTP " + std::to_string(status);
    return client_errc::proxy_tunnel_refused;
}

}  // namespace meld::detail::transport

#endif
