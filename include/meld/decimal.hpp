// meld/decimal.hpp — meld::decimal, an exact decimal number kept as its original text.
//
// Every JSON `number` of the API (amounts, fees, rates) is a meld::decimal: the text Meld sent
// ("100.00", "0.00105423", 18-digit fractions) is kept verbatim and compared by value digit by digit,
// so no double ever touches an amount. Conversions to double/int64 are explicit.
#ifndef MELD_DECIMAL_HPP
#define MELD_DECIMAL_HPP

#include <charconv>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace meld {

namespace detail {

/// Largest accepted |exponent|: keeps to_string() bounded on hostile input.
inline constexpr std::int64_t decimal_max_exponent = 9999;

/// A decimal text split into sign, integer digits, fraction digits and exponent (views into the text).
struct decimal_parts {
    bool negative = false;
    std::string_view int_digits;
    std::string_view frac_digits;
    std::int64_t exponent = 0;
    // Derived by normalize(): significant digits are [lo, hi] of int_digits+frac_digits.
    std::size_t lo = 0;
    std::size_t hi = 0;
    bool zero = true;
    std::int64_t magnitude = 0;  ///< number of digits before the point of the normalized value

    constexpr char digit(std::size_t i) const noexcept
    {
        return i < int_digits.size() ? int_digits[i] : frac_digits[i - int_digits.size()];
    }
};

/// Splits `s` (-|+ digits [. digits] [e|E [+|-] digits]); false when it is not a number.
constexpr bool split_decimal(std::string_view s, decimal_parts& out) noexcept
{
    std::size_t i = 0;
    std::size_t const n = s.size();
    auto digits = [&] {
        std::size_t const b = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        return s.substr(b, i - b);
    };
    if (i < n && (s[i] == '-' || s[i] == '+')) out.negative = s[i++] == '-';
    out.int_digits = digits();
    if (out.int_digits.empty()) return false;
    if (i < n && s[i] == '.') {
        ++i;
        out.frac_digits = digits();
        if (out.frac_digits.empty()) return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        std::string_view const e = digits();
        if (e.empty()) return false;
        std::int64_t v = 0;
        for (char c : e) {
            v = v * 10 + (c - '0');
            if (v > decimal_max_exponent) return false;
        }
        out.exponent = neg ? -v : v;
    }
    if (i != n) return false;
    // Normalize: locate the first and last non-zero digits.
    std::size_t const total = out.int_digits.size() + out.frac_digits.size();
    std::size_t lo = 0;
    while (lo < total && out.digit(lo) == '0') ++lo;
    if (lo == total) return true;  // zero
    std::size_t hi = total - 1;
    while (out.digit(hi) == '0') --hi;
    out.zero = false;
    out.lo = lo;
    out.hi = hi;
    out.magnitude = static_cast<std::int64_t>(out.int_digits.size()) + out.exponent - static_cast<std::int64_t>(lo);
    return true;
}

/// Three-way comparison of two valid decimal texts by value.
constexpr std::weak_ordering compare_decimal(decimal_parts const& a, decimal_parts const& b) noexcept
{
    int const sa = a.zero ? 0 : (a.negative ? -1 : 1);
    int const sb = b.zero ? 0 : (b.negative ? -1 : 1);
    if (sa != sb) return sa < sb ? std::weak_ordering::less : std::weak_ordering::greater;
    if (sa == 0) return std::weak_ordering::equivalent;
    int mag = 0;  // |a| vs |b|
    if (a.magnitude != b.magnitude) {
        mag = a.magnitude < b.magnitude ? -1 : 1;
    } else {
        std::size_t const la = a.hi - a.lo;
        std::size_t const lb = b.hi - b.lo;
        std::size_t const len = (la > lb ? la : lb) + 1;
        for (std::size_t k = 0; k < len && mag == 0; ++k) {
            char const da = k <= la ? a.digit(a.lo + k) : '0';
            char const db = k <= lb ? b.digit(b.lo + k) : '0';
            if (da != db) mag = da < db ? -1 : 1;
        }
    }
    if (sa < 0) mag = -mag;
    return mag < 0 ? std::weak_ordering::less : mag > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent;
}

}  // namespace detail

/// An exact decimal number that keeps the text it was created from.
///
/// Accepts the JSON number grammar, plus a leading '+' (numeric strings): `-?digits[.digits][(e|E)[+-]digits]`,
/// with |exponent| <= 9999. Equality and ordering are by value (`100.00 == 1e2`), exact for any number of
/// digits. A default-constructed decimal is zero ("0").
class decimal {
public:
    decimal() = default;

    /// Parses `text`; throws std::invalid_argument if it is not a number.
    explicit decimal(std::string_view text) : text_(checked(text)) {}

    /// Parses `text`; an empty optional if it is not a number.
    static std::optional<decimal> parse(std::string_view text) noexcept
    {
        detail::decimal_parts p;
        if (!detail::split_decimal(text, p)) return std::nullopt;
        try {
            return decimal(std::string(text), raw_tag{});
        } catch (...) {  // allocation failure
            return std::nullopt;
        }
    }

    /// Replaces the value with `text` if it is a number (reusing this decimal's storage); false, and the value
    /// unchanged, if it is not.
    bool assign(std::string_view text)
    {
        detail::decimal_parts p;
        if (!detail::split_decimal(text, p)) return false;
        text_.assign(text.data(), text.size());
        return true;
    }

    /// The exact decimal value of `v`.
    static decimal from_int(std::int64_t v)
    {
        char buf[24];
        auto const r = std::to_chars(buf, buf + sizeof buf, v);
        return decimal(std::string(buf, r.ptr), raw_tag{});
    }

    /// The original text, verbatim ("100.00", "1e-8", "+5").
    std::string_view text() const noexcept { return text_; }

    /// Canonical plain form: no exponent, no '+', no leading zeros, no trailing fraction zeros, "-0" -> "0".
    std::string to_string() const
    {
        auto const p = parts();
        if (p.zero) return "0";
        std::string r;
        if (p.negative) r += '-';
        auto const len = static_cast<std::int64_t>(p.hi - p.lo + 1);
        auto append_digits = [&](std::int64_t from, std::int64_t to) {
            for (auto i = from; i < to; ++i) r += p.digit(p.lo + static_cast<std::size_t>(i));
        };
        if (p.magnitude <= 0) {
            r += "0.";
            r.append(static_cast<std::size_t>(-p.magnitude), '0');
            append_digits(0, len);
        } else if (p.magnitude >= len) {
            append_digits(0, len);
            r.append(static_cast<std::size_t>(p.magnitude - len), '0');
        } else {
            append_digits(0, p.magnitude);
            r += '.';
            append_digits(p.magnitude, len);
        }
        return r;
    }

    /// Nearest double. LOSSY: for display or statistics only, never for amounts you send back.
    double to_double() const
    {
        std::string_view t = text_;
        if (!t.empty() && t.front() == '+') t.remove_prefix(1);
        double d = 0;
        auto const r = std::from_chars(t.data(), t.data() + t.size(), d);
        if (r.ec == std::errc::result_out_of_range) {
            auto const p = parts();
            double const m = p.magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
            return p.negative ? -m : m;
        }
        return d;
    }

    /// The value as an int64, only if it is exactly integral and in range ("100.00" -> 100, "1.5" -> none).
    std::optional<std::int64_t> to_int64() const noexcept
    {
        auto const p = parts();
        if (p.zero) return 0;
        auto const len = static_cast<std::int64_t>(p.hi - p.lo + 1);
        if (p.magnitude < len || p.magnitude > 19) return std::nullopt;
        std::uint64_t u = 0;  // < 10^19 < 2^64: no overflow
        for (std::size_t i = p.lo; i <= p.hi; ++i) u = u * 10 + static_cast<std::uint64_t>(p.digit(i) - '0');
        for (auto i = len; i < p.magnitude; ++i) u *= 10;
        constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        if (!p.negative) {
            if (u > max) return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        if (u > max + 1) return std::nullopt;
        return u == max + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(u);
    }

    bool is_zero() const noexcept { return parts().zero; }
    bool is_negative() const noexcept { return !parts().zero && parts().negative; }

    friend bool operator==(decimal const& a, decimal const& b) noexcept { return (a <=> b) == 0; }
    friend std::weak_ordering operator<=>(decimal const& a, decimal const& b) noexcept
    {
        return detail::compare_decimal(a.parts(), b.parts());
    }

    friend std::ostream& operator<<(std::ostream& os, decimal const& d) { return os << d.text_; }

private:
    struct raw_tag {};
    decimal(std::string text, raw_tag) noexcept : text_(std::move(text)) {}

    static std::string checked(std::string_view text)
    {
        detail::decimal_parts p;
        if (!detail::split_decimal(text, p)) throw std::invalid_argument("meld::decimal: not a number");
        return std::string(text);
    }

    detail::decimal_parts parts() const noexcept
    {
        detail::decimal_parts p;
        detail::split_decimal(text_, p);  // text_ is always valid
        return p;
    }

    std::string text_ = "0";
};

}  // namespace meld

#endif
