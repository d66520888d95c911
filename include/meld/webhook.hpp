// meld/webhook.hpp — receiving Meld webhooks: signature verification, typed events, dedupe, the receiver flow.
//
// (The webhook *profile* API calls — meld.webhooks.profiles_create(...) — are in <meld/webhooks.hpp>.)
// Guide: docs/webhooks.md. Example server: examples/cpp20_webhook_receiver.cpp.
#ifndef MELD_WEBHOOK_HPP
#define MELD_WEBHOOK_HPP

#include <meld/webhooks/dedupe.hpp>
#include <meld/webhooks/error.hpp>
#include <meld/webhooks/events.hpp>
#include <meld/webhooks/receiver.hpp>
#include <meld/webhooks/verify.hpp>

#endif
