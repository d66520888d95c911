// fuzz/webhook_event_fuzz.cpp — libFuzzer target: meld::webhooks::parse_event into the typed event.
//
// Input: a delivery body (no signature lines: webhook_fuzz covers verify()). Checks, besides the sanitizers:
// parse_event is deterministic, never throws on the error_code form, and fails only with malformed_event and a
// message (the throwing form then throws that code); a parsed event has an eventType, and its payload is the
// alternative of that type (unknown_payload, holding the payload's JSON text, for a type not known); the
// payload equals a direct decode of envelope.payload into that alternative (the empty payload when that is
// not an object: tolerated); the invariants of
// fuzz_invariants.hpp hold for the envelope and the payload (exact decimals and timestamps, valid raw_json,
// decoded texts taken verbatim from an input without escapes); and re-encoding the envelope parses to the
// same event (envelope and payload).
#include "fuzz_invariants.hpp"

#include <meld/webhook.hpp>

#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace wh = meld::webhooks;

namespace {

std::string encode_payload(wh::event const& ev)
{
    return std::visit(
        [](auto const& p) -> std::string {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(p)>, wh::unknown_payload>)
                return "unknown:" + std::string(p.json.text());
            else
                return meld::json::encode(p);
        },
        ev.payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    wh::event ev;
    std::string message;
    auto const ec = wh::parse_event(body, ev, &message);

    wh::event ev2;
    std::string message2;
    auto const ec2 = wh::parse_event(body, ev2, &message2);
    meld_fuzz::check(ec == ec2 && message == message2, "parse_event: two runs disagree", message + " | " + message2);

    bool threw = false;
    try {
        (void)wh::parse_event(body);
    } catch (boost::system::system_error const& e) {
        threw = true;
        meld_fuzz::check(e.code() == ec, "parse_event: the throwing form throws another code", e.what());
    }
    meld_fuzz::check(threw == static_cast<bool>(ec), "parse_event: the throwing form disagrees");

    if (ec) {
        meld_fuzz::check(ec == wh::webhook_errc::malformed_event, "parse_event: failure is not malformed_event",
                         ec.message());
        meld_fuzz::check(!message.empty(), "parse_event: failure without a message");
        return 0;
    }
    meld_fuzz::check(ev.envelope.eventType.has_value(), "parse_event: success without an eventType");
    std::string const env = meld::json::encode(ev.envelope);
    std::string const pay = encode_payload(ev);
    meld_fuzz::check(env == meld::json::encode(ev2.envelope) && pay == encode_payload(ev2),
                     "parse_event: two runs give different events", env);

    // The payload is the event type's alternative, and equals a direct decode of the payload text.
    auto const type = ev.type();
    std::string_view const text =
        ev.envelope.payload && !ev.envelope.payload->is_null() ? ev.envelope.payload->text() : std::string_view();
    if (!type.is_known()) {
        meld_fuzz::check(ev.payload.index() == 0, "parse_event: unknown type without unknown_payload", type.str());
        meld_fuzz::check(std::get<0>(ev.payload).json.text() == text, "parse_event: unknown_payload text differs",
                         text);
        meld_fuzz::check_raw_json(std::get<0>(ev.payload).json);
    } else {
        meld_fuzz::check(ev.payload.index() == wh::detail::payload_index(type.get()),
                         "parse_event: payload alternative is not the event type's", type.str());
        std::visit(
            [&](auto const& p) {
                using P = std::remove_cvref_t<decltype(p)>;
                if constexpr (!std::is_same_v<P, wh::unknown_payload>) {
                    P direct{};
                    std::string why;
                    // A payload that is not an object (a string, an array) is tolerated: the empty payload.
                    bool const object = !text.empty() && text.front() == '{';
                    meld_fuzz::check(!object || !meld_fuzz::decode(text, direct, why),
                                     "parse_event: the payload text does not decode directly", why);
                    meld_fuzz::check(meld::json::encode(direct) == pay, "parse_event: payload differs from a direct decode",
                                     pay);
                }
            },
            ev.payload);
    }

    meld_fuzz::check_leaves(ev.envelope);
    std::visit([](auto const& p) { meld_fuzz::check_leaves(p); }, ev.payload);
    if (body.find('\\') == std::string_view::npos) {
        meld_fuzz::check_texts_in(ev.envelope, body);
        std::visit([&](auto const& p) { meld_fuzz::check_texts_in(p, body); }, ev.payload);
    }

    // Re-encoding the envelope gives the same event.
    wh::event back;
    std::string why;
    meld_fuzz::check(!wh::parse_event(env, back, &why), "round trip: the encoded envelope does not parse",
                     why + " | " + env);
    meld_fuzz::check(meld::json::encode(back.envelope) == env && encode_payload(back) == pay,
                     "round trip: the encoded envelope parses to another event", env);
    return 0;
}
