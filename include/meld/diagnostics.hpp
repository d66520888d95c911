// meld/diagnostics.hpp — what went wrong, beyond the error_code: Meld's error body or the client's own message.
//
// Filled by every call that fails. For an HTTP error answer it holds the server's fields (code, message,
// errors[], requestId, timestamp, serviceProviderDetails.message) and the raw body; for a client-side failure
// (TLS, timeout, decoding, validation) a human-readable client_message(). It never contains the API key.
#ifndef MELD_DIAGNOSTICS_HPP
#define MELD_DIAGNOSTICS_HPP

#include <meld/detail/config.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace meld {

class diagnostics {
public:
    /// HTTP status of the answer, 0 when no answer was received.
    unsigned http_status() const noexcept { return http_status_; }
    /// Meld's error category: `code`, or `error` on the responses that use that field instead.
    std::string_view code() const noexcept { return code_; }
    std::string_view message() const noexcept { return message_; }
    std::vector<std::string> const& errors() const noexcept { return errors_; }
    std::string_view request_id() const noexcept { return request_id_; }
    std::string_view timestamp() const noexcept { return timestamp_; }
    /// `serviceProviderDetails.message`, when the provider's own message was passed through.
    std::string_view service_provider_message() const noexcept { return service_provider_message_; }
    /// The response body exactly as received (empty for client-side failures).
    std::string_view raw_body() const noexcept { return raw_body_; }
    /// Client-side explanation (e.g. "TLS certificate verification failed for api.meld.io: ...").
    std::string_view client_message() const noexcept { return client_message_; }
    /// The underlying transport error (Asio/SSL/Beast) behind a client_errc, if any.
    boost::system::error_code const& transport_error() const noexcept { return transport_error_; }

    /// A one-line summary: "HTTP 400 BAD_REQUEST: Bad request ([amount] ...) requestId=..." or the client message.
    MELD_DECL std::string summary() const;

    void clear() noexcept { *this = diagnostics{}; }

private:
    friend struct detail_access;
    unsigned http_status_ = 0;
    std::string code_, message_, request_id_, timestamp_, service_provider_message_, raw_body_, client_message_;
    std::vector<std::string> errors_;
    boost::system::error_code transport_error_;
};

/// Semi-private mutator used by the library's pipeline and tests (the public interface is read-only).
struct detail_access {
    static void set_client_message(diagnostics& d, std::string msg) { d.client_message_ = std::move(msg); }
    static void set_transport_error(diagnostics& d, boost::system::error_code ec) { d.transport_error_ = ec; }
    /// Parses Meld's error body leniently (any shape, or not JSON at all) and stores status + raw body.
    MELD_DECL static void set_http_error(diagnostics& d, unsigned status, std::string_view body);
};

}  // namespace meld

#ifndef MELD_SEPARATE_COMPILATION
#include <meld/impl/diagnostics.ipp>
#endif

#endif
