// sandbox/src/routes.cpp — the emulated Meld API: auth, routing, validation, state, fixture composition.
//
// Request bodies are parsed with boost::json to *read* fields. Answers are always composed as text from the
// embedded fixtures (never re-serialized through a DOM), so documented numbers such as 100.00 survive.
#include "api.hpp"

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

std::string json_opt(opt_string const& s) { return s ? json_string(*s) : std::string("null"); }

// ---- small helpers ----------------------------------------------------------------------------------------

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        auto const comma = s.find(',', pos);
        auto item = s.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return out;
}

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

    std::string render_text() const {
        return render(fixture("accounts_customer"), {{"id", json_string(id)},
                                                     {"accountId", json_string(sandbox_account_id)},
                                                     {"externalId", json_opt(external_id)},
                                                     {"name", name_json},
                                                     {"email", json_opt(email)},
                                                     {"phone", json_opt(phone)},
                                                     {"dateOfBirth", json_opt(date_of_birth)},
                                                     {"type", json_string(type)}});
    }
};

struct tx_rec {
    std::uint64_t seq = 0;
    micros created = 0;
    std::string id, key, status, type, service_provider, customer_id, session_id;
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
    std::vector<std::string> country_codes;
    std::vector<std::string_view> country_items;

    std::vector<customer_rec> customers;                        // insertion order
    std::unordered_map<std::string, std::size_t> customer_by_id;
    std::unordered_map<std::string, std::size_t> customer_by_external;

    std::vector<tx_rec> txs;                                    // insertion order
    std::vector<std::size_t> order;                             // indices into txs, newest first
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
        seed_transactions(p.seed_transactions);
    }

    std::size_t add_customer(customer_rec r) {
        auto const idx = customers.size();
        customer_by_id.emplace(r.id, idx);
        if (r.external_id) customer_by_external.emplace(*r.external_id, idx);
        customers.push_back(std::move(r));
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

    void add_tx(tx_rec r) {
        r.seq = next_seq++;
        auto const idx = txs.size();
        tx_by_id.emplace(r.id, idx);
        tx_by_key.emplace(r.key, idx);
        if (r.external_session_id) external_session_ids.insert(*r.external_session_id);
        txs.push_back(std::move(r));
        auto const& me = txs[idx];
        auto pos = std::find_if(order.begin(), order.end(), [&](std::size_t k) { return me.newer_than(txs[k]); });
        order.insert(pos, idx);
    }

    static std::string tx_key(std::string const& id, std::uint64_t salt) {
        // Opaque base58 position key, like Meld's (longer than an id).
        std::uint64_t h = 1469598103934665603ULL ^ salt;
        for (char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        return "K" + derived_id(h, 63);
    }

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
            add_tx(std::move(r));
        }
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
        std::size_t limit = 10;
        if (auto l = get("limit")) {
            long long v = 0;
            auto const r = std::from_chars(l->data(), l->data() + l->size(), v);
            if (r.ec != std::errc{} || r.ptr != l->data() + l->size() || v < 1 || v > 100)
                c.add("limit", "must be an integer between 1 and 100");
            else
                limit = static_cast<std::size_t>(v);
        }
        auto const before = get("before");
        auto const after = get("after");
        if (before && after) c.add("before", "before and after cannot be used in the same request");
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
        std::optional<std::size_t> cursor;  // index into txs
        if (auto const& k = before ? before : after; k && c.errors.empty()) {
            auto it = tx_by_key.find(*k);
            if (it == tx_by_key.end()) c.add(before ? "before" : "after", "unknown pagination key");
            else cursor = it->second;
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

        // Filtered rows in result order (newest first), with their position in the global order.
        std::vector<std::size_t> filtered;  // indices into txs
        std::size_t split = 0;  // filtered[0, split) are before the cursor, [split, end) after it
        for (std::size_t pos = 0; pos < order.size(); ++pos) {
            auto const idx = order[pos];
            if (cursor && idx == *cursor) {
                split = filtered.size();
                continue;  // the cursor row itself is on neither side
            }
            if (matches(txs[idx])) filtered.push_back(idx);
        }
        std::size_t total = filtered.size();
        if (cursor && matches(txs[*cursor])) ++total;

        std::vector<std::size_t> page;
        std::size_t remaining = 0;
        if (cursor && after) {
            auto const avail = filtered.size() - split;
            auto const n = std::min(limit, avail);
            page.assign(filtered.begin() + static_cast<std::ptrdiff_t>(split),
                        filtered.begin() + static_cast<std::ptrdiff_t>(split + n));
            remaining = avail - n;
        } else if (cursor && before) {
            auto const n = std::min(limit, split);
            page.assign(filtered.begin() + static_cast<std::ptrdiff_t>(split - n),
                        filtered.begin() + static_cast<std::ptrdiff_t>(split));
            remaining = split - n;
        } else {
            auto const n = std::min(limit, filtered.size());
            page.assign(filtered.begin(), filtered.begin() + static_cast<std::ptrdiff_t>(n));
            remaining = filtered.size() - n;
        }

        std::string rows = "[";
        for (std::size_t k = 0; k < page.size(); ++k) {
            rows += k ? ",\n" : "\n";
            rows += txs[page[k]].render_text(true);
        }
        rows += page.empty() ? "]" : "\n]";
        http_answer a;
        a.body = render(fixture("payments_transactions_page"), {{"transactions", std::move(rows)},
                                                                {"count", std::to_string(page.size())},
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
};

// ---- routing --------------------------------------------------------------------------------------------------

api_state::api_state(server_params const& params) : data_(std::make_unique<data>(params)) {}
api_state::~api_state() = default;

http_answer api_state::handle(recorded_request const& req) {
    // Authentication: `Authorization: BASIC <key>` exactly (literal BASIC, one space, the raw key).
    std::string const expected = "BASIC " + data_->params.api_key;
    bool authorized = false;
    for (auto const& [k, v] : req.headers)
        if (k.size() == 13 && std::equal(k.begin(), k.end(), "authorization", [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            })) {
            authorized = v == expected;
            break;
        }
    if (!authorized) return error_answer(401, "UNAUTHORIZED", "Unauthorized", {"invalid profile or secret"});

    auto parsed = boost::urls::parse_origin_form(req.target);
    if (!parsed) return bad_request({"[target] malformed request target"});
    auto const url = *parsed;
    std::string const path = url.path();
    std::vector<std::pair<std::string, std::string>> query;
    for (auto const p : url.params()) query.emplace_back(p.key, p.value);

    std::vector<std::string> segments;
    for (auto const s : url.segments()) segments.emplace_back(s);

    auto const& method = req.method;
    auto method_not_allowed = [&](std::string_view allow) {
        auto a = error_answer(405, "METHOD_NOT_ALLOWED", "Method not allowed",
                              {"[method] " + method + " is not supported on " + path + " (allowed: " +
                               std::string(allow) + ")"});
        a.headers.emplace_back("Allow", std::string(allow));
        return a;
    };
    auto route = [&](std::string_view allow, auto&& fn) -> http_answer {
        if (method != allow) return method_not_allowed(allow);
        std::lock_guard lock{mutex_};
        return fn();
    };

    if (path == "/payments/crypto/quote") return route("POST", [&] { return data_->crypto_quote(req); });
    if (path == "/crypto/session/widget") return route("POST", [&] { return data_->crypto_session_widget(req); });
    if (path == "/payments/transactions") return route("GET", [&] { return data_->search_transactions(query); });
    if (segments.size() == 3 && segments[0] == "payments" && segments[1] == "transactions" && !segments[2].empty())
        return route("GET", [&] { return data_->transaction_by_id(segments[2]); });
    if (segments.size() == 4 && segments[0] == "payments" && segments[1] == "transactions" &&
        segments[2] == "sessions" && !segments[3].empty())
        return route("GET", [&] { return data_->transaction_by_session(segments[3]); });
    if (path == "/service-providers/properties/countries") return route("GET", [&] { return data_->countries(query); });
    if (path == "/accounts/customers") return route("POST", [&] { return data_->create_customer(req); });

    return error_answer(404, "NOT_FOUND", "Not found", {"[path] " + path + " is not a route of meld-sandbox"});
}

}  // namespace meld::emulator::detail
