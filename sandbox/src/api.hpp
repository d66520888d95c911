// sandbox/src/api.hpp — the emulated Meld API: authentication, the route table, validation and state.
#ifndef MELD_SANDBOX_SRC_API_HPP
#define MELD_SANDBOX_SRC_API_HPP

#include "detail.hpp"
#include "pager.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meld::emulator::detail {

/// One routed request: the raw request plus its parsed path, query and path parameters.
struct route_request {
    recorded_request const& raw;
    std::string path;                                              ///< decoded path, no query
    std::vector<std::pair<std::string, std::string>> query;        ///< decoded, in order
    std::vector<std::pair<std::string, std::string>> path_params;  ///< {name} of the pattern -> decoded segment

    /// First query value called `name`, if any.
    std::optional<std::string> query_param(std::string_view name) const;
    /// The path parameter `name` ("" when the pattern has none).
    std::string path_param(std::string_view name) const;
    /// Value of the first header called `name` (case-insensitive), "" when absent.
    std::string header(std::string_view name) const { return raw.header(name); }
};

using route_handler = std::function<http_answer(route_request const&)>;

struct route {
    std::string method;   ///< "GET", "POST", ...
    std::string pattern;  ///< "/accounts/customers/{customerId}": `{name}` matches one non-empty segment
    route_handler handler;
    /// true: no `Authorization` needed (the handler may still check it), e.g. /network-partner/supported/*.
    bool auth_optional = false;
    /// true: validate path/query/header parameters and the JSON body against the spec's rules
    /// (sandbox/rules/rules_<group>.json) before calling the handler.
    bool validate = true;
    /// true: the handler checks credentials itself (another vendor's scheme, e.g. Bleepay's Bearer JWT or
    /// X-Client-Secret); Meld's `BASIC <key>` check is skipped.
    bool own_auth = false;
};

/// Every route of the sandbox. Handlers run one at a time (under the API's mutex).
class route_table {
public:
    void add(route r) { routes_.push_back(std::move(r)); }
    void add(std::string method, std::string pattern, route_handler h, bool validate = true) {
        routes_.push_back(route{std::move(method), std::move(pattern), std::move(h), false, validate});
    }
    std::vector<route> const& routes() const { return routes_; }

private:
    std::vector<route> routes_;
};

// ---- the Bleepay route (a separate vendor, CATALOG §5) ------------------------------------------------------
/// Registers the Bleepay deposit-session route(s). Defined in sandbox/src/bleepay_routes.cpp (owned by the
/// Bleepay work); called once from the route-table setup in routes.cpp.
void add_bleepay_routes(route_table& table);

// ---- bank linking (CATALOG §2.9) ---------------------------------------------------------------------------
/// Registers the 19 bank-linking routes with their own seeded state. Defined in sandbox/src/bank_linking_routes.cpp;
/// called once from the route-table setup in routes.cpp (api_state::data::add_bank_linking_routes).
void register_bank_linking_routes(route_table& table, seed_sizes const& sizes);

class webhook_sender;  // sandbox/src/webhook_sender.hpp

class api_state {
public:
    explicit api_state(server_params const& params);
    ~api_state();
    api_state(api_state const&) = delete;
    api_state& operator=(api_state const&) = delete;

    /// Authenticates, routes and answers one request. Thread-safe.
    http_answer handle(recorded_request const& request);

    /// The webhook deliveries of the state changes (server.cpp attaches and stops it).
    webhook_sender& webhooks();

    struct data;

private:
    std::mutex mutex_;
    std::unique_ptr<data> data_;
    route_table table_;
};

}  // namespace meld::emulator::detail

#endif
