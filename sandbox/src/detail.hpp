// sandbox/src/detail.hpp — internals of the sandbox (not installed, not part of the public API).
#ifndef MELD_SANDBOX_SRC_DETAIL_HPP
#define MELD_SANDBOX_SRC_DETAIL_HPP

#include <meld/sandbox/server.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::emulator::detail {

// ---- JSON text composition (never through a DOM) ---------------------------------------------------------

/// `s` escaped for use inside a JSON string (no surrounding quotes).
std::string json_escape(std::string_view s);
/// `s` as a JSON string literal, quotes included.
std::string json_string(std::string_view s);
/// json_string(*s), or `null` when empty.
std::string json_opt(std::optional<std::string> const& s);
/// "a, b,,c" -> {"a", "b", "c"}: a comma-separated query list, items trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view s);

/// One placeholder value: `json` is a complete JSON value text (`"text"`, `null`, `100.00`, `[...]`).
struct placeholder {
    std::string_view name;
    std::string json;
};

/// Fills a fixture template. A quoted placeholder `"{{name}}"` is replaced by the value's JSON text; an
/// unquoted `{{name}}` inside a longer string is replaced by the escaped string content (the value must be
/// a JSON string). Throws std::logic_error on a placeholder without a value.
std::string render(std::string_view templ, std::vector<placeholder> const& values);

/// Top-level elements of a JSON array text, as views into `text` (whitespace trimmed). Throws
/// std::invalid_argument when `text` is not an array.
std::vector<std::string_view> split_json_array(std::string_view text);

// ---- identifiers and time ---------------------------------------------------------------------------------

inline constexpr std::string_view base58_alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Random Meld-style id: `length` base58 characters (thread-safe).
std::string random_id(std::size_t length = 22);
/// Deterministic base58 string derived from `seed`.
std::string derived_id(std::uint64_t seed, std::size_t length = 22);
/// 32 lower-case hex characters.
std::string request_id();
/// Random 36-character UUID text (v4 layout).
std::string random_uuid();

/// Microseconds since the Unix epoch, UTC.
using micros = std::int64_t;
micros now_micros();
/// ISO 8601 UTC with 6 fraction digits: 2022-01-19T20:32:30.784928Z
std::string iso_time(micros t);
/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM]`; false when malformed.
bool parse_iso_time(std::string_view text, micros& out);

// ---- HTTP answer produced by the routes -------------------------------------------------------------------

struct http_answer {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// Meld's standard error body (CATALOG §1.7).
http_answer error_answer(unsigned status, std::string_view code, std::string_view message,
                         std::vector<std::string> const& errors);

// ---- certificate ------------------------------------------------------------------------------------------

struct certificate {
    std::string certificate_pem;
    std::string private_key_pem;
};
/// Self-signed X509v3 certificate, EC P-256 key, SAN = host only (DNS, or IP for an address literal),
/// CA:TRUE, valid from now-1h to now+1d. Throws std::runtime_error on an OpenSSL failure.
certificate make_self_signed_certificate(std::string const& host);

// ---- the emulated API -------------------------------------------------------------------------------------

class api_state;

}  // namespace meld::emulator::detail

#endif
