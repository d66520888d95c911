// meld/detail/response_classifier.hpp — sans-io: an HTTP answer -> success, refused redirect, or API error.
//
// 2xx with a JSON (or empty) body is success; 3xx is never followed (it would carry the API key to another
// host) and becomes client_errc::redirect_refused; >= 400 becomes the "meld.api" error for that status with
// Meld's error body parsed into diagnostics; a 2xx body that is not JSON is unexpected_content_type.
#ifndef MELD_DETAIL_RESPONSE_CLASSIFIER_HPP
#define MELD_DETAIL_RESPONSE_CLASSIFIER_HPP

#include <meld/detail/http_request.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>

#include <string>
#include <string_view>

namespace meld::detail {

/// "application/json", "application/json; charset=utf-8", "application/problem+json" ... (case-insensitive).
inline bool is_json_content_type(std::string_view ct) noexcept
{
    auto const semi = ct.find(';');
    auto media = ct.substr(0, semi);
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
        media.remove_suffix(1);
    auto const lower_eq = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            char c = a[i];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            if (c != b[i])
                return false;
        }
        return true;
    };
    if (lower_eq(media, "application/json"))
        return true;
    // structured-syntax suffix: application/<anything>+json
    return media.size() > 17 && lower_eq(media.substr(0, 12), "application/") &&
           lower_eq(media.substr(media.size() - 5), "+json");
}

/// The media type of a Content-Type for a message: quoted when it is a plausible one (token characters and '/',
/// at most 80); anything else is described, never quoted in part — a value cut short could end inside a
/// secret that a server echoed there, which redaction (of whole secrets) would then miss.
inline std::string describe_media_type(std::string_view ct)
{
    auto media = ct.substr(0, ct.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
        media.remove_suffix(1);
    if (media.empty())
        return "no content type";
    bool plausible = media.size() <= 80;
    for (char c : media)
        plausible = plausible && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                  c == '/' || c == '.' || c == '+' || c == '-' || c == '_' || c == '!' || c == '#' ||
                                  c == '$' || c == '&' || c == '^' || c == '*');
    if (!plausible)
        return "a malformed content type (" + std::to_string(ct.size()) + " bytes)";
    return "'" + std::string(media) + "'";
}

inline error_code classify_response(raw_response const& r, diagnostics& diag)
{
    if (r.status >= 200 && r.status < 300) {
        if (!r.body.empty() && !is_json_content_type(r.content_type)) {
            detail_access::set_client_message(diag, "expected application/json, got " + describe_media_type(r.content_type) +
                                                        " (HTTP " + std::to_string(r.status) + ")");
            return client_errc::unexpected_content_type;
        }
        return {};
    }
    if (r.status >= 300 && r.status < 400) {
        detail_access::set_http_error(diag, r.status, r.body);
        detail_access::set_client_message(diag, "the API answered HTTP " + std::to_string(r.status) +
                                                    "; redirects are never followed");
        return client_errc::redirect_refused;
    }
    if (r.status >= 400 && r.status < 600) {
        detail_access::set_http_error(diag, r.status, r.body);
        return make_http_error(r.status);
    }
    detail_access::set_client_message(diag, "unexpected HTTP status " + std::to_string(r.status));
    return client_errc::malformed_response;
}

}  // namespace meld::detail

#endif
