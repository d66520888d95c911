// meld/payments.hpp — the payments API group: its models (meld::payments::*), descriptors and the meld.payments.* calls.
#ifndef MELD_PAYMENTS_HPP
#define MELD_PAYMENTS_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/payments.hpp>

#endif
