// tests/unit/test_overlays.cpp — the "reality overlays" (tools/codegen/overlays.json, docs/overlays.md): the
// generated models decode what Meld's servers send where that differs from the specs.
//
// Every JSON text below is either copied from Meld's documentation (shared/api/CATALOG.md examples, the seed
// doc pages) or written to mirror a fact of shared/api/REAL_WORLD.md (each says which). None is produced by
// serializing our own structs. Elisions (`...`) and `// comments` of the docs are removed so that the text is
// valid JSON.
#include <meld/generated/endpoints/bank_linking.hpp>
#include <meld/generated/endpoints/crypto.hpp>
#include <meld/generated/endpoints/customers.hpp>
#include <meld/generated/endpoints/network_partners.hpp>
#include <meld/generated/endpoints/payments.hpp>
#include <meld/generated/endpoints/service_providers.hpp>
#include <meld/handwritten/customers.hpp>
#include <meld/json/decode.hpp>

#include "decode_helpers.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

using meld_test::decode_ok;

template <class T> inline constexpr bool is_optional = false;
template <class T> inline constexpr bool is_optional<std::optional<T>> = true;

}  // namespace

// ---- compile-time: every field REAL_WORLD.md says is null in practice is a std::optional -------------------

#define MELD_NULLABLE(type, member) \
    static_assert(is_optional<decltype(type::member)>, #type "::" #member " must be std::optional (REAL_WORLD.md)")

namespace cr = meld::crypto;
namespace pm = meld::payments;
namespace sp = meld::service_providers;
namespace np = meld::network_partners;
namespace bl = meld::bank_linking;

// totalFee, destinationAmountWithoutFees, sourceAmountWithoutFees, paymentMethodType (quotes)
MELD_NULLABLE(cr::crypto_quote, totalFee);
MELD_NULLABLE(cr::crypto_quote, destinationAmountWithoutFees);
MELD_NULLABLE(cr::crypto_quote, sourceAmountWithoutFees);
MELD_NULLABLE(cr::crypto_quote, paymentMethodType);
MELD_NULLABLE(cr::crypto_virtual_account_quote, totalFee);
MELD_NULLABLE(cr::crypto_virtual_account_quote, destinationAmountWithoutFees);
MELD_NULLABLE(cr::crypto_virtual_account_quote, sourceAmountWithoutFees);
MELD_NULLABLE(cr::crypto_virtual_account_quote, paymentMethodType);
MELD_NULLABLE(cr::crypto_quote_response, quotes);
MELD_NULLABLE(cr::crypto_quote_response, message);
MELD_NULLABLE(cr::crypto_quote_response, error);
MELD_NULLABLE(cr::crypto_quote_response, timestamp);
// paymentMethodType, cryptoDetails and each field inside it (transactions)
MELD_NULLABLE(cr::payment_transaction_output, paymentMethodType);
MELD_NULLABLE(cr::payment_transaction_output, cryptoDetails);
MELD_NULLABLE(pm::payment_transaction_output_20250304, paymentMethodType);
MELD_NULLABLE(pm::payment_transaction_output_20250304, cryptoDetails);
MELD_NULLABLE(pm::searched_payment_transaction_output, paymentMethodType);
MELD_NULLABLE(pm::searched_payment_transaction_output, cryptoDetails);
MELD_NULLABLE(pm::payment_transaction_output_20230401, cryptoDetails);
MELD_NULLABLE(pm::payment_transaction_output, paymentMethodType);
MELD_NULLABLE(cr::crypto_details, chainId);
MELD_NULLABLE(cr::crypto_details, totalFee);
MELD_NULLABLE(cr::crypto_details, sourceWalletAddress);
MELD_NULLABLE(cr::crypto_details, institution);
MELD_NULLABLE(pm::crypto_details, destinationWalletAddress);
MELD_NULLABLE(pm::crypto_details, offrampDestinationWalletAddress);
// logos and each logo, regions, name, contractAddress
MELD_NULLABLE(sp::service_provider, logos);
MELD_NULLABLE(sp::service_provider, name);
MELD_NULLABLE(sp::service_provider_logos, dark);
MELD_NULLABLE(sp::service_provider_logos, light);
MELD_NULLABLE(sp::service_provider_logos, darkShort);
MELD_NULLABLE(sp::service_provider_logos, lightShort);
MELD_NULLABLE(sp::payment_method, logos);
MELD_NULLABLE(sp::payment_method_logos, dark);
MELD_NULLABLE(sp::payment_method_logos, light);
MELD_NULLABLE(sp::country, regions);
MELD_NULLABLE(sp::country, name);
MELD_NULLABLE(sp::crypto_currency, name);
MELD_NULLABLE(sp::crypto_currency, contractAddress);
MELD_NULLABLE(sp::fiat_currency, name);
MELD_NULLABLE(np::network_partner_info, logo);
MELD_NULLABLE(np::partner_logo, dark);
MELD_NULLABLE(bl::connection, regions);
MELD_NULLABLE(bl::provider, regions);
// expiresAt (widget session)
MELD_NULLABLE(cr::session_token_response, expiresAt);

#undef MELD_NULLABLE

// BUY requires walletAddress, SELL does not (REAL_WORLD.md "Behaviour worth knowing"): request-side models.
static_assert(std::is_same_v<decltype(cr::crypto_buy_session_data::walletAddress), std::string>);
static_assert(std::is_same_v<decltype(cr::crypto_sell_session_data::walletAddress), std::optional<std::string>>);
// The guide names kept next to the spec's (second members, overlays.json add_properties).
static_assert(std::is_same_v<decltype(bl::financial_account_investment_holding::currencyCode),
                             std::optional<std::string>>);
static_assert(std::is_same_v<decltype(bl::financial_account_transaction::recurring), std::optional<std::string>>);

// ---- crypto: widget session ---------------------------------------------------------------------------------

TEST_CASE("overlays: widget session expiresAt, present on BUY, absent on SELL, null (REAL_WORLD.md)")
{
    using response = meld::endpoints::crypto::create_widget_session::response_type;
    static_assert(std::is_same_v<response, cr::session_token_response>);

    // CATALOG.md 2.1.2 response 200, plus the expiresAt REAL_WORLD.md says BUY answers carry
    auto const buy = decode_ok<response>(
        R"({ "id": "WePLapZetkn1hfeKFScf3T", "externalSessionId": "session_456", "externalCustomerId": "user_123",
  "customerId": "WXEX4DsAX7cp6Ch78oq2w3",
  "widgetUrl": "https://meldcrypto.com?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
  "serviceProviderWidgetUrl": "https://transak.com/?sessionId=asjknakjnjknwejksdnjkdsjkfnsd",
  "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "expiresAt": "2026-02-25T19:25:08.968360756Z" })");
    CHECK(buy.id == "WePLapZetkn1hfeKFScf3T");
    REQUIRE(buy.expiresAt);
    CHECK(buy.expiresAt->text() == "2026-02-25T19:25:08.968360756Z");  // nanoseconds kept

    // REAL_WORLD.md: "expiresAt is absent on SELL"
    auto const sell = decode_ok<response>(
        R"({ "id": "WePLapZetkn1hfeKFScf3U", "customerId": "WXEX4DsAX7cp6Ch78oq2w3",
  "widgetUrl": "https://meldcrypto.com?token=abc", "serviceProviderWidgetUrl": "https://transak.com/?sessionId=x",
  "token": "abc" })");
    CHECK(sell.id == "WePLapZetkn1hfeKFScf3U");
    CHECK_FALSE(sell.expiresAt);

    // REAL_WORLD.md "Numbers, nulls, shapes": expiresAt may be null
    auto const nulled = decode_ok<response>(R"({ "id": "WePLapZetkn1hfeKFScf3V", "expiresAt": null })");
    CHECK(nulled.id == "WePLapZetkn1hfeKFScf3V");
    CHECK_FALSE(nulled.expiresAt);
}

// ---- crypto: quotes -----------------------------------------------------------------------------------------

TEST_CASE("overlays: quotes with null fees and payment method, a sell quote without rampIntelligence")
{
    using response = meld::endpoints::crypto::quote::response_type;
    // Written to mirror REAL_WORLD.md "Numbers, nulls, shapes": totalFee null, destinationAmountWithoutFees null
    // on a buy, sourceAmountWithoutFees null on a sell, paymentMethodType null, 18 fraction digits echoed, an
    // unknown field; "Wrappers": message/error/timestamp beside the quotes (timestamp with nanoseconds).
    auto const r = decode_ok<response>(R"({ "quotes": [
  { "transactionType": "CRYPTO_PURCHASE", "sourceAmount": 100.00, "sourceAmountWithoutFees": 95.82,
    "fiatAmountWithoutFees": 95.82, "destinationAmountWithoutFees": null, "sourceCurrencyCode": "USD",
    "countryCode": "US", "totalFee": null, "networkFee": 0.28, "transactionFee": 2.9, "partnerFee": null,
    "destinationAmount": 0.001054230000000001, "destinationCurrencyCode": "BTC", "exchangeRate": 94856.0,
    "paymentMethodType": null, "serviceProvider": "TOPPER",
    "rampIntelligence": { "rampScore": 78.5, "lowKyc": null }, "someFieldAddedLater": { "x": 1 } },
  { "transactionType": "CRYPTO_SELL", "sourceAmount": 0.01, "sourceAmountWithoutFees": null,
    "destinationAmountWithoutFees": 951.20, "sourceCurrencyCode": "BTC", "destinationCurrencyCode": "USD",
    "totalFee": 3.1, "paymentMethodType": "SEPA", "serviceProvider": "UNLIMIT" } ],
  "message": null, "error": null, "timestamp": "2026-02-25T18:55:08.968360756Z" })");
    REQUIRE(r.quotes);
    REQUIRE(r.quotes->size() == 2);
    auto const& buy = (*r.quotes)[0];
    CHECK_FALSE(buy.totalFee);
    CHECK_FALSE(buy.destinationAmountWithoutFees);
    CHECK_FALSE(buy.partnerFee);
    CHECK_FALSE(buy.paymentMethodType);
    CHECK(buy.sourceAmountWithoutFees->text() == "95.82");
    CHECK(buy.destinationAmount->text() == "0.001054230000000001");
    REQUIRE(buy.rampIntelligence);
    CHECK(buy.rampIntelligence->rampScore->text() == "78.5");
    CHECK_FALSE(buy.rampIntelligence->lowKyc);  // null = unknown (CATALOG.md 2.1.1)
    auto const& sell = (*r.quotes)[1];
    CHECK(sell.transactionType == "CRYPTO_SELL");
    CHECK_FALSE(sell.sourceAmountWithoutFees);
    CHECK(sell.destinationAmountWithoutFees->text() == "951.20");
    CHECK_FALSE(sell.rampIntelligence);  // present on buy quotes only
    REQUIRE(sell.paymentMethodType);
    CHECK(sell.paymentMethodType->get() == cr::crypto_quote_payment_method_type::SEPA);
    CHECK_FALSE(r.message);
    CHECK((!r.error || r.error->is_null()));
    REQUIRE(r.timestamp);
    CHECK(r.timestamp->text() == "2026-02-25T18:55:08.968360756Z");
}

TEST_CASE("overlays: the quote wrapper of an HTTP 400 with message and timestamp (REAL_WORLD.md Wrappers)")
{
    // REAL_WORLD.md "Wrappers": {"quotes": null, "error": "No Valid Quote Combinations Found ..."}
    auto const r = decode_ok<cr::crypto_quote_response>(
        R"({"quotes": null, "message": "No quotes", "error": "No Valid Quote Combinations Found for the request",
            "timestamp": "2026-02-25T18:55:08Z"})");
    CHECK_FALSE(r.quotes);
    CHECK(r.message == "No quotes");
    REQUIRE(r.error);
    CHECK(r.error->parse() == "No Valid Quote Combinations Found for the request");
    REQUIRE(r.timestamp);
    CHECK(r.timestamp->text() == "2026-02-25T18:55:08Z");
}

// ---- crypto / payments: transactions -------------------------------------------------------------------------

TEST_CASE("overlays: transaction rows with cryptoDetails null, each cryptoDetails field null, unknown status")
{
    using response = meld::endpoints::payments::transactions_search::response_type;
    // REAL_WORLD.md "Wrappers" (search: {transactions, count, remaining, totalCount}, every row has a key) and
    // "Numbers, nulls, shapes" (paymentMethodType, cryptoDetails and each field inside it null; unknown status).
    auto const r = decode_ok<response>(R"({ "transactions": [
  { "key": "3ztRY2PPYjEyzuuAfttKi9", "id": "WePZCYJW7cdXR7SxUMp8mE", "status": "PARTIALLY_SETTLED",
    "transactionType": "CRYPTO_PURCHASE", "paymentMethodType": null, "cryptoDetails": null,
    "sourceAmount": 100.00, "sourceCurrencyCode": "USD" },
  { "key": "3ztRY2PPYjEyzuuAfttKi8", "id": "WePZCYJW7cdXR7SxUMp8mF", "status": "ONRAMP_SETTLED",
    "cryptoDetails": { "sourceWalletAddress": null, "destinationWalletAddress": null, "sessionWalletAddress": null,
      "totalFee": null, "networkFee": null, "transactionFee": null, "partnerFee": null, "totalFeeInUsd": null,
      "networkFeeInUsd": null, "transactionFeeInUsd": null, "partnerFeeInUsd": null, "blockchainTransactionId": null,
      "institution": null, "chainId": null } } ],
  "count": 2, "remaining": 0, "totalCount": 2 })");
    REQUIRE(r.transactions);
    REQUIRE(r.transactions->size() == 2);
    auto const& a = (*r.transactions)[0];
    CHECK(a.key == "3ztRY2PPYjEyzuuAfttKi9");
    CHECK(a.status == "PARTIALLY_SETTLED");  // kept, not collapsed
    CHECK_FALSE(a.paymentMethodType);
    CHECK_FALSE(a.cryptoDetails);
    auto const& b = (*r.transactions)[1];
    CHECK(b.key == "3ztRY2PPYjEyzuuAfttKi8");
    CHECK(b.status == "ONRAMP_SETTLED");
    REQUIRE(b.cryptoDetails);
    CHECK_FALSE(b.cryptoDetails->destinationWalletAddress);
    CHECK_FALSE(b.cryptoDetails->totalFee);
    CHECK_FALSE(b.cryptoDetails->chainId);
    CHECK(r.count == 2);
    CHECK(r.remaining == 0);
    CHECK(r.totalCount == 2);
}

TEST_CASE("overlays: a session transaction whose cryptoDetails has chainId \"0\" (REAL_WORLD.md odd data)")
{
    using response = meld::endpoints::crypto::transactions_get_by_session::response_type;
    // CATALOG.md 2.1.3 example (trimmed), with chainId "0" (REAL_WORLD.md "Odd data")
    auto const r = decode_ok<response>(R"({ "transaction": {
  "id": "WePZCYJW7cdXR7SxUMp8mE", "transactionType": "CRYPTO_SELL", "status": "SETTLED",
  "paymentMethodType": null, "sessionId": "WePjVaT4iBHPpqW49F419x",
  "cryptoDetails": { "sourceWalletAddress": "0xd72cc3468979360e31bc83b84f0887deccfd81d5",
    "destinationWalletAddress": null, "sessionWalletAddress": "0xd72cc3468979360e31bc83b84f0887deccfd81d5",
    "totalFee": 4.18, "networkFee": null, "institution": null, "chainId": "0" } } })");
    REQUIRE(r.transaction);
    CHECK_FALSE(r.transaction->paymentMethodType);
    REQUIRE(r.transaction->cryptoDetails);
    auto const& c = *r.transaction->cryptoDetails;
    CHECK(c.chainId == "0");
    CHECK(c.sourceWalletAddress == "0xd72cc3468979360e31bc83b84f0887deccfd81d5");
    CHECK_FALSE(c.destinationWalletAddress);
    CHECK_FALSE(c.networkFee);
    CHECK(c.totalFee->text() == "4.18");
}

TEST_CASE("overlays: fiat payment answers carry the wallet addresses under both version names")
{
    using response = meld::endpoints::payments::transactions_create::response_type;
    static_assert(std::is_same_v<response, pm::payment_transaction_response_20230401>);
    // Written to mirror REAL_WORLD.md "Headers and versions": at Meld-Version >= 2025-03-04 (this SDK sends
    // 2026-02-03) the wallet addresses use the 2025-03-04 names; before, offrampDestinationWalletAddress.
    auto const now = decode_ok<response>(R"({ "transaction": { "id": "WePZCYJW7cdXR7SxUMp8mE",
  "cryptoDetails": { "destinationWalletAddress": "0xd72cc3468979360e31bc83b84f0887deccfd81d5",
    "sessionWalletAddress": "0xd72cc3468979360e31bc83b84f0887deccfd81d5", "sourceWalletAddress": null,
    "chainId": 1, "totalFee": 4.18 } } })");
    REQUIRE(now.transaction);
    REQUIRE(now.transaction->cryptoDetails);
    auto const& c = *now.transaction->cryptoDetails;
    CHECK(c.destinationWalletAddress == "0xd72cc3468979360e31bc83b84f0887deccfd81d5");
    CHECK(c.sessionWalletAddress == "0xd72cc3468979360e31bc83b84f0887deccfd81d5");
    CHECK_FALSE(c.sourceWalletAddress);
    CHECK_FALSE(c.offrampDestinationWalletAddress);
    CHECK(c.chainId == "1");  // a number where the spec says string: its text

    auto const before = decode_ok<response>(R"({ "transaction": { "id": "WePZCYJW7cdXR7SxUMp8mE",
  "cryptoDetails": { "offrampDestinationWalletAddress": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
    "walletAddress": "0xd72cc3468979360e31bc83b84f0887deccfd81d5" } } })");
    REQUIRE(before.transaction);
    REQUIRE(before.transaction->cryptoDetails);
    CHECK(before.transaction->cryptoDetails->offrampDestinationWalletAddress ==
          "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    CHECK_FALSE(before.transaction->cryptoDetails->destinationWalletAddress);
}

// ---- crypto: virtual account ----------------------------------------------------------------------------------

TEST_CASE("overlays: onramp order bank details without their discriminator (virtual-account guide)")
{
    using response = meld::endpoints::crypto::virtual_account_create_onramp_order::response_type;
    // CATALOG.md 2.2.2 response 200 (virtual-account guide): receivingBankInformation has no paymentMethodType
    auto const ach = decode_ok<response>(
        R"({ "orderId": "WeP9eoFziQX4yXE5abcfec", "paymentMethodType": "ACH",
  "receivingBankInformation": { "accountNumber": "9876543210", "routingNumber": "021000021" },
  "serviceProviderDetails": {} })");
    REQUIRE(ach.receivingBankInformation);
    auto const* info = std::get_if<cr::ach_receiving_bank_information>(&*ach.receivingBankInformation);
    REQUIRE(info);
    CHECK(info->accountNumber == "9876543210");
    CHECK(info->routingNumber == "021000021");

    // the same shape for SEPA (CATALOG.md 2.2.2: other rails not documented; the spec's SEPA alternative)
    auto const sepa = decode_ok<response>(
        R"({ "orderId": "WeP9eoFziQX4yXE5abcfed", "paymentMethodType": "SEPA",
  "receivingBankInformation": { "iban": "DE89370400440532013000" } })");
    REQUIRE(sepa.receivingBankInformation);
    auto const* s = std::get_if<cr::sepa_receiving_bank_information>(&*sepa.receivingBankInformation);
    REQUIRE(s);
    CHECK(s->iban == "DE89370400440532013000");
}

// ---- customers ------------------------------------------------------------------------------------------------

TEST_CASE("overlays: a customer with HostedURL (PascalCase) in kyc.additionalInfo (virtual-account guide)")
{
    using response = meld::endpoints::customers::get::response_type;
    static_assert(std::is_same_v<response, meld::customers::customer>);
    // virtual-account guide, "GET /accounts/customers" answer after kycRecipient.status=PENDING (the doc's
    // `// addtional provider specific kyc fields ...` comment removed)
    auto const c = decode_ok<response>(R"({ "id": "customerId", "accountId": "accountId", "serviceProviderCustomers": [ { "serviceProvider": "Virtual Account Provider", "id": "provider customer id", "kyc": { "status": "PENDING", "updatedAt": "2026-04-08T20:04:20.457281Z", "additionalInfo": { "HostedURL": "https://virtual-provider-paltform.com/additionalKycHostedURL" }, "onboardingMethod": { "kycProvider": "SUMSUB", "onboardingType": "KYC_TOKEN_SHARE" } } } ], "status": "ACTIVE", "type": "INDIVIDUAL" })");
    REQUIRE(c.serviceProviderCustomers);
    REQUIRE(c.serviceProviderCustomers->size() == 1);
    auto const& spc = c.serviceProviderCustomers->front();
    CHECK(spc.serviceProvider->str() == "Virtual Account Provider");  // not a spec enum value: kept raw
    REQUIRE(spc.kyc);
    CHECK(spc.kyc->status->get() == meld::customers::customer_kyc_status::PENDING);
    REQUIRE(spc.kyc->additionalInfo);
    CHECK(spc.kyc->additionalInfo->parse().at("HostedURL") ==
          "https://virtual-provider-paltform.com/additionalKycHostedURL");
    REQUIRE(spc.kyc->onboardingMethod);
    CHECK(spc.kyc->onboardingMethod->onboardingType == "KYC_TOKEN_SHARE");
}

// ---- service providers ----------------------------------------------------------------------------------------

TEST_CASE("overlays: a provider with logos null, logos with null entries, a null name (REAL_WORLD.md)")
{
    using response = meld::endpoints::service_providers::search::response_type;
    static_assert(std::is_same_v<response, std::vector<sp::service_provider>>);  // catalog endpoints: bare arrays
    // Written to mirror REAL_WORLD.md "Odd data" (a provider with logos: null) and "Numbers, nulls, shapes"
    // (logos and each logo, name)
    auto const r = decode_ok<response>(R"([
  { "serviceProvider": "TOPPER", "name": "Topper", "status": "LIVE", "categories": ["CRYPTO_ONRAMP"], "logos": null },
  { "serviceProvider": "UNLIMIT", "name": null, "status": "LIVE",
    "logos": { "dark": null, "light": "https://images.meld.io/unlimit-light.png", "darkShort": null, "lightShort": null } }
])");
    REQUIRE(r.size() == 2);
    CHECK(r[0].name == "Topper");
    CHECK_FALSE(r[0].logos);
    CHECK_FALSE(r[1].name);
    REQUIRE(r[1].logos);
    CHECK_FALSE(r[1].logos->dark);
    CHECK(r[1].logos->light == "https://images.meld.io/unlimit-light.png");
    CHECK_FALSE(r[1].logos->lightShort);
}

TEST_CASE("overlays: payment methods with logos null (REAL_WORLD.md)")
{
    using response = meld::endpoints::service_providers::payment_methods::response_type;
    auto const r = decode_ok<response>(R"([
  { "paymentMethod": "CREDIT_DEBIT_CARD", "name": null, "paymentType": "CARD", "logos": null },
  { "paymentMethod": "PIX", "name": "Pix", "paymentType": "BANK_TRANSFER", "logos": { "dark": null, "light": null } }
])");
    REQUIRE(r.size() == 2);
    CHECK_FALSE(r[0].name);
    CHECK_FALSE(r[0].logos);
    REQUIRE(r[1].logos);
    CHECK_FALSE(r[1].logos->dark);
    CHECK_FALSE(r[1].logos->light);
}

TEST_CASE("overlays: crypto currencies named #REF!, chainId \"0\", contractAddress and name null (REAL_WORLD.md)")
{
    using response = meld::endpoints::service_providers::crypto_currencies::response_type;
    // Written to mirror REAL_WORLD.md "Odd data" and "Numbers, nulls, shapes"
    auto const r = decode_ok<response>(R"([
  { "currencyCode": "REF_ETHEREUM", "name": "#REF!", "chainCode": "ETHEREUM", "chainName": "Ethereum",
    "chainId": "0", "contractAddress": null, "symbolImageUrl": null },
  { "currencyCode": "USDC_BASE", "name": null, "chainCode": "BASE", "chainId": 8453,
    "contractAddress": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913" }
])");
    REQUIRE(r.size() == 2);
    CHECK(r[0].name == "#REF!");
    CHECK(r[0].chainId == "0");
    CHECK_FALSE(r[0].contractAddress);
    CHECK_FALSE(r[1].name);
    CHECK(r[1].chainId == "8453");
    CHECK(r[1].contractAddress == "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913");
}

TEST_CASE("overlays: countries with regions null and a null name (REAL_WORLD.md)")
{
    using response = meld::endpoints::service_providers::countries::response_type;
    auto const r = decode_ok<response>(R"([
  { "countryCode": "US", "name": "United States", "flagImageUrl": "https://images.meld.io/flags/us.svg",
    "regions": [ { "regionCode": "US-NY", "name": "New York" }, { "regionCode": "US-CA", "name": null } ] },
  { "countryCode": "GB", "name": null, "regions": null }
])");
    REQUIRE(r.size() == 2);
    REQUIRE(r[0].regions);
    REQUIRE(r[0].regions->size() == 2);
    CHECK((*r[0].regions)[0].regionCode == "US-NY");
    CHECK_FALSE((*r[0].regions)[1].name);
    CHECK_FALSE(r[1].name);
    CHECK_FALSE(r[1].regions);
}

// ---- network partners -----------------------------------------------------------------------------------------

TEST_CASE("overlays: network partners with logo null and name null (REAL_WORLD.md)")
{
    using response = meld::endpoints::network_partners::supported_partners::response_type;
    auto const r = decode_ok<response>(R"([
  { "serviceProvider": "TRANSAK", "name": null, "status": "LIVE", "logo": null },
  { "serviceProvider": "BANXA", "name": "Banxa", "logo": { "dark": null, "light": "https://images.meld.io/banxa.png",
    "darkShort": null, "lightShort": null } }
])");
    REQUIRE(r.size() == 2);
    CHECK_FALSE(r[0].name);
    CHECK_FALSE(r[0].logo);
    REQUIRE(r[1].logo);
    CHECK_FALSE(r[1].logo->dark);
    CHECK(r[1].logo->light == "https://images.meld.io/banxa.png");
}

// ---- bank linking ---------------------------------------------------------------------------------------------

TEST_CASE("overlays: account owners' emails as bare strings (account sample) and as objects (spec)")
{
    using response = meld::endpoints::bank_linking::accounts_get::response_type;
    // CATALOG.md 2.9.10, verbatim: emails are strings, region null, unsupported identifiers null
    auto const a = decode_ok<response>(R"({ "id": "W9ja25UmrZF25xbG22wdd", "accountId": "W9kbkRme9VT2iz6qdsaww2", "customerId": "W9ja24edcTHBks8h2e2dww",
  "institutionId": "Ntj3AwgdridJc2rasdssdd", "institutionName": "Chase", "status": "ACTIVE",
  "type": "DEPOSITORY", "subtype": "CHECKING", "name": "Checking", "truncatedAccountNumber": "1234",
  "identifiers": { "ach": { "accountNumber": "00100000034561234", "routingNumber": "023000797" },
                   "eft": null, "international": null, "bacs": null },
  "balances": { "currency": "USD", "currentAmount": 3578.41, "availableAmount": 3578.41, "updatedAt": "2022-03-08T23:19:23Z" },
  "owners": [ { "addresses": [ { "data": { "street": "123 Cherry Hill Lane", "city": "Palo Alto", "region": null,
        "postalCode": "94537-8038", "country": "USA", "full": "123 Cherry Hill Lane Palo Alto CA 94537-8038 USA" },
        "primary": "UNKNOWN" } ],
      "emails": ["gjones@hotmail.net"], "names": ["George Jones"], "phoneNumbers": null } ],
  "serviceProviderDetails": [] })");
    REQUIRE(a.owners);
    REQUIRE(a.owners->size() == 1);
    auto const& owner = a.owners->front();
    REQUIRE(owner.emails.has_value());
    REQUIRE(owner.emails->size() == 1);
    auto const* bare = std::get_if<std::string>(&owner.emails->front());
    REQUIRE(bare);
    CHECK(*bare == "gjones@hotmail.net");
    CHECK_FALSE(owner.phoneNumbers);
    REQUIRE(owner.addresses);
    CHECK_FALSE(owner.addresses->front().data->region);
    CHECK(owner.addresses->front().data->country == "USA");  // alpha-3 in the sample, kept
    REQUIRE(a.identifiers);
    CHECK(a.identifiers->ach->routingNumber == "023000797");
    CHECK_FALSE(a.identifiers->eft);
    CHECK_FALSE(a.identifiers->international);
    CHECK_FALSE(a.identifiers->bacs);

    // CATALOG.md 2.9.0 / 7.1 #14: {data, primary} in the spec and mapping tables; primary `true` in the Plaid
    // mapping example
    auto const b = decode_ok<bl::financial_account_owner>(
        R"({ "emails": [ { "data": "gjones@hotmail.net", "primary": "UNKNOWN" }, { "data": "george@example.com", "primary": true } ],
             "names": ["George Jones"] })");
    REQUIRE(b.emails.has_value());
    REQUIRE(b.emails->size() == 2);
    auto const* first = std::get_if<bl::email>(&(*b.emails)[0]);
    REQUIRE(first);
    CHECK(first->data == "gjones@hotmail.net");
    CHECK(first->primary->get() == bl::address_primary::UNKNOWN);
    auto const* second = std::get_if<bl::email>(&(*b.emails)[1]);
    REQUIRE(second);
    CHECK(second->data == "george@example.com");
    CHECK(second->primary->str() == "true");  // a JSON bool where the spec says "TRUE": its text, kept
}

TEST_CASE("overlays: bank transactions with payee, recurring, date-only dates, postedDate null")
{
    using response = meld::endpoints::bank_linking::transactions_search::response_type;
    // CATALOG.md 2.9.12 sample item (category "Fee"), plus recurring=TRUE (transactions guide) and a pending
    // one with postedDate null; Salt Edge mapping example values (amount -22.40, EUR, date-only dates) with payee
    auto const r = decode_ok<response>(R"({ "financialAccountTransactions": [
  { "id": "W9ja24xnWMVFc1s7D3rewfw", "accountId": "W9kbkRme9VT2iz623efee", "customerId": "W9ja24edcTHBks8hz2cvvf",
    "financialAccountId": "W9ja25UmrZF25xb2E3WSQ", "amount": 2018.27, "currency": "USD",
    "description": "Payment to Chase card ending in 1234", "status": "POSTED", "category": "Fee",
    "transactionDate": "2022-02-28T11:00:00Z", "postedDate": "2022-02-28T11:00:00Z", "serviceProviderDetails": [],
    "recurring": "TRUE", "key": "k1" },
  { "id": "W9ja24xnWMVFc1s7D3rewfx", "amount": 12.00, "currency": "USD", "status": "PENDING",
    "transactionDate": "2022-03-01T11:00:00Z", "postedDate": null, "recurring": false, "key": "k2" },
  { "id": "W9ja24xnWMVFc1s7D3rewfy", "amount": -22.40, "currency": "EUR", "status": "POSTED",
    "transactionDate": "2024-08-10", "postedDate": "2024-08-11", "payee": "Coffee Shop Berlin", "key": "k3" } ],
  "count": 3, "remaining": 0 })");
    REQUIRE(r.financialAccountTransactions);
    auto const& t = *r.financialAccountTransactions;
    REQUIRE(t.size() == 3);
    CHECK(t[0].recurring == "TRUE");
    CHECK_FALSE(t[0].recurringStatus);
    CHECK(t[0].category->str() == "Fee");  // the spec spells it FEE: kept raw
    CHECK(t[1].recurring == "false");  // a JSON bool: its text
    CHECK_FALSE(t[1].postedDate);
    CHECK(t[2].payee == "Coffee Shop Berlin");
    CHECK(t[2].amount->text() == "-22.40");
    CHECK(t[2].transactionDate->text() == "2024-08-10");
    CHECK(t[2].postedDate->text() == "2024-08-11");
    CHECK_FALSE(t[2].recurring);
}

TEST_CASE("overlays: investment holdings carry currency or currencyCode, and updatedAt")
{
    using response = meld::endpoints::bank_linking::investments_holdings_search::response_type;
    // CATALOG.md 2.9.14 sample (currency; lower-case type; 20 fraction digits), then the Plaid holdings
    // mapping example (currencyCode, updatedAt) as a row
    auto const r = decode_ok<response>(R"({ "investmentHoldings": [
  { "id": "WQ57LwnwzUo5WMM5Fi7nn2", "accountId": "W9kbkRme9VT2iz6qRT3212", "customerId": "WQ43wxs1bjUhohY8ekjeje",
  "financialAccountId": "WQ44KLVNHt9ARfp7aRWCC4", "symbol": "RKLB", "description": "Rocket Lab USA",
  "quantity": 2.00000000000000000000, "currentValue": 11.12000000000000000000, "costBasis": 11.11000000000000000000,
  "currency": "USD", "isin": "US7731221062", "cusip": "773122106", "type": "stock", "serviceProviderDetails": [] },
  { "id": "WQ57LwnwzUo5WMM5Fi7nn3", "symbol": "AAPL", "quantity": 10, "currentValue": 1850.50, "currencyCode": "USD",
    "updatedAt": "2024-01-15", "closePrice": null, "isin": null, "cusip": null, "description": null } ],
  "count": 2, "remaining": 0 })");
    REQUIRE(r.investmentHoldings);
    auto const& h = *r.investmentHoldings;
    REQUIRE(h.size() == 2);
    CHECK(h[0].currency == "USD");
    CHECK_FALSE(h[0].currencyCode);
    CHECK(h[0].quantity->text() == "2.00000000000000000000");
    CHECK(h[0].type->str() == "stock");  // lower-case in the sample (CATALOG.md 7.1 #12): kept raw
    CHECK_FALSE(h[1].currency);
    CHECK(h[1].currencyCode == "USD");
    REQUIRE(h[1].updatedAt);
    CHECK(h[1].updatedAt->text() == "2024-01-15");
    CHECK_FALSE(h[1].closePrice);
    CHECK_FALSE(h[1].isin);
}

TEST_CASE("overlays: investment transactions carry cashBalance")
{
    using response = meld::endpoints::bank_linking::investments_transactions_get::response_type;
    // CATALOG.md 2.9.16 sample, plus cashBalance (CATALOG.md 2.9.0; Plaid mapping: cash left after the trade)
    auto const t = decode_ok<response>(R"({ "id": "WQ57iFJpqR524P82QZrFiW", "accountId": "W9kbkRme9VT2iz6qRT3212", "customerId": "WQ43wxs1bjUhohY8ekjeje",
  "financialAccountId": "WQ44KLVNHt9ARfp7aRWCC4", "amount": 11.11000000000000000000, "currency": "USD",
  "description": "Rocket Lab USA Limit Buy", "transactionDate": "2023-06-16T00:00:00Z", "postedDate": "2023-06-16T00:00:00Z",
  "symbol": "RKLB", "quantity": 2.00000000000000000000, "costBasis": 5.56000000000000000000, "type": "buy",
  "status": "POSTED", "serviceProviderDetails": [], "cashBalance": 988.89 })");
    REQUIRE(t.cashBalance);
    CHECK(t.cashBalance->text() == "988.89");
    CHECK(t.type->str() == "buy");
    CHECK_FALSE(t.type->is_known());
    CHECK(t.status->get() == bl::financial_account_investment_transaction_status::POSTED);

    auto const nulled = decode_ok<response>(R"({ "id": "x", "symbol": null, "quantity": null, "costBasis": null, "cashBalance": null })");
    CHECK_FALSE(nulled.symbol);
    CHECK_FALSE(nulled.quantity);
    CHECK_FALSE(nulled.cashBalance);
}

TEST_CASE("overlays: connections with regions null, no duplicates, a status outside the documented list")
{
    using response = meld::endpoints::bank_linking::connections_get::response_type;
    // Written to mirror REAL_WORLD.md (regions null) and CATALOG.md 2.9.0 / 4.8 / 7.1 #9
    auto const c = decode_ok<response>(
        R"({ "id": "WQ46XEVzT14vrrDq6LSJVg", "customerId": "WQ46XDrYYMYre9RBkwayyZ", "status": "CUSTOMER_ACTION_REQUIRED",
             "statusReason": null, "duplicateConnectionIds": null, "activeDuplicateConnectionId": null, "regions": null,
             "serviceProviderDetails": { "serviceProvider": "PLAID", "serviceProviderConnectionId": "NXrZpLwd1eUQQ" } })");
    CHECK(c.status == "CUSTOMER_ACTION_REQUIRED");
    CHECK_FALSE(c.statusReason);
    CHECK_FALSE(c.duplicateConnectionIds);
    CHECK_FALSE(c.regions);
    REQUIRE(c.serviceProviderDetails);
    CHECK(c.serviceProviderDetails->parse().at("serviceProvider") == "PLAID");
}
