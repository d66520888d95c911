// meld/webhooks/impl/error.ipp — the "meld.webhook" error category.
#ifndef MELD_WEBHOOKS_IMPL_ERROR_IPP
#define MELD_WEBHOOKS_IMPL_ERROR_IPP

#include <meld/webhooks/error.hpp>

#include <string>

namespace meld::webhooks {
namespace detail {

class webhook_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "meld.webhook"; }
    std::string message(int ev) const override
    {
        switch (static_cast<webhook_errc>(ev)) {
        case webhook_errc::missing_signature: return "webhook: missing Meld-Signature header";
        case webhook_errc::missing_timestamp: return "webhook: missing Meld-Signature-Timestamp header";
        case webhook_errc::malformed_timestamp: return "webhook: Meld-Signature-Timestamp is not an ISO-8601 date-time";
        case webhook_errc::timestamp_out_of_tolerance: return "webhook: signature timestamp outside the tolerance window";
        case webhook_errc::bad_signature_encoding: return "webhook: Meld-Signature is not base64url (with padding) of an HMAC-SHA256";
        case webhook_errc::signature_mismatch: return "webhook: signature does not match (wrong secret, URL, timestamp or body)";
        case webhook_errc::body_too_large: return "webhook: body exceeds the configured size limit";
        case webhook_errc::no_secret: return "webhook: no webhook secret configured";
        case webhook_errc::hmac_failed: return "webhook: HMAC computation failed";
        case webhook_errc::malformed_event: return "webhook: body is not a valid webhook event";
        }
        return "unknown meld webhook error";
    }
};

}  // namespace detail

inline boost::system::error_category const& webhook_category() noexcept
{
    static detail::webhook_category_impl const cat;
    return cat;
}

}  // namespace meld::webhooks

#endif
