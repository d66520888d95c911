// meld/detail/http_request.hpp — the wire-level request/response the engine runs, independent of endpoints.
//
// Built from a descriptor by request_builder.hpp (sans-io) and executed by detail::engine; the engine
// only ever sees these two types, so the network code is compiled once for every operation.
#ifndef MELD_DETAIL_HTTP_REQUEST_HPP
#define MELD_DETAIL_HTTP_REQUEST_HPP

#include <meld/endpoint.hpp>
#include <meld/error.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::detail {

struct prepared_request {
    http_method method = http_method::get;
    std::string target;                  ///< origin-form: percent-encoded path + "?" + query
    bool has_body = false;
    std::string body;                    ///< JSON text when has_body
    std::string meld_version;            ///< per-call override; empty: the client's
    std::string idempotency_key;         ///< empty: none
    bool requires_auth = true;
    std::vector<std::pair<std::string_view, std::string>> headers;  ///< header parameters (name, value)
    std::optional<std::chrono::milliseconds> timeout;               ///< per-call override
    /// Building failed (e.g. validation): the engine completes with this error without sending anything.
    error_code build_error;
    std::string build_message;

    /// Safe to send again after a failure before any answer byte arrived (a stale keep-alive connection).
    bool replayable() const noexcept
    {
        return method == http_method::get || method == http_method::delete_ || method == http_method::put ||
               !idempotency_key.empty();
    }
};

struct raw_response {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

}  // namespace meld::detail

#endif
