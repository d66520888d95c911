// meld/timestamp.hpp — meld::timestamp, an ISO-8601 / RFC 3339 date-time from the API, exact to the nanosecond.
//
// Keeps both the instant (std::chrono::sys_time<nanoseconds>, UTC) and the text Meld sent. Parsing is
// hand-written (libstdc++ 12 has no chrono::parse); civil dates use Howard Hinnant's days_from_civil.
#ifndef MELD_TIMESTAMP_HPP
#define MELD_TIMESTAMP_HPP

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace meld {

namespace detail {

/// Days since 1970-01-01 of the proleptic Gregorian date y-m-d.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2;
    std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
    auto const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

/// Inverse of days_from_civil.
constexpr civil_date civil_from_days(std::int64_t z) noexcept
{
    z += 719468;
    std::int64_t const era = (z >= 0 ? z : z - 146096) / 146097;
    auto const doe = static_cast<unsigned>(z - era * 146097);
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned const mp = (5 * doy + 2) / 153;
    unsigned const d = doy - (153 * mp + 2) / 5 + 1;
    unsigned const m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept
{
    if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

/// Parses the ISO-8601 subset described at meld::timestamp into nanoseconds since the epoch (UTC).
constexpr std::optional<std::int64_t> parse_timestamp(std::string_view s) noexcept
{
    std::size_t i = 0;
    auto num = [&](std::size_t width, unsigned& v) {
        if (s.size() - i < width) return false;
        v = 0;
        for (std::size_t k = 0; k < width; ++k, ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
        }
        return true;
    };
    auto lit = [&](char c) { return i < s.size() && s[i] == c && (++i, true); };

    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!num(4, y) || !lit('-') || !num(2, mo) || !lit('-') || !num(2, d)) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
    std::int64_t frac = 0;
    std::int64_t offset = 0;  // seconds east of UTC
    if (i < s.size()) {
        if (!(lit('T') || lit('t'))) return std::nullopt;
        if (!num(2, h) || !lit(':') || !num(2, mi) || !lit(':') || !num(2, sec)) return std::nullopt;
        if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
        if (lit('.')) {
            int digits = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                if (++digits > 9) return std::nullopt;
                frac = frac * 10 + (s[i++] - '0');
            }
            if (digits == 0) return std::nullopt;
            for (; digits < 9; ++digits) frac *= 10;
        }
        if (lit('Z') || lit('z')) {
        } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            bool const neg = s[i++] == '-';
            unsigned oh = 0, om = 0;
            if (!num(2, oh) || !lit(':') || !num(2, om) || oh > 23 || om > 59) return std::nullopt;
            offset = (neg ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
        }
        if (i != s.size()) return std::nullopt;
    }
    std::int64_t const secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    constexpr std::int64_t limit = 9'223'372'035;  // keeps secs * 1e9 + frac within int64
    if (secs > limit || secs < -limit) return std::nullopt;
    return secs * 1'000'000'000 + frac;
}

}  // namespace detail

/// An instant from the API, exact to the nanosecond, that keeps the text it was parsed from.
///
/// Accepted: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|z|+hh:mm|-hh:mm]`; no zone means
/// UTC; 'T' may be 't'. Ranges are validated (leap years included); a leap second (:60) counts as the first
/// second of the next minute. Instants must lie within what sys_time<nanoseconds> holds (1677–2262).
/// Comparisons are by instant. A default-constructed timestamp is the epoch.
class timestamp {
public:
    using time_point_type = std::chrono::sys_time<std::chrono::nanoseconds>;

    timestamp() = default;

    /// Parses `text`; throws std::invalid_argument if it is not an accepted date-time.
    explicit timestamp(std::string_view text)
    {
        auto const ns = detail::parse_timestamp(text);
        if (!ns) throw std::invalid_argument("meld::timestamp: not an ISO-8601 date-time");
        tp_ = time_point_type(std::chrono::nanoseconds(*ns));
        text_ = text;
    }

    /// The instant `tp`; text() is its to_string().
    explicit timestamp(time_point_type tp) : tp_(tp), text_(format(tp)) {}

    /// Parses `text`; an empty optional if it is not an accepted date-time.
    static std::optional<timestamp> parse(std::string_view text) noexcept
    {
        auto const ns = detail::parse_timestamp(text);
        if (!ns) return std::nullopt;
        try {
            return timestamp(time_point_type(std::chrono::nanoseconds(*ns)), std::string(text));
        } catch (...) {  // allocation failure
            return std::nullopt;
        }
    }

    /// Replaces the value with `text` if it is an accepted date-time (reusing this timestamp's storage); false,
    /// and the value unchanged, if it is not.
    bool assign(std::string_view text)
    {
        auto const ns = detail::parse_timestamp(text);
        if (!ns) return false;
        text_.assign(text.data(), text.size());
        tp_ = time_point_type(std::chrono::nanoseconds(*ns));
        return true;
    }

    time_point_type time_point() const noexcept { return tp_; }

    /// The original text, verbatim.
    std::string_view text() const noexcept { return text_; }

    /// RFC 3339 in UTC with the fewest fraction digits needed: "2026-02-25T18:55:08.96836Z".
    std::string to_string() const { return format(tp_); }

    friend bool operator==(timestamp const& a, timestamp const& b) noexcept { return a.tp_ == b.tp_; }
    friend std::weak_ordering operator<=>(timestamp const& a, timestamp const& b) noexcept
    {
        auto const x = a.tp_.time_since_epoch().count();
        auto const y = b.tp_.time_since_epoch().count();
        return x < y ? std::weak_ordering::less : x > y ? std::weak_ordering::greater : std::weak_ordering::equivalent;
    }

    friend std::ostream& operator<<(std::ostream& os, timestamp const& t) { return os << t.text_; }

private:
    timestamp(time_point_type tp, std::string text) noexcept : tp_(tp), text_(std::move(text)) {}

    static std::string format(time_point_type tp)
    {
        std::int64_t const ns = tp.time_since_epoch().count();
        std::int64_t secs = ns / 1'000'000'000;
        std::int64_t frac = ns % 1'000'000'000;
        if (frac < 0) frac += 1'000'000'000, --secs;
        std::int64_t days = secs / 86400;
        std::int64_t sod = secs % 86400;
        if (sod < 0) sod += 86400, --days;
        auto const date = detail::civil_from_days(days);

        char buf[32];
        char* p = buf;
        auto put = [&p](std::int64_t v, int width) {
            for (int k = width - 1; k >= 0; --k, v /= 10) p[k] = static_cast<char>('0' + v % 10);
            p += width;
        };
        put(date.year, 4), *p++ = '-', put(date.month, 2), *p++ = '-', put(date.day, 2), *p++ = 'T';
        put(sod / 3600, 2), *p++ = ':', put(sod / 60 % 60, 2), *p++ = ':', put(sod % 60, 2);
        if (frac != 0) {
            int width = 9;
            while (frac % 10 == 0) frac /= 10, --width;
            *p++ = '.';
            put(frac, width);
        }
        *p++ = 'Z';
        return std::string(buf, p);
    }

    time_point_type tp_{};
    std::string text_ = "1970-01-01T00:00:00Z";
};

}  // namespace meld

#endif
