// meld/decode.hpp — decode Meld JSON obtained by other means (a queue, a log, a stored webhook, a fixture)
// with the guarantees of a call: tolerant, exact, every model; and an error answer into a call's typed error.
//
//   meld::crypto::crypto_quote_response q = meld::json::decode<meld::crypto::crypto_quote_response>(text);
//
//   meld::diagnostics diag;
//   meld::crypto::crypto_quote_response q;
//   if (auto ec = meld::json::decode(text, q, diag)) { ... diag.client_message() ... }
//   for (auto const& w : diag.decode_warnings()) { ... w.path, w.expected, w.raw ... }
//
//   auto ec = meld::error_from_answer(400, body, diag);  // == a call that got that answer: api_errc::bad_request
#ifndef MELD_DECODE_HPP
#define MELD_DECODE_HPP

#include <meld/detail/http_request.hpp>
#include <meld/detail/response_classifier.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>
#include <meld/exception.hpp>
#include <meld/json/decode.hpp>
#include <meld/json/decode_report.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace meld::json {

/// Decodes `json` into `out` as a call would: the warnings of tolerated values and, on failure, the reason
/// go into `diag` (which is reset first). Returns {} or client_errc::decode_failed.
template <class T>
error_code decode(std::string_view json, T& out, diagnostics& diag, decode_options const& options = {})
{
    diag.clear();
    decode_report report;
    std::string message;
    error_code const ec = decode(json, out, options, &report, &message);
    if (ec)
        detail_access::set_client_message(diag, "decoding failed: " + message);
    detail_access::set_decode_report(diag, std::move(report));
    return ec;
}

/// Throwing form: the decoded value, or meld::error (client_errc::decode_failed) with the diagnostics.
template <class T>
T decode(std::string_view json, decode_options const& options = {})
{
    T out{};
    diagnostics diag;
    if (error_code const ec = decode(json, out, diag, options))
        throw meld::error(ec, std::move(diag));
    return out;
}

}  // namespace meld::json

namespace meld {

/// The error a call gets for an answer with this status, body and content type: {} for a 2xx JSON answer,
/// the "meld.api" error for >= 400 (Meld's error body parsed into `diag`, any shape accepted),
/// client_errc::redirect_refused for 3xx, unexpected_content_type for a non-JSON 2xx body.
inline error_code error_from_answer(unsigned status, std::string_view body, diagnostics& diag,
                                    std::string_view content_type = "application/json")
{
    diag.clear();
    detail::raw_response r;
    r.status = status;
    r.content_type = content_type;
    r.body.assign(body.data(), body.size());
    detail_access::set_http_status(diag, status);
    return detail::classify_response(r, diag);
}

}  // namespace meld

#endif
