// meld/bleepay/validation.hpp — client-side checks of every documented Bleepay constraint, before sending.
//
// meld::bleepay::client runs validate() in the call's initiation: an invalid request completes with
// client_errc::invalid_request and a message naming each violated field and rule; nothing is sent.
//
// "Characters" are Unicode code points of the UTF-8 text (an invalid UTF-8 byte counts as one: the encoder
// sends it as U+FFFD); metadata is measured in bytes of the JSON text exactly as sent. Rules the client
// cannot know (the widget's min/max amount, allowed (network, currency) pairs and metadata schema) are
// checked by the server (400 validation_failed).
#ifndef MELD_BLEEPAY_VALIDATION_HPP
#define MELD_BLEEPAY_VALIDATION_HPP

#include <meld/bleepay/models.hpp>
#include <meld/error.hpp>
#include <meld/json/detail/escape.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace meld::bleepay {

/// Documented bounds (inclusive), in characters unless noted.
struct limits {
    static constexpr std::size_t amount_min = 1, amount_max = 32;
    static constexpr std::size_t currency_min = 2, currency_max = 8;
    static constexpr std::size_t network_min = 4, network_max = 66;
    static constexpr std::size_t currency_address_min = 0, currency_address_max = 66;
    static constexpr std::size_t deposit_address_min = 1, deposit_address_max = 128;
    static constexpr std::size_t customer_email_min = 1, customer_email_max = 128;
    static constexpr std::size_t customer_reference_min = 1, customer_reference_max = 128;
    static constexpr std::size_t metadata_min_bytes = 1, metadata_max_bytes = 2048;
};

namespace detail {

/// Unicode code points in `s` (each invalid UTF-8 byte counts as one character).
inline std::size_t char_count(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
        std::size_t len = 1;
        if (static_cast<unsigned char>(s[i]) >= 0x80) {
            len = meld::json::detail::utf8_sequence_length(s, i);
            if (len == 0)
                len = 1;
        }
        i += len;
    }
    return n;
}

/// `^\d+(\.\d+)?$` (ASCII digits) with at least one non-zero digit.
inline bool is_positive_decimal(std::string_view s) noexcept
{
    auto const digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    bool nonzero = false;
    auto digits = [&] {
        std::size_t const start = i;
        for (; i < s.size() && digit(s[i]); ++i)
            nonzero = nonzero || s[i] != '0';
        return i > start;
    };
    if (!digits())
        return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits())
            return false;
    }
    return i == s.size() && nonzero;
}

/// `^[A-Z0-9]{min,max}$`
inline bool is_upper_alnum(std::string_view s, std::size_t min, std::size_t max) noexcept
{
    if (s.size() < min || s.size() > max)
        return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    return true;
}

/// Collects `[field] rule` items into one message, joined by "; " (the style of meld::validate and Meld's
/// own error messages).
class violations {
public:
    explicit violations(std::string* out) noexcept : out_(out) {}

    void add(std::string_view field, std::string_view rule)
    {
        ++count_;
        if (out_ == nullptr)
            return;
        if (count_ > 1)
            out_->append("; ");
        out_->append("[").append(field).append("] ").append(rule);
    }

    /// Checks min <= characters <= max; false (and one violation) otherwise.
    bool length(std::string_view field, std::string_view value, std::size_t min, std::size_t max)
    {
        std::size_t const n = char_count(value);
        if (n >= min && n <= max)
            return true;
        add(field, "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long (got " +
                       std::to_string(n) + ")");
        return false;
    }

    std::size_t count() const noexcept { return count_; }

private:
    std::string* out_;
    std::size_t count_ = 0;
};

}  // namespace detail

/// Checks every documented constraint of `req` (see create_session_request). Returns {} when it holds, or
/// client_errc::invalid_request; `message`, when given, is replaced by a description naming each violated
/// field and its rule, e.g. `[currency] must match ^[A-Z0-9]{2,8}$ (2 to 8 upper-case letters or digits);
/// [network] must be 4 to 66 characters long (got 3)`. Values are never copied into the message.
inline error_code validate(create_session_request const& req, std::string* message = nullptr)
{
    if (message != nullptr)
        message->clear();
    detail::violations v{message};
    using L = limits;

    if (req.widgetId.empty())
        v.add("widgetId", "must not be empty");

    if (v.length("amount", req.amount, L::amount_min, L::amount_max) && !detail::is_positive_decimal(req.amount))
        v.add("amount", "must be a positive decimal string (digits with an optional fraction, e.g. \"100\" or "
                        "\"25.50\"; no sign, exponent or spaces)");

    if (!detail::is_upper_alnum(req.currency, L::currency_min, L::currency_max))
        v.add("currency", "must match ^[A-Z0-9]{2,8}$ (2 to 8 upper-case letters or digits)");

    v.length("network", req.network, L::network_min, L::network_max);
    v.length("currencyAddress", req.currencyAddress, L::currency_address_min, L::currency_address_max);
    v.length("depositAddress", req.depositAddress, L::deposit_address_min, L::deposit_address_max);
    if (req.customerEmail)
        v.length("customerEmail", *req.customerEmail, L::customer_email_min, L::customer_email_max);
    if (req.customerReference)
        v.length("customerReference", *req.customerReference, L::customer_reference_min,
                 L::customer_reference_max);

    if (req.metadata) {
        std::string_view const text = req.metadata->text();
        boost::system::error_code ec;
        boost::json::value const doc = text.empty() ? boost::json::value() : boost::json::parse(text, ec);
        if (ec || !doc.is_object())
            v.add("metadata", "must be a JSON object");
        else if (text.size() < L::metadata_min_bytes || text.size() > L::metadata_max_bytes)
            v.add("metadata", "must be " + std::to_string(L::metadata_min_bytes) + " to " +
                                  std::to_string(L::metadata_max_bytes) + " bytes of JSON (got " +
                                  std::to_string(text.size()) + ")");
    }

    return v.count() == 0 ? error_code{} : make_error_code(client_errc::invalid_request);
}

}  // namespace meld::bleepay

#endif
