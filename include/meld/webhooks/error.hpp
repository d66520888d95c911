// meld/webhooks/error.hpp — meld::webhooks::webhook_errc, why an inbound webhook delivery was rejected.
//
// Its own category ("meld.webhook"), separate from client_errc: these are failures of deliveries *to* you,
// not of calls you make. Every value is a reason to answer 4xx (see receiver.hpp for the mapping) except
// hmac_failed (OpenSSL failure, answer 5xx so Meld retries) and no_secret (your configuration).
#ifndef MELD_WEBHOOKS_ERROR_HPP
#define MELD_WEBHOOKS_ERROR_HPP

#include <meld/error.hpp>

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace meld::webhooks {

/// Why a webhook delivery was rejected by verify() or parse_event().
enum class webhook_errc {
    missing_signature = 1,       ///< no (or an empty) `Meld-Signature` header
    missing_timestamp,           ///< no (or an empty) `Meld-Signature-Timestamp` header
    malformed_timestamp,         ///< `Meld-Signature-Timestamp` is not an ISO-8601 date-time
    timestamp_out_of_tolerance,  ///< the signed timestamp is further from now than the tolerance (replay?)
    bad_signature_encoding,      ///< `Meld-Signature` is not base64url with padding of 32 bytes
    signature_mismatch,          ///< well-formed, but no configured secret produces this signature
    body_too_large,              ///< the body exceeds verify_params::max_body_size
    no_secret,                   ///< verify_params::secrets holds no non-empty secret (configuration error)
    hmac_failed,                 ///< OpenSSL could not compute the HMAC (allocation or provider failure)
    malformed_event,             ///< the (verified) body is not a webhook event: not JSON, no eventType, bad payload
};

/// The "meld.webhook" category.
inline boost::system::error_category const& webhook_category() noexcept;

inline error_code make_error_code(webhook_errc e) noexcept { return {static_cast<int>(e), webhook_category()}; }

/// True for the failures that mean "not signed by Meld with a secret we know" (answer 401).
inline bool is_authentication_failure(error_code const& ec) noexcept
{
    if (ec.category() != webhook_category()) return false;
    switch (static_cast<webhook_errc>(ec.value())) {
    case webhook_errc::missing_signature:
    case webhook_errc::missing_timestamp:
    case webhook_errc::malformed_timestamp:
    case webhook_errc::timestamp_out_of_tolerance:
    case webhook_errc::bad_signature_encoding:
    case webhook_errc::signature_mismatch: return true;
    default: return false;
    }
}

}  // namespace meld::webhooks

namespace boost::system {
template <> struct is_error_code_enum<meld::webhooks::webhook_errc> : std::true_type {};
}  // namespace boost::system

// Always inline (not MELD_DECL): the webhook layer is self-contained and <meld/src.hpp> does not list it.
#include <meld/webhooks/impl/error.ipp>

#endif
