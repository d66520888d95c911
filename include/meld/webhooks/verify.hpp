// meld/webhooks/verify.hpp — authenticating a webhook delivery from Meld (signature + timestamp window).
//
// Meld signs every delivery with the webhook profile's secret:
//
//     Meld-Signature-Timestamp: 2022-05-26T20:25:17.682818Z
//     Meld-Signature:           base64url-with-padding( HMAC-SHA256(secret, "<timestamp>.<url>.<raw body>") )
//
// where <timestamp> is the header text verbatim, <url> the URL *registered on the webhook profile* (not the
// one your server sees behind a proxy or load balancer; a trailing slash matters) and <raw body> the bytes
// as received — verify before any JSON parsing or re-serialisation. verify() checks the timestamp against a
// clock (±5 minutes by default, which bounds replays) and compares in constant time against each secret
// (several secrets = rotation: keep the old one until every in-flight retry has been delivered).
//
//     meld::webhooks::verify_params const vp{.secrets = {secret}, .url = "https://example.com/meld/webhooks"};
//     if (auto ec = meld::webhooks::verify(vp, req["Meld-Signature"], req["Meld-Signature-Timestamp"], req.body()))
//         return reply(401);  // ec == webhook_errc::signature_mismatch, ...
#ifndef MELD_WEBHOOKS_VERIFY_HPP
#define MELD_WEBHOOKS_VERIFY_HPP

#include <meld/webhooks/error.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace meld::webhooks {

/// Header names of a delivery.
inline constexpr std::string_view signature_header = "Meld-Signature";
inline constexpr std::string_view signature_timestamp_header = "Meld-Signature-Timestamp";

/// Defaults of verify_params.
inline constexpr std::chrono::nanoseconds default_tolerance = std::chrono::minutes(5);
inline constexpr std::size_t default_max_body_size = 1024 * 1024;

/// What verify() checks a delivery against.
struct verify_params {
    /// The webhook profile secret(s). Several during a rotation: a delivery verifies if any one matches.
    /// Empty strings are ignored.
    std::vector<std::string> secrets{};

    /// The URL exactly as registered on the webhook profile (scheme, host, port, path, trailing slash).
    std::string url{};

    /// Maximum distance between the signed timestamp and clock(), both ways.
    std::chrono::nanoseconds tolerance = default_tolerance;

    /// Larger bodies are rejected with webhook_errc::body_too_large (before any HMAC work).
    std::size_t max_body_size = default_max_body_size;

    /// "Now"; empty means std::chrono::system_clock::now. Inject a fixed clock in tests.
    std::function<std::chrono::system_clock::time_point()> clock{};
};

/// Authenticates one delivery: the `Meld-Signature` and `Meld-Signature-Timestamp` header values (empty =
/// absent) and the raw body. Returns {} when authentic, otherwise a webhook_errc, checked in this order:
/// body_too_large, no_secret, missing_signature, missing_timestamp, malformed_timestamp,
/// timestamp_out_of_tolerance, bad_signature_encoding, signature_mismatch (or hmac_failed).
/// Throws only what params.clock throws.
inline error_code verify(verify_params const& params, std::string_view signature, std::string_view timestamp,
                         std::string_view body);

/// The `Meld-Signature` value Meld sends for this delivery (base64url with padding of the HMAC-SHA256 of
/// "<timestamp>.<url>.<body>"). `timestamp` is the `Meld-Signature-Timestamp` value, used verbatim.
/// For tests and local senders. Throws std::invalid_argument for an empty secret, std::runtime_error if
/// OpenSSL fails.
inline std::string sign(std::string_view secret, std::string_view url, std::string_view timestamp, std::string_view body);

/// The current time as a `Meld-Signature-Timestamp` value (RFC 3339 UTC, microseconds, like Meld's).
inline std::string signature_timestamp(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace meld::webhooks

#include <meld/webhooks/impl/verify.ipp>

#endif
