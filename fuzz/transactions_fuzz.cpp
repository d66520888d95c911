// fuzz/transactions_fuzz.cpp — libFuzzer target: meld::json::decode into the payment transaction page
// (meld::payments::payment_transaction_list_response, the response of payments.transactions.search), then
// the page walker over its rows' keys.
//
// Input: a response body. Checks, besides the sanitizers, the invariants of fuzz_invariants.hpp (exact
// decimals and timestamps, valid raw_json, determinism, replacement of a used value, decoded texts taken
// verbatim from the input, encode/decode fixed point) and, for a decoded page fed to a page_walker twice (a
// server answering the same page again): every verdict's rows are within the page, an error ends the walk,
// the walk is over after the second copy, and no row is delivered twice.
#include "fuzz_invariants.hpp"

#include <meld/detail/pagination_walker.hpp>
#include <meld/generated/models/payments.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A documented row (CATALOG §2.1.3, the quickstart's transaction) in a page, decoded first into the object
// that is then reused.
constexpr std::string_view reference_doc =
    R"({"transactions":[{"key":"k1","id":"WePZCYJW7cdXR7SxUMp8mE","parentPaymentTransactionId":null,)"
    R"("accountId":"WQ5RyhdFzE45qjsomdzQ1u","isPassthrough":false,"customer":{"id":"WePZCYZjAK97cJWokfH3Jc"},)"
    R"("transactionType":"CRYPTO_PURCHASE","status":"SETTLED","sourceAmount":100.00,"sourceCurrencyCode":"USD",)"
    R"("destinationAmount":0.00105423,"destinationCurrencyCode":"BTC","serviceProviderDetails":{"a":[1,2.50]},)"
    R"("createdAt":"2025-12-08T20:03:07.173223Z","sessionClientTags":{"x":"y"},)"
    R"("cryptoDetails":{"totalFee":4.18,"networkFee":0.28,"chainId":"1"}}],"count":1,"remaining":0,"totalCount":1})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    meld::payments::payment_transaction_list_response page;
    if (!meld_fuzz::check_decode(input, page, reference_doc)) return 0;

    std::vector<std::string const*> keys;
    if (page.transactions)
        for (auto const& row : *page.transactions) keys.push_back(row.key ? &*row.key : nullptr);
    std::optional<std::int64_t> const remaining =
        page.remaining ? std::optional<std::int64_t>(*page.remaining) : std::nullopt;

    meld::detail::page_walker walker{meld::page_params{}};
    std::size_t delivered = 0;
    for (int copy = 0; copy < 2 && !walker.finished(); ++copy) {
        auto const v = walker.on_page(keys, remaining);
        meld_fuzz::check(v.first <= v.last && v.last <= keys.size(), "walker: rows outside the page");
        meld_fuzz::check(!v.ec || (v.end && walker.finished()), "walker: an error does not end the walk",
                         v.message);
        if (!v.ec) delivered += v.last - v.first;
    }
    meld_fuzz::check(walker.finished(), "walker: the same page twice does not end the walk");
    meld_fuzz::check(delivered <= keys.size() && walker.items_delivered() == delivered,
                     "walker: a row was delivered twice");
    return 0;
}
