// fuzz/oneof_fuzz.cpp — libFuzzer target: meld::json::decode into oneOf (std::variant) types.
//
// Input: a JSON text, decoded into three types:
//  * meld::crypto::virtual_account_onramp_order_response (the onramp order's response): its
//    receivingBankInformation is a oneOf with a discriminator (paymentMethodType: ACH / LOCAL_BANK_TRANSFER /
//    SEPA); two alternatives have identical members;
//  * meld::crypto::session_data_input (a top-level oneOf without discriminator: buy / sell / transfer
//    session data, which share most members): the alternative recognising the most members wins;
//  * meld::crypto::payment_method (a oneOf without discriminator, ACH / SEPA details, inside a struct).
// Checks, besides the sanitizers, the invariants of fuzz_invariants.hpp for each, and that a decoded
// discriminated alternative whose tag member names a known alternative is that alternative.
#include "fuzz_invariants.hpp"

#include <meld/generated/models/crypto.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace {

namespace c = meld::crypto;

// Documented examples (virtual-account guide; the widget request's sessionData), decoded first into the
// objects that are then reused.
constexpr std::string_view order_doc =
    R"({"orderId":"o1","paymentMethodType":"SEPA","receivingBankInformation":{"paymentMethodType":"SEPA",)"
    R"("iban":"DE89370400440532013000"},"serviceProviderDetails":{"id":1}})";
constexpr std::string_view session_doc =
    R"({"countryCode":"US","destinationCurrencyCode":"BTC","serviceProvider":"TRANSAK","sourceAmount":"100",)"
    R"("sourceCurrencyCode":"USD","walletAddress":"0xd72cc3468979360e31bc83b84f0887deccfd81d5","redirectFlow":true})";
constexpr std::string_view method_doc =
    R"({"owner":"Jane","type":"SEPA","details":{"iban":"DE89370400440532013000"}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input(reinterpret_cast<char const*>(data), size);

    c::virtual_account_onramp_order_response order;
    if (meld_fuzz::check_decode(input, order, order_doc) && order.receivingBankInformation) {
        using V = std::remove_cvref_t<decltype(*order.receivingBankInformation)>;
        auto const& v = *order.receivingBankInformation;
        std::visit(
            [&](auto const& alt) {
                if (!alt.paymentMethodType) return;
                int const want = meld::json::variant_traits<V>::index_for(*alt.paymentMethodType);
                meld_fuzz::check(want < 0 || static_cast<std::size_t>(want) == v.index(),
                                 "oneOf: the alternative is not the one its discriminator names",
                                 *alt.paymentMethodType);
            },
            v);
    }

    c::session_data_input session;
    meld_fuzz::check_decode(input, session, session_doc,
                            static_cast<int>(std::variant_size_v<c::session_data_input>));

    c::payment_method method;
    meld_fuzz::check_decode(input, method, method_doc);
    return 0;
}
