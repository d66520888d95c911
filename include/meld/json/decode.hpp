// meld/json/decode.hpp — meld::json::decode, tolerant and exact decoding of API responses into models.
//
// A boost::json::basic_parser handler fills the model directly (no DOM). Rules, chosen for how Meld
// behaves in production:
//  * unknown keys are skipped at any depth; duplicate keys: the last one wins;
//  * null or absence leaves a std::optional empty; null for any other member gives its default value;
//  * numbers keep their exact text (meld::decimal); a numeric string is accepted for a number/integer
//    ("chainId": "0"), a number or a bool for a string (its exact text, "true"/"false");
//  * integers are range-checked ("1e2" and "100.0" are accepted as 100);
//  * an unknown enum value is kept raw (meld::open_enum); raw_json keeps a subtree as compact JSON text;
//  * std::variant (oneOf): by variant_traits<V>'s discriminator when present and its tag known, otherwise
//    the alternative that decodes and recognises the most members (ties: the first listed);
//  * a value of another JSON type below the root (an object where a string is expected, "yesterday" for a
//    date-time, 300 for an int8) leaves its member empty — an array element is dropped — and decoding goes on;
//    each is a decode_warning (decode_report.hpp: JSON pointer, expected type, raw text, bounded). With
//    decode_options::strict it fails instead with client_errc::decode_failed and a message such as
//    `$.quotes[0].sourceAmount: expected a number, got an object`;
//  * malformed or truncated JSON, nesting deeper than max_depth and a top-level value of the wrong kind
//    always fail.
// Decoding JSON obtained by other means, with diagnostics like a call's: <meld/decode.hpp>.
#ifndef MELD_JSON_DECODE_HPP
#define MELD_JSON_DECODE_HPP

#include <meld/error.hpp>
#include <meld/json/decode_report.hpp>
#include <meld/json/detail/handler.hpp>
#include <meld/json/detail/sinks.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace meld::json {

/// Maximum nesting of arrays and objects accepted by decode.
inline constexpr std::size_t max_depth = 64;

namespace detail {

/// "invalid JSON at offset 12: ..." for a syntax error (or data after the value) found at `offset`.
inline std::string invalid_json_message(std::size_t offset, error_code const& ec)
{
    return "invalid JSON at offset " + std::to_string(offset) + ": " +
           (ec ? ec.message() : std::string("unexpected data after the value"));
}

template <class T>
error_code decode_counted(std::string_view json, T& out, std::string* message, std::size_t* matched,
                          decode_context const& ctx)
{
    boost::json::parse_options opt;
    opt.max_depth = max_depth;
    boost::json::basic_parser<handler> parser(opt, slot{&out, sink_of<T>()}, message, ctx);
    error_code ec;
    std::size_t const n = parser.write_some(false, json.data(), json.size(), ec);
    if (matched) *matched = parser.handler().matched();
    if (!ec && n == json.size()) return {};
    if (!parser.handler().failed() && message)
        *message = invalid_json_message(n, ec);
    return client_errc::decode_failed;
}

}  // namespace detail

/// Decodes the JSON text `json` into `out`, replacing its value, tolerantly (see the rules above).
///
/// Returns {} on success, or client_errc::decode_failed with, when `message` is given, a description
/// naming the JSON path (`invalid JSON at offset 12: ...`, `$: expected an object, got an array`). On failure
/// `out` holds a partially decoded value. Supported types: see detail/sinks.hpp (strings, bools,
/// integers, meld::decimal, meld::timestamp, open enums, meld::raw_json, std::optional, std::vector,
/// std::map<std::string, T, std::less<>>, std::variant and BOOST_DESCRIBE_STRUCT structs of these).
template <class T>
error_code decode(std::string_view json, T& out, std::string* message = nullptr)
{
    return detail::decode_counted(json, out, message, nullptr, detail::decode_context{});
}

/// Same, with options (strict mode) and the warnings of the values it tolerated in `report` (may be null).
template <class T>
error_code decode(std::string_view json, T& out, decode_options const& options, decode_report* report,
                  std::string* message = nullptr)
{
    return detail::decode_counted(json, out, message, nullptr, detail::decode_context{options, report, {}});
}

}  // namespace meld::json

#endif
