// meld/open_enum.hpp — meld::open_enum, API enums that never fail to decode.
//
// An open enum holds either one of the known constants or, for a value the models do not know (Meld adds
// statuses without notice), the raw string as received, so it can be logged, compared and sent back.
// Generated enums have exactly this shape:
//
//     struct session_type : meld::open_enum<session_type> {
//         enum value : int { unknown = -1, BUY, SELL, TRANSFER };
//         static constexpr std::string_view names[] = {"BUY", "SELL", "TRANSFER"};  // index = enumerator
//         using open_enum::open_enum;
//     };
//
// Because the derived class names its enumeration `value`, the enumerator is read with `get()`
// (`switch (t.get())`); `t.value()` cannot compile with that shape.
#ifndef MELD_OPEN_ENUM_HPP
#define MELD_OPEN_ENUM_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace meld {

namespace detail {

/// Indices of `D::names` sorted by name, computed at compile time, for O(log n) lookup.
template <class D>
constexpr auto make_sorted_names() noexcept
{
    constexpr std::size_t n = std::size(D::names);
    std::array<int, n> idx{};
    for (std::size_t i = 0; i < n; ++i) idx[i] = static_cast<int>(i);
    std::sort(idx.begin(), idx.end(), [](int a, int b) {
        return D::names[static_cast<std::size_t>(a)] < D::names[static_cast<std::size_t>(b)];
    });
    return idx;
}

template <class D>
inline constexpr auto sorted_names = make_sorted_names<D>();

}  // namespace detail

/// CRTP base of every generated enum; see the file comment for the derived shape.
///
/// Equality: two known values are equal when their constants are; two unknown values when their raw
/// strings are. A default-constructed enum is unknown with an empty raw string.
template <class Derived>
class open_enum {
public:
    open_enum() = default;

    /// Implicit from the enumerator: `session_type t = session_type::BUY;`
    template <class E, class D = Derived>
        requires std::is_same_v<E, typename D::value>
    constexpr open_enum(E v) noexcept : v_(static_cast<int>(v))
    {
    }

    /// The constant named `s`, or an unknown value that keeps `s`.
    static Derived from_string(std::string_view s)
    {
        Derived r;
        int const i = find(s);
        if (i >= 0)
            r.v_ = i;
        else
            r.raw_.assign(s.data(), s.size());
        return r;
    }

    /// Becomes the constant named `s`, or an unknown value that keeps `s` (reusing this value's storage).
    void assign(std::string_view s)
    {
        v_ = find(s);
        if (v_ >= 0)
            raw_.clear();
        else
            raw_.assign(s.data(), s.size());
    }

    /// The enumerator, or `Derived::unknown`.
    constexpr auto get() const noexcept { return static_cast<typename Derived::value>(v_); }

    constexpr bool is_known() const noexcept { return v_ >= 0; }

    /// The wire string: the constant's name, or the raw string of an unknown value.
    std::string_view str() const noexcept
    {
        if (v_ >= 0) return Derived::names[static_cast<std::size_t>(v_)];
        return raw_;
    }

    friend bool operator==(Derived const& a, Derived const& b) noexcept
    {
        return a.v_ == b.v_ && (a.v_ >= 0 || a.raw_ == b.raw_);
    }

    friend std::ostream& operator<<(std::ostream& os, Derived const& e) { return os << e.str(); }

private:
    /// Index of `s` in Derived::names, or -1.
    static int find(std::string_view s) noexcept
    {
        constexpr auto const& sorted = detail::sorted_names<Derived>;
        auto const it = std::lower_bound(sorted.begin(), sorted.end(), s, [](int i, std::string_view k) {
            return Derived::names[static_cast<std::size_t>(i)] < k;
        });
        if (it != sorted.end() && Derived::names[static_cast<std::size_t>(*it)] == s) return *it;
        return -1;
    }

    int v_ = -1;
    std::string raw_;  ///< only for unknown values
};

/// True for classes derived from meld::open_enum<T> (generated enums).
template <class T, class = void>
struct is_open_enum : std::false_type {};
template <class T>
struct is_open_enum<T, std::enable_if_t<std::is_base_of_v<open_enum<T>, T>>> : std::true_type {};
template <class T>
inline constexpr bool is_open_enum_v = is_open_enum<T>::value;

}  // namespace meld

#endif
