// meld/diagnostics.hpp — what happened, beyond the error_code: Meld's error body or the client's own message,
// every attempt of the call, the idempotency key sent and the answer headers a policy or a user needs.
//
// Filled by every call (success included: attempts, headers, key). For an HTTP error answer it holds the
// server's fields (code, message, errors[], requestId, timestamp, serviceProviderDetails.message) and the raw
// body; for a client-side failure (TLS, timeout, decoding, validation) a human-readable client_message().
// It never contains the API key, the `Authorization` value or proxy credentials, whatever the server sent.
#ifndef MELD_DIAGNOSTICS_HPP
#define MELD_DIAGNOSTICS_HPP

#include <meld/detail/config.hpp>
#include <meld/detail/small_text.hpp>
#include <meld/json/decode_report.hpp>

#include <boost/container/small_vector.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meld {

namespace detail::pipeline {
class redactor;
}

/// One attempt of a call, in order.
struct attempt_record {
    unsigned status = 0;                         ///< HTTP status; 0 when no answer arrived
    boost::system::error_code error{};           ///< the attempt's outcome ({} for a 2xx answer)
    std::chrono::microseconds duration{};        ///< from acquiring a connection to the end of the answer
    bool connection_reused = false;
    std::chrono::milliseconds retry_delay{-1};   ///< wait before the next attempt; -1 ms: none followed
};

class diagnostics {
public:
    /// HTTP status of the (last) answer, 0 when no answer was received.
    unsigned http_status() const noexcept { return http_status_; }
    /// Meld's error category: `code`, or `error` on the responses that use that field instead.
    std::string_view code() const noexcept { return code_; }
    std::string_view message() const noexcept { return message_; }
    std::vector<std::string> const& errors() const noexcept { return errors_; }
    /// `requestId` of the error body, else the value of the answer's request-id header.
    std::string_view request_id() const noexcept
    {
        return request_id_.empty() ? request_id_header_value_.view() : std::string_view(request_id_);
    }
    std::string_view timestamp() const noexcept { return timestamp_; }
    /// `serviceProviderDetails.message`, when the provider's own message was passed through.
    std::string_view service_provider_message() const noexcept { return service_provider_message_; }
    /// The response body as received, redacted (empty for client-side failures).
    std::string_view raw_body() const noexcept { return raw_body_; }
    /// Client-side explanation (e.g. "TLS certificate verification failed for api.meld.io: ...").
    std::string_view client_message() const noexcept { return client_message_; }
    /// The underlying transport error (Asio/SSL/Beast) behind a client_errc, if any.
    boost::system::error_code const& transport_error() const noexcept { return transport_error_; }

    /// Every attempt, in order (retries and a replaced stale connection included).
    std::span<attempt_record const> attempts() const noexcept { return {attempts_.data(), attempts_.size()}; }
    /// The `X-Idempotency-Key` sent (the caller's or a generated UUID v4); empty when none.
    std::string_view idempotency_key() const noexcept { return idempotency_key_; }
    /// Answer headers kept from the last answer: `Retry-After`, `Date` and the first request-id header.
    std::string_view retry_after_header() const noexcept { return retry_after_; }
    std::string_view date_header() const noexcept { return date_; }
    std::string_view request_id_header_name() const noexcept { return request_id_header_name_; }
    /// Values of an unexpected JSON type that decoding tolerated (left empty), the first few kept; and how
    /// many there were in all. Empty for a clean decode. Strict mode makes the first one a decode_failed.
    std::span<json::decode_warning const> decode_warnings() const noexcept { return decode_report_.warnings; }
    std::size_t decode_warning_count() const noexcept { return decode_report_.total; }
    /// One of the kept headers by name (case-insensitive), "" when absent.
    MELD_DECL std::string_view header(std::string_view name) const noexcept;

    /// A one-line summary: "HTTP 400 BAD_REQUEST: Bad request ([amount] ...) requestId=..." or the client message.
    MELD_DECL std::string summary() const;

    void clear() noexcept { *this = diagnostics{}; }

private:
    friend struct detail_access;
    unsigned http_status_ = 0;
    std::string code_, message_, request_id_, timestamp_, service_provider_message_, raw_body_, client_message_;
    std::vector<std::string> errors_;
    boost::system::error_code transport_error_;
    boost::container::small_vector<attempt_record, 3> attempts_;
    std::string idempotency_key_;
    detail::small_text<64> retry_after_;
    detail::small_text<40> date_;
    detail::small_text<40> request_id_header_name_;
    detail::small_text<120> request_id_header_value_;
    json::decode_report decode_report_;
};

/// Semi-private mutator used by the library's pipeline and tests (the public interface is read-only).
struct detail_access {
    static void set_client_message(diagnostics& d, std::string msg) { d.client_message_ = std::move(msg); }
    static void set_transport_error(diagnostics& d, boost::system::error_code ec) { d.transport_error_ = ec; }
    /// Parses Meld's error body leniently (any shape, or not JSON at all) and stores status + raw body.
    MELD_DECL static void set_http_error(diagnostics& d, unsigned status, std::string_view body);
    static void set_http_status(diagnostics& d, unsigned status) noexcept { d.http_status_ = status; }
    static void add_attempt(diagnostics& d, attempt_record const& a) { d.attempts_.push_back(a); }
    static void set_last_retry_delay(diagnostics& d, std::chrono::milliseconds delay) noexcept
    {
        if (!d.attempts_.empty())
            d.attempts_.back().retry_delay = delay;
    }
    static void set_idempotency_key(diagnostics& d, std::string_view key) { d.idempotency_key_.assign(key); }
    static void set_headers(diagnostics& d, std::string_view retry_after, std::string_view date,
                            std::string_view request_id_name, std::string_view request_id_value) noexcept
    {
        d.retry_after_.assign(retry_after);
        d.date_.assign(date);
        d.request_id_header_name_.assign(request_id_name);
        d.request_id_header_value_.assign(request_id_value);
    }
    /// Forgets the previous attempt's answer and message (attempts, key and headers stay).
    static void clear_outcome(diagnostics& d) noexcept
    {
        d.http_status_ = 0;
        d.code_.clear();
        d.message_.clear();
        d.request_id_.clear();
        d.timestamp_.clear();
        d.service_provider_message_.clear();
        d.raw_body_.clear();
        d.client_message_.clear();
        d.errors_.clear();
        d.transport_error_ = {};
    }
    static void set_decode_report(diagnostics& d, json::decode_report&& r) { d.decode_report_ = std::move(r); }
    /// Removes every secret known to `r` from every string of `d`.
    MELD_DECL static void redact(diagnostics& d, detail::pipeline::redactor const& r);
};

}  // namespace meld

#ifndef MELD_SEPARATE_COMPILATION
#include <meld/impl/diagnostics.ipp>
#endif

#endif
