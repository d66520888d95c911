// meld/endpoint.hpp — the vocabulary of compile-time endpoint descriptors.
//
// A descriptor is a plain struct (generated into include/meld/generated/endpoints/) such as:
//
//   struct crypto_quote {
//       static constexpr std::string_view name = "crypto.quote";          // the call: meld.crypto.quote(...)
//       static constexpr std::string_view operation_id = "/crypto-quote-get";
//       static constexpr meld::http_method method = meld::http_method::post;
//       static constexpr std::string_view path = "/payments/crypto/quote";  // {placeholders} name path members
//       using request_type = crypto::quote_request;                         // a described struct
//       using response_type = crypto::quote_response;                       // described struct, vector<...>, ...
//       static constexpr std::array<meld::param_location, 1> params{{{"includeSwap", meld::param_in::query, "includeSwap"}}};
//       static constexpr meld::endpoint_traits traits{.has_body = true};
//   };
//
// Members of request_type not listed in `params` are JSON body fields. Everything else (URL, query string,
// body, headers, decoding) is derived from the descriptor by meld::operation<Endpoint>.
#ifndef MELD_ENDPOINT_HPP
#define MELD_ENDPOINT_HPP

#include <array>
#include <cstdint>
#include <string_view>

namespace meld {

enum class http_method : std::uint8_t { get, post, put, patch, delete_ };

/// Where a request member travels.
enum class param_in : std::uint8_t { path, query, header, body };

/// One non-body request member: its C++ (= spec) name, where it goes, and its name on the wire
/// (the same as `member` for path and query parameters; the header name for headers).
struct param_location {
    std::string_view member;
    param_in in;
    std::string_view wire_name;
};

struct endpoint_traits {
    bool has_body = false;         ///< sends a JSON body (`{}` when every body member is empty)
    bool idempotency_key = false;  ///< accepts `X-Idempotency-Key`
    bool paginated = false;        ///< takes `before` / `after` / `limit`
    bool requires_auth = true;     ///< sends `Authorization: BASIC <key>` (optional on network-partner calls)
};

constexpr std::string_view to_string(http_method m) noexcept
{
    switch (m) {
    case http_method::get: return "GET";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::patch: return "PATCH";
    case http_method::delete_: return "DELETE";
    }
    return "GET";
}

}  // namespace meld

#endif
