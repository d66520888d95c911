// sandbox/src/bleepay_routes.cpp — the Bleepay deposit-session route (separate vendor, CATALOG §5).
//
//   POST /api/v1/widgets/{widgetId}/create-session
//
// Served by the same sandbox server as the Meld routes (point a meld::bleepay::client's base_url at
// server::base_url()). Bleepay has its own authentication and error codes, so the route is registered with
// the Meld auth check and the spec rules off, and does both itself:
//
//  * widget registry (fixed):
//      wdgt_abc  client secret `wdgt_secret_abc123`, amount 1..10000,
//                (network, currency) in {(polygon, USDC), (polygon, USDT), (ethereum, USDC)}
//      wdgt_eth  client secret `wdgt_secret_eth456`, amount 0.001..50, {(ethereum, ETH)} (native coin:
//                currencyAddress may be empty)
//    and one merchant JWT accepted for both widgets (`Authorization: Bearer <sandbox_jwt>` below);
//  * no credential at all -> 401 unauthorized; unknown widget -> 404 not_found; a credential that is not
//    the merchant JWT nor the widget's client secret -> 401 unauthorized;
//  * every documented constraint plus the widget's min/max and allowed pairs -> 400 validation_failed;
//  * success: 201 with the documented example's fields, id `dep_<12 hex>`, paymentStatus CREATED,
//    expiresAt = now + 30 minutes (ISO 8601 UTC, milliseconds), a one-time clientSecret `dep_secret_...`.
//
// Error bodies: {"code":"<lower-case code>","message":"..."} (the documented codes; the shape is [I]).
#include "api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::emulator::detail {

namespace {

namespace json = boost::json;

/// HS256 JWT of {"iss":"payments.bleepay.com","sub":"merchant_sandbox","widgets":["wdgt_abc","wdgt_eth"],
/// "iat":1767225600}, accepted verbatim (the JWT's content is not documented, so nothing else is checked).
constexpr std::string_view sandbox_jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJwYXltZW50cy5ibGVlcGF5LmNvbSIsInN1YiI6Im1lcmNoYW50X3NhbmRib3giLCJ3aWRnZXRzIjpbIndkZ3RfYWJjIiwid2Rn"
    "dF9ldGgiXSwiaWF0IjoxNzY3MjI1NjAwfQ."
    "ArnOullsmzDQJLvZwQAH_Srl6sduhHPrbql8L0oTu48";

constexpr micros session_lifetime = 30LL * 60 * 1000 * 1000;  // 30 minutes

struct widget {
    std::string_view id;
    std::string_view client_secret;
    std::string_view min_amount;  // decimal strings, inclusive
    std::string_view max_amount;
    std::vector<std::pair<std::string_view, std::string_view>> pairs;  // allowed (network, currency)
};

std::vector<widget> const& registry() {
    static std::vector<widget> const widgets{
        {"wdgt_abc", "wdgt_secret_abc123", "1", "10000",
         {{"polygon", "USDC"}, {"polygon", "USDT"}, {"ethereum", "USDC"}}},
        {"wdgt_eth", "wdgt_secret_eth456", "0.001", "50", {{"ethereum", "ETH"}}},
    };
    return widgets;
}

widget const* find_widget(std::string_view id) {
    for (auto const& w : registry())
        if (w.id == id) return &w;
    return nullptr;
}

http_answer bleepay_error(unsigned status, std::string_view code, std::string_view message) {
    http_answer a;
    a.status = status;
    a.body = "{\"code\":" + json_string(code) + ",\"message\":" + json_string(message) + "}";
    return a;
}

// ---- constraint helpers (the same rules as the client's meld/bleepay/validation.hpp) ------------------------

/// Unicode code points of valid UTF-8 text (Boost.JSON strings are validated UTF-8).
std::size_t char_count(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// ^\d+(\.\d+)?$ with a non-zero digit.
bool positive_decimal(std::string_view s) {
    auto const dot = s.find('.');
    auto const int_part = s.substr(0, dot);
    auto const frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    auto const all_digits = [](std::string_view p) {
        return !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!all_digits(int_part) || (dot != std::string_view::npos && !all_digits(frac))) return false;
    return s.find_first_of("123456789") != std::string_view::npos;
}

/// Exact comparison of two strings accepted by positive_decimal (or "0"): <0, 0, >0.
int compare_decimal(std::string_view a, std::string_view b) {
    auto split = [](std::string_view s) {
        auto const dot = s.find('.');
        auto i = s.substr(0, dot);
        auto f = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
        while (i.size() > 1 && i.front() == '0') i.remove_prefix(1);
        while (!f.empty() && f.back() == '0') f.remove_suffix(1);
        return std::pair{i, f};
    };
    auto const [ai, af] = split(a);
    auto const [bi, bf] = split(b);
    if (ai.size() != bi.size()) return ai.size() < bi.size() ? -1 : 1;
    if (int const c = ai.compare(bi)) return c < 0 ? -1 : 1;
    int const c = af.compare(bf);  // fractions without trailing zeros compare lexicographically
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool upper_alnum(std::string_view s) {
    return s.size() >= 2 && s.size() <= 8 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
           });
}

// ---- raw JSON scanning: the byte size of `metadata` exactly as sent -------------------------------------------

void skip_ws(std::string_view t, std::size_t& i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
}

/// Skips one JSON value of (already validated) text starting at t[i].
void skip_value(std::string_view t, std::size_t& i) {
    int depth = 0;
    do {
        skip_ws(t, i);
        if (i >= t.size()) return;
        char const c = t[i];
        if (c == '"') {
            for (++i; i < t.size() && t[i] != '"'; ++i)
                if (t[i] == '\\') ++i;
            ++i;
        } else if (c == '{' || c == '[') {
            ++depth;
            ++i;
        } else if (c == '}' || c == ']') {
            --depth;
            ++i;
        } else if (c == ',' || c == ':') {
            ++i;
        } else {
            while (i < t.size() && std::string_view(",}] \t\r\n").find(t[i]) == std::string_view::npos) ++i;
        }
    } while (depth > 0);
}

/// The raw text of the top-level member `key` of the JSON object `t` (valid JSON), if present.
std::optional<std::string_view> raw_member(std::string_view t, std::string_view key) {
    std::size_t i = 0;
    skip_ws(t, i);
    if (i >= t.size() || t[i] != '{') return std::nullopt;
    ++i;
    std::optional<std::string_view> found;  // the last duplicate wins, as in the DOM
    for (;;) {
        skip_ws(t, i);
        if (i >= t.size() || t[i] != '"') return found;
        std::size_t const k0 = i + 1;
        skip_value(t, i);
        std::string_view const k = t.substr(k0, i - 1 - k0);
        skip_ws(t, i);
        ++i;  // ':'
        skip_ws(t, i);
        std::size_t const v0 = i;
        skip_value(t, i);
        if (k == key) found = t.substr(v0, i - v0);
        skip_ws(t, i);
        if (i >= t.size() || t[i] != ',') return found;
        ++i;
    }
}

// ---- the route --------------------------------------------------------------------------------------------------

http_answer create_session(route_request const& req) {
    // 1. credentials: `Authorization: Bearer <JWT>` or `X-Client-Secret: <widget client secret>`
    std::string const authorization = req.header("authorization");
    std::string const secret = req.header("x-client-secret");
    std::optional<std::string> bearer;
    if (authorization.size() >= 7 &&
        std::equal(authorization.begin(), authorization.begin() + 7, "bearer ",
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
        bearer = authorization.substr(7);
    if (!bearer && secret.empty())
        return bleepay_error(401, "unauthorized",
                             "Missing authentication: send a JWT bearer token or the widget's X-Client-Secret");

    // 2. the widget
    std::string const widget_id = req.path_param("widgetId");
    widget const* w = find_widget(widget_id);
    if (w == nullptr) return bleepay_error(404, "not_found", "Widget not found: " + widget_id);

    bool const authorized = (bearer && *bearer == sandbox_jwt) || (!secret.empty() && secret == w->client_secret);
    if (!authorized) return bleepay_error(401, "unauthorized", "Invalid JWT or widget client secret");

    // 3. the body
    std::vector<std::string> errors;
    auto fail = [&](std::string_view field, std::string_view reason) {
        std::string line = "[";
        line.append(field).append("] ").append(reason);
        errors.push_back(std::move(line));
    };
    boost::system::error_code ec;
    json::value const body = json::parse(req.raw.body, ec);
    if (ec || !body.is_object())
        return bleepay_error(400, "validation_failed", "The request body must be a JSON object");
    auto const& obj = body.get_object();

    auto string_field = [&](std::string_view name, bool required) -> std::optional<std::string_view> {
        auto const* v = obj.if_contains(name);
        if (v == nullptr || v->is_null()) {
            if (required) fail(name, "is required");
            return std::nullopt;
        }
        if (!v->is_string()) {
            fail(name, "must be a string");
            return std::nullopt;
        }
        return std::string_view(v->get_string());
    };
    auto length = [&](std::string_view name, std::optional<std::string_view> v, std::size_t min, std::size_t max) {
        if (!v) return false;
        auto const n = char_count(*v);
        if (n < min || n > max) {
            fail(name, "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long");
            return false;
        }
        return true;
    };

    auto const amount = string_field("amount", true);
    auto const currency = string_field("currency", true);
    auto const network = string_field("network", true);
    auto const currency_address = string_field("currencyAddress", true);
    auto const deposit_address = string_field("depositAddress", true);
    auto const customer_email = string_field("customerEmail", false);
    auto const customer_reference = string_field("customerReference", false);

    if (length("amount", amount, 1, 32)) {
        if (!positive_decimal(*amount))
            fail("amount", "must be a positive decimal string");
        else if (compare_decimal(*amount, w->min_amount) < 0 || compare_decimal(*amount, w->max_amount) > 0)
            fail("amount", "must be between " + std::string(w->min_amount) + " and " + std::string(w->max_amount) +
                               " for this widget");
    }
    bool const currency_ok = currency && upper_alnum(*currency);
    if (currency && !currency_ok) fail("currency", "must be 2 to 8 upper-case letters or digits");
    bool const network_ok = length("network", network, 4, 66);
    if (currency_ok && network_ok &&
        std::find(w->pairs.begin(), w->pairs.end(), std::pair{*network, *currency}) == w->pairs.end())
        fail("currency", std::string(*currency) + " on " + std::string(*network) + " is not allowed for this widget");
    length("currencyAddress", currency_address, 0, 66);
    length("depositAddress", deposit_address, 1, 128);
    length("customerEmail", customer_email, 1, 128);
    length("customerReference", customer_reference, 1, 128);

    if (auto const* m = obj.if_contains("metadata"); m != nullptr && !m->is_null()) {
        if (!m->is_object()) {
            fail("metadata", "must be a JSON object");
        } else {
            auto const raw = raw_member(req.raw.body, "metadata");
            std::size_t const bytes = raw ? raw->size() : 0;
            if (bytes < 1 || bytes > 2048) fail("metadata", "must be 1 to 2048 bytes");
        }
    }

    if (!errors.empty()) {
        std::string message = "Parameters outside allowed ranges: ";
        for (std::size_t k = 0; k < errors.size(); ++k) message += (k ? "; " : "") + errors[k];
        return bleepay_error(400, "validation_failed", message);
    }

    // 4. the session (the documented example's fields and order)
    auto expires = iso_time(now_micros() + session_lifetime);  // ...SS.ffffffZ
    expires.erase(expires.size() - 4, 3);                      // ...SS.fffZ, as documented
    http_answer a;
    a.status = 201;
    a.body = render(R"({
  "id": "{{id}}",
  "paymentStatus": "CREATED",
  "amount": "{{amount}}",
  "currency": "{{currency}}",
  "network": "{{network}}",
  "currencyAddress": "{{currencyAddress}}",
  "depositAddress": "{{depositAddress}}",
  "expiresAt": "{{expiresAt}}",
  "clientSecret": "{{clientSecret}}"
})",
                    {{"id", json_string("dep_" + request_id().substr(0, 12))},
                     {"amount", json_string(*amount)},
                     {"currency", json_string(*currency)},
                     {"network", json_string(*network)},
                     {"currencyAddress", json_string(*currency_address)},
                     {"depositAddress", json_string(*deposit_address)},
                     {"expiresAt", json_string(expires)},
                     {"clientSecret", json_string("dep_secret_" + random_id(24))}});
    return a;
}

}  // namespace

void add_bleepay_routes(route_table& table) {
    table.add(route{"POST", "/api/v1/widgets/{widgetId}/create-session", create_session, /*auth_optional=*/true,
                    /*validate=*/false, /*own_auth=*/true});
}

}  // namespace meld::emulator::detail
