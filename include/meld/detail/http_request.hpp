// meld/detail/http_request.hpp — the wire-level request/response the engine runs, independent of endpoints.
//
// Built from a descriptor by request_builder.hpp (sans-io) and executed by detail::engine; the engine
// only ever sees these two types, so the network code is compiled once for every operation.
#ifndef MELD_DETAIL_HTTP_REQUEST_HPP
#define MELD_DETAIL_HTTP_REQUEST_HPP

#include <meld/detail/small_text.hpp>
#include <meld/endpoint.hpp>
#include <meld/error.hpp>
#include <meld/retry_policy.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::detail {

struct prepared_request {
    http_method method = http_method::get;
    std::string_view operation_name;     ///< the descriptor's name, e.g. "crypto.quote" (static storage)
    std::string_view path_template;      ///< the descriptor's path, e.g. "/payments/transactions/{id}"
    std::string target;                  ///< origin-form: percent-encoded path + "?" + query
    bool has_body = false;
    std::string body;                    ///< JSON text when has_body
    std::string meld_version;            ///< per-call override; empty: the client's
    std::string idempotency_key;         ///< empty: none (the pipeline may generate one)
    bool accepts_idempotency_key = false;  ///< the descriptor accepts `X-Idempotency-Key`
    bool requires_auth = true;
    std::vector<std::pair<std::string_view, std::string>> headers;  ///< header parameters (name, value)
    std::optional<std::chrono::milliseconds> timeout;               ///< per-call override
    std::optional<retry_policy> retry;                              ///< per-call override
    std::optional<bool> strict_decoding;                            ///< per-call override
    /// Building failed (e.g. validation): the engine completes with this error without sending anything.
    error_code build_error;
    std::string build_message;

    /// Safe to send again after it may have been processed: GET / PUT / DELETE, or an idempotency key.
    bool replayable() const noexcept
    {
        return method == http_method::get || method == http_method::delete_ || method == http_method::put ||
               !idempotency_key.empty();
    }
};

/// Receives the body of a 2xx JSON answer as it arrives, instead of raw_response::body (the call's typed
/// decode: operation.hpp). begin() starts each attempt's body (a truncated body may be retried); write() gets
/// its bytes in order (`last`: they complete a body of known length), end() follows the last one. Called on the
/// connection's strand while the exchange runs.
class body_sink {
public:
    virtual void begin() = 0;
    virtual void write(std::string_view bytes, bool last) = 0;
    virtual void end() = 0;

protected:
    body_sink() = default;
    body_sink(body_sink const&) = default;
    body_sink& operator=(body_sink const&) = default;
    ~body_sink() = default;
};

/// The answer of one attempt: what classification, retries and diagnostics need, nothing more.
struct raw_response {
    unsigned status = 0;
    small_text<120> content_type;
    std::string body;                  ///< empty when `streamed`
    body_sink* sink = nullptr;         ///< where a 2xx JSON body goes (kept by clear()); null: into `body`
    bool streamed = false;             ///< this answer's body went to `sink`
    small_text<64> retry_after;        ///< `Retry-After`
    small_text<40> date;               ///< `Date`
    small_text<40> request_id_header;  ///< name of the first request-id header (e.g. "X-Request-Id")
    small_text<120> request_id;        ///< its value

    void clear() noexcept
    {
        status = 0;
        content_type.clear();
        body.clear();
        streamed = false;
        retry_after.clear();
        date.clear();
        request_id_header.clear();
        request_id.clear();
    }
};

}  // namespace meld::detail

#endif
