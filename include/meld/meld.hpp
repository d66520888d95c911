// meld/meld.hpp — everything: the client, every API group, errors and the exact-value types.
#ifndef MELD_MELD_HPP
#define MELD_MELD_HPP

#include <meld/client.hpp>
#include <meld/client_params.hpp>
#include <meld/decimal.hpp>
#include <meld/decode.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>
#include <meld/exception.hpp>
#include <meld/open_enum.hpp>
#include <meld/raw_json.hpp>
#include <meld/timestamp.hpp>
#include <meld/with_diagnostics.hpp>

#include <meld/activity_log.hpp>
#include <meld/bank_linking.hpp>
#include <meld/crypto.hpp>
#include <meld/customers.hpp>
#include <meld/network_partners.hpp>
#include <meld/payments.hpp>
#include <meld/service_providers.hpp>
#include <meld/webhooks.hpp>

#include <meld/bleepay.hpp>  // the Bleepay widget deposit session (a separate vendor, same machinery)
#include <meld/webhook.hpp>  // webhook signature verification, typed events, dedupe

#endif
