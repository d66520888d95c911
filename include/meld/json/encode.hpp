// meld/json/encode.hpp — meld::json::encode, compact JSON from models (request bodies).
//
// Described structs become objects with members in declaration order, empty std::optional members are
// omitted, decimals are written as their original text, timestamps as their text, open enums as their
// wire string, raw_json verbatim. `encode_members` writes a chosen subset of a struct's members, so the
// HTTP layer can put path/query members elsewhere and only the body members in the body.
#ifndef MELD_JSON_ENCODE_HPP
#define MELD_JSON_ENCODE_HPP

#include <meld/decimal.hpp>
#include <meld/json/detail/escape.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace meld::json {

namespace detail {

template <class T>
void write(std::string& out, T const& v);

/// A decimal's text when it is valid JSON (no '+', no leading zero), else its canonical form.
inline void write_decimal(std::string& out, meld::decimal const& d)
{
    std::string_view const t = d.text();
    std::size_t const i = t.front() == '-' ? 1 : 0;
    bool const leading_zero = t.size() > i + 1 && t[i] == '0' && t[i + 1] >= '0' && t[i + 1] <= '9';
    if (t.front() != '+' && !leading_zero)
        out += t;
    else
        out += d.to_string();
}

/// Writes the members of `v` for which keep(name) is true as `"name":value` pairs; returns how many.
template <class T, class Pred>
std::size_t write_members(std::string& out, T const& v, Pred& keep)
{
    std::size_t n = 0;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, member_modifiers>>([&](auto d) {
        auto const& m = v.*d.pointer;
        if constexpr (is_optional<std::remove_cvref_t<decltype(m)>>::value) {
            if (!m) return;
        }
        if (!keep(std::string_view(d.name))) return;
        if (n++ != 0) out += ',';
        append_escaped(out, wire_name(d.name));
        out += ':';
        detail::write(out, m);
    });
    return n;
}

template <class T>
void write(std::string& out, T const& v)
{
    if constexpr (std::is_same_v<T, std::string>) {
        append_escaped(out, v);
    } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (std::is_integral_v<T>) {
        char buf[24];
        auto const r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    } else if constexpr (std::is_same_v<T, meld::decimal>) {
        write_decimal(out, v);
    } else if constexpr (std::is_same_v<T, meld::timestamp>) {
        append_escaped(out, v.text());
    } else if constexpr (meld::is_open_enum_v<T>) {
        append_escaped(out, v.str());
    } else if constexpr (std::is_same_v<T, meld::raw_json>) {
        out += v.empty() ? std::string_view("null") : v.text();
    } else if constexpr (is_optional<T>::value) {
        if (v)
            detail::write(out, *v);
        else
            out += "null";
    } else if constexpr (is_vector<T>::value) {
        out += '[';
        bool first = true;
        for (auto const& e : v) {
            if (!first) out += ',';
            first = false;
            detail::write(out, e);
        }
        out += ']';
    } else if constexpr (is_string_map<T>::value) {
        out += '{';
        bool first = true;
        for (auto const& [k, e] : v) {
            if (!first) out += ',';
            first = false;
            append_escaped(out, k);
            out += ':';
            detail::write(out, e);
        }
        out += '}';
    } else if constexpr (is_variant<T>::value) {
        std::visit([&out](auto const& alt) { detail::write(out, alt); }, v);
    } else if constexpr (described_struct<T>) {
        auto all = [](std::string_view) { return true; };
        out += '{';
        write_members(out, v, all);
        out += '}';
    } else {
        static_assert(sizeof(T) == 0, "meld::json::encode: unsupported type");
    }
}

}  // namespace detail

/// Appends the compact JSON of `v` to `out`.
template <class T>
void encode(T const& v, std::string& out)
{
    detail::write(out, v);
}

/// The compact JSON of `v`.
template <class T>
std::string encode(T const& v)
{
    std::string out;
    detail::write(out, v);
    return out;
}

/// Appends `v` as a JSON object holding only the members whose JSON name satisfies `keep`
/// (`bool keep(std::string_view name)`), in declaration order, empty optionals omitted as usual.
/// Returns the number of members written (0: the object is `{}`; the caller may then send no body).
template <described_struct T, class Pred>
std::size_t encode_members(T const& v, std::string& out, Pred&& keep)
{
    out += '{';
    std::size_t const n = detail::write_members(out, v, keep);
    out += '}';
    return n;
}

}  // namespace meld::json

#endif
