// meld/validation.hpp — meld::validate: the specs' constraints checked before a request leaves the process.
//
//   meld::customers::create_request const req{.dateOfBirth = "1990-13-01"};
//   std::string message;
//   if (auto ec = meld::validate(req, message))   // ec == meld::client_errc::invalid_request
//       std::cerr << message;                      // [dateOfBirth] must match ^\d{4}-(0[1-9]|1[0-2])-(...)$
//
// Every call runs it (detail::build_request): an invalid request completes with client_errc::invalid_request,
// the message in diagnostics::client_message(), and nothing is sent. The rules are the tables the generator
// derives from the specs (meld/detail/validation_rules.hpp): required, minLength/maxLength (code points),
// pattern (ECMAScript syntax, compiled once per rule to a linear-time matcher: detail/validation_regex.hpp),
// minimum/maximum/exclusive* (exact decimal
// comparison), minItems/maxItems/uniqueItems, minProperties/maxProperties and enum membership (an open_enum
// value that is not one of the spec's values). The check descends into nested models, vector elements
// (`sessionData.lockFields[1]`), map values (`field[key]`), present optionals and the active variant
// alternative. Messages follow Meld's own style, `[field] rule`, several joined by "; " (at most
// `max_reported_violations`, then "; ... and N more").
//
// Types without rules anywhere below them are not visited: validate() is then a no-op the compiler removes.
// Define MELD_NO_REQUEST_VALIDATION to skip the check in calls (validate() itself stays available).
#ifndef MELD_VALIDATION_HPP
#define MELD_VALIDATION_HPP

#include <meld/decimal.hpp>
#include <meld/detail/validation_regex.hpp>
#include <meld/detail/validation_rules.hpp>
#include <meld/error.hpp>
#include <meld/json/encode.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <compare>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace meld {

/// At most this many violations are spelled out in the message.
inline constexpr int max_reported_violations = 10;

namespace detail::validation {

template <class T>
using members = boost::describe::describe_members<T, json::detail::member_modifiers>;

template <class T>
concept has_rule_table = requires { validation_rules<T>::rules; } && (std::size(validation_rules<T>::rules) > 0);

template <class C, class M>
M member_type_of(M C::*);

template <class D>
using member_t = decltype(member_type_of(D::pointer));

template <class T>
constexpr bool needs_validation() noexcept;

template <class T>
constexpr bool members_need_validation() noexcept
{
    return []<template <class...> class L, class... D>(L<D...>) {
        return (needs_validation<member_t<D>>() || ...);
    }(members<T>{});
}

/// True when T or anything below it has rules: only then does validate() look at a value of type T.
template <class T>
constexpr bool needs_validation() noexcept
{
    if constexpr (json::detail::is_optional<T>::value || json::detail::is_vector<T>::value)
        return needs_validation<typename T::value_type>();
    else if constexpr (json::detail::is_string_map<T>::value)
        return needs_validation<typename T::mapped_type>();
    else if constexpr (json::detail::is_variant<T>::value)
        return []<class... A>(std::variant<A...> const*) {
            return (needs_validation<A>() || ...);
        }(static_cast<T const*>(nullptr));
    else if constexpr (json::described_struct<T>)
        return has_rule_table<T> || members_need_validation<T>();
    else
        return false;
}

/// Every rule of T's table names one of T's members (a typo in a hand-written table fails to compile).
template <class T>
consteval bool rules_name_members()
{
    for (field_rule const& r : validation_rules<T>::rules) {
        bool found = []<template <class...> class L, class... D>(L<D...>, std::string_view name) {
            return ((std::string_view(D::name) == name) || ...);
        }(members<T>{}, r.member);
        if (!found)
            return false;
    }
    return true;
}

/// One step of the path to the value being checked, on the stack of the recursion (no allocation).
struct path_node {
    enum class step : std::uint8_t { member, index, key };
    path_node const* parent = nullptr;
    step kind = step::member;
    std::string_view name{};  ///< member (JSON name) or map key
    std::size_t index = 0;
};

inline void append_path(std::string& out, path_node const* n)
{
    if (n == nullptr)
        return;
    append_path(out, n->parent);
    switch (n->kind) {
    case path_node::step::member:
        if (n->parent != nullptr)
            out.push_back('.');
        out.append(n->name);
        break;
    case path_node::step::index: {
        char buf[24];
        auto const r = std::to_chars(buf, buf + sizeof buf, n->index);
        out.push_back('[');
        out.append(buf, r.ptr);
        out.push_back(']');
        break;
    }
    case path_node::step::key:
        out.push_back('[');
        out.append(n->name);
        out.push_back(']');
        break;
    }
}

class context {
public:
    explicit context(std::string& message) noexcept : message_(&message) {}

    /// Records a violation at `at`: "[path] " + what `describe(out)` appends.
    template <class Describe>
    void fail(path_node const& at, Describe&& describe)
    {
        ++count_;
        if (count_ > max_reported_violations)
            return;
        if (count_ > 1)
            message_->append("; ");
        message_->push_back('[');
        append_path(*message_, &at);
        message_->append("] ");
        std::forward<Describe>(describe)(*message_);
    }

    int count() const noexcept { return count_; }

    void finish()
    {
        if (count_ > max_reported_violations) {
            char buf[16];
            auto const r = std::to_chars(buf, buf + sizeof buf, count_ - max_reported_violations);
            message_->append("; ... and ").append(buf, r.ptr).append(" more");
        }
    }

private:
    std::string* message_;
    int count_ = 0;
};

/// Unicode code points of UTF-8 text (JSON Schema lengths count characters, not bytes).
inline std::size_t code_points(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0u) != 0x80u ? 1 : 0;
    return n;
}

/// Rule I of T's table as a compile-time constant.
template <class T, std::size_t I>
inline constexpr field_rule rule = validation_rules<T>::rules[I];

template <class T, std::size_t I>
constexpr std::size_t count_bound()
{
    constexpr std::string_view v = rule<T, I>.value;
    std::size_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            throw "validation rule: a length / size bound must be a non-negative integer";
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

template <class T, std::size_t I>
constexpr decimal_parts decimal_bound()
{
    decimal_parts p;
    if (!split_decimal(rule<T, I>.value, p))
        throw "validation rule: a numeric bound must be a decimal number";
    return p;
}

/// The pattern of rule I of T, compiled on first use (thread-safe static; see detail/validation_regex.hpp
/// for why this is not std::regex).
template <class T, std::size_t I>
pattern_matcher const& rule_pattern()
{
    static pattern_matcher const re(rule<T, I>.value);
    return re;
}

template <class X>
std::weak_ordering compare_to_bound(X const& x, decimal_parts const& bound) noexcept
{
    decimal_parts p;
    if constexpr (std::is_same_v<X, decimal>) {
        split_decimal(x.text(), p);
        return compare_decimal(p, bound);
    } else {
        static_assert(std::is_integral_v<X> && !std::is_same_v<X, bool>, "numeric rule on a non-numeric member");
        char buf[24];
        auto const r = std::to_chars(buf, buf + sizeof buf, x);
        split_decimal(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), p);
        return compare_decimal(p, bound);
    }
}

template <class E>
bool elements_equal(E const& a, E const& b)
{
    if constexpr (std::equality_comparable<E>)
        return a == b;
    else
        return json::encode(a) == json::encode(b);  // structs: same JSON = same value
}

/// Applies rule I of T to one value (the member itself, or one element for rule_on::items).
template <class T, std::size_t I, class X>
void check_one(X const& x, path_node const& at, context& ctx)
{
    constexpr field_rule r = rule<T, I>;
    if constexpr (json::detail::is_optional<X>::value) {
        if (x)
            check_one<T, I>(*x, at, ctx);
    } else if constexpr (r.kind == rule_kind::min_length || r.kind == rule_kind::max_length) {
        static_assert(std::is_convertible_v<X const&, std::string_view>, "length rule on a non-string member");
        constexpr std::size_t bound = count_bound<T, I>();
        std::size_t const n = code_points(std::string_view(x));
        if (r.kind == rule_kind::min_length ? n < bound : n > bound)
            ctx.fail(at, [](std::string& out) {
                out.append(rule<T, I>.kind == rule_kind::min_length ? "length must be >= " : "length must be <= ");
                out.append(rule<T, I>.value);
            });
    } else if constexpr (r.kind == rule_kind::pattern) {
        static_assert(std::is_convertible_v<X const&, std::string_view>, "pattern rule on a non-string member");
        if (!rule_pattern<T, I>().search(std::string_view(x)))
            ctx.fail(at, [](std::string& out) { out.append("must match ").append(rule<T, I>.value); });
    } else if constexpr (r.kind == rule_kind::minimum || r.kind == rule_kind::maximum ||
                         r.kind == rule_kind::exclusive_minimum || r.kind == rule_kind::exclusive_maximum) {
        constexpr decimal_parts bound = decimal_bound<T, I>();
        auto const c = compare_to_bound(x, bound);
        bool const ok = r.kind == rule_kind::minimum             ? c >= 0
                        : r.kind == rule_kind::maximum           ? c <= 0
                        : r.kind == rule_kind::exclusive_minimum ? c > 0
                                                                 : c < 0;
        if (!ok)
            ctx.fail(at, [](std::string& out) {
                constexpr rule_kind k = rule<T, I>.kind;
                out.append(k == rule_kind::minimum             ? "must be >= "
                           : k == rule_kind::maximum           ? "must be <= "
                           : k == rule_kind::exclusive_minimum ? "must be > "
                                                               : "must be < ");
                out.append(rule<T, I>.value);
            });
    } else if constexpr (r.kind == rule_kind::min_items || r.kind == rule_kind::max_items ||
                         r.kind == rule_kind::min_properties || r.kind == rule_kind::max_properties) {
        static_assert(json::detail::is_vector<X>::value || json::detail::is_string_map<X>::value,
                      "size rule on a member that is neither an array nor a map");
        constexpr std::size_t bound = count_bound<T, I>();
        constexpr bool min = r.kind == rule_kind::min_items || r.kind == rule_kind::min_properties;
        if (min ? x.size() < bound : x.size() > bound)
            ctx.fail(at, [](std::string& out) {
                constexpr rule_kind k = rule<T, I>.kind;
                out.append(k == rule_kind::min_items || k == rule_kind::min_properties ? "size must be >= "
                                                                                       : "size must be <= ");
                out.append(rule<T, I>.value);
            });
    } else if constexpr (r.kind == rule_kind::unique_items) {
        static_assert(json::detail::is_vector<X>::value, "uniqueItems on a non-array member");
        for (std::size_t i = 1; i < x.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (elements_equal(x[i], x[j]))
                    return ctx.fail(at, [](std::string& out) { out.append("items must be unique"); });
    } else if constexpr (r.kind == rule_kind::one_of) {
        static_assert(is_open_enum_v<X>, "one_of rule on a member that is not an enum");
        if (!x.is_known())
            ctx.fail(at, [](std::string& out) {
                out.append("must be one of ");
                bool first = true;
                for (std::string_view n : X::names) {
                    if (!first)
                        out.append(", ");
                    first = false;
                    out.append(n);
                }
            });
    } else {
        static_assert(r.kind == rule_kind::required, "unknown rule kind");
        // a present value satisfies `required`; absence is checked in apply_rule
    }
}

/// Applies rule I of T to member value `v` at `at`.
template <class T, std::size_t I, class M>
void apply_rule(M const& v, path_node const& at, context& ctx)
{
    constexpr field_rule r = rule<T, I>;
    if constexpr (r.kind == rule_kind::required) {
        if constexpr (json::detail::is_optional<M>::value)
            if (!v)
                ctx.fail(at, [](std::string& out) { out.append("must not be null"); });
    } else if constexpr (r.on == rule_on::items) {
        if constexpr (json::detail::is_optional<M>::value) {
            if (v)
                apply_rule<T, I>(*v, at, ctx);
        } else {
            static_assert(json::detail::is_vector<M>::value, "an items rule on a non-array member");
            for (std::size_t i = 0; i < v.size(); ++i) {
                path_node const elem{&at, path_node::step::index, {}, i};
                check_one<T, I>(v[i], elem, ctx);
            }
        }
    } else {
        check_one<T, I>(v, at, ctx);
    }
}

template <class V>
void check_value(V const& v, path_node const* at, context& ctx);

template <class T>
void check_struct(T const& v, path_node const* parent, context& ctx)
{
    if constexpr (has_rule_table<T>)
        static_assert(rules_name_members<T>(), "a validation rule names no member of its type");
    boost::mp11::mp_for_each<members<T>>([&](auto d) {
        using D = decltype(d);
        using M = member_t<D>;
        path_node const here{parent, path_node::step::member, json::wire_name(D::name), 0};
        auto const& m = v.*D::pointer;
        if constexpr (has_rule_table<T>) {
            constexpr std::size_t n = std::size(validation_rules<T>::rules);
            boost::mp11::mp_for_each<boost::mp11::mp_iota_c<n>>([&](auto i) {
                if constexpr (rule<T, decltype(i)::value>.member == std::string_view(D::name))
                    apply_rule<T, decltype(i)::value>(m, here, ctx);
            });
        }
        if constexpr (needs_validation<M>())
            check_value(m, &here, ctx);
    });
}

/// Descends into a value whose type has rules below it.
template <class V>
void check_value(V const& v, path_node const* at, context& ctx)
{
    if constexpr (json::detail::is_optional<V>::value) {
        if (v)
            check_value(*v, at, ctx);
    } else if constexpr (json::detail::is_vector<V>::value) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            path_node const elem{at, path_node::step::index, {}, i};
            check_value(v[i], &elem, ctx);
        }
    } else if constexpr (json::detail::is_string_map<V>::value) {
        for (auto const& [k, e] : v) {
            path_node const elem{at, path_node::step::key, k, 0};
            check_value(e, &elem, ctx);
        }
    } else if constexpr (json::detail::is_variant<V>::value) {
        std::visit(
            [&](auto const& alt) {
                if constexpr (needs_validation<std::decay_t<decltype(alt)>>())
                    check_value(alt, at, ctx);
            },
            v);
    } else if constexpr (json::described_struct<V>) {
        check_struct(v, at, ctx);
    }
}

}  // namespace detail::validation

/// Checks `request` (any generated model, or a vector/optional/variant of them) against the specs'
/// constraints. On violations: client_errc::invalid_request, and `message` names each field and rule
/// (`[sessionData.lockFields[1]] must be one of cryptoCurrency, ...`). Otherwise: success, `message` empty.
template <class Request>
error_code validate(Request const& request, std::string& message)
{
    message.clear();
    if constexpr (detail::validation::needs_validation<Request>()) {
        detail::validation::context ctx(message);
        detail::validation::check_value(request, nullptr, ctx);
        ctx.finish();
        if (ctx.count() > 0)
            return client_errc::invalid_request;
    }
    return {};
}

/// True when values of type T are checked at all (some rule applies to T or to something it contains).
template <class T>
inline constexpr bool has_validation_rules = detail::validation::needs_validation<T>();

}  // namespace meld

#endif
