// fuzz/webhook_fuzz.cpp — libFuzzer target: verify() and parse_event() on arbitrary header values and bodies.
//
// Input: "<Meld-Signature>\n<Meld-Signature-Timestamp>\n<body>" (missing lines are empty). Checks, besides
// the sanitizers: verify() never throws and returns a webhook_errc; sign() + verify() round-trip for any body
// and any parseable timestamp; parse_event() never throws on the error_code form and either fails with
// malformed_event or gives an event whose type is eventType; accept_delivery() answers a known status.
#include <meld/webhook.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace wh = meld::webhooks;

namespace {

// The documented test vector's secret, URL and signing time: the seed corpus is signed with them.
constexpr std::string_view secret = "42m4NMLS34WQ6BbMfo1KFKqMv4hy";
constexpr std::string_view url = "https://example.meld.io/webhooks";

std::chrono::system_clock::time_point vector_time()
{
    auto const t = meld::timestamp("2022-05-26T20:25:17.682818Z").time_point();
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(t.time_since_epoch()));
}

std::string_view next_line(std::string_view& in)
{
    auto const nl = in.find('\n');
    auto const line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    return line;
}

void require(bool ok)
{
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<char const*>(data), size);
    std::string_view const signature = next_line(in);
    std::string_view const timestamp = next_line(in);
    std::string_view const body = in;

    static auto const now = vector_time();
    wh::verify_params const params{.secrets = {"rotated-out", std::string(secret)},
                                   .url = std::string(url),
                                   .max_body_size = 64 * 1024,
                                   .clock = [] { return now; }};

    auto const ec = wh::verify(params, signature, timestamp, body);
    require(!ec || ec.category() == wh::webhook_category());

    // Round trip: what sign() produces always verifies (when the timestamp is one and is "now").
    if (auto const ts = meld::timestamp::parse(timestamp)) {
        auto const sig = wh::sign(secret, url, timestamp, body);
        auto const p2 = wh::verify_params{.secrets = {std::string(secret)}, .url = std::string(url),
                                          .max_body_size = params.max_body_size,
                                          .clock = [t = ts->time_point()] {
                                              return std::chrono::system_clock::time_point(
                                                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                      t.time_since_epoch()));
                                          }};
        auto const rt = wh::verify(p2, sig, timestamp, body);
        require(!rt || rt == wh::webhook_errc::body_too_large);
        if (!ec)  // only the canonical encoding of a configured secret's MAC verifies
            require(sig == signature || wh::sign("rotated-out", url, timestamp, body) == signature);
    }

    // Parsing (independently of authenticity, to reach the decoder with everything).
    wh::event ev;
    std::string message;
    if (auto const pe = wh::parse_event(body, ev, &message)) {
        require(pe == wh::webhook_errc::malformed_event);
    } else {
        require(ev.envelope.eventType.has_value());
        bool const unknown = std::holds_alternative<wh::unknown_payload>(ev.payload);
        require(unknown == !ev.type().is_known());
        (void)ev.id();
    }

    wh::in_memory_dedupe_store store(4);
    auto const v = wh::accept_delivery(params, &store, signature, timestamp, body);
    switch (v.status) {
    case 0: require(wh::complete_delivery(&store, v.ev, true) == 200); break;
    case 200: case 400: case 401: case 409: case 413: case 500: break;
    default: std::abort();
    }
    return 0;
}
