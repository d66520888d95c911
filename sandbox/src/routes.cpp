// sandbox/src/routes.cpp — the emulated Meld API: auth, routing, validation, state, fixture composition.
//
// Request bodies are parsed with boost::json to *read* fields. Answers are always composed as text from the
// embedded fixtures (never re-serialized through a DOM), so documented numbers such as 100.00 survive.
#include "api.hpp"
#include "pager.hpp"
#include "validation.hpp"
#include "webhook_sender.hpp"

#include <meld/sandbox/fixtures.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace meld::emulator::detail {

namespace json = boost::json;

namespace {

// The sandbox's account: the account id of the documented transaction, webhook and widget token.
constexpr std::string_view sandbox_account_id = "WQ5RyhdFzE45qjsomdzQ1u";
constexpr std::string_view jwt_secret = "meld-sandbox-widget-token-secret";

constexpr double min_quote_amount = 1;
constexpr double max_quote_amount = 50000;

using opt_string = std::optional<std::string>;


// ---- small helpers ----------------------------------------------------------------------------------------

std::string base64url(std::string_view in) {
    static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
    for (; i + 2 < in.size(); i += 3) {
        unsigned const v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += tbl[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned const v = byte(i) << 16;
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
    } else if (i + 2 == in.size()) {
        unsigned const v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
    }
    return out;
}

/// JWT-shaped session token like the documented one: {iss, iat, sub, exp = iat + 1800, accountId, sessionId}.
std::string make_widget_token(std::string const& session_id) {
    auto const iat = now_micros() / 1000000;
    std::string const header = base64url(R"({"alg":"HS256","typ":"JWT"})");
    std::string const payload =
        base64url("{\"iss\":\"meld.io\",\"iat\":" + std::to_string(iat) + ",\"sub\":\"crypto\",\"exp\":" +
                  std::to_string(iat + 1800) + ",\"accountId\":" + json_string(sandbox_account_id) +
                  ",\"sessionId\":" + json_string(session_id) + "}");
    std::string const signing_input = header + "." + payload;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), jwt_secret.data(), static_cast<int>(jwt_secret.size()),
         reinterpret_cast<unsigned char const*>(signing_input.data()), signing_input.size(), mac, &mac_len);
    return signing_input + "." +
           base64url(std::string_view(reinterpret_cast<char const*>(mac), static_cast<std::size_t>(mac_len)));
}

/// Shortest round-trip text of a JSON number read from a request (an integer stays an integer).
std::string number_text(json::value const& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    char buf[64];
    auto const r = std::to_chars(buf, buf + sizeof buf, v.get_double());
    return std::string(buf, r.ptr);
}

/// A decimal number written as a string ("100", "0.5"): digits, at most one dot, optional sign/exponent.
bool numeric_string(std::string_view s, double& out) {
    if (s.empty() || s.size() > 64) return false;
    std::size_t i = 0;
    if (s[i] == '-' || s[i] == '+') ++i;
    bool digits = false, dot = false;
    for (; i < s.size(); ++i) {
        char const c = s[i];
        if (c >= '0' && c <= '9') digits = true;
        else if (c == '.' && !dot) dot = true;
        else if ((c == 'e' || c == 'E') && digits) break;
        else return false;
    }
    if (!digits) return false;
    std::string const copy(s);
    char* end = nullptr;
    out = std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size() && std::isfinite(out);
}

/// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
    std::size_t i = 0;
    auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (i < s.size() && s[i] == '-') ++i;
    if (!digit(i)) return false;
    if (s[i] == '0') ++i;
    else
        while (digit(i)) ++i;
    if (i < s.size() && s[i] == '.') {
        if (!digit(++i)) return false;
        while (digit(i)) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digit(i)) return false;
        while (digit(i)) ++i;
    }
    return i == s.size();
}

/// Raw text of the value of top-level member `key` in the JSON object text `body` (no DOM, so a number keeps
/// its spelling: 10.50 stays 10.50). Empty when absent. Assumes `body` is valid JSON (checked before).
std::string_view raw_member(std::string_view body, std::string_view key) {
    int depth = 0;
    bool in_string = false;
    std::size_t string_start = 0;
    std::string_view last_key;
    bool expect_value = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char const c = body[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') {
                in_string = false;
                if (depth == 1 && !expect_value) last_key = body.substr(string_start, i - string_start);
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
            string_start = i + 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expect_value = false;
        } else if (c == ':' && depth == 1) {
            expect_value = true;
            if (last_key == key) {
                std::size_t b = i + 1;
                while (b < body.size() && std::isspace(static_cast<unsigned char>(body[b]))) ++b;
                std::size_t e = b;
                int d = 0;
                bool str = false;
                for (; e < body.size(); ++e) {
                    char const x = body[e];
                    if (str) {
                        if (x == '\\') ++e;
                        else if (x == '"') str = false;
                        continue;
                    }
                    if (x == '"') str = true;
                    else if (x == '{' || x == '[') ++d;
                    else if ((x == '}' || x == ']') && d-- == 0) break;
                    else if (x == ',' && d == 0) break;
                }
                while (e > b && std::isspace(static_cast<unsigned char>(body[e - 1]))) --e;
                return body.substr(b, e - b);
            }
        }
    }
    return {};
}

/// Deterministic UUID-shaped provider transaction id for seeded row `k`.
std::string seeded_uuid(std::uint64_t k) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "1f0d470c-f5c2-6fc2-a54d-";
    std::uint64_t v = (k + 1) * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 12; ++i, v >>= 4) out += hex[v & 15];
    return out;
}

// ---- request-body validation --------------------------------------------------------------------------------

struct checker {
    std::vector<std::string> errors;

    void add(std::string_view field, std::string_view reason) {
        errors.push_back("[" + std::string(field) + "] " + std::string(reason));
    }

    /// Required string: missing or null → "must not be null"; wrong type → "must be a string"; "" → blank.
    opt_string required_string(json::object const& o, std::string_view key, std::string_view field) {
        auto const* v = o.if_contains(key);
        if (!v || v->is_null()) {
            add(field, "must not be null");
            return std::nullopt;
        }
        if (!v->is_string()) {
            add(field, "must be a string");
            return std::nullopt;
        }
        if (v->get_string().empty()) {
            add(field, "must not be blank");
            return std::nullopt;
        }
        return std::string(v->get_string());
    }

    opt_string optional_string(json::object const& o, std::string_view key, std::string_view field) {
        auto const* v = o.if_contains(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_string()) {
            add(field, "must be a string");
            return std::nullopt;
        }
        return std::string(v->get_string());
    }

    std::optional<bool> optional_bool(json::object const& o, std::string_view key, std::string_view field) {
        auto const* v = o.if_contains(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_bool()) {
            add(field, "must be a boolean");
            return std::nullopt;
        }
        return v->get_bool();
    }

    void optional_string_array(json::object const& o, std::string_view key, std::string_view field) {
        auto const* v = o.if_contains(key);
        if (!v || v->is_null()) return;
        if (!v->is_array()) return add(field, "must be an array");
        for (auto const& e : v->get_array())
            if (!e.is_string()) return add(field, "must be an array of strings");
    }

    /// A number or a numeric string; returns its value and JSON number text.
    struct amount {
        double value;
        std::string text;
    };
    std::optional<amount> amount_field(json::object const& o, std::string_view key, std::string_view field,
                                       bool required) {
        auto const* v = o.if_contains(key);
        if (!v || v->is_null()) {
            if (required) add(field, "must not be null");
            return std::nullopt;
        }
        if (v->is_number()) return amount{v->to_number<double>(), number_text(*v)};
        if (v->is_string()) {
            double d = 0;
            std::string_view const s = v->get_string();
            if (numeric_string(s, d)) {
                // Keep the caller's spelling ("100.00") when it is a valid JSON number, else normalize.
                if (is_json_number(s)) return amount{d, std::string(s)};
                char buf[64];
                auto const r = std::to_chars(buf, buf + sizeof buf, d);
                return amount{d, std::string(buf, r.ptr)};
            }
        }
        add(field, "Must be a decimal value greater than zero");
        return std::nullopt;
    }
};

http_answer bad_request(std::vector<std::string> const& errors) {
    return error_answer(400, "BAD_REQUEST", "Bad request", errors);
}

/// Parses a request body that must be a JSON object; on failure fills `error`.
std::optional<json::object> parse_object(std::string const& body, http_answer& error) {
    if (body.empty()) {
        error = bad_request({"[body] Required request body is missing"});
        return std::nullopt;
    }
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) {
        error = bad_request({"[body] Malformed JSON request: " + ec.message()});
        return std::nullopt;
    }
    if (!v.is_object()) {
        error = bad_request({"[body] must be a JSON object"});
        return std::nullopt;
    }
    return std::move(v.get_object());
}

bool valid_email(std::string_view s) {
    auto const at = s.find('@');
    if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
    auto const domain = s.substr(at + 1);
    auto const dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
           s.find_first_of(" \t\r\n") == std::string_view::npos;
}

bool valid_date_of_birth(std::string_view s) {
    // ^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return false;
    int const m = (s[5] - '0') * 10 + (s[6] - '0');
    int const d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

// ---- state ------------------------------------------------------------------------------------------------

struct customer_rec {
    std::string id;
    opt_string external_id;
    std::string name_json = "null";
    opt_string email, phone, date_of_birth;
    std::string type = "INDIVIDUAL";
    std::string status = "ACTIVE";
    std::string key;
    bool deleted = false;
    std::vector<std::string> addresses;               // address texts
    std::vector<std::string> provider_customers;      // serviceProviderCustomers[] texts
    std::optional<std::string> kyc_provider_customer_id;  // SUMSUB customer once KYC was initiated

    std::string render_text(bool with_key = false) const {
        return render(fixture("accounts_customer"), {{"id", json_string(id)},
                                                     {"accountId", json_string(sandbox_account_id)},
                                                     {"externalId", json_opt(external_id)},
                                                     {"key", with_key ? json_string(key) : std::string("null")},
                                                     {"name", name_json},
                                                     {"email", json_opt(email)},
                                                     {"phone", json_opt(phone)},
                                                     {"dateOfBirth", json_opt(date_of_birth)},
                                                     {"status", json_string(status)},
                                                     {"type", json_string(type)},
                                                     {"serviceProviderCustomers", json_rows(provider_customers)},
                                                     {"addresses", json_rows(addresses)}});
    }
};

struct tx_rec {
    std::uint64_t seq = 0;
    micros created = 0;
    std::string id, key, activity_key, status, type, service_provider, customer_id, session_id;
    opt_string external_customer_id, external_session_id, external_reference_id, order_id, ext_subaccount,
        subaccount, service_transaction_id;
    std::optional<double> source_amount;
    std::vector<placeholder> values;  // every placeholder of payments_transaction_row except "key"

    std::string render_text(bool with_key) const {
        auto v = values;
        v.push_back({"key", with_key ? json_string(key) : std::string("null")});
        auto text = render(fixture("payments_transaction_row"), v);
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
        return text;
    }

    bool newer_than(tx_rec const& o) const { return created != o.created ? created > o.created : seq > o.seq; }
};

struct seed_customer {
    std::string_view id;
    std::string_view external_id;
};
// The documented customer (transaction example) and two deterministic ones for the seeded rows.
constexpr seed_customer seed_customers[] = {
    {"WePZCYZjAK97cJWokfH3Jc", "testCustomer"},
    {"WXEX4DsAX7cp6Ch78oq2w3", "user_123"},
    {"WmYYgvN8ukpV62N3m4u3ee", "your-internal-user-id-123"},
};

}  // namespace

struct api_state::data {
    server_params params;
    spec_rules rules;  // request rules derived from the specs (sandbox/rules/*.json)
    std::vector<std::string> country_codes;
    std::vector<std::string_view> country_items;

    std::vector<customer_rec> customers;                        // insertion order
    std::unordered_map<std::string, std::size_t> customer_by_id;
    std::unordered_map<std::string, std::size_t> customer_by_external;

    std::vector<tx_rec> txs;                                    // insertion order
    std::vector<std::size_t> order;                             // indices into txs, newest first
    result_order tx_order, activity_order, customer_order, webhook_order;  // paging indexes (pager.hpp)
    std::unordered_map<std::string, std::size_t> tx_by_id, tx_by_key;
    std::set<std::string> external_session_ids;
    std::uint64_t next_seq = 1;

    explicit data(server_params const& p) : params(p) {
        country_items = split_json_array(fixture("service_providers_countries"));
        for (auto item : country_items) {
            auto const v = json::parse(item);
            country_codes.emplace_back(v.at("countryCode").as_string());
        }
        for (auto const& c : seed_customers) {
            customer_rec r;
            r.id = std::string(c.id);
            r.external_id = std::string(c.external_id);
            add_customer(std::move(r));
        }
        // Generated customers after the documented ones: externalId "customer_<k>" (k zero-padded, so that the
        // externalId order is the seed order), a deterministic id, an email.
        for (std::size_t k = std::size(seed_customers); k < p.seed.customers; ++k) {
            customer_rec r;
            r.id = "W" + derived_id(0xC0570000ULL + k, 21);
            char ext[32];
            std::snprintf(ext, sizeof ext, "customer_%07zu", k);
            r.external_id = ext;
            r.email = std::string(ext) + "@example.com";
            r.name_json = "{\"firstName\": \"Seeded\", \"lastName\": " + json_string("Customer " + std::to_string(k)) + "}";
            add_customer(std::move(r));
        }
        seed_transactions(p.seed.payment_transactions);
        seed_webhook_profiles(p.seed.webhook_profiles);
    }

    std::size_t add_customer(customer_rec r) {
        auto const idx = customers.size();
        if (r.key.empty()) r.key = row_key(r.id, 0xC057);
        customer_by_id.emplace(r.id, idx);
        if (r.external_id) customer_by_external.emplace(*r.external_id, idx);
        customers.push_back(std::move(r));
        customer_order.invalidate();
        return idx;
    }

    customer_rec& upsert_customer(std::string const& external_id) {
        if (auto it = customer_by_external.find(external_id); it != customer_by_external.end())
            return customers[it->second];
        customer_rec r;
        r.id = random_id();
        r.external_id = external_id;
        return customers[add_customer(std::move(r))];
    }

    /// Adds a transaction. `sorted = false` (seeding many rows): the caller sorts `order` once at the end.
    void add_tx(tx_rec r, bool sorted = true) {
        r.seq = next_seq++;
        r.activity_key = row_key(r.id, 0xAC7);
        auto const idx = txs.size();
        tx_by_id.emplace(r.id, idx);
        tx_by_key.emplace(r.key, idx);
        if (r.external_session_id) external_session_ids.insert(*r.external_session_id);
        txs.push_back(std::move(r));
        tx_order.invalidate();
        activity_order.invalidate();
        if (!sorted) {
            order.push_back(idx);
            return;
        }
        auto const& me = txs[idx];
        auto pos = std::find_if(order.begin(), order.end(), [&](std::size_t k) { return me.newer_than(txs[k]); });
        order.insert(pos, idx);
    }

    /// `order`'s keys (transaction search) or activity keys (activity log), rebuilt after a change.
    result_order const& transaction_order() {
        if (tx_order.stale()) tx_order.assign(order, [&](std::size_t i) -> std::string_view { return txs[i].key; });
        return tx_order;
    }
    result_order const& activity_log_order() {
        if (activity_order.stale())
            activity_order.assign(order, [&](std::size_t i) -> std::string_view { return txs[i].activity_key; });
        return activity_order;
    }

    static std::string tx_key(std::string const& id, std::uint64_t salt) { return row_key(id, salt); }

    void seed_transactions(std::size_t n) {
        static constexpr std::string_view statuses[] = {"SETTLED", "PENDING", "SETTLING", "FAILED",
                                                        "PROCESSING", "CANCELLED", "REFUNDED", "DECLINED"};
        static constexpr std::string_view providers[] = {"TOPPER", "TRANSAK", "UNLIMIT", "ROBINHOOD", "BANXA"};
        micros documented_created = 0;
        parse_iso_time("2025-12-08T20:03:07.173223Z", documented_created);
        // Oldest first, so that seq grows with createdAt.
        for (std::size_t k = n; k-- > 0;) {
            tx_rec r;
            bool const documented = k == 0;
            bool const sell = !documented && k % 5 == 3;
            auto const& cust = seed_customers[k % std::size(seed_customers)];
            r.id = documented ? "WePZCYJW7cdXR7SxUMp8mE" : "We" + derived_id(0x5EED0000ULL + k, 20);
            r.key = tx_key(r.id, 0x5EED);
            r.created = documented_created - static_cast<micros>(k) * 3600LL * 1000000LL;
            r.status = documented ? "SETTLED" : std::string(statuses[k % std::size(statuses)]);
            r.type = sell ? "CRYPTO_SELL" : "CRYPTO_PURCHASE";
            r.service_provider = documented ? "TOPPER" : std::string(providers[k % std::size(providers)]);
            r.customer_id = std::string(cust.id);
            r.external_customer_id = std::string(cust.external_id);
            r.session_id = documented ? "WePjVaT4iBHPpqW49F419x" : "We" + derived_id(0x5E550000ULL + k, 20);
            r.external_session_id = documented ? std::string("testSession") : "session_" + std::to_string(k);
            r.external_reference_id = r.external_session_id;
            r.service_transaction_id = documented ? std::string("1f0d470c-f5c2-6fc2-a54d-b6cdd6b6f014")
                                                  : seeded_uuid(k);
            r.source_amount = sell ? 0.00105423 : 100.0;
            std::string const created = documented ? std::string("2025-12-08T20:03:07.173223Z") : iso_time(r.created);
            std::string const updated =
                documented ? std::string("2025-12-08T20:08:08.877106Z") : iso_time(r.created + 301703933LL);
            std::string const sp_created =
                documented ? std::string("2025-12-08T20:02:22Z") : iso_time(r.created - 45000000LL);
            r.values = {
                {"id", json_string(r.id)},
                {"accountId", json_string(sandbox_account_id)},
                {"customerId", json_string(r.customer_id)},
                {"externalCustomerId", json_opt(r.external_customer_id)},
                {"transactionType", json_string(r.type)},
                {"status", json_string(r.status)},
                {"sourceAmount", sell ? "0.00105423" : "100.00"},
                {"sourceCurrencyCode", sell ? "\"BTC\"" : "\"USD\""},
                {"destinationAmount", sell ? "100.00" : "0.00105423"},
                {"destinationCurrencyCode", sell ? "\"USD\"" : "\"BTC\""},
                {"paymentMethodType", "\"CREDIT_DEBIT_CARD\""},
                {"serviceProvider", json_string(r.service_provider)},
                {"serviceTransactionId", json_opt(r.service_transaction_id)},
                {"externalReferenceId", json_opt(r.external_reference_id)},
                {"createdAt", json_string(created)},
                {"updatedAt", json_string(updated)},
                {"countryCode", "\"US\""},
                {"sessionId", json_string(r.session_id)},
                {"externalSessionId", json_opt(r.external_session_id)},
                {"fiatAmountInUsd", "100.00"},
                {"serviceProviderCreatedAt", json_string(sp_created)},
                {"walletAddress", "\"0xd72cc3468979360e31bc83b84f0887deccfd81d5\""},
                {"blockchainTransactionId",
                 r.status == "SETTLED"
                     ? "\"0x553d295955a978ed3e9fc1717b5bcb903c69577e49c8ad255abece945ffa9ba0\""
                     : "null"},
                {"externalSubaccountCustomerId", "null"},
                {"subaccountCustomerId", "null"},
            };
            add_tx(std::move(r), false);
        }
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return txs[a].newer_than(txs[b]); });
    }

    // ---- routes -------------------------------------------------------------------------------------------

    http_answer crypto_quote(recorded_request const& req) {
        http_answer err;
        auto body = parse_object(req.body, err);
        if (!body) return err;
        auto const& o = *body;
        checker c;
        auto country = c.required_string(o, "countryCode", "countryCode");
        auto destination = c.required_string(o, "destinationCurrencyCode", "destinationCurrencyCode");
        auto amount = c.amount_field(o, "sourceAmount", "sourceAmount", true);
        auto source = c.required_string(o, "sourceCurrencyCode", "sourceCurrencyCode");
        c.optional_string(o, "customerId", "customerId");
        c.optional_string(o, "externalCustomerId", "externalCustomerId");
        c.optional_string(o, "paymentMethodType", "paymentMethodType");
        c.optional_string(o, "subdivision", "subdivision");
        c.optional_string(o, "walletAddress", "walletAddress");
        c.optional_string_array(o, "serviceProviders", "serviceProviders");
        if (amount && !(amount->value > 0)) c.add("sourceAmount", "Must be a decimal value greater than zero");
        if (!c.errors.empty()) return bad_request(c.errors);

        if (amount->value < min_quote_amount)
            return error_answer(400, "INVALID_AMOUNT_TOO_LOW", "Amount too low",
                                {"[sourceAmount] must be at least 1"});
        if (amount->value > max_quote_amount)
            return error_answer(400, "INVALID_AMOUNT_TOO_HIGH", "Amount too high",
                                {"[sourceAmount] must be at most 50000"});
        if (std::find(country_codes.begin(), country_codes.end(), *country) == country_codes.end()) {
            http_answer a;
            a.status = 400;
            a.body = std::string(fixture("crypto_quote_no_valid_combinations"));
            return a;
        }
        http_answer a;
        a.body = std::string(fixture(*destination == "ETH" ? "crypto_quote_eth" : "crypto_quote"));
        return a;
    }

    http_answer crypto_session_widget(recorded_request const& req) {
        http_answer err;
        auto body = parse_object(req.body, err);
        if (!body) return err;
        auto const& o = *body;
        checker c;

        json::object const* session_data = nullptr;
        if (auto const* v = o.if_contains("sessionData"); !v || v->is_null())
            c.add("sessionData", "must not be null");
        else if (!v->is_object())
            c.add("sessionData", "must be an object");
        else
            session_data = &v->get_object();

        opt_string session_type;
        if (auto const* v = o.if_contains("sessionType"); !v || v->is_null())
            c.add("sessionType", "must not be null");
        else if (!v->is_string() ||
                 (v->get_string() != "BUY" && v->get_string() != "SELL" && v->get_string() != "TRANSFER"))
            c.add("sessionType", "must be one of BUY, SELL, TRANSFER");
        else
            session_type = std::string(v->get_string());

        auto const bypass_kyc = c.optional_bool(o, "bypassKyc", "bypassKyc");
        auto const customer_id = c.optional_string(o, "customerId", "customerId");
        auto const external_customer_id = c.optional_string(o, "externalCustomerId", "externalCustomerId");
        auto const external_session_id = c.optional_string(o, "externalSessionId", "externalSessionId");
        auto const ext_subaccount =
            c.optional_string(o, "externalSubaccountCustomerId", "externalSubaccountCustomerId");
        auto const subaccount = c.optional_string(o, "subaccountCustomerId", "subaccountCustomerId");

        opt_string provider, wallet, country, source_currency, destination_currency, payment_method;
        std::optional<checker::amount> amount;
        if (session_data) {
            auto const& sd = *session_data;
            provider = c.required_string(sd, "serviceProvider", "sessionData.serviceProvider");
            if (session_type == "BUY")
                wallet = c.required_string(sd, "walletAddress", "sessionData.walletAddress");
            else
                wallet = c.optional_string(sd, "walletAddress", "sessionData.walletAddress");
            country = c.optional_string(sd, "countryCode", "sessionData.countryCode");
            source_currency = c.optional_string(sd, "sourceCurrencyCode", "sessionData.sourceCurrencyCode");
            destination_currency =
                c.optional_string(sd, "destinationCurrencyCode", "sessionData.destinationCurrencyCode");
            payment_method = c.optional_string(sd, "paymentMethodType", "sessionData.paymentMethodType");
            c.optional_string(sd, "redirectUrl", "sessionData.redirectUrl");
            c.optional_string(sd, "walletTag", "sessionData.walletTag");
            c.optional_string(sd, "clientIpAddress", "sessionData.clientIpAddress");
            c.optional_string_array(sd, "lockFields", "sessionData.lockFields");
            amount = c.amount_field(sd, "sourceAmount", "sessionData.sourceAmount", false);
            if (amount && !(amount->value > 0))
                c.add("sessionData.sourceAmount", "Must be a decimal value greater than zero");
        }
        if (!c.errors.empty()) return bad_request(c.errors);

        if (external_session_id && external_session_ids.count(*external_session_id))
            return bad_request({"[externalSessionId] must be unique: " + *external_session_id + " was already used"});
        if (ext_subaccount && !customer_by_external.count(*ext_subaccount))
            return bad_request({"[externalSubaccountCustomerId] no customer with externalId " + *ext_subaccount +
                                " (create it first with POST /accounts/customers)"});
        if (subaccount && !customer_by_id.count(*subaccount))
            return bad_request({"[subaccountCustomerId] no customer with id " + *subaccount});
        if (bypass_kyc.value_or(false) && !customer_id && !external_customer_id)
            return bad_request({"[bypassKyc] requires customerId or externalCustomerId"});

        // Customer: the given id, else upsert by external id, else a fresh anonymous customer.
        std::string resolved_customer;
        opt_string resolved_external = external_customer_id;
        if (customer_id) {
            resolved_customer = *customer_id;
            if (!resolved_external) {
                if (auto it = customer_by_id.find(*customer_id); it != customer_by_id.end())
                    resolved_external = customers[it->second].external_id;
            }
        } else if (external_customer_id) {
            resolved_customer = upsert_customer(*external_customer_id).id;
        } else {
            customer_rec r;
            r.id = random_id();
            resolved_customer = r.id;
            add_customer(std::move(r));
        }

        std::string const session_id = random_id();
        std::string const token = make_widget_token(session_id);
        std::string host;
        for (char ch : *provider)
            if (std::isalnum(static_cast<unsigned char>(ch)))
                host += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (host.empty()) host = "provider";
        std::string const provider_url = "https://" + host + ".com/?sessionId=" + random_id(28);

        // The transaction the session spawns (PENDING), found by id and by search with sessionIds.
        tx_rec r;
        r.id = random_id();
        r.key = tx_key(r.id, next_seq);
        r.created = now_micros();
        r.status = "PENDING";
        r.type = *session_type == "BUY" ? "CRYPTO_PURCHASE" : *session_type == "SELL" ? "CRYPTO_SELL" : "CRYPTO_TRANSFER";
        r.service_provider = *provider;
        r.customer_id = resolved_customer;
        r.external_customer_id = resolved_external;
        r.session_id = session_id;
        r.external_session_id = external_session_id;
        r.external_reference_id = external_session_id;
        r.ext_subaccount = ext_subaccount;
        r.subaccount = subaccount;
        r.service_transaction_id = random_uuid();
        if (amount) r.source_amount = amount->value;
        std::string const created = iso_time(r.created);
        std::string const amount_json = amount ? amount->text : "null";
        r.values = {
            {"id", json_string(r.id)},
            {"accountId", json_string(sandbox_account_id)},
            {"customerId", json_string(r.customer_id)},
            {"externalCustomerId", json_opt(r.external_customer_id)},
            {"transactionType", json_string(r.type)},
            {"status", json_string(r.status)},
            {"sourceAmount", amount_json},
            {"sourceCurrencyCode", json_opt(source_currency)},
            {"destinationAmount", "null"},
            {"destinationCurrencyCode", json_opt(destination_currency)},
            {"paymentMethodType", json_opt(payment_method)},
            {"serviceProvider", json_string(r.service_provider)},
            {"serviceTransactionId", json_opt(r.service_transaction_id)},
            {"externalReferenceId", json_opt(r.external_reference_id)},
            {"createdAt", json_string(created)},
            {"updatedAt", json_string(created)},
            {"countryCode", json_opt(country)},
            {"sessionId", json_string(r.session_id)},
            {"externalSessionId", json_opt(r.external_session_id)},
            {"fiatAmountInUsd", source_currency == "USD" ? amount_json : std::string("null")},
            {"serviceProviderCreatedAt", json_string(created)},
            {"walletAddress", json_opt(wallet)},
            {"blockchainTransactionId", "null"},
            {"externalSubaccountCustomerId", json_opt(ext_subaccount)},
            {"subaccountCustomerId", json_opt(subaccount)},
        };
        schedule_transaction_events(r);  // webhooks: PENDING -> SETTLING -> SETTLED (when configured)
        add_tx(std::move(r));

        http_answer a;
        a.body = render(fixture("crypto_session_widget"), {{"id", json_string(session_id)},
                                                           {"externalSessionId", json_opt(external_session_id)},
                                                           {"externalCustomerId", json_opt(resolved_external)},
                                                           {"customerId", json_string(resolved_customer)},
                                                           {"token", json_string(token)},
                                                           {"serviceProviderWidgetUrl", json_string(provider_url)}});
        return a;
    }

    http_answer transaction_by_id(std::string const& id) {
        http_answer a;
        if (id == "WePZCYJW7cdXR7SxUMp8mE") {  // the documented example, verbatim
            a.body = std::string(fixture("payments_transaction"));
            return a;
        }
        auto it = tx_by_id.find(id);
        if (it == tx_by_id.end())
            return error_answer(404, "NOT_FOUND", "Not found", {"[id] Payment transaction " + id + " not found"});
        a.body = render(fixture("payments_transaction_wrapper"), {{"transaction", txs[it->second].render_text(false)}});
        return a;
    }

    http_answer transaction_by_session(std::string const& session_id) {
        for (auto idx : order)
            if (txs[idx].session_id == session_id) {
                http_answer a;
                a.body = render(fixture("payments_transaction_wrapper"), {{"transaction", txs[idx].render_text(false)}});
                return a;
            }
        return error_answer(404, "TRANSACTION_FETCH_BY_SESSION_NOT_YET_CREATED_WITH_PROVIDER",
                            "Transaction not yet created with the provider",
                            {"[sessionId] no transaction for session " + session_id});
    }

    http_answer search_transactions(std::vector<std::pair<std::string, std::string>> const& query) {
        static constexpr std::string_view singular[] = {
            "status", "serviceProvider", "customerId", "externalCustomerId", "sessionId", "externalSessionId",
            "type", "externalReferenceId", "orderId", "externalSubaccountCustomerId", "subaccountCustomerId"};
        std::map<std::string, std::string, std::less<>> q;
        checker c;
        for (auto const& [k, v] : query) {
            if (std::find(std::begin(singular), std::end(singular), k) != std::end(singular))
                c.add(k, "unknown parameter; use the plural, comma-separated form (" + k + "s)");
            q.emplace(k, v);  // first occurrence wins
        }
        auto get = [&](std::string_view k) -> std::optional<std::string> {
            if (auto it = q.find(k); it != q.end()) return it->second;
            return std::nullopt;
        };
        auto const paging = parse_page_request(query, {}, c.errors);
        auto const& before = paging.before;
        std::optional<micros> from, to;
        if (auto f = get("from")) {
            micros t = 0;
            if (parse_iso_time(*f, t)) from = t;
            else c.add("from", "must be an ISO date-time (2021-08-31T01:30:00) or date (2022-02-25)");
        }
        if (auto t2 = get("to")) {
            micros t = 0;
            if (parse_iso_time(*t2, t)) to = t;
            else c.add("to", "must be an ISO date-time (2021-08-31T01:30:00) or date (2022-02-25)");
        }
        std::optional<double> amount_from, amount_to;
        for (auto [name, target] : {std::pair{"amountFrom", &amount_from}, std::pair{"amountTo", &amount_to}}) {
            if (auto a = get(name)) {
                double d = 0;
                if (numeric_string(*a, d)) *target = d;
                else c.add(name, "must be a number");
            }
        }
        if (!c.errors.empty()) return bad_request(c.errors);

        auto list = [&](std::string_view k) -> std::optional<std::vector<std::string>> {
            if (auto v = get(k)) return split_list(*v);
            return std::nullopt;
        };
        auto const statuses = list("statuses"), providers = list("serviceProviders"), customer_ids = list("customerIds"),
                   external_customer_ids = list("externalCustomerIds"), session_ids = list("sessionIds"),
                   external_session_ids_f = list("externalSessionIds"), types = list("types"),
                   reference_ids = list("externalReferenceIds"), order_ids = list("orderIds"),
                   ext_subaccounts = list("externalSubaccountCustomerIds"), subaccounts = list("subaccountCustomerIds");
        auto const sp_tx_id = get("serviceProviderTransactionId");

        auto in = [](std::optional<std::vector<std::string>> const& filter, std::string_view value) {
            return !filter || std::find(filter->begin(), filter->end(), value) != filter->end();
        };
        auto in_opt = [&](std::optional<std::vector<std::string>> const& filter, opt_string const& value) {
            return !filter || (value && in(filter, *value));
        };
        auto matches = [&](tx_rec const& t) {
            return in(statuses, t.status) && in(providers, t.service_provider) && in(customer_ids, t.customer_id) &&
                   in_opt(external_customer_ids, t.external_customer_id) && in(session_ids, t.session_id) &&
                   in_opt(external_session_ids_f, t.external_session_id) && in(types, t.type) &&
                   in_opt(reference_ids, t.external_reference_id) && in_opt(order_ids, t.order_id) &&
                   in_opt(ext_subaccounts, t.ext_subaccount) && in_opt(subaccounts, t.subaccount) &&
                   (!sp_tx_id || t.service_transaction_id == *sp_tx_id) && (!from || t.created >= *from) &&
                   (!to || t.created <= *to) && (!amount_from || (t.source_amount && *t.source_amount >= *amount_from)) &&
                   (!amount_to || (t.source_amount && *t.source_amount <= *amount_to));
        };

        bool const filtered = statuses || providers || customer_ids || external_customer_ids || session_ids ||
                              external_session_ids_f || types || reference_ids || order_ids || ext_subaccounts ||
                              subaccounts || sp_tx_id || from || to || amount_from || amount_to;
        row_filter filter;
        if (filtered) filter = [&](std::size_t i) { return matches(txs[i]); };
        auto const result = paginate(transaction_order(), paging, filter);
        if (!result) return bad_request({std::string(before ? "[before]" : "[after]") + " unknown pagination key"});
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(txs[i].render_text(true));
        auto const rows = json_rows(texts);
        auto const page_size = result->rows.size();
        auto const remaining = result->remaining;
        auto const total = result->total;
        http_answer a;
        a.body = render(fixture("payments_transactions_page"), {{"transactions", rows},
                                                                {"count", std::to_string(page_size)},
                                                                {"remaining", std::to_string(remaining)},
                                                                {"totalCount", std::to_string(total)}});
        return a;
    }

    http_answer countries(std::vector<std::pair<std::string, std::string>> const& query) {
        std::optional<std::vector<std::string>> filter;
        for (auto const& [k, v] : query)
            if (k == "countries" && !filter) filter = split_list(v);
        http_answer a;
        if (!filter) {
            a.body = std::string(fixture("service_providers_countries"));
            return a;
        }
        std::string out = "[";
        bool first = true;
        for (std::size_t k = 0; k < country_items.size(); ++k) {
            if (std::find(filter->begin(), filter->end(), country_codes[k]) == filter->end()) continue;
            out += first ? "\n  " : ",\n  ";
            out += country_items[k];
            first = false;
        }
        out += first ? "]" : "\n]";
        a.body = std::move(out);
        return a;
    }

    http_answer create_customer(recorded_request const& req) {
        http_answer err;
        auto body = parse_object(req.body, err);
        if (!body) return err;
        auto const& o = *body;
        checker c;
        auto const external_id = c.optional_string(o, "externalId", "externalId");
        auto const email = c.optional_string(o, "email", "email");
        auto const phone = c.optional_string(o, "phone", "phone");
        auto const dob = c.optional_string(o, "dateOfBirth", "dateOfBirth");
        auto const type = c.optional_string(o, "type", "type");
        std::string name_json = "null";
        if (auto const* n = o.if_contains("name"); n && !n->is_null()) {
            if (!n->is_object()) {
                c.add("name", "must be an object");
            } else {
                auto const first = c.optional_string(n->get_object(), "firstName", "name.firstName");
                auto const last = c.optional_string(n->get_object(), "lastName", "name.lastName");
                name_json = "{\"firstName\": " + json_opt(first) + ", \"lastName\": " + json_opt(last) + "}";
            }
        }
        if (email && !valid_email(*email)) c.add("email", "must be a well-formed email address");
        if (dob && !valid_date_of_birth(*dob))
            c.add("dateOfBirth", "must match \"^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$\"");
        if (type && *type != "INDIVIDUAL" && *type != "BUSINESS") c.add("type", "must be one of INDIVIDUAL, BUSINESS");
        if (!c.errors.empty()) return bad_request(c.errors);

        http_answer a;
        if (external_id) {
            if (auto it = customer_by_external.find(*external_id); it != customer_by_external.end()) {
                a.body = customers[it->second].render_text();  // retrieve: the existing customer, unchanged
                return a;
            }
        }
        customer_rec r;
        r.id = random_id();
        r.external_id = external_id;
        r.name_json = name_json;
        r.email = email;
        r.phone = phone;
        r.date_of_birth = dob;
        if (type) r.type = *type;
        a.body = customers[add_customer(std::move(r))].render_text();
        return a;
    }

    // Bank linking: its routes and state live in bank_linking_routes.cpp.
    void add_bank_linking_routes(route_table& t) { register_bank_linking_routes(t, params.seed); }

    // ==== shared helpers for the groups ==========================================================================

    static http_answer ok(std::string body, unsigned status = 200) {
        http_answer a;
        a.status = status;
        a.body = std::move(body);
        return a;
    }
    static http_answer not_found(std::string_view field, std::string_view what, std::string const& id) {
        return error_answer(404, "NOT_FOUND", "Not found",
                            {"[" + std::string(field) + "] " + std::string(what) + " " + id + " not found"});
    }
    /// The body as an object (already validated against the rules when the route validates).
    static json::object body_object(route_request const& r) {
        if (r.raw.body.empty()) return {};
        boost::system::error_code ec;
        auto v = json::parse(r.raw.body, ec);
        if (ec || !v.is_object()) return {};
        return std::move(v.get_object());
    }
    static opt_string str(json::object const& o, std::string_view k) {
        if (auto const* v = o.if_contains(k); v && v->is_string()) return std::string(v->get_string());
        return std::nullopt;
    }
    /// JSON number text of an amount member (a number keeps a round-trip spelling, a numeric string its own).
    static std::string amount_text(json::object const& o, std::string_view k, std::string_view raw_body = {}) {
        auto const* v = o.if_contains(k);
        if (!v || v->is_null()) return "null";
        if (v->is_number()) {
            auto const raw = raw_member(raw_body, k);
            return is_json_number(raw) ? std::string(raw) : number_text(*v);
        }
        if (v->is_string() && is_json_number(v->get_string())) return std::string(v->get_string());
        return "null";
    }
    /// Keeps the items of a bare-array fixture whose `field` is in the comma-separated query `param`
    /// (fixture order, texts cut from the fixture, never re-serialized).
    static http_answer filtered_array(std::string_view fixture_name, route_request const& r, std::string_view param,
                                      std::string_view field) {
        auto const filter = r.query_param(param);
        if (!filter) return ok(std::string(fixture(fixture_name)));
        auto const wanted = split_list(*filter);
        std::vector<std::string> kept;
        for (auto item : split_json_array(fixture(fixture_name))) {
            auto const v = json::parse(item);
            auto const* f = v.as_object().if_contains(field);
            if (f && f->is_string() && std::find(wanted.begin(), wanted.end(), f->get_string()) != wanted.end())
                kept.emplace_back(item);
        }
        return ok(json_rows(kept));
    }

    // ==== customers ==============================================================================================

    customer_rec* live_customer(std::string const& id) {
        auto it = customer_by_id.find(id);
        if (it == customer_by_id.end() || customers[it->second].deleted) return nullptr;
        return &customers[it->second];
    }

    http_answer customer_get(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        return ok(c->render_text());
    }

    /// Live customers sorted by externalId (CATALOG §1.10), customers without one last, by id.
    result_order const& customer_search_order() {
        if (!customer_order.stale()) return customer_order;
        std::vector<std::size_t> idx;
        for (std::size_t k = 0; k < customers.size(); ++k)
            if (!customers[k].deleted) idx.push_back(k);
        std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            auto const& x = customers[a];
            auto const& y = customers[b];
            if (x.external_id.has_value() != y.external_id.has_value()) return x.external_id.has_value();
            if (x.external_id && *x.external_id != *y.external_id) return *x.external_id < *y.external_id;
            return x.id < y.id;
        });
        customer_order.assign(std::move(idx), [&](std::size_t i) -> std::string_view { return customers[i].key; });
        return customer_order;
    }

    http_answer customers_search(route_request const& r) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, {}, errors);
        if (!errors.empty()) return bad_request(errors);
        std::optional<std::vector<std::string>> ids;
        if (auto v = r.query_param("customerIds")) ids = split_list(*v);
        auto const ext = r.query_param("externalCustomerId");
        auto const email = r.query_param("email");
        auto const phone = r.query_param("phone");
        auto const status = r.query_param("status");
        auto const type = r.query_param("type");
        row_filter filter;
        if (ids || ext || email || phone || status || type)
            filter = [&](std::size_t i) {
                auto const& c = customers[i];
                return (!ids || std::find(ids->begin(), ids->end(), c.id) != ids->end()) &&
                       (!ext || c.external_id == *ext) && (!email || c.email == *email) &&
                       (!phone || c.phone == *phone) && (!status || c.status == *status) && (!type || c.type == *type);
            };
        auto const result = paginate(customer_search_order(), paging, filter);
        if (!result) return bad_request({std::string(paging.before ? "[before]" : "[after]") + " unknown pagination key"});
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(customers[i].render_text(true));
        return ok(render(fixture("accounts_customers_page"), {{"customers", json_rows(texts)},
                                                              {"count", std::to_string(result->rows.size())},
                                                              {"remaining", std::to_string(result->remaining)}}));
    }

    http_answer customer_update(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        auto const o = body_object(r);
        checker ck;
        auto const email = str(o, "email");
        auto const dob = str(o, "dateOfBirth");
        auto const status = str(o, "status");
        if (email && !valid_email(*email)) ck.add("email", "must be a well-formed email address");
        if (dob && !valid_date_of_birth(*dob))
            ck.add("dateOfBirth", "must match \"^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$\"");
        if (status && *status != "ACTIVE" && *status != "INACTIVE") ck.add("status", "must be one of ACTIVE, INACTIVE");
        if (!ck.errors.empty()) return bad_request(ck.errors);
        if (auto ext = str(o, "externalCustomerId"); ext && ext != c->external_id) {
            if (customer_by_external.count(*ext)) return bad_request({"[externalCustomerId] already used by another customer"});
            if (c->external_id) customer_by_external.erase(*c->external_id);
            c->external_id = *ext;
            customer_by_external.emplace(*ext, customer_by_id.at(c->id));
            customer_order.invalidate();
        }
        if (email) c->email = email;
        if (dob) c->date_of_birth = dob;
        if (status) c->status = *status;
        if (auto p = str(o, "phone")) c->phone = p;
        if (auto const* n = o.if_contains("name"); n && n->is_object()) {
            auto const first = str(n->get_object(), "firstName");
            auto const last = str(n->get_object(), "lastName");
            c->name_json = "{\"firstName\": " + json_opt(first) + ", \"lastName\": " + json_opt(last) + "}";
        }
        return ok(c->render_text());
    }

    http_answer customer_delete(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        c->deleted = true;
        customer_order.invalidate();
        if (c->external_id) customer_by_external.erase(*c->external_id);
        std::string deleted = "{}";
        if (c->kyc_provider_customer_id) deleted = "{\"SUMSUB\": " + json_string(*c->kyc_provider_customer_id) + "}";
        return ok(render(fixture("accounts_customer_deleted"),
                         {{"id", json_string(id)}, {"serviceProviderCustomersDeleted", deleted}}));
    }

    http_answer customer_address_create(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        auto const o = body_object(r);
        auto const& a = o.at("address").as_object();
        auto text = render(fixture("accounts_customer_address"), {{"id", json_string(random_id())},
                                                                 {"customerId", json_string(id)},
                                                                 {"lineOne", json_opt(str(a, "lineOne"))},
                                                                 {"lineTwo", json_opt(str(a, "lineTwo"))},
                                                                 {"city", json_opt(str(a, "city"))},
                                                                 {"region", json_opt(str(a, "region"))},
                                                                 {"postalCode", json_opt(str(a, "postalCode"))},
                                                                 {"country", json_opt(str(a, "countryCode"))},
                                                                 {"type", json_opt(str(o, "type"))}});
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
        c->addresses.push_back(text);
        return ok(std::move(text));
    }

    http_answer customer_kyc_initiate(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        auto const o = body_object(r);
        auto const mode = str(o, "mode");
        if (mode == "TOKEN_IMPORT") {
            auto const* d = o.if_contains("serviceProviderDetails");
            checker ck;
            if (!d || !d->is_object()) ck.add("serviceProviderDetails", "must not be null for mode TOKEN_IMPORT");
            else {
                ck.required_string(d->get_object(), "kycToken", "serviceProviderDetails.kycToken");
                ck.required_string(d->get_object(), "applicantId", "serviceProviderDetails.applicantId");
            }
            if (!ck.errors.empty()) return bad_request(ck.errors);
        }
        if (c->kyc_provider_customer_id)
            return error_answer(409, "CONFLICT", "Conflict",
                                {"[customerId] KYC was already initiated for customer " + id + " with SUMSUB"});
        c->kyc_provider_customer_id = random_id();
        auto text = render(fixture("accounts_service_provider_customer"),
                           {{"id", json_string(*c->kyc_provider_customer_id)},
                            {"customerId", json_string(id)},
                            {"createdAt", json_string(iso_time(now_micros()))},
                            {"onboardingType", mode == "TOKEN_IMPORT" ? "\"KYC_TOKEN_SHARE\"" : "\"HOSTED_URL\""}});
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
        c->provider_customers.push_back(std::move(text));
        schedule_kyc_event(id);  // webhooks: CUSTOMER_KYC_STATUS_CHANGE -> APPROVED (when configured)
        return ok(render(fixture("accounts_customer_kyc_initiate"), {{"customerId", json_string(id)}}));
    }

    /// PATCH .../kyc/initiate (guide-only endpoint): adds share providers to an initiated KYC.
    http_answer customer_kyc_update(route_request const& r) {
        auto const id = r.path_param("customerId");
        auto* c = live_customer(id);
        if (!c) return not_found("customerId", "Customer", id);
        http_answer err;
        auto body = parse_object(r.raw.body, err);
        if (!body) return err;
        checker ck;
        ck.optional_string_array(*body, "kycShareProviders", "kycShareProviders");
        ck.optional_string(*body, "serviceProvider", "serviceProvider");
        if (!ck.errors.empty()) return bad_request(ck.errors);
        if (!c->kyc_provider_customer_id)
            return not_found("customerId", "KYC initiation for customer", id);
        return ok(render(fixture("accounts_customer_kyc_initiate"), {{"customerId", json_string(id)}}));
    }

    // ==== crypto: virtual account =================================================================================

    http_answer va_quote(route_request const& r) {
        auto const o = body_object(r);
        auto const id = str(o, "customerId").value_or("");
        if (!live_customer(id)) return not_found("customerId", "Customer", id);
        return ok(std::string(fixture("crypto_virtual_account_quote")));
    }

    http_answer va_order(route_request const& r, std::string_view fixture_name) {
        auto const o = body_object(r);
        auto const id = str(o, "customerId").value_or("");
        if (!live_customer(id)) return not_found("customerId", "Customer", id);
        return ok(render(fixture(fixture_name), {{"orderId", json_string(random_id())}}), 201);
    }

    // ==== payments (fiat stack) ===================================================================================

    struct fiat_tx {
        std::string id, status, amount_text, currency;
        double amount = 0;
        double refunded = 0;
    };
    std::unordered_map<std::string, fiat_tx> fiat_txs;

    /// The fiat transaction answer; the row is also added to the transaction search / get by id.
    http_answer fiat_answer(std::string const& type, std::string const& status, std::string const& amount,
                            std::string const& currency, opt_string const& parent, bool imported,
                            json::object const& o, unsigned code) {
        std::string const id = random_id();
        std::string const created = iso_time(now_micros());
        auto customer_id = str(o, "customerId");
        auto external_customer_id = str(o, "externalCustomerId");
        if (auto const* cust = o.if_contains("customer"); cust && cust->is_object()) {
            if (!customer_id) customer_id = str(cust->get_object(), "id");
            if (!external_customer_id) external_customer_id = str(cust->get_object(), "externalId");
        }
        if (!customer_id && external_customer_id) customer_id = upsert_customer(*external_customer_id).id;
        if (!customer_id) customer_id = std::string(seed_customers[0].id);
        std::string payment_method = "null";
        if (auto const* pm = o.if_contains("paymentMethod"); pm && pm->is_object())
            payment_method = json_opt(str(pm->get_object(), "type"));
        auto const provider = str(o, "serviceProvider").value_or("STRIPE");
        auto const service_tx = str(o, "serviceTransactionId").value_or(random_uuid());
        auto body = render(fixture("payments_fiat_transaction"),
                           {{"id", json_string(id)},
                            {"parentPaymentTransactionId", json_opt(parent)},
                            {"accountId", json_string(sandbox_account_id)},
                            {"isImported", imported ? "true" : "false"},
                            {"customerId", json_string(*customer_id)},
                            {"externalCustomerId", json_opt(external_customer_id)},
                            {"transactionType", json_string(type)},
                            {"status", json_string(status)},
                            {"sourceAmount", amount},
                            {"sourceCurrencyCode", json_string(currency)},
                            {"paymentMethodType", payment_method},
                            {"serviceProvider", json_string(provider)},
                            {"serviceTransactionId", json_string(service_tx)},
                            {"description", json_opt(str(o, "description"))},
                            {"fiatAmountInUsd", currency == "USD" ? amount : std::string("null")},
                            {"createdAt", json_string(created)}});
        fiat_tx f{id, status, amount, currency, 0, 0};
        numeric_string(amount, f.amount);
        fiat_txs.emplace(id, f);
        // Searchable and fetchable like every other transaction.
        tx_rec t;
        t.id = id;
        t.key = row_key(t.id, next_seq);
        t.created = now_micros();
        t.status = status;
        t.type = type;
        t.service_provider = provider;
        t.customer_id = *customer_id;
        t.external_customer_id = external_customer_id;
        t.service_transaction_id = service_tx;
        t.source_amount = f.amount;
        t.values = {
            {"id", json_string(id)}, {"accountId", json_string(sandbox_account_id)},
            {"customerId", json_string(*customer_id)}, {"externalCustomerId", json_opt(external_customer_id)},
            {"transactionType", json_string(type)}, {"status", json_string(status)}, {"sourceAmount", amount},
            {"sourceCurrencyCode", json_string(currency)}, {"destinationAmount", "null"},
            {"destinationCurrencyCode", "null"}, {"paymentMethodType", payment_method},
            {"serviceProvider", json_string(provider)}, {"serviceTransactionId", json_string(service_tx)},
            {"externalReferenceId", "null"}, {"createdAt", json_string(created)}, {"updatedAt", json_string(created)},
            {"countryCode", "\"US\""}, {"sessionId", "null"}, {"externalSessionId", "null"},
            {"fiatAmountInUsd", currency == "USD" ? amount : std::string("null")},
            {"serviceProviderCreatedAt", json_string(created)}, {"walletAddress", "null"},
            {"blockchainTransactionId", "null"}, {"externalSubaccountCustomerId", "null"},
            {"subaccountCustomerId", "null"}};
        add_tx(std::move(t));
        return ok(std::move(body), code);
    }

    /// Amount and currency of an existing transaction (fiat or crypto) by id.
    std::optional<fiat_tx> find_payment(std::string const& id) {
        if (auto it = fiat_txs.find(id); it != fiat_txs.end()) return it->second;
        if (auto it = tx_by_id.find(id); it != tx_by_id.end()) {
            auto const& t = txs[it->second];
            fiat_tx f{t.id, t.status, "100.00", "USD", t.source_amount.value_or(0), 0};
            for (auto const& v : t.values) {
                if (v.name == "sourceAmount") f.amount_text = v.json;
                if (v.name == "sourceCurrencyCode" && v.json.size() > 2) f.currency = v.json.substr(1, v.json.size() - 2);
            }
            return f;
        }
        return std::nullopt;
    }

    http_answer payment_create(route_request const& r) {
        auto const o = body_object(r);
        bool const capture = !o.contains("capture") || !o.at("capture").is_bool() || o.at("capture").get_bool();
        return fiat_answer("CHARGE", capture ? "SETTLING" : "AUTHORIZED", amount_text(o, "sourceAmount", r.raw.body),
                           str(o, "sourceCurrencyCode").value_or("USD"), std::nullopt, false, o, 201);
    }

    http_answer payment_payout(route_request const& r) {
        auto const o = body_object(r);
        return fiat_answer("PAYOUT", "PENDING", amount_text(o, "sourceAmount", r.raw.body),
                           str(o, "sourceCurrencyCode").value_or("USD"), std::nullopt, false, o, 201);
    }

    http_answer payment_capture(route_request const& r) {
        auto const id = r.path_param("id");
        auto const p = find_payment(id);
        if (!p) return not_found("id", "Payment transaction", id);
        auto const o = body_object(r);
        auto amount = amount_text(o, "sourceAmount", r.raw.body);
        if (amount == "null") amount = p->amount_text;
        if (auto it = fiat_txs.find(id); it != fiat_txs.end()) it->second.status = "SETTLING";
        return fiat_answer("CHARGE", "SETTLING", amount, p->currency, id, false, o, 200);
    }

    http_answer payment_refund(route_request const& r) {
        auto const id = r.path_param("id");
        auto const p = find_payment(id);
        if (!p) return not_found("id", "Payment transaction", id);
        auto const o = body_object(r);
        auto const amount = amount_text(o, "sourceAmount", r.raw.body);
        double value = 0;
        numeric_string(amount, value);
        if (!(value > 0)) return bad_request({"[sourceAmount] Must be a decimal value greater than zero"});
        if (auto it = fiat_txs.find(id); it != fiat_txs.end()) {
            if (it->second.refunded + value > it->second.amount + 1e-9)
                return bad_request({"[sourceAmount] exceeds the refundable amount of transaction " + id});
            it->second.refunded += value;
        } else if (value > p->amount + 1e-9) {
            return bad_request({"[sourceAmount] exceeds the refundable amount of transaction " + id});
        }
        return fiat_answer("REFUND", "SETTLING", amount, p->currency, id, false, o, 200);
    }

    http_answer external_import(route_request const& r) {
        auto const o = body_object(r);
        return fiat_answer("CHARGE", "SETTLED", "100.00", "USD", std::nullopt, true, o, 200);
    }

    http_answer external_refund(route_request const& r) {
        auto const o = body_object(r);
        auto const amount = amount_text(o, "sourceAmount", r.raw.body);
        double value = 0;
        numeric_string(amount, value);
        if (!(value > 0)) return bad_request({"[sourceAmount] Must be a decimal value greater than zero"});
        return fiat_answer("REFUND", "SETTLING", amount, "USD", std::nullopt, true, o, 200);
    }

    http_answer payment_token(route_request const& r) {
        auto const o = body_object(r);
        std::string providers = "[\"STRIPE\"]";
        if (auto const* v = o.if_contains("serviceProviders"); v && v->is_array() && !v->get_array().empty()) {
            std::vector<std::string> names;
            for (auto const& e : v->get_array())
                if (e.is_string()) names.push_back(json_string(e.get_string()));
            providers = "[";
            for (std::size_t k = 0; k < names.size(); ++k) providers += (k ? ", " : "") + names[k];
            providers += "]";
        }
        return ok(render(fixture("payments_token"), {{"meldPaymentMethodTokenId", json_string(random_id())},
                                                      {"serviceProviders", providers}}));
    }

    http_answer risk_analysis(route_request const&) {
        return ok(render(fixture("payments_risk_analysis"),
                         {{"serviceProviderTransferAuthorizationId", json_string(random_uuid())}}),
                  201);
    }

    // ==== webhooks ================================================================================================

    struct webhook_profile {
        std::string id, key, name, url, event_types = "[]", event_version = "\"2025-03-01\"", secret,
                                             status = "ACTIVE";
        std::string text(bool with_key) const {
            auto t = render(fixture("webhooks_profile"), {{"id", json_string(id)},
                                                          {"accountId", json_string(sandbox_account_id)},
                                                          {"key", with_key ? json_string(key) : std::string("null")},
                                                          {"name", json_string(name)},
                                                          {"url", json_string(url)},
                                                          {"eventTypes", event_types},
                                                          {"eventVersion", event_version},
                                                          {"secret", json_string(secret)},
                                                          {"status", json_string(status)}});
            while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
            return t;
        }
    };
    std::vector<webhook_profile> webhooks;

    // ---- webhook deliveries (sandbox/src/webhook_sender.*): declared after the state its steps change ----
    webhook_sender webhook_out{params};

    static webhook_target profile_target(webhook_profile const& w) {
        webhook_target t{w.url, w.secret, w.id};
        if (w.event_version.size() > 2 && w.event_version.front() == '"')
            t.version = w.event_version.substr(1, w.event_version.size() - 2);
        return t;
    }

    /// The targets subscribed to `type`: server_params::webhook_url, then the ACTIVE profiles (if honoured).
    std::vector<webhook_target> webhook_targets(std::string_view type) const {
        std::vector<webhook_target> out;
        if (auto t = webhook_out.configured_target()) out.push_back(std::move(*t));
        if (!params.webhook_profiles) return out;
        for (auto const& w : webhooks)
            if (w.status == "ACTIVE" &&
                (w.event_types == "[]" || w.event_types.find(json_string(type)) != std::string::npos))
                out.push_back(profile_target(w));
        return out;
    }

    void set_tx_status(std::string const& id, std::string const& status) {
        auto it = tx_by_id.find(id);
        if (it == tx_by_id.end()) return;
        auto& t = txs[it->second];
        t.status = status;
        for (auto& v : t.values) {
            if (v.name == "status") v.json = json_string(status);
            else if (v.name == "updatedAt") v.json = json_string(iso_time(now_micros()));
        }
    }

    /// CATALOG §3.6: TRANSACTION_CRYPTO_PENDING -> _TRANSFERRING (SETTLING) -> _COMPLETE (SETTLED).
    void schedule_transaction_events(tx_rec const& t) {
        if (!webhook_out.enabled()) return;
        auto payload = [&t](std::string_view status) {
            std::string p = "{\"requestId\":" + json_string(request_id()) +
                            ",\"accountId\":" + json_string(sandbox_account_id) +
                            ",\"paymentTransactionId\":" + json_string(t.id) + ",\"customerId\":" + json_string(t.customer_id) +
                            ",\"externalCustomerId\":" + json_opt(t.external_customer_id) +
                            ",\"externalSessionId\":" + json_opt(t.external_session_id) +
                            ",\"paymentTransactionStatus\":" + json_string(status) +
                            ",\"transactionType\":" + json_string(t.type) + ",\"sessionId\":" + json_string(t.session_id);
            if (t.ext_subaccount) p += ",\"externalSubaccountCustomerId\":" + json_string(*t.ext_subaccount);
            if (t.subaccount) p += ",\"subaccountCustomerId\":" + json_string(*t.subaccount);
            return p + "}";
        };
        auto set = [this, id = t.id](std::string status) { return [this, id, status] { set_tx_status(id, status); }; };
        std::vector<webhook_step> steps;
        steps.push_back({.event_type = "TRANSACTION_CRYPTO_PENDING", .payload_json = payload("PENDING")});
        steps.push_back({.event_type = "TRANSACTION_CRYPTO_TRANSFERRING", .payload_json = payload("SETTLING"),
                         .apply = set("SETTLING")});
        steps.push_back({.event_type = "TRANSACTION_CRYPTO_COMPLETE", .payload_json = payload("SETTLED"),
                         .apply = set("SETTLED")});
        webhook_out.schedule(std::move(steps));
    }

    /// CUSTOMER_KYC_STATUS_CHANGE (CATALOG §3.4): the SUMSUB KYC of `customer_id` becomes APPROVED.
    void schedule_kyc_event(std::string const& customer_id) {
        if (!webhook_out.enabled()) return;
        auto const at = iso_time(now_micros() + params.webhook_step.count() * 1000);
        std::string payload = "{\"accountId\":" + json_string(sandbox_account_id) + ",\"customerId\":" +
                              json_string(customer_id) + ",\"serviceProvider\":\"SUMSUB\",\"status\":\"APPROVED\"" +
                              ",\"statusUpdatedAt\":" + json_string(at) + "}";
        auto apply = [this, customer_id] {
            auto it = customer_by_id.find(customer_id);
            if (it == customer_by_id.end()) return;
            for (auto& text : customers[it->second].provider_customers) {
                auto const kyc = text.find("\"kyc\"");
                if (kyc == std::string::npos) continue;
                constexpr std::string_view pending = "\"status\": \"PENDING\"";
                if (auto const at_status = text.find(pending, kyc); at_status != std::string::npos)
                    text.replace(at_status, pending.size(), "\"status\": \"APPROVED\"");
            }
        };
        std::vector<webhook_step> steps;
        steps.push_back({.event_type = "CUSTOMER_KYC_STATUS_CHANGE", .payload_json = std::move(payload),
                         .apply = std::move(apply)});
        webhook_out.schedule(std::move(steps));
    }

    webhook_profile* find_webhook(std::string const& id) {
        for (auto& w : webhooks)
            if (w.id == id) return &w;
        return nullptr;
    }

    static std::string string_array_text(json::object const& o, std::string_view k) {
        auto const* v = o.if_contains(k);
        if (!v || !v->is_array()) return "[]";
        std::string out = "[";
        bool first = true;
        for (auto const& e : v->get_array())
            if (e.is_string()) {
                out += (first ? "" : ", ") + json_string(e.get_string());
                first = false;
            }
        return out + "]";
    }

    static bool valid_webhook_url(std::string_view url) {
        return url.starts_with("https://") || url.starts_with("http://");
    }

    http_answer webhook_create(route_request const& r) {
        auto const o = body_object(r);
        webhook_profile w;
        w.id = random_id();
        w.key = row_key(w.id, 0x3EB0);
        w.name = str(o, "name").value_or("");
        w.url = str(o, "url").value_or("");
        if (!valid_webhook_url(w.url)) return bad_request({"[url] must start with http:// or https://"});
        w.event_types = string_array_text(o, "eventTypes");
        if (auto v = str(o, "eventVersion")) w.event_version = json_string(*v);
        w.secret = random_id(32);
        webhooks.push_back(w);
        webhook_order.invalidate();
        return ok(w.text(false), 201);
    }

    /// Seeded profiles: "Seeded profile <k>" (zero-padded, so that the name order is the seed order), DISABLED,
    /// so that no delivery ever goes to their example.com URLs.
    void seed_webhook_profiles(std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            webhook_profile w;
            w.id = "W" + derived_id(0x3EB00000ULL + k, 21);
            w.key = row_key(w.id, 0x3EB0);
            char name[40];
            std::snprintf(name, sizeof name, "Seeded profile %07zu", k);
            w.name = name;
            w.url = "https://hooks.example.com/meld/" + std::to_string(k);
            w.event_types = k % 2 ? "[\"TRANSACTION_CRYPTO_COMPLETE\"]" : "[]";
            w.secret = derived_id(0x5EC00000ULL + k, 32);
            w.status = "DISABLED";
            webhooks.push_back(std::move(w));
        }
        webhook_order.invalidate();
    }

    http_answer webhook_get(route_request const& r) {
        auto const id = r.path_param("webhookProfileId");
        auto* w = find_webhook(id);
        if (!w) return not_found("webhookProfileId", "Webhook profile", id);
        return ok(w->text(false));
    }

    http_answer webhook_update(route_request const& r) {
        auto const id = r.path_param("webhookProfileId");
        auto* w = find_webhook(id);
        if (!w) return not_found("webhookProfileId", "Webhook profile", id);
        auto const o = body_object(r);
        if (auto url = str(o, "url")) {
            if (!valid_webhook_url(*url)) return bad_request({"[url] must start with http:// or https://"});
            w->url = *url;
        }
        if (auto v = str(o, "name")) {
            w->name = *v;
            webhook_order.invalidate();
        }
        if (auto v = str(o, "status")) w->status = *v;
        if (auto v = str(o, "eventVersion")) w->event_version = json_string(*v);
        if (o.contains("eventTypes")) w->event_types = string_array_text(o, "eventTypes");
        return ok(w->text(false));
    }

    http_answer webhook_test(route_request const& r) {
        auto const id = r.path_param("webhookProfileId");
        auto* w = find_webhook(id);
        if (!w) return not_found("webhookProfileId", "Webhook profile", id);
        auto const rid = request_id();
        if (params.webhook_profiles)  // sends WEBHOOK_TEST to this profile only, whatever its eventTypes
            webhook_out.schedule({webhook_step{.event_type = "WEBHOOK_TEST",
                                               .payload_json = "{\"requestId\":" + json_string(rid) + "}",
                                               .targets = std::vector{profile_target(*w)},
                                               .immediate = true}});
        return ok(render(fixture("webhooks_profile_test"), {{"requestId", json_string(rid)}}));
    }

    http_answer webhook_search(route_request const& r) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, {}, errors);
        if (!errors.empty()) return bad_request(errors);
        if (webhook_order.stale()) {  // by name, then creation order
            std::vector<std::size_t> idx(webhooks.size());
            for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
            std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto b) { return webhooks[a].name < webhooks[b].name; });
            webhook_order.assign(std::move(idx), [&](std::size_t i) -> std::string_view { return webhooks[i].key; });
        }
        auto const result = paginate(webhook_order, paging);
        if (!result) return bad_request({std::string(paging.before ? "[before]" : "[after]") + " unknown pagination key"});
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(webhooks[i].text(true));
        return ok(render(fixture("webhooks_profiles_page"), {{"webhookProfiles", json_rows(texts)},
                                                             {"count", std::to_string(result->rows.size())},
                                                             {"remaining", std::to_string(result->remaining)}}));
    }

    // ==== network partners ========================================================================================

    /// Provider scope of a network-partner request: a Meld-Account-Id other than the sandbox's own account is an
    /// account without providers here, so the documented "scoped" answers apply.
    static bool foreign_account_scope(route_request const& r) {
        auto const account = r.header("Meld-Account-Id");
        return !account.empty() && account != sandbox_account_id;
    }

    http_answer np_countries(route_request const& r) {
        return ok(std::string(fixture(foreign_account_scope(r) ? "network_partners_countries_scoped"
                                                               : "network_partners_countries")));
    }
    http_answer np_currencies(route_request const& r) {
        auto const type = r.query_param("type");
        if (type && *type != "CRYPTO" && *type != "FIAT") return bad_request({"[type] must be one of CRYPTO, FIAT"});
        if (type == "FIAT" && r.query_param("network"))
            return bad_request({"[network] network is only supported for CRYPTO searches"});
        return ok(std::string(fixture("network_partners_currencies")));
    }
    http_answer np_partners(route_request const& r) {
        if (foreign_account_scope(r)) return ok("[]");
        return ok(std::string(fixture("network_partners_partners")));
    }
    http_answer np_static(std::string_view name) { return ok(std::string(fixture(name))); }

    // ==== activity log ===========================================================================================

    struct activity {
        std::string key, action, entity_id, entity_type, customer_id;
        micros occurred = 0;
        std::string text() const {
            auto t = render(fixture("activity_log_activity"),
                            {{"key", json_string(key)},
                             {"occurredAt", json_string(iso_time(occurred))},
                             {"action", json_string(action)},
                             {"actorId", json_string(sandbox_account_id)},
                             {"actorName", "\"meld-sandbox\""},
                             {"actorType", "\"API_KEY\""},
                             {"entityId", json_string(entity_id)},
                             {"entityType", json_string(entity_type)}});
            while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
            return t;
        }
    };

    /// The activity log: one entry per payment transaction (PAYMENT_TRANSACTION_CREATED), newest first.
    activity activity_of(tx_rec const& t) const {
        return {t.activity_key, "PAYMENT_TRANSACTION_CREATED", t.id, "PAYMENT_TRANSACTION", t.customer_id, t.created};
    }

    http_answer activity_search(route_request const& r) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, {}, errors);
        micros start = 0, end = 0;
        if (!parse_iso_time(r.query_param("start").value_or(""), start))
            errors.push_back("[start] must be an ISO date-time (2024-05-08T00:00:00.000Z)");
        if (!parse_iso_time(r.query_param("end").value_or(""), end))
            errors.push_back("[end] must be an ISO date-time (2024-05-10T00:00:00.000Z)");
        if (!errors.empty()) return bad_request(errors);
        std::optional<std::vector<std::string>> actions;
        if (auto v = r.query_param("actions")) actions = split_list(*v);
        auto const customer = r.query_param("customerId");
        constexpr std::string_view action = "PAYMENT_TRANSACTION_CREATED";  // the only action recorded here
        auto const result = paginate(activity_log_order(), paging, [&](std::size_t i) {
            auto const& t = txs[i];
            return t.created >= start && t.created <= end && (!customer || t.customer_id == *customer) &&
                   (!actions || std::find(actions->begin(), actions->end(), action) != actions->end());
        });
        if (!result) return bad_request({std::string(paging.before ? "[before]" : "[after]") + " unknown pagination key"});
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(activity_of(txs[i]).text());
        return ok(render(fixture("activity_log_page"), {{"activities", json_rows(texts)},
                                                        {"count", std::to_string(result->rows.size())},
                                                        {"remaining", std::to_string(result->remaining)}}));
    }

    http_answer activity_details(route_request const& r) {
        auto const wanted = split_list(r.query_param("keys").value_or(""));
        if (wanted.empty()) return bad_request({"[keys] must not be null"});
        auto const& index = activity_log_order();
        std::vector<std::string> texts;
        for (auto const& k : wanted) {
            if (!index.position(k)) return not_found("keys", "Activity", k);
            auto t = render(fixture("activity_log_details"), {{"key", json_string(k)}});
            while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
            texts.push_back(std::move(t));
        }
        return ok(json_rows(texts));
    }
};

// ---- route table ----------------------------------------------------------------------------------------------

std::optional<std::string> route_request::query_param(std::string_view name) const {
    for (auto const& [k, v] : query)
        if (k == name) return v;
    return std::nullopt;
}

std::string route_request::path_param(std::string_view name) const {
    for (auto const& [k, v] : path_params)
        if (k == name) return v;
    return {};
}

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        auto const slash = path.find('/', pos);
        out.emplace_back(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return out;
}

/// Number of literal segments when `pattern` matches `segments` (path parameters filled), else -1.
int match_pattern(std::string const& pattern, std::vector<std::string> const& segments,
                  std::vector<std::pair<std::string, std::string>>& params) {
    auto const parts = split_path(pattern);
    if (parts.size() != segments.size()) return -1;
    int literal = 0;
    params.clear();
    for (std::size_t k = 0; k < parts.size(); ++k) {
        auto const& p = parts[k];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (segments[k].empty()) return -1;
            params.emplace_back(p.substr(1, p.size() - 2), segments[k]);
        } else if (p == segments[k]) {
            ++literal;
        } else {
            return -1;
        }
    }
    return literal;
}

}  // namespace

// ---- routing --------------------------------------------------------------------------------------------------

api_state::api_state(server_params const& params) : data_(std::make_unique<data>(params)) {
    auto& d = *data_;
    auto& t = table_;
    d.webhook_out.connect(mutex_, [&d](std::string_view type) { return d.webhook_targets(type); });
    auto h = [&d](auto fn) { return [&d, fn](route_request const& r) { return (d.*fn)(r); }; };
    using D = data;

    // crypto (first slice: the handlers validate themselves)
    t.add("POST", "/payments/crypto/quote", [&d](route_request const& r) { return d.crypto_quote(r.raw); }, false);
    t.add("POST", "/crypto/session/widget", [&d](route_request const& r) { return d.crypto_session_widget(r.raw); },
          false);
    t.add("GET", "/payments/transactions/sessions/{sessionId}",
          [&d](route_request const& r) { return d.transaction_by_session(r.path_param("sessionId")); });
    t.add("POST", "/payments/virtual-account/quote", h(&D::va_quote));
    t.add("POST", "/payments/virtual-account/onramp-order",
          [&d](route_request const& r) { return d.va_order(r, "crypto_virtual_account_onramp_order"); });
    t.add("POST", "/payments/virtual-account/offramp-order",
          [&d](route_request const& r) { return d.va_order(r, "crypto_virtual_account_offramp_order"); });

    // payments
    t.add("GET", "/payments/transactions", [&d](route_request const& r) { return d.search_transactions(r.query); },
          false);
    t.add("GET", "/payments/transactions/{id}",
          [&d](route_request const& r) { return d.transaction_by_id(r.path_param("id")); });
    t.add("POST", "/payments/transactions", h(&D::payment_create));
    t.add("POST", "/payments/transactions/payout", h(&D::payment_payout));
    t.add("POST", "/payments/transactions/{id}/capture", h(&D::payment_capture));
    t.add("POST", "/payments/transactions/{id}/refund", h(&D::payment_refund));
    t.add("POST", "/payments/external/import", h(&D::external_import));
    t.add("POST", "/payments/external/refund", h(&D::external_refund));
    t.add("POST", "/payments/tokens", h(&D::payment_token));
    t.add("POST", "/payments/risk-analysis", h(&D::risk_analysis));

    // customers (+ the guide-only GET one customer and PATCH .../kyc/initiate, CATALOG §6.2)
    t.add("POST", "/accounts/customers", [&d](route_request const& r) { return d.create_customer(r.raw); }, false);
    t.add("GET", "/accounts/customers", h(&D::customers_search));
    t.add("GET", "/accounts/customers/{customerId}", h(&D::customer_get));
    t.add("PATCH", "/accounts/customers/{customerId}", h(&D::customer_update));
    t.add("DELETE", "/accounts/customers/{customerId}", h(&D::customer_delete));
    t.add("POST", "/accounts/customers/{customerId}/addresses", h(&D::customer_address_create));
    t.add("POST", "/accounts/customers/{customerId}/kyc/initiate", h(&D::customer_kyc_initiate));
    t.add("PATCH", "/accounts/customers/{customerId}/kyc/initiate", h(&D::customer_kyc_update));

    // service providers
    t.add("GET", "/service-providers/properties/countries", [&d](route_request const& r) { return d.countries(r.query); },
          false);
    auto array_route = [&t](std::string path, std::string_view fx, std::string_view param, std::string_view field) {
        t.add("GET", std::move(path),
              [fx, param, field](route_request const& r) { return D::filtered_array(fx, r, param, field); });
    };
    array_route("/service-providers", "service_providers_search", "serviceProviders", "serviceProvider");
    array_route("/service-providers/properties/crypto-currencies", "service_providers_crypto_currencies",
                "cryptoCurrencies", "currencyCode");
    array_route("/service-providers/properties/defaults/by-country", "service_providers_defaults_by_country",
                "countries", "countryCode");
    array_route("/service-providers/properties/fiat-currencies", "service_providers_fiat_currencies", "fiatCurrencies",
                "currencyCode");
    array_route("/service-providers/properties/payment-methods", "service_providers_payment_methods",
                "paymentMethodTypes", "paymentType");
    array_route("/service-providers/limits/crypto-currency-sells", "service_providers_limits_crypto_currency_sells",
                "cryptoCurrencies", "currencyCode");
    array_route("/service-providers/limits/fiat-currency-purchases",
                "service_providers_limits_fiat_currency_purchases", "fiatCurrencies", "currencyCode");
    array_route("/service-providers/limits/kyc-fiat-levels", "service_providers_limits_kyc_fiat_levels",
                "fiatCurrencies", "currencyCode");

    // webhooks
    t.add("GET", "/notifications/webhooks/event-types",
          [](route_request const&) { return D::ok(std::string(fixture("webhooks_event_types"))); });
    t.add("POST", "/notifications/webhooks", h(&D::webhook_create));
    t.add("GET", "/notifications/webhooks", h(&D::webhook_search));
    t.add("GET", "/notifications/webhooks/{webhookProfileId}", h(&D::webhook_get));
    t.add("PATCH", "/notifications/webhooks/{webhookProfileId}", h(&D::webhook_update));
    t.add("POST", "/notifications/webhooks/{webhookProfileId}/test", h(&D::webhook_test));

    // network partners: Authorization is optional (CATALOG §1.2); a wrong one is still refused
    auto np = [&t](std::string path, route_handler fn) { t.add(route{"GET", std::move(path), std::move(fn), true, true}); };
    np("/network-partner/supported/countries", h(&D::np_countries));
    np("/network-partner/supported/currencies", h(&D::np_currencies));
    np("/network-partner/supported/fiat-limits", [&d](route_request const&) { return d.np_static("network_partners_fiat_limits"); });
    np("/network-partner/supported/kyc-limits", [&d](route_request const&) { return d.np_static("network_partners_kyc_limits"); });
    np("/network-partner/supported/partners", h(&D::np_partners));
    np("/network-partner/supported/payment-methods",
       [&d](route_request const&) { return d.np_static("network_partners_payment_methods"); });
    np("/network-partner/supported/routes/{category}/{countryCode}/{sourceCurrencyCode}/{destinationCurrencyCode}",
       [&d](route_request const&) { return d.np_static("network_partners_routes"); });

    // activity log (beta)
    t.add("GET", "/activity-log", h(&D::activity_search));
    t.add("GET", "/activity-log/details", h(&D::activity_details));

    // bank linking
    d.add_bank_linking_routes(t);

    // ---- Bleepay (separate vendor): its route(s) live in bleepay_routes.cpp --------------------------------
    add_bleepay_routes(t);
}

api_state::~api_state() = default;

http_answer api_state::handle(recorded_request const& req) {
    auto parsed = boost::urls::parse_origin_form(req.target);
    if (!parsed) return bad_request({"[target] malformed request target"});
    auto const url = *parsed;
    route_request rr{req, std::string(url.path()), {}, {}};
    for (auto const p : url.params()) rr.query.emplace_back(p.key, p.value);
    std::vector<std::string> segments;
    for (auto const s : url.segments()) segments.emplace_back(s);

    // Candidate routes: every pattern that matches the path; the most literal pattern wins.
    route const* best = nullptr;
    int best_score = -1;
    std::vector<std::pair<std::string, std::string>> best_params, params;
    std::set<std::string> allowed;  // methods of the best-scoring patterns (405 Allow)
    int allow_score = -1;
    bool auth_optional_path = false;
    for (auto const& r : table_.routes()) {
        int const score = match_pattern(r.pattern, segments, params);
        if (score < 0) continue;
        if (r.auth_optional) auth_optional_path = true;
        if (score > allow_score) {
            allow_score = score;
            allowed.clear();
        }
        if (score == allow_score) allowed.insert(r.method);
        if (r.method == req.method && score > best_score) {
            best = &r;
            best_score = score;
            best_params = params;
        }
    }

    // Authentication: `Authorization: BASIC <key>` exactly (literal BASIC, one space, the raw key). Optional on
    // auth-optional routes, but a wrong key is still refused there.
    std::string const expected = "BASIC " + data_->params.api_key;
    std::optional<std::string> authorization;
    for (auto const& [k, v] : req.headers)
        if (k.size() == 13 && std::equal(k.begin(), k.end(), "authorization", [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            })) {
            authorization = v;
            break;
        }
    bool const optional_auth = best ? best->auth_optional : auth_optional_path;
    if (!(best && best->own_auth) && (authorization || !optional_auth) && authorization != expected)
        return error_answer(401, "UNAUTHORIZED", "Unauthorized", {"invalid profile or secret"});

    if (!best) {
        if (allowed.empty())
            return error_answer(404, "NOT_FOUND", "Not found", {"[path] " + rr.path + " is not a route of meld-sandbox"});
        std::string allow;
        for (auto const& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        auto a = error_answer(405, "METHOD_NOT_ALLOWED", "Method not allowed",
                              {"[method] " + req.method + " is not supported on " + rr.path + " (allowed: " + allow + ")"});
        a.headers.emplace_back("Allow", allow);
        return a;
    }
    rr.path_params = std::move(best_params);
    if (best->validate)
        if (auto bad = data_->rules.validate(best->method, best->pattern, rr)) return std::move(*bad);
    std::lock_guard lock{mutex_};
    return best->handler(rr);
}

webhook_sender& api_state::webhooks() { return data_->webhook_out; }

}  // namespace meld::emulator::detail
