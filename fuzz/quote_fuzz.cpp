// fuzz/quote_fuzz.cpp — libFuzzer target: meld::json::decode into the crypto quote response
// (meld::crypto::crypto_quote_response, the response_type of crypto.quote).
//
// Input: a response body. Checks, besides the sanitizers, the invariants of fuzz_invariants.hpp: exact
// decimals and timestamps, valid raw_json, determinism, replacement of a used value, decoded texts taken
// verbatim from the input, encode/decode fixed point.
#include "fuzz_invariants.hpp"

#include <meld/generated/models/crypto.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// A documented answer (docs: crypto-quote-get), decoded first into the object that is then reused.
constexpr std::string_view reference_doc =
    R"({"quotes":[{"transactionType":"CRYPTO_PURCHASE","sourceAmount":100.00,"sourceAmountWithoutFees":95.82,)"
    R"("fiatAmountWithoutFees":95.82,"destinationAmountWithoutFees":null,"sourceCurrencyCode":"USD",)"
    R"("countryCode":"US","totalFee":4.18,"networkFee":0.28,"transactionFee":2.9,"destinationAmount":0.00105423,)"
    R"("destinationCurrencyCode":"BTC","exchangeRate":94857.85,"paymentMethodType":"APPLE_PAY",)"
    R"("serviceProvider":"TRANSAK","partnerFee":1,"rampIntelligence":{"rampScore":99.5,"lowKyc":true}}],)"
    R"("message":null,"error":"x","timestamp":"2025-12-08T20:03:07.173223Z"})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    meld::crypto::crypto_quote_response r;
    meld_fuzz::check_decode(input, r, reference_doc);
    return 0;
}
