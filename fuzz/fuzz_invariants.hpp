// fuzz/fuzz_invariants.hpp — invariants shared by the decode fuzz targets (not part of the library).
//
// Every check aborts with a one-line explanation on stderr, so libFuzzer reports the input as a crash:
//  * check_leaves(v): every meld::decimal's text() re-parses (decimal::parse) to the identical text and the
//    same value, and its canonical to_string() has the same value and is a fixed point; to_int64() agrees
//    with from_int(); every meld::timestamp's text() and to_string() re-parse to the same instant; every
//    non-empty meld::raw_json parses (raw_json::parse()); every open enum's str() maps back to the same value;
//  * check_decode(input, fresh, reference_doc): decoding is deterministic (same error code, message and
//    re-encoding twice), decoding into an object that already holds another document gives the same result
//    as decoding into a fresh one (decode replaces the value), a failure is client_errc::decode_failed with a
//    non-empty message, decoded texts are substrings of an input without escapes (check_texts_in), and a
//    success re-encodes to JSON that decodes again to the same encoding (the encoder's output is a fixed
//    point of decode + encode; for a oneOf with overlapping alternatives, after at most `steps` round trips).
#ifndef MELD_FUZZ_INVARIANTS_HPP
#define MELD_FUZZ_INVARIANTS_HPP

#include <meld/decimal.hpp>
#include <meld/error.hpp>
#include <meld/json/decode.hpp>
#include <meld/json/encode.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace meld_fuzz {

[[noreturn]] inline void fail(char const* what, std::string_view detail = {})
{
    std::fprintf(stderr, "\n*** fuzz invariant violated: %s\n*** %.*s\n", what,
                 static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
    std::abort();
}

inline void check(bool ok, char const* what, std::string_view detail = {})
{
    if (!ok) fail(what, detail);
}

inline void check_decimal(meld::decimal const& d)
{
    std::string const text(d.text());
    check(!text.empty(), "decimal: empty text");
    auto const again = meld::decimal::parse(text);
    check(again.has_value(), "decimal: text() does not re-parse", text);
    check(again->text() == text, "decimal: re-parsed text differs", text);
    check(*again == d && (*again <=> d) == 0, "decimal: re-parsed value differs", text);
    std::string const canonical = d.to_string();
    auto const c = meld::decimal::parse(canonical);
    check(c.has_value(), "decimal: to_string() does not parse", text + " -> " + canonical);
    check(*c == d, "decimal: to_string() has another value", text + " -> " + canonical);
    check(c->to_string() == canonical, "decimal: to_string() is not a fixed point", text + " -> " + canonical);
    check(d.is_zero() == (d == meld::decimal()), "decimal: is_zero() disagrees with == 0", text);
    check(!(d.is_zero() && d.is_negative()), "decimal: negative zero", text);
    if (auto const i = d.to_int64()) check(meld::decimal::from_int(*i) == d, "decimal: to_int64() differs", text);
    double const x = d.to_double();
    check(!(d.is_negative() && x > 0) && !(!d.is_negative() && x < 0), "decimal: to_double() has another sign", text);
}

inline void check_timestamp(meld::timestamp const& t)
{
    std::string const text(t.text());
    auto const again = meld::timestamp::parse(text);
    check(again.has_value(), "timestamp: text() does not re-parse", text);
    check(again->time_point() == t.time_point() && again->text() == text, "timestamp: re-parse differs", text);
    std::string const canonical = t.to_string();
    auto const c = meld::timestamp::parse(canonical);
    check(c.has_value(), "timestamp: to_string() does not parse", text + " -> " + canonical);
    check(c->time_point() == t.time_point(), "timestamp: to_string() is another instant", text + " -> " + canonical);
    check(c->to_string() == canonical, "timestamp: to_string() is not a fixed point", text + " -> " + canonical);
}

inline void check_raw_json(meld::raw_json const& r)
{
    if (r.empty()) return;
    try {
        (void)r.parse();
    } catch (std::exception const& e) {
        fail("raw_json: parse() throws on decoded text", std::string(e.what()) + " | " + std::string(r.text()));
    }
}

/// Deepest nesting of arrays and objects in `json` (brackets outside strings).
inline std::size_t nesting_depth(std::string_view json)
{
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char const c = json[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// Walks every value of `v` (described structs with their bases, optionals, vectors, maps, variants).
template <class T>
void check_leaves(T const& v)
{
    using namespace meld::json::detail;
    if constexpr (std::is_same_v<T, meld::decimal>) {
        check_decimal(v);
    } else if constexpr (std::is_same_v<T, meld::timestamp>) {
        check_timestamp(v);
    } else if constexpr (std::is_same_v<T, meld::raw_json>) {
        check_raw_json(v);
    } else if constexpr (meld::is_open_enum_v<T>) {
        check(T::from_string(v.str()) == v, "open enum: str() does not map back", v.str());
    } else if constexpr (is_optional<T>::value) {
        if (v) check_leaves(*v);
    } else if constexpr (is_vector<T>::value) {
        for (auto const& e : v) check_leaves(e);
    } else if constexpr (is_string_map<T>::value) {
        for (auto const& [k, e] : v) check_leaves(e);
    } else if constexpr (is_variant<T>::value) {
        std::visit([](auto const& alt) { check_leaves(alt); }, v);
    } else if constexpr (meld::json::described_struct<T>) {
        boost::mp11::mp_for_each<boost::describe::describe_members<T, member_modifiers>>(
            [&](auto d) { check_leaves(v.*d.pointer); });
    }
}

/// With no escape in `input` (no backslash), every decoded text is a substring of it: strings, open enums'
/// raw strings, and the decimals and timestamps that came from the input (engaged optionals; a plain member,
/// an array element or a map value may hold its default, from an absent member or a null). Catches text assembled from the wrong pieces.
template <class T>
void check_texts_in(T const& v, std::string_view input, bool from_input = false)
{
    using namespace meld::json::detail;
    auto const found = [&](std::string_view text, char const* what) {
        check(input.find(text) != std::string_view::npos, what, std::string(text) + " | " + std::string(input));
    };
    if constexpr (std::is_same_v<T, std::string>) {
        found(v, "decoded string is not in the input");
    } else if constexpr (std::is_same_v<T, meld::decimal> || std::is_same_v<T, meld::timestamp>) {
        if (from_input) found(v.text(), "decoded number/date text is not in the input");
    } else if constexpr (meld::is_open_enum_v<T>) {
        if (!v.is_known()) found(v.str(), "decoded enum text is not in the input");
    } else if constexpr (is_optional<T>::value) {
        if (v) check_texts_in(*v, input, true);
    } else if constexpr (is_vector<T>::value) {
        for (auto const& e : v) check_texts_in(e, input);  // `[null]` gives a default element
    } else if constexpr (is_string_map<T>::value) {
        for (auto const& [k, e] : v) {
            found(k, "decoded map key is not in the input");
            check_texts_in(e, input);
        }
    } else if constexpr (is_variant<T>::value) {
        std::visit([&](auto const& alt) { check_texts_in(alt, input); }, v);
    } else if constexpr (meld::json::described_struct<T>) {
        boost::mp11::mp_for_each<boost::describe::describe_members<T, member_modifiers>>(
            [&](auto d) { check_texts_in(v.*d.pointer, input); });
    }
}

/// Decodes `input` into a T; returns the error code, fills `out` and `message`.
template <class T>
meld::error_code decode(std::string_view input, T& out, std::string& message)
{
    message.clear();
    return meld::json::decode(input, out, &message);
}

/// The checks of the file comment; returns true when `input` decoded (into `out`).
template <class T>
bool check_decode(std::string_view input, T& out, std::string_view reference_doc, int steps = 1)
{
    std::string message;
    auto const ec = decode(input, out, message);
    if (ec) {
        check(ec == meld::client_errc::decode_failed, "decode: failure is not client_errc::decode_failed",
              ec.message());
        check(!message.empty(), "decode: failure without a message");
    }

    // Deterministic.
    T second{};
    std::string message2;
    auto const ec2 = decode(input, second, message2);
    check(ec == ec2 && message == message2, "decode: two runs disagree", message + " | " + message2);

    // Decoding replaces the previous value.
    T reused{};
    std::string ignored;
    (void)decode(reference_doc, reused, ignored);
    std::string message3;
    auto const ec3 = decode(input, reused, message3);
    check(ec == ec3 && message == message3, "decode: result depends on the previous value",
          message + " | " + message3);
    if (ec) return false;

    std::string const e1 = meld::json::encode(out);
    check(meld::json::encode(second) == e1, "decode: two runs encode differently", e1);
    check(meld::json::encode(reused) == e1, "decode: into a used object encodes differently",
          e1 + " | " + meld::json::encode(reused));
    check_leaves(out);
    if (input.find('\\') == std::string_view::npos) check_texts_in(out, input);

    // encode(decode(x)) is a fixed point; for a oneOf whose alternatives share members, decoding an encoding
    // may pick an earlier alternative that recognises the same members (ties go to the first), so such a type
    // passes `steps` = its number of alternatives: each further step can only move to an earlier one.
    std::string prev = e1;
    for (int step = 1;; ++step) {
        T back{};
        std::string why;
        check(!decode(prev, back, why), "round trip: the encoding does not decode", why + " | " + prev);
        std::string next = meld::json::encode(back);
        if (next == prev) break;
        check(step < steps, "round trip: decode(encode(v)) encodes differently", prev + " | " + next);
        prev = std::move(next);
    }
    return true;
}

}  // namespace meld_fuzz

#endif
