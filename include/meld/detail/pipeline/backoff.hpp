// meld/detail/pipeline/backoff.hpp — sans-io: how long to wait before a retry.
//
// Exponential backoff with full jitter (retry n waits uniform[0, min(max, initial * 2^n)]) from an injected
// random source, and `Retry-After` in both of its forms (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date
// (IMF-fixdate, RFC 850 or asctime), measured against the answer's own `Date` header when it has one (so the
// client's clock skew does not matter), else against the injected wall clock.
#ifndef MELD_DETAIL_PIPELINE_BACKOFF_HPP
#define MELD_DETAIL_PIPELINE_BACKOFF_HPP

#include <meld/retry_policy.hpp>
#include <meld/timestamp.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace meld::detail::pipeline {

/// A source of uniform doubles in [0, 1): a function and its context, so tests inject a fixed sequence.
struct random_source {
    double (*fn)(void*) = nullptr;
    void* ctx = nullptr;
    double operator()() const
    {
        double const u = fn != nullptr ? fn(ctx) : 0.5;
        return u < 0 ? 0 : (u >= 1 ? 0.999999999 : u);
    }
};

/// Full-jitter delay before retry number `retry_index` (0 for the first retry).
inline std::chrono::milliseconds backoff_delay(retry_policy const& p, unsigned retry_index, double u01)
{
    using ms = std::chrono::milliseconds;
    auto const initial = std::max<ms::rep>(0, p.initial_backoff.count());
    auto const cap = std::max<ms::rep>(0, p.max_backoff.count());
    ms::rep ceiling = initial;
    for (unsigned i = 0; i < retry_index && ceiling < cap; ++i)
        ceiling = ceiling > cap / 2 ? cap : ceiling * 2;  // never past the cap: no signed overflow
    ceiling = std::min(ceiling, cap);
    return ms(static_cast<ms::rep>(static_cast<double>(ceiling) * u01));
}

namespace http_date_detail {

using meld::detail::days_from_civil;

inline bool parse_uint(std::string_view& s, std::size_t digits, unsigned& out) noexcept
{
    if (s.size() < digits)
        return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        char const c = s[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    s.remove_prefix(digits);
    return true;
}

inline bool expect(std::string_view& s, std::string_view lit) noexcept
{
    if (s.substr(0, lit.size()) != lit)
        return false;
    s.remove_prefix(lit.size());
    return true;
}

inline bool parse_month(std::string_view& s, unsigned& m) noexcept
{
    static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < names.size(); ++i)
        if (s.substr(0, 3) == names[i]) {
            m = i + 1;
            s.remove_prefix(3);
            return true;
        }
    return false;
}

inline bool parse_time(std::string_view& s, unsigned& hh, unsigned& mm, unsigned& ss) noexcept
{
    return parse_uint(s, 2, hh) && expect(s, ":") && parse_uint(s, 2, mm) && expect(s, ":") && parse_uint(s, 2, ss) &&
           hh < 24 && mm < 60 && ss < 61;
}

}  // namespace http_date_detail

/// Parses an HTTP-date in any of the three forms recipients must accept.
inline std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) noexcept
{
    using namespace http_date_detail;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    auto const comma = s.find(',');
    unsigned day = 0, month = 0, year = 0, hh = 0, mm = 0, ss = 0;
    if (comma == 3) {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        s.remove_prefix(4);
        if (!(expect(s, " ") && parse_uint(s, 2, day) && expect(s, " ") && parse_month(s, month) && expect(s, " ") &&
              parse_uint(s, 4, year) && expect(s, " ") && parse_time(s, hh, mm, ss) && expect(s, " GMT") && s.empty()))
            return std::nullopt;
    } else if (comma != std::string_view::npos && comma > 3) {  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        s.remove_prefix(comma + 1);
        unsigned yy = 0;
        if (!(expect(s, " ") && parse_uint(s, 2, day) && expect(s, "-") && parse_month(s, month) && expect(s, "-") &&
              parse_uint(s, 2, yy) && expect(s, " ") && parse_time(s, hh, mm, ss) && expect(s, " GMT") && s.empty()))
            return std::nullopt;
        year = yy < 70 ? 2000 + yy : 1900 + yy;  // RFC 9110: a two-digit year more than 50 years ahead is past
    } else {  // asctime: "Sun Nov  6 08:49:37 1994"
        if (s.size() < 4)
            return std::nullopt;
        s.remove_prefix(4);
        if (!(parse_month(s, month) && expect(s, " ")))
            return std::nullopt;
        if (!s.empty() && s.front() == ' ') {
            s.remove_prefix(1);
            if (!parse_uint(s, 1, day))
                return std::nullopt;
        } else if (!parse_uint(s, 2, day)) {
            return std::nullopt;
        }
        if (!(expect(s, " ") && parse_time(s, hh, mm, ss) && expect(s, " ") && parse_uint(s, 4, year) && s.empty()))
            return std::nullopt;
    }
    if (day < 1 || day > 31)
        return std::nullopt;
    auto const days = days_from_civil(year, month, day);
    return std::chrono::sys_seconds(std::chrono::seconds(days * 86400 + hh * 3600 + mm * 60 + ss));
}

/// The wait a `Retry-After` value asks for; nullopt when absent or unparsable. `date_header` is the answer's
/// own `Date` (may be empty); `wall_now` is used when it is absent or unparsable. A date in the past is 0.
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::string_view date_header,
                                                                  std::chrono::system_clock::time_point wall_now)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::int64_t secs = 0;
        for (char c : value) {
            secs = secs * 10 + (c - '0');
            if (secs > 1'000'000'000)  // absurd: clamp instead of overflowing
                break;
        }
        return std::chrono::milliseconds(secs * 1000);
    }
    auto const when = parse_http_date(value);
    if (!when)
        return std::nullopt;
    std::chrono::system_clock::time_point reference = wall_now;
    if (auto const served = parse_http_date(date_header))
        reference = *served;
    auto const delta = std::chrono::duration_cast<std::chrono::milliseconds>(*when - reference);
    return delta.count() < 0 ? std::chrono::milliseconds(0) : delta;
}

}  // namespace meld::detail::pipeline

#endif
