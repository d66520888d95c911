// meld/detail/pipeline/request_head.hpp — sans-io header stamping: the HTTP/1.1 request head of a call.
//
// The lines that never change for a client (Host, User-Agent, Accept, Authorization, the default
// Meld-Version) are serialized once into head_constants; per call only the request line, a Meld-Version
// override, the idempotency key, the descriptor's header parameters and the body framing are appended. The
// result is written with the body as one buffer (TLS) or one gather-write (plain TCP).
#ifndef MELD_DETAIL_PIPELINE_REQUEST_HEAD_HPP
#define MELD_DETAIL_PIPELINE_REQUEST_HEAD_HPP

#include <meld/detail/http_request.hpp>

#include <charconv>
#include <string>
#include <string_view>

namespace meld::detail::pipeline {

/// A header value is sent verbatim: it must not be able to end the header or smuggle another one.
constexpr bool header_value_safe(std::string_view v) noexcept
{
    for (char c : v)
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    return true;
}

struct head_constants {
    std::string common;       ///< "Host: ...\r\nUser-Agent: ...\r\nAccept: application/json\r\n"
    std::string auth_line;    ///< "Authorization: BASIC <key>\r\n" (secret); sent where the operation requires auth
    std::string version;      ///< default Meld-Version value
    bool send_meld_version = true;
    bool always_send_auth = false;  ///< a key is configured: send it even where the spec makes it optional

    /// Empty when every value is safe, else the name of the offending setting.
    static std::string_view build(head_constants& k, std::string_view host_header, std::string_view user_agent,
                                  std::string_view auth_header, std::string_view authorization,
                                  bool has_key, std::string_view version, bool send_version)
    {
        if (!header_value_safe(host_header))
            return "base_url";
        if (!header_value_safe(user_agent))
            return "app_info";
        if (!header_value_safe(authorization))
            return "api_key";
        if (send_version && !header_value_safe(version))
            return "meld_version";
        k.common.clear();
        k.common.append("Host: ").append(host_header).append("\r\n");
        k.common.append("User-Agent: ").append(user_agent).append("\r\n");
        k.common.append("Accept: application/json\r\n");
        k.auth_line.clear();
        k.auth_line.append(auth_header).append(": ").append(authorization).append("\r\n");
        k.version.assign(version);
        k.send_meld_version = send_version;
        k.always_send_auth = has_key;
        return {};
    }
};

/// Checks the per-call values (target, Meld-Version override, idempotency key, header parameters).
/// Returns the name of the first unsafe one, or "" when all are safe.
inline std::string_view unsafe_request_value(prepared_request const& r) noexcept
{
    if (!header_value_safe(r.target) || r.target.find(' ') != std::string::npos)
        return "the target";
    if (!header_value_safe(r.meld_version))
        return "meld_version";
    if (!header_value_safe(r.idempotency_key))
        return "idempotency_key";
    for (auto const& [name, value] : r.headers)
        if (!header_value_safe(value))
            return name;
    return {};
}

/// Appends the whole request head (request line through the blank line) to `out`.
inline void append_request_head(std::string& out, head_constants const& k, prepared_request const& r)
{
    out.append(to_string(r.method)).append(" ").append(r.target).append(" HTTP/1.1\r\n");
    out.append(k.common);
    if (r.requires_auth || k.always_send_auth)
        out.append(k.auth_line);
    if (k.send_meld_version)
        out.append("Meld-Version: ").append(r.meld_version.empty() ? k.version : r.meld_version).append("\r\n");
    if (!r.idempotency_key.empty())
        out.append("X-Idempotency-Key: ").append(r.idempotency_key).append("\r\n");
    for (auto const& [name, value] : r.headers)
        out.append(name).append(": ").append(value).append("\r\n");
    if (r.has_body) {
        char digits[24];
        auto const res = std::to_chars(digits, digits + sizeof digits, r.body.size());
        out.append("Content-Type: application/json\r\nContent-Length: ")
            .append(digits, static_cast<std::size_t>(res.ptr - digits))
            .append("\r\n");
    } else if (r.method == http_method::post || r.method == http_method::put || r.method == http_method::patch) {
        out.append("Content-Length: 0\r\n");
    }
    out.append("\r\n");
}

}  // namespace meld::detail::pipeline

#endif
