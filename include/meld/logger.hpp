// meld/logger.hpp — observability hooks: a logger (level + message) and a per-attempt event.
//
// Both are plain std::function members of client_params; unset, they cost one branch per attempt. They are
// called on whatever thread runs the call (several at once when the io_context runs on several threads),
// so they must be thread-safe, and they must not block. Nothing they receive contains the API key, the
// `Authorization` value or proxy credentials: every string is redacted before it reaches them.
#ifndef MELD_LOGGER_HPP
#define MELD_LOGGER_HPP

#include <meld/endpoint.hpp>
#include <meld/error.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace meld {

enum class log_level : unsigned char { debug, info, warning, error, off };

constexpr std::string_view to_string(log_level l) noexcept
{
    switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    case log_level::off: return "off";
    }
    return "off";
}

/// Boost.Redis style: messages at `level` or above go to `fn`.
struct logger {
    log_level level = log_level::info;
    std::function<void(log_level, std::string_view)> fn{};

    bool enabled(log_level l) const noexcept { return fn && l >= level && l != log_level::off; }
};

/// One attempt of one call, reported when the attempt ends (before a retry wait starts).
struct attempt_event {
    std::string_view operation;       ///< the call, e.g. "crypto.quote"
    http_method method = http_method::get;
    std::string_view path_template;   ///< e.g. "/payments/transactions/{transactionId}"
    unsigned attempt = 1;             ///< 1-based
    unsigned status = 0;              ///< HTTP status, 0 when no answer arrived
    error_code error{};               ///< the attempt's outcome ({} for a 2xx answer)
    std::chrono::microseconds duration{};
    std::size_t bytes_sent = 0;
    std::size_t bytes_received = 0;
    bool connection_reused = false;
    std::optional<std::chrono::milliseconds> retry_delay{};  ///< set when another attempt follows
    std::string_view request_id{};    ///< from a request-id answer header, when there was one
};

}  // namespace meld

#endif
