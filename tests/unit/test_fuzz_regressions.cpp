// Regression tests for what the libFuzzer targets in fuzz/ found (fuzz/README.md), one case per finding, each
// with the input as literal text (the inputs are also seeds of the corpora, fuzz/make_corpus.py).
#include <meld/detail/http_request.hpp>
#include <meld/detail/pipeline/redact.hpp>
#include <meld/detail/response_classifier.hpp>
#include <meld/diagnostics.hpp>
#include <meld/generated/models/crypto.hpp>
#include <meld/json/decode.hpp>
#include <meld/raw_json.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

// The fake key of fuzz/classify_fuzz.cpp.
constexpr char const* fake_key = "fzk8Qw3LidXy:Zq7rTsecretVALUE9xK2";
constexpr char const* fake_auth = "BASIC fzk8Qw3LidXy:Zq7rTsecretVALUE9xK2";

}  // namespace

// fuzz/classify_fuzz.cpp, 2026-12-04 (invariant "the quoted content type ends inside a secret"). A 2xx answer
// with a non-JSON content type: classify_response quotes its first 80 characters in the client message; when a
// secret straddles character 80, the redactor (which replaces whole secrets) leaves its first part in the
// message and in summary(). Header values cut at their capacity are already guarded (contains_secret_or_cut);
// this quote was not. Fixed in detail/response_classifier.hpp: a media type is quoted whole or not at all. The fuzzer's minimized input was
// "218\n4n@B64@e\"@KEY@\n\ne" (status 218, Content-Type "4n" + base64(key) + "e\"" + key, body "e"); after
// redaction the summary ends "got '4n[REDACTED]e"[REDACTED]:Zq7rTsecretVALUE9xK' (HTTP 218)": 19 of the
// secret's 20 characters.
TEST_CASE("fuzz regression: a content type quoted in the client message is not cut inside a secret",
          "[fuzz][classifier]")
{
    meld::detail::raw_response r;
    r.status = 218;
    r.content_type = "4nZnprOFF3M0xpZFh5OlpxN3JUc2VjcmV0VkFMVUU5eEsye\"fzk8Qw3LidXy:Zq7rTsecretVALUE9xK2";
    r.body = "e";
    meld::diagnostics d;
    meld::detail_access::set_http_status(d, r.status);
    CHECK(meld::detail::classify_response(r, d) == meld::client_errc::unexpected_content_type);
    meld::detail::pipeline::redactor red;
    red.add_credential(fake_key, fake_auth);
    meld::detail_access::redact(d, red);
    CHECK(d.summary().find("Zq7rTs") == std::string::npos);  // any 6+ characters of the secret
    CHECK_FALSE(red.contains_secret_or_cut(d.client_message().substr(0, d.client_message().rfind("' (HTTP"))));
}

// fuzz/oneof_fuzz.cpp, 2026-12-04 (invariant "oneOf: the alternative is not the one its discriminator names").
// A discriminated oneOf whose subtree nests deeper than 32 levels: finish_variant looks the tag up in a
// Boost.JSON DOM parsed with the default max_depth (32), the parse fails, the tag is ignored and the
// alternatives are tried; ACH and LOCAL_BANK_TRANSFER have the same members, so the first (ACH) wins although
// the tag says LOCAL_BANK_TRANSFER. Fixed in json/detail/sinks.hpp (the tag lookup parses as deep as decode).
TEST_CASE("fuzz regression: a oneOf discriminator is honoured in a subtree nested deeper than 32 levels",
          "[fuzz][decode]")
{
    constexpr char const* input =
        R"({"receivingBankInformation":{"paymentMethodType":"LOCAL_BANK_TRANSFER","accountNumber":"1",)"
        R"("x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}})";
    meld::crypto::virtual_account_onramp_order_response out;
    REQUIRE_FALSE(meld::json::decode(input, out));
    REQUIRE(out.receivingBankInformation.has_value());
    CHECK(out.receivingBankInformation->index() == 1);  // LOCAL_BANK_TRANSFER (gets 0, ACH)
}

// fuzz/quote_fuzz.cpp and transactions_fuzz.cpp, 2026-12-04 (invariant "raw_json: parse() throws on decoded
// text", from the adversarial seeds adv_deep-error / adv_raw-deep). The decoder keeps subtrees up to 64 levels
// deep, raw_json::parse() refused more than 32 (Boost.JSON's default). Fixed in raw_json.hpp.
TEST_CASE("fuzz regression: raw_json::parse() parses every subtree the decoder kept", "[fuzz][raw_json]")
{
    constexpr char const* input = R"({"quotes":null,"error":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})";
    meld::crypto::crypto_quote_response out;
    REQUIRE_FALSE(meld::json::decode(input, out));
    REQUIRE(out.error.has_value());
    CHECK_NOTHROW(out.error->parse());
    CHECK(out.error->parse().is_array());
}

// fuzz/classify_fuzz.cpp, 2026-12-04 (invariant "code() is not the body's code/error", adversarial seed
// adv_deep-40). An error body nesting deeper than 32 levels (a provider's raw error passed through) was taken
// for "not JSON": code, message, errors were lost. Fixed in impl/diagnostics.ipp (max_depth 64, as the decoder).
TEST_CASE("fuzz regression: an error body nested deeper than 32 levels keeps its fields", "[fuzz][diagnostics]")
{
    std::string const body =
        R"({"code":"BAD_REQUEST","message":"Bad request","errors":["[amount] too low"],"requestId":"r1",)"
        R"("serviceProviderDetails":{"error":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{"message":"deep"}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}})";
    meld::diagnostics d;
    meld::detail_access::set_http_error(d, 400, body);
    CHECK(d.code() == "BAD_REQUEST");
    CHECK(d.message() == "Bad request");
    CHECK(d.errors().size() == 1);
    CHECK(d.request_id() == "r1");
    CHECK(d.summary() == "HTTP 400 BAD_REQUEST: Bad request ([amount] too low) requestId=r1");
}
