// meld/bleepay.hpp — the Bleepay widget deposit-session API (a separate vendor) on meld's engine.
//
//   #include <meld/bleepay.hpp>
//   meld::bleepay::client bleepay{ex, {.auth = meld::bleepay::client_secret{secret}}};
//   auto session = co_await bleepay.create_session(req);
//
// See docs/bleepay.md. Everything lives in namespace meld::bleepay: client + client_params + auth
// (bleepay/client.hpp), the hand-written descriptor (bleepay/endpoints.hpp), models (bleepay/models.hpp),
// client-side validation (bleepay/validation.hpp).
#ifndef MELD_BLEEPAY_HPP
#define MELD_BLEEPAY_HPP

#include <meld/bleepay/client.hpp>
#include <meld/bleepay/endpoints.hpp>
#include <meld/bleepay/models.hpp>
#include <meld/bleepay/validation.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>
#include <meld/exception.hpp>
#include <meld/with_diagnostics.hpp>

#endif
