// sandbox/src/bank_linking_routes.cpp — the 19 bank-linking operations (/bank-linking/*, /institutions*).
//
// Same rules as routes.cpp: answers are JSON *text* composed from the embedded sandbox/fixtures/bank_linking_*.json
// templates (never the SDK's models, never re-serialized through a DOM), request bodies are parsed only to read
// fields, generic validation comes from rules_bank_linking.json (the route table's `validate`), searches use the
// one pager (src/pager.hpp). The seeded data set is deterministic; see sandbox/README.md, "Bank linking".
#include "api.hpp"
#include "pager.hpp"

#include <meld/sandbox/fixtures.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace meld::emulator::detail {

namespace {

namespace json = boost::json;

constexpr std::string_view bl_account_id = "WQ5RyhdFzE45qjsomdzQ1u";  // the sandbox's Meld account

// Paging limits of the bank-linking searches (spec `limit` descriptions).
constexpr page_limits rows_limits{100, 1000};         // transactions, investment holdings, investment transactions
constexpr page_limits institution_limits{10, 1000};   // institutions
constexpr page_limits default_limits{10, 100};        // connections, accounts

constexpr std::string_view all_products[] = {"BALANCES", "IDENTIFIERS", "INVESTMENT_HOLDINGS",
                                             "INVESTMENT_TRANSACTIONS", "OWNERS", "TRANSACTIONS"};

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}


std::string string_list_json(std::vector<std::string> const& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_string(v[i]);
    return out + "]";
}


bool contains(std::vector<std::string> const& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string base64url(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
    for (; i + 2 < in.size(); i += 3) {
        unsigned const n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(n >> s) & 63];
    }
    if (i + 1 == in.size()) {
        unsigned const n = byte(i) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
    } else if (i + 2 == in.size()) {
        unsigned const n = (byte(i) << 16) | (byte(i + 1) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
    }
    return out;
}

http_answer ok(std::string body, unsigned status = 200) {
    http_answer a;
    a.status = status;
    a.body = std::move(body);
    return a;
}

http_answer bad(std::vector<std::string> const& errors) { return error_answer(400, "BAD_REQUEST", "Bad request", errors); }

http_answer not_found(std::string_view field, std::string_view what, std::string const& id) {
    return error_answer(404, "NOT_FOUND", "Not found",
                        {"[" + std::string(field) + "] " + std::string(what) + " " + id + " not found"});
}

http_answer conflict(std::string_view field, std::string const& message) {
    return error_answer(409, "CONFLICT", "Conflict", {"[" + std::string(field) + "] " + message});
}

http_answer unknown_key(page_request const& paging) {
    return bad({std::string(paging.before ? "[before]" : "[after]") + " unknown pagination key"});
}

json::object body_object(route_request const& r) {
    if (r.raw.body.empty()) return {};
    boost::system::error_code ec;
    auto v = json::parse(r.raw.body, ec);
    if (ec || !v.is_object()) return {};
    return std::move(v.get_object());
}

std::optional<std::string> str(json::object const& o, std::string_view k) {
    if (auto const* v = o.if_contains(k); v && v->is_string()) return std::string(v->get_string());
    return std::nullopt;
}

std::vector<std::string> strings(json::object const& o, std::string_view k) {
    std::vector<std::string> out;
    if (auto const* v = o.if_contains(k); v && v->is_array())
        for (auto const& e : v->get_array())
            if (e.is_string()) out.emplace_back(e.get_string());
    return out;
}

/// Inclusive [startDate, endDate] window; a bare date as endDate covers that whole day.
struct date_window {
    std::optional<micros> from, to;
    bool contains(micros t) const { return (!from || t >= *from) && (!to || t <= *to); }
};

bool parse_window(route_request const& r, date_window& w, std::vector<std::string>& errors) {
    constexpr micros day = 86'400'000'000;
    if (auto v = r.query_param("startDate")) {
        micros t = 0;
        if (!parse_iso_time(*v, t)) errors.emplace_back("[startDate] must be an ISO 8601 date or date-time");
        else w.from = t;
    }
    if (auto v = r.query_param("endDate")) {
        micros t = 0;
        if (!parse_iso_time(*v, t)) errors.emplace_back("[endDate] must be an ISO 8601 date or date-time");
        else w.to = v->size() == 10 ? t + day - 1 : t;
    }
    return errors.empty();
}

// ---- state --------------------------------------------------------------------------------------------------------

struct bl_connection {
    std::string id, key, customer_id, external_customer_id, institution_id, institution_name, status;
    std::optional<std::string> status_reason;
    std::vector<std::string> products, optional_products, regions;
    micros created_at = 0;
    std::optional<micros> aggregated_at;
    std::string service_provider, provider_connection_id;

    std::string text() const {
        return trimmed(render(fixture("bank_linking_connection"),
                              {{"id", json_string(id)},
                               {"accountId", json_string(bl_account_id)},
                               {"customerId", json_string(customer_id)},
                               {"externalCustomerId", json_string(external_customer_id)},
                               {"institutionId", json_string(institution_id)},
                               {"institutionName", json_string(institution_name)},
                               {"status", json_string(status)},
                               {"statusReason", json_opt(status_reason)},
                               {"products", string_list_json(products)},
                               {"optionalProducts", string_list_json(optional_products)},
                               {"regions", string_list_json(regions)},
                               {"createdAt", json_string(iso_time(created_at))},
                               {"successfullyAggregatedAt", aggregated_at ? json_string(iso_time(*aggregated_at))
                                                                          : std::string("null")},
                               {"serviceProvider", json_string(service_provider)},
                               {"serviceProviderConnectionId", json_string(provider_connection_id)},
                               {"key", json_string(key)}}));
    }
};

/// A row whose text is fixed at seed time (accounts, transactions, investment data, institutions).
struct bl_row {
    std::string id, key, text;
    std::string financial_account_id, connection_id, customer_id, external_customer_id, institution_id;
    std::string status, category, name, type;
    std::vector<std::string> service_providers, regions;
    micros date = 0;
};

struct bl_institution_seed {
    std::string_view id, name, domain;
    std::string_view providers;  // comma list
    std::string_view regions;    // comma list
};

// Documented institution ids (CATALOG §2.9.2 repair example, §3.5 webhooks) plus schema-derived ones.
constexpr bl_institution_seed institution_seeds[] = {
    {"Ntj3AwgdridJc2rtfeheku", "Chase", "chase.com", "PLAID,MX,FINICITY", "US"},
    {"W4AAAFPgUVB85QnQDu5xhU", "Bank of America", "bankofamerica.com", "PLAID,MX", "US"},
    {"29KL1L2iYUV3zUCoSHhwvr", "Wells Fargo", "wellsfargo.com", "PLAID,FINICITY", "US"},
    {"W9kgBBLULSJFSKTwCpb5Gf", "Citibank", "citi.com", "FINICITY,MX", "US"},
    {"Ntj4CapOne1ZkLmNpQrStu", "Capital One", "capitalone.com", "PLAID,MX", "US"},
    {"Ntj4UsBank2ZkLmNpQrStu", "U.S. Bank", "usbank.com", "PLAID", "US"},
    {"Ntj4PncBnk3ZkLmNpQrStu", "PNC Bank", "pnc.com", "PLAID,MX", "US"},
    {"Ntj4TdBank4ZkLmNpQrStu", "TD Bank", "td.com", "PLAID,MX", "US,CA"},
    {"Ntj4Fidely5ZkLmNpQrStu", "Fidelity", "fidelity.com", "PLAID,AKOYA", "US"},
    {"Ntj4Schwab6ZkLmNpQrStu", "Charles Schwab", "schwab.com", "PLAID,AKOYA", "US"},
    {"Ntj4AllyBk7ZkLmNpQrStu", "Ally Bank", "ally.com", "PLAID,MX", "US"},
    {"Ntj4Barcly8ZkLmNpQrStu", "Barclays", "barclays.co.uk", "SALTEDGE", "GB"},
};

// The seeded customer (the documented account example's customer id; external id of the quickstart).
constexpr std::string_view seed_customer_id = "W9ja24edcTHBks8h2e2dww";
constexpr std::string_view seed_external_customer_id = "testCustomer";
constexpr std::string_view seed_connection_id = "WGumJ72d21SDCyma5Ax51k";  // §3.5 TRANSACTIONS_AGGREGATED example
constexpr std::string_view checking_account_id = "W9ja25UmrZF25xbG22wdd";   // §2.9.10 example
constexpr std::string_view brokerage_account_id = "WQ44KLVNHt9ARfp7aRWCC4"; // §2.9.14 example
constexpr std::string_view documented_transaction_id = "W9ja24xnWMVFc1s7D3rewfw";  // §2.9.12 example

struct bl_state {
    std::vector<bl_connection> connections;  // newest first (by created_at)
    std::vector<bl_row> accounts, transactions, holdings, investment_transactions, institutions;
    std::map<std::string, std::string, std::less<>> customer_by_external;  // externalCustomerId -> customerId
    std::unordered_map<std::string, std::size_t> institution_by_id;          // id -> index in institutions
    // Paging indexes (pager.hpp). The row vectors never change after seeding; connections do.
    result_order connection_order, account_order, transaction_order, holding_order, investment_transaction_order,
        institution_order;

    explicit bl_state(seed_sizes const& sizes) {
        seed_institutions(sizes.institutions);
        customer_by_external.emplace(seed_external_customer_id, seed_customer_id);
        seed_connections(sizes.connections);
        seed_accounts(sizes.accounts);
        seed_transactions(sizes.bank_transactions);
        seed_investments(sizes.investment_holdings, sizes.investment_transactions);
        for (auto const& collection :
             {std::pair{&accounts, &account_order}, std::pair{&transactions, &transaction_order},
              std::pair{&holdings, &holding_order}, std::pair{&investment_transactions, &investment_transaction_order},
              std::pair{&institutions, &institution_order}}) {
            auto const* rows = collection.first;
            collection.second->assign(vector_order(rows->size()),
                                      [rows](std::size_t i) -> std::string_view { return (*rows)[i].key; });
        }
    }

    static std::vector<std::size_t> vector_order(std::size_t n) {
        std::vector<std::size_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = i;
        return v;
    }

    result_order const& connections_in_order() {
        if (connection_order.stale())
            connection_order.assign(vector_order(connections.size()),
                                    [&](std::size_t i) -> std::string_view { return connections[i].key; });
        return connection_order;
    }

    // -- seeds --

    void seed_institutions(std::size_t n) {
        int rank = 1;
        // The documented and well-known institutions, then generated ones ("Community Bank <k>", PLAID, US).
        std::vector<bl_institution_seed> all(std::begin(institution_seeds), std::end(institution_seeds));
        std::vector<std::string> generated_ids, generated_names;  // filled first: `all` views them
        for (std::size_t k = all.size(); k < n; ++k) {
            generated_ids.push_back("Ntj" + derived_id(0x1A570000ULL + k, 19));
            generated_names.push_back("Community Bank " + std::to_string(k));
        }
        for (std::size_t g = 0; g < generated_ids.size(); ++g)
            all.push_back({generated_ids[g], generated_names[g], "example.com", "PLAID", "US"});
        for (auto const& s : all) {
            auto const providers = split_list(s.providers);
            auto const regions = split_list(s.regions);
            std::string map = "{";
            for (std::size_t k = 0; k < providers.size(); ++k) {
                map += (k ? ", " : "") + json_string(providers[k]) + ": " +
                       trimmed(render(fixture("bank_linking_institution_provider"),
                                      {{"id", json_string(derived_id(std::hash<std::string_view>{}(s.id) + k))},
                                       {"oauth", k == 0 ? "true" : "false"},
                                       {"regions", string_list_json(regions)}}));
            }
            map += "}";
            bl_row r;
            r.id = std::string(s.id);
            r.key = row_key(r.id, 0xB1A5);
            r.name = std::string(s.name);
            r.type = "BANK";
            r.service_providers = providers;
            r.regions = regions;
            r.text = trimmed(render(fixture("bank_linking_institution"),
                                    {{"id", json_string(r.id)},
                                     {"name", json_string(s.name)},
                                     {"type", json_string(r.type)},
                                     {"domain", json_string(s.domain)},
                                     {"aliases", string_list_json({std::string(s.name)})},
                                     {"rank", std::to_string(rank++)},
                                     {"providers", map},
                                     {"key", json_string(r.key)}}));
            institution_by_id.emplace(r.id, institutions.size());
            institutions.push_back(std::move(r));
        }
    }

    micros at(std::string_view iso) const {
        micros t = 0;
        parse_iso_time(iso, t);
        return t;
    }

    void seed_connections(std::size_t n) {
        auto add = [&](std::string_view id, std::string_view status, std::optional<std::string> reason,
                       std::string_view institution, std::string_view created, std::string_view provider) {
            bl_connection c;
            c.id = std::string(id);
            c.key = row_key(c.id, 0xC0AA);
            c.customer_id = std::string(seed_customer_id);
            c.external_customer_id = std::string(seed_external_customer_id);
            c.institution_id = std::string(institution);
            c.institution_name = institution_name(institution);
            c.status = std::string(status);
            c.status_reason = std::move(reason);
            c.products = {"BALANCES", "OWNERS", "IDENTIFIERS", "TRANSACTIONS"};
            c.optional_products = {"INVESTMENT_HOLDINGS", "INVESTMENT_TRANSACTIONS"};
            c.regions = {"US"};
            c.created_at = at(created);
            if (status != "IN_PROGRESS" && status != "EXPIRED") c.aggregated_at = c.created_at + 60'000'000;
            c.service_provider = std::string(provider);
            c.provider_connection_id = derived_id(std::hash<std::string_view>{}(id), 37);
            add_connection(std::move(c));
        };
        add(seed_connection_id, "ACTIVE", std::nullopt, "Ntj3AwgdridJc2rtfeheku", "2023-08-22T19:40:00Z", "PLAID");
        add("WQ4KqLuBYYTYHi2YATXYdB", "RECONNECT_REQUIRED", "LOGIN_REQUIRED", "W4AAAFPgUVB85QnQDu5xhU",
            "2023-08-20T12:00:00Z", "PLAID");
        add("WGuEzMHgUFDzumu6zVRyw5", "EXPIRED", std::nullopt, "W9kgBBLULSJFSKTwCpb5Gf", "2023-08-18T08:30:00Z",
            "FINICITY");
        // Generated ACTIVE connections, older than the documented ones (one hour apart), cycling through the
        // institutions and providers.
        static constexpr std::string_view providers[] = {"PLAID", "MX", "FINICITY"};
        micros const oldest_documented = at("2023-08-18T08:30:00Z");
        for (std::size_t k = 3; k < n; ++k) {
            auto const id = "WG" + derived_id(0xC0AA0000ULL + k, 20);
            auto const& inst = institutions[k % institutions.size()];
            auto const created = iso_time(oldest_documented - static_cast<micros>(k - 2) * 3'600'000'000LL);
            add(id, "ACTIVE", std::nullopt, inst.id, created, providers[k % std::size(providers)]);
        }
    }

    bl_row const* find_institution(std::string_view id) const {
        auto const it = institution_by_id.find(std::string(id));
        return it == institution_by_id.end() ? nullptr : &institutions[it->second];
    }

    std::string institution_name(std::string_view id) const {
        auto const* row = find_institution(id);
        return row ? row->name : "Unknown institution";
    }

    void add_connection(bl_connection c) {
        connection_order.invalidate();
        if (connections.empty() || c.created_at <= connections.back().created_at) {  // the oldest (seeding)
            connections.push_back(std::move(c));
            return;
        }
        auto pos = std::find_if(connections.begin(), connections.end(),
                                [&](bl_connection const& x) { return c.created_at > x.created_at; });
        connections.insert(pos, std::move(c));
    }

    bl_connection* find_connection(std::string_view id) {
        for (auto& c : connections)
            if (c.id == id) return &c;
        return nullptr;
    }

    std::string owner_placeholders_connection_ids() const { return string_list_json({std::string(seed_connection_id)}); }

    void seed_accounts(std::size_t n) {
        struct acct {
            std::string_view id, type, subtype, name, mask, current, available;
        };
        std::vector<acct> seeds = {
            {checking_account_id, "DEPOSITORY", "CHECKING", "Checking", "1234", "3578.41", "3578.41"},
            {brokerage_account_id, "INVESTMENT", "BROKERAGE", "Brokerage", "5678", "2467.82", "null"},
        };
        // Generated savings accounts on the same connection: "Savings <k>", mask and balance from k.
        std::vector<std::string> texts;  // id, name, mask, amount per generated account; filled first: seeds view them
        for (std::size_t k = seeds.size(); k < n; ++k) {
            char mask[8], amount[32];
            std::snprintf(mask, sizeof mask, "%04zu", k % 10000);
            std::snprintf(amount, sizeof amount, "%zu.%02zu", (k * 7919) % 100000, k % 100);
            texts.push_back("W" + derived_id(0xACC70000ULL + k, 21));
            texts.push_back("Savings " + std::to_string(k));
            texts.push_back(mask);
            texts.push_back(amount);
        }
        for (std::size_t g = 0; g + 3 < texts.size(); g += 4)
            seeds.push_back({texts[g], "DEPOSITORY", "SAVINGS", texts[g + 1], texts[g + 2], texts[g + 3], texts[g + 3]});
        for (auto const& s : seeds) {
            bl_row r;
            r.id = std::string(s.id);
            r.key = row_key(r.id, 0xACC7);
            r.connection_id = std::string(seed_connection_id);
            r.customer_id = std::string(seed_customer_id);
            r.external_customer_id = std::string(seed_external_customer_id);
            r.institution_id = "Ntj3AwgdridJc2rtfeheku";
            r.text = trimmed(render(fixture("bank_linking_account"),
                                    {{"id", json_string(r.id)},
                                     {"accountId", json_string(bl_account_id)},
                                     {"customerId", json_string(r.customer_id)},
                                     {"externalCustomerId", json_string(r.external_customer_id)},
                                     {"connectionIds", owner_placeholders_connection_ids()},
                                     {"institutionId", json_string(r.institution_id)},
                                     {"institutionName", json_string("Chase")},
                                     {"type", json_string(s.type)},
                                     {"subtype", json_string(s.subtype)},
                                     {"name", json_string(s.name)},
                                     {"truncatedAccountNumber", json_string(s.mask)},
                                     {"achAccountNumber", json_string("0010000003456" + std::string(s.mask))},
                                     {"currentAmount", std::string(s.current)},
                                     {"availableAmount", std::string(s.available)},
                                     {"key", json_string(r.key)}}));
            accounts.push_back(std::move(r));
        }
    }

    void seed_transactions(std::size_t total) {
        static constexpr std::string_view categories[] = {"Fee", "FOOD_AND_DRINK", "SHOPPING", "TRANSFER",
                                                          "INCOME", "BILLS", "TRANSPORTATION"};
        static constexpr std::string_view descriptions[] = {
            "Payment to Chase card ending in 1234", "Blue Bottle Coffee", "Amazon Marketplace", "Transfer to savings",
            "Payroll deposit", "PG&E utility bill", "Uber trip"};
        micros const documented = at("2022-02-28T11:00:00Z");
        constexpr micros hour = 3'600'000'000;
        auto seed = [&](std::string_view account, std::size_t n, std::uint64_t salt) {
            for (std::size_t k = 0; k < n; ++k) {
                bool const doc = account == checking_account_id && k == 0;
                bl_row r;
                r.id = doc ? std::string(documented_transaction_id) : derived_id(salt + k, 23);
                r.key = row_key(r.id, 0x7A45);
                r.financial_account_id = std::string(account);
                r.connection_id = std::string(seed_connection_id);
                r.customer_id = std::string(seed_customer_id);
                r.external_customer_id = std::string(seed_external_customer_id);
                r.institution_id = "Ntj3AwgdridJc2rtfeheku";
                r.date = documented - static_cast<micros>(k) * 13 * hour;
                r.status = k < 3 && !doc ? "PENDING" : "POSTED";
                auto const cat = doc ? 0 : k % 7;
                r.category = std::string(categories[cat]);
                // Positive = money out, negative = money in (CATALOG §2.9.0); income rows are negative.
                std::string amount = "2018.27";
                if (!doc) {
                    char buf[32];
                    auto const cents = static_cast<unsigned long>((k * 7919 + salt) % 50000 + 100);
                    std::snprintf(buf, sizeof buf, "%s%lu.%02lu", cat == 4 ? "-" : "", cents / 100, cents % 100);
                    amount = buf;
                }
                auto const date = json_string(iso_time(r.date));
                r.text = trimmed(render(fixture("bank_linking_transaction"),
                                        {{"id", json_string(r.id)},
                                         {"accountId", json_string(bl_account_id)},
                                         {"customerId", json_string(r.customer_id)},
                                         {"externalCustomerId", json_string(r.external_customer_id)},
                                         {"financialAccountId", json_string(account)},
                                         {"connectionIds", owner_placeholders_connection_ids()},
                                         {"amount", amount},
                                         {"description", json_string(descriptions[cat])},
                                         {"status", json_string(r.status)},
                                         {"category", json_string(r.category)},
                                         {"transactionDate", doc ? json_string("2022-02-28T11:00:00Z") : date},
                                         {"postedDate", r.status == "PENDING" ? std::string("null")
                                                        : doc ? json_string("2022-02-28T11:00:00Z") : date},
                                         {"recurringStatus", json_string(cat == 5 ? "RECURRING" : "NOT_RECURRING")},
                                         {"key", json_string(r.key)}}));
                transactions.push_back(std::move(r));
            }
        };
        // Result order: per financial account (account 1, then account 2), newest first (CATALOG §1.10).
        auto const brokerage = total / 6;  // 180 -> 150 checking + 30 brokerage
        seed(checking_account_id, total - brokerage, 0x1000);
        seed(brokerage_account_id, brokerage, 0x2000);
    }

    static void replace_all(std::string& text, std::string_view from, std::string_view to) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    }

    /// The documented rows of the fixture first, then `n` - 2 generated ones: copies of fixture row k % 2 with
    /// their own id and key and, when dated, one day older each.
    void seed_investments(std::size_t holdings_n, std::size_t transactions_n) {
        auto seed = [&](std::string_view fixture_name, std::vector<bl_row>& out, std::size_t n, std::uint64_t salt,
                        std::vector<std::string_view> const& dates, std::vector<std::string_view> const& statuses) {
            std::vector<std::string> keys;
            std::string texts = std::string(fixture(fixture_name));
            // ids are the literal "id" values of the fixture rows
            auto const items = split_json_array(texts);
            std::vector<std::string> ids;
            for (auto item : items) {
                auto const v = json::parse(render(item, {{"accountId", "null"}, {"customerId", "null"},
                                                         {"externalCustomerId", "null"}, {"financialAccountId", "null"},
                                                         {"connectionIds", "null"}, {"key0", "null"}, {"key1", "null"}}));
                ids.emplace_back(v.at("id").as_string());
                keys.push_back(row_key(ids.back(), salt));
            }
            auto const rendered = render(texts, {{"accountId", json_string(bl_account_id)},
                                                 {"customerId", json_string(seed_customer_id)},
                                                 {"externalCustomerId", json_string(seed_external_customer_id)},
                                                 {"financialAccountId", json_string(brokerage_account_id)},
                                                 {"connectionIds", owner_placeholders_connection_ids()},
                                                 {"key0", json_string(keys[0])},
                                                 {"key1", json_string(keys[1])}});
            auto const rows = split_json_array(rendered);
            for (std::size_t k = 0; k < rows.size(); ++k) {
                bl_row r;
                r.id = ids[k];
                r.key = keys[k];
                r.text = std::string(rows[k]);
                r.financial_account_id = std::string(brokerage_account_id);
                r.connection_id = std::string(seed_connection_id);
                r.customer_id = std::string(seed_customer_id);
                r.external_customer_id = std::string(seed_external_customer_id);
                if (k < dates.size()) r.date = at(dates[k]);
                if (k < statuses.size()) r.status = std::string(statuses[k]);
                out.push_back(std::move(r));
            }
            auto const documented = out.size();
            for (std::size_t k = documented; k < n; ++k) {
                bl_row r = out[k % documented];
                r.id = "WQ5" + derived_id(salt * 0x10000ULL + k, 19);
                r.key = row_key(r.id, salt);
                replace_all(r.text, json_string(out[k % documented].id), json_string(r.id));
                replace_all(r.text, json_string(out[k % documented].key), json_string(r.key));
                if (!dates.empty()) {
                    r.date = at(dates.back()) - static_cast<micros>(k - documented + 1) * 86'400'000'000LL;
                    replace_all(r.text, json_string(dates[k % documented]), json_string(iso_time(r.date)));
                }
                out.push_back(std::move(r));
            }
        };
        seed("bank_linking_investment_holdings", holdings, holdings_n, 0x401D, {}, {});
        seed("bank_linking_investment_transactions", investment_transactions, transactions_n, 0x1417,
             {"2023-06-16T00:00:00Z", "2023-06-02T00:00:00Z"}, {"POSTED", "PENDING"});
    }

    // -- helpers --

    /// A financial account exists while at least one of its connections is not DELETED.
    bool account_live(std::string_view connection_id) {
        auto const* c = find_connection(connection_id);
        return c && c->status != "DELETED";
    }

    static bl_row const* find_row(std::vector<bl_row> const& rows, std::string_view id) {
        for (auto const& r : rows)
            if (r.id == id) return &r;
        return nullptr;
    }

    /// The common search filters of the account-data searches (customerId, externalCustomerId, ...).
    struct row_filters {
        std::optional<std::string> customer_id, external_customer_id, institution_id, financial_account_id,
            connection_id, status, category;
        std::optional<std::vector<std::string>> statuses;
        date_window window;
        bool any() const {
            return customer_id || external_customer_id || institution_id || financial_account_id || connection_id ||
                   status || category || statuses || window.from || window.to;
        }
    };

    row_filters filters(route_request const& r) const {
        row_filters f;
        f.customer_id = r.query_param("customerId");
        f.external_customer_id = r.query_param("externalCustomerId");
        f.institution_id = r.query_param("institutionId");
        f.financial_account_id = r.query_param("financialAccountId");
        f.connection_id = r.query_param("connectionId");
        f.status = r.query_param("status");
        f.category = r.query_param("category");
        if (auto v = r.query_param("statuses")) f.statuses = split_list(*v);
        return f;
    }

    bool matches(bl_row const& row, row_filters const& f) {
        return account_live(row.connection_id) && (!f.customer_id || row.customer_id == *f.customer_id) &&
               (!f.external_customer_id || row.external_customer_id == *f.external_customer_id) &&
               (!f.institution_id || row.institution_id == *f.institution_id) &&
               (!f.financial_account_id || row.financial_account_id == *f.financial_account_id) &&
               (!f.connection_id || row.connection_id == *f.connection_id) &&
               (!f.status || row.status == *f.status) && (!f.statuses || contains(*f.statuses, row.status)) &&
               (!f.category || lower(row.category) == lower(*f.category)) && f.window.contains(row.date);
    }

    /// Pages `rows` (already in result order) through the pager and fills the page fixture.
    http_answer page(std::vector<bl_row> const& rows, result_order const& order, route_request const& r,
                     page_limits limits, std::string_view page_fixture, std::string_view list_name, bool dated) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, limits, errors);
        auto f = filters(r);
        if (dated) parse_window(r, f.window, errors);
        if (!errors.empty()) return bad(errors);
        // Every seeded row is on the seeded connection: while it is live and no filter is given, the page is
        // a slice of the result order.
        row_filter filter;
        if (f.any() || !account_live(seed_connection_id)) filter = [&](std::size_t i) { return matches(rows[i], f); };
        auto const result = paginate(order, paging, filter);
        if (!result) return unknown_key(paging);
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(rows[i].text);
        return ok(render(fixture(page_fixture), {{list_name, json_rows(texts)},
                                                 {"count", std::to_string(result->rows.size())},
                                                 {"remaining", std::to_string(result->remaining)}}));
    }

    http_answer get_row(std::vector<bl_row> const& rows, route_request const& r, std::string_view param,
                        std::string_view what) {
        auto const id = r.path_param(param);
        auto const* row = find_row(rows, id);
        if (!row || !account_live(row->connection_id)) return not_found(param, what, id);
        return ok(row->text);
    }

    std::string connect_token(bl_connection const& c) const {
        auto const now = now_micros() / 1'000'000;
        std::string payload = "{\"redirect\":true,\"regions\":" + string_list_json(c.regions) +
                              ",\"iss\":\"meld.io\",\"connection\":" + json_string(c.id) +
                              ",\"exp\":" + std::to_string(now + 14400) + ",\"iat\":" + std::to_string(now) +
                              ",\"account\":" + json_string(bl_account_id) + ",\"customer\":" +
                              json_string(c.customer_id) + ",\"products\":" + string_list_json(c.products) + "}";
        return "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9." + base64url(payload) + "." + base64url(random_id(32));
    }

    // -- connect --

    http_answer connect_start(route_request const& r) {
        auto const o = body_object(r);
        std::vector<std::string> errors;
        auto const external = str(o, "externalCustomerId");
        if (!external || external->empty()) errors.emplace_back("[externalCustomerId] must not be blank");
        auto const products = strings(o, "products");
        auto const optional_products = strings(o, "optionalProducts");
        if (products.empty())
            errors.emplace_back(optional_products.empty() ? "[products] must not be empty"
                                                          : "[products] must not be empty when optionalProducts is given");
        for (auto const& p : optional_products)
            if (contains(products, p)) errors.push_back("[optionalProducts] " + p + " is also in products");
        auto const regions = strings(o, "regions");
        for (auto const& g : regions)
            if (g.size() != 2) errors.push_back("[regions] unsupported region " + g);
        if (auto url = str(o, "redirectUrl"); url && !url->starts_with("https://") && !url->starts_with("http://"))
            errors.emplace_back("[redirectUrl] must be an http(s) URL");
        if (!errors.empty()) return bad(errors);
        auto const institution = str(o, "institutionId");
        if (institution && !find_institution(*institution))
            return not_found("institutionId", "Institution", *institution);

        bl_connection c;
        c.id = random_id();
        c.key = row_key(c.id, 0xC0AA);
        auto [it, inserted] = customer_by_external.try_emplace(*external, std::string());
        if (inserted) it->second = random_id();
        c.customer_id = it->second;
        c.external_customer_id = *external;
        c.institution_id = institution.value_or("");
        c.institution_name = institution ? institution_name(*institution) : "";
        c.status = "IN_PROGRESS";
        c.products = products;
        c.optional_products = optional_products;
        c.regions = regions;
        c.created_at = now_micros();
        c.service_provider = "PLAID";
        c.provider_connection_id = random_id(37);
        auto const token = connect_token(c);
        auto body = render(fixture("bank_linking_connect_start"), {{"id", json_string(c.id)},
                                                                   {"connectToken", json_string(token)},
                                                                   {"customerId", json_string(c.customer_id)},
                                                                   {"externalCustomerId", json_string(*external)}});
        add_connection(std::move(c));
        return ok(std::move(body), 201);
    }

    http_answer connect_repair(route_request const& r) {
        auto const o = body_object(r);
        auto const id = str(o, "connectionId");
        if (!id || id->empty()) return bad({"[connectionId] must not be null"});
        auto* c = find_connection(*id);
        if (!c) return not_found("connectionId", "Connection", *id);
        // CATALOG §2.9.2 / §4.8: EXPIRED, DELETED, IN_PROGRESS cannot be repaired; ACTIVE only with two reasons.
        bool const allowed =
            c->status == "RECONNECT_REQUIRED" || c->status == "DEGRADED" || c->status == "PARTIALLY_ACTIVE" ||
            c->status == "UNRECOVERABLE" || c->status == "UNDETERMINED" ||
            (c->status == "ACTIVE" && (c->status_reason == "ACCESS_EXPIRING_SOON" ||
                                       c->status_reason == "NEW_ACCOUNTS_AVAILABLE"));
        if (!allowed)
            return conflict("connectionId", "Connection " + c->id + " in status " + c->status + " cannot be repaired");
        return ok(render(fixture("bank_linking_connect_repair"), {{"id", json_string(c->id)},
                                                                  {"connectToken", json_string(connect_token(*c))},
                                                                  {"institutionId", json_string(c->institution_id)}}),
                  201);
    }

    // -- connections --

    http_answer connections_search(route_request const& r) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, default_limits, errors);
        date_window window;
        parse_window(r, window, errors);
        if (!errors.empty()) return bad(errors);
        auto const customer = r.query_param("customerId");
        auto const external = r.query_param("externalCustomerId");
        auto const institution = r.query_param("institutionId");
        auto const institution_name_filter = r.query_param("institutionName");
        std::optional<std::vector<std::string>> statuses, providers;
        if (auto v = r.query_param("statuses")) statuses = split_list(*v);
        if (auto v = r.query_param("serviceProviders")) providers = split_list(*v);
        // Always filtered: DELETED connections are hidden unless asked for.
        auto const result = paginate(connections_in_order(), paging, [&](std::size_t i) {
            auto const& c = connections[i];
            // DELETED connections are only listed when asked for by status.
            if (statuses ? !contains(*statuses, c.status) : c.status == "DELETED") return false;
            return (!customer || c.customer_id == *customer) && (!external || c.external_customer_id == *external) &&
                   (!institution || c.institution_id == *institution) &&
                   (!institution_name_filter ||
                    lower(c.institution_name).find(lower(*institution_name_filter)) != std::string::npos) &&
                   (!providers || contains(*providers, c.service_provider)) && window.contains(c.created_at);
        });
        if (!result) return unknown_key(paging);
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(connections[i].text());
        return ok(render(fixture("bank_linking_connections_page"), {{"connections", json_rows(texts)},
                                                                   {"count", std::to_string(result->rows.size())},
                                                                   {"remaining", std::to_string(result->remaining)}}));
    }

    http_answer connection_get(route_request const& r) {
        auto const id = r.path_param("connectionId");
        auto const* c = find_connection(id);
        if (!c) return not_found("connectionId", "Connection", id);
        return ok(c->text());
    }

    http_answer connection_delete(route_request const& r) {
        auto const id = r.path_param("connectionId");
        auto* c = find_connection(id);
        if (!c) return not_found("connectionId", "Connection", id);
        if (c->status == "DELETED") return conflict("connectionId", "Connection " + id + " is already DELETED");
        c->status = "DELETED";
        c->status_reason.reset();
        http_answer a;
        a.status = 204;
        return a;
    }

    http_answer connection_refresh(route_request const& r) {
        auto const id = r.path_param("connectionId");
        auto* c = find_connection(id);
        if (!c) return not_found("connectionId", "Connection", id);
        // CATALOG §2.9.6 / §4.8: refreshable statuses; RECONNECT_REQUIRED, UNRECOVERABLE, EXPIRED, DELETED and
        // IN_PROGRESS give 409.
        if (c->status != "ACTIVE" && c->status != "PARTIALLY_ACTIVE" && c->status != "DEGRADED" &&
            c->status != "UNDETERMINED")
            return conflict("connectionId", "Connection " + id + " in status " + c->status + " cannot be refreshed");
        c->aggregated_at = now_micros();
        return ok(render(fixture("bank_linking_connection_refresh"),
                         {{"requestId", json_string(request_id())},
                          {"serviceProvider", json_string(c->service_provider)},
                          {"serviceProviderConnectionId", json_string(c->provider_connection_id)}}),
                  202);
    }

    http_answer connection_update(route_request const& r) {
        auto const id = r.path_param("connectionId");
        auto* c = find_connection(id);
        if (!c) return not_found("connectionId", "Connection", id);
        auto const products = strings(body_object(r), "products");
        if (products.empty()) return bad({"[products] must not be empty"});
        if (c->status == "EXPIRED" || c->status == "DELETED")
            return conflict("connectionId", "Connection " + id + " in status " + c->status + " cannot be updated");
        std::vector<std::string> errors;
        for (auto const& p : products)
            if (contains(c->products, p) || contains(c->optional_products, p))
                errors.push_back("[products] " + p + " is already on the connection");
        if (!errors.empty()) return bad(errors);
        for (auto const& p : products) c->optional_products.push_back(p);
        return ok(render(fixture("bank_linking_request_accepted"), {{"requestId", json_string(request_id())}}), 202);
    }

    http_answer connections_import(route_request const& r) {
        auto const o = body_object(r);
        auto const* list = o.if_contains("connections");
        if (!list || !list->is_array() || list->get_array().empty()) return bad({"[connections] must not be empty"});
        std::vector<std::string> errors;
        std::size_t k = 0;
        for (auto const& e : list->get_array()) {
            auto const field = "[connections[" + std::to_string(k++) + "]";
            if (!e.is_object()) {
                errors.push_back(field + "] must be an object");
                continue;
            }
            auto const& item = e.get_object();
            auto const provider = str(item, "serviceProvider").value_or("");
            if (provider == "PLAID") {
                if (str(item, "accessToken").value_or("").empty()) errors.push_back(field + ".accessToken] must not be blank");
            } else if (provider == "AKOYA") {
                if (str(item, "providerId").value_or("").empty()) errors.push_back(field + ".providerId] must not be blank");
                if (str(item, "refreshToken").value_or("").empty())
                    errors.push_back(field + ".refreshToken] must not be blank");
            } else {
                errors.push_back(field + ".serviceProvider] import is supported for PLAID and AKOYA only");
            }
        }
        if (!errors.empty()) return bad(errors);
        for (auto const& e : list->get_array()) {
            auto const& item = e.get_object();
            bl_connection c;
            c.id = random_id();
            c.key = row_key(c.id, 0xC0AA);
            auto const external = str(item, "externalCustomerId");
            if (external) {
                auto [it, inserted] = customer_by_external.try_emplace(*external, std::string());
                if (inserted) it->second = random_id();
                c.customer_id = it->second;
                c.external_customer_id = *external;
            } else {
                c.customer_id = random_id();
            }
            c.institution_id = std::string(institution_seeds[0].id);
            c.institution_name = std::string(institution_seeds[0].name);
            c.status = "ACTIVE";
            c.products = strings(item, "products");
            if (c.products.empty()) c.products.assign(std::begin(all_products), std::end(all_products));
            c.regions = {"US"};
            c.created_at = now_micros();
            c.aggregated_at = c.created_at;
            c.service_provider = str(item, "serviceProvider").value_or("");
            c.provider_connection_id = random_id(37);
            add_connection(std::move(c));
        }
        return ok(render(fixture("bank_linking_request_accepted"), {{"requestId", json_string(request_id())}}), 202);
    }

    // -- accounts --

    http_answer processor_token(route_request const& r) {
        auto const id = r.path_param("financialAccountId");
        auto const* a = find_row(accounts, id);
        if (!a || !account_live(a->connection_id)) return not_found("financialAccountId", "Financial account", id);
        auto const o = body_object(r);
        auto const processor = str(o, "processor");
        if (!processor) return bad({"[processor] must not be null"});
        auto const* c = find_connection(a->connection_id);
        auto const provider = c ? c->service_provider : std::string("PLAID");
        if (provider != "PLAID" && provider != "MX")
            return bad({"[serviceProvider] processor tokens are supported for PLAID and MX only"});
        if (auto asked = str(o, "serviceProvider"); asked && *asked != provider)
            return bad({"[serviceProvider] the account's connection uses " + provider});
        return ok(render(fixture("bank_linking_processor_token"),
                         {{"processor", json_string(*processor)},
                          {"serviceProvider", json_string(provider)},
                          {"token", json_string("processor-sandbox-" + random_uuid())}}),
                  201);
    }
};

}  // namespace

void register_bank_linking_routes(route_table& t, seed_sizes const& sizes) {
    auto s = std::make_shared<bl_state>(sizes);
    auto h = [s](http_answer (bl_state::*fn)(route_request const&)) {
        return [s, fn](route_request const& r) { return ((*s).*fn)(r); };
    };
    // connect
    t.add("POST", "/bank-linking/connect/start", h(&bl_state::connect_start));
    t.add("POST", "/bank-linking/connect/repair", h(&bl_state::connect_repair));
    // connections
    t.add("GET", "/bank-linking/connections", h(&bl_state::connections_search));
    t.add("POST", "/bank-linking/connections/import", h(&bl_state::connections_import));
    t.add("GET", "/bank-linking/connections/{connectionId}", h(&bl_state::connection_get));
    t.add("DELETE", "/bank-linking/connections/{connectionId}", h(&bl_state::connection_delete));
    t.add("POST", "/bank-linking/connections/{connectionId}/refresh", h(&bl_state::connection_refresh));
    t.add("POST", "/bank-linking/connections/{connectionId}/update", h(&bl_state::connection_update));
    // accounts
    t.add("GET", "/bank-linking/accounts", [s](route_request const& r) {
        return s->page(s->accounts, s->account_order, r, default_limits, "bank_linking_accounts_page", "financialAccounts", false);
    });
    t.add("GET", "/bank-linking/accounts/{financialAccountId}", [s](route_request const& r) {
        return s->get_row(s->accounts, r, "financialAccountId", "Financial account");
    });
    t.add("POST", "/bank-linking/accounts/{financialAccountId}/processors/create-token",
          h(&bl_state::processor_token));
    // transactions
    t.add("GET", "/bank-linking/transactions", [s](route_request const& r) {
        return s->page(s->transactions, s->transaction_order, r, rows_limits, "bank_linking_transactions_page",
                       "financialAccountTransactions", true);
    });
    t.add("GET", "/bank-linking/transactions/{transactionId}", [s](route_request const& r) {
        return s->get_row(s->transactions, r, "transactionId", "Transaction");
    });
    // investments
    t.add("GET", "/bank-linking/investments/holdings", [s](route_request const& r) {
        return s->page(s->holdings, s->holding_order, r, rows_limits, "bank_linking_investment_holdings_page", "investmentHoldings",
                       false);
    });
    t.add("GET", "/bank-linking/investments/holdings/{investmentHoldingId}", [s](route_request const& r) {
        return s->get_row(s->holdings, r, "investmentHoldingId", "Investment holding");
    });
    t.add("GET", "/bank-linking/investments/transactions", [s](route_request const& r) {
        return s->page(s->investment_transactions, s->investment_transaction_order, r, rows_limits, "bank_linking_investment_transactions_page",
                       "investmentTransactions", true);
    });
    t.add("GET", "/bank-linking/investments/transactions/{investmentTransactionId}", [s](route_request const& r) {
        return s->get_row(s->investment_transactions, r, "investmentTransactionId", "Investment transaction");
    });
    // institutions (sorted by rank)
    t.add("GET", "/institutions", [s](route_request const& r) {
        std::vector<std::string> errors;
        auto const paging = parse_page_request(r.query, institution_limits, errors);
        if (!errors.empty()) return bad(errors);
        auto const name = r.query_param("name");
        auto const type = r.query_param("type");
        std::optional<std::vector<std::string>> providers, regions;
        if (auto v = r.query_param("serviceProviders")) providers = split_list(*v);
        if (auto v = r.query_param("regions")) regions = split_list(*v);
        auto const& rows = s->institutions;
        auto any_of = [](std::vector<std::string> const& have, std::vector<std::string> const& wanted) {
            return std::any_of(wanted.begin(), wanted.end(), [&](auto const& w) { return contains(have, w); });
        };
        row_filter filter;
        if (name || type || providers || regions)
            filter = [&](std::size_t i) {
                auto const& row = rows[i];
                return (!name || lower(row.name).find(lower(*name)) != std::string::npos) &&
                       (!type || row.type == *type) && (!providers || any_of(row.service_providers, *providers)) &&
                       (!regions || any_of(row.regions, *regions));
            };
        auto const result = paginate(s->institution_order, paging, filter);
        if (!result) return unknown_key(paging);
        std::vector<std::string> texts;
        for (auto i : result->rows) texts.push_back(rows[i].text);
        return ok(render(fixture("bank_linking_institutions_page"), {{"institutions", json_rows(texts)},
                                                                    {"count", std::to_string(result->rows.size())},
                                                                    {"remaining", std::to_string(result->remaining)}}));
    });
    t.add("GET", "/institutions/{institutionId}", [s](route_request const& r) {
        auto const id = r.path_param("institutionId");
        auto const* row = s->find_institution(id);
        if (!row) return not_found("institutionId", "Institution", id);
        return ok(row->text);
    });
}

}  // namespace meld::emulator::detail
