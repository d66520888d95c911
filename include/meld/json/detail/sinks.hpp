// meld/json/detail/sinks.hpp — per-type tables of function pointers ("sinks") that the decoder calls.
//
// Each decodable type T has one constexpr `sink` (sink_of<T>()) telling the SAX handler how to store a
// string, a number, a bool or null into a T, or how to open it as an object (member lookup) or an array
// (append an element). Structs get a constexpr table of their described members and a constexpr hash index
// of their names: lookup tries the member after the last one matched, then the hash table.
#ifndef MELD_JSON_DETAIL_SINKS_HPP
#define MELD_JSON_DETAIL_SINKS_HPP

#include <meld/decimal.hpp>
#include <meld/error.hpp>
#include <meld/json/decode_report.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>

#include <boost/describe/members.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace meld::json::detail {

/// How one decode runs: options, where warnings go, and the JSON pointer of the value being decoded (a oneOf
/// alternative is decoded from its captured text: its warnings' paths start there).
struct decode_context {
    decode_options options{};
    decode_report* report = nullptr;
    std::string_view path_prefix{};
};

/// Decodes `json` into `out`; `matched` receives the number of struct members recognised (oneOf choice).
template <class T>
error_code decode_counted(std::string_view json, T& out, std::string* message, std::size_t* matched,
                          decode_context const& ctx);

struct sink;
using sink_fn = sink const* (*)() noexcept;

enum class sink_kind : unsigned char {
    scalar,    ///< string / number / bool
    object,    ///< described struct or string map
    array,     ///< std::vector
    optional,  ///< std::optional: engaged, then the inner sink
    capture,   ///< raw_json / std::variant: the subtree is captured as JSON text, then finish()
};

/// Where the next value goes: storage `p` filled through `vt`; vt == nullptr means "skip the value".
struct slot {
    void* p = nullptr;
    sink const* vt = nullptr;
    bool fresh = false;  ///< `p` was just value-initialized (array element, engaged optional): no clear()
};

/// How to fill one type. Scalar functions return nullptr on success or a problem description.
struct sink {
    sink_kind kind = sink_kind::scalar;
    char const* expected = "";                               ///< "a string", "an object", ...
    char const* (*on_string)(void* p, std::string_view s) = nullptr;
    char const* (*on_number)(void* p, std::string_view text) = nullptr;
    char const* (*on_bool)(void* p, bool b) = nullptr;
    void (*on_null)(void* p) = nullptr;                      ///< reset to the default (or disengage)
    void (*clear)(void* p) = nullptr;                        ///< object / array: at '{' or '['
    /// object: the member named `key` (vt == nullptr if unknown); `name` receives a stable copy of the key
    slot (*member)(void* p, std::string_view key, std::size_t& hint, std::string_view& name) = nullptr;
    void* (*element)(void* p) = nullptr;                     ///< array: appends an element
    void (*drop_last)(void* p) = nullptr;                    ///< array: removes the element just appended
    void* (*emplace)(void* p) = nullptr;                     ///< optional: engages it
    sink_fn child = nullptr;                                 ///< optional / array: the value's sink
    /// capture: builds the value from the captured text; `ctx` is the decode's (its path: the captured value)
    bool (*finish)(void* p, std::string& text, std::string& problem, decode_context const& ctx) = nullptr;
};

template <class T>
sink const* sink_of() noexcept;

template <class T>
T& as(void* p) noexcept
{
    return *static_cast<T*>(p);
}

template <class T>
void reset(void* p)
{
    as<T>(p) = T{};
}

template <class I>
char const* to_integral(void* p, std::string_view s)
{
    I v{};
    auto const r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc{} && r.ptr == s.data() + s.size()) {
        as<I>(p) = v;
        return nullptr;
    }
    if (r.ec == std::errc::result_out_of_range && r.ptr == s.data() + s.size()) return "integer out of range";
    auto const d = meld::decimal::parse(s);  // "1e2", "100.0", "+5"
    if (!d) return "expected an integer, got a string that is not a number";
    auto const i = d->to_int64();
    if (!i) return "expected an integer, got a fraction or an out-of-range number";
    if (!std::in_range<I>(*i)) return "integer out of range";
    as<I>(p) = static_cast<I>(*i);
    return nullptr;
}

// ---- described structs: constexpr member tables -------------------------------------------------------

struct member_entry {
    std::string_view name;
    sink_fn vt;
    void* (*get)(void* object) noexcept;
};

template <class T, class D>
void* member_address(void* object) noexcept
{
    return &(static_cast<T*>(object)->*D::pointer);
}

template <class T, template <class...> class L, class... D>
constexpr std::array<member_entry, sizeof...(D)> make_member_table(L<D...>) noexcept
{
    return {{member_entry{
        wire_name(D::name), &sink_of<std::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>>, &member_address<T, D>}...}};
}

template <class T>
inline constexpr auto member_table =
    make_member_table<T>(boost::describe::describe_members<T, member_modifiers>{});

/// Hash of a member name for the lookup table: length and three characters (cheap, and distinct enough for
/// the few dozen names of one model; collisions are probed).
constexpr std::size_t name_hash(std::string_view k) noexcept
{
    std::size_t h = k.size();
    if (!k.empty()) {
        h = h * 31 + static_cast<unsigned char>(k.front());
        h = h * 31 + static_cast<unsigned char>(k[k.size() / 2]);
        h = h * 31 + static_cast<unsigned char>(k.back());
    }
    return h;
}

/// Open-addressing table over member_table<T>: slot = index + 1, 0 = empty; at least twice the members.
template <class T>
constexpr auto make_member_index() noexcept
{
    constexpr auto const& table = member_table<T>;
    constexpr std::size_t size = std::bit_ceil(table.size() * 2 + 2);
    std::array<std::uint16_t, size> slots{};
    for (std::size_t i = 0; i < table.size(); ++i) {
        std::size_t b = name_hash(table[i].name) & (size - 1);
        while (slots[b] != 0) b = (b + 1) & (size - 1);
        slots[b] = static_cast<std::uint16_t>(i + 1);
    }
    return slots;
}

template <class T>
inline constexpr auto member_index = make_member_index<T>();

/// `a == b` for member names, without a memcmp call for the short ones (most names are under 17 bytes): two
/// overlapping loads of 8 (or 4) bytes from each side.
inline bool same_key(std::string_view a, std::string_view b) noexcept
{
    std::size_t const n = a.size();
    if (n != b.size()) return false;
    auto load8 = [](char const* p) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    };
    auto load4 = [](char const* p) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    };
    if (n >= 8) {
        if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
        return load8(a.data()) == load8(b.data()) && load8(a.data() + n - 8) == load8(b.data() + n - 8);
    }
    if (n >= 4) return load4(a.data()) == load4(b.data()) && load4(a.data() + n - 4) == load4(b.data() + n - 4);
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

/// The member named `key`: first where the previous match ended (keys often follow declaration order), else
/// through the hash table. No allocation.
template <class T>
slot find_member(void* p, std::string_view key, std::size_t& hint, std::string_view& name)
{
    constexpr auto const& table = member_table<T>;
    constexpr auto const& index = member_index<T>;
    static_assert(table.size() < 65535, "too many members for the lookup table");
    std::size_t i = hint;
    if (i >= table.size() || !same_key(table[i].name, key)) {
        std::size_t b = name_hash(key) & (index.size() - 1);
        for (;;) {
            std::size_t const e = index[b];
            if (e == 0) return {};
            if (same_key(table[e - 1].name, key)) {
                i = e - 1;
                break;
            }
            b = (b + 1) & (index.size() - 1);
        }
    }
    hint = i + 1;
    name = table[i].name;
    return {table[i].get(p), table[i].vt()};
}

// ---- oneOf ----------------------------------------------------------------------------------------------

/// Decodes alternative I of V from `text`; true on success.
template <class V, std::size_t I>
bool try_alternative(V& out, std::string_view text, std::string& problem, std::size_t* matched,
                     decode_context const& ctx)
{
    std::variant_alternative_t<I, V> alt{};
    if (detail::decode_counted(text, alt, &problem, matched, ctx)) return false;
    out.template emplace<I>(std::move(alt));
    return true;
}

/// Chooses the alternative of `V`: by the discriminator when variant_traits<V> has one and the tag is
/// known; otherwise the alternative that decodes strictly and recognises the most members (ties: the first).
/// When none decodes strictly and the decode is tolerant, the one that recognises the most members with the
/// fewest warnings is taken, and its warnings are reported.
template <class V>
bool finish_variant(void* p, std::string& text, std::string& problem, decode_context const& ctx)
{
    V& out = as<V>(p);
    constexpr std::size_t n = std::variant_size_v<V>;
    decode_context strict = ctx;
    strict.options.strict = true;
    strict.report = nullptr;
    if constexpr (has_discriminator<V>) {
        error_code ec;
        boost::json::parse_options deep;
        deep.max_depth = 64;  // the decoder's own limit (json::max_depth): a deep subtree must not hide the tag
        boost::json::value const doc = boost::json::parse(text, ec, {}, deep);
        int index = -1;
        if (!ec && doc.is_object()) {
            if (auto const* tag = doc.get_object().if_contains(variant_traits<V>::discriminator)) {
                if (tag->is_string()) index = variant_traits<V>::index_for(std::string_view(tag->get_string()));
            }
        }
        if (index >= 0 && static_cast<std::size_t>(index) < n) {
            return boost::mp11::mp_with_index<n>(static_cast<std::size_t>(index), [&](auto I) {
                return try_alternative<V, I>(out, text, problem, nullptr, ctx);
            });
        }
    }
    bool found = false;
    std::size_t best = 0;
    std::string first_problem;
    boost::mp11::mp_for_each<boost::mp11::mp_iota_c<n>>([&](auto I) {
        V candidate;
        std::size_t matched = 0;
        std::string why;
        if (!try_alternative<V, I>(candidate, text, why, &matched, strict)) {
            if (first_problem.empty()) first_problem = std::move(why);
        } else if (!found || matched > best) {
            out = std::move(candidate);
            best = matched;
            found = true;
        }
    });
    if (!found && !ctx.options.strict) {
        decode_report best_report;
        boost::mp11::mp_for_each<boost::mp11::mp_iota_c<n>>([&](auto I) {
            V candidate;
            std::size_t matched = 0;
            std::string why;
            decode_report r;
            decode_context tolerant = ctx;
            tolerant.report = &r;
            if (!try_alternative<V, I>(candidate, text, why, &matched, tolerant)) return;
            if (!found || matched > best || (matched == best && r.total < best_report.total)) {
                out = std::move(candidate);
                best = matched;
                best_report = std::move(r);
                found = true;
            }
        });
        if (found && ctx.report != nullptr) {
            for (auto& w : best_report.warnings)
                if (ctx.report->warnings.size() < ctx.options.max_warnings) ctx.report->warnings.push_back(std::move(w));
            ctx.report->total += best_report.total;
        }
    }
    if (!found) problem = "matches no alternative of the oneOf (first alternative: " + first_problem + ")";
    return found;
}

// ---- one sink per type ----------------------------------------------------------------------------------

template <class T>
constexpr sink make_sink() noexcept
{
    sink s;
    s.on_null = &reset<T>;
    if constexpr (std::is_same_v<T, std::string>) {
        s.expected = "a string";
        s.on_string = s.on_number = [](void* p, std::string_view v) -> char const* {
            as<std::string>(p).assign(v.data(), v.size());
            return nullptr;
        };
        s.on_bool = [](void* p, bool b) -> char const* {
            as<std::string>(p) = b ? "true" : "false";
            return nullptr;
        };
    } else if constexpr (std::is_same_v<T, bool>) {
        s.expected = "a boolean";
        s.on_bool = [](void* p, bool b) -> char const* {
            as<bool>(p) = b;
            return nullptr;
        };
        s.on_string = [](void* p, std::string_view v) -> char const* {
            if (v != "true" && v != "false") return "expected a boolean, got a string";
            as<bool>(p) = v == "true";
            return nullptr;
        };
    } else if constexpr (std::is_integral_v<T>) {
        s.expected = "an integer";
        s.on_string = s.on_number = &to_integral<T>;
    } else if constexpr (std::is_same_v<T, meld::decimal>) {
        s.expected = "a number";
        s.on_number = [](void* p, std::string_view v) -> char const* {
            return as<meld::decimal>(p).assign(v) ? nullptr : "number out of range";
        };
        s.on_string = [](void* p, std::string_view v) -> char const* {
            return as<meld::decimal>(p).assign(v) ? nullptr : "expected a number, got a string that is not a number";
        };
    } else if constexpr (std::is_same_v<T, meld::timestamp>) {
        s.expected = "a date-time string";
        s.on_string = [](void* p, std::string_view v) -> char const* {
            return as<meld::timestamp>(p).assign(v)
                       ? nullptr
                       : "expected a date-time, got a string that is not an ISO-8601 date-time";
        };
    } else if constexpr (meld::is_open_enum_v<T>) {
        s.expected = "a string";
        s.on_string = s.on_number = [](void* p, std::string_view v) -> char const* {
            as<T>(p).assign(v);
            return nullptr;
        };
        s.on_bool = [](void* p, bool b) -> char const* {
            as<T>(p) = T::from_string(b ? "true" : "false");
            return nullptr;
        };
    } else if constexpr (std::is_same_v<T, meld::raw_json>) {
        s.kind = sink_kind::capture;
        s.expected = "any JSON value";
        s.on_null = [](void* p) { as<meld::raw_json>(p) = meld::raw_json("null"); };
        s.finish = [](void* p, std::string& text, std::string&, decode_context const&) {
            as<meld::raw_json>(p) = meld::raw_json(std::move(text));
            return true;
        };
    } else if constexpr (is_variant<T>::value) {
        s.kind = sink_kind::capture;
        s.expected = "one of the oneOf alternatives";
        s.finish = &finish_variant<T>;
    } else if constexpr (is_optional<T>::value) {
        s.kind = sink_kind::optional;
        s.on_null = [](void* p) { as<T>(p).reset(); };
        s.emplace = [](void* p) -> void* { return &as<T>(p).emplace(); };
        s.child = &sink_of<typename T::value_type>;
    } else if constexpr (is_vector<T>::value) {
        static_assert(!std::is_same_v<typename T::value_type, bool>, "std::vector<bool> is not supported");
        s.kind = sink_kind::array;
        s.expected = "an array";
        s.clear = [](void* p) { as<T>(p).clear(); };
        s.element = [](void* p) -> void* {
            auto& v = as<T>(p);
            if (v.size() == v.capacity()) v.reserve(v.empty() ? 4 : v.size() * 2);  // not 1, 2, 4: fewer moves
            return &v.emplace_back();
        };
        s.drop_last = [](void* p) { as<T>(p).pop_back(); };
        s.child = &sink_of<typename T::value_type>;
    } else if constexpr (is_string_map<T>::value) {
        s.kind = sink_kind::object;
        s.expected = "an object";
        s.clear = [](void* p) { as<T>(p).clear(); };
        s.member = [](void* p, std::string_view key, std::size_t&, std::string_view& name) -> slot {
            auto const it = as<T>(p).insert_or_assign(std::string(key), typename T::mapped_type{}).first;
            name = it->first;
            return {&it->second, sink_of<typename T::mapped_type>(), true};
        };
    } else if constexpr (described_struct<T>) {
        s.kind = sink_kind::object;
        s.expected = "an object";
        s.clear = &reset<T>;
        s.member = &find_member<T>;
    } else {
        static_assert(sizeof(T) == 0, "meld::json::decode: unsupported type");
    }
    return s;
}

template <class T>
sink const* sink_of() noexcept
{
    static constexpr sink s = make_sink<T>();
    return &s;
}

}  // namespace meld::json::detail

#endif
