// meld/webhooks/events.hpp — typed webhook events: the envelope and one payload type per event type.
//
//     meld::webhooks::event ev;
//     if (auto ec = meld::webhooks::parse_event(body, ev)) return reply(400);  // after verify()!
//     std::visit([&](auto const& p) { handle(ev.envelope, p); }, ev.payload);
//
// Every event type named in Meld's docs and specs has its own payload struct, `<event type>_payload` in
// snake case (`TRANSACTION_CRYPTO_PENDING` -> transaction_crypto_pending_payload), holding
// `static constexpr event_type::value kind`. Event types of one family share a base struct
// (transaction_payload, bank_linking_payload, ...), so a visitor may handle a whole family with one overload.
// An event type this header does not know decodes to unknown_payload, which keeps the payload's JSON text.
//
// Decoding follows meld::json::decode: every member is optional (Meld omits and nulls fields freely),
// unknown fields are ignored, enums are open (unknown values kept), numbers exact. Member names are the
// JSON names. The payloads of TRANSACTION_FIAT_*, BANK_LINKING_CONNECTION_DELETED, _ACCOUNTS_ADDED,
// _NEW_ACCOUNTS_AVAILABLE and TEST are not documented; their structs are the family's documented fields.
#ifndef MELD_WEBHOOKS_EVENTS_HPP
#define MELD_WEBHOOKS_EVENTS_HPP

#include <meld/generated/models/webhooks.hpp>  // meld::webhooks::event_type (the spec's event type enum)
#include <meld/json/decode.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>
#include <meld/webhooks/error.hpp>

#include <boost/describe/class.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace meld::webhooks {

// ---- enums (open: unknown values are kept as text) ----------------------------------------------------

/// `paymentTransactionStatus` of transaction events (CATALOG §4.1; the full list is not published).
struct transaction_status : meld::open_enum<transaction_status> {
    enum value : int { unknown = -1, PENDING_CREATED, PENDING, SETTLING, SETTLED, FAILED, CANCELLED, REFUNDED, VOIDED };
    static constexpr std::string_view names[] = {"PENDING_CREATED", "PENDING", "SETTLING", "SETTLED",
                                                 "FAILED", "CANCELLED", "REFUNDED", "VOIDED"};
    using open_enum::open_enum;
};

/// `transactionType` of transaction events.
struct transaction_type : meld::open_enum<transaction_type> {
    enum value : int {
        unknown = -1, CRYPTO_PURCHASE, CRYPTO_SELL, CRYPTO_TRANSFER, CRYPTO_PURCHASE_SWAP, CRYPTO_SELL_SWAP, CHARGE,
        REFUND, PAYOUT
    };
    static constexpr std::string_view names[] = {"CRYPTO_PURCHASE", "CRYPTO_SELL", "CRYPTO_TRANSFER",
                                                 "CRYPTO_PURCHASE_SWAP", "CRYPTO_SELL_SWAP", "CHARGE",
                                                 "REFUND", "PAYOUT"};
    using open_enum::open_enum;
};

/// KYC `status` and `kycRecipient.status`.
struct kyc_status : meld::open_enum<kyc_status> {
    enum value : int { unknown = -1, PENDING, APPROVED, REJECTED, EXPIRED, UNKNOWN };
    static constexpr std::string_view names[] = {"PENDING", "APPROVED", "REJECTED", "EXPIRED", "UNKNOWN"};
    using open_enum::open_enum;
};

/// Bank-linking connection `status` (CATALOG §4.8).
struct connection_status : meld::open_enum<connection_status> {
    enum value : int {
        unknown = -1, IN_PROGRESS, EXPIRED, ACTIVE, PARTIALLY_ACTIVE, DEGRADED, RECONNECT_REQUIRED, UNRECOVERABLE,
        UNDETERMINED, DELETED, CUSTOMER_ACTION_REQUIRED
    };
    static constexpr std::string_view names[] = {
        "IN_PROGRESS", "EXPIRED", "ACTIVE", "PARTIALLY_ACTIVE", "DEGRADED", "RECONNECT_REQUIRED", "UNRECOVERABLE",
        "UNDETERMINED", "DELETED", "CUSTOMER_ACTION_REQUIRED"};
    using open_enum::open_enum;
};

/// Bank-linking connection `statusReason` (CATALOG §4.8).
struct connection_status_reason : meld::open_enum<connection_status_reason> {
    enum value : int {
        unknown = -1, ACCESS_EXPIRING_SOON, NEW_ACCOUNTS_AVAILABLE, PARTIAL_AGGREGATION_SUCCESS, INACTIVE_DUPLICATE,
        INSTITUTION_CURRENTLY_UNAVAILABLE, INSTITUTION_ACTION_REQUIRED, SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE,
        INTERACTIVE_REFRESH, LOGIN_REQUIRED, REPAIRING_INSTITUTION, TOKEN_EXPIRED, OTHER,
        CONTINUED_AGGREGATION_FAILURES, INSTITUTION_DISABLED, AGGREGATION_TIMEOUT, SUBMIT_SERVICE_PROVIDER_TICKET,
        UNKNOWN_SERVICE_PROVIDER_ERROR_CODE, INTERNAL_ERROR
    };
    static constexpr std::string_view names[] = {
        "ACCESS_EXPIRING_SOON", "NEW_ACCOUNTS_AVAILABLE", "PARTIAL_AGGREGATION_SUCCESS", "INACTIVE_DUPLICATE",
        "INSTITUTION_CURRENTLY_UNAVAILABLE", "INSTITUTION_ACTION_REQUIRED", "SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE",
        "INTERACTIVE_REFRESH", "LOGIN_REQUIRED", "REPAIRING_INSTITUTION", "TOKEN_EXPIRED", "OTHER",
        "CONTINUED_AGGREGATION_FAILURES", "INSTITUTION_DISABLED", "AGGREGATION_TIMEOUT",
        "SUBMIT_SERVICE_PROVIDER_TICKET", "UNKNOWN_SERVICE_PROVIDER_ERROR_CODE", "INTERNAL_ERROR"};
    using open_enum::open_enum;
};

/// Bank-linking products (CATALOG §4.9).
struct bank_linking_product : meld::open_enum<bank_linking_product> {
    enum value : int {
        unknown = -1, BALANCES, IDENTIFIERS, OWNERS, TRANSACTIONS, INVESTMENT_HOLDINGS, INVESTMENT_TRANSACTIONS,
        HISTORICAL_TRANSACTIONS
    };
    static constexpr std::string_view names[] = {"BALANCES", "IDENTIFIERS", "OWNERS", "TRANSACTIONS",
                                                 "INVESTMENT_HOLDINGS", "INVESTMENT_TRANSACTIONS",
                                                 "HISTORICAL_TRANSACTIONS"};
    using open_enum::open_enum;
};

// ---- the envelope ------------------------------------------------------------------------------------

/// The fields every delivery carries (CATALOG §3.1). Only eventType is required by parse_event; the
/// payload is kept as JSON text here and decoded into event::payload.
struct event_envelope {
    std::optional<event_type> eventType{};
    std::optional<std::string> eventId{};       ///< unique per event, stable across redeliveries: dedupe on it
    std::optional<meld::timestamp> timestamp{};  ///< when the event was created
    std::optional<std::string> accountId{};
    std::optional<std::string> profileId{};  ///< the webhook profile that caused the delivery
    std::optional<std::string> version{};    ///< payload API version, e.g. "2025-03-01"
    std::optional<meld::raw_json> payload{};
};
BOOST_DESCRIBE_STRUCT(event_envelope, (), (eventType, eventId, timestamp, accountId, profileId, version, payload))

// ---- transaction events (CATALOG §3.3) ---------------------------------------------------------------

/// Common payload of TRANSACTION_CRYPTO_* and TRANSACTION_FIAT_*: ids and a status, never amounts —
/// fetch `GET /payments/transactions/{paymentTransactionId}` for the details.
struct transaction_payload {
    std::optional<std::string> requestId{};
    std::optional<std::string> accountId{};
    std::optional<std::string> paymentTransactionId{};
    std::optional<std::string> customerId{};
    std::optional<std::string> externalCustomerId{};
    std::optional<std::string> externalSessionId{};
    std::optional<transaction_status> paymentTransactionStatus{};
    std::optional<transaction_type> transactionType{};
    std::optional<std::string> sessionId{};
    std::optional<std::string> virtualAccountRampOrderId{};  ///< virtual-account flows; equals the order's orderId
    std::optional<std::string> subaccountCustomerId{};
    std::optional<std::string> externalSubaccountCustomerId{};
};
BOOST_DESCRIBE_STRUCT(transaction_payload, (), (
    requestId, accountId, paymentTransactionId, customerId, externalCustomerId, externalSessionId,
    paymentTransactionStatus, transactionType, sessionId, virtualAccountRampOrderId, subaccountCustomerId,
    externalSubaccountCustomerId))

// ---- CUSTOMER_KYC_STATUS_CHANGE (CATALOG §3.4) -------------------------------------------------------

/// A provider the KYC was shared with (virtual-account providers: NOAH, DUENETWORK, ...).
struct kyc_recipient {
    std::optional<std::string> serviceProvider{};
    std::optional<kyc_status> status{};  ///< PENDING: the provider needs extra KYC (see the customer's HostedURL)
};
BOOST_DESCRIBE_STRUCT(kyc_recipient, (), (serviceProvider, status))

struct customer_kyc_status_change_payload {
    static constexpr event_type::value kind = event_type::CUSTOMER_KYC_STATUS_CHANGE;

    std::optional<std::string> accountId{};
    std::optional<std::string> customerId{};
    std::optional<std::string> serviceProvider{};  ///< e.g. "SUMSUB"
    std::optional<kyc_status> status{};
    std::optional<kyc_recipient> kycRecepient{};  ///< the JSON spelling in Meld's example (sic)
    std::optional<kyc_recipient> kycRecipient{};  ///< the spelling in Meld's prose
    std::optional<meld::timestamp> statusUpdatedAt{};

    /// The KYC recipient under either spelling (kycRecipient wins if both are present).
    std::optional<kyc_recipient> const& recipient() const noexcept { return kycRecipient ? kycRecipient : kycRecepient; }
};
BOOST_DESCRIBE_STRUCT(customer_kyc_status_change_payload, (), (
    accountId, customerId, serviceProvider, status, kycRecepient, kycRecipient, statusUpdatedAt))

// ---- bank-linking events (CATALOG §3.5) --------------------------------------------------------------

/// `serviceProviderDetails` of bank-linking events: Meld's two fields plus common raw provider fields.
/// The complete object is in event::envelope.payload.
struct bank_linking_service_provider_details {
    std::optional<std::string> serviceProvider{};  ///< PLAID, FINICITY, MX, ...
    std::optional<std::string> serviceProviderConnectionId{};
    std::optional<std::string> environment{};
    std::optional<std::string> item_id{};
    std::optional<std::string> webhook_code{};
    std::optional<std::string> webhook_type{};
    std::optional<std::int64_t> new_transactions{};
    std::optional<meld::raw_json> error{};  ///< the provider's raw error, e.g. Plaid's {error_type, error_code, ...}
};
BOOST_DESCRIBE_STRUCT(bank_linking_service_provider_details, (), (
    serviceProvider, serviceProviderConnectionId, environment, item_id, webhook_code, webhook_type,
    new_transactions, error))

/// Fields common to every bank-linking event.
struct bank_linking_payload {
    std::optional<std::string> requestId{};
    std::optional<std::string> customerId{};
    std::optional<std::string> externalCustomerId{};
    std::optional<std::string> connectionId{};
    std::optional<std::string> institutionId{};
    std::optional<bank_linking_service_provider_details> serviceProviderDetails{};
};
BOOST_DESCRIBE_STRUCT(bank_linking_payload, (), (
    requestId, customerId, externalCustomerId, connectionId, institutionId, serviceProviderDetails))

/// A financial account in the account events; which members are present depends on the event
/// (UPDATING: id, name, truncatedAccountNumber, newAccount; UPDATED: id, products; REMOVED: id).
struct financial_account_summary {
    std::optional<std::string> id{};
    std::optional<std::string> name{};
    std::optional<std::string> truncatedAccountNumber{};
    std::optional<bool> newAccount{};  ///< false during refreshes
    std::optional<std::vector<bank_linking_product>> products{};  ///< never TRANSACTIONS
};
BOOST_DESCRIBE_STRUCT(financial_account_summary, (), (id, name, truncatedAccountNumber, newAccount, products))

struct bank_linking_accounts_payload : bank_linking_payload {
    std::optional<meld::timestamp> successfullyAggregatedAt{};  ///< ACCOUNTS_UPDATED
    std::optional<std::vector<financial_account_summary>> financialAccounts{};
};
BOOST_DESCRIBE_STRUCT(bank_linking_accounts_payload, (bank_linking_payload), (successfullyAggregatedAt, financialAccounts))

/// `error` of historicalAggregationError.
struct aggregation_error_detail {
    std::optional<std::string> message{};
    std::optional<std::string> status{};
    std::optional<std::string> type{};
};
BOOST_DESCRIBE_STRUCT(aggregation_error_detail, (), (message, status, type))

struct historical_aggregation_error {
    std::optional<aggregation_error_detail> error{};
    std::optional<std::string> serviceProvider{};
};
BOOST_DESCRIBE_STRUCT(historical_aggregation_error, (), (error, serviceProvider))

/// Per-account effect of a transactions aggregation.
struct account_transactions_update {
    std::optional<std::string> financialAccountId{};
    std::optional<std::string> oldestTransactionUpdatedSearchKey{};  ///< re-fetch transactions from this key
    std::optional<std::int64_t> numTransactionsAdded{};
    std::optional<std::int64_t> numInvestmentTransactionsAdded{};
    std::optional<std::int64_t> numTransactionsUpdated{};
    std::optional<std::int64_t> numInvestmentTransactionsUpdated{};
    std::optional<std::vector<std::string>> transactionIdsRemoved{};
    std::optional<std::vector<std::string>> investmentTransactionIdsRemoved{};
    std::optional<bool> historicalAggregationSucceeded{};                 ///< HISTORICAL_ only
    std::optional<historical_aggregation_error> historicalAggregationError{};  ///< HISTORICAL_ only, when false
};
BOOST_DESCRIBE_STRUCT(account_transactions_update, (), (
    financialAccountId, oldestTransactionUpdatedSearchKey, numTransactionsAdded, numInvestmentTransactionsAdded,
    numTransactionsUpdated, numInvestmentTransactionsUpdated, transactionIdsRemoved,
    investmentTransactionIdsRemoved, historicalAggregationSucceeded, historicalAggregationError))

struct bank_linking_transactions_payload : bank_linking_payload {
    std::optional<meld::timestamp> successfullyAggregatedAt{};
    std::optional<bool> isPartial{};
    std::optional<std::vector<account_transactions_update>> financialAccounts{};
};
BOOST_DESCRIBE_STRUCT(bank_linking_transactions_payload, (bank_linking_payload), (
    successfullyAggregatedAt, isPartial, financialAccounts))

// ---- WEBHOOK_TEST / TEST -----------------------------------------------------------------------------

struct test_payload_fields {
    std::optional<std::string> requestId{};
};
BOOST_DESCRIBE_STRUCT(test_payload_fields, (), (requestId))

// ---- one payload type per event type -----------------------------------------------------------------

#define MELD_WEBHOOKS_PAYLOAD(name, base, type)                                \
    struct name : base {                                                      \
        static constexpr event_type::value kind = event_type::type;           \
    };                                                                        \
    BOOST_DESCRIBE_STRUCT(name, (base), ())

MELD_WEBHOOKS_PAYLOAD(transaction_crypto_pending_payload, transaction_payload, TRANSACTION_CRYPTO_PENDING)
MELD_WEBHOOKS_PAYLOAD(transaction_crypto_transferring_payload, transaction_payload, TRANSACTION_CRYPTO_TRANSFERRING)
MELD_WEBHOOKS_PAYLOAD(transaction_crypto_complete_payload, transaction_payload, TRANSACTION_CRYPTO_COMPLETE)
MELD_WEBHOOKS_PAYLOAD(transaction_crypto_failed_payload, transaction_payload, TRANSACTION_CRYPTO_FAILED)
MELD_WEBHOOKS_PAYLOAD(transaction_fiat_created_payload, transaction_payload, TRANSACTION_FIAT_CREATED)
MELD_WEBHOOKS_PAYLOAD(transaction_fiat_updated_payload, transaction_payload, TRANSACTION_FIAT_UPDATED)

/// BANK_LINKING_CONNECTION_COMPLETED: the user finished the widget (initial or repair flow).
struct bank_linking_connection_completed_payload : bank_linking_payload {
    static constexpr event_type::value kind = event_type::BANK_LINKING_CONNECTION_COMPLETED;
    std::optional<std::string> institutionName{};
};
BOOST_DESCRIBE_STRUCT(bank_linking_connection_completed_payload, (bank_linking_payload), (institutionName))

/// BANK_LINKING_CONNECTION_STATUS_CHANGE: any change of status or status reason.
struct bank_linking_connection_status_change_payload : bank_linking_payload {
    static constexpr event_type::value kind = event_type::BANK_LINKING_CONNECTION_STATUS_CHANGE;
    std::optional<connection_status> oldStatus{};
    std::optional<connection_status_reason> oldStatusReason{};
    std::optional<connection_status> newStatus{};
    std::optional<connection_status_reason> newStatusReason{};
    std::optional<std::string> activeDuplicateConnectionId{};
};
BOOST_DESCRIBE_STRUCT(bank_linking_connection_status_change_payload, (bank_linking_payload), (
    oldStatus, oldStatusReason, newStatus, newStatusReason, activeDuplicateConnectionId))

MELD_WEBHOOKS_PAYLOAD(bank_linking_connection_deleted_payload, bank_linking_payload, BANK_LINKING_CONNECTION_DELETED)
MELD_WEBHOOKS_PAYLOAD(bank_linking_accounts_added_payload, bank_linking_accounts_payload, BANK_LINKING_ACCOUNTS_ADDED)
MELD_WEBHOOKS_PAYLOAD(bank_linking_accounts_updating_payload, bank_linking_accounts_payload, BANK_LINKING_ACCOUNTS_UPDATING)
MELD_WEBHOOKS_PAYLOAD(bank_linking_accounts_updated_payload, bank_linking_accounts_payload, BANK_LINKING_ACCOUNTS_UPDATED)
MELD_WEBHOOKS_PAYLOAD(bank_linking_accounts_removed_payload, bank_linking_accounts_payload, BANK_LINKING_ACCOUNTS_REMOVED)
MELD_WEBHOOKS_PAYLOAD(bank_linking_new_accounts_available_payload, bank_linking_accounts_payload,
                      BANK_LINKING_NEW_ACCOUNTS_AVAILABLE)
MELD_WEBHOOKS_PAYLOAD(bank_linking_transactions_aggregated_payload, bank_linking_transactions_payload,
                      BANK_LINKING_TRANSACTIONS_AGGREGATED)
MELD_WEBHOOKS_PAYLOAD(bank_linking_historical_transactions_aggregated_payload, bank_linking_transactions_payload,
                      BANK_LINKING_HISTORICAL_TRANSACTIONS_AGGREGATED)
MELD_WEBHOOKS_PAYLOAD(webhook_test_payload, test_payload_fields, WEBHOOK_TEST)
MELD_WEBHOOKS_PAYLOAD(test_payload, test_payload_fields, TEST)

#undef MELD_WEBHOOKS_PAYLOAD

/// The payload of an event type this library does not know (a new one from Meld): its JSON text.
struct unknown_payload {
    meld::raw_json json{};  ///< the payload as received (compact JSON; empty if absent)
};

/// Every payload: unknown_payload first, then one alternative per known event type.
using event_payload = std::variant<
    unknown_payload,
    transaction_crypto_pending_payload, transaction_crypto_transferring_payload, transaction_crypto_complete_payload,
    transaction_crypto_failed_payload, transaction_fiat_created_payload, transaction_fiat_updated_payload,
    customer_kyc_status_change_payload,
    bank_linking_connection_completed_payload, bank_linking_connection_status_change_payload,
    bank_linking_connection_deleted_payload, bank_linking_accounts_added_payload,
    bank_linking_accounts_updating_payload, bank_linking_accounts_updated_payload,
    bank_linking_accounts_removed_payload, bank_linking_new_accounts_available_payload,
    bank_linking_transactions_aggregated_payload, bank_linking_historical_transactions_aggregated_payload,
    webhook_test_payload, test_payload>;

namespace detail {

template <std::size_t I = 1>
constexpr std::size_t payload_index(event_type::value t) noexcept
{
    if constexpr (I == std::variant_size_v<event_payload>) {
        return 0;
    } else {
        if (std::variant_alternative_t<I, event_payload>::kind == t) return I;
        return payload_index<I + 1>(t);
    }
}

}  // namespace detail

/// The payload type of event type E: payload_for_t<event_type::WEBHOOK_TEST> is webhook_test_payload.
template <event_type::value E>
using payload_for_t = std::variant_alternative_t<detail::payload_index(E), event_payload>;

// Every enumerator of the spec's event_type has its payload type (fails to compile when the spec grows).
static_assert([] {
    for (int i = 0; i < static_cast<int>(std::size(event_type::names)); ++i)
        if (detail::payload_index(static_cast<event_type::value>(i)) == 0) return false;
    return true;
}());

/// A parsed delivery: the envelope and its typed payload.
struct event {
    event_envelope envelope{};  ///< envelope.payload keeps the payload's JSON text, whatever its type
    event_payload payload{};

    /// eventType (an unknown type keeps its name: type().str()).
    event_type type() const { return envelope.eventType.value_or(event_type{}); }
    /// eventId, or "" when absent.
    std::string_view id() const noexcept { return envelope.eventId ? std::string_view(*envelope.eventId) : ""; }
};

namespace detail {

template <std::size_t I = 1>
error_code decode_payload(event_type const& type, std::string_view text, event_payload& out, std::string* message,
                          json::decode_options const& options, json::decode_report* report)
{
    if constexpr (I == std::variant_size_v<event_payload>) {
        out.emplace<0>(unknown_payload{meld::raw_json(text)});
        return {};
    } else {
        using T = std::variant_alternative_t<I, event_payload>;
        if (!type.is_known() || T::kind != type.get())
            return decode_payload<I + 1>(type, text, out, message, options, report);
        T p;
        if (!text.empty() && !options.strict && text.front() != '{') {
            // a payload of another kind (a string, an array) for a known type: left empty, as any member
            if (report != nullptr) {
                ++report->total;
                if (report->warnings.size() < options.max_warnings)
                    report->warnings.push_back({"/payload", "an object", std::string(text.substr(0, 64))});
            }
        } else if (!text.empty()) {
            std::string inner;
            json::detail::decode_context const ctx{options, report, "/payload"};
            if (json::detail::decode_counted(text, p, message ? &inner : nullptr, nullptr, ctx)) {
                if (message) {
                    if (inner.size() > 1 && inner[0] == '$') inner.erase(0, 1);  // "$.a: ..." -> "$.payload.a: ..."
                    else if (!inner.empty()) inner.insert(0, ": ");
                    *message = "$.payload" + inner;
                }
                return webhook_errc::malformed_event;
            }
        }
        out.emplace<I>(std::move(p));
        return {};
    }
}

}  // namespace detail

/// Parses a (verified) delivery body, tolerantly (as responses: a value of an unexpected JSON type in the
/// payload is left empty and reported in `report`; `options.strict` makes it malformed_event instead). Fails
/// with webhook_errc::malformed_event (and, when `message` is given, a description naming the JSON path) if
/// the body is not a JSON object or has no string eventType. An unknown event type never fails: its payload
/// becomes unknown_payload. An absent or null payload gives an empty payload struct.
inline error_code parse_event(std::string_view body, event& out, json::decode_options const& options,
                              json::decode_report* report, std::string* message = nullptr)
{
    out = event{};
    if (json::decode(body, out.envelope, options, report, message)) return webhook_errc::malformed_event;
    if (!out.envelope.eventType) {
        if (message) *message = "$.eventType: missing";
        return webhook_errc::malformed_event;
    }
    std::string_view text;
    if (out.envelope.payload && !out.envelope.payload->is_null()) text = out.envelope.payload->text();
    return detail::decode_payload(*out.envelope.eventType, text, out.payload, message, options, report);
}

/// Tolerant, warnings dropped.
inline error_code parse_event(std::string_view body, event& out, std::string* message = nullptr)
{
    return parse_event(body, out, json::decode_options{}, nullptr, message);
}

/// Throwing form: boost::system::system_error(webhook_errc::malformed_event, description).
inline event parse_event(std::string_view body)
{
    event ev;
    std::string message;
    if (auto ec = parse_event(body, ev, &message)) throw boost::system::system_error(ec, message);
    return ev;
}

}  // namespace meld::webhooks

#endif
