// tests/unit/test_webhooks.cpp — webhook signature verification, typed events, dedupe, the receiver flow.
#include <meld/webhook.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace wh = meld::webhooks;
using namespace std::chrono_literals;

namespace {

// The documented test vector.
constexpr std::string_view vector_secret = "42m4NMLS34WQ6BbMfo1KFKqMv4hy";
constexpr std::string_view vector_url = "https://example.meld.io/webhooks";
constexpr std::string_view vector_timestamp = "2022-05-26T20:25:17.682818Z";
constexpr std::string_view vector_body =
    R"({"eventType":"WEBHOOK_TEST","eventId":"GDtv8pQgwzc9HuFFBQFrww","timestamp":"2022-05-26T20:23:45.908400Z",)"
    R"("accountId":"W9jpQc1HKvwscqMPcLmzUS","profileId":null,"version":"2021-10-27",)"
    R"("payload":{"requestId":"7aWW1GXTjWCCtNubzvVX7V"}})";
constexpr std::string_view vector_signature = "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg=";

std::chrono::system_clock::time_point at(std::string_view ts)
{
    auto const t = meld::timestamp(ts).time_point();
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(t.time_since_epoch()));
}

wh::verify_params vector_params(std::chrono::system_clock::time_point now = at(vector_timestamp))
{
    return {.secrets = {std::string(vector_secret)}, .url = std::string(vector_url), .clock = [now] { return now; }};
}

meld::error_code check(wh::verify_params const& p, std::string_view sig = vector_signature,
                     std::string_view ts = vector_timestamp, std::string_view body = vector_body)
{
    return wh::verify(p, sig, ts, body);
}

}  // namespace

TEST_CASE("webhooks: the documented test vector verifies")
{
    CHECK_FALSE(check(vector_params()));
    CHECK(wh::sign(vector_secret, vector_url, vector_timestamp, vector_body) == vector_signature);
}

TEST_CASE("webhooks: every tampering is rejected with its error")
{
    auto const p = vector_params();

    SECTION("one byte of the body changed")
    {
        std::string body(vector_body);
        body[body.find("7aWW")] = '8';
        CHECK(check(p, vector_signature, vector_timestamp, body) == wh::webhook_errc::signature_mismatch);
        body = std::string(vector_body) + " ";  // even trailing whitespace
        CHECK(check(p, vector_signature, vector_timestamp, body) == wh::webhook_errc::signature_mismatch);
    }
    SECTION("the URL with a trailing slash (or any other URL)")
    {
        auto q = p;
        q.url += '/';
        CHECK(check(q) == wh::webhook_errc::signature_mismatch);
        q.url = "http://example.meld.io/webhooks";
        CHECK(check(q) == wh::webhook_errc::signature_mismatch);
    }
    SECTION("the timestamp shifted, within the tolerance (same instant, other text too)")
    {
        CHECK(check(p, vector_signature, "2022-05-26T20:25:17.682819Z") == wh::webhook_errc::signature_mismatch);
        CHECK(check(p, vector_signature, "2022-05-26T20:25:17.682818000Z") == wh::webhook_errc::signature_mismatch);
        CHECK(check(p, vector_signature, "2022-05-26T20:25:18.682818Z") == wh::webhook_errc::signature_mismatch);
    }
    SECTION("the timestamp shifted beyond the tolerance")
    {
        CHECK(check(p, vector_signature, "2022-05-26T20:35:17.682818Z") ==
              wh::webhook_errc::timestamp_out_of_tolerance);
    }
    SECTION("padding stripped")
    {
        auto const sig = std::string(vector_signature.substr(0, vector_signature.size() - 1));
        CHECK(check(p, sig) == wh::webhook_errc::bad_signature_encoding);
    }
    SECTION("another secret")
    {
        auto q = p;
        q.secrets = {"42m4NMLS34WQ6BbMfo1KFKqMv4hz"};
        CHECK(check(q) == wh::webhook_errc::signature_mismatch);
    }
    SECTION("malformed base64url")
    {
        std::string sig(vector_signature);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt+0w3LLA3Zkv8hXhafc22Hg=") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt/0w3LLA3Zkv8hXhafc22Hg=") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg==") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22H==") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg ") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hh=") == wh::webhook_errc::bad_signature_encoding)
            ;  // non-zero unused bits: not the canonical encoding
        CHECK(check(p, "O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hk=") == wh::webhook_errc::signature_mismatch);
        CHECK(check(p, "not base64") == wh::webhook_errc::bad_signature_encoding);
        CHECK(check(p, "AAAA") == wh::webhook_errc::bad_signature_encoding);  // valid base64url, wrong length
        sig[0] = '\0';
        CHECK(check(p, sig) == wh::webhook_errc::bad_signature_encoding);
    }
    SECTION("missing and malformed headers")
    {
        CHECK(check(p, "") == wh::webhook_errc::missing_signature);
        CHECK(check(p, vector_signature, "") == wh::webhook_errc::missing_timestamp);
        CHECK(check(p, vector_signature, "yesterday") == wh::webhook_errc::malformed_timestamp);
        CHECK(check(p, vector_signature, "2022-05-26T20:25:17.6828181234Z") == wh::webhook_errc::malformed_timestamp);
        CHECK(check(p, vector_signature, "1653596717") == wh::webhook_errc::malformed_timestamp);
    }
    SECTION("body too large, no secret")
    {
        auto q = p;
        q.max_body_size = vector_body.size() - 1;
        CHECK(check(q) == wh::webhook_errc::body_too_large);
        q.max_body_size = vector_body.size();
        CHECK_FALSE(check(q));
        q.secrets = {};
        CHECK(check(q) == wh::webhook_errc::no_secret);
        q.secrets = {""};
        CHECK(check(q) == wh::webhook_errc::no_secret);
    }
}

TEST_CASE("webhooks: tolerance through the injected clock")
{
    auto const signed_at = at(vector_timestamp);
    CHECK_FALSE(check(vector_params(signed_at + 5min)));
    CHECK_FALSE(check(vector_params(signed_at - 5min)));
    CHECK(check(vector_params(signed_at + 5min + 1us)) == wh::webhook_errc::timestamp_out_of_tolerance);
    CHECK(check(vector_params(signed_at - 5min - 1us)) == wh::webhook_errc::timestamp_out_of_tolerance);
    CHECK(check(vector_params(std::chrono::system_clock::time_point{})) == wh::webhook_errc::timestamp_out_of_tolerance);
    CHECK(check(vector_params(std::chrono::system_clock::time_point::max())) ==
          wh::webhook_errc::timestamp_out_of_tolerance);
    CHECK(check(vector_params(std::chrono::system_clock::time_point::min())) ==
          wh::webhook_errc::timestamp_out_of_tolerance);

    auto p = vector_params(signed_at + 1h);
    p.tolerance = 2h;
    CHECK_FALSE(check(p));
    p.tolerance = 30s;
    CHECK(check(p) == wh::webhook_errc::timestamp_out_of_tolerance);

    // The default clock is the system clock: the 2022 vector is stale now.
    auto q = vector_params();
    q.clock = {};
    CHECK(check(q) == wh::webhook_errc::timestamp_out_of_tolerance);

    // An offset timestamp is the same instant.
    auto const body = std::string(vector_body);
    auto const ts = "2022-05-26T22:25:17.682818+02:00";
    CHECK_FALSE(check(vector_params(), wh::sign(vector_secret, vector_url, ts, body), ts, body));
}

TEST_CASE("webhooks: secret rotation")
{
    auto p = vector_params();
    p.secrets = {"new-secret", std::string(vector_secret)};
    CHECK_FALSE(check(p));
    p.secrets = {std::string(vector_secret), "new-secret"};
    CHECK_FALSE(check(p));
    p.secrets = {"", "new-secret", std::string(vector_secret)};
    CHECK_FALSE(check(p));
    p.secrets = {"new-secret", "older-secret"};
    CHECK(check(p) == wh::webhook_errc::signature_mismatch);

    auto const sig = wh::sign("new-secret", vector_url, vector_timestamp, vector_body);
    p.secrets = {std::string(vector_secret), "new-secret"};
    CHECK_FALSE(check(p, sig));
}

TEST_CASE("webhooks: sign() round trip and signature_timestamp()")
{
    auto const now = std::chrono::system_clock::now();
    auto const ts = wh::signature_timestamp(now);
    REQUIRE(meld::timestamp::parse(ts));
    std::string const body = R"({"eventType":"TEST","payload":{}})";
    auto const sig = wh::sign("s3cr3t", "https://hooks.example.com/meld", ts, body);
    CHECK(sig.size() == 44);
    CHECK(sig.back() == '=');
    CHECK(sig.find_first_of("+/") == std::string::npos);
    wh::verify_params const p{.secrets = {"s3cr3t"}, .url = "https://hooks.example.com/meld",
                              .clock = [now] { return now; }};
    CHECK_FALSE(wh::verify(p, sig, ts, body));
    CHECK_FALSE(wh::verify(wh::verify_params{.secrets = {"s3cr3t"}, .url = "https://hooks.example.com/meld"}, sig,
                           ts, body));  // the real clock
    CHECK(wh::verify(p, sig, ts, body + "x") == wh::webhook_errc::signature_mismatch);
    CHECK(wh::sign("k", "u", "t", "") != wh::sign("k", "u", "t", " "));
    CHECK(wh::sign("k", "u", "t", std::string(1, '\0')) != wh::sign("k", "u", "t", ""));
    CHECK_THROWS_AS(wh::sign("", "u", "t", "b"), std::invalid_argument);
}

TEST_CASE("webhooks: error category")
{
    meld::error_code const ec = wh::webhook_errc::signature_mismatch;
    CHECK(ec.category().name() == std::string("meld.webhook"));
    CHECK(ec.message().find("signature") != std::string::npos);
    CHECK(ec != meld::client_errc::invalid_webhook_signature);
    CHECK(wh::is_authentication_failure(ec));
    CHECK_FALSE(wh::is_authentication_failure(wh::webhook_errc::malformed_event));
    CHECK_FALSE(wh::is_authentication_failure(meld::client_errc::decode_failed));
    for (int i = 1; i <= static_cast<int>(wh::webhook_errc::malformed_event); ++i)
        CHECK(wh::make_error_code(static_cast<wh::webhook_errc>(i)).message().rfind("webhook:", 0) == 0);
}

// ---- typed events: the payload examples of Meld's docs ----------------------------------------------------

TEST_CASE("webhooks: WEBHOOK_TEST (the test vector's body)")
{
    auto const ev = wh::parse_event(vector_body);
    CHECK(ev.type() == wh::event_type::WEBHOOK_TEST);
    CHECK(ev.id() == "GDtv8pQgwzc9HuFFBQFrww");
    CHECK(ev.envelope.timestamp->text() == "2022-05-26T20:23:45.908400Z");
    CHECK(*ev.envelope.accountId == "W9jpQc1HKvwscqMPcLmzUS");
    CHECK_FALSE(ev.envelope.profileId);
    CHECK(*ev.envelope.version == "2021-10-27");
    CHECK(ev.envelope.payload->text() == R"({"requestId":"7aWW1GXTjWCCtNubzvVX7V"})");
    auto const* p = std::get_if<wh::webhook_test_payload>(&ev.payload);
    REQUIRE(p);
    CHECK(*p->requestId == "7aWW1GXTjWCCtNubzvVX7V");
    static_assert(std::is_same_v<wh::payload_for_t<wh::event_type::WEBHOOK_TEST>, wh::webhook_test_payload>);
}

TEST_CASE("webhooks: TRANSACTION_CRYPTO_PENDING (white-label quickstart and VA guide)")
{
    auto const ev = wh::parse_event(R"({ "eventType": "TRANSACTION_CRYPTO_PENDING", "eventId": "AAsuLXHXD3mS1cjNBuHHzv",
  "timestamp": "2022-02-24T16:36:41.717262Z", "accountId": "WQ5RyhdFzE45qjsomdzQ1u",
  "profileId": "W9ka8vLE4ufBkSg3BEciZb", "version": "2025-03-01",
  "payload": { "requestId": "f07f1accb7404aec9bd9a5d64975eed1", "accountId": "W2aRZnYGPwhBWB94iFsZus",
    "paymentTransactionId": "WePZCYJW7cdXR7SxUMp8mE", "customerId": "WePZCYZjAK97cJWokfH3Jc",
    "externalCustomerId": "testCustomer", "externalSessionId": "testSession",
    "paymentTransactionStatus": "PENDING", "transactionType": "CRYPTO_PURCHASE",
    "sessionId": "WePjVaT4iBHPpqW49F419x" } })");
    CHECK(*ev.envelope.profileId == "W9ka8vLE4ufBkSg3BEciZb");
    auto const& p = std::get<wh::transaction_crypto_pending_payload>(ev.payload);
    CHECK(*p.paymentTransactionId == "WePZCYJW7cdXR7SxUMp8mE");
    CHECK(*p.paymentTransactionStatus == wh::transaction_status::PENDING);
    CHECK(*p.transactionType == wh::transaction_type::CRYPTO_PURCHASE);
    CHECK(*p.externalSessionId == "testSession");
    CHECK(*p.sessionId == "WePjVaT4iBHPpqW49F419x");
    CHECK_FALSE(p.virtualAccountRampOrderId);

    auto const va = wh::parse_event(R"({ "eventType": "TRANSACTION_CRYPTO_PENDING", "eventId": "AAsuLXHXD3mS1cjNBuHHzv", "timestamp": "2025-02-24T16:36:41.717262Z", "accountId": "WQ5RyhdFzE45qjsomdzQ1u", "profileId": "W9ka8vLE4ufBkSg3BEciZb", "version": "2025-03-01", "payload": { "virtualAccountRampOrderId": "WeP9eoFziQX4yXE5abcfec", "paymentTransactionId": "WePZCYJW7cdXR7SxUMp8mE", "customerId": "WmYYgvN8ukpV62N3m4u3ee", "externalCustomerId": "your-internal-user-id-123", "paymentTransactionStatus": "PENDING", "transactionType": "CRYPTO_PURCHASE", "sessionId": "WePjVaT4iBHPpqW49F419x" } })");
    CHECK(*std::get<wh::transaction_crypto_pending_payload>(va.payload).virtualAccountRampOrderId ==
          "WeP9eoFziQX4yXE5abcfec");
}

TEST_CASE("webhooks: every transaction event type decodes to its payload type, unknown status kept")
{
    auto body = [](std::string_view type) {
        return R"({"eventType":")" + std::string(type) +
               R"(","eventId":"e1","payload":{"paymentTransactionId":"tx","paymentTransactionStatus":"SETTLED_V2",)"
               R"("transactionType":"CRYPTO_SELL","newField":{"a":[1,2]}}})";
    };
    auto const a = wh::parse_event(body("TRANSACTION_CRYPTO_TRANSFERRING"));
    auto const b = wh::parse_event(body("TRANSACTION_CRYPTO_COMPLETE"));
    auto const c = wh::parse_event(body("TRANSACTION_CRYPTO_FAILED"));
    auto const d = wh::parse_event(body("TRANSACTION_FIAT_CREATED"));
    auto const e = wh::parse_event(body("TRANSACTION_FIAT_UPDATED"));
    CHECK(std::holds_alternative<wh::transaction_crypto_transferring_payload>(a.payload));
    CHECK(std::holds_alternative<wh::transaction_crypto_complete_payload>(b.payload));
    CHECK(std::holds_alternative<wh::transaction_crypto_failed_payload>(c.payload));
    CHECK(std::holds_alternative<wh::transaction_fiat_created_payload>(d.payload));
    CHECK(std::holds_alternative<wh::transaction_fiat_updated_payload>(e.payload));
    auto const& p = std::get<wh::transaction_crypto_failed_payload>(c.payload);
    CHECK_FALSE(p.paymentTransactionStatus->is_known());
    CHECK(p.paymentTransactionStatus->str() == "SETTLED_V2");
    CHECK(*p.transactionType == wh::transaction_type::CRYPTO_SELL);

    // A family handler: one overload for every transaction event.
    int transactions = 0;
    for (auto const* ev : {&a, &b, &c, &d, &e}) {
        std::visit(
            [&](auto const& payload) {
                if constexpr (std::is_base_of_v<wh::transaction_payload, std::decay_t<decltype(payload)>>)
                    transactions += payload.paymentTransactionId == "tx";
            },
            ev->payload);
    }
    CHECK(transactions == 5);
}

TEST_CASE("webhooks: CUSTOMER_KYC_STATUS_CHANGE, short and long forms, both recipient spellings")
{
    auto const short_form = wh::parse_event(R"({ "eventType": "CUSTOMER_KYC_STATUS_CHANGE", "eventId": "BBxyzABC123456defGHIjk",
  "timestamp": "2025-02-24T14:20:00.000000Z", "accountId": "WQ5RyhdFzE45qjsomdzQ1u", "version": "2025-03-01",
  "payload": { "customerId": "WmYYgvN8ukpV62N3m4u3ee", "status": "APPROVED" } })");
    auto const& s = std::get<wh::customer_kyc_status_change_payload>(short_form.payload);
    CHECK(*s.customerId == "WmYYgvN8ukpV62N3m4u3ee");
    CHECK(*s.status == wh::kyc_status::APPROVED);
    CHECK_FALSE(s.recipient());
    CHECK_FALSE(short_form.envelope.profileId);

    // The VA guide's example (its `// PENDING, REJECTED, APPROVED` comment removed: JSON has no comments).
    auto const long_form = wh::parse_event(R"({ "eventType": "CUSTOMER_KYC_STATUS_CHANGE", "eventId": "customerId", "timestamp": "2022-02-24T16:36:41.717262Z", "payload": { "accountId": "WeP9eoFziQX4yXE5abcfec", "customerId": "customerId", "serviceProvider": "SUMSUB", "status": "APPROVED", "kycRecepient": { "serviceProvider": "Virtual account provider", "status": "PENDING" }, "statusUpdatedAt": "2022-02-24T16:36:41.717262Z" } })");
    CHECK_FALSE(long_form.envelope.accountId);
    CHECK_FALSE(long_form.envelope.version);
    auto const& l = std::get<wh::customer_kyc_status_change_payload>(long_form.payload);
    CHECK(*l.accountId == "WeP9eoFziQX4yXE5abcfec");
    CHECK(*l.serviceProvider == "SUMSUB");
    CHECK(l.statusUpdatedAt->text() == "2022-02-24T16:36:41.717262Z");
    REQUIRE(l.recipient());
    CHECK(*l.recipient()->serviceProvider == "Virtual account provider");
    CHECK(*l.recipient()->status == wh::kyc_status::PENDING);

    auto const prose = wh::parse_event(
        R"({"eventType":"CUSTOMER_KYC_STATUS_CHANGE","payload":{"status":"APPROVED","kycRecipient":{"serviceProvider":"NOAH","status":"APPROVED"}}})");
    auto const& r = std::get<wh::customer_kyc_status_change_payload>(prose.payload);
    REQUIRE(r.recipient());
    CHECK(*r.recipient()->serviceProvider == "NOAH");
    CHECK(*r.recipient()->status == wh::kyc_status::APPROVED);
}

TEST_CASE("webhooks: bank-linking connection events (bank-linking webhook page)")
{
    auto const completed = wh::parse_event(R"({ "eventType": "BANK_LINKING_CONNECTION_COMPLETED", "eventId": "NGoTSGJYpd3cLv1iyHWSw9", "timestamp": "2021-12-09T21:58:29.329186Z", "accountId": "QfdzpX3te1cDaviihXA4D5dA6ghnT3", "profileId": "W9kBgKB7afMxYoYuy3rJuZ", "version": "2021-10-28", "payload": { "requestId": "91d7fb355e319532b178acc8a7ae1a69", "customerId": "Qg56BnxskKokRV8rVo21Af3T4k6QKY", "externalCustomerId": "testCustomer1", "connectionId": "WQ4mBt3BEX2cmhCvSPyfTu", "institutionId": "Ntj3AwgdridJc2rtfeheku", "institutionName": "Chase", "serviceProviderDetails": { "serviceProvider": "PLAID", "serviceProviderConnectionId": "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx" } } })");
    auto const& c = std::get<wh::bank_linking_connection_completed_payload>(completed.payload);
    CHECK(*c.institutionName == "Chase");
    CHECK(*c.connectionId == "WQ4mBt3BEX2cmhCvSPyfTu");
    CHECK(*c.serviceProviderDetails->serviceProvider == "PLAID");
    CHECK(*c.serviceProviderDetails->serviceProviderConnectionId == "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx");

    auto const status = wh::parse_event(R"({ "eventType": "BANK_LINKING_CONNECTION_STATUS_CHANGE", "eventId": "UhK4iqKP57FeLPgqBi8EUk", "timestamp": "2023-08-22T20:54:02.960285Z", "accountId": "W9ju7atKP5Jaf5RPweGeis", "profileId": "W9kBgKB7afMxYoYuy3rJuZ", "version": "2023-07-31", "payload": { "customerId": "WQ4KqLo3SRSPeTVjxxwo2o", "externalCustomerId": "20230822-67a", "connectionId": "WQ4KqLuBYYTYHi2YATXYdB", "institutionId": "W4AAAFPgUVB85QnQDu5xhU", "oldStatus": "ACTIVE", "oldStatusReason": null, "newStatus": "RECONNECT_REQUIRED", "newStatusReason": "LOGIN_REQUIRED", "activeDuplicateConnectionId": null, "serviceProviderDetails": { "environment": "sandbox", "error": { "error_type": "ITEM_ERROR", "error_code": "ITEM_LOGIN_REQUIRED", "error_message": "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state", "display_message": null, "request_id": null, "causes": null, "status": 400, "documentation_url": null, "suggested_action": null }, "item_id": "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx", "serviceProvider": "PLAID", "serviceProviderConnectionId": "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx", "webhook_code": "ERROR", "webhook_type": "ITEM" } } })");
    auto const& s = std::get<wh::bank_linking_connection_status_change_payload>(status.payload);
    CHECK(*s.oldStatus == wh::connection_status::ACTIVE);
    CHECK_FALSE(s.oldStatusReason);
    CHECK(*s.newStatus == wh::connection_status::RECONNECT_REQUIRED);
    CHECK(*s.newStatusReason == wh::connection_status_reason::LOGIN_REQUIRED);
    CHECK_FALSE(s.activeDuplicateConnectionId);
    auto const& d = *s.serviceProviderDetails;
    CHECK(*d.environment == "sandbox");
    CHECK(*d.webhook_code == "ERROR");
    CHECK(*d.webhook_type == "ITEM");
    CHECK(d.error->parse().at("error_code") == "ITEM_LOGIN_REQUIRED");
    CHECK(d.error->text().find(R"("status":400)") != std::string_view::npos);

    // Not documented: the common fields.
    auto const deleted = wh::parse_event(
        R"({"eventType":"BANK_LINKING_CONNECTION_DELETED","eventId":"x","payload":{"customerId":"c","connectionId":"k"}})");
    CHECK(*std::get<wh::bank_linking_connection_deleted_payload>(deleted.payload).connectionId == "k");
}

TEST_CASE("webhooks: bank-linking account events (bank-linking webhook page)")
{
    auto const updating = wh::parse_event(R"({ "eventType": "BANK_LINKING_ACCOUNTS_UPDATING", "eventId": "38oVQntsutXnfzn6fZ3mxW", "timestamp": "2022-09-06T17:42:49.703620Z", "accountId": "W9ju7atKP5Jaf5RPweGeis", "profileId": "W9kBgKB7afMxYoYuy3rJuZ", "version": "2022-08-29", "payload": { "customerId": "WGti3bpsethEWYJrm2icuo", "externalCustomerId": "20220906-206", "connectionId": "WGu7we7dVTCnVkjJrpzVNm", "institutionId": "29KL1L2iYUV3zUCoSHhwvr", "requestId": "1f97b51f3771328bc07187c8a2c1fe30", "financialAccounts": [ { "id": "WGti3dJFc6A9r1pYcBmE6e", "name": "Plaid Checking", "truncatedAccountNumber": "0000", "newAccount": true }, { "id": "WGti3cCpeiAtWxL6pFQPTg", "name": "Plaid Saving", "truncatedAccountNumber": "1111", "newAccount": true } ], "serviceProviderDetails": { "serviceProvider": "PLAID", "serviceProviderConnectionId": "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx" } } })");
    auto const& u = std::get<wh::bank_linking_accounts_updating_payload>(updating.payload);
    REQUIRE(u.financialAccounts->size() == 2);
    CHECK(*(*u.financialAccounts)[1].name == "Plaid Saving");
    CHECK(*(*u.financialAccounts)[1].truncatedAccountNumber == "1111");
    CHECK(*(*u.financialAccounts)[0].newAccount);

    auto const updated = wh::parse_event(R"({ "eventType": "BANK_LINKING_ACCOUNTS_UPDATED", "eventId": "Ja2HXauns8LHPYR1NhEbrh", "timestamp": "2022-09-06T17:42:51.853020Z", "accountId": "W9ju7atKP5Jaf5RPweGeis", "profileId": "W9kBgKB7afMxYoYuy3rJuZ", "version": "2022-08-29", "payload": { "customerId": "WGti3bpsethEWYJrm2icuo", "externalCustomerId": "20220906-206", "connectionId": "WGu7we7dVTCnVkjJrpzVNm", "institutionId": "29KL1L2iYUV3zUCoSHhwvr", "requestId": "1f97b51f3771328bc07187c8a2c1fe30", "successfullyAggregatedAt": "2023-08-22T19:48:55Z", "financialAccounts": [ { "id": "WGti3cCpeiAtWxL6pFQPTg", "products": [ "BALANCES", "IDENTIFIERS", "OWNERS" ] }, { "id": "WGti3dJFc6A9r1pYcBmE6e", "products": [ "BALANCES", "IDENTIFIERS", "OWNERS" ] } ], "serviceProviderDetails": { "serviceProvider": "PLAID", "serviceProviderConnectionId": "NXrZpLwd1eUQQqymvl9nSkkV8DpeLLUWoXdZx" } } })");
    auto const& d = std::get<wh::bank_linking_accounts_updated_payload>(updated.payload);
    CHECK(d.successfullyAggregatedAt->text() == "2023-08-22T19:48:55Z");
    REQUIRE(d.financialAccounts->size() == 2);
    auto const& products = *(*d.financialAccounts)[0].products;
    REQUIRE(products.size() == 3);
    CHECK(products[0] == wh::bank_linking_product::BALANCES);
    CHECK(products[2] == wh::bank_linking_product::OWNERS);

    auto const removed = wh::parse_event(R"({ "eventType": "BANK_LINKING_ACCOUNTS_REMOVED", "eventId": "GUVQ5N9tQpLFALKpRevt6C", "timestamp": "2021-12-09T19:09:23.283931Z", "accountId": "QfdzpX3te1cDaviihXA4D5dA6ghnT3", "profileId": "W9kBgKB7afMxYoYuy3rJuZ", "version": "2021-10-28", "payload": { "customerId": "WGuEzKYdKukkUFxmzVDUvm", "externalCustomerId": "20221031-34", "connectionId": "WGuEzMHgUFDzumu6zVRyw5", "institutionId": "W9kgBBLULSJFSKTwCpb5Gf", "financialAccounts": [ { "id": "WGuEzL3AC3sF155f2ASWpu" }, { "id": "WGuEzHzJzEiDTBhCcniN4D" }, { "id": "WGuEzHoQA6UgG1Nq1qQ1Qy" }, { "id": "WGuEzHswGCZCn2bS1N9Mkh" } ], "serviceProviderDetails": { "serviceProvider": "FINICITY", "serviceProviderConnectionId": "6026862732" } } })");
    auto const& r = std::get<wh::bank_linking_accounts_removed_payload>(removed.payload);
    REQUIRE(r.financialAccounts->size() == 4);
    CHECK(*(*r.financialAccounts)[3].id == "WGuEzHswGCZCn2bS1N9Mkh");
    CHECK(*r.serviceProviderDetails->serviceProvider == "FINICITY");

    // Spec-only event types (no documented payload): the account-family fields.
    auto const added = wh::parse_event(R"({"eventType":"BANK_LINKING_ACCOUNTS_ADDED","payload":{"financialAccounts":[{"id":"a"}]}})");
    CHECK(std::get<wh::bank_linking_accounts_added_payload>(added.payload).financialAccounts->size() == 1);
    auto const available = wh::parse_event(R"({"eventType":"BANK_LINKING_NEW_ACCOUNTS_AVAILABLE","payload":{"connectionId":"k"}})");
    CHECK(*std::get<wh::bank_linking_new_accounts_available_payload>(available.payload).connectionId == "k");
}

TEST_CASE("webhooks: bank-linking transaction events (bank-linking webhook page)")
{
    auto const agg = wh::parse_event(R"({ "eventType": "BANK_LINKING_TRANSACTIONS_AGGREGATED", "eventId": "FEfSjVLXjM81CkG9ejkWBvu3Kb6ND5", "timestamp": "2022-01-31T22:05:04.068964Z", "accountId": "QfdzpX3te1cDaviihXA4D5dA6ghnT3", "version": "2022-03-09", "payload": { "customerId": "WGv8FTrTroky93FYwAJNXc", "externalCustomerId": "testCustomer", "connectionId": "WGumJ72d21SDCyma5Ax51k", "requestId": "1f97b51f3771328bc07187c8a2c1fe30", "successfullyAggregatedAt": "2023-08-22T19:48:55Z", "isPartial": false, "financialAccounts": [ { "financialAccountId": "WGv8FSGqrwvgVtqY5CARE9", "oldestTransactionUpdatedSearchKey": "3ztRY2PPYjEyzuuAfttKi9omi7UbsLxTbPTDV8MDpPhg9trwrsLZkHCJtb7QPs7cq35DJWSGqnRPP8UxGDmy2o2DRZJnG826oCuePdcnkAaCFyUEqc2QLeteoqJ3xBKetdApYwoFtA39ZpMxyL77LPxZEyUsWa4NWpxAEMQUHV9pSqZcgG", "numTransactionsAdded": 3, "numInvestmentTransactionsAdded": 0, "numTransactionsUpdated": 1, "numInvestmentTransactionsUpdated": 0, "transactionIdsRemoved": [], "investmentTransactionIdsRemoved": [] }, { "financialAccountId": "WGv8FSsWTrgAXBtS2cVPWR", "oldestTransactionUpdatedSearchKey": "3ztRY2PPYjEyzuuAfttKi9omi7UbsLxTbPTDV8MDpPhg9trwrsLZkHCJtb7QPs7cq35DJWSGqnRPP8UxGDmy2o2DRZJnG826oCuePdcnkAaCFyUEqc2QLeteoqJ3xBKetdApYwoFtA39ZpMxyL77LPxZEyUsWa4NWpxAEMQUHV9pSqZcgG", "numTransactionsAdded": 0, "numInvestmentTransactionsAdded": 0, "numTransactionsUpdated": 17, "numInvestmentTransactionsUpdated": 0, "transactionIdsRemoved": [], "investmentTransactionIdsRemoved": [] } ], "serviceProviderDetails": { "environment": "sandbox", "item_id": "zqyK7Abwv7cXJnr5Xk9xS31lMgqdXDuo3ZDxb", "new_transactions": 8, "serviceProvider": "PLAID", "webhook_code": "INITIAL_UPDATE", "webhook_type": "TRANSACTIONS" } } })");
    CHECK_FALSE(agg.envelope.profileId);
    auto const& a = std::get<wh::bank_linking_transactions_aggregated_payload>(agg.payload);
    CHECK_FALSE(*a.isPartial);
    REQUIRE(a.financialAccounts->size() == 2);
    auto const& first = (*a.financialAccounts)[0];
    CHECK(*first.numTransactionsAdded == 3);
    CHECK(*first.numTransactionsUpdated == 1);
    CHECK(first.transactionIdsRemoved->empty());
    CHECK(first.oldestTransactionUpdatedSearchKey->size() == 178);
    CHECK(*(*a.financialAccounts)[1].numTransactionsUpdated == 17);
    CHECK(*a.serviceProviderDetails->new_transactions == 8);
    CHECK(*a.serviceProviderDetails->webhook_code == "INITIAL_UPDATE");

    auto const hist = wh::parse_event(R"({ "eventType": "BANK_LINKING_HISTORICAL_TRANSACTIONS_AGGREGATED", "eventId": "FEfSjVLXjM81CkG9ejkWBvu3Kb6ND5", "timestamp": "2022-01-31T22:05:04.068964Z", "accountId": "QfdzpX3te1cDaviihXA4D5dA6ghnT3", "version": "2022-03-09", "payload": { "customerId": "WGv8FTrTroky93FYwAJNXc", "externalCustomerId": "testCustomer", "connectionId": "WGumJ72d21SDCyma5Ax51k", "requestId": "1f97b51f3771328bc07187c8a2c1fe30", "successfullyAggregatedAt": "2023-08-22T19:48:55Z", "isPartial": false, "financialAccounts": [ { "financialAccountId": "WGv8FSGqrwvgVtqY5CARE9", "oldestTransactionUpdatedSearchKey": "3ztRY2PPYjEyzuuAfttKi9omi7UbsLxTbPTDV8MDpPhg9trwrsLZkHCJtb7QPs7cq35DJWSGqnRPP8UxGDmy2o2DRZJnG826oCuePdcnkAaCFyUEqc2QLeteoqJ3xBKetdApYwoFtA39ZpMxyL77LPxZEyUsWa4NWpxAEMQUHV9pSqZcgG", "numTransactionsAdded": 84, "numInvestmentTransactionsAdded": 0, "numTransactionsUpdated": 1, "numInvestmentTransactionsUpdated": 0, "transactionIdsRemoved": [], "investmentTransactionIdsRemoved": [], "historicalAggregationSucceeded": false, "historicalAggregationError": { "error": { "message": "Member's institution does not support extended transaction history.", "status": "bad_request", "type": "bad_request_error" }, "serviceProvider": "MX" } }, { "financialAccountId": "WGv8FSsWTrgAXBtS2cVPWR", "oldestTransactionUpdatedSearchKey": "3ztRY2PPYjEyzuuAfttKi9omi7UbsLxTbPTDV8MDpPhg9trwrsLZkHCJtb7QPs7cq35DJWSGqnRPP8UxGDmy2o2DRZJnG826oCuePdcnkAaCFyUEqc2QLeteoqJ3xBKetdApYwoFtA39ZpMxyL77LPxZEyUsWa4NWpxAEMQUHV9pSqZcgG", "numTransactionsAdded": 150, "numInvestmentTransactionsAdded": 0, "numTransactionsUpdated": 1, "numInvestmentTransactionsUpdated": 0, "transactionIdsRemoved": [], "investmentTransactionIdsRemoved": [], "historicalAggregationSucceeded": false, "historicalAggregationError": { "error": { "message": "Member's institution does not support extended transaction history.", "status": "bad_request", "type": "bad_request_error" }, "serviceProvider": "MX" } } ], "serviceProviderDetails": { "serviceProvider": "FINICITY", "serviceProviderConnectionId": "6026862732" } } })");
    auto const& h = std::get<wh::bank_linking_historical_transactions_aggregated_payload>(hist.payload);
    auto const& acct = (*h.financialAccounts)[1];
    CHECK(*acct.numTransactionsAdded == 150);
    CHECK_FALSE(*acct.historicalAggregationSucceeded);
    CHECK(*acct.historicalAggregationError->serviceProvider == "MX");
    CHECK(*acct.historicalAggregationError->error->status == "bad_request");
    CHECK(*acct.historicalAggregationError->error->type == "bad_request_error");
}

TEST_CASE("webhooks: TEST, unknown event types and malformed bodies")
{
    auto const t = wh::parse_event(R"({"eventType":"TEST","payload":null})");
    CHECK(std::holds_alternative<wh::test_payload>(t.payload));
    auto const empty = wh::parse_event(R"({"eventType":"WEBHOOK_TEST"})");
    CHECK_FALSE(std::get<wh::webhook_test_payload>(empty.payload).requestId);

    auto const unknown = wh::parse_event(
        R"({"eventType":"PAYOUT_SOMETHING_NEW","eventId":"n1","payload":{"amount":0.000000000000000001,"x":[true,null]}})");
    CHECK_FALSE(unknown.type().is_known());
    CHECK(unknown.type().str() == "PAYOUT_SOMETHING_NEW");
    CHECK(unknown.id() == "n1");
    auto const& u = std::get<wh::unknown_payload>(unknown.payload);
    CHECK(u.json.text() == R"({"amount":0.000000000000000001,"x":[true,null]})");

    auto const odd = wh::parse_event(R"({"eventType":"SOMETHING_ELSE","payload":[1,"two"]})");
    CHECK(std::get<wh::unknown_payload>(odd.payload).json.text() == R"([1,"two"])");

    wh::event ev;
    std::string message;
    CHECK(wh::parse_event("", ev, &message) == wh::webhook_errc::malformed_event);
    CHECK(wh::parse_event("not json", ev) == wh::webhook_errc::malformed_event);
    CHECK(wh::parse_event("[]", ev) == wh::webhook_errc::malformed_event);
    CHECK(wh::parse_event(R"({"eventId":"x","payload":{}})", ev, &message) == wh::webhook_errc::malformed_event);
    CHECK(message == "$.eventType: missing");
    // a wrong-typed payload member: tolerated and reported; strict mode makes it malformed
    meld::json::decode_report report;
    char const* const odd_member = R"({"eventType":"TRANSACTION_CRYPTO_PENDING","payload":{"customerId":{"a":1}}})";
    CHECK_FALSE(wh::parse_event(odd_member, ev, {}, &report));
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].path == "/payload/customerId");
    CHECK(report.warnings[0].raw == R"({"a":1})");
    meld::json::decode_options const strict{.strict = true};
    CHECK(wh::parse_event(odd_member, ev, strict, nullptr, &message) == wh::webhook_errc::malformed_event);
    CHECK(message.rfind("$.payload.customerId", 0) == 0);
    report.clear();
    CHECK_FALSE(wh::parse_event(R"({"eventType":"WEBHOOK_TEST","payload":"text"})", ev, {}, &report));
    CHECK(report.total == 1);
    CHECK(report.warnings[0].path == "/payload");
    CHECK(wh::parse_event(R"({"eventType":"WEBHOOK_TEST","payload":"text"})", ev, strict, nullptr) ==
          wh::webhook_errc::malformed_event);
    CHECK_THROWS_AS(wh::parse_event("{"), boost::system::system_error);
}

// ---- dedupe and the receiver flow ---------------------------------------------------------------------

TEST_CASE("webhooks: dedupe semantics")
{
    wh::in_memory_dedupe_store store(3);
    CHECK_FALSE(store.seen("a"));
    CHECK(store.begin("a") == wh::claim::acquired);
    CHECK(store.begin("a") == wh::claim::in_progress);  // a concurrent redelivery
    CHECK_FALSE(store.seen("a"));                        // not done until the handler succeeded
    store.abandon("a");                                  // the handler failed
    CHECK(store.begin("a") == wh::claim::acquired);      // so the redelivery runs it again
    store.mark_done("a");
    CHECK(store.seen("a"));
    CHECK(store.begin("a") == wh::claim::done);
    CHECK(store.size() == 1);
    store.mark_done("a");
    CHECK(store.size() == 1);
}

TEST_CASE("webhooks: dedupe store is bounded (LRU)")
{
    wh::in_memory_dedupe_store store(3);
    for (auto id : {"a", "b", "c"}) store.mark_done(id);
    CHECK(store.seen("a"));  // refreshes a: b is now the least recently used
    store.mark_done("d");
    CHECK(store.size() == 3);
    CHECK_FALSE(store.seen("b"));
    CHECK(store.seen("a"));
    CHECK(store.seen("c"));
    CHECK(store.seen("d"));
    CHECK_THROWS_AS(wh::in_memory_dedupe_store(0), std::invalid_argument);
}

TEST_CASE("webhooks: dedupe store is thread-safe: each id handled once")
{
    wh::in_memory_dedupe_store store(1000);
    std::atomic<int> handled{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                auto const id = "e" + std::to_string(i);
                if (store.begin(id) == wh::claim::acquired) {
                    ++handled;
                    store.mark_done(id);
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(handled == 200);
    CHECK(store.size() == 200);
}

TEST_CASE("webhooks: a minimal store (seen + mark_done only) gets begin/abandon defaults")
{
    struct set_store final : wh::dedupe_store {
        std::vector<std::string> done;
        bool seen(std::string_view id) override { return std::find(done.begin(), done.end(), id) != done.end(); }
        void mark_done(std::string_view id) override { done.emplace_back(id); }
    } store;
    CHECK(store.begin("x") == wh::claim::acquired);
    store.abandon("x");
    store.mark_done("x");
    CHECK(store.begin("x") == wh::claim::done);
}

TEST_CASE("webhooks: accept_delivery / complete_delivery")
{
    auto const p = vector_params();
    wh::in_memory_dedupe_store store(16);

    auto v = wh::accept_delivery(p, &store, vector_signature, vector_timestamp, vector_body);
    REQUIRE(v.must_handle());
    CHECK(v.ev.id() == "GDtv8pQgwzc9HuFFBQFrww");
    // A redelivery while the first is still being handled.
    auto const concurrent = wh::accept_delivery(p, &store, vector_signature, vector_timestamp, vector_body);
    CHECK(concurrent.status == 409);
    // The handler fails: 500 and the next delivery is handled again.
    CHECK(wh::complete_delivery(&store, v.ev, false) == 500);
    v = wh::accept_delivery(p, &store, vector_signature, vector_timestamp, vector_body);
    REQUIRE(v.must_handle());
    CHECK(wh::complete_delivery(&store, v.ev, true) == 200);
    // Redelivered after success: acknowledged, not handled.
    auto const again = wh::accept_delivery(p, &store, vector_signature, vector_timestamp, vector_body);
    CHECK(again.status == 200);
    CHECK(again.duplicate);

    CHECK(wh::accept_delivery(p, &store, "", vector_timestamp, vector_body).status == 401);
    auto const bad = wh::accept_delivery(p, &store, vector_signature, vector_timestamp, std::string(vector_body) + "x");
    CHECK(bad.status == 401);
    CHECK(bad.error == wh::webhook_errc::signature_mismatch);
    auto q = p;
    q.max_body_size = 10;
    CHECK(wh::accept_delivery(q, &store, vector_signature, vector_timestamp, vector_body).status == 413);
    q = p;
    q.secrets.clear();
    CHECK(wh::accept_delivery(q, &store, vector_signature, vector_timestamp, vector_body).status == 500);

    std::string const junk = "{\"eventId\":\"x\"}";
    auto const sig = wh::sign(vector_secret, vector_url, vector_timestamp, junk);
    auto const malformed = wh::accept_delivery(p, &store, sig, vector_timestamp, junk);
    CHECK(malformed.status == 400);
    CHECK(malformed.detail == "$.eventType: missing");

    // Without a store every authentic delivery is handled.
    CHECK(wh::accept_delivery(p, nullptr, vector_signature, vector_timestamp, vector_body).must_handle());
}
