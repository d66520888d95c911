// meld/bleepay/models.hpp — models of the Bleepay widget deposit session (namespace meld::bleepay).
//
// Hand-written, not generated: Bleepay (https://payments.bleepay.com) is a separate vendor without an
// OpenAPI spec; the models follow its documentation page (CATALOG §5) in the generated models' form:
// members are the JSON names in alphabetical order (so designated initializers follow that order), enums
// are open (meld::open_enum), response members are std::optional.
#ifndef MELD_BLEEPAY_MODELS_HPP
#define MELD_BLEEPAY_MODELS_HPP

#include <boost/describe/class.hpp>
#include <meld/json/traits.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace meld::bleepay {

// ---- enums (open: unknown values are kept as text) ----

/// A deposit session's status: CREATED -> PENDING -> CONFIRMED. A new session is always CREATED.
struct payment_status : meld::open_enum<payment_status> {
    enum value : int { unknown = -1, CREATED, PENDING, CONFIRMED };
    static constexpr std::string_view names[] = {"CREATED", "PENDING", "CONFIRMED"};
    using open_enum::open_enum;
};

// ---- structs ----

/// `POST /api/v1/widgets/{widgetId}/create-session`: `widgetId` is the path parameter, every other member
/// is a JSON body field. Constraints (checked before sending, see validation.hpp):
///   amount             decimal string, 1-32 characters, > 0 (e.g. "100", "25.50")
///   currency           ^[A-Z0-9]{2,8}$ (e.g. "USDC")
///   currencyAddress    0-66 characters (may be empty, e.g. for a native coin)
///   customerEmail      1-128 characters when present
///   customerReference  1-128 characters when present
///   depositAddress     1-128 characters
///   metadata           a JSON object of 1-2048 bytes (as sent) when present
///   network            4-66 characters (e.g. "polygon")
///   widgetId           not empty (e.g. "wdgt_abc")
struct create_session_request {
    std::string amount{};
    std::string currency{};
    std::string currencyAddress{};
    std::optional<std::string> customerEmail{};
    std::optional<std::string> customerReference{};
    std::string depositAddress{};
    std::optional<meld::raw_json> metadata{};
    std::string network{};
    std::string widgetId{};
};
BOOST_DESCRIBE_STRUCT(create_session_request, (), (
    amount, currency, currencyAddress, customerEmail, customerReference, depositAddress, metadata, network,
    widgetId
))

/// The new deposit session. `clientSecret` is a one-time secret for tracking it; `expiresAt` is 30 minutes
/// after creation.
struct create_session_response {
    std::optional<std::string> amount{};
    std::optional<std::string> clientSecret{};
    std::optional<std::string> currency{};
    std::optional<std::string> currencyAddress{};
    std::optional<std::string> depositAddress{};
    std::optional<meld::timestamp> expiresAt{};
    std::optional<std::string> id{};
    std::optional<std::string> network{};
    std::optional<payment_status> paymentStatus{};
};
BOOST_DESCRIBE_STRUCT(create_session_response, (), (
    amount, clientSecret, currency, currencyAddress, depositAddress, expiresAt, id, network, paymentStatus
))

}  // namespace meld::bleepay

#endif
