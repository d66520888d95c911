// Unit tests of tolerant decoding (json/decode_report.hpp) and of the public decode API (<meld/decode.hpp>):
// values of an unexpected JSON type at several depths of several generated models leave their member empty,
// the response is delivered, each warning names its JSON pointer, strict mode fails, memory stays bounded;
// and the same decode fed in pieces, as a call decodes its body while it arrives (json/detail/stream_decoder.hpp).
#include <meld/decode.hpp>
#include <meld/detail/pipeline/redact.hpp>
#include <meld/generated/models/crypto.hpp>
#include <meld/generated/models/payments.hpp>
#include <meld/generated/models/service_providers.hpp>
#include <meld/json/detail/stream_decoder.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using meld::json::decode_options;
using meld::json::decode_report;

namespace {

/// Decodes tolerantly and returns the warnings' paths.
template <class T>
std::vector<std::string> paths_of(std::string_view json, T& out, decode_report& report)
{
    REQUIRE_FALSE(meld::json::decode(json, out, decode_options{}, &report));
    std::vector<std::string> paths;
    for (auto const& w : report.warnings)
        paths.push_back(w.path);
    return paths;
}

// The documented quote example with values Meld has changed the type of, at several depths.
constexpr char const* odd_quote = R"({"quotes":[
  {"sourceAmount":100.00,"destinationAmount":0.00105423,"serviceProvider":"TOPPER",
   "rampIntelligence":{"rampScore":21.66,"lowKyc":false,"previouslyUsed":true}},
  {"sourceAmount":"about a hundred","destinationAmount":{"value":1},"totalFee":[1,2],
   "rampIntelligence":{"rampScore":"high","lowKyc":{"sometimes":true}},"isNativeAvailable":"perhaps",
   "serviceProvider":"BANXA","sourceCurrencyCode":{"code":"USD"}},
  7,
  {"sourceAmount":50,"serviceProvider":"MOONPAY"}],
 "message":["not","a","string"],"error":null,"timestamp":false})";

}  // namespace

TEST_CASE("decode tolerance: a quote with wrong-typed values at every depth is delivered, each warning named")
{
    meld::crypto::crypto_quote_response r;
    decode_report report;
    auto const paths = paths_of(odd_quote, r, report);
    CHECK(paths == std::vector<std::string>{
                       "/quotes/0/rampIntelligence/previouslyUsed",
                       "/quotes/1/sourceAmount",
                       "/quotes/1/destinationAmount",
                       "/quotes/1/totalFee",
                       "/quotes/1/rampIntelligence/rampScore",
                       "/quotes/1/rampIntelligence/lowKyc",
                       "/quotes/1/isNativeAvailable",
                       "/quotes/1/sourceCurrencyCode",
                       "/quotes/2",
                       "/message",
                       "/timestamp",
                   });
    CHECK(report.total == paths.size());

    // the rest of the response is there, exact
    REQUIRE(r.quotes);
    REQUIRE(r.quotes->size() == 3);  // the bare 7 was dropped, the three objects kept
    auto const& q0 = (*r.quotes)[0];
    CHECK(q0.sourceAmount->text() == "100.00");
    CHECK(q0.destinationAmount->text() == "0.00105423");
    CHECK(q0.rampIntelligence->rampScore->text() == "21.66");
    CHECK(q0.rampIntelligence->lowKyc == false);
    CHECK_FALSE(q0.rampIntelligence->previouslyUsed);  // the boolean where a date-time belongs: left empty
    auto const& q1 = (*r.quotes)[1];
    CHECK_FALSE(q1.sourceAmount);
    CHECK_FALSE(q1.destinationAmount);
    CHECK_FALSE(q1.totalFee);
    CHECK_FALSE(q1.isNativeAvailable);
    CHECK_FALSE(q1.sourceCurrencyCode);
    CHECK_FALSE(q1.rampIntelligence->rampScore);
    CHECK_FALSE(q1.rampIntelligence->lowKyc);
    CHECK(q1.serviceProvider->str() == "BANXA");  // the members after the odd ones are decoded
    CHECK((*r.quotes)[2].serviceProvider->str() == "MOONPAY");
    CHECK((*r.quotes)[2].sourceAmount->text() == "50");
    CHECK_FALSE(r.message);
    CHECK_FALSE(r.timestamp);

    // what was expected and what came
    auto const& w = report.warnings;
    CHECK(w[0].expected == "a date-time string");
    CHECK(w[0].raw == "true");
    CHECK(w[1].expected == "a number");
    CHECK(w[1].raw == R"("about a hundred")");
    CHECK(w[2].raw == R"({"value":1})");
    CHECK(w[3].raw == "[1,2]");
    CHECK(w[5].raw == R"({"sometimes":true})");
    CHECK(w[8].expected == "an object");
    CHECK(w[8].raw == "7");
    CHECK(w[9].raw == R"(["not","a","string"])");
}

TEST_CASE("decode tolerance: strict mode turns the first tolerated value into decode_failed, naming its path")
{
    meld::crypto::crypto_quote_response r;
    std::string message;
    CHECK(meld::json::decode(odd_quote, r, decode_options{.strict = true}, nullptr, &message) ==
          meld::client_errc::decode_failed);
    CHECK(message == "$.quotes[0].rampIntelligence.previouslyUsed: expected a date-time string, got a boolean");
}

TEST_CASE("decode tolerance: syntax errors, truncation and a top-level value of the wrong kind still fail")
{
    meld::crypto::crypto_quote_response r;
    decode_report report;
    for (char const* bad : {R"({"quotes":[)", R"({"quotes":[{"sourceAmount":1}])", "[]", "\"text\"", "12", "{\"a\":}"}) {
        INFO(bad);
        CHECK(meld::json::decode(bad, r, decode_options{}, &report) == meld::client_errc::decode_failed);
    }
}

TEST_CASE("decode tolerance: a million wrong-typed members cost bounded memory for warnings")
{
    std::string json = R"({"transactions":[)";
    constexpr std::size_t rows = 1'000'000;
    for (std::size_t i = 0; i < rows; ++i) {
        if (i != 0)
            json += ',';
        json += R"({"id":{"x":1}})";  // an object where a string belongs
    }
    json += "]}";
    meld::payments::payment_transaction_list_response page;
    decode_report report;
    REQUIRE_FALSE(meld::json::decode(json, page, decode_options{.max_warnings = 8}, &report));
    CHECK(report.total == rows);
    CHECK(report.warnings.size() == 8);
    CHECK(report.warnings[7].path == "/transactions/7/id");
    REQUIRE(page.transactions);
    CHECK(page.transactions->size() == rows);  // the rows are delivered, without their odd ids
    CHECK_FALSE(page.transactions->front().id);
}

TEST_CASE("decode tolerance: raw text is cut at 64 bytes; JSON pointers escape '~' and '/'")
{
    meld::crypto::crypto_quote_response r;
    decode_report report;
    std::string const long_value = R"({"message":{"k":")" + std::string(200, 'x') + R"("}})";
    REQUIRE_FALSE(meld::json::decode(long_value, r, decode_options{}, &report));
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].raw.size() == decode_report::max_raw_bytes + 3);
    CHECK(report.warnings[0].raw.substr(0, 8) == R"({"k":"xx)");
    CHECK(report.warnings[0].raw.substr(report.warnings[0].raw.size() - 3) == "...");

    std::map<std::string, meld::decimal, std::less<>> rates;
    report.clear();
    REQUIRE_FALSE(meld::json::decode(R"({"a/b":1,"c~d":"not a number","e":2})", rates, decode_options{}, &report));
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].path == "/c~0d");
    CHECK(rates.at("a/b").text() == "1");
    CHECK(rates.at("e").text() == "2");
}

TEST_CASE("decode tolerance: catalog arrays with odd rows (service-provider search)")
{
    std::vector<meld::service_providers::service_provider> providers;
    decode_report report;
    auto const paths = paths_of(R"([{"serviceProvider":"TOPPER","name":"Topper","logos":null},
                                    {"serviceProvider":"BANXA","name":{"en":"Banxa"},"status":"LIVE"},
                                    "MOONPAY"])",
                                providers, report);
    CHECK(paths == std::vector<std::string>{"/1/name", "/2"});
    REQUIRE(providers.size() == 2);
    CHECK(*providers[0].name == "Topper");
    CHECK_FALSE(providers[1].name);
}

// ---- the public decode API -----------------------------------------------------------------------------

TEST_CASE("public decode: meld::json::decode<T>(text) and decode(text, out, diag) give a call's guarantees")
{
    auto const q = meld::json::decode<meld::crypto::crypto_quote_response>(
        R"({"quotes":[{"sourceAmount":100.00,"destinationAmount":0.00105423,"serviceProvider":"TOPPER"}]})");
    CHECK((*q.quotes)[0].destinationAmount->text() == "0.00105423");

    meld::diagnostics diag;
    meld::crypto::crypto_quote_response r;
    CHECK_FALSE(meld::json::decode(odd_quote, r, diag));
    CHECK(diag.decode_warning_count() == 11);
    CHECK(diag.decode_warnings()[0].path == "/quotes/0/rampIntelligence/previouslyUsed");

    CHECK(meld::json::decode(odd_quote, r, diag, {.strict = true}) == meld::client_errc::decode_failed);
    CHECK(diag.client_message().find("previouslyUsed") != std::string_view::npos);

    try {
        (void)meld::json::decode<meld::crypto::crypto_quote_response>("[1,2]");
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::client_errc::decode_failed);
        CHECK(std::string(e.what()).find("expected an object") != std::string::npos);
    }
}

TEST_CASE("public decode: error_from_answer gives the typed error and diagnostics a call would give")
{
    meld::diagnostics diag;
    auto ec = meld::error_from_answer(
        400, R"({"code":"BAD_REQUEST","message":"Bad request","errors":["[amount] Must be a decimal value greater than zero"],"requestId":"eb6aaa76bd7103cf6c5b090610c31913","timestamp":"2022-01-19T20:32:30.784928Z"})",
        diag);
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(diag.http_status() == 400);
    CHECK(diag.code() == "BAD_REQUEST");
    CHECK(diag.request_id() == "eb6aaa76bd7103cf6c5b090610c31913");
    CHECK(diag.errors().at(0) == "[amount] Must be a decimal value greater than zero");

    ec = meld::error_from_answer(400, R"({"quotes":null,"error":"No Valid Quote Combinations Found"})", diag);
    CHECK(ec == meld::api_errc::bad_request);
    CHECK(diag.code() == "No Valid Quote Combinations Found");

    CHECK(meld::error_from_answer(502, "<html>bad gateway</html>", diag, "text/html") == meld::api_errc::bad_gateway);
    CHECK(diag.raw_body() == "<html>bad gateway</html>");
    CHECK(meld::error_from_answer(200, "<html/>", diag, "text/html") == meld::client_errc::unexpected_content_type);
    CHECK(meld::error_from_answer(302, "", diag) == meld::client_errc::redirect_refused);
    CHECK_FALSE(meld::error_from_answer(200, "{}", diag));
}

TEST_CASE("decode tolerance: a warning's raw text cut inside a secret is redacted whole")
{
    std::string const key = "keyid123:SECRETsecretSECRETsecret99";
    meld::detail::pipeline::redactor r;
    r.add_credential(key, "BASIC " + key);
    // the raw value is cut at 64 bytes, in the middle of the echoed key
    std::string const json = R"({"message":{"echo":")" + std::string(40, 'p') + key + R"("}})";
    meld::diagnostics diag;
    meld::crypto::crypto_quote_response out;
    REQUIRE_FALSE(meld::json::decode(json, out, diag));
    REQUIRE(diag.decode_warning_count() == 1);
    CHECK(diag.decode_warnings()[0].raw.find("SECRET") != std::string::npos);  // before redaction: a fragment
    meld::detail_access::redact(diag, r);
    CHECK(diag.decode_warnings()[0].raw == "[REDACTED]");
}

// ---- the same decode fed in pieces (json/detail/stream_decoder.hpp: how a call decodes its 2xx body) ----------

namespace {

/// Feeds `json` to a stream_decoder `piece` bytes at a time (the last piece marked as such when `mark_last`,
/// as for a body with a Content-Length); returns end()'s result.
template <class T>
meld::error_code stream_decode(std::string_view json, std::size_t piece, T& out, decode_options options,
                               decode_report* report, std::string* message, bool mark_last = false)
{
    meld::json::detail::stream_decoder<T> dec(out, options);
    dec.begin();
    for (std::size_t at = 0; at < json.size(); at += piece)
        dec.write(json.substr(at, piece), mark_last && at + piece >= json.size());
    auto const ec = dec.end();
    if (report != nullptr)
        *report = std::move(dec.report());
    if (message != nullptr)
        *message = dec.message();
    return ec;
}

}  // namespace

TEST_CASE("stream decode: any split of the bytes gives the one-shot decode, warnings included")
{
    meld::crypto::crypto_quote_response whole;
    decode_report whole_report;
    REQUIRE_FALSE(meld::json::decode(odd_quote, whole, decode_options{}, &whole_report));
    for (auto [piece, mark_last] : {std::pair<std::size_t, bool>{1, false}, {2, false}, {3, true}, {7, false},
                                    {64, true}, {100000, false}, {100000, true}}) {
        CAPTURE(piece, mark_last);
        meld::crypto::crypto_quote_response r;
        decode_report report;
        std::string message;
        REQUIRE_FALSE(stream_decode(odd_quote, piece, r, decode_options{}, &report, &message, mark_last));
        CHECK(message.empty());
        REQUIRE(r.quotes);
        REQUIRE(r.quotes->size() == 3);
        CHECK((*r.quotes)[0].destinationAmount->text() == "0.00105423");
        CHECK((*r.quotes)[0].rampIntelligence->rampScore->text() == "21.66");
        CHECK((*r.quotes)[1].serviceProvider->str() == "BANXA");
        CHECK((*r.quotes)[2].sourceAmount->text() == "50");
        REQUIRE(report.warnings.size() == whole_report.warnings.size());
        for (std::size_t i = 0; i < report.warnings.size(); ++i) {
            CHECK(report.warnings[i].path == whole_report.warnings[i].path);
            CHECK(report.warnings[i].expected == whole_report.warnings[i].expected);
            CHECK(report.warnings[i].raw == whole_report.warnings[i].raw);
        }
        CHECK(report.total == whole_report.total);
    }
}

TEST_CASE("stream decode: errors are the one-shot decode's, wherever the bytes are cut")
{
    struct bad_case {
        std::string_view json;
        decode_options options;
    };
    for (auto const& [json, options] : {
             bad_case{R"({"quotes":[{"sourceAmount":1}])", {}},          // truncated
             bad_case{R"({"quotes":[{"sourceAmount":1,}]})", {}},        // syntax error in the middle
             bad_case{R"({"quotes":[]} {"quotes":[]})", {}},             // data after the value
             bad_case{"[]", {}},                                         // the wrong kind at the top
             bad_case{odd_quote, decode_options{.strict = true}},        // strict: the first odd value
         }) {
        CAPTURE(json);
        meld::crypto::crypto_quote_response one_shot;
        std::string expected;
        REQUIRE(meld::json::decode(json, one_shot, options, nullptr, &expected) == meld::client_errc::decode_failed);
        for (std::size_t piece : {1, 5, 100000}) {
            for (bool mark_last : {false, true}) {
                CAPTURE(piece, mark_last);
                meld::crypto::crypto_quote_response r;
                std::string message;
                CHECK(stream_decode(json, piece, r, options, nullptr, &message, mark_last) ==
                      meld::client_errc::decode_failed);
                CHECK(message == expected);
            }
        }
    }
}

TEST_CASE("stream decode: begin() starts over; an empty body is null")
{
    meld::crypto::crypto_quote_response r;
    meld::json::detail::stream_decoder<meld::crypto::crypto_quote_response> dec(r, decode_options{});
    dec.begin();
    dec.write(R"({"quotes":[{"sourceAmount":1)");  // a truncated attempt, then the retry's whole body
    dec.begin();
    CHECK_FALSE(r.quotes);
    dec.write(R"({"quotes":[{"sourceAmount":2.50}],"message":"ok"})");
    REQUIRE_FALSE(dec.end());
    REQUIRE(r.quotes);
    REQUIRE(r.quotes->size() == 1);
    CHECK((*r.quotes)[0].sourceAmount->text() == "2.50");
    CHECK(r.message == "ok");

    meld::crypto::crypto_quote_response empty;
    meld::json::detail::stream_decoder<meld::crypto::crypto_quote_response> none(empty, decode_options{});
    none.begin();
    CHECK_FALSE(none.end());  // null: the default value
    CHECK_FALSE(empty.quotes);
}
