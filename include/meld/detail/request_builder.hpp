// meld/detail/request_builder.hpp — sans-io: descriptor + typed request -> prepared_request.
//
// Path parameters are substituted into the template and percent-encoded; query parameters are appended
// in declaration order (empty optionals omitted, lists comma-separated); header parameters are copied;
// every other member is a JSON body field. No I/O, no allocation beyond the output strings.
// First, the request is checked against the specs' constraints (meld/validation.hpp): a violation yields a
// prepared_request with build_error = client_errc::invalid_request and the message, and nothing else is built.
// Request types without any rule skip the check at compile time.
#ifndef MELD_DETAIL_REQUEST_BUILDER_HPP
#define MELD_DETAIL_REQUEST_BUILDER_HPP

#include <meld/client_params.hpp>
#include <meld/decimal.hpp>
#include <meld/detail/http_request.hpp>
#include <meld/detail/path_template.hpp>
#include <meld/json/encode.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>
#include <meld/timestamp.hpp>
#include <meld/validation.hpp>

#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace meld::detail {

using json::detail::is_optional;
using json::detail::is_vector;

/// RFC 3986 unreserved characters pass; everything else becomes %XX (so '/', '?', '#', ',' and ' ' are encoded).
inline void append_pct_encoded(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
}

/// True when the value is absent (empty optional or empty list) and the parameter must be omitted.
template <class T>
bool is_absent(T const& v) noexcept
{
    if constexpr (is_optional<T>::value)
        return !v.has_value() || is_absent(*v);
    else if constexpr (is_vector<T>::value)
        return v.empty();
    else
        return false;
}

/// Appends the text form of a scalar parameter value, percent-encoded (lists: comma-joined).
template <class T>
void append_param_value(std::string& out, T const& v)
{
    if constexpr (is_optional<T>::value) {
        append_param_value(out, *v);
    } else if constexpr (is_vector<T>::value) {
        bool first = true;
        for (auto const& e : v) {
            if (!first)
                out.push_back(',');
            first = false;
            append_param_value(out, e);
        }
    } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (std::is_integral_v<T>) {
        char buf[24];
        auto const r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    } else if constexpr (std::is_same_v<T, decimal> || std::is_same_v<T, timestamp>) {
        append_pct_encoded(out, v.text());
    } else if constexpr (is_open_enum_v<T>) {
        append_pct_encoded(out, v.str());
    } else {
        static_assert(std::is_convertible_v<T const&, std::string_view>, "unsupported parameter type");
        append_pct_encoded(out, std::string_view(v));
    }
}

/// Header values go out as text, unencoded (header parameters are plain strings in the specs).
template <class T>
std::string header_value(T const& v)
{
    if constexpr (is_optional<T>::value)
        return header_value(*v);
    else if constexpr (is_open_enum_v<T>)
        return std::string(v.str());
    else
        return std::string(std::string_view(v));
}

/// Substitutes {placeholders} of Endpoint::path with the percent-encoded path members of `req`.
template <class Endpoint>
void append_path(std::string& out, typename Endpoint::request_type const& req)
{
    constexpr std::string_view path = Endpoint::path;
    std::size_t i = 0;
    while (i < path.size()) {
        auto const open = path.find('{', i);
        out.append(path.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
        if (open == std::string_view::npos)
            break;
        auto const close = path.find('}', open);
        auto const name = path.substr(open + 1, close - open - 1);
        boost::mp11::mp_for_each<public_members<typename Endpoint::request_type>>([&](auto d) {
            if constexpr (location_of<Endpoint>(d.name) == param_in::path)
                if (std::string_view(d.name) == name)
                    append_param_value(out, req.*d.pointer);
        });
        i = close + 1;
    }
}

template <class Endpoint>
void append_query(std::string& out, typename Endpoint::request_type const& req)
{
    char sep = '?';
    boost::mp11::mp_for_each<public_members<typename Endpoint::request_type>>([&](auto d) {
        if constexpr (location_of<Endpoint>(d.name) == param_in::query) {
            auto const& v = req.*d.pointer;
            if (is_absent(v))
                return;
            out.push_back(sep);
            sep = '&';
            append_pct_encoded(out, json::wire_name(d.name));
            out.push_back('=');
            append_param_value(out, v);
        }
    });
}

/// The JSON body: every member not declared as a path/query/header parameter; empty optionals omitted.
template <class Endpoint>
void append_body(std::string& out, typename Endpoint::request_type const& req)
{
    json::encode_members(req, out, [](std::string_view member) {
        return location_of<Endpoint>(member) == param_in::body;
    });
}

template <class Endpoint>
prepared_request build_request(typename Endpoint::request_type const& req, call_params const& opts)
{
    prepared_request p;
    p.method = Endpoint::method;
    if constexpr (requires { std::string_view(Endpoint::name); })
        p.operation_name = Endpoint::name;
    p.path_template = Endpoint::path;
    p.requires_auth = Endpoint::traits.requires_auth;
    p.accepts_idempotency_key = Endpoint::traits.idempotency_key;
    p.retry = opts.retry;
    p.strict_decoding = opts.strict_decoding;
#ifndef MELD_NO_REQUEST_VALIDATION
    if constexpr (has_validation_rules<typename Endpoint::request_type>) {
        if (error_code const ec = validate(req, p.build_message)) {
            p.build_error = ec;
            return p;
        }
    }
    // A hand-written descriptor may add its own documented constraints (e.g. Bleepay's).
    if constexpr (requires(std::string& m) { Endpoint::validate(req, m); }) {
        if (error_code const ec = Endpoint::validate(req, p.build_message)) {
            p.build_error = ec;
            return p;
        }
    }
#endif
    p.target.reserve(Endpoint::path.size() + 32);
    append_path<Endpoint>(p.target, req);
    append_query<Endpoint>(p.target, req);
    boost::mp11::mp_for_each<public_members<typename Endpoint::request_type>>([&](auto d) {
        if constexpr (location_of<Endpoint>(d.name) == param_in::header) {
            auto const& v = req.*d.pointer;
            if (!is_absent(v)) {
                for (auto const& param : Endpoint::params)
                    if (param.member == std::string_view(d.name))
                        p.headers.emplace_back(param.wire_name, header_value(v));
            }
        }
    });
    if constexpr (Endpoint::traits.has_body) {
        p.has_body = true;
        p.body.reserve(256);  // one allocation for the usual body, not one per doubling
        append_body<Endpoint>(p.body, req);
    }
    if (opts.meld_version)
        p.meld_version = *opts.meld_version;
    if (Endpoint::traits.idempotency_key && opts.idempotency_key)
        p.idempotency_key = *opts.idempotency_key;
    p.timeout = opts.request_timeout;
    return p;
}

}  // namespace meld::detail

#endif
