// meld/bleepay/endpoints.hpp — the Bleepay endpoint descriptor (namespace meld::bleepay::endpoints).
//
// Hand-written, not generated (Bleepay has no OpenAPI spec; source: CATALOG §5, the vendor's page), in the
// same form as include/meld/generated/endpoints/*.hpp, plus a static `validate` that the client runs
// before anything is sent (detail::build_request runs it).
#ifndef MELD_BLEEPAY_ENDPOINTS_HPP
#define MELD_BLEEPAY_ENDPOINTS_HPP

#include <meld/bleepay/models.hpp>
#include <meld/bleepay/validation.hpp>
#include <meld/endpoint.hpp>
#include <meld/error.hpp>

#include <array>
#include <string>
#include <string_view>

namespace meld::bleepay::endpoints {

/// Hand-written descriptor: `POST /api/v1/widgets/{widgetId}/create-session` on https://payments.bleepay.com.
/// Auth: `Authorization: Bearer <JWT>` or `X-Client-Secret: <widget client secret>` (set by the client);
/// no Meld-Version. Errors: 400 validation_failed, 401 unauthorized, 404 not_found.
struct create_session {
    static constexpr std::string_view name = "bleepay.create_session";
    static constexpr std::string_view operation_id = "/api/v1/widgets/:widgetId/create-session";
    static constexpr meld::http_method method = meld::http_method::post;
    static constexpr std::string_view path = "/api/v1/widgets/{widgetId}/create-session";
    using request_type = ::meld::bleepay::create_session_request;
    using response_type = ::meld::bleepay::create_session_response;
    static constexpr std::array<meld::param_location, 1> params{{
        {"widgetId", meld::param_in::path, "widgetId"},
    }};
    static constexpr meld::endpoint_traits traits{.has_body = true};

    /// Client-side check of every documented constraint: {} or client_errc::invalid_request + `message`.
    static error_code validate(request_type const& req, std::string& message)
    {
        return ::meld::bleepay::validate(req, &message);
    }
};

}  // namespace meld::bleepay::endpoints

#endif
