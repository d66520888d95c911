// fuzz/classify_fuzz.cpp — libFuzzer target: the error-body classifier and diagnostics.
//
// Input: "<status>\n<Content-Type>\n<X-Request-Id>\n<body>" (missing lines are empty; a status that is not a
// number is 0). In every part, @KEY@, @SECRET@, @AUTH@ and @B64@ become a fixed fake API key ("id:secret"),
// its secret part, its Authorization value and the key's base64, so the fuzzer reaches the redaction paths.
// Runs what the pipeline runs for an answer (set_http_status, set_headers, classify_response, add_attempt,
// then redact with a redactor holding the fake key) and checks, besides the sanitizers:
//  * the outcome by status class: 2xx is success when the body is empty or the content type is JSON (checked
//    against an independent is-JSON test), else unexpected_content_type; 3xx is redirect_refused; 4xx/5xx is
//    the meld.api error of that status; anything else malformed_response; a client-side outcome has a message;
//  * for 3xx-5xx, the raw body is kept, and a JSON-object body's code (or error), message, errors[],
//    requestId, timestamp and serviceProviderDetails.message are what the diagnostics report; summary()
//    starts with "HTTP <status>" and names the code and message;
//  * a diagnostics object reused after clear_outcome() (as for a retry) reports the same as a fresh one;
//  * after redaction, no field and not summary() contains the key, a part of it, its base64 or the
//    Authorization value, the kept request-id header does not end inside one either (a value cut at its
//    capacity), and neither does the content type quoted (cut at 80 characters) in the client message when
//    the content type sent held a secret (finding 1 of fuzz/README.md, fixed);
//    redacting again changes nothing.
#include <meld/detail/http_request.hpp>
#include <meld/detail/pipeline/redact.hpp>
#include <meld/detail/response_classifier.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view fake_key = "fzk8Qw3LidXy:Zq7rTsecretVALUE9xK2";
constexpr std::string_view fake_secret = "Zq7rTsecretVALUE9xK2";
constexpr std::string_view fake_auth = "BASIC fzk8Qw3LidXy:Zq7rTsecretVALUE9xK2";

[[noreturn]] void fail(char const* what, std::string_view detail = {})
{
    std::fprintf(stderr, "\n*** fuzz invariant violated: %s\n*** %.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

void check(bool ok, char const* what, std::string_view detail = {})
{
    if (!ok) fail(what, detail);
}

std::string_view next_line(std::string_view& in)
{
    auto const nl = in.find('\n');
    auto const line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    return line;
}

std::string expand(std::string_view in)
{
    static std::string const b64 = meld::detail::pipeline::base64_encode(fake_key);
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        auto const put = [&](std::string_view marker, std::string_view with) {
            if (in.substr(i, marker.size()) != marker) return false;
            out += with;
            i += marker.size();
            return true;
        };
        if (!put("@KEY@", fake_key) && !put("@SECRET@", fake_secret) && !put("@AUTH@", fake_auth) &&
            !put("@B64@", b64))
            out += in[i++];
    }
    return out;
}

// Independent of detail::is_json_content_type: application/json or application/<x>+json, case-insensitive,
// parameters after ';' and trailing blanks ignored.
bool reference_is_json(std::string_view ct)
{
    std::string m(ct.substr(0, ct.find(';')));
    while (!m.empty() && (m.back() == ' ' || m.back() == '\t')) m.pop_back();
    for (char& c : m)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (m == "application/json") return true;
    std::string_view const v = m;
    return v.starts_with("application/") && v.ends_with("+json") && v.size() > std::string_view("application/+json").size();
}

std::string field(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct answer {
    unsigned status = 0;
    std::string content_type, request_id, body;
};

meld::detail::raw_response make_response(answer const& a)
{
    meld::detail::raw_response r;
    r.status = a.status;
    r.content_type.assign(a.content_type);
    r.body = a.body;
    r.request_id_header.assign("X-Request-Id");
    r.request_id.assign(a.request_id);
    return r;
}

// What call_fsm::on_attempt does with an answer.
meld::error_code run(meld::detail::raw_response const& r, meld::diagnostics& d)
{
    meld::detail_access::set_http_status(d, r.status);
    meld::detail_access::set_headers(d, r.retry_after, r.date, r.request_id_header, r.request_id);
    auto const ec = meld::detail::classify_response(r, d);
    meld::detail_access::add_attempt(d, {r.status, ec, {}, false});
    return ec;
}

std::vector<std::string> fields(meld::diagnostics const& d)
{
    std::vector<std::string> f{std::string(d.code()),      std::string(d.message()),
                               std::string(d.request_id()), std::string(d.timestamp()),
                               std::string(d.service_provider_message()), std::string(d.raw_body()),
                               std::string(d.client_message()), std::string(d.header("X-Request-Id")),
                               std::to_string(d.http_status())};
    for (auto const& e : d.errors()) f.push_back(e);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<char const*>(data), size);
    answer a;
    std::string_view const status_line = next_line(in);
    if (std::from_chars(status_line.data(), status_line.data() + status_line.size(), a.status).ec != std::errc{})
        a.status = 0;
    a.content_type = expand(next_line(in));
    a.request_id = expand(next_line(in));
    a.body = expand(in);

    auto const resp = make_response(a);
    meld::diagnostics d;
    auto const ec = run(resp, d);
    unsigned const s = a.status;

    // The outcome by status class.
    if (s >= 200 && s < 300) {
        bool const json = reference_is_json(resp.content_type.view());
        check(json == meld::detail::is_json_content_type(resp.content_type.view()), "is_json_content_type differs",
              resp.content_type.view());
        if (a.body.empty() || json)
            check(!ec, "2xx JSON answer is not a success", ec.message());
        else
            check(ec == meld::client_errc::unexpected_content_type && !d.client_message().empty(),
                  "2xx non-JSON answer is not unexpected_content_type", ec.message());
    } else if (s >= 300 && s < 400) {
        check(ec == meld::client_errc::redirect_refused && !d.client_message().empty(), "3xx is not redirect_refused",
              ec.message());
    } else if (s >= 400 && s < 600) {
        check(ec == meld::make_http_error(s) && meld::is_api_error(ec), "4xx/5xx is not the API error of the status",
              ec.message());
    } else {
        check(ec == meld::client_errc::malformed_response && !d.client_message().empty(),
              "an impossible status is not malformed_response", ec.message());
    }
    check(d.http_status() == s, "http_status() is not the answer's status");

    // Meld's error body.
    std::string const summary = d.summary();
    check(s == 0 || summary.starts_with("HTTP " + std::to_string(s)), "summary() does not start with the status",
          summary);
    if (s >= 300 && s < 600) {
        check(d.raw_body() == a.body, "raw_body() is not the body");
        boost::system::error_code jec;
        boost::json::parse_options opt;
        opt.max_depth = 64;  // as deep as meld::json::decode accepts
        auto const doc = boost::json::parse(a.body, jec, {}, opt);
        if (!jec && doc.is_object()) {
            auto const& o = doc.get_object();
            std::string code = field(o, "code");
            if (code.empty()) code = field(o, "error");
            check(d.code() == code, "code() is not the body's code/error", code);
            check(d.message() == field(o, "message"), "message() is not the body's message");
            std::string const rid = field(o, "requestId");
            check(d.request_id() == (rid.empty() ? std::string(resp.request_id.view()) : rid),
                  "request_id() is not the body's requestId, else the header's");
            check(d.timestamp() == field(o, "timestamp"), "timestamp() is not the body's timestamp");
            std::vector<std::string> errs;
            if (auto const* e = o.if_contains("errors"); e && e->is_array())
                for (auto const& x : e->get_array())
                    if (x.is_string()) errs.emplace_back(x.get_string());
            check(d.errors() == errs, "errors() are not the body's string errors");
            std::string spm;
            if (auto const* p = o.if_contains("serviceProviderDetails"); p && p->is_object())
                spm = field(p->get_object(), "message");
            check(d.service_provider_message() == spm, "service_provider_message() differs");
            check(code.empty() || summary.find(code) != std::string::npos, "summary() does not name the code",
                  summary);
            check(summary.find(field(o, "message")) != std::string::npos, "summary() does not name the message",
                  summary);
        } else {
            check(d.code().empty() && d.message().empty() && d.errors().empty(),
                  "a body that is not a JSON object gave fields");
        }
    }

    // Reused after clear_outcome (a retry) == fresh.
    meld::diagnostics reused;
    (void)run(make_response({429, "application/json", "rid-0",
                             R"({"code":"TOO_MANY_REQUESTS","message":"m","errors":["e"],"requestId":"r",)"
                             R"("timestamp":"t","serviceProviderDetails":{"message":"p"}})"}),
              reused);
    meld::detail_access::clear_outcome(reused);
    auto const ec_reused = run(resp, reused);
    check(ec_reused == ec && fields(reused) == fields(d), "a reused diagnostics differs from a fresh one");

    // Redaction.
    meld::detail::pipeline::redactor r;
    r.add_credential(fake_key, fake_auth);
    meld::detail_access::redact(d, r);
    auto const after = fields(d);
    for (auto const& f : after) check(!r.contains_secret(f), "a diagnostics field holds a secret", f);
    std::string const redacted_summary = d.summary();
    check(!r.contains_secret(redacted_summary), "summary() holds a secret", redacted_summary);
    check(!r.contains_secret_or_cut(d.header("X-Request-Id")), "the request-id header ends inside a secret",
          d.header("X-Request-Id"));
    if (s >= 300 && s < 600) check(d.raw_body() == r.redacted(a.body), "raw_body() is not the redacted body");
    std::string_view const cm = d.client_message();
    constexpr std::string_view got = "expected application/json, got '";
    if (r.contains_secret(a.content_type) && cm.starts_with(got)) {
        auto const end = cm.rfind("' (HTTP ");
        if (end != std::string_view::npos && end >= got.size()) {
            auto const quoted = cm.substr(got.size(), end - got.size());
            check(!r.contains_secret_or_cut(quoted), "the quoted content type ends inside a secret", cm);
        }
    }
    meld::detail_access::redact(d, r);
    check(fields(d) == after, "redacting twice changes the diagnostics");
    return 0;
}
